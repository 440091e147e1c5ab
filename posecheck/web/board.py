"""The live status board: large, high-contrast HTML readable from 2-3 m. Pure functions."""

from __future__ import annotations

import html
import math

from ..engine.feedback import CueTiming
from ..engine.records import SetRecord
from ..engine.routine_session import BETWEEN, ROUTINE_DONE, ROUTINE_STOPPED, ExerciseResult, RoutineStatus
from ..engine.session import COUNTING, DONE, GETTING_READY, REST, STOPPED, Announcement, SessionStatus
from ..run.live import LiveSnapshot

# said words that also stand on the board for a while (rep numbers have their own counter)
_SHOWN = ("ready", "cue", "rest", "next_set", "switch_side", "wrong_side", "done", "hold", "release",
          "routine", "next_exercise", "routine_done")
SHOW_S = CueTiming().display_s


def latest_words(said: tuple[Announcement, ...], now: float) -> str:
    """The newest announcement worth showing, while it is fresh."""
    for a in reversed(said):
        if a.kind in _SHOWN:
            return a.text if now - a.t <= SHOW_S else ""
    return ""


def ring_svg(fraction: float, size: int = 120) -> str:
    """A ring that empties as the hold is done (fraction 0..1 of the hold behind you)."""
    r = size / 2 - 10
    circumference = 2 * math.pi * r
    left = max(0.0, min(1.0, 1.0 - fraction))
    c = size / 2
    return (f'<svg class="pc-ring" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
            f'role="img" aria-label="hold {int(round(fraction * 100))}%">'
            f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="#ddd" stroke-width="12"/>'
            f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="#1d4e89" stroke-width="12" '
            f'stroke-dasharray="{circumference:.1f}" stroke-dashoffset="{circumference * (1 - left):.1f}" '
            f'transform="rotate(-90 {c} {c})"/></svg>')


def _side(side: str | None) -> str:
    return f" &middot; {html.escape(side)}" if side else ""


def summary_html(sets: tuple[SetRecord, ...]) -> str:
    """One row per set; a fault per line ("no pause x5" wrapped over three lines when the
    faults shared one cell); no Side column for an exercise without sides, no Partial column
    when no rep fell short."""
    if not sets:
        return ""
    sided = any(s.side for s in sets)
    partial = any(s.partial_reps for s in sets)
    head = ["Set", *(["Side"] if sided else []), "Reps", *(["Partial"] if partial else []),
            "Form"]
    rows = []
    for s in sets:
        faults = "<br>".join(html.escape(f"{k.replace('_', ' ')} \u00d7{v}")
                             for k, v in s.fault_counts.items()) or "good"
        cells = [str(s.index), *([html.escape(s.side or "")] if sided else []),
                 f"{s.rep_count} / {s.target_reps}", *([str(s.partial_reps)] if partial else []),
                 faults]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return f'<table class="pc-summary"><tr>{header}</tr>{"".join(rows)}</table>'


def routine_summary_html(results: tuple[ExerciseResult, ...]) -> str:
    """One row per exercise of a routine: sets done of planned, reps, the faults."""
    if not results:
        return ""
    rows = []
    for r in results:
        faults = "<br>".join(html.escape(f"{k.replace('_', ' ')} \u00d7{v}")
                             for k, v in r.fault_counts.items()) or ("good" if r.reps else "")
        done = sum(1 for s in r.sets if s.completed)
        rows.append(f"<tr><td>{html.escape(r.name)}</td><td>{done} / {r.planned_sets}</td>"
                    f"<td>{r.reps}</td><td>{faults}</td></tr>")
    return ('<table class="pc-summary"><tr><th>Exercise</th><th>Sets</th><th>Reps</th>'
            f'<th>Form</th></tr>{"".join(rows)}</table>')


def _routine_head(r: RoutineStatus) -> str:
    return (f'<div class="pc-routine">{html.escape(r.name)} &middot; exercise {r.index + 1} '
            f'of {r.count}: {html.escape(r.exercise_name)}</div>')


