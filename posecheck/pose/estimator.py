"""posecheck's policy around any pose backend (backend.py), one estimator per stream: dark
frames are brightened before the model sees them, the person is detected afresh after a cut
in the video, and an implausible skeleton is detected afresh. Which backend runs is the
caller's choice (open_estimator in __init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backend import PoseBackend
from ..datatypes import Pose
from .. import landmarks as L

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


# A cut: a large part of the picture changes sharply between two frames the model sees (an
# edited video that jumps from one position to the next, a camera knocked). A tracking model
# then follows the person's region from before the cut: on palfit's cobra clip, which cuts
# from child's pose straight to the press-up, the lite model's hips took 9 frames (0.27 s)
# to reach where the full model put them on the first frame, long enough to shorten every
# press-up under the exercise's shortest rep (1 s). Measured on a 32x32 thumbnail of the
# picture (cut_thumbnail) as the share of its pixels that changed by more than CUT_LEVELS of
# 255: that clip's 12 cuts change 17-26% of them; no other frame pair of the 17 labelled
# clips, every frame or at the automatic stride, changes more than 5% (hansfit's shoulder
# circles at the automatic stride). A fade changes every pixel a little and is not a cut
# (malik's cross-fade to the title cards: under 1%). A cut seen where there was none costs
# one fresh detection.
CUT_LEVELS = 32.0
CUT_SHARE = 0.12
_THUMB = (32, 32)


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


@dataclass
class PoseStats:
    """What the policy did so far in one stream."""

    frames: int = 0  # frames estimated
    dark_frames: int = 0  # frames brightened before the model
    redetections: int = 0  # frames where the tracked pose was implausible and redone
    cuts: int = 0  # frames after a cut in the video, where the person was detected afresh
    last_frame_dark: bool = False


class PoseEstimator:
    """Turns RGB frames of one stream into Pose objects (or None when nobody is found).

    Use as a context manager, or call close(): the backend holds the model.
    """

    def __init__(self, backend: PoseBackend):
        self.backend = backend
        self.stats = PoseStats()
        self._closed = False
        self._last_thumb: np.ndarray | None = None

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        self.backend.close()

    def estimate(self, image_rgb: np.ndarray, t: float) -> Pose | None:
        if self._closed:
            raise RuntimeError("PoseEstimator is closed")
        self.stats.frames += 1
        if self._cut(image_rgb):
            self.stats.cuts += 1
            self.backend.restart()
        bright = brightened(image_rgb)
        self.stats.last_frame_dark = bright is not None
        if bright is not None:
            self.stats.dark_frames += 1
            image_rgb = bright
        pose = self.backend.process(image_rgb, t)
        if pose is None:
            return None
        symmetry = _symmetry(pose)
        if symmetry < MIN_BONE_SYMMETRY:
            self.stats.redetections += 1
            self.backend.restart()
            retry = self.backend.process(image_rgb, t)
            if retry is None:
                return None
            if _symmetry(retry) > symmetry:
                pose = retry
        return pose

    def _cut(self, image_rgb: np.ndarray) -> bool:
        """Whether a large part of the picture changed sharply since the last frame the model saw."""
        thumb = cut_thumbnail(image_rgb)
        last, self._last_thumb = self._last_thumb, thumb
        return last is not None and np.count_nonzero(np.abs(thumb - last) > CUT_LEVELS) > CUT_SHARE * thumb.size


def cut_thumbnail(image_rgb: np.ndarray) -> np.ndarray:
    """The picture as a 32x32 grid of green levels (float), what a cut is measured on: green
    follows brightness closely, and every few pixels' worth is plenty for a 32x32 grid (0.03 ms
    a 640x360 frame on the 2-core VM, against 3.4 ms for a grey conversion of the whole frame)."""
    import cv2  # OpenCV comes with MediaPipe

    h, w = image_rgb.shape[:2]
    step = max(1, min(h, w) // 64)
    green = np.ascontiguousarray(image_rgb[::step, ::step, 1])
    return cv2.resize(green, _THUMB, interpolation=cv2.INTER_AREA).astype(np.float32)


def _symmetry(pose: Pose) -> float:
    return 1.0 if pose.world is None else bone_symmetry(pose.world)
