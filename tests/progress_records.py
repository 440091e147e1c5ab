"""Sessions as the history holds them, made to order for the plan and report tests: a live
session or a routine run at a given local time, with reps that carry ranges, holds and faults."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from posecheck.engine.records import FINISHED, SOURCE_LIVE, RepSummary, SessionRecord, SetRecord


def utc_text(local: datetime) -> str:
    """A naive local time (this computer's zone) as the history stores it: UTC, ISO 8601."""
    return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def reps(n: int, range_deg: float = 40.0, target_deg: float = 60.0, hold_s: float = 1.0,
         faults: dict[int, tuple[str, ...]] | None = None, side: str | None = None):
    faults = faults or {}
    return tuple(RepSummary(index=i, side=side, peak_deg=range_deg + 5, hold_s=hold_s,
                            duration_s=3.0, faults=faults.get(i, ()), range_deg=range_deg,
                            target_deg=target_deg) for i in range(1, n + 1))


def session(exercise: str, local: datetime, sets: list[tuple] | None = None, *,
            source: str = SOURCE_LIVE, routine: str | None = None, run: str | None = None,
            pain: tuple[int | None, int | None] = (None, None), name: str | None = None,
            status: str = FINISHED) -> SessionRecord:
    """`sets`: one tuple of RepSummary per set (default: one set of 5 reps)."""
    sets = sets if sets is not None else [reps(5)]
    records = []
    for i, set_reps in enumerate(sets, start=1):
        counts: dict[str, int] = {}
        for r in set_reps:
            for code in r.faults:
                counts[code] = counts.get(code, 0) + 1
        records.append(SetRecord(index=i, side=set_reps[0].side if set_reps else None,
                                 target_reps=5, reps=tuple(set_reps), partial_reps=0,
                                 started_s=60.0 * i, ended_s=60.0 * i + 30, completed=True,
                                 fault_counts=counts))
    return SessionRecord(id=uuid.uuid4().hex, started_at=utc_text(local), exercise_id=exercise,
                         exercise_name=name or exercise.replace("_", " ").capitalize(),
                         side=None, source=source, planned_sets=len(sets), target_reps=5,
                         status=status, ended_at=utc_text(local), sets=records,
                         routine_id=routine, routine_run=run, pain_before=pain[0],
                         pain_after=pain[1])


def routine_run(routine: str, exercises: list[str], local: datetime,
                pain: tuple[int | None, int | None] = (None, None)) -> list[SessionRecord]:
    """One run of a routine: its exercises one after another, 3 minutes apart; the first holds
    the run's pain before, the last its pain after."""
    run = uuid.uuid4().hex
    out = []
    for i, ex in enumerate(exercises):
        when = local + timedelta(minutes=3 * i)
        out.append(session(ex, when, routine=routine, run=run,
                           pain=(pain[0] if i == 0 else None,
                                 pain[1] if i == len(exercises) - 1 else None)))
    return out
