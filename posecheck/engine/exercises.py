"""Exercise definitions: one TOML file per exercise in exercises/, validated when loaded.

An exercise says how a rep moves one angle (the rep feature) away from the person's own start
and back (the counting rule is in rules.py and README "How a rep is counted"). Its [rep] table
gives, in degrees of that feature:

    start_range = [low, high]   where a still start position can read, whatever the camera
    floor                       the smallest excursion from the start that is a deliberate movement
    gentle                      a small, comfortable range a person in pain may choose
    target                      the standard range the exercise asks for

with floor < gentle <= target. What protects the back is not in [rep]: the [[faults]] rules
compare features with absolute, anatomical limits.
A malformed file raises ExerciseFileError naming the file and the field; load_all() keeps
the good files and reports the bad ones.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExerciseFileError, UnknownExerciseError
from .feature_table import FEATURE_NAMES, SIDE, feature_key
from ..landmarks import JOINT_NAMES
from ..toml_reader import read_toml
from ..user_folders import package_data_dir

VIEWS = ("side", "front", "any")
# how an exercise's reference figure is seen (web/figure.py draws it), and the angles a pose
# may give: it is drawn from the view its camera has ("any" picks the one that shows the movement)
FIGURE_VIEWS = ("side", "front", "back")
FIGURE_POSES = ("start", "working")
FIGURE_ANGLES = ("trunk", "thigh", "shin", "arm", "head", "arch", "turn", "thigh2", "shin2", "arm2",
                 "thigh_out", "thigh_out2", "head_tilt", "shoulder_lift", "twist")
# where the person is while doing it: the page's picker groups the exercises by it
GROUPS = ("standing", "floor", "desk")
# a fault rule's window: the whole rep, or while in one of the phases rules.WORKING / rules.START
WINDOWS = ("rep", "working", "start")
STATS = ("max", "min", "shift", "rise")
MEASURES = ("rep_s", "down_s", "up_s", "hold_s")
# What one counted unit of an exercise is: a rep (out to the working range and back), or a hold
# (out to the working range, held there `hold_s` seconds in all, paused while out of position,
# and back). Counted both ways on the return, as every rep is.
REPS_UNIT, HOLD_UNIT = "reps", "hold"
UNITS = (REPS_UNIT, HOLD_UNIT)
# Codes the engine itself reports; an exercise file words their cues in [cues], never as rules.
# shallow: a movement past the floor that fell clearly short of the person's own range.
BUILTIN_FAULTS = ("not_visible", "wrong_view", "one_person", "shallow")
SHALLOW = "shallow"
# A hint, not a fault: a counted rep short of the exercise's standard target, said only to a
# person who has not chosen a smaller range. An exercise file may word it its own way.
BELOW_TARGET = "below_target"
DEFAULT_BELOW_TARGET_CUE = "A little further, if it is comfortable."
# Said when the pose jumps to another body; an exercise file may word it its own way.
DEFAULT_ONE_PERSON_CUE = "Only one person in view, please - then start again from the start position."
_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def default_exercise_dir() -> Path:
    """The exercise files shipped inside the package (posecheck/exercises/), or $POSECHECK_EXERCISES."""
    return package_data_dir("exercises", "POSECHECK_EXERCISES")


@dataclass(frozen=True)
class RepRule:
    feature: str  # contains feature_table.SIDE when the exercise is sided
    start_range: tuple[float, float]  # where a still start position can read (absolute, deg)
    floor: float  # the smallest excursion from the start that is a deliberate movement
    gentle: float  # a small, comfortable range (excursion) a person may choose
    target: float  # the standard range (excursion) the exercise asks for
    min_rep_s: float
    bottom_band: float  # within this many degrees of the rep's peak counts as holding the top
    sided: bool
    still_below: float = 15.0  # deg/s: slower than this near the peak is a pause, not a turn

    def feature_for(self, side: str) -> str:
        return feature_key(self.feature, side)


@dataclass(frozen=True)
class FaultRule:
    code: str
    cue: str
    reason: str
    priority: int  # 1 = safety, 2 = form, 3 = tempo; lower is said first
    # a feature rule: `stat` of `feature` over the `during` window compared with above/below;
    # stat "shift" is the distance from the feature's value when the window opened, "rise" the
    # same distance one way only (up)
    feature: str | None = None
    during: str = "rep"
    stat: str = "max"
    # a rep measure rule: a duration of the rep (MEASURES)
    measure: str | None = None
    above: float | None = None
    below: float | None = None
    persist_s: float = 0.25  # how long the condition must hold before it counts
    # judged only in reps that went this far from the person's start (degrees of the rep
    # angle): a fault of the full movement that a gentle variant does on purpose
    from_range: float = 0.0


@dataclass(frozen=True)
class Prescription:
    reps_min: int
    reps_max: int
    sets: int
    hold_s: float
    pause_s: float
    rest_s: float
    tempo: str
    per_side: bool
    unit: str = REPS_UNIT  # REPS_UNIT or HOLD_UNIT (each rep is a hold of hold_s seconds)
    # a movement that goes with the breath: the session shows a slow pace, in then out (0: none)
    breath_in_s: float = 0.0
    breath_out_s: float = 0.0

    @property
    def breath_paced(self) -> bool:
        return self.breath_in_s > 0


# What each session word may fill in when it is said: "{n}" becomes the rep number, etc.
SPEECH_FIELDS: dict[str, frozenset[str]] = {
    "rep": frozenset({"n"}),
    "rest": frozenset({"seconds"}),
    "next_set": frozenset({"set", "sets"}),
    "done": frozenset({"reps", "sets"}),
    "hold": frozenset(),
    "release": frozenset(),
    "switch_side": frozenset({"side"}),
    "wrong_side": frozenset({"side"}),
    "breathe_in": frozenset(),
    "breathe_out": frozenset(),
}


@dataclass(frozen=True)
class Speech:
    """The words a session says besides the cues (which are said exactly as written).

    hold/release exist when the prescription has a hold or a pause at the working end;
    switch_side/wrong_side when the exercise is done one side at a time; breathe_in/breathe_out
    when the prescription gives a breath pace (shown with the pace, and said only into silence:
    a word every 3 s must not drown the counts and cues, see session.BREATH_KINDS)."""

    rep: str  # after each counted rep: {n}
    rest: str  # a set is done and the rest begins: {seconds}
    next_set: str  # the rest is over: {set} of {sets}
    done: str  # every set is done: {reps} in {sets}
    hold: str | None = None  # the working range is reached: hold (or pause) there
    release: str | None = None  # held long enough: come back
    switch_side: str | None = None  # the next set is for the other side: {side}
    wrong_side: str | None = None  # a rep with the side this set is not for: {side}
    breathe_in: str | None = None  # the pace's in-breath, and what moves with it
    breathe_out: str | None = None  # the pace's out-breath

    def say(self, key: str, **values) -> str:
        return getattr(self, key).format(**values)


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    view: str
    view_reason: str
    needs: tuple[str, ...]
    start_position: str
    working_position: str
    rep: RepRule
    faults: tuple[FaultRule, ...]
    prescription: Prescription
    cues: dict[str, str]
    good_rep_cues: tuple[str, ...]
    speech: Speech
    source: str = ""
    figure: dict[str, dict[str, float | str]] = field(default_factory=dict)  # see _figure
    group: str | None = None  # GROUPS; None: a file that does not say (listed last)

    @property
    def sided(self) -> bool:
        return self.rep.sided

    @property
    def features(self) -> tuple[str, ...]:
        """Every feature the rules read, as the file names them: the rep feature first, once each."""
        return tuple(dict.fromkeys([self.rep.feature] + [f.feature for f in self.faults if f.feature]))

    def fault(self, code: str) -> FaultRule | None:
        return next((f for f in self.faults if f.code == code), None)

    def cue_for(self, code: str) -> str:
        rule = self.fault(code)
        return rule.cue if rule else self.cues.get(code, "")

    def priority_of(self, code: str) -> int:
        """A fault's priority; the engine's own shallow is a form fault (2)."""
        rule = self.fault(code)
        return rule.priority if rule else 2


class _Reader:
    """Typed access to a TOML table that names the file and field in every error."""

    def __init__(self, path: str, table: dict, where: str = ""):
        self.path, self.table, self.where = path, table, where
        self.used: set[str] = set()

    def _name(self, key: str) -> str:
        return f"{self.where}{key}"

    def fail(self, key: str, problem: str) -> ExerciseFileError:
        return ExerciseFileError(f"{self.path}: field '{self._name(key)}' {problem}")

    def get(self, key: str, kind, default=..., choices=None):
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "is missing.")
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is list:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise self.fail(key, "must be a list of non-empty strings.")
        elif not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise self.fail(key, f"must be {_KIND_NAMES.get(kind, kind.__name__)}, not {value!r}.")
        if kind is str and not value.strip():
            raise self.fail(key, "must not be empty.")
        if choices is not None and value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}, not {value!r}.")
        return value

    def file_id(self) -> str:
        """The file's `id`: lower_snake_case, and the file's own name."""
        value = self.get("id", str)
        if not _ID.match(value):
            raise self.fail("id", f"{value!r} must be lower_snake_case.")
        stem = Path(self.path).stem
        if stem != value:
            raise self.fail("id", f"is {value!r} but the file is named {stem}.toml.")
        return value

    def pair(self, key: str) -> tuple[float, float]:
        """[low, high]: two numbers, low below high."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            raise self.fail(key, "is missing.")
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
                and value[0] < value[1]):
            raise self.fail(key, f"must be [low, high], two numbers with low below high, not {value!r}.")
        return float(value[0]), float(value[1])

    def sub(self, key: str, default=...) -> "_Reader":
        table = self.get(key, dict, default)
        return _Reader(self.path, table or {}, f"{self.where}{key}.")

    def check_unknown(self) -> None:
        extra = sorted(set(self.table) - self.used)
        if extra:
            raise self.fail(extra[0], "is not a known field (a typo?).")


