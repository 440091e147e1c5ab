"""The person's plan: what they mean to do (a routine, or one exercise) at which moments of
which days, and how well it was kept, matched against the history's sessions. Pure: dicts and
records in, dataclasses out (plan_file.py reads and writes the file).

A planned moment counts as done when a live routine run of that routine (or a live session of
that exercise, alone or within a routine) with at least one rep started on the same day within
MATCH_WINDOW_MIN minutes of it; each run or session keeps one moment at most, the nearest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from ..engine.records import SOURCE_LIVE, SessionRecord
from ..errors import PosecheckError

PLAN_VERSION = 1
ROUTINE, EXERCISE = "routine", "exercise"
KINDS = (ROUTINE, EXERCISE)
# RFC 5545's day codes, in date.weekday() order: the file and the calendar use the same words
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS = DAY_CODES[:5]
DAY_NAMES = dict(zip(DAY_CODES, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")))
# A planned 10:30 desk break still counts when done at 12:00, but a session at 12:45 between a
# 10:30 and a 15:00 one keeps neither: two hours is the part of a working day a moment stands for
MATCH_WINDOW_MIN = 120
DEFAULT_REMINDER_MIN = 10
MAX_TIMES_PER_ENTRY = 8
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

DONE, MISSED, TO_DO = "done", "missed", "to do"


class PlanError(PosecheckError):
    """A plan (or its file) that cannot be read; the text says what to change."""


@dataclass(frozen=True)
class PlanEntry:
    kind: str  # ROUTINE | EXERCISE
    target_id: str  # the routine's or exercise's id
    days: tuple[str, ...]  # DAY_CODES, in week order
    times: tuple[time, ...]  # local wall-clock times, sorted
    since: date  # the first day it counts (days before it were not planned)

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.target_id

    def on(self, day: date) -> bool:
        return day >= self.since and DAY_CODES[day.weekday()] in self.days

    def days_text(self) -> str:
        if self.days == DAY_CODES:
            return "every day"
        if self.days == WEEKDAYS:
            return "weekdays"
        if self.days == DAY_CODES[5:]:
            return "weekends"
        return ", ".join(DAY_NAMES[d] for d in self.days)

    def times_text(self) -> str:
        return ", ".join(t.strftime("%H:%M") for t in self.times)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.target_id, "days": list(self.days),
                "times": [t.strftime("%H:%M") for t in self.times],
                "since": self.since.isoformat()}


@dataclass(frozen=True)
class Plan:
    entries: tuple[PlanEntry, ...] = ()
    reminder_minutes: int = DEFAULT_REMINDER_MIN  # the calendar's alarm, before each moment

    def to_dict(self) -> dict:
        return {"version": PLAN_VERSION, "reminder_minutes": self.reminder_minutes,
                "entries": [e.to_dict() for e in self.entries]}

    def adding(self, entry: PlanEntry) -> Plan:
        return Plan(self.entries + (entry,), self.reminder_minutes)

    def removing(self, index: int) -> Plan:
        if not 0 <= index < len(self.entries):
            raise PlanError(f"The plan has no entry {index + 1} (it has {len(self.entries)}).")
        return Plan(self.entries[:index] + self.entries[index + 1:], self.reminder_minutes)


def parse_time(text: str) -> time:
    m = _TIME.match(str(text).strip())
    if not m:
        raise PlanError(f"A time is written HH:MM on a 24-hour clock (e.g. 10:30), not {text!r}.")
    return time(int(m.group(1)), int(m.group(2)))


def parse_days(text: str) -> tuple[str, ...]:
    """'weekdays', 'weekends', 'daily' (or 'every day'), or day codes such as 'MO,WE,FR'."""
    words = str(text).strip().lower()
    if words in ("daily", "every day", "everyday", "all"):
        return DAY_CODES
    if words == "weekdays":
        return WEEKDAYS
    if words == "weekends":
        return DAY_CODES[5:]
    return days_from([part for part in re.split(r"[,\s]+", words) if part])


def days_from(codes) -> tuple[str, ...]:
    wanted = {str(c).strip().upper()[:2] for c in codes}
    unknown = sorted(wanted - set(DAY_CODES))
    if unknown or not wanted:
        raise PlanError("Days are weekdays, weekends, daily, or day codes from "
                        f"{', '.join(DAY_CODES)} (e.g. MO,WE,FR); not {', '.join(unknown) or 'none'}.")
    return tuple(d for d in DAY_CODES if d in wanted)


def make_entry(kind: str, target_id: str, days, times, since: date) -> PlanEntry:
    if kind not in KINDS:
        raise PlanError(f"A plan entry is a {' or an '.join(KINDS)}, not {kind!r}.")
    if not isinstance(target_id, str) or not _ID.match(target_id):
        raise PlanError(f"A plan entry names a {kind} by its id (e.g. desk_break), not {target_id!r}.")
    parsed = sorted({parse_time(t) if not isinstance(t, time) else t for t in times})
    if not parsed:
        raise PlanError(f"The plan entry for {target_id} has no time of day.")
    if len(parsed) > MAX_TIMES_PER_ENTRY:
        raise PlanError(f"The plan entry for {target_id} has {len(parsed)} times; at most "
                        f"{MAX_TIMES_PER_ENTRY} a day.")
    day_codes = days_from(days) if not isinstance(days, str) else parse_days(days)
    return PlanEntry(kind, target_id, day_codes, tuple(parsed), since)


def plan_from_dict(data) -> Plan:
    """The plan a file holds (see Plan.to_dict); PlanError with the field's name otherwise."""
    if not isinstance(data, dict):
        raise PlanError("The plan is not a JSON object.")
    version = data.get("version")
    if version != PLAN_VERSION:
        raise PlanError(f"The plan has version {version!r}; this posecheck reads version "
                        f"{PLAN_VERSION}.")
    reminder = data.get("reminder_minutes", DEFAULT_REMINDER_MIN)
    if not isinstance(reminder, int) or isinstance(reminder, bool) or not 0 <= reminder <= 24 * 60:
        raise PlanError(f"reminder_minutes must be a whole number of minutes from 0 to 1440, "
                        f"not {reminder!r}.")
    raw = data.get("entries", [])
    if not isinstance(raw, list):
        raise PlanError("entries must be a list.")
    entries = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise PlanError(f"entries[{i}] is not an object.")
        try:
            since = date.fromisoformat(str(item.get("since", "")))
        except ValueError:
            raise PlanError(f"entries[{i}].since must be a date (YYYY-MM-DD), not "
                            f"{item.get('since')!r}.") from None
        days, times = item.get("days"), item.get("times")
        if not isinstance(days, list) or not isinstance(times, list):
            raise PlanError(f"entries[{i}] needs days and times as lists.")
        try:
            entries.append(make_entry(item.get("kind"), item.get("id"), days, times, since))
        except PlanError as exc:
            raise PlanError(f"entries[{i}]: {exc}") from None
    return Plan(tuple(entries), reminder)


