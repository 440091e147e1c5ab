"""MediaPipe Pose landmark indices and the groups the rules talk about."""

from __future__ import annotations

import numpy as np

NUM_LANDMARKS = 33

NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT, RIGHT_FOOT = 31, 32

# The two sides of the body, the words everything else uses for them.
LEFT, RIGHT = "left", "right"
SIDES = (LEFT, RIGHT)

# Joint name -> (left index, right index). Exercise files name these joints in `needs`.
JOINTS: dict[str, tuple[int, int]] = {
    "ear": (LEFT_EAR, RIGHT_EAR),
    "shoulder": (LEFT_SHOULDER, RIGHT_SHOULDER),
    "elbow": (LEFT_ELBOW, RIGHT_ELBOW),
    "wrist": (LEFT_WRIST, RIGHT_WRIST),
    "hip": (LEFT_HIP, RIGHT_HIP),
    "knee": (LEFT_KNEE, RIGHT_KNEE),
    "ankle": (LEFT_ANKLE, RIGHT_ANKLE),
}
# The nose has no side; it is "needed" as a joint of its own.
CENTRE_JOINTS: dict[str, int] = {"nose": NOSE}

JOINT_NAMES = tuple(JOINTS) + tuple(CENTRE_JOINTS)

# Bones drawn by the overlay (MediaPipe's body topology without the face mesh and fingers).
SKELETON: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_HIP), (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_ELBOW), (LEFT_ELBOW, LEFT_WRIST),
    (RIGHT_SHOULDER, RIGHT_ELBOW), (RIGHT_ELBOW, RIGHT_WRIST),
    (LEFT_HIP, LEFT_KNEE), (LEFT_KNEE, LEFT_ANKLE),
    (RIGHT_HIP, RIGHT_KNEE), (RIGHT_KNEE, RIGHT_ANKLE),
    (LEFT_ANKLE, LEFT_HEEL), (LEFT_HEEL, LEFT_FOOT), (LEFT_ANKLE, LEFT_FOOT),
    (RIGHT_ANKLE, RIGHT_HEEL), (RIGHT_HEEL, RIGHT_FOOT), (RIGHT_ANKLE, RIGHT_FOOT),
    (LEFT_EAR, NOSE), (RIGHT_EAR, NOSE),
)


# MediaPipe puts joints it guesses outside the frame a little beyond 0..1 (-0.05..1.18 over
# the real clips), z within +-2 and world points within +-1.2 m of the hips. Values far outside
# these are damage (a broken track, a bad number), not a body, and are treated as unseen.
PLAUSIBLE_XY = (-1.0, 2.0)
PLAUSIBLE_Z = 5.0
PLAUSIBLE_WORLD_M = 5.0


# x, y, z are plausible when |value - middle| <= half-width: one comparison per value, which
# NaN and infinities fail as well (the checks run on every pose of every stream; the
# smoother and the continuity check spell these out over their own arrays)
XYZ_MIDDLE = ((PLAUSIBLE_XY[0] + PLAUSIBLE_XY[1]) / 2,) * 2 + (0.0,)
XYZ_HALF_WIDTH = ((PLAUSIBLE_XY[1] - PLAUSIBLE_XY[0]) / 2,) * 2 + (PLAUSIBLE_Z,)
_MIDDLE = np.array(XYZ_MIDDLE)
_HALF_WIDTH = np.array(XYZ_HALF_WIDTH)


def plausible_rows(landmarks: np.ndarray) -> np.ndarray:
    """Per landmark row (x, y, z[, visibility]): finite and within the plausible range."""
    with np.errstate(invalid="ignore"):
        return (np.abs(landmarks[:, :3] - _MIDDLE) <= _HALF_WIDTH).all(axis=1)


def plausible_world(world: np.ndarray | None) -> bool:
    # the largest magnitude is NaN when any value is, and NaN fails the comparison
    return world is not None and bool(np.abs(world).max() <= PLAUSIBLE_WORLD_M)


def joint_index(joint: str, side: str) -> int:
    """Index of a named joint on a side ('left'/'right'); the nose ignores the side."""
    if joint in CENTRE_JOINTS:
        return CENTRE_JOINTS[joint]
    left, right = JOINTS[joint]
    return left if side == LEFT else right