_KIND_NAMES = {float: "a number", int: "a whole number", str: "text", dict: "a table",
               bool: "true or false"}


def _check_feature(r: _Reader, key: str, name: str, sided: bool) -> None:
    if SIDE in name and not sided:
        raise r.fail(key, f"uses {SIDE} ({name!r}) but the rep is not sided.")
    if name not in FEATURE_NAMES:
        known = ", ".join(sorted(FEATURE_NAMES))
        raise r.fail(key, f"names an unknown feature {name!r}; known: {known}.")


def _rep(r: _Reader) -> RepRule:
    sided = r.get("sided", bool, False)
    feature = r.get("feature", str)
    _check_feature(r, "feature", feature, sided)
    if sided and SIDE not in feature:
        raise r.fail("feature", f"must contain {SIDE} when sided = true.")
    start_range = r.pair("start_range")
    rule = RepRule(
        feature=feature,
        start_range=start_range,
        floor=r.get("floor", float),
        gentle=r.get("gentle", float),
        target=r.get("target", float),
        min_rep_s=r.get("min_rep_s", float),
        bottom_band=r.get("bottom_band", float, 8.0),
        sided=sided,
        still_below=r.get("still_below", float, 15.0),
    )
    r.get("reason", str)
    if not 0 < rule.floor < rule.gentle <= rule.target:
        raise r.fail("floor", "and the ranges must satisfy 0 < floor < gentle <= target.")
    if rule.min_rep_s <= 0:
        raise r.fail("min_rep_s", "must be above 0.")
    r.check_unknown()
    return rule


