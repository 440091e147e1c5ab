"""A small reference stick figure drawn from an exercise's `figure` angles, as its camera sees it.

The figure is a body in 3D (x forward, y up, z to the person's right), seen from the `view`
its exercise file declares in [figure]: "side" (the person facing right, their right side
nearest the camera), "front" (facing the camera: their right on the viewer's left) or "back".

Angles are in degrees. The sagittal ones are segment angles from vertical, person facing
forward: the trunk points from the hip towards the shoulder (positive leans forward). Thigh
and shin are drawn hanging down from the hip and knee along their line (when a leg segment is
level, it points backwards), so `thigh = -10` puts the knee forward of the hip and `shin = 10`
puts the ankle behind the knee. A lying figure is drawn so and then tipped backwards by `turn`
degrees about the hip: `turn = 90` lays it on its back (head to the left from the side), so a
thigh forward of the hip points up, knees to the ceiling, as a glute bridge shows them.

The floor exercises on all fours move: `arm` (the arm from hanging straight down at the
shoulder, forward positive: 90 reaches level forward, as in a bird dog), `head` (the head
bowed from the trunk's line towards the chest, negative lifted: a cat-cow's head) and `arch`
(the back drawn as a curve whose middle bows out this share of the trunk's length: positive
rounded up, a cat; negative sagging, a cow).

The unsuffixed limbs are the right ones; `thigh2`, `shin2` and `arm2` draw the left leg and
arm and take the right's angles when not given (from the side they hide behind the right
ones; a bird dog's supporting limbs are given and drawn lighter, behind). Legs are drawn when
a pose gives `thigh` and arms when it gives `arm`: a pose with neither is the upper body a
laptop camera frames at a desk.

Movements across the body, seen from the front or back: `thigh_out` (`thigh_out2`) swings the
right (left) leg, thigh and shin together, out to its side about the line pointing forward
through the hip: a fire hydrant's bent leg lifts 80 deg out from hanging down, knee nearly
level with the hip. `head_tilt` tips the head towards the right shoulder (an ear towards it),
`shoulder_lift` raises both shoulders along the trunk by this share of its length (a shoulder
roll's top) and `twist` turns the shoulders (and head) about the trunk's line to the right,
the hips staying square (a seated spinal twist). From the front and back the neck is drawn
and the eyes when the face looks towards the camera, so a tilted or turned head shows.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..engine.exercises import FIGURE_VIEWS

TRUNK, THIGH, SHIN = 1.0, 0.85, 0.8  # segment lengths, in trunk lengths
ARM = 0.85  # the hands reach the floor with the knees on all fours
SHOULDER_WIDTH = 0.7  # shoulder joint to shoulder joint: ~0.36 m over a ~0.5 m trunk
HIP_WIDTH = 0.36  # hip joint to hip joint: ~0.18 m
NECK_TO_HEAD = 0.3  # the head's centre from the top of the trunk
HEAD_RADIUS = 0.13

X = np.array([1.0, 0.0, 0.0])  # forward (y is up)
Z = np.array([0.0, 0.0, 1.0])  # to the person's right
FAR_BY = 0.1  # trunk lengths: a limb whose root is this much further away than its pair's is lighter
INK, FAR_INK, JOINT_INK = (40, 70, 160), (150, 165, 205), (200, 60, 60)


def _rotate(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    """v turned by deg about a unit axis (right-handed)."""
    a = math.radians(deg)
    return (v * math.cos(a) + np.cross(axis, v) * math.sin(a)
            + axis * float(np.dot(axis, v)) * (1 - math.cos(a)))


def _sagittal(deg: float) -> np.ndarray:
    """The unit direction `deg` from vertical, tipped forward, in the body's middle plane."""
    a = math.radians(deg)
    return np.array([math.sin(a), math.cos(a), 0.0])


def _down(deg: float) -> np.ndarray:
    """The direction along a segment's line that hangs down (backwards when level)."""
    u = _sagittal(deg)
    if u[1] > 1e-6 or (abs(u[1]) <= 1e-6 and u[0] > 0):
        u = -u
    return u


