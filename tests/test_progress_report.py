"""The progress report: its numbers are the history's, its PDF has every section on pages that
show something (rendered by poppler), and `posecheck report` / `posecheck plan --ics` work
from the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from posecheck.engine.exercises import load_all
from posecheck.engine.records import SOURCE_VIDEO
from posecheck.engine.routines import load_routines
from posecheck.progress.plan import Plan, make_entry
from posecheck.progress.plan_file import save_plan
from posecheck.progress.report_data import NOT_MEDICAL, build_report
from posecheck.progress.report_export import report_csv, report_json
from posecheck.progress.report_pdf import render_pdf
from posecheck.sinks.history_store import HistoryStore
from progress_records import reps, routine_run, session

MONDAY = date(2026, 11, 2)
SUNDAY = MONDAY + timedelta(days=6)
DESK = ["neck_tilt", "shoulder_roll", "spinal_twist"]
SECTIONS = ("Summary", "Plan and how it was kept", "Exercises",
            "Range of motion against target, over time",
            "Most frequent form faults, with posecheck's cue", "Pain before and after, over time",
            "Every session")


def at(day: date, hhmm: str) -> datetime:
    h, m = hhmm.split(":")
    return datetime.combine(day, datetime.min.time()).replace(hour=int(h), minute=int(m))


@pytest.fixture(scope="module")
def libraries():
    lib = load_all()
    return lib, load_routines(lib)


def week_of_sessions() -> list:
    """A week as the history would hold it, with numbers counted by hand below."""
    tue, wed = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    gm = "good_morning"
    return [
        *routine_run("desk_break", DESK, at(MONDAY, "10:35"), pain=(4, 3)),  # 3 x 5 reps
        session(gm, at(MONDAY, "19:05"), [  # 11 reps: no_pause x2, too_fast x1
            reps(5, range_deg=38, target_deg=60, hold_s=0.8, faults={2: ("no_pause",), 4: ("too_fast",)}),
            reps(6, range_deg=44, target_deg=60, hold_s=1.1, faults={1: ("no_pause",)})],
            pain=(5, 4), name="Good morning"),
        session(gm, at(wed, "19:10"), [reps(5, range_deg=50, target_deg=60, hold_s=1.2,
                                            faults={3: ("no_pause",)})], name="Good morning"),
        session("quadruped_hip_lift", at(tue, "08:00"), [reps(4, side="left"), reps(3, side="right")],
                name="Quadruped hip lift"),
        session(gm, at(tue, "12:00"), source=SOURCE_VIDEO, name="Good morning"),  # 5 reps, reviewed
        session(gm, at(SUNDAY + timedelta(days=1), "09:00"), name="Good morning"),  # after the period
        session(gm, at(MONDAY - timedelta(days=1), "09:00"), name="Good morning"),  # before it
    ]


@pytest.fixture
def filled_store(tmp_path):
    """The week in a real history file, read back as the store gives it."""
    path = tmp_path / "history.sqlite3"
    with HistoryStore(path) as store:
        for rec in week_of_sessions():
            store.save(rec)
        return path, store.sessions()


def the_plan() -> Plan:
    return Plan((make_entry("routine", "desk_break", "weekdays", ["10:30", "15:00"], MONDAY),
                 make_entry("exercise", "good_morning", "daily", ["19:00"], MONDAY)))


def test_the_reports_numbers_are_the_historys(filled_store, libraries):
    _, records = filled_store
    lib, routines = libraries
    data = build_report(records, MONDAY, SUNDAY, lib, routines, the_plan(),
                        now=at(SUNDAY + timedelta(days=1), "12:00"))
    assert len(data.sessions) == 7  # 3 desk break + 2 good morning + hip lift + the review
    assert data.live_sessions == 6 and data.active_days == 3
    assert data.total_reps == 15 + 11 + 5 + 7 + 5
    assert data.total_sets == 3 + 2 + 1 + 2 + 1
    by_id = {e.exercise_id: e for e in data.exercises}
    gm = by_id["good_morning"]
    assert (gm.sessions, gm.sets, gm.reps, gm.faulty_reps) == (3, 4, 21, 4)
    # holds: good morning asks for a pause; 5 x 0.8 + 6 x 1.1 + 5 x 1.2 + 5 x 1.0 (the review)
    assert gm.mean_hold_s == pytest.approx((4.0 + 6.6 + 6.0 + 5.0) / 21)
    assert gm.mean_range_deg == pytest.approx((5 * 38 + 6 * 44 + 5 * 50 + 5 * 40) / 21)
    assert gm.mean_target_deg == 60
    assert by_id["neck_tilt"].mean_hold_s is None  # no hold asked: no number that measures nothing
    assert by_id["quadruped_hip_lift"].reps_by_side == {"left": 4, "right": 3}
    faults = {(f.exercise_id, f.code): f for f in data.faults}
    assert {k: f.count for k, f in faults.items()} == {("good_morning", "no_pause"): 3,
                                                       ("good_morning", "too_fast"): 1}
    assert data.faults[0].code == "no_pause"  # the most frequent first
    assert faults[("good_morning", "no_pause")].cue == lib.get("good_morning").cue_for("no_pause")
    # the plan: Mon-Fri 10:30 + 15:00 (10), daily 19:00 (7); kept: Mon 10:30, Mon and Wed 19:00
    a = data.adherence
    assert (a.planned, a.done) == (17, 3)
    assert [(w.week_start, w.planned, w.done) for w in a.weeks] == [(MONDAY, 17, 3)]
    exported = json.loads(report_json(data))
    assert exported["totals"] == {"sessions": 7, "live_sessions": 6, "active_days": 3,
                                  "sets": 9, "reps": 43}
    assert exported["adherence"]["done"] == 3 and exported["note"] == NOT_MEDICAL
    rows = list(csv.DictReader(io.StringIO(report_csv(data))))
    assert len(rows) == 7 and sum(int(r["reps"]) for r in rows) == 43
    assert [r["reps_per_set"] for r in rows if r["exercise_id"] == "quadruped_hip_lift"] == ["4;3"]


def test_pain_before_and_after_are_read_per_session_and_per_routine_run(filled_store, libraries):
    """As the history stores them: the ratings went into the file and came back."""
    _, records = filled_store
    lib, routines = libraries
    data = build_report(records, MONDAY, SUNDAY, lib, routines)
    # the routine run's first exercise holds its before, its last the after
    assert [(p.what, p.before, p.after) for p in data.pain] == [("Desk break", 4, 3),
                                                                ("Good morning", 5, 4)]
    assert [p.when for p in data.pain] == [at(MONDAY, "10:35"), at(MONDAY, "19:05")]
    exported = json.loads(report_json(data))
    assert [(p["before"], p["after"]) for p in exported["pain"]] == [(4, 3), (5, 4)]


def test_a_session_the_safety_stop_ended_says_so_in_the_report(libraries, tmp_path):
    """A physiotherapist reading the report must see that pain ended a session, not just
    "stopped early"."""
    lib, routines = libraries
    stopped = session("good_morning", at(MONDAY, "19:05"), pain=(2, None), status="abandoned")
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        store.save(stopped)
        store.record_pain(stopped.id, "during", 4, stopped=True)
        records = store.sessions()
    data = build_report(records, MONDAY, SUNDAY, lib, routines)
    assert [row.status for row in data.sessions] == ["stopped for pain"]
    assert json.loads(report_json(data))["sessions"][0]["status"] == "stopped for pain"


def test_a_period_without_sessions_or_plan_still_makes_a_report(libraries):
    lib, routines = libraries
    data = build_report([], MONDAY, SUNDAY, lib, routines, Plan())
    assert data.sessions == [] and data.adherence is None
    assert render_pdf(data).startswith(b"%PDF")


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} (Debian's poppler-utils) is missing; .ci/run installs it.")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return found


def pdf_text(pdf: Path) -> str:
    done = subprocess.run([_need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout


def rendered_pages(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run([_need("pdftoppm"), "-r", "50", "-png", str(pdf), str(folder / "page")],
                   check=True, timeout=120)
    return sorted(folder.glob("page-*.png"))


def inked_share(png: Path) -> float:
    """The share of a page's pixels that are not white."""
    from PIL import Image

    grey = Image.open(png).convert("L")
    dark = sum(n for value, n in enumerate(grey.histogram()) if value < 245)
    return dark / (grey.width * grey.height)