def _fault(r: _Reader, sided: bool) -> FaultRule:
    code = r.get("code", str)
    if not _CODE.match(code) or code in BUILTIN_FAULTS:
        raise r.fail("code", f"{code!r} must be lower_snake_case and not one of {BUILTIN_FAULTS}.")
    feature = r.get("feature", str, None)
    measure = r.get("measure", str, None, choices=MEASURES)
    if (feature is None) == (measure is None):
        raise r.fail("feature", "or 'measure' must be given, one of the two.")
    if feature is not None:
        _check_feature(r, "feature", feature, sided)
    above = r.get("above", float, None)
    below = r.get("below", float, None)
    if (above is None) == (below is None):
        raise r.fail("above", "or 'below' must be given, one of the two.")
    rule = FaultRule(
        code=code, cue=r.get("cue", str), reason=r.get("reason", str),
        priority=r.get("priority", int, 2), feature=feature,
        during=r.get("during", str, "rep", choices=WINDOWS),
        stat=r.get("stat", str, "max", choices=STATS), measure=measure,
        above=above, below=below, persist_s=r.get("persist_s", float, 0.25),
        from_range=r.get("from_range", float, 0.0),
    )
    if rule.feature is not None:
        decidable = {("max", True), ("min", False), ("shift", True), ("rise", True), ("max", False), ("min", True)}
        if (rule.stat, rule.above is not None) not in decidable:
            raise r.fail("stat", "'shift' and 'rise' only go with 'above' (moved more than).")
    if rule.priority not in (1, 2, 3):
        raise r.fail("priority", "must be 1 (safety), 2 (form) or 3 (tempo).")
    r.check_unknown()
    return rule


