"""Review an uploaded video: save it privately, analyse it, and shape the report for the page.

Nothing here imports Streamlit; the page passes in the uploaded file (any object with .read
and .size) and a progress callback.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass, field

from ..errors import PosecheckError
from ..engine.exercises import Exercise
from ..engine.feature_table import FEATURE_BY_NAME
from ..engine.feedback import Cue
from ..engine.records import FINISHED, SOURCE_VIDEO, SessionRecord
from ..sinks.report import ANGLE_DIGITS, Report, reported

log = logging.getLogger(__name__)

MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
VIDEO_TYPES = ("mp4", "mov", "webm", "avi")
NO_CUES = ("ready", "good_rep")  # cue codes that are not faults


@dataclass
class ReviewResult:
    key: tuple  # (upload id, exercise id): the same key is not analysed twice
    name: str  # the uploaded file's name, for display only
    report: Report | None = None
    video: bytes | None = None  # annotated H.264 mp4
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    saved_id: str | None = None  # saved to the history under this id (once is enough)


def _suffix(name: str) -> str:
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    return f".{ext}" if ext in VIDEO_TYPES else ".video"


# An uploaded file's name as a sentence may quote it: a 300-character name would push the
# sentence off the page, so the middle of a long one is left out (its start and type stay).
SHOWN_NAME_CHARS = 60


def _shown(name: str) -> str:
    name = "".join(ch for ch in name if ch.isprintable()) or "This video"
    if len(name) <= SHOWN_NAME_CHARS:
        return name
    stem, ext = os.path.splitext(name)
    keep = SHOWN_NAME_CHARS - len(ext) - 3
    return stem[:keep] + "..." + ext


def review_file(path: str, exercise: Exercise, key: tuple = (), name: str = "",
                progress=None, mirrored: bool = False) -> ReviewResult:
    """Analyse a video already on disk; errors become a sentence in result.error.
    mirrored: the video was recorded mirrored (selfie camera); it is flipped back."""
    result = ReviewResult(key=key, name=name or os.path.basename(path))
    with tempfile.TemporaryDirectory(prefix="posecheck-out-") as tmp:
        out = os.path.join(tmp, "annotated.mp4")
        try:
            from ..run.files import analyze_video

            report = analyze_video(path, exercise, stride=None, annotate_to=out, progress=progress,
                                   mirrored=mirrored)
        except PosecheckError as exc:
            # the file's sentences name it by its path's name: an upload's private copy is
            # "input.mp4", which the person never chose; they know it by the name they uploaded
            message, private_name = str(exc), os.path.basename(path)
            if message.startswith(private_name):
                message = _shown(result.name) + message[len(private_name):]
            result.error = message
            return result
        except Exception:  # noqa: BLE001 - a page shows a sentence, the log keeps the trace
            log.exception("analysing %s failed", result.name)
            result.error = ("Something went wrong while analysing this video. "
                            "Try another file, or convert it to MP4 (H.264) and upload it again.")
            return result
        result.report = report
        if os.path.exists(out) and os.path.getsize(out) > 0:
            with open(out, "rb") as fh:
                result.video = fh.read()
        else:
            result.notes.append("The annotated video could not be made.")
    return result


def review_upload(uploaded, exercise: Exercise, key: tuple, progress=None,
                  mirrored: bool = False) -> ReviewResult:
    """Check the size, copy the upload to a private temporary folder (under a fixed name, never
    the uploaded one), analyse it, and delete the copy."""
    name = getattr(uploaded, "name", "") or "video"
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        return ReviewResult(key=key, name=name, error=(
            f"This file is {size / 1024 / 1024:.0f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "Trim or compress the video and try again."))
    if size == 0:
        return ReviewResult(key=key, name=name, error="This file is empty.")
    with tempfile.TemporaryDirectory(prefix="posecheck-in-") as tmp:
        path = os.path.join(tmp, "input" + _suffix(name))
        try:
            if hasattr(uploaded, "seek"):
                uploaded.seek(0)
            with open(path, "wb") as fh:
                shutil.copyfileobj(uploaded, fh, length=1024 * 1024)
        except OSError:
            log.exception("saving the upload failed")
            return ReviewResult(key=key, name=name,
                                error="The upload could not be saved on the server. Try again.")
        return review_file(path, exercise, key=key, name=name, progress=progress,
                           mirrored=mirrored)


def reps_text(report: Report) -> list[tuple[str, int]]:
    """(label, count) pairs: the total, then per side when the exercise is sided."""
    items = [("Reps", report.reps)]
    items += [(f"Reps ({side})", n) for side, n in sorted(report.reps_by_side.items())]
    return items


def set_rows(report: Report) -> list[dict]:
    rows = []
    for s in report.sets:
        faults = ", ".join(f"{k.replace('_', ' ')} x{n}" for k, n in s.fault_counts.items())
        rows.append({
            "Set": s.index,
            **({"Side": s.side or ""} if report.reps_by_side else {}),
            "Reps": s.rep_count,
            "From (s)": round(reported(s.started_s), 1),
            "To (s)": round(reported(s.ended_s), 1),
            "Partial": s.partial_reps,
            "Faults": faults or "none",
        })
    return rows


def session_record(report: Report, session_id: str, when: str) -> SessionRecord:
    """The review as a finished session for the history: the report's sets as the session
    made them (full-precision numbers, each rep with its own)."""
    sets = list(report.sets)
    sides = {s.side for s in sets if s.side}
    side = None if not sides else sides.pop() if len(sides) == 1 else "both"
    return SessionRecord(id=session_id, started_at=when, exercise_id=report.exercise,
                         exercise_name=report.exercise_name, side=side, source=SOURCE_VIDEO,
                         planned_sets=len(sets),
                         target_reps=sets[0].target_reps if sets else 0,
                         status=FINISHED, ended_at=when, sets=sets)


# how the tables' numbers are written, so a column reads evenly ("8" stood beside "3.7")
NUMBER_FORMATS = {"Start (s)": "%.1f", "End (s)": "%.1f", "From (s)": "%.1f", "To (s)": "%.1f",
                  "Range (deg)": "%d", "Target (deg)": "%d", "Hold (s)": "%.1f"}
# A rep fault's cue is said while the rep runs or as it ends; this long after the end still
# counts as said about that rep (the cue for a rep's end comes on the frame it ends, ~0.1 s).
SAID_AFTER_REP_S = 1.0


def said_faults(report: Report, rep) -> set[str]:
    """The faults of a rep that were spoken as a cue during it (cues have a cooldown, so a
    fault repeated rep after rep is said only now and then; faults are found every time)."""
    return {c.code for c in report.cues
            if c.code in rep.faults and rep.start_s <= c.t <= rep.end_s + SAID_AFTER_REP_S}


def fault_words(report: Report, rep) -> str:
    said = said_faults(report, rep)
    return ", ".join(f.replace("_", " ") + (" (said)" if f in said else "")
                     for f in rep.faults) or "none"


def rep_rows(report: Report) -> list[dict]:
    rows = []
    for r, set_index in zip(report.rep_details, report.rep_sets()):
        rows.append({
            "Rep": r.index,
            **({"Set": set_index} if len(report.sets) > 1 else {}),
            **({"Side": r.side or ""} if report.reps_by_side else {}),
            "Start (s)": round(reported(r.start_s), 1),
            "End (s)": round(reported(r.end_s), 1),
            "Range (deg)": round(reported(r.range_deg, ANGLE_DIGITS)),
            "Target (deg)": round(reported(r.target_deg, ANGLE_DIGITS)),
            "Hold (s)": round(reported(r.hold_s), 1),
            "Faults": fault_words(report, r),
        })
    return rows


def fault_cues(report: Report) -> list[Cue]:
    return [c for c in report.cues if c.code not in NO_CUES]


def cue_lines(report: Report) -> list[str]:
    """Every cue said, as a Markdown list item with its time."""
    return [f"- {reported(c.t):.1f} s: {c.message}" for c in report.cues]


def target_band(exercise: Exercise, report: Report | None = None) -> tuple[float, float]:
    """The rep angle's target band, as the chart draws it on the angle itself: from the
    person's start (the median of their reps' starts; before any rep, the start range's low end
    or 0) plus the range the reps were shown against (chosen, else the standard target), up to
    the first limit a fault puts on the same angle (the lumbar extension's hyperextension at
    55 deg), else the top of the angle's shown range. The one place that reads the counting
    rule's numbers for the page."""
    spec = FEATURE_BY_NAME[exercise.rep.feature]
    rule = exercise.rep
    starts = [r.start_deg for r in (report.rep_details if report else ()) if r.start_deg == r.start_deg]
    start = statistics.median(starts) if starts else max(rule.start_range[0], 0.0)
    target = report.target_deg if report and report.target_deg == report.target_deg else rule.target
    low = start + target
    limits = [f.above for f in exercise.faults
              if f.feature == rule.feature and f.stat == "max" and f.above is not None]
    high = min(limits) if limits else (spec.shown[1] if spec.shown else low)
    return min(low, high), high


