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

from .cpu_affinity import OneCore
from ..datatypes import Pose
from .. import landmarks as L

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


# Dark frames: on a real clip darkened step by step with sensor-like noise, the model lost the
# person in a quarter of the frames at a mean level of 16 (of 255) and in all of them at 8, yet
# found her in nearly every frame after a brightness gain. Frames whose mean level is below DARK_BELOW are scaled up towards
# BRIGHT_LEVEL before the model (never more than MAX_GAIN); a strong gain is preceded by a
# light blur so that it does not amplify the sensor noise into texture. The picture the person
# sees is not changed.
DARK_BELOW = 40.0
BRIGHT_LEVEL = 100.0
MAX_GAIN = 16.0
_DENOISE_ABOVE_GAIN = 3.0


def brightened(image_rgb: np.ndarray) -> np.ndarray | None:
    """A brighter copy of a dark frame for the model, or None when the frame is light enough."""
    level = float(image_rgb[::4, ::4].mean())  # every 16th pixel is plenty for a mean
    if level >= DARK_BELOW:
        return None
    import cv2  # OpenCV comes with MediaPipe; only dark frames need it

    gain = min(MAX_GAIN, BRIGHT_LEVEL / max(level, 1.0))
    if gain > _DENOISE_ABOVE_GAIN:
        image_rgb = cv2.GaussianBlur(image_rgb, (0, 0), 1.5)
    return cv2.convertScaleAbs(image_rgb, alpha=gain)


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

    def __init__(self, model_complexity: int = 1, one_core: bool = False):
        # one_core: keep the graph's own threads on one core (see cpu_affinity) - for analyses,
        # where decode and encode threads run beside the model
        self._one_core = OneCore() if one_core else None
        # imported here so that replaying a track or loading exercises never loads MediaPipe
        with _native_stderr_silenced(), self._graph_threads_start():
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
        self.dark_frames = 0  # frames brightened before the model
        self.last_frame_dark = False

    def _graph_threads_start(self):
        return self._one_core.starting_threads() if self._one_core else contextlib.nullcontext()

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
        bright = brightened(image_rgb)
        self.last_frame_dark = bright is not None
        if bright is not None:
            self.dark_frames += 1
            image_rgb = bright
        if self._one_core:
            self._one_core.check()
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
            # a restarted graph logs its setup again (and may start new threads)
            with _native_stderr_silenced(), self._graph_threads_start():
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
