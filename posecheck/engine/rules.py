"""The rep state machine: features and time in, rep and fault events out. Pure.

Counted relatively (ranges.py): the rep feature's excursion from the person's own start,
against the person's range. Coached absolutely: the fault rules read the features themselves.

Phases:
    setup     -> the person's start not measured yet (a clip that begins mid-movement, or after
                 the person was out of view for a while); nothing can be counted
    start     -> at the start position
    moving    -> past the floor, the person's range not reached yet
    working   -> past the reach (half the person's range): the bottom of a hinge, the top of a
                 press-up
    returning -> dropped back from the working range on the way back
A rep counts on returning -> start. moving -> start is a partial rep: not counted, reported as
shallow. A movement that never passes the floor is nothing: not counted, not said.
While the needed joints are not seen, or the person faces the wrong way, the machine is
frozen: it judges nothing and counts nothing. A longer absence sends it back to setup, and
the start is measured again.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from .. import landmarks as L
from ..datatypes import Features
from .exercises import BELOW_TARGET, HOLD_UNIT, SHALLOW, Exercise, FaultRule
from .feature_table import feature_key
from .ranges import (BELOW_TARGET_SHARE, START_STILL_S, STILL_SPREAD, PersonsRange, RangeChoice,
                     StartTracker)

# The phases, as EngineState.phase carries them to the session and the overlay. Exercise files
# name their fault windows after two of them ("start", "working"; exercises.WINDOWS).
SETUP, START, MOVING, WORKING, RETURNING = "setup", "start", "moving", "working", "returning"
# The working end of a rep, where a hold is measured: a hold may go on while the angle has
# just dropped out of the working range (returning) if it is still within bottom_band of the peak.
AT_WORKING_END = (WORKING, RETURNING)

# Shorter losses of sight keep the rep in progress; longer ones abandon it (the person may
# have done anything meanwhile, and nothing may be counted that was not seen).
MAX_GAP_S = 1.0
# A condition (not visible / wrong view) is announced only once it lasts this long.
CONDITION_ANNOUNCE_S = 0.5
# Said at once when the pose jumps to another body (continuity.py): a second person, or a cut.
ONE_PERSON = "one_person"


# Out of the working range below this share of the reach, and back at the start below this
# share of the floor: the gaps are hysteresis, so jitter at a threshold cannot count twice.
EXIT_SHARE = 0.8
RETURN_SHARE = 0.6
# ... or, for a big rep, once three quarters of the way back: a resting thigh on all fours
# reads +-6 deg around its start (malik's front view), and a 40-deg lift lowered to 9.6 deg
# above the start was never counted before the video cut away.
RETURN_PEAK_SHARE = 0.25
# Back at the start also when the person stops, still, most of the way down: a resting
# position that reads a few degrees off the first one (a knee put down wider) ends the rep.
SETTLED_SHARE = 0.35
# Still this long past the floor, short of the reach, inside the start range: the person has
# settled into a new resting position (shifted a knee, lay down differently), not made an
# attempt. Longer than a held attempt (the articles' holds are 1-3 s).
NEW_REST_S = 4.0


@dataclass(frozen=True)
class RepRecord:
    index: int  # 1-based over the counted reps
    side: str | None
    start_s: float
    end_s: float
    peak_deg: float  # the rep feature's extreme, as measured
    down_s: float
    up_s: float
    hold_s: float
    faults: tuple[str, ...]
    start_deg: float = math.nan  # the person's start value this rep left from
    range_deg: float = math.nan  # the excursion reached: peak_deg - start_deg
    target_deg: float = math.nan  # the range it is shown against (chosen, else the standard)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class RuleEvent:
    t: float
    kind: str  # "ready" | "rep" | "partial" | "fault" | "condition" | "hint"
    code: str = ""  # fault or condition code
    side: str | None = None
    rep: RepRecord | None = None


@dataclass
class _Accumulator:
    rule: FaultRule
    first: float = math.nan
    max: float = -math.inf
    min: float = math.inf
    since: float | None = None  # when the live condition started to hold
    fired: bool = False
    live: bool = False  # the condition holds on the latest frame (fired or not)


@dataclass
class _RepInProgress:
    side: str | None
    start_s: float
    start_deg: float  # the person's start it left from
    reach: float  # the excursion that makes it a rep, fixed when it began
    samples: list[tuple[float, float]] = field(default_factory=list)
    peak_excursion: float = 0.0
    back_since: float | None = None  # when the rep first looked back at the start, in a row
    faults: list[str] = field(default_factory=list)
    windows: dict[str, list[_Accumulator]] = field(default_factory=dict)


# Speed is measured over this span: frame-to-frame differences of a smoothed angle still
# carry a few deg/s of jitter at 30 fps.
SPEED_SPAN_S = 0.2


def _speeds(samples: list[tuple[float, float]]) -> list[float]:
    """|d angle / dt| at each sample, as a central difference over about SPEED_SPAN_S."""
    out = []
    j0 = j1 = 0
    n = len(samples)
    for i, (t, _) in enumerate(samples):
        while samples[j0][0] < t - SPEED_SPAN_S / 2:
            j0 += 1
        j1 = max(j1, i)
        while j1 + 1 < n and samples[j1 + 1][0] <= t + SPEED_SPAN_S / 2:
            j1 += 1
        (ta, va), (tb, vb) = samples[j0], samples[j1]
        out.append(abs(vb - va) / (tb - ta) if tb > ta else 0.0)
    return out


def _holding(value: float, peak: float, speed: float, band: float, still_below: float) -> bool:
    """Holding at the working end: near the peak (within `band` degrees) and nearly still
    (slower than `still_below` deg/s). Nearness alone cannot tell a pause from a smooth turn:
    a slow bounce spends most of a second within 8 deg of its deepest point."""
    return value >= peak - band and speed < still_below


def _hold(samples: list[tuple[float, float]], band: float, still_below: float):
    """(peak, hold seconds, hold start, hold end) of a finished rep.

    The hold is the longest stretch of `_holding`, against the rep's peak, with the speed
    centred on each sample.
    """
    peak = max(v for _, v in samples)
    speeds = _speeds(samples)
    peak_t = next(t for t, v in samples if v == peak)
    best = (0.0, peak_t, peak_t)
    run_start = None
    for (t, v), speed in zip(samples, speeds):
        if _holding(v, peak, speed, band, still_below):
            if run_start is None:
                run_start = t
            if t - run_start >= best[0]:
                best = (t - run_start, run_start, t)
        else:
            run_start = None
    return peak, best[0], best[1], best[2]


class _LiveHold:
    """The hold of the rep in progress as it happens (the session's ring and release word): the
    same `_holding` as a finished rep's, but only the past is known, so the peak is the peak so
    far and the speed is over the last SPEED_SPAN_S.

    `accumulate` (a hold-type exercise, whose unit is a hold of N seconds): the position is the
    working range itself, not the nearness to a peak (an arch that goes further for a moment
    must not leave the right position "far from the peak" for the rest of the hold); the seconds
    held still there add up over the rep, and a moment out of position (moving, out of the
    working range, a form fault's condition) pauses the count instead of starting it again."""

    def __init__(self, band: float, still_below: float, accumulate: bool = False):
        self.band, self.still_below, self.accumulate = band, still_below, accumulate
        self._recent: deque[tuple[float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self._recent.clear()
        self._peak = -math.inf
        self._since: float | None = None
        self._banked = 0.0  # accumulate: seconds held before the latest pause
        self.held = 0.0

    def feed(self, t: float, m: float, position_right: bool = True) -> None:
        self._recent.append((t, m))
        while len(self._recent) > 2 and self._recent[1][0] <= t - SPEED_SPAN_S:
            self._recent.popleft()
        self._peak = max(self._peak, m)
        t0, m0 = self._recent[0]
        speed = abs(m - m0) / (t - t0) if t > t0 else 0.0
        band = math.inf if self.accumulate else self.band
        if position_right and _holding(m, self._peak, speed, band, self.still_below):
            if self._since is None:
                self._since = t
            self.held = self._banked + t - self._since
        elif self.accumulate:
            self._since, self._banked = None, self.held  # paused: kept, not lost
        else:
            self._since, self.held = None, 0.0


class RepCounter:
    """Counts reps and finds faults for one exercise on one stream of features."""

    def __init__(self, exercise: Exercise, range_choice: RangeChoice = RangeChoice()):
        self.exercise = exercise
        self.rule = exercise.rep
        self.range_choice = range_choice
        self.persons_range = PersonsRange(self.rule, range_choice)
        p = exercise.prescription
        # a hold-type exercise: a rep counts only once held this long in position (seconds)
        self.hold_unit_s = p.hold_s if p.unit == HOLD_UNIT else None
        self._starts = {side: StartTracker(self.rule) for side in self._channels}
        self.reset()

    @property
    def _channels(self) -> tuple[str | None, ...]:
        return L.SIDES if self.rule.sided else (None,)

    def reset(self) -> None:
        self.phase = SETUP
        self.reps: list[RepRecord] = []
        self.reps_by_side = dict.fromkeys(L.SIDES, 0) if self.rule.sided else {}
        self.partial_reps = 0
        self.metric: float | None = None
        self.excursion: float | None = None
        self._rep: _RepInProgress | None = None
        self._start_windows = self._windows_for(START)
        self._last_start_t: float | None = None
        self._last_start_values: dict[str, float] = {}
        self._frozen_since: float | None = None
        self._condition: str | None = None
        self._condition_since: float | None = None
        self._announced: str | None = None
        self._live_hold = _LiveHold(self.rule.bottom_band, self.rule.still_below,
                                    accumulate=self.hold_unit_s is not None)
        self._recent: deque[tuple[float, float]] = deque()  # the rep feature, for stillness
        # how long the rep feature has stayed within STILL_SPREAD while moving (a new rest?)
        self._settle_since, self._settle_lo, self._settle_hi = -math.inf, math.inf, -math.inf
        self._hint_armed = True
        self.persons_range.reset()
        for tracker in self._starts.values():
            tracker.reset()

    # ---- public -----------------------------------------------------------------------
    @property
    def conditions(self) -> tuple[str, ...]:
        """Conditions currently announced (not_visible / wrong_view)."""
        return (self._announced,) if self._announced else ()

    @property
    def side(self) -> str | None:
        return self._rep.side if self._rep else None

    @property
    def target_deg(self) -> float:
        """The range a rep is shown against: the chosen range, else the exercise's standard."""
        return self.range_choice.target(self.rule)

    @property
    def hold_s(self) -> float:
        """Seconds held still near the peak so far at the working end of the rep in progress;
        0 elsewhere, and while the person is not judged (nothing unseen counts as held)."""
        return self._live_hold.held

    def update(self, features: Features | None, t: float) -> list[RuleEvent]:
        events: list[RuleEvent] = []
        condition, values = self._check_condition(features)
        if condition:
            self._live_hold.reset()
            self._freeze(condition, t, events)
            return events
        self._thaw()
        self._step(values, features.values, t, events)
        if self.phase in AT_WORKING_END and self.metric is not None:
            self._live_hold.feed(t, self.metric, self._position_right())
        else:
            self._live_hold.reset()
        return events

    def _position_right(self) -> bool:
        """For a hold: in the working range, with no form fault's condition holding now (the
        hold pauses while one does). A rep exercise's hold is only about staying near the peak."""
        if self.hold_unit_s is None:
            return True
        if self._rep is None or self.phase != WORKING:
            return False
        return not any(acc.live for accs in self._rep.windows.values() for acc in accs)

    def person_changed(self, t: float) -> list[RuleEvent]:
        """The pose now belongs to another body: the rep in progress is dropped (never finished
        by someone else) and the start position must be seen again before anything counts."""
        self._back_to_setup()
        self._live_hold.reset()
        return [RuleEvent(t, "condition", ONE_PERSON)]

    # ---- seeing ------------------------------------------------------------------------
    def _check_condition(self, f: Features | None) -> tuple[str | None, dict[str | None, float]]:
        """The condition that stops judging (or None), and the rep feature on each side seen."""
        if f is None:
            return "not_visible", {}
        visible = f.visible
        for j in self.exercise.needs:
            if not visible.get(j, False):
                return "not_visible", {}
        view = self.exercise.view
        # A front-view rep may turn away from the camera on purpose: a twist turns the shoulders
        # to side-on and past (hansfit's standing twist reaches 150 deg, out of the front view
        # for 2-3 s, which abandoned every rep). The front view is judged where a rep starts.
        if (view == "side" and f.facing_camera) or \
                (view == "front" and not f.facing_camera and self._rep is None):
            return "wrong_view", {}
        values = {}
        for side in self._channels:
            v = f.values.get(self.rule.feature_for(side) if side else self.rule.feature, math.nan)
            if not math.isnan(v):
                values[side] = v
        if self._rep is not None and self._rep.side not in values:
            return "not_visible", {}  # during a rep, only the side that started it is judged
        return (None if values else "not_visible"), values

    def _freeze(self, condition: str, t: float, events: list[RuleEvent]) -> None:
        self.metric = self.excursion = None
        if self._frozen_since is None:
            self._frozen_since = t
        if condition != self._condition:
            self._condition, self._condition_since = condition, t
        if self._announced != condition and t - self._condition_since >= CONDITION_ANNOUNCE_S:
            self._announced = condition
            events.append(RuleEvent(t, "condition", condition))
        if t - self._frozen_since > MAX_GAP_S and self.phase != SETUP:
            # too long unseen: drop the rep in progress, and measure the start again
            self._back_to_setup()

    def _thaw(self) -> None:
        self._frozen_since = None
        self._condition = self._condition_since = None
        self._announced = None

    def _back_to_setup(self) -> None:
        self._rep = None
        self.phase = SETUP
        self._start_windows = self._windows_for(START)
        self.metric = self.excursion = None
        self._recent.clear()
        self._last_start_t = None
        self._last_start_values = {}
        for tracker in self._starts.values():
            tracker.reset()

    def _excursions(self, values: dict[str | None, float]) -> dict[str | None, float]:
        return {side: v - self._starts[side].value for side, v in values.items()
                if self._starts[side].value is not None}

    def _still(self, t: float, m: float) -> bool:
        """The rep feature has stayed within STILL_SPREAD for START_STILL_S."""
        recent = self._recent
        recent.append((t, m))
        while len(recent) > 2 and recent[1][0] <= t - START_STILL_S:
            recent.popleft()
        if t - recent[0][0] < START_STILL_S - 1e-6:
            return False
        vs = [v for _, v in recent]
        return max(vs) - min(vs) <= STILL_SPREAD

    # ---- the state machine -------------------------------------------------------------
    def _step(self, values: dict[str | None, float], all_values: dict[str, float], t: float,
              events: list[RuleEvent]) -> None:
        r = self.rule
        for side, v in values.items():
            # at rest: every side; during a rep, the other side (the resting leg) too
            if self._rep is None or side != self._rep.side:
                self._starts[side].feed(t, v)
        excursions = self._excursions(values)
        if self._rep is not None:
            side = self._rep.side
        elif excursions:
            side = max(excursions, key=excursions.get)
        else:
            side = next(iter(values))
        self.metric = values[side]
        self.excursion = excursions.get(side)
        if self.phase == SETUP:
            if self.excursion is not None:
                self.phase = START
                self._last_start_t = t  # the start windows go on: they opened in setup
                events.append(RuleEvent(t, "ready"))
            else:
                # nothing is counted before the start is measured, but what protects the back
                # is said at once: a squat that begins before a still moment (kaiakol's goblet
                # squat stands 0.3 s) still shows its knees
                self._feed(self._start_windows, all_values, t, events, None)
            return
        exc = self.excursion
        if exc is None:  # this side's start is not known yet
            return
        still = self._still(t, self.metric)
        lo, hi = min(self._settle_lo, self.metric), max(self._settle_hi, self.metric)
        if hi - lo > STILL_SPREAD or self.phase != MOVING:
            lo = hi = self.metric
            self._settle_since = t
        self._settle_lo, self._settle_hi = lo, hi
        if self.phase == START:
            if exc > r.floor:
                self._begin_rep(side, t)
                self.phase = MOVING
            else:
                if exc <= r.floor * RETURN_SHARE:  # truly at rest, not drifting towards the floor
                    self._last_start_t = t
                    self._last_start_values = all_values
                self._feed(self._start_windows, all_values, t, events, None)
                return
        rep = self._rep
        assert rep is not None
        rep.samples.append((t, self.metric))
        rep.peak_excursion = max(rep.peak_excursion, exc)
        self._feed(rep.windows["rep"], all_values, t, events, rep)
        if self.phase == WORKING:
            self._feed(rep.windows[WORKING], all_values, t, events, rep)
        back_now = (exc < max(r.floor * RETURN_SHARE, RETURN_PEAK_SHARE * rep.peak_excursion)
                    or (still and exc < SETTLED_SHARE * rep.peak_excursion))
        # Back on two samples in a row: the Tasks backend's skeleton reads one frame of a held
        # press-up at -263 deg now and then (palfit cobra), which ended the rep in the middle.
        back = back_now and rep.back_since is not None
        rep.back_since = (rep.back_since if rep.back_since is not None else t) if back_now else None
        if self.phase == MOVING:
            if exc >= rep.reach:
                self.phase = WORKING
                self._feed(rep.windows[WORKING], all_values, t, events, rep)
            elif back:
                self._end_partial(t, events)
            elif self._starts[side].high >= self.metric and t - self._settle_since >= NEW_REST_S:
                # settled somewhere short of the reach: a new rest position, not an attempt
                self._rep = None
                self.phase = START
                self._enter_start(t)
                self._starts[side].interrupt()
        elif self.phase == WORKING:
            if back:  # a big rep with a small reach can be back before it left the working range
                self._end_rep(t, events)
            elif exc < rep.reach * EXIT_SHARE:
                self.phase = RETURNING
        elif self.phase == RETURNING:
            if exc >= rep.reach:
                self.phase = WORKING
            elif back:
                self._end_rep(t, events)

    def _windows_for(self, during: str) -> list[_Accumulator]:
        return [_Accumulator(f) for f in self.exercise.faults if f.feature and f.during == during]

    def _enter_start(self, t: float) -> None:
        self._last_start_t = t
        self._start_windows = self._windows_for(START)

    def _begin_rep(self, side: str | None, t: float) -> None:
        start = self._last_start_t if self._last_start_t is not None else t
        windows = {"rep": self._windows_for("rep"), WORKING: self._windows_for(WORKING)}
        # "shift" is movement away from how the person held still in the start position
        for acc in windows["rep"]:
            acc.first = self._last_start_values.get(feature_key(acc.rule.feature, side), math.nan)
        tracker = self._starts[side]
        self._rep = _RepInProgress(side=side, start_s=start, start_deg=tracker.value,
                                   reach=self.persons_range.reach(side), windows=windows)
        tracker.interrupt()

    def _feed(self, accs: list[_Accumulator], values: dict[str, float], t: float,
              events: list[RuleEvent], rep: _RepInProgress | None) -> None:
        for acc in accs:
            rule = acc.rule
            if rep is not None and rep.peak_excursion < rule.from_range:
                continue
            v = values.get(feature_key(rule.feature, rep.side if rep else None), math.nan)
            if math.isnan(v):
                continue
            if math.isnan(acc.first):
                acc.first = v
            acc.max, acc.min = max(acc.max, v), min(acc.min, v)
            live = None
            if rule.stat == "max" and rule.above is not None:
                live = v > rule.above
            elif rule.stat == "min" and rule.below is not None:
                live = v < rule.below
            elif rule.stat == "shift":
                live = abs(v - acc.first) > rule.above
            elif rule.stat == "rise":  # one way only: shoulders coming up, not dropping away
                live = v - acc.first > rule.above
            acc.live = bool(live)
            if acc.fired or live is None:
                continue
            if not live:
                acc.since = None
                continue
            if acc.since is None:
                acc.since = t
            if t - acc.since >= rule.persist_s:
                acc.fired = True
                self._fault(rule.code, t, events, rep)

    def _close(self, accs: list[_Accumulator], t: float, events: list[RuleEvent],
               rep: _RepInProgress) -> None:
        """Window-end rules: the whole window's max stayed below, or its min above."""
        for acc in accs:
            rule = acc.rule
            if acc.fired or math.isinf(acc.max) or rep.peak_excursion < rule.from_range:
                continue
            if (rule.stat == "max" and rule.below is not None and acc.max < rule.below) or \
               (rule.stat == "min" and rule.above is not None and acc.min > rule.above):
                acc.fired = True
                self._fault(rule.code, t, events, rep)

    def _fault(self, code: str, t: float, events: list[RuleEvent], rep: _RepInProgress | None) -> None:
        if rep is not None:
            if code in rep.faults:  # one fault seen by two rules is still one fault of the rep
                return
            rep.faults.append(code)
        events.append(RuleEvent(t, "fault", code, rep.side if rep else None))

    def _close_rep(self, t: float) -> _RepInProgress | None:
        """Back in the start position: the rep in progress, or None if it was too quick to be
        an attempt (a wobble across the thresholds)."""
        rep = self._rep
        self._rep = None
        self.phase = START
        self._enter_start(t)
        if rep is None or t - rep.start_s < self.rule.min_rep_s:
            return None
        return rep

    def _end_partial(self, t: float, events: list[RuleEvent]) -> None:
        rep = self._close_rep(t)
        if rep is None:
            return
        self.persons_range.learn(rep.side, rep.peak_excursion)
        self.partial_reps += 1
        events.append(RuleEvent(t, "partial", side=rep.side))
        self._fault(SHALLOW, t, events, None)

    def _end_rep(self, t: float, events: list[RuleEvent]) -> None:
        held = self._live_hold.held  # a hold-type exercise's seconds in position, pauses left out
        rep = self._close_rep(t)
        if rep is None:
            return
        self._close(rep.windows["rep"] + rep.windows[WORKING], t, events, rep)
        peak, hold, hold_from, hold_to = _hold(rep.samples, self.rule.bottom_band, self.rule.still_below)
        measures = {"rep_s": t - rep.start_s, "down_s": hold_from - rep.start_s,
                    "up_s": t - hold_to, "hold_s": hold}
        if self.hold_unit_s is not None:
            measures["hold_s"] = hold = held
            if held < self.hold_unit_s:
                # released before the hold was done: not a unit; the file's hold_s rule says so
                for f in self.exercise.faults:
                    if f.measure == "hold_s" and f.below is not None and held < f.below:
                        self._fault(f.code, t, events, None)
                events.append(RuleEvent(t, "short_hold", side=rep.side))
                return
        for f in self.exercise.faults:
            if f.measure in measures:
                v = measures[f.measure]
                if (f.below is not None and v < f.below) or (f.above is not None and v > f.above):
                    self._fault(f.code, t, events, rep)
        self.persons_range.learn(rep.side, rep.peak_excursion)
        record = RepRecord(index=len(self.reps) + 1, side=rep.side, start_s=rep.start_s, end_s=t,
                           peak_deg=peak, down_s=measures["down_s"], up_s=measures["up_s"],
                           hold_s=hold, faults=tuple(rep.faults), start_deg=rep.start_deg,
                           range_deg=rep.peak_excursion, target_deg=self.target_deg)
        self.reps.append(record)
        if rep.side:
            self.reps_by_side[rep.side] += 1
        events.append(RuleEvent(t, "rep", side=rep.side, rep=record))
        self._maybe_hint(record, t, events)

    def _maybe_hint(self, rep: RepRecord, t: float, events: list[RuleEvent]) -> None:
        """A rep short of the standard target: "a little further, if it is comfortable", once,
        and again only after a rep has reached the target. Never to a person who chose a
        smaller range, never with a fault of the rep (that cue matters more)."""
        if not self.range_choice.coaches_to_target(self.rule):
            return
        if rep.range_deg >= BELOW_TARGET_SHARE * self.rule.target:
            self._hint_armed = True
        elif self._hint_armed and not rep.faults:
            self._hint_armed = False
            events.append(RuleEvent(t, "hint", BELOW_TARGET, rep.side))
