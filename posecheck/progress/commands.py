"""`posecheck plan` and `posecheck report`: the plan and the progress report from the command
line (cli.py registers them)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timedelta

from ..argtypes import calendar_date, non_negative_int, positive_int
from ..errors import PosecheckError
from .plan import (DONE, MISSED, ROUTINE, EXERCISE, Plan, PlanError, adherence, make_entry,
                   parse_days, plan_start)
from .plan_file import default_plan_path, load_plan, save_plan

REPORT_FORMATS = ("pdf", "csv", "json")
DEFAULT_REPORT_DAYS = 28  # without --since: the last four weeks, a physiotherapy review's usual span


def _libraries():
    from ..engine.exercises import load_all
    from ..engine.routines import load_routines

    lib = load_all()
    return lib, load_routines(lib)


def _resolve(what: str, lib, routines) -> tuple[str, str]:
    """'routine:ID', 'exercise:ID', or a bare id (a routine's first, then an exercise's)."""
    kind, _, target = what.partition(":") if ":" in what else ("", "", what)
    if kind and kind not in (ROUTINE, EXERCISE):
        raise PlanError(f"--add takes routine:ID, exercise:ID or an id, not {what!r}.")
    if kind in ("", ROUTINE) and target in routines.routines:
        return ROUTINE, target
    if kind in ("", EXERCISE) and target in lib.exercises:
        return EXERCISE, target
    known = ", ".join(sorted(routines.routines)) + "; exercises: " + ", ".join(sorted(lib.exercises))
    raise PlanError(f"No {kind or 'routine or exercise'} is called {target!r}. Routines: {known}.")


def _names(plan: Plan, lib, routines) -> dict:
    from .ics import event_texts

    return event_texts(plan, lib, routines)


def _records():
    from ..sinks.history_store import HistoryStore

    with HistoryStore() as store:
        return store.sessions()


def cmd_plan(args: argparse.Namespace) -> int:
    path = default_plan_path()
    plan = load_plan(path)
    lib, routines = _libraries()
    changed = False
    if args.add:
        if not args.at:
            raise PlanError("--add needs --at with the times of day, e.g. --at 10:30 15:00.")
        kind, target = _resolve(args.add, lib, routines)
        plan = plan.adding(make_entry(kind, target, parse_days(args.days), args.at, date.today()))
        changed = True
    if args.remove is not None:
        plan = plan.removing(args.remove - 1)
        changed = True
    if args.reminder is not None:
        plan = Plan(plan.entries, args.reminder)
        changed = True
    if changed:
        save_plan(plan, path)
    if args.ics:
        from .ics import plan_to_ics

        if not plan.entries:
            raise PlanError("The plan is empty: add to it first (posecheck plan --add ...).")
        text = plan_to_ics(plan, _names(plan, lib, routines))
        if args.ics == "-":
            sys.stdout.write(text)
            return 0
        if not args.ics.lower().endswith(".ics"):
            raise PosecheckError(f"--ics must end with .ics: {args.ics}")
        with open(args.ics, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"Wrote {args.ics}: {sum(len(e.times) for e in plan.entries)} repeating events "
              f"with a reminder {plan.reminder_minutes} min before. Import it into your calendar app.")
    print_plan(plan, lib, routines, path)
    return 0


def print_plan(plan: Plan, lib, routines, path) -> None:
    if not plan.entries:
        print(f"No plan yet ({path}). Add one, e.g.:\n"
              "  posecheck plan --add desk_break --days weekdays --at 10:30 15:00\n"
              "  posecheck plan --add back_basics --days daily --at 19:00")
        return
    names = _names(plan, lib, routines)
    print(f"Plan ({path}), reminders {plan.reminder_minutes} min before:")
    for i, e in enumerate(plan.entries, start=1):
        name = names[e.key].name if e.key in names else f"{e.target_id} (not available)"
        print(f"  {i}. {name}: {e.days_text()} at {e.times_text()}")
    now = datetime.now()
    try:
        records = _records()
    except PosecheckError as exc:
        print(f"(Adherence not shown: {exc})")
        return
    first = max(plan_start(plan), now.date() - timedelta(weeks=8))
    result = adherence(plan, records, first, now.date(), now)
    today = result.today(now.date())
    if today:
        print("Today:")
        for s in today:
            name = names[s.slot.entry.key].name if s.slot.entry.key in names else s.slot.entry.target_id
            done = f" at {s.done_at:%H:%M}" if s.state == DONE else ""
            print(f"  {s.slot.at:%H:%M} {name}: {s.state}{done}")
    else:
        print("Nothing planned today.")
    for w in result.weeks[-4:]:
        print(f"  week of {w.week_start:%a %d %b}: {w.done} of {w.planned} done")
    share = "-" if result.share is None else f"{100 * result.share:.0f}%"
    print(f"Since {first:%d %b}: {result.done} of {result.planned} planned moments done ({share}); "
          f"streak {result.streak_days} day{'s' if result.streak_days != 1 else ''}; "
          f"missed {sum(s.state == MISSED for s in result.statuses)}.")


def report_format(output: str, given: str | None) -> str:
    if given:
        return given
    suffix = os.path.splitext(output)[1].lower().lstrip(".")
    if suffix in REPORT_FORMATS:
        return suffix
    raise PosecheckError(f"-o must end with .pdf, .csv or .json (or give --format): {output}")


def cmd_report(args: argparse.Namespace) -> int:
    from .report_data import build_report

    until = args.until or date.today()
    since = args.since or until - timedelta(days=DEFAULT_REPORT_DAYS - 1)
    if until < since:
        raise PosecheckError(f"--until ({until}) is before --since ({since}).")
    fmt = report_format(args.output, args.format)
    if args.output == "-" and fmt == "pdf":
        raise PosecheckError("A PDF is written to a file: give -o REPORT.pdf.")
    if args.output != "-":
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            raise PosecheckError(f"Cannot write {args.output}: the folder {folder} does not exist.")
    lib, routines = _libraries()
    try:
        plan = load_plan()
    except PlanError as exc:  # the report is still worth having without the plan
        print(f"posecheck: warning: the report leaves the plan out: {exc}", file=sys.stderr)
        plan = None
    data = build_report(_records(), since, until, lib, routines, plan)
    if fmt == "pdf":
        from .report_pdf import render_pdf

        payload: bytes | str = render_pdf(data)
    else:
        from .report_export import report_csv, report_json

        payload = report_csv(data) if fmt == "csv" else report_json(data)
    if args.output == "-":
        sys.stdout.write(payload)
        return 0
    mode = "wb" if isinstance(payload, bytes) else "w"
    with open(args.output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as fh:
        fh.write(payload)
    n = len(data.sessions)
    print(f"Wrote {args.output}: {since:%d %b %Y} to {until:%d %b %Y}, {n} "
          f"session{'s' if n != 1 else ''}, {data.total_reps} reps. Not a medical assessment.")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("plan", help="show or change your plan; export it as a calendar file")
    p.add_argument("--add", metavar="ROUTINE|EXERCISE",
                   help="add a routine or exercise (an id, or routine:ID / exercise:ID)")
    p.add_argument("--days", default="daily", metavar="weekdays|weekends|daily|MO,WE,FR",
                   help="with --add: which days (default: daily)")
    p.add_argument("--at", nargs="+", metavar="HH:MM", help="with --add: the times of day")
    p.add_argument("--remove", type=positive_int, metavar="N", help="remove entry N (as listed)")
    p.add_argument("--reminder", type=non_negative_int, metavar="MIN",
                   help="the calendar's alarm, this many minutes before (default 10)")
    p.add_argument("--ics", metavar="PLAN.ics",
                   help="write the plan as an iCalendar file (repeating events with a reminder) "
                        "for any calendar app; - for stdout")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("report", help="a progress report for you and your physiotherapist "
                                      "(PDF, CSV or JSON)")
    p.add_argument("--since", type=calendar_date, metavar="YYYY-MM-DD",
                   help=f"the first day (default: {DEFAULT_REPORT_DAYS} days up to --until)")
    p.add_argument("--until", type=calendar_date, metavar="YYYY-MM-DD",
                   help="the last day, included (default: today)")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.pdf|.csv|.json",
                   help="where to write it (- for stdout, CSV or JSON only)")
    p.add_argument("--format", choices=REPORT_FORMATS,
                   help="pdf, csv (one row per session) or json (everything); default: from -o")
    p.set_defaults(func=cmd_report)
