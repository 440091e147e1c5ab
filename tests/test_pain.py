"""Pain check-ins (issue 16): the safety rule, the history's v5 migration, ratings stored and
read back, and deleted with their session."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from test_history import make_session, make_set, record_live

from posecheck.engine import pain
from posecheck.engine.pain import AFTER, BEFORE, DURING, baseline, safety_message, safety_stop
from posecheck.engine.records import ABANDONED, FINISHED
from posecheck.errors import HistoryError
from posecheck.sinks import history_store as history
from posecheck.sinks.history_store import HistoryStore

# ---- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("before, rating", [(3, 5), (0, 2), (4, 6), (5, 9), (None, 7), (2, 7),
                                            (8, 8), (None, 10), (0, 10)])
def test_the_safety_stop_fires_on_a_rise_of_two_or_on_seven_and_more(before, rating):
    assert safety_stop(before, rating)


@pytest.mark.parametrize("before, rating", [(3, 4), (0, 1), (5, 6), (None, 6), (None, 0),
                                            (6, 6), (6, 5), (4, None), (None, None), (9, None),
                                            (3, 3), (5, 0)])
def test_the_safety_stop_does_not_fire_otherwise(before, rating):
    """A rise of 1, a 6 without a before, the same or less pain, a skipped rating."""
    assert not safety_stop(before, rating)


def test_a_rise_is_measured_from_the_before_else_the_first_rating_given():
    assert baseline(3, [5, 1]) == 3
    assert baseline(None, [None, 4, 2]) == 4  # skipped before: the first rating given
    assert baseline(None, []) is None
    # skipped the question, then said 3, later 5: the pain rose by 2
    assert safety_stop(baseline(None, [3]), 5)
    assert not safety_stop(baseline(None, [3]), 4)


def test_the_safety_message_says_what_was_seen_and_what_to_do_without_scolding():
    rise = safety_message(DURING, 3, 5)
    assert "from 3 to 5" in rise and "physiotherapist or doctor" in rise and "rest" in rise
    assert "saved" in rise
    severe = safety_message(BEFORE, None, 8)
    assert "8 out of 10" in severe and "not exercise now" in severe
    assert "after this session" in safety_message(AFTER, 2, 7)
    for text in (rise, severe, safety_message(AFTER, 2, 7)):
        low = text.lower()
        assert not any(w in low for w in ("should have", "you must", "wrong", "fault", "!"))


@pytest.mark.parametrize("bad", [-1, 11, 2.5, "3", True])
def test_a_rating_outside_0_to_10_is_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        pain.check_score(bad)


# ---- the history ----------------------------------------------------------------------------

def v4_file(path, records) -> None:
    """A history as today's (v4) posecheck writes it: the schema from the first four
    migrations, the sessions, sets and reps in the v4 columns."""
    db = sqlite3.connect(path)
    for step in history.MIGRATIONS[:4]:
        for statement in step:
            db.execute(statement)
    for r in records:
        db.execute("INSERT INTO sessions (id, started_at, ended_at, exercise_id, exercise_name,"
                   " side, planned_sets, target_reps, status, writer, source, routine_id,"
                   " routine_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                   (r.id, r.started_at, r.ended_at, r.exercise_id, r.exercise_name, r.side,
                    r.planned_sets, r.target_reps, r.status, r.source, r.routine_id,
                    r.routine_run))
        for s in r.sets:
            db.execute("INSERT INTO sets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (r.id, s.index, s.side, s.target_reps, s.partial_reps, s.started_s,
                        s.ended_s, int(s.completed), json.dumps(s.fault_counts)))
            for rep in s.reps:
                db.execute("INSERT INTO reps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (r.id, s.index, rep.index, rep.side, rep.peak_deg, rep.hold_s,
                            rep.duration_s, json.dumps(list(rep.faults)), rep.range_deg,
                            rep.target_deg))
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()


def test_a_v4_history_is_upgraded_in_place_and_keeps_every_session(tmp_path):
    path = tmp_path / "v4.sqlite3"
    records = []
    for n in range(40):
        rec = make_session(n, "good_morning" if n % 3 else "hip_hinge",
                           sets=[make_set(1, 8, faulty=n % 3), make_set(2, n % 8)],
                           routine_id="back_basics" if n % 5 == 0 else None,
                           routine_run=f"run{n // 10}" if n % 5 == 0 else None)
        rec.status, rec.ended_at = (FINISHED if n % 4 else ABANDONED), "2025-03-01T11:00:00Z"
        records.append(rec)
    v4_file(path, records)
    with HistoryStore(path) as store:
        got = {r.id: r for r in store.sessions()}
        assert len(got) == 40
        for rec in records:  # every field as it was; never asked about pain
            assert got[rec.id] == rec
            assert got[rec.id].pain_before is None and got[rec.id].pain_after is None
            assert got[rec.id].pain_during == () and not got[rec.id].stopped_for_pain
        # the upgraded file takes check-ins at once
        store.record_pain(records[0].id, BEFORE, 4)
        assert store.get(records[0].id).pain_before == 4
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION == 5
    db.close()


def test_check_ins_are_stored_and_read_back(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        rec = make_session(1, sets=[make_set(1, 8)])
        rec.pain_before = 3  # the "before" rides on the session's first write
        store.start_session(rec)
        store.record_pain(rec.id, DURING, 4)
        store.record_pain(rec.id, DURING, 5, stopped=True)
        store.record_pain(rec.id, AFTER, 5)
        store.end_session(rec.id, ABANDONED, "2025-03-01T11:00:00Z")
        quiet = make_session(2, sets=[make_set(1, 8)])
        record_live(store, quiet)
        store.record_pain(quiet.id, AFTER, 1)
        store.record_pain(quiet.id, AFTER, 0)  # a second answer replaces the first
    with HistoryStore(path) as store:  # after a reopen
        got = store.get(rec.id)
        assert (got.pain_before, got.pain_during, got.pain_after) == (3, (4, 5), 5)
        assert got.stopped_for_pain and got.status == ABANDONED
        other = store.get(quiet.id)
        assert (other.pain_before, other.pain_during, other.pain_after) == (None, (), 0)
        assert not other.stopped_for_pain
        rows = list(csv.DictReader(io.StringIO(store.export_csv())))
        with pytest.raises(HistoryError, match="not in the history"):
            store.record_pain("gone", AFTER, 2)
        for bad in (11, -1, None):
            with pytest.raises(ValueError):
                store.record_pain(rec.id, AFTER, bad)
        with pytest.raises(ValueError):
            store.record_pain(rec.id, "tomorrow", 2)
    first = [r for r in rows if r["session_id"] == rec.id]
    assert {(r["pain_before"], r["pain_after"], r["pain_during"], r["stopped_for_pain"])
            for r in first} == {("3", "5", "4;5", "1")}
    assert {(r["pain_before"], r["pain_after"]) for r in rows if r["session_id"] == quiet.id} \
        == {("", "0")}


def test_a_reviewed_video_saved_whole_keeps_its_ratings(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        rec = make_session(1, sets=[make_set(1, 2)], status=FINISHED, pain_before=2,
                           pain_after=1, pain_during=(3,))
        store.save(rec)
        assert store.get(rec.id) == rec


def test_deleting_a_session_deletes_its_pain_scores(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        for n in (1, 2):
            rec = make_session(n, sets=[make_set(1, 3)])
            record_live(store, rec)
            store.record_pain(rec.id, BEFORE, 2 + n)
            store.record_pain(rec.id, DURING, 6 + n, stopped=True)
            store.record_pain(rec.id, AFTER, 3 + n)
        store.delete("s00001")
        assert [(r.id, r.pain_before) for r in store.sessions()] == [("s00002", 4)]
        store.delete_all()
        assert store.sessions() == []
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM sessions WHERE pain_before IS NOT NULL"
                      " OR pain_after IS NOT NULL OR pain_during IS NOT NULL").fetchone()[0] == 0
    db.close()
    # secure_delete and the checkpoint leave no trace of the ratings in the files either
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"[7]" not in leftovers and b"[8]" not in leftovers


# ---- the History section ----------------------------------------------------------------------

def test_history_rows_and_chart_carry_pain_before_and_after():
    from posecheck.web import history_page as hv

    calm = make_session(1, sets=[make_set(1, 8)], pain_before=4, pain_after=2)
    stopped = make_session(2, sets=[make_set(1, 3)], pain_before=3, pain_after=6,
                           pain_during=(4, 6), stopped_for_pain=True, status=ABANDONED)
    never = make_session(3, sets=[make_set(1, 8)])
    records = [never, stopped, calm]  # newest first, as the store gives them
    rows = hv.session_rows(records)
    assert [(r["Pain before"], r["Pain after"], r["Pain during"]) for r in rows] == [
        (None, None, ""), (3, 6, "4, 6"), (4, 2, "")]
    assert rows[1]["Status"] == "stopped for pain"
    assert "Pain before" not in hv.session_rows([never])[0]  # nobody asked: no columns
    frame = hv.pain_frame(records)
    assert list(zip(frame["moment"], frame["pain"])) == [("before", 4), ("after", 2),
                                                         ("before", 3), ("after", 6)]
    spec = hv.pain_chart(records).to_dict()["hconcat"][0]
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 10]
    assert hv.pain_chart([never]) is None


def test_the_history_page_shows_the_pain_chart_and_columns(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from test_app import APP, texts

    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("POSECHECK_HISTORY", str(path))
    with HistoryStore(path) as store:
        for n, (before, after) in enumerate(((5, 3), (4, 2)), 1):
            rec = make_session(n, sets=[make_set(1, 8)])
            record_live(store, rec)
            store.record_pain(rec.id, BEFORE, before)
            store.record_pain(rec.id, AFTER, after)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["mode"] = "History"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("vega_lite_chart")) == 2  # progress, and pain
    table = at.dataframe[0].value
    assert list(table["Pain before"]) == [4, 5] and list(table["Pain after"]) == [2, 3]
    # the note on when to see a professional is in the sidebar, on every section
    assert any(e.label == pain.SEE_A_PROFESSIONAL_TITLE for e in at.sidebar.expander)
    assert "bladder" in texts(at)


def test_start_shows_the_scale_and_a_tap_answers_it(tmp_path, monkeypatch):
    """On the page (AppTest, no WebRTC): Start brings the 0-10 scale; one tap answers and the
    scale goes; "It hurts" stands beside Stop and brings it back."""
    from types import SimpleNamespace

    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from posecheck.web import webrtc

    monkeypatch.setenv("POSECHECK_HISTORY", str(tmp_path / "h.sqlite3"))
    monkeypatch.setattr(webrtc, "start_stream", lambda processor, playing, key="live":
                        SimpleNamespace(state=SimpleNamespace(playing=False)))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    keys = {b.key for b in at.button}
    assert "start" in keys and "pain_hurts" not in keys and "pain_3" not in keys
    at.button(key="start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    keys = {b.key for b in at.button}
    assert {f"pain_{n}" for n in range(11)} | {"pain_skip", "stop"} <= keys
    assert pain.QUESTION in "".join(m.value for m in at.markdown)
    at.button(key="pain_3").click().run()
    processor = at.session_state["live_processor"]
    assert processor._pain_before == 3 and processor.snapshot().pain_question is None
    assert "pain_3" not in {b.key for b in at.button}
    at.button(key="pain_hurts").click().run()
    assert processor.snapshot().pain_question == DURING
    assert {b.label for b in at.button if b.key == "pain_skip"} == {"Back"}
    at.button(key="pain_skip").click().run()
    assert processor.snapshot().pain_question is None and processor._pain_before == 3


def test_a_routines_runs_show_the_pain_before_and_after_each_run():
    from posecheck.web import history_page as hv

    def part(n, exercise, run, **pain_scores):
        return make_session(n, exercise, sets=[make_set(1, 5)], routine_id="hinges",
                            routine_run=run, **pain_scores)

    records = [part(4, "hip_hinge", "r2", pain_after=1), part(3, "good_morning", "r2",
                                                              pain_before=3),
               part(2, "hip_hinge", "r1"), part(1, "good_morning", "r1", pain_before=4)]
    rows = hv.routine_run_rows(records, "hinges")
    assert [(r["Pain before"], r["Pain after"]) for r in rows] == [(3, 1), (4, None)]
    unrated = [part(n, "good_morning", f"r{n}") for n in (1, 2)]
    assert "Pain before" not in hv.routine_run_rows(unrated, "hinges")[0]
