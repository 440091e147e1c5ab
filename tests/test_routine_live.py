"""A routine run hands-free through LiveProcessor: synthetic people, a fake clock, a real
history file. What is checked is what the person hears and sees, and what their history keeps."""

from __future__ import annotations

import numpy as np
import pytest

import synth
from fake_backends import playing
from synth import Key, poses, reps
from posecheck.engine.records import ABANDONED, FINISHED
from posecheck.engine.routine_session import (BETWEEN, EXERCISING, ROUTINE_DONE, ROUTINE_STOPPED,
                                              routine_stages)
from posecheck.engine.routines import load_routine_file, load_routines
from posecheck.engine.session import COUNTING, GETTING_READY
from posecheck.run import live
from posecheck.sinks.history_store import HistoryStore
from posecheck.web import board, speech

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}
FRAME = np.zeros((48, 64, 3), np.uint8)
T0 = 5000.0
BETWEEN_S = 4.0
HINGES = f"""
id = "hinges"
name = "Hinges"
summary = "A good morning, then a hip hinge."
between_s = {BETWEEN_S}

[[steps]]
exercise = "good_morning"
sets = 1
reps = 2

[[steps]]
exercise = "hip_hinge"
sets = 1
reps = 2
"""


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def hinges(library, tmp_path):
    path = tmp_path / "routines" / "hinges.toml"
    path.parent.mkdir()
    path.write_text(HINGES)
    routine = load_routine_file(path, library)
    return routine, routine_stages(routine, library)


def run(library, routine, stages, frames, db):
    clock = Clock()
    estimator = playing(frames)
    first = stages[0]
    proc = live.LiveProcessor(first.exercise, first.plan, estimator_factory=lambda: estimator,
                              store_factory=lambda: HistoryStore(db), clock=clock)
    proc.configure_routine(routine, stages)
    seen = []
    for t, _ in frames:
        clock.now = t
        proc.process(FRAME, T0 + t)
        snap = proc.snapshot()
        seen.append((t, snap.routine.state, snap.routine.index, snap.session.state))
    return proc, seen


def test_two_exercises_run_from_start_to_summary_with_no_click(library, hinges, tmp_path):
    routine, stages = hinges
    db = tmp_path / "h.sqlite3"
    # two good mornings, stand through the change-over, two hip hinges
    keys = (reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=BETWEEN_S + 1.0)]
            + reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=1.0)])
    frames = poses(synth.standing, STAND, keys)
    proc, seen = run(library, routine, stages, frames, db)
    snap = proc.snapshot()
    assert snap.routine.state == ROUTINE_DONE
    assert [(r.exercise_id, r.reps, r.finished) for r in snap.routine.results] == [
        ("good_morning", 2, True), ("hip_hinge", 2, True)]
    said = [a.text for a in snap.said if a.kind not in ("cue", "hold", "release")]
    gm, hh = library.get("good_morning"), library.get("hip_hinge")
    assert said == [
        "Hinges: 2 exercises. The session moves on by itself. "
        f"Next: Good morning. {gm.cues['wrong_view']}",
        gm.cues["ready"], "1", "2", "All sets done: 2 reps. Well done.",
        f"Next: Hip hinge. {hh.cues['wrong_view']}",
        hh.cues["ready"], "1", "2", "All sets done: 2 reps. Well done.",
        "Hinges done: 4 reps in 2 exercises. Well done."], said
    # the change-over lasted between_s, then the hip hinge waited for its start position
    change = [t for t, state, *_ in seen if state == BETWEEN]
    assert change[-1] - change[0] == pytest.approx(BETWEEN_S, abs=0.05)
    second = [(t, s) for t, state, i, s in seen if state == EXERCISING and i == 1]
    assert second[0][1] == GETTING_READY and any(s == COUNTING for _, s in second)
    # every announcement has its own id in the run: the player says each once
    ids = [i["id"] for i in speech.payload(snap.said, snap.session_id, snap.t, False)["items"]]
    assert len(set(ids)) == len(ids)
    # the summary at the end: one row per exercise
    html = board.board_html(snap, True)
    assert "Routine done" in html and "Good morning" in html and "Hip hinge" in html
    assert "4 reps" in html
    # the history: one finished session per exercise, tagged with the routine and its run
    with HistoryStore(db) as store:
        records = sorted(store.sessions(), key=lambda r: r.started_at + r.exercise_id)
    assert sorted(r.exercise_id for r in records) == ["good_morning", "hip_hinge"]
    assert all(r.status == FINISHED and r.routine_id == "hinges" for r in records)
    assert len({r.routine_run for r in records}) == 1 and records[0].routine_run == snap.session_id
    assert sorted(r.total_reps for r in records) == [2, 2]
    assert len({r.id for r in records}) == 2


