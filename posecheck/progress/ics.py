"""The plan as an iCalendar file (RFC 5545) that any calendar app imports: reminders without a
server. Pure: a Plan in, the file's text out.

One VEVENT per planned time of each entry, repeating weekly on its days (RRULE FREQ=WEEKLY;
BYDAY=...), with a VALARM `reminder_minutes` before. Times are *floating* (RFC 5545 3.3.5: a
local time with no TZID): a 10:30 desk break rings at 10:30 wherever the person is, and stays
at 10:30 across daylight-saving changes, which is what a moment of their day means; the plan
and its adherence (plan.py) use the same wall-clock times. A TZID would pin it to one zone and
move it by hours when they travel. UIDs are stable (the entry and the time), so importing the
file again updates the events instead of doubling them in apps that honour UIDs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .plan import DAY_CODES, ROUTINE, Plan, PlanEntry

PRODID = "-//posecheck//plan//EN"
# the calendar block: long enough for a routine of three exercises (desk break ~5 min,
# back basics ~15 min), short enough not to hide a day's other events
EVENT_MINUTES = 15
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than 75 octets are folded


@dataclass(frozen=True)
class EventText:
    """What an entry's events say: its name and a short description (its exercises)."""
    name: str
    description: str = ""


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (UTF-8), never inside a character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > LINE_OCTETS:
            out.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def first_day(entry: PlanEntry) -> date:
    """The first day on or after the entry's start that is one of its days: DTSTART must be an
    occurrence of the RRULE (RFC 5545 3.8.5.3)."""
    day = entry.since
    while DAY_CODES[day.weekday()] not in entry.days:
        day += timedelta(days=1)
    return day


def _uid(entry: PlanEntry, at) -> str:
    return f"{entry.kind}-{entry.target_id}-{at.strftime('%H%M')}-{''.join(entry.days)}@posecheck"


def plan_to_ics(plan: Plan, texts: dict[tuple[str, str], EventText],
                stamp: datetime | None = None) -> str:
    """The iCalendar text of the plan. `texts` words each entry (by PlanEntry.key); `stamp` is
    DTSTAMP (default: now, UTC)."""
    stamp = (stamp or datetime.now(timezone.utc)).astimezone(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:posecheck plan"]
    for entry in plan.entries:
        text = texts.get(entry.key) or EventText(entry.target_id.replace("_", " "))
        start_day = first_day(entry)
        for at in entry.times:
            start = datetime.combine(start_day, at)
            summary = f"posecheck: {text.name}"
            description = "\n".join(part for part in (
                text.description, "Not a medical device. Stop if it hurts.") if part)
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_uid(entry, at)}",
                f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
                f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}",  # floating: no TZID, no Z
                f"DURATION:PT{EVENT_MINUTES}M",
                f"RRULE:FREQ=WEEKLY;BYDAY={','.join(entry.days)}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(description)}",
                "TRANSP:TRANSPARENT",  # a reminder, not a meeting: others still see you free
            ]
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_escape(summary)}",
                f"TRIGGER:-PT{plan.reminder_minutes}M" if plan.reminder_minutes else "TRIGGER:PT0S",
                "END:VALARM",
            ]
            lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def event_texts(plan: Plan, exercises, routines) -> dict[tuple[str, str], EventText]:
    """Each entry's name and what it holds, from the exercise and routine libraries (an entry
    whose routine or exercise is not there keeps its id as its name)."""
    out = {}
    for entry in plan.entries:
        if entry.kind == ROUTINE and entry.target_id in routines.routines:
            routine = routines.routines[entry.target_id]
            parts = []
            for step in routine.steps:
                ex = exercises.exercises.get(step.exercise_id)
                reps = (f"{step.reps_min}" if step.reps_min == step.reps_max
                        else f"{step.reps_min}-{step.reps_max}")
                parts.append(f"{ex.name if ex else step.exercise_id}: {step.sets} x {reps}")
            out[entry.key] = EventText(routine.name, f"{routine.summary}\n" + "\n".join(parts))
        elif entry.target_id in exercises.exercises:
            ex = exercises.exercises[entry.target_id]
            out[entry.key] = EventText(ex.name, ex.summary)
    return out
