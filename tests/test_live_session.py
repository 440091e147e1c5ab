"""The live path with a session: synthetic people through LiveProcessor into a real history file.

A fake pose backend plays a synthetic performance frame by frame under the real pose policy;
a fake clock stands in for the stall watchdog's. What is checked is what the person sees, hears and finds in their
history afterwards.
"""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

import synth
from fake_backends import playing
from synth import Key, poses, reps
from posecheck.errors import HistoryError
from posecheck.sinks.history_store import HistoryStore
from posecheck.engine.records import ABANDONED, FINISHED, IN_PROGRESS
from posecheck.engine.session import GETTING_READY, SessionPlan
from posecheck.web import board, speech
from posecheck.run import live

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}
FRAME = np.zeros((48, 64, 3), np.uint8)
T0 = 5000.0  # the stream's clock does not start at 0


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def processor(library, frames, store_path, **choices):
    ex = library.get("good_morning")
    clock = Clock()
    estimator = playing(frames)
    proc = live.LiveProcessor(ex, SessionPlan.live(ex, **choices), estimator_factory=lambda: estimator,
                              store_factory=lambda: HistoryStore(store_path), clock=clock)
    return proc, clock


def play(proc, clock, frames, until: float | None = None):
    for t, _ in frames:
        if until is not None and t > until:
            break
        clock.now = t
        proc.process(FRAME, T0 + t)


def stored(path):
    with HistoryStore(path) as store:
        return store.sessions()


def test_a_whole_session_runs_itself_and_lands_in_the_history(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    keys = reps(HINGE, STAND, 5) + [Key(0.0, {}, hold_s=4.0)] + reps(HINGE, STAND, 5)
    frames = poses(synth.standing, STAND, keys)
    proc, clock = processor(library, frames, db, target_reps=5, sets=2, rest_s=3.0)
    play(proc, clock, frames)
    snap = proc.snapshot()
    assert snap.session.state == "done" and snap.session.total_reps == 10
    said = [a.text for a in snap.said if a.kind in ("rep", "rest", "next_set", "done")]
    assert said == ["1", "2", "3", "4", "5", "Rest. Next set in 3 seconds.", "Set 2 of 2.",
                    "1", "2", "3", "4", "5", "All sets done: 10 reps. Well done."]
    assert "All sets done" in board.board_html(snap, True)
    (record,) = stored(db)
    assert record.status == FINISHED and record.ended_at and record.source == "live"
    assert [s.rep_count for s in record.sets] == [5, 5] and all(s.completed for s in record.sets)
    assert record.id == snap.session_id and record.planned_sets == 2 and record.target_reps == 5


def test_each_set_is_saved_the_moment_it_ends(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 7))
    proc, clock = processor(library, frames, db, target_reps=5, sets=3)
    play(proc, clock, frames)
    (record,) = stored(db)  # read by another connection, as after a crash
    assert record.status == IN_PROGRESS and [s.rep_count for s in record.sets] == [5]


def test_the_camera_stopping_mid_set_keeps_the_finished_reps(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 5) + [Key(0.0, {}, hold_s=2.0)]
                   + reps(HINGE, STAND, 3))
    proc, clock = processor(library, frames, db, target_reps=5, sets=2, rest_s=0.0)
    play(proc, clock, frames)  # set 1 (5) and three reps of set 2
    first = proc.snapshot().session_id
    proc.on_ended()
    (record,) = stored(db)
    assert record.status == ABANDONED and record.ended_at
    assert [(s.rep_count, s.completed) for s in record.sets] == [(5, True), (3, False)]
    # the summary stays on the page; the next stream starts a new session
    assert "Session ended" in board.board_html(proc.snapshot(), False)
    proc._estimator = playing(poses(synth.standing, STAND, reps(HINGE, STAND, 1)))
    proc.process(FRAME, T0 + 100.0)
    assert proc.snapshot().session_id != first and proc.snapshot().session.state == GETTING_READY


def test_a_stalled_stream_or_closed_tab_saves_the_session_as_abandoned(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 3))
    proc, clock = processor(library, frames, db, target_reps=5, sets=2)
    play(proc, clock, frames)
    clock.now += live.STALL_S - 1
    assert proc.check_stalled() is False
    assert stored(db)[0].status == IN_PROGRESS
    clock.now += 2
    assert proc.check_stalled() is True
    (record,) = stored(db)
    assert record.status == ABANDONED and [s.rep_count for s in record.sets] == [3]


