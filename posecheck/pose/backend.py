"""What the pose stage asks of a pose model (a backend), and which backends there are.

A backend turns one RGB frame into one Pose; it knows nothing of posecheck's policy (dark
frames, implausible skeletons: estimator.py). Each backend is one module named in BACKENDS;
it is imported only when opened, so that listing backends, replaying a track or loading
exercises never loads a model library.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..datatypes import Pose
from ..errors import PosecheckError


@dataclass(frozen=True)
class BackendInfo:
    """What a backend says about itself."""

    name: str  # as open_estimator takes it, e.g. "solutions"
    model: str  # e.g. "full" (or the file name of a model the user gave)
    library: str  # the library and version that runs the model, e.g. "mediapipe 0.10.21"


class PoseBackend(Protocol):
    """One stream's pose model. A backend class also has MODELS (the model names it accepts)
    and is built as `Backend(model, one_core=...)`; one_core asks it to keep its own threads
    on one core (cpu_affinity.py) where it has any."""

    info: BackendInfo

    def process(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        """The person in one RGB frame taken at t seconds, or None when nobody is found.
        May follow the person from the frames before (tracking)."""
        ...

    def restart(self) -> None:
        """Forget the frames before: the next frame is searched afresh."""
        ...

    def close(self) -> None:
        """Free the model; calling it twice is harmless."""
        ...


# name -> "module:class" of the backend
BACKENDS: dict[str, str] = {
    "solutions": "posecheck.pose.mediapipe_solutions:MediaPipeSolutions",
    "tasks": "posecheck.pose.mediapipe_tasks:MediaPipeTasks",
}
BACKEND_ENV = "POSECHECK_BACKEND"
MODEL_ENV = "POSECHECK_MODEL"
DEFAULT_MODEL = "full"
# mp.solutions is gone from this mediapipe release on
_SOLUTIONS_REMOVED_IN = (0, 10, 30)


def solutions_available() -> bool:
    """Whether the installed mediapipe still has mp.solutions, without importing it (seconds)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("mediapipe")
    except PackageNotFoundError:
        return False
    numbers = tuple(int(part) for part in release.split(".")[:3] if part.isdigit())
    return numbers < _SOLUTIONS_REMOVED_IN


# The default on every Python, measured (README, "Pose backends"): its full model holds every
# label of the real clips, as the solutions graph's does, at the same speed (19.4-19.9 against
# 19.6-19.9 ms/frame) and on every Python posecheck installs on, so everyone gets one
# behaviour; the solutions graph stays an option where mediapipe 0.10.21 has it (3.10-3.12).
DEFAULT_BACKEND = "tasks"


def default_backend() -> str:
    """POSECHECK_BACKEND if set, else DEFAULT_BACKEND (tasks) on every Python."""
    configured = os.environ.get(BACKEND_ENV, "").strip()
    return configured or DEFAULT_BACKEND


def default_model() -> str:
    """POSECHECK_MODEL if set (lite, full, heavy or the path of a .task file), else full."""
    return os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL


def in_use_line() -> str:
    """One line for the page: which backend and model its analyses and live sessions use."""
    from .models import is_model_path

    model = default_model()
    shown = model.replace("\\", "/").rsplit("/", 1)[-1] if is_model_path(model) else model
    return (f"Pose model: {default_backend()} backend, {shown} model "
            f"(POSECHECK_BACKEND, POSECHECK_MODEL change it; lite is about a fifth faster on a slow "
            f"laptop but misses more: a leg lifting towards the camera, a limb leaving the picture).")


def open_backend(name: str | None = None, model: str | None = None, *,
                 one_core: bool = False) -> PoseBackend:
    """The named backend with the named model; None takes the default (POSECHECK_BACKEND,
    POSECHECK_MODEL, else default_backend() and full)."""
    name = name or default_backend()
    model = model or default_model()
    where = BACKENDS.get(name)
    if where is None:
        raise PosecheckError(f"There is no pose backend called {name!r} (known: "
                             f"{_listed(BACKENDS)}).")
    module, _, class_name = where.partition(":")
    backend_class = getattr(importlib.import_module(module), class_name)
    from .models import is_model_path

    path_ok = getattr(backend_class, "ACCEPTS_MODEL_PATHS", False) and is_model_path(model)
    if model not in backend_class.MODELS and not path_ok:
        raise PosecheckError(f"The {name} pose backend has no model called {model!r} (it has "
                             f"{_listed(backend_class.MODELS)}).")
    return backend_class(model, one_core=one_core)


def _listed(names) -> str:
    return " and ".join(", ".join(f"{n!r}" for n in names).rsplit(", ", 1))
