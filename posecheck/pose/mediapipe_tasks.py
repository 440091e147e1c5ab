"""The pose backend "tasks": MediaPipe's Tasks API (PoseLandmarker) in VIDEO mode.

It runs in every mediapipe release since 0.10 (mp.solutions, the "solutions" backend, is gone
from 0.10.30 on), on Python 3.10-3.13 and numpy 2. Its model is a .task bundle that
models.find_model finds on this machine (a path given, the user's official file, or the one
set-up built): nothing is downloaded at run time.

VIDEO mode tracks the person from frame to frame; the landmarker has no reset, so restart()
builds a new one from the same file (57-72 ms measured on the 2-core VM, against 10 ms a frame).
"""

from __future__ import annotations

import contextlib

import numpy as np

from .backend import BackendInfo
from .cpu_affinity import OneCore
from .models import MODEL_NAMES, find_model
from .native_stderr import native_stderr_silenced
from ..datatypes import Pose

# The same confidences as the solutions backend: below them the detector's guess is more
# often wrong than right on our clips.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_PRESENCE_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5


class MediaPipeTasks:
    """One stream's MediaPipe PoseLandmarker. It holds native resources: call close()."""

    MODELS = MODEL_NAMES
    ACCEPTS_MODEL_PATHS = True  # --model PATH.task

    def __init__(self, model: str = "full", *, one_core: bool = False):
        self.model_file = find_model(model)  # before loading mediapipe: a missing file says so fast
        self.one_core = OneCore() if one_core else None
        with native_stderr_silenced(), self._graph_threads_start():
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision

            self._mp = mp
            self._options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(self.model_file.path)),
                running_mode=vision.RunningMode.VIDEO,
                num_poses=1,
                min_pose_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_pose_presence_confidence=MIN_PRESENCE_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
                output_segmentation_masks=False,
            )
            self._create = vision.PoseLandmarker.create_from_options
            self._landmarker = self._create(self._options)
        self.info = BackendInfo("tasks", self.model_file.name,
                                f"mediapipe {mp.__version__} (tasks, {self.model_file.origin} "
                                f"{self.model_file.path.name})")
        self._last_ms = -1
        self._quiet_frames = 3  # the first frames start the graph's calculators, which log

    def _graph_threads_start(self):
        return self.one_core.starting_threads() if self.one_core else contextlib.nullcontext()

    def process(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        if self.one_core:
            self.one_core.check()
        # VIDEO mode wants strictly increasing whole milliseconds
        ms = max(int(round(t * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB,
                               data=np.ascontiguousarray(image_rgb))
        if self._quiet_frames:
            self._quiet_frames -= 1
            with native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect_for_video(image, ms)
        return _to_pose(result, image_rgb.shape, t)

    def restart(self) -> None:
        # the Tasks API has no reset: a new landmarker forgets the person it tracked
        with native_stderr_silenced(), self._graph_threads_start():
            self._landmarker.close()
            self._landmarker = self._create(self._options)
        self._last_ms = -1
        self._quiet_frames = 3

    def close(self) -> None:
        if self._landmarker is not None:
            with native_stderr_silenced():  # mediapipe 1.x logs each accelerator it frees
                self._landmarker.close()
            self._landmarker = None


def _to_pose(result, shape: tuple[int, ...], t: float) -> Pose | None:
    if not result.pose_landmarks:
        return None
    lms = np.array([[p.x, p.y, p.z, p.visibility] for p in result.pose_landmarks[0]],
                   dtype=np.float64)
    world = None
    if result.pose_world_landmarks:
        world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[0]],
                         dtype=np.float64)
    h, w = shape[:2]
    return Pose(t=t, image_size=(w, h), landmarks=lms, world=world)
