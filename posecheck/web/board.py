"""The live status board: large, high-contrast HTML readable from 2-3 m. Pure functions."""

from __future__ import annotations

import html
import math

from ..engine.feedback import CueTiming
from ..engine.records import SetRecord
from ..engine.session import COUNTING, DONE, GETTING_READY, REST, STOPPED, Announcement, SessionStatus
from ..run.live import LiveSnapshot

# said words that also stand on the board for a while (rep numbers have their own counter)
_SHOWN = ("ready", "cue", "rest", "next_set", "switch_side", "wrong_side", "done", "hold", "release")
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
    if not sets:
        return ""
    rows = []
    for s in sets:
        faults = ", ".join(f"{k.replace('_', ' ')} x{v}" for k, v in s.fault_counts.items()) or "none"
        rows.append(f"<tr><td>{s.index}</td><td>{html.escape(s.side or '')}</td>"
                    f"<td>{s.rep_count} / {s.target_reps}</td><td>{s.partial_reps}</td>"
                    f"<td>{html.escape(faults)}</td></tr>")
    return ('<table class="pc-summary"><tr><th>Set</th><th>Side</th><th>Reps</th>'
            f'<th>Partial</th><th>Faults</th></tr>{"".join(rows)}</table>')


def board_html(snap: LiveSnapshot, playing: bool) -> str:
    st: SessionStatus | None = snap.session
    words = html.escape(latest_words(snap.said, snap.t)) if playing else ""
    parts = ['<div class="pc-live">']
    if st is None:
        parts.append('<div class="pc-cue">Press Start to begin.</div></div>')
        return "".join(parts)
    if st.state in (DONE, STOPPED):
        title = "All sets done" if st.state == DONE else "Session ended"
        parts.append(f'<div class="pc-set">{title}</div>')
        parts.append(f'<div class="pc-big">{st.total_reps} reps</div>')
        parts.append(summary_html(st.sets))
        if st.state == STOPPED and playing:
            parts.append('<div class="pc-cue">Press New session to start again.</div>')
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
    else:  # setting up
        parts.append(f'<div class="pc-big">Rep 0{target}</div>')
        if playing:
            words = words or "Get into the start position and hold still."
    if not playing:
        words = "Press Start to begin." if st.state == GETTING_READY else "The camera is off."
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
.pc-ring {display: block; margin: 0.2em 0}
.pc-summary {font-size: 1.3rem; border-collapse: collapse; margin-top: 0.5em}
.pc-summary td, .pc-summary th {padding: 0.2em 0.8em; border-bottom: 1px solid #ccc}
.pc-said {font-size: 1.1rem; color: #333; list-style: none; padding-left: 0}
.pc-said-t {color: #888; font-variant-numeric: tabular-nums}
</style>
"""
