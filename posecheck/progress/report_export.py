"""The report's numbers for people who want them: JSON (everything the PDF shows) or CSV (one
row per session). Pure: a ReportData in, text out."""

from __future__ import annotations

import csv
import io
import json

from .report_data import NOT_MEDICAL, ReportData

SESSION_COLUMNS = (
    "started", "exercise_id", "exercise", "routine", "source", "status", "sets", "planned_sets",
    "reps", "reps_per_set", "reps_with_fault", "mean_range_deg", "mean_target_deg",
    "mean_hold_s", "faults", "pain_before", "pain_after",
)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def report_dict(data: ReportData) -> dict:
    adherence = None
    if data.adherence is not None:
        a = data.adherence
        adherence = {
            "planned": a.planned, "done": a.done,
            "share": None if a.share is None else round(a.share, 3),
            "streak_days": a.streak_days,
            "weeks": [{"week_start": w.week_start.isoformat(), "planned": w.planned,
                       "done": w.done} for w in a.weeks],
            "moments": [{"date": s.slot.day.isoformat(), "time": s.slot.at.strftime("%H:%M"),
                         "kind": s.slot.entry.kind, "id": s.slot.entry.target_id,
                         "state": s.state,
                         "done_at": s.done_at.isoformat(timespec="minutes") if s.done_at else None}
                        for s in a.statuses],
        }
    return {
        "note": NOT_MEDICAL,
        "period": {"since": data.since.isoformat(), "until": data.until.isoformat()},
        "made_at": data.made_at.isoformat(timespec="seconds"),
        "totals": {"sessions": len(data.sessions), "live_sessions": data.live_sessions,
                   "active_days": data.active_days, "sets": data.total_sets,
                   "reps": data.total_reps},
        "plan": data.plan_lines,
        "adherence": adherence,
        "exercises": [{"id": e.exercise_id, "name": e.name, "sessions": e.sessions,
                       "sets": e.sets, "reps": e.reps, "reps_by_side": e.reps_by_side,
                       "reps_with_fault": e.faulty_reps,
                       "mean_range_deg": _round(e.mean_range_deg),
                       "mean_target_deg": _round(e.mean_target_deg),
                       "mean_hold_s": _round(e.mean_hold_s, 2)} for e in data.exercises],
        "faults": [{"exercise": f.exercise_id, "code": f.code, "count": f.count,
                    "exercise_reps": f.exercise_reps, "cue": f.cue} for f in data.faults],
        "pain": [{"when": p.when.isoformat(timespec="minutes"), "what": p.what,
                  "before": p.before, "after": p.after} for p in data.pain],
        "sessions": [_session_dict(s) for s in data.sessions],
    }


def _session_dict(s) -> dict:
    return {"started": s.when.isoformat(timespec="minutes"), "exercise_id": s.exercise_id,
            "exercise": s.exercise_name, "routine": s.routine, "source": s.source,
            "status": s.status, "sets": s.sets, "planned_sets": s.planned_sets, "reps": s.reps,
            "reps_per_set": list(s.reps_per_set), "reps_with_fault": s.faulty_reps,
            "mean_range_deg": _round(s.mean_range_deg), "mean_target_deg": _round(s.mean_target_deg),
            "mean_hold_s": _round(s.mean_hold_s, 2), "faults": s.faults,
            "pain_before": s.pain_before, "pain_after": s.pain_after}


def report_json(data: ReportData) -> str:
    return json.dumps(report_dict(data), indent=2) + "\n"


def report_csv(data: ReportData) -> str:
    """One row per session in the period, oldest first."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(SESSION_COLUMNS)
    for s in data.sessions:
        d = _session_dict(s)
        d["reps_per_set"] = ";".join(str(n) for n in s.reps_per_set)
        d["faults"] = ";".join(f"{k}={v}" for k, v in sorted(s.faults.items()))
        out.writerow(["" if d[c] is None else d[c] for c in SESSION_COLUMNS])
    return buf.getvalue()