def _hanging_arm(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([math.sin(a), -math.cos(a), 0.0])


def body(angles: dict) -> dict[str, np.ndarray]:
    """Joint positions in 3D (x forward, y up, z to the person's right), the hips' middle at
    the origin. Suffix 2 is the left side; `pelvis` and `neck` are the middles of the hip and
    shoulder lines, `eye` and `eye2` on the face."""
    def angle(name: str, default: float = 0.0) -> float:
        return float(angles.get(name, default))

    trunk = angle("trunk")
    spine = _sagittal(trunk)
    twist = angle("twist")
    pelvis = np.zeros(3)
    neck = pelvis + TRUNK * spine
    across = _rotate(Z, spine, -twist)  # a positive twist brings the right shoulder back
    lift = angle("shoulder_lift") * TRUNK * spine
    points = {"pelvis": pelvis, "neck": neck,
              "hip": pelvis + HIP_WIDTH / 2 * Z, "hip2": pelvis - HIP_WIDTH / 2 * Z,
              "shoulder": neck + SHOULDER_WIDTH / 2 * across + lift,
              "shoulder2": neck - SHOULDER_WIDTH / 2 * across + lift}
    bowed = trunk + angle("head")
    head_up = _rotate(_sagittal(bowed), spine, -twist)
    face = _rotate(_sagittal(bowed + 90.0), spine, -twist)  # the face looks out at right angles to the neck
    tilt = angle("head_tilt")  # positive tips the head towards the right
    head_up, head_across = _rotate(head_up, face, tilt), _rotate(across, face, tilt)
    points["head"] = neck + NECK_TO_HEAD * head_up
    for suffix, side in (("", 1.0), ("2", -1.0)):  # on the face, a little above the head's middle
        points["eye" + suffix] = points["head"] + HEAD_RADIUS * (
            0.8 * face + 0.2 * head_up + side * 0.45 * head_across)
    if "thigh" in angles:
        for suffix, side in (("", 1.0), ("2", -1.0)):
            thigh = angle("thigh" + suffix, angle("thigh"))
            shin = angle("shin" + suffix, angle("shin"))
            out = -side * angle("thigh_out" + suffix)  # about the forward line, towards the leg's own side
            knee = points["hip" + suffix] + THIGH * _rotate(_down(thigh), X, out)
            points["knee" + suffix] = knee
            points["ankle" + suffix] = knee + SHIN * _rotate(_down(shin), X, out)
    if "arm" in angles:
        points["wrist"] = points["shoulder"] + ARM * _hanging_arm(angle("arm"))
        points["wrist2"] = points["shoulder2"] + ARM * _hanging_arm(angle("arm2", angle("arm")))
    if "arch" in angles:
        back = np.array([-spine[1], spine[0], 0.0])  # the back's side of the trunk
        points["mid_back"] = (pelvis + neck) / 2 + angle("arch") * TRUNK * back
    turn = angle("turn")
    if turn:  # counter-clockwise from the side (x forward, y up): tips backwards
        points = {name: _rotate(p, Z, turn) for name, p in points.items()}
    return points


def _view(angles: dict) -> str:
    view = angles.get("view", "side")
    if view not in FIGURE_VIEWS:
        raise ValueError(f"figure view must be one of {', '.join(FIGURE_VIEWS)}, not {view!r}")
    return view


# the camera's right (image x) and the direction towards it, per view; up is up
_SCREEN = {"side": (X, Z), "front": (-Z, X), "back": (Z, -X)}


def joints(angles: dict) -> dict[str, np.ndarray]:
    """Joint positions as the figure's camera sees them (x to the viewer's right, y up), the
    hips' middle at the origin. From the side, x is forward and `hip`, `shoulder` are where
    the trunk's line ends."""
    right, _ = _SCREEN[_view(angles)]
    return {name: np.array([float(np.dot(p, right)), float(p[1])]) for name, p in body(angles).items()}


def _depth(angles: dict) -> dict[str, float]:
    """How near the camera each joint is (larger is nearer)."""
    _, towards = _SCREEN[_view(angles)]
    return {name: float(np.dot(p, towards)) for name, p in body(angles).items()}


# (from, to): the right limbs; the left ones are the same names with suffix 2
_LIMBS = (("hip", "knee"), ("knee", "ankle"), ("shoulder", "wrist"))


def draw_figure(angles: dict, size: int = 160) -> np.ndarray:
    """An RGB image (size x size) of the stick figure, fitted to the frame, ground line below
    the feet (none for an upper body)."""
    img = np.full((size, size, 3), 255, np.uint8)
    if not angles:
        return img
    view = _view(angles)
    pts, depth = joints(angles), _depth(angles)
    shown = {k: v for k, v in pts.items() if not k.startswith("eye")}
    allp = np.array(list(shown.values()))
    lo, hi = allp.min(axis=0) - 0.2, allp.max(axis=0) + 0.2
    scale = (size - 16) / max(hi[0] - lo[0], hi[1] - lo[1])
    centre = (lo + hi) / 2

    def px(p: np.ndarray) -> tuple[int, int]:
        x = size / 2 + (p[0] - centre[0]) * scale
        y = size / 2 - (p[1] - centre[1]) * scale
        return int(round(x)), int(round(y))

    thick = max(2, size // 40)
    given = set(angles)
    segments = []  # (depth, colour, from, to): drawn far to near
    for a, b in _LIMBS:
        for suffix, other in (("", "2"), ("2", "")):
            if b + suffix not in pts:
                continue
            if view == "side" and suffix and not any(n + "2" in given for n in ("thigh", "shin", "arm")):
                continue  # from the side the left limbs hide behind the right ones
            # a side turned away from the camera is drawn lighter (from the side, the left;
            # from the front, the shoulder a twist takes back)
            far = depth[a + suffix] < depth[a + other] - FAR_BY
            segments.append(((depth[a + suffix] + depth[b + suffix]) / 2, FAR_INK if far else INK,
                             a + suffix, b + suffix))
    if view != "side":
        segments.append(((depth["hip"] + depth["hip2"]) / 2, INK, "hip", "hip2"))
        segments.append(((depth["shoulder"] + depth["shoulder2"]) / 2, INK, "shoulder", "shoulder2"))
    trunk_depth = (depth["pelvis"] + depth["neck"]) / 2
    for _, colour, a, b in sorted(s for s in segments if s[0] < trunk_depth):
        cv2.line(img, px(pts[a]), px(pts[b]), colour, thick, cv2.LINE_AA)
    if "mid_back" in pts:  # the back as a curve through its middle
        ends = (pts["pelvis"] + pts["neck"]) / 2
        curve = [(1 - u) ** 2 * pts["pelvis"] + 2 * u * (1 - u) * (2 * pts["mid_back"] - ends)
                 + u ** 2 * pts["neck"] for u in np.linspace(0.0, 1.0, 13)]
        cv2.polylines(img, [np.array([px(q) for q in curve], np.int32)], False, INK, thick, cv2.LINE_AA)
    else:  # up to the shoulder line's middle, raised with the shoulders
        chest = (pts["shoulder"] + pts["shoulder2"]) / 2
        cv2.line(img, px(chest), px(pts["pelvis"]), INK, thick, cv2.LINE_AA)
    for _, colour, a, b in sorted(s for s in segments if s[0] >= trunk_depth):
        cv2.line(img, px(pts[a]), px(pts[b]), colour, thick, cv2.LINE_AA)
    radius = max(4, int(HEAD_RADIUS * scale))
    cv2.circle(img, px(pts["head"]), radius, INK, thick, cv2.LINE_AA)
    if view != "side":  # the neck, and the eyes when the face looks towards the camera
        chest = (pts["shoulder"] + pts["shoulder2"]) / 2
        to_head = pts["head"] - chest
        reach = float(np.linalg.norm(to_head)) - HEAD_RADIUS
        if reach > 0:
            cv2.line(img, px(chest), px(chest + to_head * reach / (reach + HEAD_RADIUS)), INK, thick,
                     cv2.LINE_AA)
        for eye in ("eye", "eye2"):
            if depth[eye] > depth["head"] + 0.3 * HEAD_RADIUS:
                cv2.circle(img, px(pts[eye]), max(1, thick // 2), INK, -1, cv2.LINE_AA)
    dotted = ("hip", "knee", "shoulder", "ankle", "wrist")
    if view != "side":
        dotted += tuple(name + "2" for name in dotted)
    for name in dotted:
        if name in pts:
            cv2.circle(img, px(pts[name]), thick + 1, JOINT_INK, -1, cv2.LINE_AA)
    if "knee" in pts:
        ground = max(px(p)[1] for p in shown.values()) + thick + 2
        cv2.line(img, (4, min(ground, size - 3)), (size - 4, min(ground, size - 3)), (160, 160, 160), 1)
    return img
