"""Plain-text descriptions of an exercise for the page (pure functions, no Streamlit)."""

from __future__ import annotations

from ..engine.exercises import Exercise

DISCLAIMER = "Not a medical device. Stop if it hurts."

VIEW_TEXT = {
    "side": "Stand side-on to the camera",
    "front": "Face the camera",
    "any": "Side-on or facing the camera both work",
}


def _num(x: float) -> str:
    return f"{x:g}"


def prescription_lines(ex: Exercise) -> list[str]:
    p = ex.prescription
    reps = f"{p.reps_min}" if p.reps_min == p.reps_max else f"{p.reps_min}-{p.reps_max}"
    side = " per side" if p.per_side or ex.sided else ""
    lines = [f"{reps} reps{side} x {p.sets} set{'s' if p.sets != 1 else ''}"]
    if p.hold_s:
        lines.append(f"Hold {_num(p.hold_s)} s at the top of each rep")
    if p.pause_s:
        lines.append(f"Pause {_num(p.pause_s)} s at the turn of each rep")
    if p.tempo:
        lines.append(f"Tempo: {p.tempo}")
    if p.rest_s:
        lines.append(f"Rest {_num(p.rest_s)} s between sets")
    return lines


def view_line(ex: Exercise) -> str:
    text = VIEW_TEXT.get(ex.view, f"View: {ex.view}")
    return f"{text}. {ex.view_reason}".strip()