def test_the_pdf_has_every_section_on_pages_that_show_something(libraries, tmp_path):
    lib, routines = libraries
    data = build_report(week_of_sessions(), MONDAY, SUNDAY, lib, routines, the_plan(),
                        now=at(SUNDAY + timedelta(days=1), "12:00"))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(data))
    pages = rendered_pages(pdf, tmp_path)
    assert 2 <= len(pages) <= 6
    for png in pages:
        assert inked_share(png) > 0.01, f"{png.name} is nearly blank"
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for heading in SECTIONS:
        assert heading in flat, heading
    assert "Not a medical assessment" in flat
    assert "Period: 02 Nov 2026 to 08 Nov 2026" in flat
    assert "Pause for a second at the bottom." in flat  # the good morning's cue for no_pause
    assert "3 of 17 planned moments (18%)" in flat
    assert "Desk break: weekdays at 10:30, 15:00" in flat
    assert "Quadruped hip lift" in flat and "7 (L 4, R 3)" in flat
    assert "before: 4.5 on average, after: 3.5 (2 check-ins)" in flat
    assert "No pain rating" not in flat


def test_the_pdf_says_so_when_there_is_no_pain_rating(libraries, tmp_path):
    lib, routines = libraries
    data = build_report([session("good_morning", at(MONDAY, "09:00"), name="Good morning")],
                        MONDAY, SUNDAY, lib, routines)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(data))
    flat = " ".join(pdf_text(pdf).split())
    assert "No pain rating was recorded in this period" in flat
    assert "No plan was set for this period" in flat


