"""What the pose stage asks of a pose model (a backend), and which backends there are.

A backend turns one RGB frame into one Pose; it knows nothing of posecheck's policy (dark
frames, implausible skeletons: estimator.py). Each backend is one module named in BACKENDS;
it is imported only when opened, so that listing backends, replaying a track or loading
exercises never loads a model library.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..datatypes import Pose
from ..errors import PosecheckError


@dataclass(frozen=True)
class BackendInfo:
    """What a backend says about itself."""

    name: str  # as open_estimator takes it, e.g. "mediapipe"
    model: str  # e.g. "full"
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
    "mediapipe": "posecheck.pose.mediapipe_solutions:MediaPipeSolutions",
}


def open_backend(name: str, model: str, *, one_core: bool = False) -> PoseBackend:
    where = BACKENDS.get(name)
    if where is None:
        raise PosecheckError(f"There is no pose backend called {name!r} (known: "
                             f"{_listed(BACKENDS)}).")
    module, _, class_name = where.partition(":")
    backend_class = getattr(importlib.import_module(module), class_name)
    if model not in backend_class.MODELS:
        raise PosecheckError(f"The {name} pose backend has no model called {model!r} (it has "
                             f"{_listed(backend_class.MODELS)}).")
    return backend_class(model, one_core=one_core)


def _listed(names) -> str:
    return " and ".join(", ".join(f"{n!r}" for n in names).rsplit(", ", 1))
