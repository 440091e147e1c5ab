"""Features: joint angles and segment orientations from a (smoothed) pose, in degrees.

Which side: sagittal-plane angles (hip, knee, elbow, head) are measured in the image, on the
body side nearer the camera. In a side view the far limbs are hidden behind the body and the
model guesses them; the near side is seen. The near side is the one MediaPipe places closer
(smaller z), confirmed by visibility, and it only switches when the evidence is clear, so a
noisy frame cannot swap legs mid-rep. Trunk orientation uses the midpoints of both shoulders
and both hips, which are stable from any view. The quadruped leg lift is measured on both
legs in MediaPipe's metric 3D world landmarks, because lifting a leg out to the side moves it
toward or away from a side-on camera, where 2D angles cannot see it.

Image y grows downwards; every angle here is computed in pixels so that non-square frames
do not distort it.
"""

from __future__ import annotations

import math

import numpy as np

from . import landmarks as L
from .datatypes import Features, Pose

VISIBLE = 0.5  # MediaPipe visibility above which a landmark counts as seen

# How square to the camera the body is: the share of the shoulder and hip lines that runs
# across the image, in 3D world landmarks. Measured on the real clips: ~0.1 side-on, ~0.5 at
# 45 deg, ~1.0 facing the camera, whatever the posture (2D width ratios break when the torso
# is foreshortened or the hips are misplaced). Hysteresis keeps a turning person from
# flickering between the two.
FACING_ENTER = 0.85
FACING_EXIT = 0.70
# Without world landmarks: shoulder width over torso length in the image, ~0.1-0.35 side-on,
# 0.7-0.9 facing the camera.
FACING_ENTER_2D = 0.62
FACING_EXIT_2D = 0.50

# z difference (MediaPipe units, ~image widths) between the two sides needed to switch sides.
SIDE_SWITCH_Z = 0.08


# Every feature an exercise file may name. "{side}" is replaced by left/right for sided rules.
FEATURE_NAMES = frozenset({
    "trunk_lean", "trunk_elevation", "torso_px", "shoulder_tilt", "shoulder_x_torso",
    "shoulder_y_torso", "shoulder_width_ratio", "frontalness", "hip_flexion", "knee_flexion", "elbow_flexion",
    "lumbar_extension", "head_pitch", "neck_flexion",
    "knee_flexion_{side}", "elbow_flexion_{side}", "leg_abduction_{side}", "knee_height_{side}",
    "thigh_from_down_{side}", "thigh_lift_{side}", "trunk_roll", "trunk_pitch",
})


def _angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Interior angle ABC in degrees."""
    v1, v2 = a - b, c - b
    n = np.linalg.norm(v1) * np.linalg.norm(v2)
    if n < 1e-9:
        return math.nan
    cos = float(np.clip(np.dot(v1, v2) / n, -1.0, 1.0))
    return math.degrees(math.acos(cos))


def _flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Bend at joint B: 0 when A-B-C is a straight line."""
    return 180.0 - _angle_at(a, b, c)


def _from_vertical(lower: np.ndarray, upper: np.ndarray) -> float:
    """Angle of the segment lower->upper away from straight up: 0 upright, 90 level, 180 down."""
    v = upper - lower
    n = np.linalg.norm(v)
    if n < 1e-9:
        return math.nan
    return math.degrees(math.acos(float(np.clip(-v[1] / n, -1.0, 1.0))))


def _elevation(v: np.ndarray, forward: float) -> float:
    """Signed angle of v above the horizontal, taking `forward` (+1/-1 along x) as 0 degrees.

    Range (-180, 180]: pointing forward-up is positive, backward-up approaches 180.
    """
    return math.degrees(math.atan2(-v[1], v[0] * forward))


def _wrap_extension(deg: float) -> float:
    """Fold into [-270, 90): a spine cannot extend past 90 deg, but a deep child's pose folds
    to about -175, and a wrap at +-180 would turn that into a huge false extension."""
    return (deg + 270.0) % 360.0 - 270.0


