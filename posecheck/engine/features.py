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
from collections.abc import Iterable

from .. import landmarks as L
from ..datatypes import Features, Pose
from .feature_table import FEATURE_NAMES, groups_for

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


# Every helper below works on plain (x, y) / (x, y, z) tuples of floats: a feature is a few
# dozen multiplications, and numpy's per-call overhead on 2-vectors cost ten times the maths
# (the engine runs on every frame of every stream). NaN passes through every helper.
Vec = tuple[float, ...]


def _clip1(x: float) -> float:
    """Clipped to [-1, 1] (rounding can step a cosine past 1); NaN stays NaN."""
    return 1.0 if x > 1.0 else -1.0 if x < -1.0 else x


def _acos_deg(cos: float) -> float:
    return math.degrees(math.acos(_clip1(cos)))


def _norm(v: Vec) -> float:
    return math.hypot(*v)


def _angle_at(a: Vec, b: Vec, c: Vec) -> float:
    """Interior angle ABC in degrees (2D)."""
    v1x, v1y = a[0] - b[0], a[1] - b[1]
    v2x, v2y = c[0] - b[0], c[1] - b[1]
    n = math.hypot(v1x, v1y) * math.hypot(v2x, v2y)
    if n < 1e-9:
        return math.nan
    return _acos_deg((v1x * v2x + v1y * v2y) / n)


def _flexion(a: Vec, b: Vec, c: Vec) -> float:
    """Bend at joint B: 0 when A-B-C is a straight line."""
    return 180.0 - _angle_at(a, b, c)


def _from_vertical(lower: Vec, upper: Vec) -> float:
    """Angle of the segment lower->upper away from straight up: 0 upright, 90 level, 180 down."""
    vx, vy = upper[0] - lower[0], upper[1] - lower[1]
    n = math.hypot(vx, vy)
    if n < 1e-9:
        return math.nan
    return _acos_deg(-vy / n)


def _elevation(v: Vec, forward: float) -> float:
    """Signed angle of v above the horizontal, taking `forward` (+1/-1 along x) as 0 degrees.

    Range (-180, 180]: pointing forward-up is positive, backward-up approaches 180.
    """
    return math.degrees(math.atan2(-v[1], v[0] * forward))


def _wrap_extension(deg: float) -> float:
    """Fold into [-270, 90): a spine cannot extend past 90 deg, but a deep child's pose folds
    to about -175, and a wrap at +-180 would turn that into a huge false extension."""
    return (deg + 270.0) % 360.0 - 270.0


def _frontalness(world: list[Vec]) -> float:
    """0 side-on .. 1 square to the camera: how much of the shoulder and hip lines runs along x."""
    shares = []
    for a, b in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        dx, dz = world[b][0] - world[a][0], world[b][2] - world[a][2]
        horizontal = math.hypot(dx, dz)
        if horizontal > 1e-6:
            shares.append(abs(dx) / horizontal)
    return sum(shares) / len(shares) if shares else 0.0


def _yaw(left: Vec, right: Vec) -> float:
    """How far the line from a right landmark to its left twin has turned about the vertical
    from square to the camera (world landmarks: x across, z away), 0..180 either way. Facing
    the camera the person's left is at +x."""
    return abs(math.degrees(math.atan2(left[2] - right[2], left[0] - right[0])))


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1])