def _speech(r: _Reader, prescription: Prescription, sided: bool) -> Speech:
    holds = prescription.hold_s > 0 or prescription.pause_s > 0
    needed = {"rep", "rest", "next_set", "done"}
    allowed = set(needed)
    if holds:
        needed.add("hold")
        allowed |= {"hold", "release"}
    if prescription.unit == HOLD_UNIT:
        needed.add("release")  # the person is told when the hold is done
    if sided:
        needed |= {"switch_side", "wrong_side"}
        allowed |= {"switch_side", "wrong_side"}
    if prescription.breath_paced:
        needed |= {"breathe_in", "breathe_out"}
        allowed |= {"breathe_in", "breathe_out"}
    words: dict[str, str] = {}
    for key in SPEECH_FIELDS:
        if key not in r.table:
            if key in needed:
                raise r.fail(key, "is missing.")
            continue
        if key not in allowed:
            why = ("the prescription has no hold_s or pause_s" if key in ("hold", "release")
                   else "the prescription has no breath pace" if key.startswith("breathe")
                   else "the rep is not sided")
            raise r.fail(key, f"is never said: {why}.")
        text = r.get(key, str)
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text)
                      if name is not None]
        except ValueError:
            raise r.fail(key, f"has unbalanced braces: {text!r}.") from None
        known = ", ".join(f"{{{n}}}" for n in sorted(SPEECH_FIELDS[key])) or "none"
        for name, spec, conv in fields:
            if name not in SPEECH_FIELDS[key] or spec or conv:
                raise r.fail(key, f"uses {{{name}{'!' + conv if conv else ''}"
                             f"{':' + spec if spec else ''}}}, which it cannot fill in; "
                             f"it can use: {known}.")
        words[key] = text
    r.check_unknown()
    return Speech(**words)


