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


# ---- the waist lift goes with the breath -----------------------------------------------------

def test_the_bridge_shows_a_slow_breath_pace_while_counting(library):
    """Issue 15: the lying waist lift goes with the breath; the board shows a 3 s in, 3 s out
    pace from the set's start, in the exercise's own words, and nothing outside counting."""
    from posecheck.engine.exercise_engine import ExerciseEngine
    from posecheck.engine.session import COUNTING, Session, SessionPlan
    from posecheck.run.live import LiveSnapshot
    from posecheck.web import board

    ex = library.get("glute_bridge")
    assert (ex.prescription.breath_in_s, ex.prescription.breath_out_s) == (3.0, 3.0)
    frames = poses(synth.supine, LYING, reps(BRIDGE, LYING, 3, down_s=3.0, hold_s=0.2, up_s=3.0))
    engine, session = ExerciseEngine(ex), Session(ex, SessionPlan.live(ex, target_reps=8, sets=1))
    paces = []
    for t, pose in frames:
        session.update(engine.update(pose, t))
        status = session.status(t)
        paces.append((t, status.state, status.breath))
    counting = [(t, b) for t, state, b in paces if state == COUNTING]
    assert counting and all(b is not None for _, b in counting)
    assert all(b is None for _, state, b in paces if state != COUNTING)
    t0 = counting[0][0]
    for t, b in counting:  # in for 3 s, out for 3 s, again
        assert b.phase == ("in" if (t - t0) % 6.0 < 3.0 - 1e-6 else "out"), (t, b)
        assert 0.0 <= b.fraction <= 1.0
        assert b.words == (ex.speech.breathe_in if b.phase == "in" else ex.speech.breathe_out)
    shown = board.board_html(LiveSnapshot("glute_bridge", session=session.status(t0 + 1.5),
                                          t=t0 + 1.5), True)
    assert "Breathe in - lift your hips" in shown and "width:50%" in shown
    # an exercise without a pace shows none
    other = Session(library.get("good_morning"), SessionPlan.live(library.get("good_morning")))
    assert other.status(0.0).breath is None


def test_the_breath_words_are_said_into_silence_and_give_way_to_everything_else(library):
    """Issue 15: with speech on, the pace is said as well as shown: its words when each
    half-breath begins, while a set counts. A frame that says anything else (the set's "ready",
    a count, a cue) drops the breath word: it is not said later either."""
    from posecheck.engine.exercise_engine import ExerciseEngine
    from posecheck.engine.session import BREATH_KINDS, COUNTING, REST, Session, SessionPlan
    from posecheck.web import speech

    ex = library.get("glute_bridge")
    bridges = reps(BRIDGE, LYING, 8, down_s=3.0, hold_s=0.2, up_s=3.0)
    frames = poses(synth.supine, LYING, bridges + [Key(0.0, {}, hold_s=15.0)] + bridges)  # a rest between
    engine = ExerciseEngine(ex)
    session = Session(ex, SessionPlan.live(ex, target_reps=8, sets=2, rest_s=10.0))
    steps = []  # (t, state after the frame, announcements)
    for t, pose in frames:
        said = session.update(engine.update(pose, t)).announcements
        steps.append((t, session.state, said))
    assert [len(s.reps) for s in session.sets] == [8, 8]
    breath = [(t, a) for t, _, said in steps for a in said if a.kind in BREATH_KINDS]
    assert len(breath) >= 8
    words = {"breathe_in": ex.speech.breathe_in, "breathe_out": ex.speech.breathe_out}
    set_starts = [t for t, _, said in steps for a in said if a.kind == "ready"]
    assert len(set_starts) == 2
    for t, a in breath:
        assert a.text == words[a.kind]
        # at the turn of a half-breath from its set's start (3 s in, 3 s out)
        into = t - max(s for s in set_starts if s <= t)
        half = round(into / 3.0)
        assert into - half * 3.0 < 1.5 / 30 and a.kind == ("breathe_in" if half % 2 == 0 else "breathe_out")
    # never in a frame that says anything else, never outside counting, each key once
    for t, state, said in steps:
        if any(a.kind in BREATH_KINDS for a in said):
            assert len(said) == 1 and state == COUNTING
    assert all(state != REST for t, state, said in steps for a in said if a.kind in BREATH_KINDS)
    assert len({a.key for _, a in breath}) == len(breath)
    # the in-breath at each set's start gives way to "Ready": the first word said is the out-breath
    assert not any(abs(t - s) < 0.5 for t, _ in breath for s in set_starts)
    # the player is told they are breath words; the transcript leaves them to the board
    said = [a for _, _, step in steps for a in step]
    kinds = {item["kind"] for item in speech.payload(said, "s", steps[-1][0], muted=False)["items"]}
    assert set(BREATH_KINDS) <= kinds
    shown = speech.transcript_html(said, last=len(said))
    assert ex.speech.breathe_in not in shown and ex.speech.breathe_out not in shown and "Ready" in shown