def test_two_tabs_at_once_are_independent_sessions(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    a_frames = poses(synth.standing, STAND, reps(HINGE, STAND, 5))
    b_frames = poses(synth.standing, STAND, reps(HINGE, STAND, 3), lead_s=3.0)
    a, a_clock = processor(library, a_frames, db, target_reps=5, sets=1)
    b, b_clock = processor(library, b_frames, db, target_reps=5, sets=1)
    # each tab's frames arrive on its own worker thread, interleaved
    ta = threading.Thread(target=play, args=(a, a_clock, a_frames))
    tb = threading.Thread(target=play, args=(b, b_clock, b_frames))
    ta.start(), tb.start()
    ta.join(), tb.join()
    b.on_ended()
    by_id = {r.id: r for r in stored(db)}
    assert set(by_id) == {a.snapshot().session_id, b.snapshot().session_id}
    assert by_id[a.snapshot().session_id].status == FINISHED
    assert [s.rep_count for s in by_id[a.snapshot().session_id].sets] == [5]
    assert by_id[b.snapshot().session_id].status == ABANDONED
    assert [s.rep_count for s in by_id[b.snapshot().session_id].sets] == [3]


def test_nothing_is_saved_before_counting_starts(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = poses(synth.standing, HINGE, [Key(0.5, {"lean": 40.0})])  # never in the start position
    proc, clock = processor(library, frames, db)
    play(proc, clock, frames)
    proc.on_ended()
    assert not db.exists() or stored(db) == []


def test_a_broken_history_is_said_and_the_session_goes_on(library, tmp_path):
    ex = library.get("good_morning")
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 5))

    def broken():
        raise HistoryError("The history file x cannot be read: it is damaged.")

    proc = live.LiveProcessor(ex, SessionPlan.live(ex, sets=1), estimator_factory=lambda: playing(frames),
                              store_factory=broken, clock=Clock())
    play(proc, Clock(), frames)
    snap = proc.snapshot()
    assert snap.session.state == "done" and snap.session.total_reps == 5
    assert "not being saved" in snap.history_note and "damaged" in snap.history_note


def test_changing_the_plan_starts_a_new_session_and_keeps_the_old_one(library, tmp_path):
    db = tmp_path / "h.sqlite3"
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 2))
    proc, clock = processor(library, frames, db, target_reps=5, sets=2)
    play(proc, clock, frames)
    old = proc.snapshot().session_id
    ex = library.get("good_morning")
    proc.configure(ex, SessionPlan.live(ex, target_reps=5, sets=2))  # same plan: nothing happens
    assert proc.snapshot().session_id == old
    proc.configure(ex, SessionPlan.live(ex, target_reps=6, sets=2))
    assert proc.snapshot().session_id != old and proc.snapshot().session.target == 6
    (record,) = stored(db)
    assert record.status == ABANDONED and [s.rep_count for s in record.sets] == [2]


# ---- what the browser is given ---------------------------------------------------------------

def test_the_player_gets_ids_unique_per_session_and_the_transcript_shows_times(library, tmp_path):
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 2))
    proc, clock = processor(library, frames, tmp_path / "h.sqlite3")
    play(proc, clock, frames)
    snap = proc.snapshot()
    data = speech.payload(snap.said, snap.session_id, snap.t, muted=False)
    ids = [i["id"] for i in data["items"]]
    assert len(set(ids)) == len(ids) and all(i.startswith(snap.session_id + ":") for i in ids)
    assert [i["text"] for i in data["items"] if i["kind"] == "rep"] == ["1", "2"]
    html = speech.player_html(snap.said, snap.session_id, snap.t, muted=True)
    embedded = html.split('id="pc-said">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded)["muted"] is True
    assert "speechSynthesis" in html and "window.parent" in html
    shown = speech.transcript_html(snap.said)
    ready = library.get("good_morning").cues["ready"]
    assert f"0:01</span> {ready}" in shown
    assert shown.index("</span> 1</li>") < shown.index("</span> 2</li>")


def test_text_that_closes_a_script_cannot_break_out_of_the_player():
    from posecheck.engine.session import Announcement

    nasty = [Announcement("k", "cue", "</script><script>alert(1)</script>", 1.0)]
    html = speech.player_html(nasty, "s", 1.0, muted=False)
    assert html.count("</script>") == 2  # only the two the player itself writes
    assert "&lt;/script&gt;" in speech.transcript_html(nasty)


@pytest.mark.parametrize("fraction,dash", [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)])
def test_the_hold_ring_shrinks_as_the_hold_is_done(fraction, dash):
    import re

    svg = board.ring_svg(fraction)
    circumference = float(re.search(r'stroke-dasharray="([\d.]+)"', svg).group(1))
    offset = float(re.search(r'stroke-dashoffset="([\d.]+)"', svg).group(1))
    assert offset == pytest.approx(dash * circumference, abs=0.1)