def _frontalness(world: np.ndarray) -> float:
    """0 side-on .. 1 square to the camera: how much of the shoulder and hip lines runs along x."""
    shares = []
    for a, b in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        d = world[b] - world[a]
        horizontal = math.hypot(d[0], d[2])
        if horizontal > 1e-6:
            shares.append(abs(d[0]) / horizontal)
    return sum(shares) / len(shares) if shares else 0.0


class FeatureExtractor:
    """Computes Features from poses of one stream; remembers which side faces the camera."""

    def __init__(self) -> None:
        self.side: str | None = None
        self.facing_camera = False

    def reset(self) -> None:
        self.side = None
        self.facing_camera = False

    def _choose_side(self, lms: np.ndarray) -> str:
        body = [L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_ELBOW]
        left = np.array(body)
        right = left + 1  # MediaPipe numbers every right landmark one after its left twin
        dz = float(np.nanmean(lms[right, 2] - lms[left, 2]))  # > 0: left side nearer
        dvis = float(np.nanmean(lms[left, 3] - lms[right, 3]))  # > 0: left side better seen
        evidence = dz + 0.5 * dvis
        if self.side is None:
            self.side = "left" if evidence >= 0 else "right"
        elif self.side == "left" and evidence < -SIDE_SWITCH_Z:
            self.side = "right"
        elif self.side == "right" and evidence > SIDE_SWITCH_Z:
            self.side = "left"
        return self.side

    def __call__(self, pose: Pose) -> Features:
        lms = pose.landmarks
        px = pose.pixels
        vis = lms[:, 3]
        side = self._choose_side(lms)
        values: dict[str, float] = {}

        def p(joint: str, s: str = side) -> np.ndarray:
            return px[L.joint_index(joint, s)]

        sh_mid = (px[L.LEFT_SHOULDER] + px[L.RIGHT_SHOULDER]) / 2
        hip_mid = (px[L.LEFT_HIP] + px[L.RIGHT_HIP]) / 2
        torso_px = float(np.linalg.norm(sh_mid - hip_mid))
        shoulder_w = float(np.linalg.norm(px[L.LEFT_SHOULDER] - px[L.RIGHT_SHOULDER]))
        width_ratio = shoulder_w / torso_px if torso_px > 1e-6 else math.inf
        values["shoulder_width_ratio"] = width_ratio
        frontal, enter, leave = width_ratio, FACING_ENTER_2D, FACING_EXIT_2D
        if pose.world is not None:
            frontal, enter, leave = _frontalness(pose.world), FACING_ENTER, FACING_EXIT
        values["frontalness"] = frontal
        if self.facing_camera and frontal < leave:
            self.facing_camera = False
        elif not self.facing_camera and frontal > enter:
            self.facing_camera = True

        # Trunk
        values["trunk_lean"] = _from_vertical(hip_mid, sh_mid)
        values["torso_px"] = torso_px
        values["shoulder_tilt"] = math.degrees(math.atan2(
            px[L.RIGHT_SHOULDER][1] - px[L.LEFT_SHOULDER][1],
            abs(px[L.RIGHT_SHOULDER][0] - px[L.LEFT_SHOULDER][0]) + 1e-9))
        if torso_px > 1e-6:
            values["shoulder_x_torso"] = float(sh_mid[0] / torso_px)
            values["shoulder_y_torso"] = float(sh_mid[1] / torso_px)

        # Near-side sagittal angles
        values["hip_flexion"] = _flexion(p("shoulder"), p("hip"), p("knee"))
        values["knee_flexion"] = _flexion(p("hip"), p("knee"), p("ankle"))
        values["elbow_flexion"] = _flexion(p("shoulder"), p("elbow"), p("wrist"))
        for s in L.SIDES:
            values[f"knee_flexion_{s}"] = _flexion(p("hip", s), p("knee", s), p("ankle", s))
            values[f"elbow_flexion_{s}"] = _flexion(p("shoulder", s), p("elbow", s), p("wrist", s))

        # Floor work: "headward" is the image direction from hips to shoulders along x.
        headward = 1.0 if sh_mid[0] >= hip_mid[0] else -1.0
        trunk_elev = _elevation(p("shoulder") - p("hip"), headward)
        thigh_elev = _elevation(p("hip") - p("knee"), headward)
        values["trunk_elevation"] = trunk_elev
        # Lumbar extension: trunk raised relative to the thighs. 0 lying flat, positive when the
        # chest lifts off the floor with the pelvis down (press-up), negative when folded
        # (child's pose about -160, down-dog about -100).
        values["lumbar_extension"] = _wrap_extension(trunk_elev - thigh_elev)

        # Head: face direction (ear -> nose) against the trunk's direction (hip -> shoulder).
        # Looking straight ahead of the chest the face is about square to the trunk (0);
        # throwing the head back turns the face towards the trunk's line (positive).
        face = px[L.NOSE] - p("ear")
        trunk = p("shoulder") - p("hip")
        values["head_pitch"] = 90.0 - _angle_at(face, np.zeros(2), trunk)
        values["neck_flexion"] = _flexion(p("hip"), p("shoulder"), p("ear"))

        # Quadruped leg lift, per side, in 3D world landmarks (metres, camera axes).
        if pose.world is not None:
            w = pose.world
            for s in L.SIDES:
                # Thigh angle away from hanging straight down (camera y is taken as vertical, as
                # for a laptop on a table): ~5-15 deg on all fours, 40-50 deg at a full fire-
                # hydrant lift, whichever way the camera sees the body.
                thigh = w[L.joint_index("knee", s)] - w[L.joint_index("hip", s)]
                tn = np.linalg.norm(thigh)
                if tn > 1e-6:
                    values[f"thigh_lift_{s}"] = math.degrees(math.acos(float(np.clip(thigh[1] / tn, -1, 1))))
            # Upper-body orientation in 3D, for "keep the upper body still": roll of the
            # shoulder line and pitch of the trunk, both against the camera's horizontal.
            sh_line = w[L.RIGHT_SHOULDER] - w[L.LEFT_SHOULDER]
            values["trunk_roll"] = math.degrees(math.atan2(sh_line[1], np.linalg.norm(sh_line[[0, 2]]) + 1e-9))
            trunk3 = (w[L.LEFT_SHOULDER] + w[L.RIGHT_SHOULDER] - w[L.LEFT_HIP] - w[L.RIGHT_HIP]) / 2
            values["trunk_pitch"] = math.degrees(math.atan2(-trunk3[1], np.linalg.norm(trunk3[[0, 2]]) + 1e-9))
            hip_axis = w[L.RIGHT_HIP] - w[L.LEFT_HIP]
            n = np.linalg.norm(hip_axis)
            if n > 1e-6:
                u = hip_axis / n
                for s, outward in (("left", -u), ("right", u)):
                    hip, knee = w[L.joint_index("hip", s)], w[L.joint_index("knee", s)]
                    thigh = knee - hip
                    tn = np.linalg.norm(thigh)
                    if tn > 1e-6:
                        values[f"leg_abduction_{s}"] = math.degrees(
                            math.asin(float(np.clip(np.dot(thigh, outward) / tn, -1, 1))))
                # height of each knee above the other, in thigh lengths (world y points down)
                lk, rk = w[L.LEFT_KNEE], w[L.RIGHT_KNEE]
                thigh_len = (np.linalg.norm(lk - w[L.LEFT_HIP]) + np.linalg.norm(rk - w[L.RIGHT_HIP])) / 2
                if thigh_len > 1e-6:
                    values["knee_height_left"] = float((rk[1] - lk[1]) / thigh_len)
                    values["knee_height_right"] = float((lk[1] - rk[1]) / thigh_len)
        # 2D fallback/companion: angle of each thigh from hanging straight down in the image.
        for s in L.SIDES:
            values[f"thigh_from_down_{s}"] = 180.0 - _from_vertical(p("hip", s), p("knee", s))

        visible = {}
        visible_both = {}
        for joint in L.JOINTS:
            li, ri = L.JOINTS[joint]
            visible[joint] = bool(vis[L.joint_index(joint, side)] >= VISIBLE)
            visible_both[joint] = bool(vis[li] >= VISIBLE and vis[ri] >= VISIBLE)
        for joint, idx in L.CENTRE_JOINTS.items():
            visible[joint] = visible_both[joint] = bool(vis[idx] >= VISIBLE)
        return Features(t=pose.t, side=side, values=values, visible=visible,
                        visible_both=visible_both, facing_camera=self.facing_camera)
