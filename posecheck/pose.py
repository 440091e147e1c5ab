"""Pose stage: MediaPipe's bundled full pose model, one estimator per stream.

The wheel of mediapipe 0.10.21 carries the model, so nothing is downloaded at run time.
MediaPipe's own landmark smoothing is switched off: it assumes 30 fps, while posecheck
smooths with the real timestamps in smoothing.py.
"""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np

from .datatypes import Pose
from . import landmarks as L

# Below this the person detector's guess is more often wrong than right on our clips.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5

# Left and right bones of one body have about the same length. When MediaPipe's tracker
# follows a stale region through a fast change of posture (child's pose -> press-up on the
# real clips) it can return a skeleton with one thigh a third the length of the other. Below
# this ratio the tracked pose is discarded and the frame is detected afresh.
MIN_BONE_SYMMETRY = 0.55
_PAIRED_BONES = (
    ((L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP)),
    ((L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE)),
    ((L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE)),
    ((L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW)),
)


def bone_symmetry(world: np.ndarray) -> float:
    """Smallest short/long ratio over paired left/right bones in metric world landmarks."""
    worst = 1.0
    for (a, b), (c, d) in _PAIRED_BONES:
        left = float(np.linalg.norm(world[a] - world[b]))
        right = float(np.linalg.norm(world[c] - world[d]))
        longest = max(left, right)
        if longest > 1e-6:
            worst = min(worst, min(left, right) / longest)
    return worst


@contextlib.contextmanager
def _native_stderr_silenced():
    """MediaPipe's C++ side prints setup warnings straight to file descriptor 2 (they are not
    about the user's video); keep them off the user's terminal while the graph starts."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class PoseEstimator:
    """Turns RGB frames of one stream into Pose objects (or None when nobody is found).

    Use as a context manager, or call close(): the MediaPipe graph holds native resources.
    """

    def __init__(self, model_complexity: int = 1):
        # imported here so that replaying a track or loading exercises never loads MediaPipe
        with _native_stderr_silenced():
            import mediapipe as mp

            self._pose = mp.solutions.pose.Pose(
                static_image_mode=False,
                model_complexity=model_complexity,
                smooth_landmarks=False,
                enable_segmentation=False,
                min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
            )
        self._quiet_frames = 3
        self.redetections = 0  # frames where the tracked pose was implausible and redone

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None

    def estimate(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        if self._pose is None:
            raise RuntimeError("PoseEstimator is closed")
        image_rgb.flags.writeable = False  # lets MediaPipe wrap the buffer without copying
        if self._quiet_frames:  # the first frames start the graph's calculators, which also log
            self._quiet_frames -= 1
            with _native_stderr_silenced():
                result = self._pose.process(image_rgb)
        else:
            result = self._pose.process(image_rgb)
        if result.pose_landmarks is None:
            return None
        symmetry = self._symmetry(result)
        if symmetry < MIN_BONE_SYMMETRY:
            self.redetections += 1
            with _native_stderr_silenced():  # a restarted graph logs its setup again
                self._pose.reset()  # drops the tracked region; the next call starts with detection
                retry = self._pose.process(image_rgb)
            if retry.pose_landmarks is None:
                return None
            if self._symmetry(retry) > symmetry:
                result = retry
        return self._to_pose(result, image_rgb.shape, t)

    @staticmethod
    def _symmetry(result) -> float:
        if result.pose_world_landmarks is None:
            return 1.0
        world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks.landmark])
        return bone_symmetry(world)

    @staticmethod
    def _to_pose(result, shape: tuple[int, ...], t: float) -> Pose:
        lms = np.array([[p.x, p.y, p.z, p.visibility] for p in result.pose_landmarks.landmark],
                       dtype=np.float64)
        world = None
        if result.pose_world_landmarks is not None:
            world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks.landmark],
                             dtype=np.float64)
        h, w = shape[:2]
        return Pose(t=t, image_size=(w, h), landmarks=lms, world=world)