def test_a_breath_pace_needs_both_halves_and_its_words(library, tmp_path):
    import shutil
    from pathlib import Path

    from posecheck.engine.exercises import load_exercise_file
    from posecheck.errors import ExerciseFileError

    src = Path(library.get("glute_bridge").source)
    path = tmp_path / "glute_bridge.toml"
    text = src.read_text()
    path.write_text(text.replace("breath_out_s = 3.0\n", ""))
    with pytest.raises(ExerciseFileError, match="breath_in_s"):
        load_exercise_file(path)
    path.write_text(text.replace('breathe_out = "Breathe out - lower slowly"\n', ""))
    with pytest.raises(ExerciseFileError, match="breathe_out"):
        load_exercise_file(path)
    shutil.copy(src, path)
    assert load_exercise_file(path).prescription.breath_paced


# ---- a hold-type exercise: the unit is a 5-s hold -------------------------------------------
KNEEL = {"squeeze": 0.0, "lean": 0.0}
SQUEEZE = {"squeeze": 14.0}


def holds(n: int, hold_s: float, rest_s: float = 2.5) -> list[Key]:
    return reps(SQUEEZE, {"squeeze": 0.0}, n, down_s=0.8, hold_s=hold_s, up_s=0.8, pause_s=rest_s)


def live(library, ex_id, frames, **choices):
    """A live session on the frames: (what was said, the closed sets, the rings shown)."""
    from posecheck.engine.exercise_engine import ExerciseEngine
    from posecheck.engine.session import Session, SessionPlan

    ex = library.get(ex_id)
    engine, session = ExerciseEngine(ex), Session(ex, SessionPlan.live(ex, **choices))
    said, closed, rings = [], [], []
    for t, pose in frames:
        step = session.update(engine.update(pose, t))
        said += step.announcements
        closed += [step.closed_set] if step.closed_set else []
        rings.append(session.status(t).hold)
    return said, closed, rings


def test_each_held_squeeze_is_one_unit_said_hold_and_release(library):
    frames = poses(synth.half_kneeling, KNEEL, holds(5, hold_s=5.6), noise=0.001)
    seen, state = run(library, "half_kneeling_glute", frames)
    assert state.reps == 5 and set(seen.fault_counts) == set()
    assert all(5.0 <= r.hold_s <= 6.5 for r in seen.reps)
    said, (done,), rings = live(library, "half_kneeling_glute", frames, target_reps=5, sets=1)
    assert done.rep_count == 5 and done.completed
    words = [a.text for a in said if a.kind in ("hold", "release", "rep")]
    assert words == [w for n in range(1, 6) for w in ("Squeeze and hold.", "Release.", str(n))]
    hold_t = [a.t for a in said if a.kind == "hold"]
    release_t = [a.t for a in said if a.kind == "release"]
    assert all(5.0 <= b - a <= 6.0 for a, b in zip(hold_t, release_t))
    assert max(r for r in rings if r is not None) == 1.0


def test_a_squeeze_let_go_early_is_not_a_unit_and_says_why(library):
    frames = poses(synth.half_kneeling, KNEEL, holds(2, hold_s=5.6) + holds(1, hold_s=2.0) + holds(1, hold_s=5.6))
    seen, state = run(library, "half_kneeling_glute", frames)
    assert state.reps == 3
    assert seen.fault_counts == {"no_hold": 1}
    assert library.get("half_kneeling_glute").fault("no_hold").cue in [c.message for c in seen.cues]


def test_the_hold_pauses_while_the_position_is_lost_and_goes_on_after(library):
    # 3 s squeezed, then 2 s leaning back into an arch (the squeeze kept), then 3 s upright again:
    # neither stretch alone is 5 s; together they are, the arch left out
    keys = [Key(0.8, SQUEEZE), Key(0.6, {"lean": -24.0}, hold_s=3.0), Key(0.6, {"lean": 0.0}, hold_s=2.0),
            Key(0.8, {"squeeze": 0.0}, hold_s=3.0), Key(0.0, {}, hold_s=2.0)]
    seen, state = run(library, "half_kneeling_glute", poses(synth.half_kneeling, KNEEL, keys))
    assert state.reps == 1
    (rep,) = seen.reps
    assert rep.faults == ("back_arched",)
    assert 5.0 <= rep.hold_s < 6.8  # the 8.2 s in the working range, less the arch and moves


@pytest.mark.parametrize("lean", [24.0])
def test_leaning_forward_into_the_squeeze_is_called_out(library, lean):
    keys = [Key(0.8, {"squeeze": 30.0, "lean": lean}), Key(0.8, KNEEL, hold_s=5.6), Key(0.0, {}, hold_s=2.0)]
    seen, _ = run(library, "half_kneeling_glute", poses(synth.half_kneeling, KNEEL, keys))
    assert "leaning_forward" in seen.fault_counts


def test_kneeling_facing_the_camera_asks_to_turn(library):
    frames = poses(synth.half_kneeling, KNEEL, holds(2, hold_s=5.6), view="front")
    seen, state = run(library, "half_kneeling_glute", frames)
    assert state.reps == 0 and "wrong_view" in seen.fault_counts