def posecheck(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "posecheck", *args], capture_output=True,
                          text=True, timeout=180, env={**os.environ, **env})


def test_the_command_line_writes_the_report_and_the_calendar(filled_store, tmp_path):
    history, _ = filled_store
    plan_path = tmp_path / "plan.json"
    save_plan(the_plan(), plan_path)
    env = {"POSECHECK_HISTORY": str(history), "POSECHECK_PLAN": str(plan_path)}
    out = tmp_path / "report.pdf"
    done = posecheck("report", "--since", "2026-11-02", "--until", "2026-11-08", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "7 sessions, 43 reps" in done.stdout and "Not a medical assessment" in done.stdout
    assert out.read_bytes().startswith(b"%PDF")
    flat = " ".join(pdf_text(out).split())
    assert all(heading in flat for heading in SECTIONS)
    done = posecheck("report", "--since", "2026-11-02", "--until", "2026-11-08", "-o", "-",
                     "--format", "json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["totals"]["reps"] == 43
    done = posecheck("report", "--since", "2026-11-02", "--until", "2026-11-08",
                     "-o", str(tmp_path / "r.csv"), env=env)
    assert done.returncode == 0 and len((tmp_path / "r.csv").read_text().splitlines()) == 8
    for bad, says in ((["--since", "2026-11-31"], "YYYY-MM-DD"),
                      (["--since", "2026-11-08", "--until", "2026-11-02"], "before --since"),
                      (["-o", str(tmp_path / "r.txt")], ".pdf, .csv or .json")):
        args = bad if "-o" in bad else bad + ["-o", str(tmp_path / "x.pdf")]
        done = posecheck("report", *args, env=env)
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    ics = tmp_path / "plan.ics"
    done = posecheck("plan", "--ics", str(ics), env=env)
    assert done.returncode == 0, done.stderr
    assert "3 repeating events" in done.stdout and "Desk break: weekdays at 10:30, 15:00" in done.stdout
    icalendar = pytest.importorskip("icalendar")
    events = icalendar.Calendar.from_ical(ics.read_text()).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["posecheck: Desk break"] * 2 + ["posecheck: Good morning"]
    plan_path.write_text("[broken")
    done = posecheck("plan", env=env)
    assert done.returncode == 2 and "cannot be read" in done.stderr and plan_path.read_text() == "[broken"
    done = posecheck("report", "--since", "2026-11-02", "--until", "2026-11-08", "-o", "-",
                     "--format", "json", env=env)  # still made, without the plan, saying so
    assert done.returncode == 0 and json.loads(done.stdout)["adherence"] is None
    assert "leaves the plan out" in done.stderr
