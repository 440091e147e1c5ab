"""A small reference stick figure drawn from an exercise's `figure` angles.

Angles are segment angles from vertical in degrees, person facing right. The trunk points from
the hip towards the shoulder (positive leans forward). Thigh and shin are drawn hanging down
from the hip and knee along their line (when a leg segment is level, it points backwards), so
`thigh = -10` puts the knee forward of the hip and `shin = 10` puts the ankle behind the knee.
A lying figure is drawn so and then tipped backwards by `turn` degrees about the hip: `turn = 90`
lays it on its back (head to the left), so a thigh forward of the hip points up, knees to the
ceiling, as a glute bridge shows them.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

TRUNK, THIGH, SHIN = 1.0, 0.85, 0.8  # segment lengths, in trunk lengths


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
    head = shoulder + 0.3 * _unit(float(angles.get("trunk", 0.0)))
    points = {"hip": hip, "shoulder": shoulder, "knee": knee, "ankle": ankle, "head": head}
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
    for a, b in (("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle")):
        cv2.line(img, px(pts[a]), px(pts[b]), ink, thick, cv2.LINE_AA)
    cv2.circle(img, px(pts["head"]), max(4, int(0.13 * scale)), ink, thick, cv2.LINE_AA)
    for name in ("hip", "knee", "shoulder", "ankle"):
        cv2.circle(img, px(pts[name]), thick + 1, (200, 60, 60), -1, cv2.LINE_AA)
    ground = max(px(p)[1] for p in pts.values()) + thick + 2
    cv2.line(img, (4, min(ground, size - 3)), (size - 4, min(ground, size - 3)), (160, 160, 160), 1)
    return img
