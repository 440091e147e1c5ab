"""Left and right kept consistent from frame to frame.

A pose model that follows a person seen side-on sometimes takes them for facing the other way
for a few frames: every left landmark comes back labelled right and the other way round. The
skeleton drawn is the same, but a sided exercise would count a rep on the wrong leg, the
near-side angles would jump to the far limbs, and a lifted leg could be "put down" and "lifted"
again. Measured on the single-leg deadlift clip: the Tasks API's full model swapped on 39
frames, its lite model on 57 (issue 13); the legacy graph's smoothing hides most of it.

Such a swap shows in the picture: the limbs that were at A (left) and B (right) are now labelled
the other way, so the labels fit the last frame far better swapped back. SideConsistency swaps
them back when that fit is much better (the sum of the limb joints' distances to where the
last pose had them, in the picture and in the model's metric 3D, in body sizes). A person who really turns round moves their limbs
gradually and is never swapped; legs crossing in a side view fit both ways about equally and
are left alone. Should the model keep the other labelling for longer than MAX_UNDO_S it is
taken as the model's considered view (a person who turned round while out of sight, say) and
followed from then on.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .. import landmarks as L
from ..datatypes import Pose

# BlazePose's 33 landmarks: index -> its mirror twin (the nose is its own)
MIRROR = np.array([0, 4, 5, 6, 1, 2, 3, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15, 18, 17, 20, 19,
                   22, 21, 24, 23, 26, 25, 28, 27, 30, 29, 32, 31])
# the limb joints whose positions decide (the torso's twins overlap in a side view and say little)
_LIMBS = np.array([L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL,
                   L.LEFT_FOOT])
_TWINS = MIRROR[_LIMBS]

# Swapped back when the swapped labels fit the last pose this much better (distance sums).
SWAP_FIT_RATIO = 0.5
# ... and the labels as given are this far off the last pose (mean limb joint shift, in body
# sizes): below it the two labellings are too alike to tell (crossed legs).
MIN_MISFIT = 0.15
MAX_UNDO_S = 1.0  # the longest run of swapped frames undone; longer is the model's view
MAX_GAP_S = 0.5  # after this long without a pose, the next one is taken as labelled


def swapped(pose: Pose) -> Pose:
    """The pose with every left and right landmark exchanged (image and world)."""
    world = None if pose.world is None else pose.world[MIRROR]
    return replace(pose, landmarks=pose.landmarks[MIRROR], world=world)


def _scaled(points: np.ndarray) -> np.ndarray:
    """Points in body sizes (the diagonal of their bounding box)."""
    span = points.max(axis=0) - points.min(axis=0)
    return points / max(float(np.linalg.norm(span)), 1e-6)


def _where(pose: Pose) -> np.ndarray:
    """Each landmark's place in the picture and, where the model gives it, in metric 3D, each in
    body sizes. A side view puts a person's left and right limbs nearly on top of each other in
    the picture; their depth (the world landmarks) still tells them apart."""
    w, h = pose.image_size
    image = _scaled(pose.landmarks[:, :2] * np.array([w, h], dtype=np.float64))
    if pose.world is None:
        return image
    return np.hstack([image, _scaled(pose.world)])


class SideConsistency:
    """Feed the poses of one stream in order; returns each with left and right as the last."""

    def __init__(self) -> None:
        self.undone = 0  # frames swapped back so far
        self.reset()

    def reset(self) -> None:
        self._last: np.ndarray | None = None
        self._last_t = -math.inf
        self._undoing_since: float | None = None

    def consistent(self, pose: Pose | None) -> Pose | None:
        if pose is None:
            return None
        xy = _where(pose)
        if not np.isfinite(xy).all():
            return pose
        last, gap = self._last, pose.t - self._last_t
        self._last_t = pose.t
        if last is None or gap > MAX_GAP_S or last.shape != xy.shape:
            self._last, self._undoing_since = xy, None
            return pose
        kept = float(np.linalg.norm(xy[_LIMBS] - last[_LIMBS], axis=1).sum()
                     + np.linalg.norm(xy[_TWINS] - last[_TWINS], axis=1).sum())
        crossed = float(np.linalg.norm(xy[_LIMBS] - last[_TWINS], axis=1).sum()
                        + np.linalg.norm(xy[_TWINS] - last[_LIMBS], axis=1).sum())
        misfit = kept / (2 * len(_LIMBS))
        if crossed < SWAP_FIT_RATIO * kept and misfit > MIN_MISFIT:
            if self._undoing_since is None:
                self._undoing_since = pose.t
            if pose.t - self._undoing_since <= MAX_UNDO_S:
                self.undone += 1
                pose = swapped(pose)
                self._last = xy[MIRROR]
                return pose
            self._undoing_since = None  # the model has kept it: follow it from here
        elif self._undoing_since is not None and crossed < kept:
            # still the model's other labelling, now fitting better as swapped back: keep undoing
            if pose.t - self._undoing_since <= MAX_UNDO_S:
                self.undone += 1
                self._last = xy[MIRROR]
                return swapped(pose)
            self._undoing_since = None
        else:
            self._undoing_since = None
        self._last = xy
        return pose