def _sub3(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _mean(values: list[float]) -> float:
    """Mean over the non-NaN values (NaN when there are none), like numpy's nanmean."""
    kept = [v for v in values if v == v]
    return sum(kept) / len(kept) if kept else math.nan


_BODY_LEFT = (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_ELBOW)
# per near side (0 left, 1 right): joint name -> landmark index, the centre joints included
_NEAR_INDEX = tuple({**{joint: pair[s] for joint, pair in L.JOINTS.items()}, **L.CENTRE_JOINTS} for s in (0, 1))
# per side: the hip, knee, ankle, shoulder, elbow and wrist
_SIDED_LIMBS = tuple((s, tuple(L.joint_index(j, s) for j in ("hip", "knee", "ankle", "shoulder", "elbow", "wrist")))
                     for s in L.SIDES)


class FeatureExtractor:
    """Computes Features from poses of one stream; remembers which side faces the camera.

    `wanted`: the feature names (as in feature_table) the caller reads; None computes all.
    Features outside the wanted groups are left out of Features.values."""

    def __init__(self, wanted: Iterable[str] | None = None) -> None:
        names = FEATURE_NAMES if wanted is None else frozenset(wanted)
        unknown = names - FEATURE_NAMES
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        # only the groups that hold a wanted feature: an exercise judges 2-6 of them, and the
        # engine runs on every frame
        self._groups = groups_for(names)
        self.side: str | None = None
        self.facing_camera = False

    def reset(self) -> None:
        self.side = None
        self.facing_camera = False

    @staticmethod
    def _facing_x(px) -> float:
        """+1 when the person faces the image's +x, -1 when -x: the feet (heel to toe) and the
        face (ears to nose) point the way a side-on person faces; the feet weigh most, they
        stay put while the trunk and head move."""
        def unit_x(a: Vec, b: Vec) -> float:
            d = math.dist(a, b)
            return (b[0] - a[0]) / d if d > 1e-9 else 0.0

        ear_mid = ((px(L.LEFT_EAR)[0] + px(L.RIGHT_EAR)[0]) / 2, (px(L.LEFT_EAR)[1] + px(L.RIGHT_EAR)[1]) / 2)
        evidence = (unit_x(px(L.LEFT_HEEL), px(L.LEFT_FOOT)) + unit_x(px(L.RIGHT_HEEL), px(L.RIGHT_FOOT))
                    + unit_x(ear_mid, px(L.NOSE)))
        return 1.0 if evidence >= 0 else -1.0

    def _choose_side(self, lms: list[list[float]]) -> str:
        # MediaPipe numbers every right landmark one after its left twin
        dzs = [lms[i + 1][2] - lms[i][2] for i in _BODY_LEFT]  # > 0: left side nearer
        dvis = [lms[i][3] - lms[i + 1][3] for i in _BODY_LEFT]  # > 0: left side better seen
        # the plain mean when every number is there (the usual case), else the mean of those that are
        dz, dv = sum(dzs), sum(dvis)
        dz = dz / len(dzs) if dz == dz else _mean(dzs)
        dv = dv / len(dvis) if dv == dv else _mean(dvis)
        evidence = dz + 0.5 * dv
        if self.side is None:
            self.side = L.LEFT if evidence >= 0 else L.RIGHT
        elif self.side == L.LEFT and evidence < -SIDE_SWITCH_Z:
            self.side = L.RIGHT
        elif self.side == L.RIGHT and evidence > SIDE_SWITCH_Z:
            self.side = L.LEFT
        return self.side

    def __call__(self, pose: Pose) -> Features:
        groups = self._groups
        lms = pose.landmarks.tolist()
        w, h = pose.image_size
        w, h = float(w), float(h)
        side = self._choose_side(lms)
        near = 0 if side == L.LEFT else 1
        index = _NEAR_INDEX[near]

        def px(i: int) -> Vec:  # pixels, where 2D angles are true
            row = lms[i]
            return (row[0] * w, row[1] * h)

        values: dict[str, float] = {}

        ls, rs, lh, rh = px(L.LEFT_SHOULDER), px(L.RIGHT_SHOULDER), px(L.LEFT_HIP), px(L.RIGHT_HIP)
        sh_mid = ((ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2)
        hip_mid = ((lh[0] + rh[0]) / 2, (lh[1] + rh[1]) / 2)
        torso_px = math.dist(sh_mid, hip_mid)
        shoulder_w = math.dist(ls, rs)
        width_ratio = shoulder_w / torso_px if torso_px > 1e-6 else math.inf
        values["shoulder_width_ratio"] = width_ratio
        world = pose.world.tolist() if pose.world is not None else None
        frontal, enter, leave = width_ratio, FACING_ENTER_2D, FACING_EXIT_2D
        if world is not None:
            frontal, enter, leave = _frontalness(world), FACING_ENTER, FACING_EXIT
        values["frontalness"] = frontal
        if self.facing_camera and frontal < leave:
            self.facing_camera = False
        elif not self.facing_camera and frontal > enter:
            self.facing_camera = True

        if "trunk" in groups:
            # Signed: forward (the way the person faces) positive, backward negative. Unsigned,
            # a camera rolled 18 deg away from the face folded an upright stance (-16) onto
            # +16 and a 30-deg hinge onto 12: less than the start, and no rep.
            lean = _from_vertical(hip_mid, sh_mid)
            behind = (sh_mid[0] - hip_mid[0]) * self._facing_x(px) < 0
            values["trunk_lean"] = -lean if behind else lean
            values["torso_px"] = torso_px
            values["shoulder_tilt"] = math.degrees(math.atan2(rs[1] - ls[1], abs(rs[0] - ls[0]) + 1e-9))
            if torso_px > 1e-6:
                values["shoulder_x_torso"] = sh_mid[0] / torso_px
                values["shoulder_y_torso"] = sh_mid[1] / torso_px

        # the near side's shoulder, hip and knee: the sagittal, floor and head features share them
        shoulder, hip = (rs, rh) if near else (ls, lh)
        knee = px(index["knee"])
        if "sagittal" in groups:  # on the near side
            values["hip_flexion"] = _flexion(shoulder, hip, knee)
            values["knee_flexion"] = _flexion(hip, knee, px(index["ankle"]))
            values["elbow_flexion"] = _flexion(shoulder, px(index["elbow"]), px(index["wrist"]))
        if "sided" in groups:
            for s, (hip_i, knee_i, ankle_i, shoulder_i, elbow_i, wrist_i) in _SIDED_LIMBS:
                values[f"knee_flexion_{s}"] = _flexion(px(hip_i), px(knee_i), px(ankle_i))
                values[f"elbow_flexion_{s}"] = _flexion(px(shoulder_i), px(elbow_i), px(wrist_i))

        trunk = _sub(shoulder, hip)
        if "floor" in groups:
            # "headward" is the image direction from hips to shoulders along x.
            headward = 1.0 if sh_mid[0] >= hip_mid[0] else -1.0
            trunk_elev = _elevation(trunk, headward)
            thigh_elev = _elevation(_sub(hip, knee), headward)
            values["trunk_elevation"] = trunk_elev
            # Lumbar extension: trunk raised relative to the thighs. 0 lying flat, positive when
            # the chest lifts off the floor with the pelvis down (press-up), negative when folded
            # (child's pose about -160, down-dog about -100).
            values["lumbar_extension"] = _wrap_extension(trunk_elev - thigh_elev)
            # Lying on the back: the trunk's angle behind the thigh's line, the other way round.
            # Knees bent, feet flat reads -30 to -70 (feet near or far); a bridge with
            # shoulders, hips and knees in one line reads 0; past it the line bends backwards.
            values["hip_extension"] = _wrap_extension(thigh_elev - trunk_elev)
        if "kneeling" in groups:
            # Kneeling on one knee: the kneeling leg is the one whose knee is lower in the image
            # (the front leg's knee is about level with its hip). Its hip's extension against the
            # trunk (both shoulders' and hips' midpoints), with the face's and feet's direction as
            # forward: 0 thigh in line with the trunk, positive when the hip is pushed forward
            # past the line, negative bent.
            knees = [(px(L.joint_index("knee", s))[1], s) for s in L.SIDES]
            kneel_side = max(knees)[1]
            k_hip, k_knee = px(L.joint_index("hip", kneel_side)), px(L.joint_index("knee", kneel_side))
            forward = self._facing_x(px)
            values["kneeling_hip_extension"] = _wrap_extension(
                _elevation(_sub(sh_mid, hip_mid), forward) - _elevation(_sub(k_hip, k_knee), forward))

        if "head" in groups:
            # Face direction (ear -> nose) against the trunk's direction (hip -> shoulder).
            # Looking straight ahead of the chest the face is about square to the trunk (0);
            # throwing the head back turns the face towards the trunk's line (positive).
            ear = px(index["ear"])
            face = _sub(px(L.NOSE), ear)
            values["head_pitch"] = 90.0 - _angle_at(face, (0.0, 0.0), trunk)
            # Where the face points against the horizon, whatever the trunk does: looking at the
            # floor ahead reads -20 to -60, gazing forward from a sphinx up to +11 (while its
            # head_pitch reaches 70), the head thrown back to look up +31 (palfit cobra).
            values["gaze_elevation"] = math.degrees(math.atan2(-face[1], abs(face[0]) + 1e-9))
            values["neck_flexion"] = _flexion(hip, shoulder, ear)
            # The same angle the other way round, for a movement that bows the head: the cat of a
            # cat-cow reads +50 to +70 (chin to chest), a neutral tabletop about 0, the cow's
            # lifted head -30 to -40 (mpaskows' clip).
            values["head_bow"] = -values["head_pitch"]

        if world is not None and "world" in groups:
            self._world_features(world, values)
        if "thigh_2d" in groups:
            # angle of each thigh from hanging straight down in the image
            for s, (hip_i, knee_i, *_) in _SIDED_LIMBS:
                values[f"thigh_from_down_{s}"] = 180.0 - _from_vertical(px(hip_i), px(knee_i))

        if "desk" in groups:
            self._desk_features(px, lms, world, values)

        visible = {joint: lms[i][3] >= VISIBLE for joint, i in index.items()}
        return Features(t=pose.t, side=side, values=values, visible=visible, facing_camera=self.facing_camera)

    @staticmethod
    def _desk_features(px, lms: list[list[float]], world: list[Vec] | None,
                       values: dict[str, float]) -> None:
        """Seated at a laptop, seen from the front, upper body only: the head's tilt, the
        shoulders' lift and the trunk's twist. Nothing here needs the hips in view; the hips'
        own turn is measured only while both are seen."""
        # Head tilt: the line between the ears against the line between the shoulders, in the
        # image (a sideways tilt happens in the image's plane when the person faces the
        # camera). Unsigned: an ear towards either shoulder reads the same, so alternate sides
        # count alike. Upright it reads 0-10 (the model's ears sit a few degrees off level);
        # hansfit's neck rolls pass 20-30 deg at each ear-to-shoulder phase.
        le, re_, ls, rs = px(L.LEFT_EAR), px(L.RIGHT_EAR), px(L.LEFT_SHOULDER), px(L.RIGHT_SHOULDER)
        ears = math.atan2(le[1] - re_[1], le[0] - re_[0])
        shoulders = math.atan2(ls[1] - rs[1], ls[0] - rs[0])
        values["head_tilt"] = abs((math.degrees(ears - shoulders) + 180.0) % 360.0 - 180.0)
        if world is None:
            return
        wls, wrs = world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER]
        # Shoulder lift: the angle the two shoulders span seen from the point between the
        # ears, in metric world landmarks, with the ears' distance from the middle of the
        # shoulders (not their height), so a head tilted about the base of the neck reads
        # the same, and a camera orbiting the person (hansfit's shoulder circles) does not
        # narrow the shoulders as it would in the image. Shoulders raised towards the ears
        # widen it: at rest 70-90 deg (neck length and build), +10-12 at the top of hansfit's
        # shoulder circles, more in a full shrug.
        width = math.dist(wls, wrs)
        ear_mid = tuple((a + b) / 2 for a, b in zip(world[L.LEFT_EAR], world[L.RIGHT_EAR]))
        shoulder_mid = tuple((a + b) / 2 for a, b in zip(wls, wrs))
        neck = math.dist(ear_mid, shoulder_mid)
        if neck > 1e-6:
            values["shoulder_lift"] = 2.0 * math.degrees(math.atan2(width / 2.0, neck))
        # Twist: how far the shoulder line has turned from square to the camera, about the
        # vertical, in world landmarks (x across the image, z away from it). Unsigned, 0-180:
        # a turn to either side reads the same; past side-on it goes on rising (hansfit's
        # standing twist reaches 150 with his back to the camera). Facing the camera it
        # reads 0-10.
        values["trunk_twist"] = _yaw(wls, wrs)
        # The hips' own turn, the same way, only while both hips are seen: out of view the
        # model guesses them from the shoulders, and a guess would make a seated twist look
        # like one that comes from the hips.
        if lms[L.LEFT_HIP][3] >= VISIBLE and lms[L.RIGHT_HIP][3] >= VISIBLE:
            values["hip_twist"] = _yaw(world[L.LEFT_HIP], world[L.RIGHT_HIP])

    @staticmethod
    def _world_features(wl: list[list[float]], values: dict[str, float]) -> None:
        """Quadruped leg lift and upper-body stillness, in 3D world landmarks (metres, camera axes)."""
        for s in L.SIDES:
            # Thigh angle away from hanging straight down (camera y is taken as vertical, as
            # for a laptop on a table): ~5-15 deg on all fours, 40-50 deg at a full fire-
            # hydrant lift, whichever way the camera sees the body.
            thigh = _sub3(wl[L.joint_index("knee", s)], wl[L.joint_index("hip", s)])
            tn = _norm(thigh)
            if tn > 1e-6:
                values[f"thigh_lift_{s}"] = _acos_deg(thigh[1] / tn)
        # Upper-body orientation, for "keep the upper body still": roll of the shoulder line
        # and pitch of the trunk, both against the camera's horizontal.
        sh_line = _sub3(wl[L.RIGHT_SHOULDER], wl[L.LEFT_SHOULDER])
        values["trunk_roll"] = math.degrees(math.atan2(sh_line[1], math.hypot(sh_line[0], sh_line[2]) + 1e-9))
        trunk3 = tuple((a + b - c - d) / 2 for a, b, c, d in zip(
            wl[L.LEFT_SHOULDER], wl[L.RIGHT_SHOULDER], wl[L.LEFT_HIP], wl[L.RIGHT_HIP]))
        values["trunk_pitch"] = math.degrees(math.atan2(-trunk3[1], math.hypot(trunk3[0], trunk3[2]) + 1e-9))
        hip_axis = _sub3(wl[L.RIGHT_HIP], wl[L.LEFT_HIP])
        # The hip line's roll, the same way: a bird dog's pelvis hitched up on the lifted leg's
        # side turns it, while the shoulder line (trunk_roll) may stay level.
        values["hip_roll"] = math.degrees(math.atan2(hip_axis[1], math.hypot(hip_axis[0], hip_axis[2]) + 1e-9))
        # A bird dog reaches one arm forward with the opposite leg back: the reaching arm's
        # angle from hanging straight down (shoulder to wrist), named by the leg's side. On all
        # fours it reads 20-40 (the model's world "down" is the camera's, and bent elbows), a
        # forward reach 55-70 in lenag's clip (the model shortens a reach towards the frame's
        # edge), a level arm 90.
        for s, opposite in zip(L.SIDES, reversed(L.SIDES)):
            arm = _sub3(wl[L.joint_index("wrist", opposite)], wl[L.joint_index("shoulder", opposite)])
            an = _norm(arm)
            if an > 1e-6:
                values[f"reach_arm_lift_{s}"] = _acos_deg(arm[1] / an)
        n = _norm(hip_axis)
        if n > 1e-6:
            u = tuple(c / n for c in hip_axis)
            for s, sign in zip(L.SIDES, (-1.0, 1.0)):
                thigh = _sub3(wl[L.joint_index("knee", s)], wl[L.joint_index("hip", s)])
                tn = _norm(thigh)
                if tn > 1e-6:
                    along = sign * (thigh[0] * u[0] + thigh[1] * u[1] + thigh[2] * u[2]) / tn
                    values[f"leg_abduction_{s}"] = math.degrees(math.asin(_clip1(along)))
            # Each thigh swung back towards the feet (hip extension), in the body's own frame:
            # its angle past square to the trunk, along the trunk's axis. On all fours the
            # resting thigh reads 10-35 deg; a fire hydrant's lift keeps it there or brings it
            # forward (-26 to 48 on four clips), a donkey kick or kickback reaches 65-87.
            trunk_axis = tuple((a + b - c - d) / 2 for a, b, c, d in zip(
                wl[L.LEFT_HIP], wl[L.RIGHT_HIP], wl[L.LEFT_SHOULDER], wl[L.RIGHT_SHOULDER]))
            along_axis = sum(a * b for a, b in zip(trunk_axis, u))
            back = tuple(a - along_axis * b for a, b in zip(trunk_axis, u))
            bn = _norm(back)
            if bn > 1e-6:
                for s in L.SIDES:
                    thigh = _sub3(wl[L.joint_index("knee", s)], wl[L.joint_index("hip", s)])
                    tn = _norm(thigh)
                    if tn > 1e-6:
                        cos_back = sum(a * b for a, b in zip(thigh, back)) / (tn * bn)
                        values[f"thigh_back_{s}"] = math.degrees(math.asin(_clip1(cos_back)))
            # height of each knee above the other, in thigh lengths (world y points down)
            lk, rk = wl[L.LEFT_KNEE], wl[L.RIGHT_KNEE]
            thigh_len = (math.dist(lk, wl[L.LEFT_HIP]) + math.dist(rk, wl[L.RIGHT_HIP])) / 2
            if thigh_len > 1e-6:
                values[f"knee_height_{L.LEFT}"] = (rk[1] - lk[1]) / thigh_len
                values[f"knee_height_{L.RIGHT}"] = (lk[1] - rk[1]) / thigh_len
