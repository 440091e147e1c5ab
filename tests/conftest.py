"""Shared fixtures: the real-data folder, its labels, and pose tracks made once per run."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from posecheck.bench.labels import read_labels  # the labelled clips, as the bench reads them

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helpers: synth, media, process_memory


@pytest.fixture(scope="session", autouse=True)
def private_history(tmp_path_factory):
    """No test (nor the page servers the browser tests start) writes to the real history."""
    patch = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    patch.setenv("POSECHECK_HISTORY", str(path))
    yield path
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def private_plan(tmp_path_factory):
    """Nor to the real plan."""
    patch = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    patch.setenv("POSECHECK_PLAN", str(path))
    yield path
    patch.undo()


def pytest_collection_modifyitems(config, items):
    """Every test that reaches the real clips (its fixtures include data_dir, directly or through
    labels or track_of) is marked `real`, so `-m "not real"` runs none of them."""
    for item in items:
        if "data_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real)


def _data_dir() -> Path:
    return Path(os.environ.get("POSECHECK_DATA", ROOT.parent / "shared" / "data")).resolve()




@pytest.fixture(scope="session")
def data_dir() -> Path:
    d = _data_dir()
    if not (d / "videos").is_dir():
        message = f"real test data not found at {d} (set POSECHECK_DATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return d


@pytest.fixture(scope="session")
def labels(data_dir) -> list[dict]:
    return read_labels(data_dir)


@pytest.fixture(scope="session")
def library():
    from posecheck.engine.exercises import load_all

    lib = load_all()
    assert not lib.errors, lib.errors
    return lib


def _pose_stage_digest() -> str:
    """Tracks depend on the decoder and the pose stage; a change there invalidates them. Every
    module of the pose package counts, so that a new one (a backend) counts without a word here."""
    package = ROOT / "posecheck"
    files = [package / "video" / "decode.py", package / "datatypes.py",
             *sorted((package / "pose").rglob("*.py"))]
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


@pytest.fixture(scope="session")
def track_of(data_dir, tmp_path_factory, library):
    """clip file name -> path of its pose track, running the real model once per clip.
    track_of(clip, stride=None) is the track at the automatic stride (tests/test_stride.py).

    POSECHECK_TRACK_CACHE=DIR keeps tracks between runs (keyed by the pose stage's source)."""
    from posecheck.run.files import analyze_video

    cache_env = os.environ.get("POSECHECK_TRACK_CACHE")
    folder = Path(cache_env) if cache_env else tmp_path_factory.mktemp("tracks")
    folder.mkdir(parents=True, exist_ok=True)
    from posecheck.pose.backend import default_backend, default_model

    # POSECHECK_BACKEND / POSECHECK_MODEL choose the backend the tracks are made with
    model = os.path.basename(default_model())
    digest = f"{_pose_stage_digest()}.{default_backend()}-{model}"
    any_exercise = library.get("hip_hinge")
    made: dict[tuple[str, int | None], Path] = {}

    def get(clip: str, stride: int | None = 1) -> Path:
        if (clip, stride) not in made:
            kind = "" if stride == 1 else ".auto" if stride is None else f".s{stride}"
            path = folder / f"{clip}.{digest}{kind}.jsonl"
            if not path.exists():
                # unique per process: several test runs may share one cache folder
                tmp = path.with_suffix(f".{os.getpid()}.part")
                analyze_video(str(data_dir / "videos" / clip), any_exercise, stride=stride,
                              track_to=str(tmp))
                tmp.rename(path)
            made[clip, stride] = path
        return made[clip, stride]

    return get
