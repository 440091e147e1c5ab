"""The feature table: what features.py computes, what exercise files may name and what the
annotated video writes on the body all come from it, and agree."""

from __future__ import annotations

import numpy as np
import pytest

import synth
from synth import poses, reps
from posecheck import landmarks as L
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.engine.feature_table import (FEATURE_GROUPS, FEATURES, VIEW_GROUP, FeatureSpec,
                                            feature_key)
from posecheck.engine.features import FeatureExtractor
from posecheck.engine.rules import WORKING
from posecheck.sinks.overlay import AngleAnnotator

SHIPPED = ("hip_hinge", "good_morning", "quadruped_hip_lift", "lumbar_extension")
FOURS = {"lift_left": 6.0, "lift_right": 6.0, "roll": 0.0}


def _keys(names) -> set[str]:
    """The keys Features.values holds for feature names: a sided name once per side."""
    return {feature_key(n, s) for n in names for s in L.SIDES}


def _a_pose():
    """On all fours with one knee lifted: every feature (the 3D ones too) has a value."""
    return synth.to_pose(synth.quadruped({"lift_left": 30.0, "roll": 5.0}), 0.0)


def test_the_extractor_computes_exactly_the_features_the_table_declares():
    values = FeatureExtractor()(_a_pose()).values
    assert set(values) == _keys(f.name for f in FEATURES)


@pytest.mark.parametrize("group", sorted(FEATURE_GROUPS))
def test_asking_for_one_feature_computes_its_group_and_the_view(group):
    one = sorted(FEATURE_GROUPS[group])[0]
    values = FeatureExtractor([one])(_a_pose()).values
    assert set(values) == _keys(FEATURE_GROUPS[group] | FEATURE_GROUPS[VIEW_GROUP])


def test_feature_key_fills_in_the_side_only_where_there_is_one():
    assert feature_key("thigh_lift_{side}", "right") == "thigh_lift_right"
    assert feature_key("trunk_roll", "left") == "trunk_roll"
    assert feature_key("thigh_lift_{side}", None) == "thigh_lift_{side}"


def test_every_feature_has_a_place_on_the_video_or_a_reason_not_to():
    for f in FEATURES:
        if f.drawn:
            assert f.label and f.joint in L.JOINT_NAMES, f
        else:
            assert len(f.not_drawn) > 20, f  # a sentence, not a placeholder
    with pytest.raises(ValueError, match="say where it is drawn"):
        FeatureSpec("new_angle", "trunk", "deg")
    with pytest.raises(ValueError, match="a known joint"):
        FeatureSpec("new_angle", "trunk", "deg", "new", "tail")


@pytest.mark.parametrize("ex_id", SHIPPED)
def test_every_angle_the_shipped_rules_use_is_drawn(library, ex_id):
    """README promises the annotated video shows "the angles the rules use"."""
    ex = library.get(ex_id)
    drawn = [f.name for f in AngleAnnotator(ex).features]
    assert drawn[0] == ex.rep.feature
    assert drawn == list(ex.features)


def test_the_quadruped_video_writes_the_lift_angle_at_the_knee(library):
    ex = library.get("quadruped_hip_lift")
    engine = ExerciseEngine(ex)
    frames = poses(synth.quadruped, FOURS, reps({"lift_left": 45.0}, FOURS, 1))
    state = next(s for s in (engine.update(p, t) for t, p in frames) if s.phase == WORKING)
    annotator = AngleAnnotator(ex)
    assert "thigh_lift_{side}" in [f.name for f in annotator.features]

    w, h = synth.IMAGE
    knee_x, knee_y = (state.pose.landmarks[L.joint_index("knee", state.side), :2] * (w, h)).astype(int)
    near_knee = (slice(knee_y - 25, knee_y + 10), slice(knee_x, knee_x + 120))
    drawn = np.zeros((h, w, 3), np.uint8)
    annotator.annotate(drawn, state)
    assert drawn[near_knee].any()
    # and it is the lift that is written there: without it, nothing is
    annotator.features = [f for f in annotator.features if f.name != "thigh_lift_{side}"]
    without = np.zeros((h, w, 3), np.uint8)
    annotator.annotate(without, state)
    assert without.any() and not without[near_knee].any()


def test_every_angle_has_the_range_a_person_reads():
    for f in FEATURES:
        if f.angle:
            assert f.shown is not None and f.shown[0] < f.shown[1], f
    with pytest.raises(ValueError, match="the range a person reads"):
        FeatureSpec("new_angle", "trunk", "deg", "new", "hip")


def test_the_lumbar_extension_reads_no_lift_in_childs_pose_not_minus_160(library):
    """Sitting back on the heels the feature is about -160: the video wrote "back -160"."""
    from posecheck.engine.feature_table import FEATURE_BY_NAME

    back = FEATURE_BY_NAME["lumbar_extension"]
    assert back.as_shown(-160.0) == 0.0
    assert back.as_shown(42.0) == 42.0
    assert FEATURE_BY_NAME["trunk_lean"].as_shown(75.0) == 75.0


def test_a_lean_a_hair_behind_upright_is_written_as_0_not_minus_0(library, monkeypatch):
    """The trunk lean is signed (forward +); standing upright reads -0.3 and the video wrote
    'trunk -0'."""
    import posecheck.sinks.overlay as overlay

    ex = library.get("good_morning")
    engine = ExerciseEngine(ex)
    frames = poses(synth.standing, {"lean": -0.3, "knee": 12.0}, [])
    state = [engine.update(p, t) for t, p in frames][-1]
    assert -1.0 < state.features.values["trunk_lean"] < 0.0
    written: list[str] = []
    monkeypatch.setattr(overlay, "_text", lambda img, text, *a, **k: written.append(text))
    AngleAnnotator(ex).annotate(np.zeros((synth.IMAGE[1], synth.IMAGE[0], 3), np.uint8), state)
    assert "trunk 0" in written and not any("-0" in t.split()[-1] for t in written)
