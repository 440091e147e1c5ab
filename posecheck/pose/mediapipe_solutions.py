"""The pose backend "solutions": MediaPipe's legacy solutions graph (mp.solutions.pose).

The wheel of mediapipe 0.10.21 carries the models, so nothing is downloaded at run time.
MediaPipe's own landmark smoothing is switched off: it assumes 30 fps, while posecheck
smooths with the real timestamps in smoothing.py.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .backend import BackendInfo
from .cpu_affinity import OneCore
from .native_stderr import native_stderr_silenced
from ..datatypes import Pose
from ..errors import PosecheckError

# model name -> the graph's model_complexity
_COMPLEXITY = {"lite": 0, "full": 1, "heavy": 2}

# Below this the person detector's guess is more often wrong than right on our clips.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5


class MediaPipeSolutions:
    """One stream's MediaPipe solutions pose graph. It holds native resources: call close()."""

    MODELS = tuple(_COMPLEXITY)

    def __init__(self, model: str = "full", *, one_core: bool = False):
        from .backend import solutions_available

        if not solutions_available():
            raise PosecheckError("The solutions pose backend needs mediapipe 0.10.21 (Python "
                                 "3.10-3.12); the mediapipe installed here has only the tasks "
                                 "backend (--backend tasks).")
        # one_core: keep the graph's own threads on one core (see cpu_affinity) - for analyses,
        # where decode and encode threads run beside the model
        self.one_core = OneCore() if one_core else None
        # imported here so that replaying a track or loading exercises never loads MediaPipe
        with native_stderr_silenced(), self._graph_threads_start():
            import mediapipe as mp

            self._graph = mp.solutions.pose.Pose(
                static_image_mode=False,
                model_complexity=_COMPLEXITY[model],
                smooth_landmarks=False,
                enable_segmentation=False,
                min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
            )
        self.info = BackendInfo("solutions", model, f"mediapipe {mp.__version__} (solutions)")
        self._quiet_frames = 3
        self._restart_pending = False

    def _graph_threads_start(self):
        return self.one_core.starting_threads() if self.one_core else contextlib.nullcontext()

    def process(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        if self.one_core:
            self.one_core.check()
        image_rgb.flags.writeable = False  # lets MediaPipe wrap the buffer without copying
        if self._restart_pending:
            self._restart_pending = False
            # a restarted graph logs its setup again (and may start new threads)
            with native_stderr_silenced(), self._graph_threads_start():
                self._graph.reset()
                result = self._graph.process(image_rgb)
        elif self._quiet_frames:  # the first frames start the graph's calculators, which also log
            self._quiet_frames -= 1
            with native_stderr_silenced():
                result = self._graph.process(image_rgb)
        else:
            result = self._graph.process(image_rgb)
        return _to_pose(result, image_rgb.shape, t)

    def restart(self) -> None:
        # done with the next frame, so that the graph's new start and that frame share one
        # silenced stretch of stderr and one start of threads
        self._restart_pending = True

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()
            self._graph = None


def _to_pose(result, shape: tuple[int, ...], t: float) -> Pose | None:
    if result.pose_landmarks is None:
        return None
    lms = np.array([[p.x, p.y, p.z, p.visibility] for p in result.pose_landmarks.landmark],
                   dtype=np.float64)
    world = None
    if result.pose_world_landmarks is not None:
        world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks.landmark],
                         dtype=np.float64)
    h, w = shape[:2]
    return Pose(t=t, image_size=(w, h), landmarks=lms, world=world)
