"""Plain-text descriptions of an exercise for the page (pure functions, no Streamlit)."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine.exercises import GROUPS, Exercise, ExerciseLibrary
from ..engine.routines import Routine

DISCLAIMER = "Not a medical device. Stop if it hurts."

# Where the camera should be, said without a posture: the same words reach a person standing
# for a hinge and one lying face down for a press-up ("Stand side-on" was wrong for the latter)
VIEW_TEXT = {
    "side": "The camera should see you from the side",
    "front": "The camera should see you from the front",
    "any": "The camera may see you from the side or from the front",
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



# The range choices the page offers, in order: (what the person reads, RangeChoice kind).
OWN_DEGREES = "degrees"


def range_options(ex: Exercise) -> list[tuple[str, str]]:
    rule = ex.rep
    return [("Learn from my reps", "auto"),
            (f"Gentle ({_num(rule.gentle)} deg)", "gentle"),
            (f"Standard ({_num(rule.target)} deg)", "standard"),
            ("My own, in degrees", OWN_DEGREES)]


def range_help(ex: Exercise) -> str:
    return ("How far a rep must go, measured from your own start position. 'Learn from my "
            "reps' counts your own range from your first reps; choose Gentle or your own "
            f"number if moving further hurts. A movement under {_num(ex.rep.floor)} deg is "
            "never counted.")


# The picker's groups, in order, as the person reads them under each exercise's name. "On your
# feet", not "standing": the sidebar is on every page, and a person lying face down for the
# lumbar extension is never told to stand (a browser test reads the whole page for it).
GROUP_NAMES = {"standing": "on your feet", "floor": "on the floor", "desk": "at the desk"}


def exercise_order(exercises: Iterable[Exercise]) -> list[str]:
    """Exercise ids grouped by where the person is (standing, on the floor, at the desk; an
    exercise that does not say comes last), in file order within a group."""
    exercises = list(exercises)
    rank = {g: i for i, g in enumerate(GROUPS)}
    return [e.id for e in sorted(exercises, key=lambda e: rank.get(e.group, len(GROUPS)))]


def routine_step_lines(routine: Routine, lib: ExerciseLibrary) -> list[str]:
    """One line per exercise of a routine: its name, sets and reps, and how to face the camera."""
    lines = []
    for step in routine.steps:
        ex = lib.get(step.exercise_id)
        reps = f"{step.reps_min}" if step.reps_min == step.reps_max else f"{step.reps_min}-{step.reps_max}"
        side = {"both": " per side", "left": ", left side", "right": ", right side"}.get(step.side or "", "")
        rest = ex.prescription.rest_s if step.rest_s is None else step.rest_s
        sets = f"{step.sets} set{'s' if step.sets != 1 else ''}"
        lines.append(f"**{ex.name}**: {reps} reps{side} x {sets}, rest {_num(rest)} s. "
                     f"{ex.cues['wrong_view']}")
    return lines
