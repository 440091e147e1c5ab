"""The analysis report: what happened in one video or track, as typed records, JSON and CSV.

ReportBuilder is the sink that collects it from the frames; Report holds the engine's and the
session's own records at full precision, and rounds only where it is written out (JSON, CSV,
summary): times to the millisecond, angles to 0.1 degree.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field

from ..engine.exercise_engine import EngineState
from ..engine.exercises import Exercise
from ..engine.feedback import Cue
from ..engine.ranges import RangeChoice
from ..engine.records import SetRecord
from ..engine.rules import ONE_PERSON, RepRecord
from .base import FrameResult, LoopEnd

NO_PERSON_WARNING = "No person was found in the video."

TIME_DIGITS = 3  # seconds, as the report writes them
ANGLE_DIGITS = 1  # degrees


def reported(x: float, digits: int = TIME_DIGITS) -> float:
    """A number as the report writes it (the page shows the same numbers as its download)."""
    return round(float(x), digits)


@dataclass(frozen=True)
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
    reps_by_side: dict[str, int]
    partial_reps: int
    rep_details: list[RepRecord]  # the counted reps, in order
    cues: list[Cue]  # everything said, in order
    fault_counts: dict[str, int]  # by code, sorted
    timing: Timing
    warnings: list[str] = field(default_factory=list)
    # the rep angle at every judged frame, for charts: (t, degrees; None where not judged)
    series: list[tuple[float, float | None]] = field(default_factory=list)
    series_feature: str = ""
    incomplete: bool = False  # the video broke off before its stated end
    # what the reps were judged against: the person's range choice, the range each rep is shown
    # against (chosen, else the exercise's standard target), and the exercise's own floor/target
    range_choice: str = "auto"
    target_deg: float = math.nan
    floor_deg: float = math.nan
    standard_deg: float = math.nan
    # the reps grouped into sets: a rest much longer than a rep (or the other side) starts one
    sets: list[SetRecord] = field(default_factory=list)
    # which pose backend and model judged it (None: a pose track that does not say)
    pose_backend: str | None = None
    pose_model: str | None = None

    @property
    def reps(self) -> int:
        return len(self.rep_details)

    @property
    def faults_seen(self) -> set[str]:
        return set(self.fault_counts)

    def rep_sets(self) -> list[int | None]:
        """The set of each rep of rep_details (None: in no set). Sets hold the reps in order,
        every counted rep in at most one set, so they take the reps in turn."""
        out: list[int | None] = []
        for s in self.sets:
            out += [s.index] * s.rep_count
        return (out + [None] * len(self.rep_details))[:len(self.rep_details)]

    def _rep_rows(self) -> list[dict]:
        return [{"index": r.index, "side": r.side, "start_s": reported(r.start_s),
                 "end_s": reported(r.end_s), "duration_s": reported(r.duration_s),
                 "peak_deg": reported(r.peak_deg, ANGLE_DIGITS),
                 "start_deg": reported(r.start_deg, ANGLE_DIGITS),
                 "range_deg": reported(r.range_deg, ANGLE_DIGITS),
                 "target_deg": reported(r.target_deg, ANGLE_DIGITS), "down_s": reported(r.down_s),
                 "up_s": reported(r.up_s), "hold_s": reported(r.hold_s), "faults": list(r.faults),
                 "set": s}
                for r, s in zip(self.rep_details, self.rep_sets())]

    def _set_rows(self) -> list[dict]:
        rows, taken = [], 0
        for s in self.sets:
            indices = [r.index for r in self.rep_details[taken:taken + s.rep_count]]
            taken += s.rep_count
            rows.append({"index": s.index, "side": s.side, "reps": s.rep_count,
                         "rep_indices": indices, "target_reps": s.target_reps,
                         "completed": s.completed, "partial_reps": s.partial_reps,
                         "start_s": reported(s.started_s), "end_s": reported(s.ended_s),
                         "fault_counts": dict(s.fault_counts)})
        return rows

    def to_dict(self, include_timing: bool = True) -> dict:
        d = {
            "exercise": self.exercise, "exercise_name": self.exercise_name, "source": self.source,
            "frames": self.frames, "frames_with_pose": self.frames_with_pose,
            "fps": reported(self.fps), "duration_s": reported(self.duration_s),
            "stride": self.stride, "pose_backend": self.pose_backend,
            "pose_model": self.pose_model, "reps": self.reps, "reps_by_side": dict(self.reps_by_side),
            "partial_reps": self.partial_reps, "rep_details": self._rep_rows(),
            "cues": [{"t_s": reported(c.t), "code": c.code, "message": c.message}
                     for c in self.cues],
            "fault_counts": dict(self.fault_counts),
            "timing": {"pose_ms_per_frame": reported(self.timing.pose_ms_per_frame, 2),
                       "total_s": reported(self.timing.total_s, 2)},
            "warnings": list(self.warnings),
            "series": {"t": [reported(t) for t, _ in self.series],
                       "deg": [None if v is None else reported(v, ANGLE_DIGITS)
                               for _, v in self.series]},
            "series_feature": self.series_feature, "incomplete": self.incomplete,
            "sets": self._set_rows(),
            "range": {"choice": self.range_choice,
                      "target_deg": reported(self.target_deg, ANGLE_DIGITS),
                      "floor_deg": reported(self.floor_deg, ANGLE_DIGITS),
                      "standard_deg": reported(self.standard_deg, ANGLE_DIGITS)},
        }
        if not include_timing:
            d.pop("timing")
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def rep_csv(self) -> str:
        """One row per counted rep."""
        out = io.StringIO()
        fields = ["index", "set", "side", "start_s", "end_s", "duration_s", "peak_deg", "start_deg",
                  "range_deg", "target_deg", "down_s", "up_s", "hold_s", "faults"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in self._rep_rows():
            writer.writerow({**row, "faults": " ".join(row["faults"])})
        return out.getvalue()


def _switch_warning(times: int) -> str:
    return (f"The person in view changed suddenly {times} time{'s' if times > 1 else ''} (someone "
            "else came into view, or the video cuts); a rep in progress then was not counted, and "
            "counting went on only from the start position.")


class ReportBuilder:
    """FrameSink: collects from the judged frames what the report tells - reps, cues, fault
    counts, frames with and without a person, the rep angle - and the session's sets at the
    end. report() makes the Report once the loop is closed."""

    def __init__(self, exercise: Exercise, range_choice: RangeChoice = RangeChoice()):
        self.exercise = exercise
        self.range_choice = range_choice
        self.reps: list[RepRecord] = []
        self.cues: list[Cue] = []
        self.fault_counts: dict[str, int] = {}
        self.frames = 0
        self.frames_with_pose = 0
        self.series: list[tuple[float, float | None]] = []
        self.sets: tuple[SetRecord, ...] = ()
        self.state: EngineState | None = None  # the last judged frame's

    def add(self, frame: FrameResult) -> None:
        if not frame.judged:
            return
        state = self.state = frame.state
        self.frames += 1
        self.frames_with_pose += frame.pose is not None
        for ev in state.events:
            if ev.kind == "rep" and ev.rep is not None:
                self.reps.append(ev.rep)
            if ev.kind in ("fault", "condition"):
                self.fault_counts[ev.code] = self.fault_counts.get(ev.code, 0) + 1
        if state.new_cue is not None:
            self.cues.append(state.new_cue)
        metric = state.metric
        self.series.append((state.t, None if metric is None or math.isnan(metric) else metric))

    def close(self, end: LoopEnd) -> None:
        self.sets = end.sets

    def report(self, source: str, fps: float, duration_s: float, stride: int, timing: Timing,
               warnings: list[str] = (), incomplete: bool = False,
               pose_backend: str | None = None, pose_model: str | None = None) -> Report:
        """The report, with the source's facts; the warnings the frames call for come after
        the source's own."""
        warnings = list(warnings)
        if self.frames and not self.frames_with_pose:
            warnings.append(NO_PERSON_WARNING)
        if self.fault_counts.get(ONE_PERSON):
            warnings.append(_switch_warning(self.fault_counts[ONE_PERSON]))
        state = self.state
        rule = self.exercise.rep
        return Report(
            exercise=self.exercise.id, exercise_name=self.exercise.name, source=source,
            frames=self.frames, frames_with_pose=self.frames_with_pose, fps=fps,
            duration_s=duration_s, stride=stride,
            reps_by_side=dict(state.reps_by_side) if state else {},
            partial_reps=state.partial_reps if state else 0, rep_details=list(self.reps),
            cues=list(self.cues), fault_counts=dict(sorted(self.fault_counts.items())),
            timing=timing, warnings=warnings, series=list(self.series),
            series_feature=self.exercise.rep.feature, incomplete=incomplete, sets=list(self.sets),
            range_choice=self.range_choice.label, target_deg=self.range_choice.target(rule),
            floor_deg=rule.floor, standard_deg=rule.target,
            pose_backend=pose_backend, pose_model=pose_model)


