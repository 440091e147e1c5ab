"""The History section of the page (AppTest, history file under tmp_path) and the pure
functions that shape it."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from datetime import datetime, timezone

import pytest
from test_app import APP, texts
from test_history import make_session, make_set, record_live
from streamlit.testing.v1 import AppTest

from posecheck.sinks.history_store import HistoryStore
from posecheck.engine.records import ABANDONED, INTERRUPTED, RepSummary, SetRecord
from posecheck.web import history_page as hv


@pytest.fixture
def history_file(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("POSECHECK_HISTORY", str(path))
    return path


@pytest.fixture
def three_sessions(history_file):
    """A finished hip hinge, an abandoned good morning, and a hip hinge whose process died."""
    with HistoryStore(history_file) as store:
        record_live(store, make_session(1, sets=[make_set(1, 8), make_set(2, 8, faulty=2),
                                                 make_set(3, 5)]))
        record_live(store, make_session(2, "good_morning", sets=[make_set(1, 3)]), ABANDONED)
        dead = make_session(3, sets=[make_set(1, 6, faulty=6)])
        store.start_session(dead)
    db = sqlite3.connect(history_file)  # as if the server had been killed mid-session
    db.execute("UPDATE sessions SET writer = ? WHERE id = ?",
               (f"{socket.gethostname()} 999999999 gone", dead.id))
    db.commit()
    db.close()
    return history_file


def open_history() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["mode"] = "History"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored_ids(path) -> list[str]:
    with HistoryStore(path) as store:
        return [s.id for s in store.sessions()]


def test_empty_history_says_so_and_where_it_lives(history_file):
    at = open_history()
    assert hv.EMPTY_TEXT in texts(at)
    assert str(history_file) in texts(at)
    assert not at.dataframe and not at.get("vega_lite_chart")


def test_sessions_are_listed_with_charts_and_a_download(three_sessions):
    at = open_history()
    table = at.dataframe[0].value
    assert list(table["Status"]) == ["interrupted", "stopped early", "finished"]
    assert list(table["Reps per set"]) == ["6", "3", "8, 8, 5"]
    assert list(table["Sets"]) == ["1 of 3", "1 of 3", "3 of 3"]
    assert table["Faults"].iloc[2] == "shallow x2, too fast x2, not visible x1"
    assert table["Faults"].iloc[1] == "none"
    assert len(at.get("vega_lite_chart")) == 1
    labels = [b.label for b in at.get("download_button")]
    assert any("CSV" in label for label in labels)
    assert str(three_sessions) in texts(at) and "never video" in texts(at)


def test_choosing_an_exercise_narrows_the_list(three_sessions):
    at = open_history()
    at.selectbox(key="history_exercise").set_value("good_morning").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Exercise"]) == ["Good Morning"] and len(at.get("vega_lite_chart")) == 1


def test_deleting_one_session_asks_first(three_sessions):
    at = open_history()
    at.selectbox(key="history_pick").set_value("s00002").run()
    at.button(key="history_delete_one").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert stored_ids(three_sessions) == ["s00003", "s00002", "s00001"]  # nothing yet
    at.button(key="history_cancel").click().run()
    assert not any("cannot be undone" in w.value for w in at.warning)
    assert len(stored_ids(three_sessions)) == 3
    at.button(key="history_delete_one").click().run()
    at.button(key="history_yes").click().run()
    assert not at.exception
    assert stored_ids(three_sessions) == ["s00003", "s00001"]
    assert "The session was deleted." in texts(at)
    assert len(at.dataframe[0].value) == 2


def test_deleting_everything_asks_first_then_empties(three_sessions):
    at = open_history()
    at.button(key="history_delete_all").click().run()
    assert any("Delete all 3 sessions" in w.value for w in at.warning)
    assert len(stored_ids(three_sessions)) == 3
    at.button(key="history_yes").click().run()
    assert not at.exception
    assert stored_ids(three_sessions) == []
    assert hv.EMPTY_TEXT in texts(at) and "All sessions were deleted." in texts(at)


def test_an_unreadable_history_is_a_sentence_and_stays(history_file):
    history_file.write_bytes(b"not a database\n" * 100)
    before = hashlib.sha256(history_file.read_bytes()).hexdigest()
    at = open_history()
    assert len(at.error) == 1
    assert "left it untouched" in at.error[0].value and "Traceback" not in at.error[0].value
    assert hashlib.sha256(history_file.read_bytes()).hexdigest() == before


# ---- the pure functions ------------------------------------------------------------------

def test_progress_numbers_per_session(three_sessions):
    with HistoryStore(three_sessions) as store:
        records = store.sessions()
    assert records[0].status == INTERRUPTED
    frame = hv.progress_frame(records)
    assert list(frame["exercise"]) == ["Hip Hinge", "Good Morning", "Hip Hinge"]  # oldest first
    assert list(frame["reps"]) == [21, 3, 6]
    assert frame["fault_pct"].tolist() == pytest.approx([100 * 2 / 21, 0.0, 100.0])
    # the range is each rep's excursion from the person's start, not the angle's extreme
    first = [r.range_deg for s in records[2].sets for r in s.reps]
    assert frame["range_deg"].iloc[0] == pytest.approx(sum(first) / len(first))
    assert frame["target_deg"].iloc[0] == 45.0


def test_sided_sets_and_sessions_without_reps():
    rep = RepSummary(index=1, side="left", peak_deg=50.0, hold_s=1.0, duration_s=3.0,
                     range_deg=40.0, target_deg=30.0)
    left = SetRecord(index=1, side="left", target_reps=6, reps=(rep,), partial_reps=0,
                     started_s=0.0, ended_s=9.0, completed=False)
    right = SetRecord(index=2, side="right", target_reps=6, reps=(), partial_reps=2,
                      started_s=20.0, ended_s=29.0, completed=False,
                      fault_counts={"not_visible": 2})
    rec = make_session(4, "quadruped_hip_lift", side="both", sets=[left, right])
    assert hv.reps_per_set_text(rec) == "1 L, 0 R"
    assert hv.faults_text(rec) == "not visible x2"
    empty = make_session(5)
    assert hv.average_range(empty) is None and hv.fault_rate(empty) is None
    assert hv.reps_per_set_text(empty) == "-"
    frame = hv.progress_frame([rec, empty])
    assert frame["range_deg"].isna().tolist() == [False, True]
    # a session saved before ranges were measured has no range to plot, not a made-up one
    old = make_session(6, sets=[SetRecord(index=1, side=None, target_reps=6, partial_reps=0,
                                          reps=(RepSummary(1, None, 50.0, 1.0, 3.0),),
                                          started_s=0.0, ended_s=9.0, completed=False)])
    assert hv.average_range(old) is None
    assert len(hv.progress_chart([rec, empty]).hconcat) == 3


def test_dates_are_shown_in_local_time():
    rec = make_session(1)
    rec.started_at = "2025-03-02T10:15:00Z"
    when = hv.started(rec)
    assert when == datetime(2025, 3, 2, 10, 15, tzinfo=timezone.utc)  # the same instant
    assert when.utcoffset() == datetime(2025, 3, 2, 10, 15).astimezone().utcoffset()
    assert hv.date_text(rec) == when.strftime("%Y-%m-%d %H:%M")


def test_the_chart_names_each_session_by_the_time_the_table_shows(three_sessions):
    """A time axis picked its own ticks (":48"; "11:39, :30, 11:40" in 12-hour time beside a
    table saying 23:38): the chart's x values are now the table's own Date texts."""
    with HistoryStore(three_sessions) as store:
        records = store.sessions()
    table = [row["Date"] for row in hv.session_rows(records)]
    spec = hv.progress_chart(records).to_dict()
    whens = {row["when"] for data in spec["datasets"].values() for row in data}
    assert sorted(whens) == sorted(table)
    charts = [layer for panel in spec["hconcat"] for layer in panel.get("layer", [panel])]
    assert len(charts) == 4  # three panels, the range one with its dashed target
    assert all(chart["encoding"]["x"]["field"] == "when" for chart in charts)
    assert all(":" in t and len(t.split()[-1]) == 5 for t in table)  # 24-hour HH:MM


def test_the_side_column_is_left_out_when_no_session_has_a_side(three_sessions):
    with HistoryStore(three_sessions) as store:
        records = store.sessions()
    assert "Side" not in hv.session_rows(records)[0]
    rec = make_session(4, "quadruped_hip_lift", side="both", sets=[])
    assert hv.session_rows([rec])[0]["Side"] == "both"


def test_a_routines_runs_show_its_progress_over_days(history_file):
    """Back basics done on two days: History offers the routine, lists each run with its
    exercises and reps, newest first, and tags its sessions in the table."""
    n = 10
    with HistoryStore(history_file) as store:
        for day, (run, reps) in enumerate([("runA", 5), ("runB", 7)]):
            for ex in ("lumbar_extension", "good_morning"):
                n += 1
                rec = make_session(n, ex, sets=[make_set(1, reps)], routine_id="back_basics",
                                   routine_run=run)
                rec.started_at = f"2025-04-0{day + 1}T09:{n:02d}:00Z"
                record_live(store, rec)
        record_live(store, make_session(30, sets=[make_set(1, 8)]))  # a hip hinge on its own
        records = store.sessions()
        assert {r.routine_run for r in records} == {"runA", "runB", None}
    rows = hv.routine_run_rows(records, "back_basics")
    assert [(r["Reps"], r["Finished"]) for r in rows] == [(14, "2 of 2"), (10, "2 of 2")]
    assert rows[0]["Exercises"] == "Lumbar Extension 7, Good Morning 7"
    at = open_history()
    box = at.selectbox(key="history_exercise")
    assert "Routine: Back basics" in box.options
    box.set_value("routine:back_basics").run()
    assert not at.exception
    assert "Runs of Back basics" in texts(at)
    tables = [df.value for df in at.dataframe]
    assert list(tables[0]["Reps"]) == [14, 10]
    assert set(tables[1]["Routine"]) == {"Back basics"} and len(tables[1]) == 4
