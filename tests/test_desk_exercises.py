"""The desk micro-movements on a synthetic person sitting at a laptop, seen from the front:
exact counts, each fault, the wrong view, and a camera that sees only the upper body."""

from __future__ import annotations

import pytest

import synth
from synth import Key, poses, reps
from posecheck import landmarks as L

SITTING = {"tilt": 0.0, "shrug": 0.0, "twist": 0.0, "hips": 0.0}
# what a laptop camera close to the person sees: no hips, knees or feet
BELOW_THE_CHEST = (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE,
                   L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT, L.RIGHT_FOOT)
UPPER_BODY_ONLY = {i: [(0.0, 1e9)] for i in BELOW_THE_CHEST}


def run(library, ex_id, keys, **kw):
    seen, states = synth.judge(library.get(ex_id), poses(synth.seated, SITTING, keys, view="front", **kw))
    return seen, states[-1]


def alternating(work_left: dict, work_right: dict, n: int, **kw) -> list[Key]:
    """n movements, alternating sides, each back to sitting square."""
    keys: list[Key] = []
    for i in range(n):
        keys += reps(work_left if i % 2 == 0 else work_right, SITTING, 1, **kw)
    return keys


TILTS = ({"tilt": 30.0}, {"tilt": -30.0})
ROLL = {"shrug": 0.06}
TWISTS = ({"twist": 45.0}, {"twist": -45.0})
CLEAN = [
    ("neck_tilt", alternating(*TILTS, 6)),
    ("shoulder_roll", reps(ROLL, SITTING, 6, down_s=1.0, hold_s=0.3, up_s=1.2, pause_s=0.5)),
    ("spinal_twist", alternating(*TWISTS, 6)),
]


@pytest.mark.parametrize("ex_id, keys", CLEAN, ids=[c[0] for c in CLEAN])
@pytest.mark.parametrize("framing", ["whole body", "upper body only"])
def test_clean_desk_movements_are_counted_exactly(library, ex_id, keys, framing):
    hide = UPPER_BODY_ONLY if framing == "upper body only" else None
    seen, state = run(library, ex_id, keys, hide=hide)
    assert state.reps == 6 and state.partial_reps == 0
    assert set(seen.fault_counts) == set()
    assert "not_visible" not in state.conditions


@pytest.mark.parametrize("ex_id, work, fault", [
    # the shoulders come up 6 cm while the head tilts
    ("neck_tilt", ({"tilt": 30.0, "shrug": 0.06}, {"tilt": -30.0, "shrug": 0.06}), "shoulders_hunched"),
    # the head tips sideways with every roll
    ("shoulder_roll", ({"shrug": 0.06, "tilt": 28.0}, {"shrug": 0.06, "tilt": 28.0}), "head_moving"),
    # the turn comes from the hips and knees: they turn with the shoulders
    ("spinal_twist", ({"twist": 45.0, "hips": 35.0}, {"twist": -45.0, "hips": -35.0}), "hips_turning"),
])
def test_each_desk_fault_is_reported_and_cued(library, ex_id, work, fault):
    seen, state = run(library, ex_id, alternating(*work, 3))
    assert state.reps == 3
    assert all(fault in r.faults for r in seen.reps)
    assert any(c.code == fault for c in seen.cues), "the fault must be said to the person"


@pytest.mark.parametrize("ex_id, work, move_s", [("neck_tilt", TILTS[0], 0.7), ("shoulder_roll", ROLL, 0.5),
                                                 ("spinal_twist", TWISTS[0], 0.7)])
def test_rushed_desk_movements_are_counted_and_called_too_fast(library, ex_id, work, move_s):
    seen, state = run(library, ex_id, reps(work, SITTING, 4, down_s=move_s, hold_s=0.0, up_s=move_s,
                                           pause_s=0.8))
    assert state.reps == 4 and "too_fast" in seen.fault_counts


def test_a_tilt_with_the_shoulders_down_is_not_called_hunched(library):
    """The shoulders' lift is read from the ears' distance, not their height: a deep tilt
    about the base of the neck brings one ear down but leaves the shoulders where they were."""
    seen, state = run(library, "neck_tilt", alternating({"tilt": 45.0}, {"tilt": -45.0}, 4))
    assert state.reps == 4 and "shoulders_hunched" not in seen.fault_counts


def test_with_the_hips_out_of_view_a_twist_is_still_counted_and_the_hips_are_not_judged(library):
    """The camera cannot see the hips: nothing is said about them, right or wrong."""
    work = ({"twist": 45.0, "hips": 35.0}, {"twist": -45.0, "hips": -35.0})
    seen, state = run(library, "spinal_twist", alternating(*work, 4), hide=UPPER_BODY_ONLY)
    assert state.reps == 4 and "hips_turning" not in seen.fault_counts


def test_a_twist_that_turns_past_side_on_is_still_counted(library):
    """A twist turns away from the camera on purpose; the front view is judged where each
    turn starts (hansfit's standing twist turns his back to the camera)."""
    seen, state = run(library, "spinal_twist", alternating({"twist": 100.0}, {"twist": -100.0}, 4,
                                                           hold_s=1.5))
    assert state.reps == 4


def test_small_turns_towards_the_mouse_are_not_twists(library):
    seen, state = run(library, "spinal_twist", alternating({"twist": 7.0}, {"twist": -7.0}, 4))
    assert state.reps == 0 and state.partial_reps == 0 and not seen.cues[1:]


@pytest.mark.parametrize("ex_id, work", [("neck_tilt", TILTS[0]), ("shoulder_roll", ROLL),
                                         ("spinal_twist", TWISTS[0])])
def test_sitting_side_on_asks_to_face_the_camera(library, ex_id, work):
    frames = poses(synth.seated, SITTING, reps(work, SITTING, 3), view="side")
    seen, states = synth.judge(library.get(ex_id), frames)
    assert states[-1].reps == 0 and "wrong_view" in seen.fault_counts
    assert seen.cues[0].message == library.get(ex_id).cues["wrong_view"]


def test_head_out_of_view_says_what_to_do(library):
    hidden = {i: [(0.0, 1e9)] for i in (L.LEFT_EAR, L.RIGHT_EAR)}
    seen, state = run(library, "neck_tilt", alternating(*TILTS, 3), hide=hidden)
    assert state.reps == 0 and "not_visible" in state.conditions
    assert seen.cues[0].message == library.get("neck_tilt").cues["not_visible"]


def test_shoulders_dropping_away_from_the_ears_is_not_a_hunch(library):
    """Only a rise of the shoulders is a hunch: letting them sink while tilting is what the
    exercise asks for (and tipping the head forward reads the same way)."""
    seen, state = run(library, "neck_tilt", alternating({"tilt": 30.0, "shrug": -0.05},
                                                        {"tilt": -30.0, "shrug": -0.05}, 4))
    assert state.reps == 4 and "shoulders_hunched" not in seen.fault_counts