def angle_name(report: Report) -> str:
    spec = FEATURE_BY_NAME.get(report.series_feature or "")
    word = spec.label if spec and spec.label else (report.series_feature or "angle")
    return word.replace("_{side}", "").replace("_", " ")


def chart_title(report: Report) -> str:
    return (f"The {angle_name(report)} angle over time (green band: the target range; shaded: "
            "counted reps; marks: each rep's faults, filled where the cue was said)")


def chart_range(values: list[float], band: tuple[float, float] | None,
                shown: tuple[float, float] | None) -> tuple[float, float]:
    """The y axis: the values and the band's lower edge (where the working range begins; its top
    may be the end of the shown range), inside the angle's shown range, with a margin (the
    lumbar extension's axis ran -300..100 for a 0-60 deg working range)."""
    points = list(values) + ([band[0]] if band else [])
    if not points:
        return shown or (0.0, 90.0)
    low, high = min(points), max(points)
    if shown:
        low, high = max(low, shown[0]), min(high, shown[1])
    margin = max(5.0, 0.05 * (high - low))
    low, high = low - margin, high + margin
    if shown:
        low, high = max(low, shown[0]), min(high, shown[1])
    return low, high


def angle_chart(report: Report, exercise: Exercise | None = None):
    """Altair chart: the rep angle over time as a person reads it (inside the feature's shown
    range), the exercise's target band, shaded reps, and every rep's faults marked at its end
    (filled where the cue was said, hollow where it was found but not said)."""
    import altair as alt
    import pandas as pd

    spec = FEATURE_BY_NAME.get(report.series_feature or "")
    shown = spec.shown if spec else None

    def readable(d):
        if d is None:
            return None
        d = reported(d, ANGLE_DIGITS)
        return spec.as_shown(d) if spec else d

    deg = [readable(d) for _, d in report.series]
    band = target_band(exercise, report) if exercise is not None else None
    low, high = chart_range([d for d in deg if d is not None], band, shown)
    series = pd.DataFrame({"t": [reported(t) for t, _ in report.series], "deg": deg})
    y_title = f"{angle_name(report)} (deg)"
    y_scale = alt.Scale(domain=[low, high], nice=False)
    line = alt.Chart(series).mark_line(color="#1d4e89").encode(
        x=alt.X("t:Q", title="time (s)"), y=alt.Y("deg:Q", title=y_title, scale=y_scale),
        tooltip=[alt.Tooltip("t:Q", format=".1f", title="time (s)"),
                 alt.Tooltip("deg:Q", format=".0f", title="deg")])
    layers = [line]
    if band is not None:
        target = pd.DataFrame([{"low": max(band[0], low), "high": min(band[1], high),
                                "what": f"target {band[0]:.0f}-{band[1]:.0f} deg"}])
        layers.insert(0, alt.Chart(target).mark_rect(opacity=0.18, color="#2a9d48").encode(
            y=alt.Y("low:Q", scale=y_scale), y2="high:Q", tooltip=["what:N"]))
    if report.rep_details:
        reps = pd.DataFrame([{"start": reported(r.start_s), "end": reported(r.end_s),
                              "rep": f"rep {r.index}"} for r in report.rep_details])
        layers.insert(0, alt.Chart(reps).mark_rect(opacity=0.12, color="#888888").encode(
            x="start:Q", x2="end:Q", tooltip=["rep:N"]))
    marks = []
    for r in report.rep_details:
        said = said_faults(report, r)
        for i, code in enumerate(r.faults):
            marks.append({"t": reported(r.end_s), "y": high - (i + 0.6) * 0.07 * (high - low),
                          "fault": code.replace("_", " "), "rep": r.index,
                          "said": "said" if code in said else "not said"})
    if marks:
        layers.append(alt.Chart(pd.DataFrame(marks)).mark_point(shape="triangle-down", size=140,
                                                                color="#d62828").encode(
            x="t:Q", y=alt.Y("y:Q", scale=y_scale),
            fill=alt.Fill("said:N", scale=alt.Scale(domain=["said", "not said"],
                                                    range=["#d62828", "white"]),
                          legend=alt.Legend(title="fault cue", orient="bottom")),
            tooltip=["rep:Q", "fault:N", "said:N"]))
    return alt.layer(*layers).properties(height=260)
