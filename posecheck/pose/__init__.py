"""The pose stage: frames in, Pose objects out.

open_estimator is how every driver (analyses, the live page, the benchmark) gets its pose
estimator. This package imports no model library itself: replaying a track or loading
exercises must never load MediaPipe; the backend's module is imported when it is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .estimator import PoseEstimator


def open_estimator(backend: str | None = None, model: str | None = None, *,
                   one_core: bool = False) -> "PoseEstimator":
    """A PoseEstimator (posecheck's policy) over the named backend and model (None: the
    default, see backend.open_backend); unknown names raise PosecheckError. one_core: keep the model's own threads on one core - for analyses,
    where decode and encode threads run beside it (cpu_affinity.py); not for the live page."""
    from .backend import open_backend
    from .estimator import PoseEstimator

    return PoseEstimator(open_backend(backend, model, one_core=one_core))
