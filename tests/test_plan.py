"""The plan: its file, what counts as done (adherence, streak) and its calendar file, read back
by a standard iCalendar parser."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, time, timedelta, timezone

import pytest

from posecheck.engine.exercises import load_all
from posecheck.engine.records import SOURCE_VIDEO
from posecheck.engine.routines import load_routines
from posecheck.progress import plan as plans
from posecheck.progress.ics import event_texts, plan_to_ics
from posecheck.progress.plan import DONE, MISSED, TO_DO, Plan, PlanError, make_entry
from posecheck.progress.plan_file import default_plan_path, load_plan, save_plan
from progress_records import routine_run, session

MONDAY = date(2026, 11, 2)
DESK = ["neck_tilt", "shoulder_roll", "spinal_twist"]


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, plans.parse_time(hhmm))


def the_plan(since: date = MONDAY) -> Plan:
    return Plan((make_entry("routine", "desk_break", "weekdays", ["15:00", "10:30"], since),
                 make_entry("routine", "back_basics", "daily", ["19:00"], since),
                 make_entry("exercise", "glute_bridge", ["MO", "TH"], ["07:45"], since)))


# ---- the file ---------------------------------------------------------------------------------

def test_the_plan_comes_back_from_its_file_private_to_its_owner(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "plan.json"
    monkeypatch.setenv("POSECHECK_PLAN", str(path))
    assert default_plan_path() == path
    assert load_plan() == Plan()  # no file yet: an empty plan
    save_plan(the_plan())
    assert load_plan() == the_plan()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    written = json.loads(path.read_text())
    assert written["entries"][0] == {"kind": "routine", "id": "desk_break",
                                     "days": ["MO", "TU", "WE", "TH", "FR"],
                                     "times": ["10:30", "15:00"], "since": "2026-11-02"}
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]  # no temporary file left


@pytest.mark.parametrize("text, says", [
    ("{not json", "cannot be read"),
    ('{"version": 9, "entries": []}', "version 9"),
    ('{"version": 1, "entries": [{"kind": "routine", "id": "desk_break", "days": ["XX"],'
     ' "times": ["10:30"], "since": "2026-11-02"}]}', "entries[1]: Days are"),
    ('{"version": 1, "entries": [{"kind": "routine", "id": "desk_break", "days": ["MO"],'
     ' "times": ["25:00"], "since": "2026-11-02"}]}', "HH:MM"),
])
def test_a_damaged_plan_file_is_refused_with_a_sentence_and_left_alone(tmp_path, text, says):
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert says in str(caught.value) and str(path) in str(caught.value)
    assert "untouched" in str(caught.value)
    assert path.read_text() == text


def test_an_unwritable_plan_folder_is_a_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PlanError, match="cannot be written"):
        save_plan(the_plan(), blocker / "plan.json")


# ---- adherence ----------------------------------------------------------------------------------

def test_planned_moments_are_kept_by_runs_near_them_on_the_same_day():
    tue, wed, thu = (MONDAY + timedelta(days=n) for n in (1, 2, 3))
    records = [
        *routine_run("desk_break", DESK, at(MONDAY, "10:40")),  # keeps Monday 10:30
        *routine_run("back_basics", ["lumbar_extension", "glute_bridge"], at(MONDAY, "19:30")),
        session("glute_bridge", at(MONDAY, "07:40")),  # an exercise of its own: keeps 07:45
        *routine_run("desk_break", DESK, at(tue, "12:45")),  # 2 h 15 from both: keeps neither
        *routine_run("desk_break", DESK, at(wed, "10:20")),  # two runs near 10:30: one keeps
        *routine_run("desk_break", DESK, at(wed, "11:00")),  # it, the other is 4 h from 15:00
        session("neck_tilt", at(wed, "15:00"), routine=None),  # an exercise, not the routine
        session("glute_bridge", at(thu, "07:50"), source=SOURCE_VIDEO),  # a review: not done
        session("glute_bridge", at(thu, "08:00"), sets=[]),  # no rep: not done
        *routine_run("desk_break", DESK, at(thu, "10:35")),
    ]
    now = at(thu, "16:00")
    result = plans.adherence(the_plan(), records, MONDAY, thu, now)
    states = {(s.slot.day, s.slot.at.strftime("%H:%M"), s.slot.entry.target_id): s.state
              for s in result.statuses}
    assert states[(MONDAY, "10:30", "desk_break")] == DONE
    assert states[(MONDAY, "15:00", "desk_break")] == MISSED
    assert states[(MONDAY, "19:00", "back_basics")] == DONE
    assert states[(MONDAY, "07:45", "glute_bridge")] == DONE
    assert states[(tue, "10:30", "desk_break")] == states[(tue, "15:00", "desk_break")] == MISSED
    assert states[(wed, "10:30", "desk_break")] == DONE
    assert states[(wed, "15:00", "desk_break")] == MISSED
    assert states[(thu, "07:45", "glute_bridge")] == MISSED
    assert states[(thu, "10:30", "desk_break")] == DONE
    assert states[(thu, "15:00", "desk_break")] == TO_DO  # 16:00: still within its 2 hours
    assert states[(thu, "19:00", "back_basics")] == TO_DO
    kept = next(s for s in result.statuses if s.slot.day == wed and s.state == DONE)
    assert kept.done_at == at(wed, "10:20")  # the nearer of the two runs
    # due: Mon-Wed 4+3+3 (glute bridge on Mon only), Thu 07:45 and 10:30; done 3+0+1+1
    assert (result.planned, result.done) == (12, 5)
    assert [(w.week_start, w.planned, w.done) for w in result.weeks] == [(MONDAY, 12, 5)]
    assert [s.slot.at.strftime("%H:%M") for s in result.today(thu)] == ["07:45", "10:30", "15:00", "19:00"]


def test_days_before_an_entry_was_added_are_not_missed():
    plan = the_plan(since=MONDAY + timedelta(days=7))
    result = plans.adherence(plan, [], MONDAY, MONDAY + timedelta(days=6), at(MONDAY + timedelta(days=7), "06:00"))
    assert result.statuses == [] and result.share is None


def test_the_streak_counts_whole_days_back_from_today():
    plan = Plan((make_entry("routine", "back_basics", "daily", ["19:00"], MONDAY),))
    days = [MONDAY + timedelta(days=n) for n in range(6)]
    records = [r for d in days[1:5] for r in routine_run("back_basics", ["glute_bridge"], at(d, "19:10"))]
    # Monday missed, Tuesday-Friday done; Saturday 12:00: tonight's still to do
    result = plans.adherence(plan, records, MONDAY, days[5], at(days[5], "12:00"))
    assert result.streak_days == 4
    # Saturday 22:00 with nothing done: the streak is broken
    result = plans.adherence(plan, records, MONDAY, days[5], at(days[5], "22:00"))
    assert result.streak_days == 0
    weekdays_only = Plan((make_entry("routine", "back_basics", "weekdays", ["19:00"], MONDAY),))
    result = plans.adherence(weekdays_only, records, MONDAY, days[5], at(days[5], "22:00"))
    assert result.streak_days == 4  # nothing planned on Saturday: it does not break it


@pytest.mark.parametrize("days, codes", [
    ("weekdays", ("MO", "TU", "WE", "TH", "FR")), ("daily", plans.DAY_CODES),
    ("weekends", ("SA", "SU")), ("fr, mo", ("MO", "FR")), ("MO,WE,FR", ("MO", "WE", "FR")),
])
def test_days_are_read_in_plain_words_or_day_codes(days, codes):
    assert plans.parse_days(days) == codes


# ---- the calendar file --------------------------------------------------------------------------

def test_the_calendar_file_round_trips_through_a_standard_parser():
    icalendar = pytest.importorskip("icalendar")  # the test extra installs it
    from dateutil.rrule import rrulestr

    lib = load_all()
    routines = load_routines(lib)
    since = date(2026, 3, 25)  # a Wednesday, the week Europe's clocks go forward
    plan = Plan(the_plan(since).entries, reminder_minutes=10)
    text = plan_to_ics(plan, event_texts(plan, lib, routines),
                       stamp=datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["VERSION"]) == "2.0" and "posecheck" in str(cal["PRODID"])
    assert not cal.walk("VTIMEZONE")  # floating times: no zone to carry
    events = cal.walk("VEVENT")
    by_name = {}
    for ev in events:
        by_name.setdefault(str(ev["SUMMARY"]), []).append(ev)
    assert sorted(by_name) == ["posecheck: Back basics", "posecheck: Desk break",
                               "posecheck: Glute bridge (lying waist lift)"]
    desk = sorted(by_name["posecheck: Desk break"], key=lambda e: e.decoded("DTSTART"))
    assert [e.decoded("DTSTART") for e in desk] == [datetime(2026, 3, 25, 10, 30),
                                                   datetime(2026, 3, 25, 15, 0)]
    for ev in events:
        start = ev.decoded("DTSTART")
        assert start.tzinfo is None and "TZID" not in ev["DTSTART"].params  # floating
        assert ev.decoded("DURATION") == timedelta(minutes=15)
        alarms = ev.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(minutes=-10)
    assert {str(e["UID"]) for e in events}.__len__() == len(events) == 4
    rule = desk[0]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    # the recurrence, expanded by dateutil: weekdays only, 10:30 on the wall clock before and
    # after the clocks change on Sunday 29 March
    occurrences = list(rrulestr(rule.to_ical().decode(), dtstart=desk[0].decoded("DTSTART"))
                       .between(datetime(2026, 3, 25), datetime(2026, 4, 4), inc=True))
    assert [o.date() for o in occurrences] == [date(2026, 3, d) for d in (25, 26, 27, 30, 31)] + \
        [date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3)]
    assert {o.time() for o in occurrences} == {time(10, 30)}
    glute = by_name["posecheck: Glute bridge (lying waist lift)"][0]
    assert glute.decoded("DTSTART") == datetime(2026, 3, 26, 7, 45)  # the first Thursday
    assert glute["RRULE"]["BYDAY"] == ["MO", "TH"]
    description = str(desk[0]["DESCRIPTION"])
    assert "Neck tilt" in description and "Stop if it hurts" in description


def test_the_command_line_adds_and_removes_plan_entries(tmp_path, monkeypatch, capsys):
    from posecheck.cli import main

    path = tmp_path / "plan.json"
    monkeypatch.setenv("POSECHECK_PLAN", str(path))
    monkeypatch.setenv("POSECHECK_HISTORY", str(tmp_path / "history.sqlite3"))
    assert main(["plan"]) == 0 and "No plan yet" in capsys.readouterr().out
    assert main(["plan", "--add", "desk_break", "--days", "weekdays", "--at", "15:00", "10:30"]) == 0
    assert main(["plan", "--add", "exercise:glute_bridge", "--days", "MO,TH", "--at", "07:45",
                 "--reminder", "5"]) == 0
    out = capsys.readouterr().out
    assert "1. Desk break: weekdays at 10:30, 15:00" in out
    assert "2. Glute bridge (lying waist lift): Mon, Thu at 07:45" in out
    assert "reminders 5 min before" in out
    plan = load_plan(path)
    assert [e.key for e in plan.entries] == [("routine", "desk_break"), ("exercise", "glute_bridge")]
    assert plan.entries[0].since == date.today() and plan.reminder_minutes == 5
    assert main(["plan", "--remove", "1"]) == 0
    assert [e.target_id for e in load_plan(path).entries] == ["glute_bridge"]
    for bad, says in ((["--remove", "5"], "no entry 5"), (["--add", "desk_break"], "--at"),
                      (["--add", "routine:glute_bridge", "--at", "10:00"], "No routine is called"),
                      (["--add", "desk_break", "--days", "funday", "--at", "10:00"], "Days are")):
        assert main(["plan", *bad]) == 2
        assert says in capsys.readouterr().err
    assert [e.target_id for e in load_plan(path).entries] == ["glute_bridge"]


def test_long_and_non_ascii_words_fold_without_breaking_a_character():
    icalendar = pytest.importorskip("icalendar")
    from posecheck.progress.ics import EventText

    plan = Plan((make_entry("routine", "ruecken", "daily", ["07:00"], MONDAY),))
    words = "Rücken, Schultern; Nacken – " * 12 + "\\ fin"
    text = plan_to_ics(plan, {("routine", "ruecken"): EventText("Rückenübung", words)})
    raw = text.encode("utf-8")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no line ends inside a character
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "posecheck: Rückenübung"
    assert str(event["DESCRIPTION"]).startswith(words)