def test_the_video_shows_the_count_of_the_set_and_only_the_cues_said(library):
    from posecheck.engine.exercise_engine import ExerciseEngine
    from posecheck.engine.session import Session

    ex = library.get("good_morning")
    engine, session = ExerciseEngine(ex), Session(ex, SessionPlan.live(ex, sets=2, rest_s=2.0))
    said, hidden = [], 0
    keys = reps(HINGE, STAND, 5) + [Key(0.0, {}, hold_s=4.0)] + reps({**HINGE, "knee": 75.0}, STAND, 2)
    for t, pose in poses(synth.standing, STAND, keys):
        state = engine.update(pose, t)
        said += session.update(state).announcements
        shown = live.video_state(state, session.status(t), said)
        assert shown.reps == session.status(t).reps and shown.reps_by_side == {}
        if shown.cue is not None:
            assert shown.cue.message in [a.text for a in said if a.kind == "cue"]
        hidden += state.cue is not None and shown.cue is None
    assert state.reps == 7 and shown.reps == 2
    assert hidden  # the engine's own "ready" (the session says its own a second later)


def test_the_video_says_what_the_board_says_and_no_phase_while_resting(library):
    """During a rest the video said "Reps 0" and "in range" while the board said 5 were done."""
    from posecheck.engine.exercise_engine import ExerciseEngine
    from posecheck.engine.session import COUNTING, REST, Session
    from posecheck.sinks.overlay import Overlay

    ex = library.get("good_morning")
    engine, session = ExerciseEngine(ex), Session(ex, SessionPlan.live(ex, sets=2, rest_s=20.0))
    overlay, said, seen = Overlay(ex), [], set()
    keys = reps(HINGE, STAND, 5) + reps(HINGE, STAND, 2)  # the last two fall into the rest
    for t, pose in poses(synth.standing, STAND, keys):
        state = engine.update(pose, t)
        said += session.update(state).announcements
        status = session.status(t)
        words = live.video_words(overlay, live.video_state(state, status, said), status)
        big = board.board_html(live.LiveSnapshot("good_morning", session=status, t=t), True)
        if status.state == REST:
            assert words.count == f"Rest {int(np.ceil(status.rest_left_s))} s" and words.phase == ""
            assert words.count in big
        elif status.state == COUNTING:
            assert words.count == f"Rep {status.reps} / 5" and words.count in big
        assert words.phase in ("", "ready", "hold", "get into position")  # plain words only
        seen.add(status.state)
    assert {COUNTING, REST} <= seen


def test_the_camera_message_fits_the_moment():
    """After a deliberate Stop the page said "If the browser blocked the camera..."."""
    assert board.camera_message(False, False, False, False) == ("info", board.CAMERA_OFF)
    assert board.camera_message(False, True, False, False) == ("info", board.STOPPED_BY_YOU)
    assert "blocked" not in board.STOPPED_BY_YOU
    assert board.camera_message(True, False, False, False) == ("info", board.STARTING)
    assert board.camera_message(True, False, True, False) is None  # running: nothing to say
    assert board.camera_message(True, False, False, True) == ("warning", board.CAMERA_LOST)


def test_a_stream_that_ends_is_counted_so_the_page_can_tell_a_lost_camera(library, tmp_path):
    proc = live.LiveProcessor(library.get("good_morning"), store_factory=lambda: HistoryStore(tmp_path / "h.sqlite3"))
    assert proc.stream_ends == 0
    proc.on_ended()
    assert proc.stream_ends == 1


def test_a_chosen_gentle_range_counts_small_reps_says_their_range_and_keeps_it(library, tmp_path):
    """A person who chose Gentle hinges 26 deg: each rep counts, the board says the last rep's
    range against the gentle 30, and the history keeps both per rep (issue 12)."""
    from posecheck.engine.ranges import RangeChoice

    db = tmp_path / "h.sqlite3"
    small = {"lean": 28.0, "knee": 15.0}
    frames = poses(synth.standing, STAND, reps(small, STAND, 5, down_s=2.0, hold_s=1.0, up_s=2.0))
    proc, clock = processor(library, frames, db, target_reps=5, sets=1,
                            range_choice=RangeChoice.parse("gentle"))
    play(proc, clock, frames)
    snap = proc.snapshot()
    assert snap.session.total_reps == 5
    assert snap.last_range is not None and snap.last_range[1] == 30.0
    (record,) = stored(db)
    reps_saved = record.sets[0].reps
    assert all(24 <= r.range_deg <= 28 and r.target_deg == 30.0 for r in reps_saved)
    # no "a little further": the person chose a smaller range
    assert not any("further" in a.text for a in snap.said)


def test_the_board_says_the_last_reps_range_against_its_target(library, tmp_path):
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 2))
    proc, clock = processor(library, frames, tmp_path / "h.sqlite3", target_reps=5, sets=1)
    play(proc, clock, frames)
    snap = proc.snapshot()
    html = board.board_html(snap, True)
    assert snap.last_range is not None
    assert f"Range {snap.last_range[0]:.0f} of 60 deg" in html
