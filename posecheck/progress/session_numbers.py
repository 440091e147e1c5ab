"""A stored session's numbers, as the History page and the progress report both give them:
its faulty reps, average range against target, fault counts and status in words. Pure."""

from __future__ import annotations

from collections import Counter

from ..engine.records import ABANDONED, FINISHED, IN_PROGRESS, INTERRUPTED, SessionRecord

STATUS_TEXT = {
    FINISHED: "finished",
    ABANDONED: "stopped early",
    INTERRUPTED: "interrupted",
    IN_PROGRESS: "in progress",
}


def faulty_reps(rec: SessionRecord) -> int:
    return sum(1 for s in rec.sets for r in s.reps if r.faults)


def _mean_of(values: list) -> float | None:
    known = [v for v in values if v is not None and v == v]  # no None, no NaN
    return sum(known) / len(known) if known else None


def average_range(rec: SessionRecord) -> float | None:
    """The reps' average excursion from the person's own start; None for sessions saved before
    ranges were measured (their angle extremes are another measure, not shown as progress)."""
    return _mean_of([r.range_deg for s in rec.sets for r in s.reps])


def average_target(rec: SessionRecord) -> float | None:
    """The range the reps were shown against (the person's chosen range, else the standard)."""
    return _mean_of([r.target_deg for s in rec.sets for r in s.reps])


def fault_rate(rec: SessionRecord) -> float | None:
    """Reps with at least one fault, as a share of the reps."""
    return faulty_reps(rec) / rec.total_reps if rec.total_reps else None


def fault_counts(rec: SessionRecord) -> Counter:
    """Times each fault was reported: per rep for rep faults, plus what a set counted that no
    rep carries (episodes such as being out of view)."""
    total: Counter = Counter()
    for s in rec.sets:
        per_rep = Counter(code for r in s.reps for code in r.faults)
        total += per_rep
        total += Counter({code: n for code, n in s.fault_counts.items() if code not in per_rep})
    return total


def status_text(rec: SessionRecord) -> str:
    if rec.stopped_for_pain:
        return "stopped for pain"
    return STATUS_TEXT.get(rec.status, rec.status)