def test_reps_in_the_change_over_do_not_count_and_the_next_waits_for_the_person(
        library, hinges, tmp_path):
    """Hinging on during the change-over counts for nothing; the hip hinge then waits while
    the person is out of view, and starts once they hold the start position."""
    routine, stages = hinges
    db = tmp_path / "h.sqlite3"
    first = reps(HINGE, STAND, 2)
    done_at = 1.5 + sum(k.move_s + k.hold_s for k in first)  # lead_s + the two good mornings
    quick = reps(HINGE, STAND, 1, down_s=0.8, hold_s=0.4, up_s=0.8, pause_s=0.0)  # 2 s
    keys = (first + quick  # one more hinge in the change-over
            + [Key(0.0, {}, hold_s=8.0)] + reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=1.0)])
    gone = (done_at + 2.0, done_at + 8.0)  # out of view when the hip hinge is due
    frames = poses(synth.standing, STAND, keys, drop=[gone])
    proc, seen = run(library, routine, stages, frames, db)
    snap = proc.snapshot()
    assert snap.routine.state == ROUTINE_DONE
    assert [r.reps for r in snap.routine.results] == [2, 2]
    assert [a.text for a in snap.said if a.kind == "rep"] == ["1", "2", "1", "2"]
    due = max(t for t, state, *_ in seen if state == BETWEEN)
    assert gone[0] < due < gone[1]
    ready_t = min(t for t, state, i, s in seen if i == 1 and s == COUNTING)
    assert ready_t >= gone[1] + 0.9  # a second in the start position, after coming back


def test_stop_mid_routine_keeps_what_was_done_and_start_begins_it_again(library, hinges, tmp_path):
    routine, stages = hinges
    db = tmp_path / "h.sqlite3"
    keys = (reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=BETWEEN_S + 1.0)] + reps(HINGE, STAND, 1))
    frames = poses(synth.standing, STAND, keys)
    proc, _ = run(library, routine, stages, frames, db)
    first_run = proc.snapshot().session_id
    proc.on_ended()
    snap = proc.snapshot()
    assert snap.routine.state == ROUTINE_STOPPED
    assert [(r.exercise_id, r.reps, r.finished) for r in snap.routine.results] == [
        ("good_morning", 2, True), ("hip_hinge", 1, False)]
    html = board.board_html(snap, False)
    assert "Routine ended" in html and "Hip hinge" in html
    with HistoryStore(db) as store:
        by_ex = {r.exercise_id: r for r in store.sessions()}
    assert by_ex["good_morning"].status == FINISHED and by_ex["hip_hinge"].status == ABANDONED
    assert by_ex["hip_hinge"].total_reps == 1
    # the next stream (Start again) runs the routine from its first exercise
    proc._estimator = playing(poses(synth.standing, STAND, reps(HINGE, STAND, 1)))
    proc.process(FRAME, T0 + 500.0)
    snap = proc.snapshot()
    assert snap.session_id != first_run
    assert snap.routine.state == EXERCISING and snap.routine.index == 0
    assert snap.exercise_id == "good_morning"


def test_back_basics_runs_its_exercises_with_the_routines_plans(library):
    routine = load_routines(library).get("back_basics")
    stages = routine_stages(routine, library)
    assert [(s.exercise.id, s.plan.sets, s.plan.target_reps) for s in stages] == [
        ("lumbar_extension", 3, 5), ("quadruped_hip_lift", 3, 5), ("good_morning", 3, 5)]
    assert stages[1].plan.side == "both" and len(stages[1].plan.blocks) == 6
    assert stages[0].plan.hold_s == 2.0 and stages[0].plan.rest_s == 60.0


def test_choosing_another_routine_or_an_exercise_starts_anew(library, hinges, tmp_path):
    routine, stages = hinges
    ex = library.get("good_morning")
    proc = live.LiveProcessor(ex, store_factory=lambda: HistoryStore(tmp_path / "h.sqlite3"))
    proc.configure_routine(routine, stages)
    run_id = proc.snapshot().session_id
    proc.configure_routine(routine, stages)  # the page's rerun: nothing changes
    assert proc.snapshot().session_id == run_id and proc.snapshot().routine is not None
    from posecheck.engine.session import SessionPlan

    proc.configure(ex, SessionPlan.live(ex))  # back to one exercise, even the same one
    assert proc.snapshot().routine is None and proc.snapshot().session_id != run_id