def routine_board_html(snap: LiveSnapshot, playing: bool) -> str | None:
    """The board between a routine's exercises and at its end; None while an exercise runs
    (the exercise's own board then shows, under the routine's line)."""
    r = snap.routine
    if r is None or r.state not in (BETWEEN, ROUTINE_DONE, ROUTINE_STOPPED):
        return None
    parts = ['<div class="pc-live">']
    if r.state == BETWEEN:
        parts.append(_routine_head(r))
        parts.append(f'<div class="pc-set">Next: {html.escape(r.exercise_name)}</div>')
        parts.append(f'<div class="pc-big">in {int(math.ceil(r.between_left_s or 0))} s</div>')
        parts.append(f'<div class="pc-cue">{html.escape(r.view_words)}</div>')
        parts.append(f'<div class="pc-done">Done so far: {r.total_reps} reps</div>')
    else:
        title = "Routine done" if r.state == ROUTINE_DONE else "Routine ended"
        parts += _ended(f"{title}: {html.escape(r.name)}", r.total_reps,
                        routine_summary_html(r.results), r.state == ROUTINE_STOPPED and playing)
    parts.append("</div>")
    return "".join(parts)


def _ended(title: str, total_reps: int, summary: str, ask_again: bool) -> list[str]:
    """The board at the end of a session or routine: what was done, and how to go again."""
    parts = [f'<div class="pc-set">{title}</div>', f'<div class="pc-big">{total_reps} reps</div>',
             summary]
    if ask_again:
        parts.append('<div class="pc-cue">Press New session to start again.</div>')
    return parts


# What the page says about the camera, fitted to the moment (after a deliberate Stop it said
# "If the browser blocked the camera..."). Pure: page.py passes in what it knows.
CAMERA_OFF = "The camera is off. Press Start (or the space bar) and allow the camera."
STOPPED_BY_YOU = "You stopped the session; it is saved in your history. Press Start for a new one."
STARTING = ("Starting the camera... If the browser blocked the camera, allow it (the camera "
            "icon in the address bar), then press Stop and Start again.")
CAMERA_LOST = ("The camera stopped sending video. Check that it is connected and not used by "
               "another program, then press Stop and Start again.")


def breath_html(pace) -> str:
    """The breath pace: its words, and a bar that fills with the in-breath and empties with the
    out-breath (words first: the bar alone would be colour and shape only)."""
    filled = pace.fraction if pace.phase == "in" else 1.0 - pace.fraction
    return (f'<div class="pc-breath">{html.escape(pace.words)}'
            f'<div class="pc-breath-bar"><div style="width:{100 * filled:.0f}%"></div></div></div>')


def range_words(range_deg: float, target_deg: float) -> str:
    """The last rep against its target, as the board says it: "Range 18 of 25 deg"."""
    return f"Range {range_deg:.0f} of {target_deg:.0f} deg"


def camera_message(wanted: bool, stopped_by_you: bool, playing: bool,
                   lost: bool) -> tuple[str, str] | None:
    """(kind, sentence) for the camera's state, or None while it runs. kind: info or warning.
    wanted: the person pressed Start (not Stop); lost: the stream ended since that Start
    without a Stop (camera unplugged, no frames for a while)."""
    if not wanted:
        return ("info", STOPPED_BY_YOU) if stopped_by_you else ("info", CAMERA_OFF)
    if lost:
        return "warning", CAMERA_LOST
    if playing:
        return None
    return "info", STARTING


def _idle_words(starting: bool) -> str:
    return "Waiting for the camera." if starting else "Press Start to begin."


def session_over(snap: LiveSnapshot) -> bool:
    """The session (a routine: the whole run) has ended: done, stopped, or stopped for pain."""
    if snap.pain_stop:
        return True
    if snap.routine is not None:
        return snap.routine.state in (ROUTINE_DONE, ROUTINE_STOPPED)
    return snap.session is not None and snap.session.state in (DONE, STOPPED)


def pain_stop_html(snap: LiveSnapshot) -> str:
    """The board once the safety stop fired: what to do, in the board's large type, then what
    was done (nothing, when the pain was too high to start)."""
    parts = ['<div class="pc-live">', '<div class="pc-set">Let\'s stop here</div>',
             f'<div class="pc-pain-stop" role="alert">{html.escape(snap.pain_stop)}</div>',
             '<div class="pc-done">"When to see a professional", in the sidebar, lists the '
             'signs that need a doctor soon.</div>']
    r, st = snap.routine, snap.session
    if r is not None and r.results:
        parts.append(f'<div class="pc-done">Done: {r.total_reps} reps</div>')
        parts.append(routine_summary_html(r.results))
    elif st is not None and st.sets:
        parts.append(f'<div class="pc-done">Done: {st.total_reps} reps</div>')
        parts.append(summary_html(st.sets))
    parts.append("</div>")
    return "".join(parts)


