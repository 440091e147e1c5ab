"""The floor and kneeling exercises on synthetic people: the glute bridge (the lying waist lift)
and the half-kneeling glute activation, a hold. Exact counts, each fault, the wrong view."""

from __future__ import annotations

import pytest

import synth
from synth import Key, poses, reps

LYING = {"ext": -50.0}  # on the back, knees bent, feet flat
BRIDGE = {"ext": 2.0}  # shoulders, hips and knees in one line


def run(library, ex_id, frames):
    seen, states = synth.judge(library.get(ex_id), frames)
    return seen, states[-1]


@pytest.mark.parametrize("facing", ["right", "left"])
def test_slow_bridges_with_the_breath_are_counted_exactly_with_no_fault(library, facing):
    # 3 s up as the breath goes in, a moment at the top, 3 s down as it goes out
    frames = poses(synth.supine, LYING, reps(BRIDGE, LYING, 6, down_s=3.0, hold_s=0.5, up_s=3.0),
                   facing=facing, noise=0.001)
    seen, state = run(library, "glute_bridge", frames)
    assert state.reps == 6 and state.partial_reps == 0
    assert set(seen.fault_counts) == set()
    assert all(45 <= r.range_deg <= 56 for r in seen.reps)


def test_a_bridge_pushed_past_the_line_is_lifting_with_the_back(library):
    frames = poses(synth.supine, LYING, reps({"ext": 32.0}, LYING, 3, down_s=3.0, hold_s=0.5, up_s=3.0))
    seen, state = run(library, "glute_bridge", frames)
    assert state.reps == 3
    assert all(r.faults == ("back_arched",) for r in seen.reps)
    assert any(c.code == "back_arched" for c in seen.cues)


def test_rushed_bridges_are_counted_and_told_to_slow_down(library):
    frames = poses(synth.supine, LYING, reps(BRIDGE, LYING, 5, down_s=0.8, hold_s=0.1, up_s=0.8,
                                             pause_s=0.6))
    seen, state = run(library, "glute_bridge", frames)
    assert state.reps == 5
    assert seen.fault_counts["rushed"] == 5


def test_a_small_lift_among_full_bridges_is_not_counted(library):
    keys = reps(BRIDGE, LYING, 3, down_s=3.0, up_s=3.0) + reps({"ext": -38.0}, LYING, 1, down_s=3.0, up_s=3.0)
    seen, state = run(library, "glute_bridge", poses(synth.supine, LYING, keys))
    assert state.reps == 3 and state.partial_reps == 1
    assert "shallow" in seen.fault_counts


def test_a_bridge_seen_from_the_head_or_feet_asks_to_turn(library):
    frames = poses(synth.supine, LYING, reps(BRIDGE, LYING, 3, down_s=3.0, up_s=3.0), view="front")
    seen, state = run(library, "glute_bridge", frames)
    assert state.reps == 0 and "wrong_view" in seen.fault_counts
