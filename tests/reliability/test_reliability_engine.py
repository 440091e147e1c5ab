"""The engine follows one person: a jump to another body (a second person, a cut) is noticed,
said, and never counted across; ordinary movement is not mistaken for one. Synthetic bodies;
the real-model version is test_reliability_scenes.py::test_two_people_are_never_mixed_and_a_
switch_is_not_counted."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import synth
from synth import Key, poses, reps
from posecheck.engine.continuity import PersonContinuity

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}


def other_body(pose, dx: float = 0.0, scale: float = 1.0):
    """The same skeleton moved dx (fractions of the image width) and scaled about its hips:
    another person standing elsewhere, or nearer the camera."""
    lms = pose.landmarks.copy()
    hips = lms[[23, 24], :2].mean(axis=0)
    lms[:, :2] = hips + (lms[:, :2] - hips) * scale
    lms[:, 0] += dx
    return replace(pose, landmarks=lms)


def run(library, frames, ex_id="good_morning"):
    return synth.judge(library.get(ex_id), frames)


def _switch_mid_rep():
    """Person A hinges down and is on the way up at 4.5 s when the tracker lands on person B,
    standing 0.3 frame widths to the side, bent over; B then stands up, which would complete
    A's rep. After that B does two more reps."""
    a = poses(synth.standing, STAND, reps(HINGE, STAND, 1))
    b = poses(synth.standing, STAND, reps(HINGE, STAND, 3), lead_s=3.0)
    return ([(t, p) for t, p in a if t < 4.5]
            + [(t, other_body(p, dx=0.3)) for t, p in b if t >= 4.5])


def test_a_switch_mid_rep_drops_that_rep_says_so_and_counting_resumes(library):
    seen, states = run(library, _switch_mid_rep())
    switch = [s.t for s in states if any(e.code == "one_person" for e in s.events)]
    assert switch == [pytest.approx(4.5, abs=0.04)]
    assert [r.start_s > 4.5 for r in seen.reps] == [True, True], "no rep spans it"
    cue = library.get("good_morning").cues["one_person"]
    assert [c.message for c in seen.cues if c.code == "one_person"] == [cue]
    assert seen.fault_counts["one_person"] == 1


def test_without_the_switch_check_the_switch_would_have_counted(library, monkeypatch):
    """What the check prevents, shown on the same frames: A's rep finished by B."""
    monkeypatch.setattr(PersonContinuity, "changed", lambda self, pose: False)
    seen, states = run(library, _switch_mid_rep())
    assert states[-1].reps == 3 and seen.reps[0].start_s < 4.5


@pytest.mark.parametrize("scale", [2.5, 0.4])
def test_someone_much_nearer_or_further_is_another_person(scale, library):
    frames = poses(synth.standing, STAND, [Key(0.0, {}, hold_s=3.0)])
    frames = [(t, p if t < 2.0 else other_body(p, scale=scale)) for t, p in frames]
    seen, _ = run(library, frames)
    assert seen.fault_counts.get("one_person") == 1


def test_ordinary_movement_is_not_a_switch(library):
    """Drifting across the room, a quick side step (a third of the frame in 0.3 s), fast
    hinges, jitter and short losses of the person."""
    fast = reps(HINGE, STAND, 4, down_s=0.6, hold_s=0.0, up_s=0.6, pause_s=0.3)
    frames = poses(synth.standing, STAND, fast, noise=0.004, drop=[(3.0, 3.3), (6.0, 6.3)])

    def dx(t):
        return 0.01 * t - 0.3 * min(1.0, max(0.0, (t - 5.0) / 0.3))

    walk = [(t, p if p is None else other_body(p, dx=dx(t))) for t, p in frames]
    seen, states = run(library, walk)
    assert "one_person" not in seen.fault_counts
    assert states[-1].reps == 4


def test_after_a_long_absence_a_new_place_is_not_a_switch():
    """Gone for 3 s and back 1.5 body sizes away: the person may have moved (the rules already
    went back to setup after 1 s away, so nothing was counted across the gap anyway)."""
    check = PersonContinuity()
    pose = poses(synth.standing, STAND, [Key(0.0, {}, hold_s=0.1)], lead_s=0.1)[0][1]
    assert not check.changed(pose)
    assert not check.changed(replace(other_body(pose, dx=0.35), t=pose.t + 3.0))


@pytest.mark.parametrize("damage", ["nan", "inf", "huge", "zero size", "visibility"])
def test_damaged_landmarks_are_unseen_not_judged(damage, library):
    """Numbers no camera produces (from a broken track, say) never reach the rules as a body."""
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 2))
    bad = []
    for t, p in frames:
        lms = p.landmarks.copy()
        size = p.image_size
        if 3.0 <= t < 5.0:
            if damage == "nan":
                lms[20:, :2] = np.nan
            elif damage == "inf":
                lms[20:, 1] = np.inf
            elif damage == "huge":
                lms[20:, :3] = 1e300
            elif damage == "zero size":
                size = (0, 0)
            else:
                lms[:, 3] = np.nan
        bad.append((t, replace(p, landmarks=lms, image_size=size)))
    seen, states = run(library, bad)
    judged = [s for s in states if 3.0 <= s.t < 5.0 and s.metric is not None]
    assert not judged, "frames without a usable body are not judged"
    assert all(s.metric is None or np.isfinite(s.metric) for s in states)
    assert "not_visible" in seen.fault_counts
    assert states[-1].reps == 1  # the rep the damage fell into is not counted; the next one is