def parse_exercise(path: str, data: dict) -> Exercise:
    r = _Reader(path, data)
    ex_id = r.file_id()
    view = r.get("view", str, choices=VIEWS)
    needs = tuple(r.get("needs", list))
    for joint in needs:
        if joint not in JOINT_NAMES:
            raise r.fail("needs", f"names an unknown joint {joint!r}; known: {', '.join(JOINT_NAMES)}.")
    rep = _rep(r.sub("rep"))
    faults_raw = r.table.get("faults", [])
    r.used.add("faults")
    if not isinstance(faults_raw, list) or not all(isinstance(f, dict) for f in faults_raw):
        raise r.fail("faults", "must be an array of tables ([[faults]]).")
    faults = tuple(_fault(_Reader(path, f, f"faults[{i}]."), rep.sided) for i, f in enumerate(faults_raw))
    # several rules may share a code (one fault seen two ways); they must say the same cue
    cue_of: dict[str, str] = {}
    for i, f in enumerate(faults):
        if cue_of.setdefault(f.code, f.cue) != f.cue:
            raise r.fail(f"faults[{i}].cue", f"differs from the first rule with code {f.code!r}.")
    p = r.sub("prescription")
    prescription = Prescription(
        reps_min=p.get("reps_min", int), reps_max=p.get("reps_max", int), sets=p.get("sets", int),
        hold_s=p.get("hold_s", float, 0.0), pause_s=p.get("pause_s", float, 0.0),
        rest_s=p.get("rest_s", float, 60.0), tempo=p.get("tempo", str),
        per_side=p.get("per_side", bool, False), unit=p.get("unit", str, REPS_UNIT, choices=UNITS),
        breath_in_s=p.get("breath_in_s", float, 0.0), breath_out_s=p.get("breath_out_s", float, 0.0))
    if (prescription.breath_in_s > 0) != (prescription.breath_out_s > 0) \
            or min(prescription.breath_in_s, prescription.breath_out_s) < 0:
        raise p.fail("breath_in_s", "and breath_out_s go together: both above 0 (a pace) or neither.")
    if not 1 <= prescription.reps_min <= prescription.reps_max or prescription.sets < 1:
        raise p.fail("reps_min", "must be at least 1 and no more than reps_max; sets at least 1.")
    if prescription.unit == HOLD_UNIT:
        if prescription.hold_s <= 0:
            raise p.fail("hold_s", "must be above 0 when unit = \"hold\" (how long each hold lasts).")
        if not any(f.measure == "hold_s" and f.below is not None for f in faults):
            raise r.fail("faults", "needs a rule with measure = \"hold_s\" and below when the unit is "
                         "a hold: it is what is said when a hold is released too early.")
    p.check_unknown()
    c = r.sub("cues")
    cues = {key: c.get(key, str) for key in ("not_visible", "wrong_view", "ready")}
    cues["one_person"] = c.get("one_person", str, DEFAULT_ONE_PERSON_CUE)
    cues[SHALLOW] = c.get(SHALLOW, str)
    cues[BELOW_TARGET] = c.get(BELOW_TARGET, str, DEFAULT_BELOW_TARGET_CUE)
    good = tuple(c.get("good_rep", list))
    c.check_unknown()
    speech = _speech(r.sub("speech"), prescription, rep.sided)
    figure = _figure(r.sub("figure", {}))
    group = r.get("group", str, None, choices=GROUPS)
    exercise = Exercise(
        id=ex_id, name=r.get("name", str), summary=r.get("summary", str),
        steps=tuple(r.get("steps", list)), view=view, view_reason=r.get("view_reason", str),
        needs=needs, start_position=r.get("start_position", str),
        working_position=r.get("working_position", str), rep=rep, faults=faults,
        prescription=prescription, cues=cues, good_rep_cues=good, speech=speech, source=path,
        figure=figure, group=group)
    r.check_unknown()
    return exercise


def _figure(f: _Reader) -> dict[str, dict]:
    """The reference figure's poses, each carrying the figure's view so that a pose alone says
    how it is drawn: {"start": {"view": "front", "trunk": 0.0, ...}, "working": {...}}."""
    if not f.table:
        return {}
    view = f.get("view", str, "side", choices=FIGURE_VIEWS)
    poses = {}
    for pose in FIGURE_POSES:
        angles = f.sub(pose)
        poses[pose] = {"view": view}
        for name in angles.table:
            if name not in FIGURE_ANGLES:
                raise angles.fail(name, f"is not a figure angle (one of {', '.join(FIGURE_ANGLES)}).")
            poses[pose][name] = angles.get(name, float)
    f.check_unknown()
    return poses


def load_exercise_file(path: str | Path) -> Exercise:
    path = str(path)
    data = read_toml(path, ExerciseFileError)
    return parse_exercise(path, data)


@dataclass
class ExerciseLibrary:
    exercises: dict[str, Exercise]
    errors: list[str]  # one sentence per file that failed to load

    def get(self, exercise_id: str) -> Exercise:
        if exercise_id in self.exercises:
            return self.exercises[exercise_id]
        known = ", ".join(sorted(self.exercises)) or "none"
        raise UnknownExerciseError(f"Unknown exercise '{exercise_id}'. Known exercises: {known}.")


def load_all(directory: str | Path | None = None) -> ExerciseLibrary:
    """Load every exercises/*.toml; a broken file is reported, the others still load."""
    directory = Path(directory) if directory else default_exercise_dir()
    exercises: dict[str, Exercise] = {}
    errors: list[str] = []
    if not directory.is_dir():
        return ExerciseLibrary({}, [f"No exercise folder at {directory}."])
    for path in sorted(directory.glob("*.toml")):
        try:
            ex = load_exercise_file(path)
        except ExerciseFileError as exc:
            errors.append(str(exc))
            continue
        exercises[ex.id] = ex
    return ExerciseLibrary(exercises, errors)
