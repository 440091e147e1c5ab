"""Routines: short programmes of several exercises, one TOML file each in routines/. Pure.

A routine names its exercises in order, each with its sets, reps per set, rest and (for a
one-sided exercise) the side, and may word what is said between them:

    id = "back_basics"
    name = "Back basics"
    summary = "..."
    between_s = 20          # seconds to get into the next exercise's position (optional)

    [[steps]]
    exercise = "lumbar_extension"
    sets = 3
    reps = [5, 7]           # or one number; a set ends at the first (the least asked for)
    rest_s = 60             # optional: the exercise's own rest between sets
    side = "both"           # only for one-sided exercises; "both" when left out

    [words]                 # optional; each may use only its own placeholders
    intro = "..."           # said when the routine starts
    next = "Next: {name}. {view}"
    done = "{routine} done: {reps} reps in {exercises} exercises. Well done."

A malformed file, or one that names an exercise that is not there, raises RoutineFileError
naming the file and the field; load_routines() keeps the good files and reports the others
(a routine whose exercises have not been written yet is listed as not available, with why).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExerciseFileError, RoutineFileError
from ..landmarks import SIDES
from ..toml_reader import read_toml
from ..user_folders import package_data_dir
from .exercises import ExerciseLibrary, _Reader

BOTH = "both"
MAX_SETS = 10
MAX_REPS = 50
# between exercises: long enough to read the next exercise's name, hear how to face the camera
# and get down onto the floor (standing -> lying face down takes 10-15 s for a stiff back)
DEFAULT_BETWEEN_S = 20.0

WORD_FIELDS: dict[str, frozenset[str]] = {
    "intro": frozenset({"routine", "exercises"}),
    "next": frozenset({"name", "view", "sets", "reps", "n", "of"}),
    "done": frozenset({"routine", "reps", "exercises"}),
}
DEFAULT_WORDS = {
    "intro": "{routine}: {exercises} exercises. The session moves on by itself.",
    # {view} is the exercise's own words for how to face the camera (its wrong_view cue)
    "next": "Next: {name}. {view}",
    "done": "{routine} done: {reps} reps in {exercises} exercises. Well done.",
}


def default_routine_dir() -> Path:
    """The routine files shipped inside the package (posecheck/routines/), or $POSECHECK_ROUTINES."""
    return package_data_dir("routines", "POSECHECK_ROUTINES")


@dataclass(frozen=True)
class RoutineStep:
    exercise_id: str
    sets: int
    reps_min: int  # a set ends when it reaches this many reps
    reps_max: int  # what the programme allows, for the person reading it
    rest_s: float | None  # between this exercise's sets; None: the exercise's own
    side: str | None  # one-sided exercises: left, right or both; else None


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    summary: str
    steps: tuple[RoutineStep, ...]
    between_s: float
    words: dict[str, str]
    source: str = ""

    def say(self, key: str, **values) -> str:
        return self.words[key].format(**values)


class _RoutineReader(_Reader):
    def fail(self, key: str, problem: str) -> RoutineFileError:
        return RoutineFileError(f"{self.path}: field '{self._name(key)}' {problem}")

    def sub(self, key: str, default=...) -> "_RoutineReader":
        table = self.get(key, dict, default)
        return _RoutineReader(self.path, table or {}, f"{self.where}{key}.")


def _reps(r: _RoutineReader) -> tuple[int, int]:
    r.used.add("reps")
    value = r.table.get("reps")
    if value is None:
        raise r.fail("reps", "is missing.")
    if isinstance(value, int) and not isinstance(value, bool):
        low = high = value
    elif (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        low, high = value
    else:
        raise r.fail("reps", f"must be a whole number or [least, most], not {value!r}.")
    if not 1 <= low <= high <= MAX_REPS:
        raise r.fail("reps", f"must be between 1 and {MAX_REPS}, the least first, not {value!r}.")
    return low, high


def _step(r: _RoutineReader, library: ExerciseLibrary) -> RoutineStep:
    ex_id = r.get("exercise", str)
    exercise = library.exercises.get(ex_id)
    if exercise is None:
        known = ", ".join(sorted(library.exercises)) or "none"
        raise r.fail("exercise", f"names an exercise that is not there: {ex_id!r}; known: {known}.")
    sets = r.get("sets", int)
    if not 1 <= sets <= MAX_SETS:
        raise r.fail("sets", f"must be between 1 and {MAX_SETS}, not {sets}.")
    low, high = _reps(r)
    rest = r.get("rest_s", float, None)
    if rest is not None and rest < 0:
        raise r.fail("rest_s", "cannot be negative.")
    side = r.get("side", str, None, choices=(*SIDES, BOTH))
    if exercise.sided:
        side = side or BOTH
    elif side is not None:
        raise r.fail("side", f"is only for one-sided exercises; {ex_id} is not one.")
    r.check_unknown()
    return RoutineStep(ex_id, sets, low, high, rest, side)


def _words(r: _RoutineReader) -> dict[str, str]:
    words = dict(DEFAULT_WORDS)
    for key, allowed in WORD_FIELDS.items():
        if key not in r.table:
            continue
        text = r.get(key, str)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            raise r.fail(key, f"has unbalanced braces: {text!r}.") from None
        for name in names:
            if name not in allowed:
                known = ", ".join(f"{{{n}}}" for n in sorted(allowed))
                raise r.fail(key, f"uses {{{name}}}, which it cannot fill in; it can use: {known}.")
        words[key] = text
    r.check_unknown()
    return words


def parse_routine(path: str, data: dict, library: ExerciseLibrary) -> Routine:
    r = _RoutineReader(path, data)
    routine_id = r.file_id()
    raw = r.table.get("steps")
    r.used.add("steps")
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise r.fail("steps", "must be one or more [[steps]] tables.")
    steps = tuple(_step(_RoutineReader(path, s, f"steps[{i}]."), library) for i, s in enumerate(raw))
    between = r.get("between_s", float, DEFAULT_BETWEEN_S)
    if between < 0:
        raise r.fail("between_s", "cannot be negative.")
    routine = Routine(id=routine_id, name=r.get("name", str), summary=r.get("summary", str),
                      steps=steps, between_s=between, words=_words(r.sub("words", {})),
                      source=r.get("source", str, ""))
    r.check_unknown()
    return routine


def load_routine_file(path: str | Path, library: ExerciseLibrary) -> Routine:
    path = str(path)
    data = read_toml(path, RoutineFileError)
    return parse_routine(path, data, library)


@dataclass
class RoutineLibrary:
    routines: dict[str, Routine]
    # file name without .toml -> why that routine cannot be run (a sentence naming the file)
    unavailable: dict[str, str]

    @property
    def errors(self) -> list[str]:
        return list(self.unavailable.values())

    def get(self, routine_id: str) -> Routine:
        if routine_id in self.routines:
            return self.routines[routine_id]
        if routine_id in self.unavailable:
            raise RoutineFileError(f"The routine '{routine_id}' cannot be run: "
                                   f"{self.unavailable[routine_id]}")
        known = ", ".join(sorted(self.routines)) or "none"
        raise RoutineFileError(f"Unknown routine '{routine_id}'. Known routines: {known}.")


def load_routines(library: ExerciseLibrary, directory: str | Path | None = None) -> RoutineLibrary:
    """Load every routines/*.toml against the exercises there are; a file that is malformed or
    names a missing exercise is reported under its name, the others still load."""
    directory = Path(directory) if directory else default_routine_dir()
    routines: dict[str, Routine] = {}
    unavailable: dict[str, str] = {}
    if not directory.is_dir():
        return RoutineLibrary({}, {})
    for path in sorted(directory.glob("*.toml")):
        try:
            routine = load_routine_file(path, library)
        except (RoutineFileError, ExerciseFileError) as exc:
            unavailable[path.stem] = str(exc)
            continue
        routines[routine.id] = routine
    return RoutineLibrary(routines, unavailable)
