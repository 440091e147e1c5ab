"""The bird dog and the cat-cow on synthetic people on all fours, seen from the side: exact
counts of clean reps, each fault that matters for a back, and the wrong view asking to turn."""

from __future__ import annotations

import pytest

import synth
from synth import Key, poses, reps

FOURS = {"kick_left": 10.0, "kick_right": 10.0, "reach_left": 0.0, "reach_right": 0.0,
         "hip_roll": 0.0, "pitch": 0.0}
# the left leg straight back and the right arm forward, both level with the back
REACH_LEFT = {"kick_left": 88.0, "reach_right": 85.0}
BACK_LEFT = {"kick_left": 10.0, "reach_right": 0.0}


def run(library, ex_id, frames):
    seen, states = synth.judge(library.get(ex_id), frames)
    return seen, states[-1]


def bird_dogs(work: dict, n: int, **timing) -> list[Key]:
    return reps({**REACH_LEFT, **work}, {**BACK_LEFT, **{k: FOURS[k] for k in work if k in FOURS}},
                n, down_s=2.0, hold_s=1.5, up_s=2.0, pause_s=1.0, **timing)


@pytest.mark.parametrize("facing", ["right", "left"])
def test_clean_bird_dogs_are_counted_exactly_on_the_reaching_leg(library, facing):
    frames = poses(synth.quadruped, FOURS, bird_dogs({}, 5), facing=facing, noise=0.001)
    seen, state = run(library, "bird_dog", frames)
    assert state.reps == 5 and state.partial_reps == 0
    assert [r.side for r in seen.reps] == ["left"] * 5
    assert set(seen.fault_counts) == set()


def test_bird_dogs_with_either_leg_count_on_their_own_side(library):
    keys = bird_dogs({}, 3) + reps({"kick_right": 88.0, "reach_left": 85.0},
                                   {"kick_right": 10.0, "reach_left": 0.0}, 3, down_s=2.0, hold_s=1.5, up_s=2.0)
    seen, state = run(library, "bird_dog", poses(synth.quadruped, FOURS, keys))
    assert [r.side for r in seen.reps] == ["left"] * 3 + ["right"] * 3
    assert set(seen.fault_counts) == set()


@pytest.mark.parametrize("fault, work", [
    ("hips_rotating", {"hip_roll": 40.0}),  # the pelvis turned open to lift the leg
    ("trunk_sagging", {"pitch": 22.0}),  # the trunk tipping as the leg goes back
    ("leg_too_high", {"kick_left": 130.0}),  # the leg lifted well above the back
    ("arm_not_reaching", {"reach_right": 10.0}),  # only the leg moves
])
def test_each_bird_dog_fault_is_reported_on_every_rep(library, fault, work):
    frames = poses(synth.quadruped, FOURS, bird_dogs(work, 3))
    seen, state = run(library, "bird_dog", frames)
    assert state.reps == 3
    assert all(fault in r.faults for r in seen.reps), [r.faults for r in seen.reps]
    assert library.get("bird_dog").fault(fault).cue in [c.message for c in seen.cues]


def test_a_bird_dog_seen_from_the_front_asks_to_turn(library):
    frames = poses(synth.quadruped, FOURS, bird_dogs({}, 3), view="front")
    seen, state = run(library, "bird_dog", frames)
    assert state.reps == 0 and "wrong_view" in seen.fault_counts


# ---- cat-cow ------------------------------------------------------------------------------
COW = {"head": -35.0}
CAT = {"head": 60.0}


def test_slow_cat_cows_are_counted_exactly_with_no_fault(library):
    # from the cow into the cat in 3 s with the breath out, back in 3 s with the breath in
    frames = poses(synth.quadruped, COW, reps(CAT, COW, 5, down_s=3.0, hold_s=1.0, up_s=3.0, pause_s=1.0),
                   noise=0.001)
    seen, state = run(library, "cat_cow", frames)
    assert state.reps == 5 and state.partial_reps == 0
    assert set(seen.fault_counts) == set()


def test_cats_from_a_flat_back_count_too(library):
    flat = {"head": 0.0}
    frames = poses(synth.quadruped, flat, reps(CAT, flat, 4, down_s=2.5, hold_s=1.0, up_s=2.5))
    seen, state = run(library, "cat_cow", frames)
    assert state.reps == 4 and set(seen.fault_counts) == set()


def test_rushed_cat_cows_are_told_to_slow_down(library):
    frames = poses(synth.quadruped, COW, reps(CAT, COW, 4, down_s=0.9, hold_s=0.2, up_s=0.9, pause_s=0.6))
    seen, state = run(library, "cat_cow", frames)
    assert state.reps == 4
    assert seen.fault_counts["too_fast"] == 4


def test_a_cow_that_throws_the_head_back_is_called_out(library):
    forced = {"head": -80.0}
    frames = poses(synth.quadruped, COW, reps(CAT, forced, 3, down_s=3.0, hold_s=1.0, up_s=3.0, pause_s=1.5))
    seen, state = run(library, "cat_cow", frames)
    assert "neck_forced" in seen.fault_counts
    assert library.get("cat_cow").fault("neck_forced").cue in [c.message for c in seen.cues]


def test_a_cat_cow_seen_from_the_front_asks_to_turn(library):
    frames = poses(synth.quadruped, COW, reps(CAT, COW, 3, down_s=3.0, up_s=3.0), view="front")
    seen, state = run(library, "cat_cow", frames)
    assert state.reps == 0 and "wrong_view" in seen.fault_counts


def test_the_reference_figures_show_the_movement_as_the_side_camera_sees_it(library):
    from posecheck.web.figure import draw_figure, joints

    bird = library.get("bird_dog").figure
    start, work = joints(bird["start"]), joints(bird["working"])
    # on all fours: hand and knee below shoulder and hip; reaching: the arm forward and the leg
    # back, both level with the back, while the other hand and knee stay down
    assert start["wrist"][1] < start["shoulder"][1] - 0.5 and start["knee"][1] < start["hip"][1] - 0.5
    assert work["wrist"][0] > work["shoulder"][0] + 0.5 and abs(work["wrist"][1] - work["shoulder"][1]) < 0.1
    assert work["knee"][0] < work["hip"][0] - 0.5 and abs(work["knee"][1] - work["hip"][1]) < 0.1
    assert work["knee2"][1] < work["hip"][1] - 0.5 and work["wrist2"][1] < work["shoulder"][1] - 0.5
    cat_cow = library.get("cat_cow").figure
    cow, cat = joints(cat_cow["start"]), joints(cat_cow["working"])
    line_y = lambda j: (j["hip"][1] + j["shoulder"][1]) / 2  # noqa: E731
    assert cow["mid_back"][1] < line_y(cow) and cow["head"][1] > cow["shoulder"][1]  # sagging, looking forward
    assert cat["mid_back"][1] > line_y(cat) and cat["head"][1] < cat["shoulder"][1]  # rounded, head bowed
    for figure in (bird, cat_cow):
        for pose in ("start", "working"):
            assert (draw_figure(figure[pose]) < 200).any()


def test_the_picker_lists_them_on_the_floor(library):
    from posecheck.web.info import GROUP_NAMES, exercise_order

    order = exercise_order(library.exercises.values())
    floor = [i for i in order if library.get(i).group == "floor"]
    assert {"bird_dog", "cat_cow"} <= set(floor)
    # the floor group is one block of the list, after the standing exercises
    assert order[order.index(floor[0]):order.index(floor[-1]) + 1] == floor
    assert GROUP_NAMES[library.get("cat_cow").group] == "on the floor"
