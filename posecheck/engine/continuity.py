"""Same person or not: notices when the pose stream jumps from one body to another. Pure.

MediaPipe's pose model follows one person. With two people in view it can jump from one to
the other - typically when it loses the first for a frame or two and detects afresh - and a
rep begun by one person must never be finished by the other, nor the smoothing blend the two
skeletons. Between two frames a person moves a little and some part of them (the feet, the
hands on the floor) stays put; a jump to someone else moves the whole skeleton at once, or
changes its size. So the test is the median displacement of the body joints, in body sizes
(the diagonal of the joints' bounding box, which hardly changes with posture), and the change
of that size.

Measured on the raw tracks of the 27 real clips: between consecutive frames the median joint
moves at most 0.35 body sizes and the size changes by at most a factor 1.9 (fast transitions,
model glitches, a person fading out of an edited clip). Cuts in an edited video reach 0.59;
they are caught, rightly: nothing may be counted across a cut either. A switch to a second
person standing beside the first moved 1.3. A switch between two people of the same size
standing shoulder to shoulder moves less than the threshold and goes unnoticed (README).
"""

from __future__ import annotations

import math

import numpy as np

from .. import landmarks as L
from ..datatypes import Pose

# The joints that say where the body is (the face and fingers would add noise, not evidence).
BODY_JOINTS = (
    L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST,
    L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE,
    L.RIGHT_ANKLE)

JUMP = 0.5  # median joint displacement between consecutive poses, in body sizes
SIZE_JUMP = math.log(2.2)  # change of body size between consecutive poses, as a log ratio
# After frames without a person, the person may have moved on: the allowances grow with the
# gap (a brisk step is about one body size per second).
JUMP_PER_S = 1.0
SIZE_JUMP_PER_S = 0.5
_FRAME_S = 0.1  # gaps up to this are consecutive frames (10 fps and up)


_BODY_ROWS = np.array(BODY_JOINTS)
_MEDIAN = len(BODY_JOINTS) // 2  # an odd count: the median is the middle value
# the test of landmarks.plausible_rows as |value - middle| <= half-width, spelled out over the
# body rows' (x, y, z, visibility) (arrays of one shape are cheaper to compare than a
# broadcast row); the visibility column is not part of the test
_MIDDLE = np.array([[*L.XYZ_MIDDLE, 0.0]] * len(BODY_JOINTS))
_HALF = np.array([[*L.XYZ_HALF_WIDTH, np.inf]] * len(BODY_JOINTS))


def _body(pose: Pose) -> tuple[list[float], list[float], float] | None:
    """Body joints' x and y in pixels, and the body size; None when they are not usable numbers."""
    rows = pose.landmarks.take(_BODY_ROWS, axis=0)
    ok = (np.abs(rows - _MIDDLE) <= _HALF)[:, :3]  # NaN fails
    if np.count_nonzero(ok) != ok.size:
        return None
    # plain floats from here: numpy's per-call overhead on 13 points costs more than the maths
    w, h = pose.image_size
    rows = rows.tolist()
    xs = [r[0] * w for r in rows]
    ys = [r[1] * h for r in rows]
    dx, dy = max(xs) - min(xs), max(ys) - min(ys)
    size = math.sqrt(dx * dx + dy * dy)
    if not size > 1.0:  # a body of less than a pixel is not a body (nor is a bad image size)
        return None
    return xs, ys, size


class PersonContinuity:
    """Feed every pose of a stream in time order; says when it is not the person of the last
    pose. Frames without a person do not break the comparison: the next pose is compared with
    the last one seen, with allowances that grow with the gap."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._last: tuple[list[float], list[float], float] | None = None
        self._last_t: float | None = None

    def changed(self, pose: Pose | None) -> bool:
        """True when `pose` is someone else than the last pose (or the video cut away)."""
        if pose is None:
            return False
        body = _body(pose)
        if body is None:
            return False
        last, last_t = self._last, self._last_t
        self._last, self._last_t = body, pose.t
        if last is None or last_t is None:
            return False
        gap = max(0.0, pose.t - last_t - _FRAME_S)
        xs, ys, size = body
        last_xs, last_ys, last_size = last
        squares = sorted([(x - a) * (x - a) + (y - b) * (y - b) for x, y, a, b in zip(xs, ys, last_xs, last_ys)])
        moved = math.sqrt(squares[_MEDIAN]) / max(size, last_size)
        grown = abs(math.log(size / last_size))
        return moved > JUMP + JUMP_PER_S * gap or grown > SIZE_JUMP + SIZE_JUMP_PER_S * gap