# ---- what was done ----------------------------------------------------------------------------

def local_time(iso: str, tz: tzinfo | None = None) -> datetime:
    """A stored UTC time (ISO 8601) as naive wall-clock time in `tz` (None: this computer's)."""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))  # "Z" is read only from 3.11
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(tz).replace(tzinfo=None)


@dataclass(frozen=True)
class Activity:
    """Something done that can keep a planned moment: a routine run, or one exercise's session."""
    kind: str
    target_id: str
    started: datetime  # local wall-clock
    reps: int


def activities(records: list[SessionRecord], tz: tzinfo | None = None) -> list[Activity]:
    """Each live session with a rep as an exercise done, and each run of a routine with a rep as
    that routine done (started when its first exercise did). Reviewed videos are left out: they
    were recorded at some other time, maybe by someone else."""
    out: list[Activity] = []
    runs: dict[tuple[str, str], list[Activity]] = {}
    for rec in records:
        if rec.source != SOURCE_LIVE or rec.total_reps == 0:
            continue
        done = Activity(EXERCISE, rec.exercise_id, local_time(rec.started_at, tz), rec.total_reps)
        out.append(done)
        if rec.routine_id:
            runs.setdefault((rec.routine_id, rec.routine_run or rec.id), []).append(done)
    for (routine_id, _), parts in runs.items():
        out.append(Activity(ROUTINE, routine_id, min(p.started for p in parts),
                            sum(p.reps for p in parts)))
    return sorted(out, key=lambda a: a.started)


# ---- planned moments and how they went --------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    day: date
    at: time
    entry: PlanEntry

    @property
    def when(self) -> datetime:
        return datetime.combine(self.day, self.at)


