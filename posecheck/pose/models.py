"""Where the Tasks backend's model file (a .task bundle) comes from, with no network at run time.

A .task bundle is an uncompressed zip of the person detector and the landmark model. For a
model name (lite, full, heavy) posecheck looks, in this order, at:

1. a path the user gives (`--model PATH.task`, or POSECHECK_MODEL=PATH.task): used as it is;
2. the user's model folder (POSECHECK_MODEL_DIR, else `models` in posecheck's user data folder):
   Google's published `pose_landmarker_<name>.task`, downloaded once by the user; it must match
   the official file's sha256, so a cut-off download is told, not half-loaded;
3. the bundle scripts/build_pose_models.py built at set-up from the Apache-2.0 weights in the
   mediapipe 0.10.21 wheel (and, for lite, models/pose_landmark_lite.tflite in the data folder),
   in `<python prefix>/share/posecheck/models`; its sha256 is recorded below (the build is
   byte-reproducible) and checked too.

Heavy has no built bundle (its weights are on no package index): only the user's file.
This module imports no model library.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import PosecheckError
from ..user_folders import configured_path, user_data_dir

MODEL_NAMES = ("lite", "full", "heavy")
MODEL_DIR_ENV = "POSECHECK_MODEL_DIR"
BUILT_DIR_ENV = "POSECHECK_BUILT_MODEL_DIR"

# Google's float16 version-1 bundles (pose_landmarker/pose_landmarker_<name>/float16/1/);
# name -> (sha256, bytes)
OFFICIAL = {
    "lite": ("59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a", 5_777_746),
    "full": ("5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1", 9_398_198),
    "heavy": ("64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b", 30_664_242),
}

# What scripts/build_pose_models.py builds: name -> sha256 of the bundle. The same bytes on
# every machine and Python (the build fixes every date and takes nothing from the platform).
BUILT = {
    "lite": "c5d00e356ac7d353d2a23acd4316d56acda49ff5b2074fecd822218d5bb4dd3f",
    "full": "40909714babe4b15e94050ea5bae49b098f0b52e61616ae91666679f7400c048",
}


def official_file_name(name: str) -> str:
    return f"pose_landmarker_{name}.task"


def built_file_name(name: str) -> str:
    return f"posecheck_pose_{name}.task"


def user_model_dir() -> Path:
    """POSECHECK_MODEL_DIR if set, else `models` in the platform's user data folder."""
    return configured_path(MODEL_DIR_ENV) or user_data_dir() / "models"


def built_model_dir() -> Path:
    """Where set-up puts the bundles it builds: inside the Python environment posecheck is
    installed in, so a new environment builds its own and deleting it leaves nothing behind."""
    configured = os.environ.get(BUILT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(sys.prefix) / "share" / "posecheck" / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelFile:
    path: Path
    name: str  # lite, full, heavy, or the file name of a path the user gave
    origin: str  # "given", "official" or "built"


def is_model_path(model: str) -> bool:
    """A --model value that names a file rather than lite/full/heavy."""
    return model.endswith(".task") or os.sep in model or "/" in model


def find_model(model: str) -> ModelFile:
    """The .task file for a model name or path, by the order in the module docstring; a
    PosecheckError saying what to do when there is none or a file is not the right one."""
    if is_model_path(model):
        path = Path(model).expanduser()
        if not path.is_file():
            raise PosecheckError(f"The pose model file {path} does not exist.")
        return ModelFile(path, path.name, "given")
    if model not in MODEL_NAMES:
        raise PosecheckError(f"There is no pose model called {model!r} (lite, full, heavy, or "
                             "the path of a .task file).")
    official = user_model_dir() / official_file_name(model)
    if official.is_file():
        want, size = OFFICIAL[model]
        if sha256_of(official) != want:
            raise PosecheckError(
                f"{official} is not Google's {official.name} (its sha256 differs; "
                f"the official file has {size:,} bytes): download it again or delete it.")
        return ModelFile(official, model, "official")
    if model in BUILT:
        built = built_model_dir() / built_file_name(model)
        if built.is_file():
            if sha256_of(built) != BUILT[model]:
                raise PosecheckError(
                    f"{built} is not the bundle set-up builds (its sha256 differs): run "
                    "`bash scripts/setup.sh` again, or `python scripts/build_pose_models.py`.")
            return ModelFile(built, model, "built")
        hint = ("run `bash scripts/setup.sh` (it builds the full model, and the lite one where the "
                f"data folder has its weights), or put Google's {official.name} in {official.parent}")
    else:
        hint = f"put Google's {official.name} in {official.parent}"
    raise PosecheckError(f"The {model} pose model is not on this machine: {hint}.")
