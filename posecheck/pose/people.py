"""Which of several people in one frame is the person exercising. Pure (numpy only).

A pose backend that can see several people (mediapipe_tasks.py) asks choose_person which of
them to follow: above all the one it was already following (the same body test as the
engine's continuity check, engine/continuity.py, with its allowances), else the most
prominent: the largest, then the most central. Everyone else is painted out of the picture
the model tracks from (masked), so that it never mixes joints of two people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import landmarks as L
from ..datatypes import Pose
from ..engine.continuity import BODY_JOINTS, JUMP, JUMP_PER_S, SIZE_JUMP, SIZE_JUMP_PER_S

_BODY_ROWS = np.array(BODY_JOINTS)
_BONES = np.array([
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE)])
# Two skeletons of one body from the same frame (tracked and freshly detected) differ by a
# few hundredths of the body size; two people side by side or one behind the other differ
# by about one body size. Below this median joint distance they are one body.
SAME_BODY = 0.25
# How much being central counts against being large: a body at the edge of the picture
# counts as a body half its size in the middle. The person exercising faces the camera
# set up for them; a passer-by is at the side or further away (smaller) or both.
CENTRE_WEIGHT = 0.5
# The tracker's pick (the detector's most confident person) is kept unless someone else is
# this much more prominent. One person's prominence varies about as much within two seconds
# (turning, bending, the model's noise): max/min over 2 s windows, 95th percentile, was
# 1.02-1.13 on 20 of the 40 real clips' raw tracks (1.2-2.2 on the others: zooms, cuts,
# lying down); a clearer difference than that is one of size or place, not of the moment.
CLEARLY = 1.1
# A person's box is widened by this share of its size on every side before it is painted
# out: the landmarks stop at the wrists, ankles and the top of the head, the body does not.
MASK_MARGIN = 0.15


@dataclass(frozen=True)
class Body:
    """Where a pose is in the picture, in pixels: its body joints, its box, its size."""

    xs: np.ndarray
    ys: np.ndarray
    size: float  # the diagonal of the body joints' box (hardly changes with posture)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of all landmarks

    @property
    def centre(self) -> tuple[float, float]:
        return float(np.mean(self.xs)), float(np.mean(self.ys))


def body_of(pose: Pose) -> Body | None:
    """The pose's body in pixels, or None when its joints are not usable numbers."""
    w, h = pose.image_size
    rows = pose.landmarks[_BODY_ROWS, :2]
    if not np.isfinite(rows).all():
        return None
    xs, ys = rows[:, 0] * w, rows[:, 1] * h
    size = math.hypot(float(xs.max() - xs.min()), float(ys.max() - ys.min()))
    if not size > 1.0:
        return None
    every = pose.landmarks[:, :2]
    every = every[np.isfinite(every).all(axis=1)]
    box = (float(every[:, 0].min() * w), float(every[:, 1].min() * h),
           float(every[:, 0].max() * w), float(every[:, 1].max() * h))
    return Body(xs, ys, size, box)


def distance(a: Body, b: Body) -> tuple[float, float]:
    """(median joint displacement in body sizes, |log of the size ratio|) from a to b: the
    measures of engine/continuity.py."""
    moved = float(np.median(np.hypot(a.xs - b.xs, a.ys - b.ys))) / max(a.size, b.size)
    return moved, abs(math.log(a.size / b.size))


def same_body(a: Pose, b: Pose) -> bool:
    """Whether two poses of one frame are the same person."""
    body_a, body_b = body_of(a), body_of(b)
    if body_a is None or body_b is None:
        return False
    return distance(body_a, body_b)[0] < SAME_BODY


def continues(last: Pose, pose: Pose) -> bool:
    """Whether `pose` can be the person of `last` (engine/continuity.py's test and allowances)."""
    a, b = body_of(last), body_of(pose)
    if a is None or b is None:
        return True  # nothing to tell them apart by
    gap = max(0.0, pose.t - last.t - 0.1)  # up to 0.1 s apart is consecutive, as there
    moved, grown = distance(a, b)
    return moved <= JUMP + JUMP_PER_S * gap and grown <= SIZE_JUMP + SIZE_JUMP_PER_S * gap


def skeleton_length(pose: Pose) -> float:
    """The summed length of the trunk and limb bones in pixels: how large a person is,
    whatever their posture (bending over halves the height of their box, not their bones)."""
    w, h = pose.image_size
    xy = pose.landmarks[:, :2] * (w, h)
    ends = xy[_BONES]
    lengths = np.hypot(*(ends[:, 0] - ends[:, 1]).T)
    return float(np.nansum(lengths))


def prominence(pose: Pose) -> float:
    """Skeleton length as a share of the picture's diagonal, discounted by the distance of the
    body from the picture's centre."""
    body = body_of(pose)
    if body is None:
        return 0.0
    w, h = pose.image_size
    half_diagonal = math.hypot(w, h) / 2
    cx, cy = body.centre
    off_centre = min(1.0, math.hypot(cx - w / 2, cy - h / 2) / half_diagonal)
    return skeleton_length(pose) / (2 * half_diagonal) * (1.0 - CENTRE_WEIGHT * off_centre)


def choose_person(people: list[Pose], followed: Pose | None, tracked: Pose | None = None) -> Pose:
    """The person to follow among the people of one frame (at least one): the one nearest to
    the person followed so far where one of them can be that person, else the most prominent -
    or the tracker's pick (`tracked`, returned as it is) unless someone is CLEARLY more so."""
    if followed is not None:
        last = body_of(followed)
        same = [p for p in people if continues(followed, p)]
        if same and last is not None:
            return min(same, key=lambda p: _moved_from(last, p))
    best = max(people, key=prominence)
    if tracked is not None and prominence(best) < CLEARLY * prominence(tracked):
        return tracked
    return best


def _moved_from(last: Body, pose: Pose) -> float:
    body = body_of(pose)
    return math.inf if body is None else distance(last, body)[0]


def masked(image: np.ndarray, keep: Pose, others: list[Pose]) -> np.ndarray:
    """A copy of the picture with every other person's box painted in the picture's mean
    colour, except where it overlaps the box of the person kept."""
    out = image.copy()
    h, w = image.shape[:2]
    fill = image[::8, ::8].reshape(-1, image.shape[2]).mean(axis=0).astype(image.dtype)
    keep_box = _pixel_box(keep, w, h)
    for other in others:
        box = _pixel_box(other, w, h)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        region = np.ones((y1 - y0, x1 - x0), dtype=bool)
        if keep_box is not None:
            kx0, ky0, kx1, ky1 = keep_box
            region[max(ky0 - y0, 0):max(ky1 - y0, 0), max(kx0 - x0, 0):max(kx1 - x0, 0)] = False
        out[y0:y1, x0:x1][region] = fill
    return out


def _pixel_box(pose: Pose, w: int, h: int) -> tuple[int, int, int, int] | None:
    body = body_of(pose)
    if body is None:
        return None
    x0, y0, x1, y1 = body.box
    margin = MASK_MARGIN * body.size
    box = (int(max(0, x0 - margin)), int(max(0, y0 - margin)),
           int(min(w, math.ceil(x1 + margin))), int(min(h, math.ceil(y1 + margin))))
    return box if box[2] > box[0] and box[3] > box[1] else None
