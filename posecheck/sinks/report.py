"""The analysis report: what happened in one video or track, as data, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field

from ..engine.exercise_engine import EngineHistory
from ..engine.exercises import Exercise
from ..engine.records import SetRecord


@dataclass
class Timing:
    pose_ms_per_frame: float
    total_s: float


@dataclass
class Report:
    exercise: str
    exercise_name: str
    source: str
    frames: int  # frames analysed (given to the engine)
    frames_with_pose: int
    fps: float
    duration_s: float
    stride: int
    reps: int
    reps_by_side: dict[str, int]
    partial_reps: int
    rep_details: list[dict]
    cues: list[dict]
    fault_counts: dict[str, int]
    timing: Timing
    warnings: list[str] = field(default_factory=list)
    # the rep angle over time, for charts: {"t": [...], "deg": [...]} (null where not judged)
    series: dict[str, list] = field(default_factory=dict)
    series_feature: str = ""
    incomplete: bool = False  # the video broke off before its stated end
    # the reps grouped into sets: a rest much longer than a rep (or the other side) starts one
    sets: list[dict] = field(default_factory=list)

    def to_dict(self, include_timing: bool = True) -> dict:
        d = asdict(self)
        if not include_timing:
            d.pop("timing")
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def rep_csv(self) -> str:
        """One row per counted rep."""
        out = io.StringIO()
        fields = ["index", "set", "side", "start_s", "end_s", "duration_s", "peak_deg", "down_s",
                  "up_s", "hold_s", "faults"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for rep in self.rep_details:
            row = {k: rep.get(k) for k in fields}
            row["faults"] = " ".join(rep["faults"])
            writer.writerow(row)
        return out.getvalue()

    @property
    def faults_seen(self) -> set[str]:
        return set(self.fault_counts)


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def build_report(exercise: Exercise, history: EngineHistory, source: str, fps: float,
                 duration_s: float, stride: int, pose_ms: float, total_s: float,
                 warnings: list[str], series: list[tuple[float, float | None]],
                 reps_by_side: dict[str, int], partial_reps: int,
                 sets: list[SetRecord] = ()) -> Report:
    details = [{
        "index": r.index, "side": r.side, "start_s": _r(r.start_s), "end_s": _r(r.end_s),
        "duration_s": _r(r.duration_s), "peak_deg": _r(r.peak_deg, 1), "down_s": _r(r.down_s),
        "up_s": _r(r.up_s), "hold_s": _r(r.hold_s), "faults": list(r.faults),
    } for r in history.reps]
    set_rows = _set_rows(sets, details)
    cues = [{"t_s": _r(c.t), "code": c.code, "message": c.message} for c in history.cues]
    return Report(
        exercise=exercise.id, exercise_name=exercise.name, source=source, frames=history.frames,
        frames_with_pose=history.frames_with_pose, fps=_r(fps), duration_s=_r(duration_s),
        stride=stride, reps=len(history.reps), reps_by_side=dict(reps_by_side),
        partial_reps=partial_reps, rep_details=details, cues=cues,
        fault_counts=dict(sorted(history.fault_counts.items())),
        timing=Timing(pose_ms_per_frame=_r(pose_ms, 2), total_s=_r(total_s, 2)),
        warnings=list(warnings),
        series={"t": [_r(t) for t, _ in series],
                "deg": [None if v is None or math.isnan(v) else _r(v, 1) for _, v in series]},
        series_feature=exercise.rep.feature,
        sets=set_rows,
    )


def _set_rows(sets, details: list[dict]) -> list[dict]:
    """Sets as report rows; each rep detail learns its set. Sets hold the reps in order, every
    counted rep in exactly one set, so they take the rep details in turn."""
    rows, taken = [], 0
    for s in sets:
        indices = [d["index"] for d in details[taken:taken + s.rep_count]]
        for d in details[taken:taken + s.rep_count]:
            d["set"] = s.index
        taken += s.rep_count
        rows.append({"index": s.index, "side": s.side, "reps": s.rep_count,
                     "rep_indices": indices, "target_reps": s.target_reps,
                     "completed": s.completed, "partial_reps": s.partial_reps,
                     "start_s": _r(s.started_s), "end_s": _r(s.ended_s),
                     "fault_counts": dict(s.fault_counts)})
    for d in details[taken:]:
        d["set"] = None
    return rows


def summary_text(report: Report) -> str:
    """A short, readable summary for the terminal."""
    lines = [f"{report.exercise_name} - {report.source}"]
    if report.reps_by_side:
        sides = ", ".join(f"{k} {v}" for k, v in report.reps_by_side.items())
        lines.append(f"Reps: {report.reps} ({sides})")
    else:
        lines.append(f"Reps: {report.reps}")
    if report.partial_reps:
        lines.append(f"Partial reps (not counted): {report.partial_reps}")
    if len(report.sets) > 1:
        lines.append(f"Sets: {len(report.sets)}")
        for s in report.sets:
            side = f" {s['side']}" if s["side"] else ""
            lines.append(f"  set {s['index']}{side}: {s['reps']} rep{'s' if s['reps'] != 1 else ''}, "
                         f"{s['start_s']:.1f}-{s['end_s']:.1f} s")
    for rep in report.rep_details:
        faults = ", ".join(rep["faults"]) or "clean"
        side = f" {rep['side']}" if rep["side"] else ""
        lines.append(f"  rep {rep['index']}{side}: {rep['start_s']:.1f}-{rep['end_s']:.1f} s, "
                     f"range {rep['peak_deg']:.0f} deg, hold {rep['hold_s']:.1f} s - {faults}")
    if report.fault_counts:
        lines.append("Faults: " + ", ".join(f"{k} x{v}" for k, v in report.fault_counts.items()))
    if report.cues:
        lines.append("Cues:")
        lines += [f"  {c['t_s']:6.1f} s  {c['message']}" for c in report.cues]
    seen = report.frames_with_pose / report.frames * 100 if report.frames else 0
    lines.append(f"Frames analysed: {report.frames} ({seen:.0f}% with a person found), "
                 f"{report.duration_s:.1f} s; pose {report.timing.pose_ms_per_frame:.1f} ms/frame, "
                 f"total {report.timing.total_s:.1f} s")
    for w in report.warnings:
        lines.append(f"Note: {w}")
    return "\n".join(lines)
