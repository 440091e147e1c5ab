"""What the progress report says, as numbers: the history's sessions over a period (and the plan,
if there is one) shaped into the report's tables and series. Pure; report_pdf.py draws it and
report_export.py writes it as CSV or JSON.

Every count is the history's own: sessions, sets and reps as stored, faults counted as the
History page counts them (per rep, plus what a set counted that no rep carries, such as being
out of view), ranges the reps' excursions from the person's start against their target.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from ..engine.records import SOURCE_VIDEO, SessionRecord
from .session_numbers import average_range, average_target, fault_counts, faulty_reps, status_text
from .plan import Adherence, Plan, PlanError, adherence, local_time

NOT_MEDICAL = ("This report is not a medical assessment. posecheck is not a medical device: it "
               "counts movements seen by a camera and compares them with general guidance. "
               "Discuss it with your physiotherapist or doctor; stop if it hurts.")
TOP_FAULTS = 10


@dataclass(frozen=True)
class ExerciseRow:
    exercise_id: str
    name: str
    sessions: int
    sets: int
    reps: int
    reps_by_side: dict[str, int]
    faulty_reps: int
    mean_range_deg: float | None  # the reps' excursion from the person's start
    mean_target_deg: float | None  # the range those reps were shown against
    mean_hold_s: float | None  # still time at the working end, where the exercise asks for one


@dataclass(frozen=True)
class FaultRow:
    exercise_id: str
    exercise_name: str
    code: str
    count: int
    exercise_reps: int  # that exercise's reps in the period, for a share
    cue: str  # what posecheck says for it (the exercise file's words)


@dataclass(frozen=True)
class SessionRow:
    when: datetime  # local wall-clock
    exercise_id: str
    exercise_name: str
    routine: str | None  # the routine's name, when it was part of one
    source: str
    status: str
    sets: int
    planned_sets: int
    reps: int
    reps_per_set: tuple[int, ...]
    faulty_reps: int
    mean_range_deg: float | None
    mean_target_deg: float | None
    mean_hold_s: float | None
    faults: dict[str, int]
    pain_before: int | None
    pain_after: int | None


@dataclass(frozen=True)
class PainPoint:
    when: datetime  # the start of the session, or of the routine run
    what: str  # the exercise's or routine's name
    before: int | None
    after: int | None


@dataclass
class ReportData:
    since: date
    until: date
    made_at: datetime
    sessions: list[SessionRow]  # oldest first
    exercises: list[ExerciseRow]  # most reps first
    faults: list[FaultRow]  # most frequent first, at most TOP_FAULTS
    pain: list[PainPoint]  # oldest first; occasions with at least one rating
    plan_lines: list[str] = field(default_factory=list)  # the plan's entries in words
    adherence: Adherence | None = None  # None: no plan in the period

    @property
    def total_reps(self) -> int:
        return sum(s.reps for s in self.sessions)

    @property
    def total_sets(self) -> int:
        return sum(s.sets for s in self.sessions)

    @property
    def active_days(self) -> int:
        return len({s.when.date() for s in self.sessions})

    @property
    def live_sessions(self) -> int:
        return sum(s.source != SOURCE_VIDEO for s in self.sessions)


def _mean(values) -> float | None:
    known = [v for v in values if v is not None and v == v]
    return sum(known) / len(known) if known else None


def _holds(rec: SessionRecord, exercise) -> float | None:
    """The reps' mean still time at the working end, where the exercise asks for a hold or a
    pause (elsewhere the number measures nothing the person was asked to do)."""
    if exercise is None or not (exercise.prescription.hold_s or exercise.prescription.pause_s):
        return None
    return _mean([r.hold_s for s in rec.sets for r in s.reps])


def in_period(records: list[SessionRecord], since: date, until: date,
              tz: tzinfo | None = None) -> list[SessionRecord]:
    """The sessions that started on a local day from `since` to `until`, both included."""
    return [r for r in records if since <= local_time(r.started_at, tz).date() <= until]


def _pain_points(records: list[SessionRecord], names: dict[str, str], tz) -> list[PainPoint]:
    """One point per session on its own and per routine run: a run's first session holds its
    "before", its last the "after"."""
    occasions: dict[str, list[SessionRecord]] = {}
    for rec in records:
        key = f"run:{rec.routine_run}" if rec.routine_id and rec.routine_run else rec.id
        occasions.setdefault(key, []).append(rec)
    out = []
    for parts in occasions.values():
        parts.sort(key=lambda r: r.started_at)
        before = next((r.pain_before for r in parts if r.pain_before is not None), None)
        after = next((r.pain_after for r in reversed(parts) if r.pain_after is not None), None)
        if before is None and after is None:
            continue
        first = parts[0]
        what = (names.get(first.routine_id, first.routine_id) if first.routine_id
                else first.exercise_name)
        out.append(PainPoint(local_time(first.started_at, tz), what, before, after))
    return sorted(out, key=lambda p: p.when)


def build_report(records: list[SessionRecord], since: date, until: date, exercises, routines,
                 plan: Plan | None = None, now: datetime | None = None,
                 tz: tzinfo | None = None) -> ReportData:
    """The report of the sessions from `since` to `until` (local days, both included).
    `exercises` and `routines` are the libraries (for names, holds and cues); `now` is naive
    local time (default: this computer's)."""
    if until < since:
        raise PlanError(f"The report's period ends ({until}) before it starts ({since}).")
    now = now or datetime.now()
    chosen = sorted(in_period(records, since, until, tz), key=lambda r: r.started_at)
    routine_names = {rid: r.name for rid, r in routines.routines.items()}
    rows = []
    per_exercise: dict[str, list[SessionRecord]] = {}
    for rec in chosen:
        ex = exercises.exercises.get(rec.exercise_id)
        per_exercise.setdefault(rec.exercise_id, []).append(rec)
        rows.append(SessionRow(
            when=local_time(rec.started_at, tz), exercise_id=rec.exercise_id,
            exercise_name=rec.exercise_name,
            routine=(routine_names.get(rec.routine_id, rec.routine_id.replace("_", " "))
                     if rec.routine_id else None),
            source=rec.source, status=status_text(rec),
            sets=len(rec.sets), planned_sets=rec.planned_sets, reps=rec.total_reps,
            reps_per_set=tuple(s.rep_count for s in rec.sets), faulty_reps=faulty_reps(rec),
            mean_range_deg=average_range(rec), mean_target_deg=average_target(rec),
            mean_hold_s=_holds(rec, ex), faults=dict(fault_counts(rec)),
            pain_before=rec.pain_before, pain_after=rec.pain_after))
    ex_rows, fault_rows = [], []
    for ex_id, recs in per_exercise.items():
        ex = exercises.exercises.get(ex_id)
        reps = [r for rec in recs for s in rec.sets for r in s.reps]
        sides = Counter(r.side for r in reps if r.side)
        holds = _mean([r.hold_s for r in reps]) if _holds(recs[0], ex) is not None else None
        ex_rows.append(ExerciseRow(
            exercise_id=ex_id, name=recs[-1].exercise_name, sessions=len(recs),
            sets=sum(len(rec.sets) for rec in recs), reps=len(reps), reps_by_side=dict(sides),
            faulty_reps=sum(faulty_reps(rec) for rec in recs),
            mean_range_deg=_mean([r.range_deg for r in reps]),
            mean_target_deg=_mean([r.target_deg for r in reps]), mean_hold_s=holds))
        counts: Counter = Counter()  # update in place: sum() of Counters was 0.4 s for a year
        for row in rows:
            if row.exercise_id == ex_id:
                counts.update(row.faults)
        for code, n in counts.items():
            cue = ex.cue_for(code) if ex is not None else ""
            fault_rows.append(FaultRow(ex_id, recs[-1].exercise_name, code, n, len(reps), cue))
    ex_rows.sort(key=lambda e: (-e.reps, e.name))
    fault_rows.sort(key=lambda f: (-f.count, f.exercise_name, f.code))
    report = ReportData(since=since, until=until, made_at=now, sessions=rows, exercises=ex_rows,
                        faults=fault_rows[:TOP_FAULTS],
                        pain=_pain_points(chosen, routine_names, tz))
    if plan is not None and plan.entries:
        from .ics import event_texts

        texts = event_texts(plan, exercises, routines)
        report.plan_lines = [
            f"{texts[e.key].name if e.key in texts else e.target_id}: {e.days_text()} at "
            f"{e.times_text()} (since {e.since.isoformat()})" for e in plan.entries]
        report.adherence = adherence(plan, records, since, until, now, tz)
    return report
