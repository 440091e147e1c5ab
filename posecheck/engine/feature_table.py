"""Every feature an exercise file may name, declared once. Pure.

A feature's facts used to live in three files and drift apart (the quadruped hip lift's video
drew no angle, because the overlay's own list had never heard of its rep feature). Now each
feature is one FeatureSpec line: its name, the computation group in features.py that
produces it, its unit, and the word and joint the overlay writes it at, or why it is not
drawn. features.py, exercises.py and the overlay all read this table; a new feature is one
line here plus its computation (tests/test_feature_table.py checks the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import landmarks as L

# In the name of a feature measured on each side; replaced by "left" or "right" (feature_key).
SIDE = "{side}"

DEG = "deg"

# Always computed, whatever an exercise asks for: the view check (is the person side-on or
# facing the camera) reads it on every frame.
VIEW_GROUP = "view"


def feature_key(name: str, side: str | None) -> str:
    """The key in Features.values of feature `name` on `side`. A feature without a side (or no
    side given) is its own key."""
    return name.replace(SIDE, side) if side else name


@dataclass(frozen=True)
class FeatureSpec:
    name: str  # as exercise files name it; contains SIDE when measured on each side
    group: str  # the computation group in features.py that produces it
    unit: str  # DEG for an angle, else what the number counts
    label: str | None = None  # the word written beside the value on the video
    joint: str | None = None  # the joint (landmarks.JOINT_NAMES) it is written at; None: not drawn
    not_drawn: str = ""  # why a feature has no place on the body
    # the values a person reads (on the video, in charts): a value outside is shown at the
    # nearer end, because there the number stops meaning what its word says (the lumbar
    # extension reads -160 sitting back on the heels: that is "no lift", not a lift of -160).
    # Every angle has one.
    shown: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.joint is None and not self.not_drawn:
            raise ValueError(f"feature {self.name}: say where it is drawn, or why it is not")
        if self.joint is not None and (self.joint not in L.JOINT_NAMES or not self.label):
            raise ValueError(f"feature {self.name}: drawn needs a label and a known joint")
        if self.angle and self.shown is None:
            raise ValueError(f"feature {self.name}: an angle needs the range a person reads")
        if self.shown is not None and not self.shown[0] < self.shown[1]:
            raise ValueError(f"feature {self.name}: its shown range must run low to high")

    @property
    def sided(self) -> bool:
        return SIDE in self.name

    @property
    def angle(self) -> bool:
        return self.unit == DEG

    @property
    def drawn(self) -> bool:
        return self.joint is not None

    def as_shown(self, value: float) -> float:
        """The value as a person reads it: inside the shown range."""
        if self.shown is None:
            return value
        return min(self.shown[1], max(self.shown[0], value))


_A_VIEW = "says how the camera sees the body, not how a joint is bent"

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("shoulder_width_ratio", VIEW_GROUP, "ratio", not_drawn=_A_VIEW),
    FeatureSpec("frontalness", VIEW_GROUP, "ratio", not_drawn=_A_VIEW),
    # from the midpoints of both shoulders and both hips
    FeatureSpec("trunk_lean", "trunk", DEG, "trunk", "hip", shown=(-90.0, 180.0)),
    FeatureSpec("torso_px", "trunk", "px",
                not_drawn="the torso's length in pixels: a scale other features divide by"),
    FeatureSpec("shoulder_tilt", "trunk", DEG, "tilt", "shoulder", shown=(-45.0, 45.0)),
    FeatureSpec("shoulder_x_torso", "trunk", "torso lengths",
                not_drawn="where the shoulders are in the image: a position, not an angle on the body"),
    FeatureSpec("shoulder_y_torso", "trunk", "torso lengths",
                not_drawn="where the shoulders are in the image: a position, not an angle on the body"),
    # on the side nearer the camera
    FeatureSpec("hip_flexion", "sagittal", DEG, "hip", "hip", shown=(0.0, 180.0)),
    FeatureSpec("knee_flexion", "sagittal", DEG, "knee", "knee", shown=(0.0, 180.0)),
    FeatureSpec("elbow_flexion", "sagittal", DEG, "elbow", "elbow", shown=(0.0, 180.0)),
    FeatureSpec("knee_flexion_{side}", "sided", DEG, "knee", "knee", shown=(0.0, 180.0)),
    FeatureSpec("elbow_flexion_{side}", "sided", DEG, "elbow", "elbow", shown=(0.0, 180.0)),
    # lying on the floor
    FeatureSpec("trunk_elevation", "floor", DEG, "trunk", "shoulder", shown=(-90.0, 90.0)),
    FeatureSpec("lumbar_extension", "floor", DEG, "back", "hip", shown=(0.0, 90.0)),
    # lying and kneeling, seen from the side
    # the trunk's angle behind the thigh's line (0: shoulder, hip and knee in one line; negative
    # flexed), lying on the back: a bridge lifts it from about -45 to 0
    FeatureSpec("hip_extension", "floor", DEG, "hip", "hip", shown=(-120.0, 60.0)),
    # the same angle on the kneeling leg of someone kneeling on one knee (its knee is the lower)
    FeatureSpec("kneeling_hip_extension", "kneeling", DEG, "hip", "hip", shown=(-120.0, 60.0)),
    FeatureSpec("head_pitch", "head", DEG, "head", "ear", shown=(-90.0, 90.0)),
    FeatureSpec("neck_flexion", "head", DEG, "neck", "shoulder", shown=(0.0, 180.0)),
    FeatureSpec("gaze_elevation", "head", DEG, "gaze", "nose", shown=(-90.0, 90.0)),
    # the head bowed towards the chest against the trunk (-head_pitch): the cat of a cat-cow
    FeatureSpec("head_bow", "head", DEG, "head", "ear", shown=(-90.0, 90.0)),
    # in 3D world landmarks
    FeatureSpec("thigh_lift_{side}", "world", DEG, "lift", "knee", shown=(0.0, 120.0)),
    FeatureSpec("trunk_roll", "world", DEG, "roll", "shoulder", shown=(-90.0, 90.0)),
    FeatureSpec("trunk_pitch", "world", DEG, "pitch", "hip", shown=(-90.0, 90.0)),
    FeatureSpec("hip_roll", "world", DEG, "hip roll", "hip", shown=(-90.0, 90.0)),
    # a bird dog reaches the arm opposite the lifted leg: named after the leg's side
    FeatureSpec("reach_arm_lift_{side}", "world", DEG, "arm", "elbow", shown=(0.0, 180.0)),
    FeatureSpec("leg_abduction_{side}", "world", DEG, "leg", "knee", shown=(-90.0, 90.0)),
    FeatureSpec("thigh_back_{side}", "world", DEG, "leg back", "hip", shown=(-90.0, 90.0)),
    # not an angle: written with two decimals (a whole number would only ever read 0 or 1)
    FeatureSpec("knee_height_{side}", "world", "thigh lengths", "height", "knee"),
    FeatureSpec("thigh_from_down_{side}", "thigh_2d", DEG, "thigh", "knee", shown=(0.0, 180.0)),
    # seated at a desk, seen from the front
    FeatureSpec("head_tilt", "desk", DEG, "head tilt", "ear", shown=(0.0, 90.0)),
    FeatureSpec("shoulder_lift", "desk", DEG, "shoulders", "shoulder", shown=(0.0, 180.0)),
    FeatureSpec("trunk_twist", "desk", DEG, "twist", "shoulder", shown=(0.0, 180.0)),
    FeatureSpec("hip_twist", "desk", DEG, "hips", "hip", shown=(0.0, 180.0)),
)

FEATURE_BY_NAME: dict[str, FeatureSpec] = {f.name: f for f in FEATURES}
FEATURE_NAMES = frozenset(FEATURE_BY_NAME)
FEATURE_GROUPS: dict[str, frozenset[str]] = {
    group: frozenset(f.name for f in FEATURES if f.group == group)
    for group in dict.fromkeys(f.group for f in FEATURES)}


def groups_for(names: Iterable[str]) -> frozenset[str]:
    """The computation groups that produce `names` (known feature names), and the view group."""
    return frozenset({VIEW_GROUP, *(FEATURE_BY_NAME[n].group for n in names)})