@dataclass(frozen=True)
class SlotStatus:
    slot: Slot
    state: str  # DONE | MISSED | TO_DO (later today, or still within its window)
    done_at: datetime | None = None

    @property
    def due(self) -> bool:
        """Counted in adherence: done, or its window is over."""
        return self.state != TO_DO


def slots(plan: Plan, first: date, last: date) -> list[Slot]:
    out = []
    day = first
    while day <= last:
        for entry in plan.entries:
            if entry.on(day):
                out.extend(Slot(day, t, entry) for t in entry.times)
        day += timedelta(days=1)
    return sorted(out, key=lambda s: (s.when, s.entry.target_id))


def slot_statuses(plan: Plan, records: list[SessionRecord], first: date, last: date,
                  now: datetime, tz: tzinfo | None = None) -> list[SlotStatus]:
    """Every planned moment from `first` to `last` (local days) and how it went by `now`
    (naive local time). Each run or session keeps at most one moment, the nearest in time."""
    planned = slots(plan, first, last)
    done = [a for a in activities(records, tz) if first <= a.started.date() <= last]
    window = timedelta(minutes=MATCH_WINDOW_MIN)
    same_day: dict[tuple, list[int]] = {}  # a year's plan against a year's sessions: 1.8 s -> <0.1 s
    for j, act in enumerate(done):
        same_day.setdefault((act.started.date(), act.kind, act.target_id), []).append(j)
    pairs = []
    for i, slot in enumerate(planned):
        for j in same_day.get((slot.day, *slot.entry.key), ()):
            gap = abs(done[j].started - slot.when)
            if gap <= window:
                pairs.append((gap, i, j))
    kept: dict[int, datetime] = {}
    used: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in kept and j not in used:
            kept[i] = done[j].started
            used.add(j)
    out = []
    for i, slot in enumerate(planned):
        if i in kept:
            out.append(SlotStatus(slot, DONE, kept[i]))
        elif now > slot.when + window:
            out.append(SlotStatus(slot, MISSED))
        else:
            out.append(SlotStatus(slot, TO_DO))
    return out


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date  # the Monday
    planned: int  # moments due that week (done, or their window over)
    done: int

    @property
    def share(self) -> float | None:
        return self.done / self.planned if self.planned else None


def weekly(statuses: list[SlotStatus]) -> list[WeekAdherence]:
    """Per week (Monday first), oldest first: the moments that were due and how many were done."""
    weeks: dict[date, list[int]] = {}
    for s in statuses:
        if not s.due:
            continue
        monday = s.slot.day - timedelta(days=s.slot.day.weekday())
        counts = weeks.setdefault(monday, [0, 0])
        counts[0] += 1
        counts[1] += s.state == DONE
    return [WeekAdherence(monday, p, d) for monday, (p, d) in sorted(weeks.items())]


def streak(statuses: list[SlotStatus], today: date) -> int:
    """Days in a row, back from today, on which every planned moment was done. Days with
    nothing planned neither count nor break it; today counts once all of it is done, and does
    not break it while some of it is still to do."""
    by_day: dict[date, list[SlotStatus]] = {}
    for s in statuses:
        if s.slot.day <= today:
            by_day.setdefault(s.slot.day, []).append(s)
    count = 0
    for day in sorted(by_day, reverse=True):
        states = {s.state for s in by_day[day]}
        if states == {DONE}:
            count += 1
        elif day == today and MISSED not in states:
            continue
        else:
            break
    return count


@dataclass(frozen=True)
class Adherence:
    statuses: list[SlotStatus]
    weeks: list[WeekAdherence]
    streak_days: int
    planned: int = 0
    done: int = 0

    @property
    def share(self) -> float | None:
        return self.done / self.planned if self.planned else None

    def today(self, day: date) -> list[SlotStatus]:
        return [s for s in self.statuses if s.slot.day == day]


def adherence(plan: Plan, records: list[SessionRecord], first: date, last: date, now: datetime,
              tz: tzinfo | None = None) -> Adherence:
    """How the plan was kept from `first` to `last` (local days; the days after `now` have
    nothing due yet)."""
    statuses = slot_statuses(plan, records, first, last, now, tz)
    due = [s for s in statuses if s.due]
    return Adherence(statuses=statuses, weeks=weekly(statuses),
                     streak_days=streak(statuses, min(now.date(), last)),
                     planned=len(due), done=sum(s.state == DONE for s in due))


def plan_start(plan: Plan) -> date | None:
    return min((e.since for e in plan.entries), default=None)
