"""Pain check-ins through the live path (issue 16): synthetic people through LiveProcessor into
a real history file. Start asks, the answer rides with the session; "It hurts" can stop it;
the end asks again; a routine's first session holds the "before" and its last the "after"."""

from __future__ import annotations

import synth
from synth import Key, poses, reps
from test_live_session import FRAME, HINGE, STAND, T0, play, processor, stored
from fake_backends import playing
from test_routine_live import BETWEEN_S, hinges  # noqa: F401 - hinges is a fixture

from posecheck.engine.pain import AFTER, BEFORE, DURING
from posecheck.engine.records import ABANDONED, FINISHED
from posecheck.engine.session import COUNTING, STOPPED
from posecheck.run import live
from posecheck.sinks.history_store import HistoryStore
from posecheck.web import board


def _frames(n_reps: int):
    return poses(synth.standing, STAND, reps(HINGE, STAND, n_reps) + [Key(0.0, {}, hold_s=1.0)])


def test_start_asks_before_and_the_end_asks_after_both_saved(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = _frames(5)
    proc, clock = processor(library, frames, db, target_reps=5, sets=1, rest_s=5.0)
    proc.start_checkin()  # the page's Start
    assert proc.snapshot().pain_question == BEFORE
    proc.answer_pain(BEFORE, 3)
    assert proc.snapshot().pain_question is None
    play(proc, clock, frames)
    snap = proc.snapshot()
    assert snap.session.total_reps == 5 and snap.pain_question == AFTER  # all sets done: asked
    assert not proc.answer_pain(AFTER, 2)
    (record,) = stored(db)
    assert record.status == FINISHED
    assert (record.pain_before, record.pain_after, record.pain_during) == (3, 2, ())
    assert not record.stopped_for_pain and proc.snapshot().pain_question is None


def test_a_skipped_before_needs_no_click_and_stop_asks_after(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = _frames(4)
    proc, clock = processor(library, frames, db, target_reps=5, sets=1, rest_s=5.0)
    proc.start_checkin()
    play(proc, clock, frames, until=frames[-1][0] / 2)
    snap = proc.snapshot()
    # counting began without an answer: the question went away by itself
    assert snap.session.state == COUNTING and snap.pain_question is None
    proc.stop()  # the page's Stop
    assert proc.snapshot().pain_question == AFTER
    proc.answer_pain(AFTER, None)  # skipped
    proc.on_ended()  # the camera's own end follows: no second question
    assert proc.snapshot().pain_question is None
    (record,) = stored(db)
    assert record.status == ABANDONED and record.pain_before is None and record.pain_after is None


def test_a_rise_of_two_during_the_session_ends_it_with_the_safety_message(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = _frames(5)
    proc, clock = processor(library, frames, db, target_reps=5, sets=2, rest_s=5.0)
    proc.start_checkin()
    proc.answer_pain(BEFORE, 3)
    half = frames[-1][0] / 2
    play(proc, clock, frames, until=half)
    reps_then = proc.snapshot().session.total_reps
    proc.it_hurts()
    assert proc.snapshot().pain_question == DURING
    assert not proc.answer_pain(DURING, 4)  # a rise of 1: go on
    snap = proc.snapshot()
    assert not snap.pain_stop and snap.pain_question is None
    proc.it_hurts()
    assert proc.answer_pain(DURING, 5)  # a rise of 2: stop
    snap = proc.snapshot()
    assert "from 3 to 5" in snap.pain_stop and "physiotherapist or doctor" in snap.pain_stop
    assert snap.said[-1].kind == "pain_stop" and snap.said[-1].text == snap.pain_stop  # said too
    html = board.board_html(snap, True)
    assert "stop here" in html and "from 3 to 5" in html
    # the camera may go on sending frames: nothing more is counted, nothing else is asked
    play(proc, clock, [f for f in frames if f[0] > half])
    snap = proc.snapshot()
    assert snap.session.state == STOPPED and snap.pain_question is None and snap.pain_stop
    proc.stop()
    proc.on_ended()
    assert proc.snapshot().pain_question is None
    (record,) = stored(db)
    assert record.status == ABANDONED and record.stopped_for_pain
    assert (record.pain_before, record.pain_during, record.pain_after) == (3, (4, 5), 5)
    assert record.total_reps == reps_then
    # the next Start begins anew: the message goes, the question comes
    proc.start_checkin()
    snap = proc.snapshot()
    assert not snap.pain_stop and snap.pain_question == BEFORE


def test_seven_or_more_before_starting_means_no_session(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = _frames(5)
    proc, clock = processor(library, frames, db, target_reps=5, sets=1, rest_s=5.0)
    proc.start_checkin()
    assert proc.answer_pain(BEFORE, 7)
    assert "7 out of 10" in proc.snapshot().pain_stop
    play(proc, clock, frames)
    snap = proc.snapshot()
    assert snap.session.total_reps == 0 and snap.pain_question is None
    assert stored(db) == []  # nothing began: nothing saved


def test_seven_after_the_session_gets_the_message_too(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = _frames(5)
    proc, clock = processor(library, frames, db, target_reps=5, sets=1, rest_s=5.0)
    proc.start_checkin()
    play(proc, clock, frames)
    assert proc.snapshot().pain_question == AFTER
    assert proc.answer_pain(AFTER, 7)
    assert "after this session" in proc.snapshot().pain_stop
    (record,) = stored(db)
    assert record.status == FINISHED and record.pain_after == 7 and not record.stopped_for_pain


def test_a_routines_first_session_holds_the_before_and_its_last_the_after(library, hinges,
                                                                          tmp_path):
    routine, stages = hinges
    db = tmp_path / "h.sqlite3"
    keys = (reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=BETWEEN_S + 1.0)]
            + reps(HINGE, STAND, 2) + [Key(0.0, {}, hold_s=1.0)])
    frames = poses(synth.standing, STAND, keys)
    estimator = playing(frames)
    proc = live.LiveProcessor(stages[0].exercise, stages[0].plan,
                              estimator_factory=lambda: estimator,
                              store_factory=lambda: HistoryStore(db))
    proc.configure_routine(routine, stages)
    proc.start_checkin()  # the page's Start, then the answer
    proc.answer_pain(BEFORE, 2)
    seen = []
    for t, _ in frames:
        proc.process(FRAME, T0 + t)
        snap = proc.snapshot()
        seen.append((snap.pain_question, snap.routine.state))
    # not asked when the first exercise ended: only once the routine is done
    first = [q for q, _ in seen].index(AFTER)
    assert {q for q, _ in seen[:first]} == {None} and {q for q, _ in seen[first:]} == {AFTER}
    assert seen[first][1] == "done" and seen[first - 1][1] != "done"
    proc.answer_pain(AFTER, 1)
    records = {r.exercise_id: r for r in stored(db)}
    assert (records["good_morning"].pain_before, records["good_morning"].pain_after) == (2, None)
    assert (records["hip_hinge"].pain_before, records["hip_hinge"].pain_after) == (None, 1)
