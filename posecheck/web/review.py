"""Review an uploaded video: save it privately, analyse it, and shape the report for the page.

Nothing here imports Streamlit; the page passes in the uploaded file (any object with .read
and .size) and a progress callback.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field

from ..errors import PosecheckError
from ..engine.exercises import Exercise
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


def rep_rows(report: Report) -> list[dict]:
    rows = []
    for r, set_index in zip(report.rep_details, report.rep_sets()):
        rows.append({
            "Rep": r.index,
            **({"Set": set_index} if len(report.sets) > 1 else {}),
            **({"Side": r.side or ""} if report.reps_by_side else {}),
            "Start (s)": round(reported(r.start_s), 1),
            "End (s)": round(reported(r.end_s), 1),
            "Range (deg)": round(reported(r.peak_deg, ANGLE_DIGITS)),
            "Hold (s)": round(reported(r.hold_s), 1),
            "Faults": ", ".join(f.replace("_", " ") for f in r.faults) or "none",
        })
    return rows


def fault_cues(report: Report) -> list[Cue]:
    return [c for c in report.cues if c.code not in NO_CUES]


def cue_lines(report: Report) -> list[str]:
    """Every cue said, as a Markdown list item with its time."""
    return [f"- {reported(c.t):.1f} s: {c.message}" for c in report.cues]


def angle_chart(report: Report):
    """Altair chart: the rep angle over time, shaded reps, red marks where a fault was cued."""
    import altair as alt
    import pandas as pd

    deg = [None if d is None else reported(d, ANGLE_DIGITS) for _, d in report.series]
    series = pd.DataFrame({"t": [reported(t) for t, _ in report.series], "deg": deg})
    feature = (report.series_feature or "angle").replace("_{side}", "").replace("_", " ")
    y_title = f"{feature} (deg)"
    line = alt.Chart(series).mark_line().encode(
        x=alt.X("t:Q", title="time (s)"), y=alt.Y("deg:Q", title=y_title),
        tooltip=[alt.Tooltip("t:Q", format=".1f"), alt.Tooltip("deg:Q", format=".0f")])
    layers = [line]
    if report.rep_details:
        reps = pd.DataFrame([{"start": reported(r.start_s), "end": reported(r.end_s),
                              "rep": f"rep {r.index}"} for r in report.rep_details])
        layers.insert(0, alt.Chart(reps).mark_rect(opacity=0.15, color="#2a9d8f").encode(
            x="start:Q", x2="end:Q", tooltip=["rep:N"]))
    faults = fault_cues(report)
    if faults:
        top = max((d for d in deg if d is not None), default=0)
        marks = pd.DataFrame([{"t": reported(c.t), "y": top, "cue": c.message} for c in faults])
        layers.append(alt.Chart(marks).mark_point(shape="triangle-down", size=120, color="#d62828",
                                                  filled=True).encode(
            x="t:Q", y="y:Q", tooltip=["cue:N", alt.Tooltip("t:Q", format=".1f")]))
    return alt.layer(*layers).properties(height=260)
