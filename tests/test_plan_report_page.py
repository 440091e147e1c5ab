"""The page's Plan & report section (AppTest; plan and history files under tmp_path): a plan is
made, today's moments show what is done, the calendar file and the report are downloaded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, texts

from posecheck.progress.plan import Plan, make_entry
from posecheck.progress.plan_file import load_plan, save_plan
from posecheck.sinks.history_store import HistoryStore
from progress_records import routine_run, session


@pytest.fixture
def files(tmp_path, monkeypatch):
    plan, history = tmp_path / "plan.json", tmp_path / "history.sqlite3"
    monkeypatch.setenv("POSECHECK_PLAN", str(plan))
    monkeypatch.setenv("POSECHECK_HISTORY", str(history))
    return plan, history


def open_section() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["mode"] = "Plan & report"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def downloads(at: AppTest) -> list:
    return at.get("download_button")


def test_a_plan_is_made_on_the_page_and_kept_in_its_file(files):
    plan_path, _ = files
    at = open_section()
    assert "No plan yet" in texts(at)
    at.radio(key="plan_kind").set_value("routine")
    at.selectbox(key="plan_target").set_value("desk_break")
    at.multiselect(key="plan_days").set_value(["MO", "TU", "WE", "TH", "FR"])
    at.text_input(key="plan_times").set_value("15:00, 10:30")
    button(at, "plan_add").click()
    at.run()
    assert not at.exception
    plan = load_plan(plan_path)
    assert [(e.target_id, e.days_text(), e.times_text()) for e in plan.entries] == \
        [("desk_break", "weekdays", "10:30, 15:00")]
    assert "Desk break" in texts(at) and "weekdays at 10:30, 15:00" in texts(at)
    assert any(".ics" in d.proto.label for d in downloads(at))
    at.text_input(key="plan_times").set_value("25:00")
    button(at, "plan_add").click()
    at.run()
    assert "HH:MM" in texts(at)  # said, not raised
    assert len(load_plan(plan_path).entries) == 1
    button(at, "plan_remove_0").click()
    at.run()
    assert load_plan(plan_path).entries == ()


def test_today_shows_what_is_done_and_the_streak(files):
    plan_path, history = files
    now = datetime.now()
    done_at = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0, second=1))
    save_plan(Plan((make_entry("routine", "desk_break", "daily", [done_at.strftime("%H:%M")],
                               now.date() - timedelta(days=3)),)), plan_path)
    with HistoryStore(history) as store:
        for rec in routine_run("desk_break", ["neck_tilt", "shoulder_roll"], done_at):
            store.save(rec)
    at = open_section()
    page = texts(at)
    assert not at.error
    today = at.dataframe[0].value
    assert list(today["What"]) == ["Desk break"]
    assert today["Status"].iloc[0] == f"✅ done at {done_at:%H:%M}"
    streak = next(m for m in at.metric if m.label == "Streak")
    assert streak.value == "1 day"  # the three days before were missed
    assert "Week by week" in page


def test_a_damaged_plan_file_is_a_sentence_on_the_page(files):
    plan_path, _ = files
    plan_path.write_text("{ not json")
    at = open_section()
    assert any(str(plan_path) in e.value and "untouched" in e.value for e in at.error)
    assert plan_path.read_text() == "{ not json"


def test_the_report_is_made_only_when_asked_and_downloaded(files):
    _, history = files
    now = datetime.now()
    with HistoryStore(history) as store:
        store.save(session("good_morning", now - timedelta(minutes=5), name="Good morning"))
    at = open_section()
    assert not [d for d in downloads(at) if d.key == "report_download"]
    assert "not a medical assessment" in texts(at)
    button(at, "report_make").click()
    at.run()
    assert not at.exception
    made = [d for d in downloads(at) if d.key == "report_download"]
    assert len(made) == 1 and made[0].proto.label.endswith(".pdf")
    assert any("1 session, 5 reps" in s.value for s in at.success)
    at.radio(key="report_format").set_value("CSV (one row per session)")
    button(at, "report_make").click()
    at.run()
    made = [d for d in downloads(at) if d.key == "report_download"]
    assert made[0].proto.label.endswith(".csv")
