"""Left and right stay the person's own when the model swaps them for a few frames
(posecheck/pose/sides.py), run as every analysis runs it: inside the pose policy."""

from __future__ import annotations

import synth
from fake_backends import playing
from posecheck.pose.sides import MAX_UNDO_S, swapped
from test_engine_synthetic import FOURS
import numpy as np

FRAME = np.full((48, 64, 3), 120, np.uint8)

LIFTS = synth.reps({"lift_left": 50.0}, {"lift_left": 6.0}, 3)


def _left_lifts():
    return synth.poses(synth.quadruped, FOURS, LIFTS)


def _swap_during(frames, start_s: float, end_s: float):
    return [(t, swapped(p) if p is not None and start_s <= t < end_s else p) for t, p in frames]


def _through_policy(frames):
    estimator = playing(frames)
    return [(t, estimator.estimate(FRAME, t)) for t, _ in frames], estimator


def _reps_by_side(library, frames):
    seen, states = synth.judge(library.get("quadruped_hip_lift"), frames)
    return states[-1].reps_by_side


def test_a_few_frames_with_sides_swapped_neither_add_nor_hide_a_rep(library):
    clean = _left_lifts()
    # 0.2 s (6 frames) as the first lift comes down: the engine, given the model's output as
    # it is, counts a 4th rep (the test can fail)
    glitched = _swap_during(clean, 3.5, 3.7)
    assert _reps_by_side(library, clean) == {"left": 3, "right": 0}
    assert _reps_by_side(library, glitched) == {"left": 4, "right": 0}
    repaired, estimator = _through_policy(glitched)
    assert _reps_by_side(library, repaired) == {"left": 3, "right": 0}
    assert estimator.stats.sides_swapped_back == 6


def test_a_swap_the_model_keeps_is_followed_after_a_second(library):
    clean = _left_lifts()
    start = clean[60][0]
    glitched = _swap_during(clean, start, float("inf"))  # from here on, for good
    repaired, estimator = _through_policy(glitched)
    undone = estimator.stats.sides_swapped_back
    assert 0 < undone <= MAX_UNDO_S * 30 + 1
    assert repaired[-1][1].landmarks.tolist() == glitched[-1][1].landmarks.tolist()


def test_a_pose_without_swaps_passes_unchanged(library):
    clean = _left_lifts()
    repaired, estimator = _through_policy(clean)
    assert estimator.stats.sides_swapped_back == 0
    assert all(p is q or (p.landmarks == q.landmarks).all() for (_, p), (_, q) in zip(clean, repaired))
