"""A small reference stick figure drawn from an exercise's `figure` angles.

Angles are segment angles from vertical in degrees, person facing right. The trunk points from
the hip towards the shoulder (positive leans forward). Thigh and shin are drawn hanging down
from the hip and knee along their line (when a leg segment is level, it points backwards), so
`thigh = -10` puts the knee forward of the hip and `shin = 10` puts the ankle behind the knee.
A lying figure is drawn so and then tipped backwards by `turn` degrees about the hip: `turn = 90`
lays it on its back (head to the left), so a thigh forward of the hip points up, knees to the
ceiling, as a glute bridge shows them.

Three optional angles draw what the floor exercises on all fours move: `arm` (the arm from
hanging straight down at the shoulder, forward positive: 90 reaches level forward, as in a bird
dog), `head` (the head bowed from the trunk's line towards the chest, negative lifted: a
cat-cow's head) and `arch` (the back drawn as a curve whose middle bows out this share of the
trunk's length: positive rounded up, a cat; negative sagging, a cow). `thigh2`, `shin2` and
`arm2` draw the other leg and arm, lighter (the limbs a bird dog stands on while the others
reach). A figure without them is drawn as before.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

TRUNK, THIGH, SHIN = 1.0, 0.85, 0.8  # segment lengths, in trunk lengths
ARM = 0.85  # the hands reach the floor with the knees on all fours


def _unit(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([math.sin(a), math.cos(a)])  # x forward, y up


def _down(deg: float) -> np.ndarray:
    """The direction along a segment's line that hangs down (backwards when level)."""
    u = _unit(deg)
    if u[1] > 1e-6 or (abs(u[1]) <= 1e-6 and u[0] > 0):
        u = -u
    return u


def joints(angles: dict[str, float]) -> dict[str, np.ndarray]:
    """Joint positions (x forward, y up), hip at the origin."""
    hip = np.zeros(2)
    shoulder = hip + TRUNK * _unit(float(angles.get("trunk", 0.0)))
    knee = hip + THIGH * _down(float(angles.get("thigh", 0.0)))
    ankle = knee + SHIN * _down(float(angles.get("shin", 0.0)))
    trunk = float(angles.get("trunk", 0.0))
    head = shoulder + 0.3 * _unit(trunk + float(angles.get("head", 0.0)))
    points = {"hip": hip, "shoulder": shoulder, "knee": knee, "ankle": ankle, "head": head}
    if "arm" in angles:
        a = math.radians(float(angles["arm"]))
        points["wrist"] = shoulder + ARM * np.array([math.sin(a), -math.cos(a)])
    if "thigh2" in angles:
        points["knee2"] = hip + THIGH * _down(float(angles["thigh2"]))
        points["ankle2"] = points["knee2"] + SHIN * _down(float(angles.get("shin2", 0.0)))
    if "arm2" in angles:
        a = math.radians(float(angles["arm2"]))
        points["wrist2"] = shoulder + ARM * np.array([math.sin(a), -math.cos(a)])
    if "arch" in angles:
        d = _unit(trunk)
        back = np.array([-d[1], d[0]])  # the back's side of the trunk (behind, for a person facing right)
        points["mid_back"] = (hip + shoulder) / 2 + float(angles["arch"]) * TRUNK * back
    turn = math.radians(float(angles.get("turn", 0.0)))
    if turn:
        c, s = math.cos(turn), math.sin(turn)  # counter-clockwise (x forward, y up): tips backwards
        rotate = np.array([[c, -s], [s, c]])
        points = {name: rotate @ p for name, p in points.items()}
    return points


def draw_figure(angles: dict[str, float], size: int = 160) -> np.ndarray:
    """An RGB image (size x size) of the stick figure, fitted to the frame, ground line below."""
    img = np.full((size, size, 3), 255, np.uint8)
    if not angles:
        return img
    pts = joints(angles)
    allp = np.array(list(pts.values()))
    lo, hi = allp.min(axis=0) - 0.2, allp.max(axis=0) + 0.2
    scale = (size - 16) / max(hi[0] - lo[0], hi[1] - lo[1])
    centre = (lo + hi) / 2

    def px(p: np.ndarray) -> tuple[int, int]:
        x = size / 2 + (p[0] - centre[0]) * scale
        y = size / 2 - (p[1] - centre[1]) * scale
        return int(round(x)), int(round(y))

    ink, thick = (40, 70, 160), max(2, size // 40)
    for a, b in (("hip", "knee2"), ("knee2", "ankle2"), ("shoulder", "wrist2")):  # the far limbs, behind
        if b in pts:
            cv2.line(img, px(pts[a]), px(pts[b]), (150, 165, 205), thick, cv2.LINE_AA)
    if "mid_back" in pts:  # the back as a curve through its middle
        curve = [(1 - u) ** 2 * pts["hip"] + 2 * u * (1 - u) * (2 * pts["mid_back"] - (pts["hip"] + pts["shoulder"]) / 2)
                 + u ** 2 * pts["shoulder"] for u in np.linspace(0.0, 1.0, 13)]
        cv2.polylines(img, [np.array([px(q) for q in curve], np.int32)], False, ink, thick, cv2.LINE_AA)
    else:
        cv2.line(img, px(pts["shoulder"]), px(pts["hip"]), ink, thick, cv2.LINE_AA)
    for a, b in (("hip", "knee"), ("knee", "ankle"), ("shoulder", "wrist")):
        if a in pts and b in pts:
            cv2.line(img, px(pts[a]), px(pts[b]), ink, thick, cv2.LINE_AA)
    cv2.circle(img, px(pts["head"]), max(4, int(0.13 * scale)), ink, thick, cv2.LINE_AA)
    for name in ("hip", "knee", "shoulder", "ankle", "wrist"):
        if name not in pts:
            continue
        cv2.circle(img, px(pts[name]), thick + 1, (200, 60, 60), -1, cv2.LINE_AA)
    ground = max(px(p)[1] for p in pts.values()) + thick + 2
    cv2.line(img, (4, min(ground, size - 3)), (size - 4, min(ground, size - 3)), (160, 160, 160), 1)
    return img