def board_html(snap: LiveSnapshot, playing: bool, starting: bool = False) -> str:
    """starting: Start was pressed and the camera is not running yet (or was refused): the
    board then does not tell the person to press Start, which the button no longer says."""
    if snap.pain_stop:
        return pain_stop_html(snap)
    between_or_end = routine_board_html(snap, playing)
    if between_or_end is not None:
        return between_or_end
    st: SessionStatus | None = snap.session
    words = html.escape(latest_words(snap.said, snap.t)) if playing else ""
    parts = ['<div class="pc-live">']
    if snap.routine is not None:
        parts.append(_routine_head(snap.routine))
    if st is None:
        parts.append(f'<div class="pc-cue">{_idle_words(starting)}</div></div>')
        return "".join(parts)
    if st.state in (DONE, STOPPED):
        title = "All sets done" if st.state == DONE else "Session ended"
        parts += _ended(title, st.total_reps, summary_html(st.sets), st.state == STOPPED and playing)
        parts.append("</div>")
        return "".join(parts)
    target = f" / {st.target}" if st.target else ""
    parts.append(f'<div class="pc-set">Set {st.round} of {st.rounds}{_side(st.side)}</div>')
    if st.state == REST:
        left = int(math.ceil(st.rest_left_s or 0))
        parts.append(f'<div class="pc-big">Rest {left} s</div>')
    elif st.state == COUNTING:
        parts.append(f'<div class="pc-big">Rep {st.reps}{target}</div>')
        if st.hold is not None:
            parts.append(ring_svg(st.hold))
        if st.reps and snap.last_range is not None:
            parts.append(f'<div class="pc-range">{range_words(*snap.last_range)}</div>')
        if st.breath is not None:
            parts.append(breath_html(st.breath))
    else:  # setting up
        parts.append(f'<div class="pc-big">Rep 0{target}</div>')
        if playing:
            words = words or "Get into the start position and hold still."
    if not playing:
        words = _idle_words(starting) if st.state == GETTING_READY else "The camera is off."
    parts.append(f'<div class="pc-cue">{words or "&nbsp;"}</div>')
    if st.sets:
        parts.append(f'<div class="pc-done">Done so far: {st.total_reps} reps</div>')
    parts.append("</div>")
    return "".join(parts)


CSS = """
<style>
.pc-live {font-family: sans-serif; line-height: 1.15}
.pc-big {font-size: 4.5rem; font-weight: 800}
.pc-set {font-size: 2.5rem; font-weight: 700; color: #1d4e89}
.pc-cue {font-size: 2.4rem; font-weight: 700; color: #b5179e; min-height: 3em}
.pc-done {font-size: 1.4rem; color: #555}
.pc-pain-stop {font-size: 1.4rem; font-weight: 600; color: #0b3d66; background: #e8f1fb;
  border-left: 0.4rem solid #1d4e89; padding: 0.4em 0.6em; margin: 0.3em 0}
.pc-pain-q {font-size: 1.7rem; font-weight: 800; color: #0b3d66; margin: 0.2em 0}
.pc-pain-ends {font-size: 1rem; font-weight: 400; color: #444; margin-left: 0.5em}
.pc-routine {font-size: 1.3rem; font-weight: 700; color: #555}
.pc-range {font-size: 1.6rem; font-weight: 700; color: #1b5e20}
.pc-breath {font-size: 1.6rem; font-weight: 700; color: #0d47a1}
.pc-breath-bar {height: 0.6em; background: #dbe7f5; border-radius: 0.3em; margin-top: 0.15em}
.pc-breath-bar div {height: 100%; background: #1565c0; border-radius: 0.3em}
.pc-ring {display: block; margin: 0.2em 0}
.pc-summary {font-size: 1.3rem; border-collapse: collapse; margin-top: 0.5em}
.pc-summary td, .pc-summary th {padding: 0.2em 0.8em; border-bottom: 1px solid #ccc}
.pc-said {font-size: 1.1rem; color: #333; list-style: none; padding-left: 0}
.pc-said-t {color: #888; font-variant-numeric: tabular-nums}
</style>
"""