def _pose_named(report: Report) -> str:
    if not report.pose_backend:
        return ""
    return f" ({report.pose_backend} {report.pose_model})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def summary_text(report: Report) -> str:
    """A short, readable summary for the terminal, with the numbers as the JSON has them."""
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
            side = f" {s.side}" if s.side else ""
            lines.append(f"  set {s.index}{side}: {s.rep_count} rep{'s' if s.rep_count != 1 else ''}, "
                         f"{reported(s.started_s):.1f}-{reported(s.ended_s):.1f} s")
    for rep in report.rep_details:
        faults = ", ".join(rep.faults) or "clean"
        side = f" {rep.side}" if rep.side else ""
        lines.append(f"  rep {rep.index}{side}: {reported(rep.start_s):.1f}-{reported(rep.end_s):.1f} s, "
                     f"range {reported(rep.range_deg, ANGLE_DIGITS):.0f} of "
                     f"{reported(rep.target_deg, ANGLE_DIGITS):.0f} deg, "
                     f"hold {reported(rep.hold_s):.1f} s - {faults}")
    if report.fault_counts:
        lines.append("Faults: " + ", ".join(f"{k} x{v}" for k, v in report.fault_counts.items()))
    if report.cues:
        lines.append("Cues:")
        lines += [f"  {reported(c.t):6.1f} s  {c.message}" for c in report.cues]
    seen = report.frames_with_pose / report.frames * 100 if report.frames else 0
    timing = report.timing
    # at a stride the count is a share of the video's frames: say so, or it looks like frames were lost
    every = f"every {_ordinal(report.stride)} frame, " if report.stride > 1 else ""
    lines.append(f"Frames analysed: {report.frames} ({every}{seen:.0f}% with a person found), "
                 f"{reported(report.duration_s):.1f} s; "
                 f"pose{_pose_named(report)} {reported(timing.pose_ms_per_frame, 2):.1f} ms/frame, "
                 f"total {reported(timing.total_s, 2):.1f} s")
    for w in report.warnings:
        lines.append(f"Note: {w}")
    return "\n".join(lines)
