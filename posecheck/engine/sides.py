"""Left and right kept the person's own from frame to frame: a whole-body swap undone. Pure.

A pose model that follows a person can take them, for a few frames, for someone facing the
other way: every left landmark comes back where the right one was a frame ago and the other way
round. A sided exercise would then count the lift on the wrong leg, or end a lift and start
another, and the near-side angles would jump to the far limbs. SideConsistency swaps such a
pose back. It runs before the continuity check (a swap in a front view moves every joint by a
body width, which would read as another person) and before smoothing.

What counts as a swap was measured on the raw every-frame tracks of the 16 labelled clips and
the single-leg deadlift, each from the solutions backend and the tasks backend's full and lite
models (51 tracks). Labels fit the last pose crossed better than kept for a frame's limbs, never
for its trunk. On the single-leg deadlift the legs' labels cross between frames 31-32 times on
every backend alike (the lifted leg passing behind the standing one, side-on: which leg is which
is ambiguous there, and solutions does it as often as tasks), while the trunk's stay put
(crossed/kept >= 1.13). Undoing those leg crossings frame by frame was tried over 108 settings,
judged against the leg the person really lifts: none mended all three tracks (the best for
full, 27 -> 9 frames wrong, took solutions 67 -> 52 and lite 87 -> 101), and every track counts
the same 10 reps at the same times without it (and the same faults with every crossed frame
put right by hand); so leg-only crossings are left alone. The
trunk's crossed/kept between real frames is 0.79 at its lowest (a squat, lite model), a
whole-body swap puts it near 0: a pose is swapped back when its trunk and its whole body both
fit the last pose crossed at least twice as well as kept (SWAP_FIT_RATIO). Over the 99 real
tracks (every frame and the automatic stride, 40,455 poses) that swapped back none.

A person who really turns round turns over many frames and is never swapped. Should the model
keep the other labelling for longer than MAX_UNDO_S, it is taken as the model's considered
view (a person who turned round out of sight, say) and followed from then on.
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
# The left landmark of each pair judged: the trunk, and the whole body (the face's other
# points and the fingers add noise, not evidence)
_TRUNK = np.array([L.LEFT_SHOULDER, L.LEFT_HIP])
_BODY = np.array([L.LEFT_EAR, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_HIP,
                  L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT])
_BODY_ROWS = np.concatenate([_BODY, MIRROR[_BODY]])

SWAP_FIT_RATIO = 0.5  # crossed/kept below this, for the trunk and the body: a swap (real: >= 0.79)
MAX_UNDO_S = 1.0  # the longest run of swapped poses undone; longer is the model's view
MAX_GAP_S = 0.5  # after this long without a pose, the next one is taken as labelled


def swapped(pose: Pose) -> Pose:
    """The pose with every left and right landmark exchanged (image and world)."""
    world = None if pose.world is None else pose.world[MIRROR]
    return replace(pose, landmarks=pose.landmarks[MIRROR], world=world)


def _where(pose: Pose) -> np.ndarray | None:
    """The body's landmarks in the picture and, where the model gives them, in metric 3D, each
    in body sizes (the diagonal of their bounding box): a side view puts a person's left and
    right nearly on top of each other in the picture, and their depth still tells them apart.
    Rows: the _BODY landmarks, then their twins."""
    rows = pose.landmarks[_BODY_ROWS]
    if not L.plausible_rows(rows).all():
        return None  # damaged or unseen numbers (NaN, far out of the picture): no evidence
    w, h = pose.image_size
    image = rows[:, :2] * (float(w), float(h))
    span = image.max(axis=0) - image.min(axis=0)
    image /= max(math.hypot(span[0], span[1]), 1e-6)
    if not L.plausible_world(pose.world):
        return image
    world = pose.world[_BODY_ROWS]
    span = world.max(axis=0) - world.min(axis=0)
    world = world / max(math.sqrt(span[0] * span[0] + span[1] * span[1] + span[2] * span[2]), 1e-6)
    return np.hstack((image, world))


_N = len(_BODY)
_TRUNK_ROWS = np.array([int(np.flatnonzero(_BODY == i)[0]) for i in _TRUNK])
_TRUNK_BOTH = np.concatenate([_TRUNK_ROWS, _TRUNK_ROWS + _N])
_CROSSED = np.concatenate([np.arange(_N, 2 * _N), np.arange(_N)])  # each row -> its twin's row


def _distances(now: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, how far it moved from the last pose as labelled, and crossed. A pose is one
    frame of every stream: a few numpy calls on the whole array, not one per pair (the engine
    takes about 60 microseconds a frame)."""
    kept = now - last
    crossed = now - last[_CROSSED]
    return np.sqrt((kept * kept).sum(axis=1)), np.sqrt((crossed * crossed).sum(axis=1))


def _crossed_view(where: np.ndarray) -> np.ndarray:
    return where[_CROSSED]


class SideConsistency:
    """Feed the poses of one stream in order; returns each with left and right as the last."""

    def __init__(self) -> None:
        self.swapped_back = 0  # poses swapped back so far
        self.reset()

    def reset(self) -> None:
        self._last: np.ndarray | None = None
        self._last_t = -math.inf
        self._undoing_since: float | None = None

    def __call__(self, pose: Pose | None) -> Pose | None:
        if pose is None:
            return None
        where = _where(pose)
        if where is None:
            return pose  # no evidence either way, and nothing to compare the next pose with
        last, gap = self._last, pose.t - self._last_t
        self._last_t = pose.t
        if last is None or gap > MAX_GAP_S or last.shape != where.shape:
            self._last, self._undoing_since = where, None
            return pose
        kept_rows, crossed_rows = _distances(where, last)
        kept, crossed = float(kept_rows.sum()), float(crossed_rows.sum())
        if self._undoing_since is None:
            if (crossed < SWAP_FIT_RATIO * kept and float(crossed_rows[_TRUNK_BOTH].sum())
                    < SWAP_FIT_RATIO * float(kept_rows[_TRUNK_BOTH].sum())):
                self._undoing_since = pose.t
        elif not crossed < kept or pose.t - self._undoing_since > MAX_UNDO_S:
            # the model is back to the labels before, or has kept the other ones: follow it
            self._undoing_since = None
        if self._undoing_since is None:
            self._last = where
            return pose
        self.swapped_back += 1
        self._last = _crossed_view(where)
        return swapped(pose)
