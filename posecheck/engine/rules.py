"""The rep state machine: features and time in, rep and fault events out. Pure.

Phases:
    setup     -> not yet seen in the start position (a clip that begins mid-movement, or after
                 the person was out of view for a while); nothing can be counted
    start     -> in the start position
    moving    -> left the start position, working range not reached yet
    working   -> inside the working range (the bottom of a hinge, the top of a press-up)
    returning -> left the working range on the way back
A rep counts on returning -> start. moving -> start is a partial rep (not counted).
While the needed joints are not seen, or the person faces the wrong way, the machine is
frozen: it judges nothing and counts nothing. A longer absence sends it back to setup.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from .. import landmarks as L
from ..datatypes import Features
from .exercises import Exercise, FaultRule
from .feature_table import feature_key

# The phases, as EngineState.phase carries them to the session and the overlay. Exercise files
# name their fault windows after two of them ("start", "working"; exercises.WINDOWS).
SETUP, START, MOVING, WORKING, RETURNING = "setup", "start", "moving", "working", "returning"
# The working end of a rep, where a hold is measured: a hold may go on while the angle has
# just dropped below exit_below (returning) if it is still within bottom_band of the peak.
AT_WORKING_END = (WORKING, RETURNING)

# Shorter losses of sight keep the rep in progress; longer ones abandon it (the person may
# have done anything meanwhile, and nothing may be counted that was not seen).
MAX_GAP_S = 1.0
# A condition (not visible / wrong view) is announced only once it lasts this long.
CONDITION_ANNOUNCE_S = 0.5
# Said at once when the pose jumps to another body (continuity.py): a second person, or a cut.
ONE_PERSON = "one_person"


@dataclass(frozen=True)
class RepRecord:
    index: int  # 1-based over the counted reps
    side: str | None
    start_s: float
    end_s: float
    peak_deg: float
    down_s: float
    up_s: float
    hold_s: float
    faults: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class RuleEvent:
    t: float
    kind: str  # "ready" | "rep" | "partial" | "fault" | "condition"
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


@dataclass
class _RepInProgress:
    side: str | None
    start_s: float
    samples: list[tuple[float, float]] = field(default_factory=list)
    reached_working: bool = False
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
    far and the speed is over the last SPEED_SPAN_S."""

    def __init__(self, band: float, still_below: float):
        self.band, self.still_below = band, still_below
        self._recent: deque[tuple[float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self._recent.clear()
        self._peak = -math.inf
        self._since: float | None = None
        self.held = 0.0

    def feed(self, t: float, m: float) -> None:
        self._recent.append((t, m))
        while len(self._recent) > 2 and self._recent[1][0] <= t - SPEED_SPAN_S:
            self._recent.popleft()
        self._peak = max(self._peak, m)
        t0, m0 = self._recent[0]
        speed = abs(m - m0) / (t - t0) if t > t0 else 0.0
        if _holding(m, self._peak, speed, self.band, self.still_below):
            if self._since is None:
                self._since = t
            self.held = t - self._since
        else:
            self._since, self.held = None, 0.0


class RepCounter:
    """Counts reps and finds faults for one exercise on one stream of features."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.rule = exercise.rep
        self.reset()

    def reset(self) -> None:
        self.phase = SETUP
        self.reps: list[RepRecord] = []
        self.reps_by_side = dict.fromkeys(L.SIDES, 0) if self.rule.sided else {}
        self.partial_reps = 0
        self.metric: float | None = None
        self._rep: _RepInProgress | None = None
        self._start_windows: list[_Accumulator] = []
        self._last_start_t: float | None = None
        self._last_start_values: dict[str, float] = {}
        self._frozen_since: float | None = None
        self._condition: str | None = None
        self._condition_since: float | None = None
        self._announced: str | None = None
        self._live_hold = _LiveHold(self.rule.bottom_band, self.rule.still_below)

    # ---- public -----------------------------------------------------------------------
    @property
    def conditions(self) -> tuple[str, ...]:
        """Conditions currently announced (not_visible / wrong_view)."""
        return (self._announced,) if self._announced else ()

    @property
    def side(self) -> str | None:
        return self._rep.side if self._rep else None

    @property
    def hold_s(self) -> float:
        """Seconds held still near the peak so far at the working end of the rep in progress;
        0 elsewhere, and while the person is not judged (nothing unseen counts as held)."""
        return self._live_hold.held

    def update(self, features: Features | None, t: float) -> list[RuleEvent]:
        events: list[RuleEvent] = []
        condition, metric, side = self._check_condition(features)
        if condition:
            self._live_hold.reset()
            self._freeze(condition, t, events)
            return events
        self._thaw()
        self.metric = metric
        self._step(metric, side, features.values, t, events)
        if self.phase in AT_WORKING_END:
            self._live_hold.feed(t, metric)
        else:
            self._live_hold.reset()
        return events

    def person_changed(self, t: float) -> list[RuleEvent]:
        """The pose now belongs to another body: the rep in progress is dropped (never finished
        by someone else) and the start position must be seen again before anything counts."""
        self._rep = None
        self.phase = SETUP
        self.metric = None
        self._live_hold.reset()
        self._last_start_t = None
        self._last_start_values = {}
        return [RuleEvent(t, "condition", ONE_PERSON)]

    # ---- seeing ------------------------------------------------------------------------
    def _check_condition(self, f: Features | None) -> tuple[str | None, float | None, str | None]:
        """The condition that stops judging (or None), and the rep angle with its side."""
        if f is None:
            return "not_visible", None, None
        visible = f.visible
        for j in self.exercise.needs:
            if not visible.get(j, False):
                return "not_visible", None, None
        view = self.exercise.view
        if (view == "side" and f.facing_camera) or (view == "front" and not f.facing_camera):
            return "wrong_view", None, None
        metric, side = self._metric(f.values)
        return ("not_visible" if metric is None else None), metric, side

    def _freeze(self, condition: str, t: float, events: list[RuleEvent]) -> None:
        self.metric = None
        if self._frozen_since is None:
            self._frozen_since = t
        if condition != self._condition:
            self._condition, self._condition_since = condition, t
        if self._announced != condition and t - self._condition_since >= CONDITION_ANNOUNCE_S:
            self._announced = condition
            events.append(RuleEvent(t, "condition", condition))
        if t - self._frozen_since > MAX_GAP_S and self.phase != SETUP:
            # too long unseen: drop the rep in progress, and ask for the start position again
            self._rep = None
            self.phase = SETUP

    def _thaw(self) -> None:
        self._frozen_since = None
        self._condition = self._condition_since = None
        self._announced = None

    def _metric(self, values: dict[str, float]) -> tuple[float | None, str | None]:
        rule = self.rule
        if not rule.sided:
            v = values.get(rule.feature, math.nan)
            return (None, None) if math.isnan(v) else (v, None)
        if self._rep is not None:  # during a rep, follow the side that started it
            v = values.get(rule.feature_for(self._rep.side), math.nan)
            return (None, self._rep.side) if math.isnan(v) else (v, self._rep.side)
        best: tuple[float | None, str | None] = (None, None)
        for s in L.SIDES:
            v = values.get(rule.feature_for(s), math.nan)
            if not math.isnan(v) and (best[0] is None or v > best[0]):
                best = (v, s)
        return best

    # ---- the state machine -------------------------------------------------------------
    def _step(self, m: float, side: str | None, values: dict[str, float], t: float,
              events: list[RuleEvent]) -> None:
        r = self.rule
        if self.phase == SETUP:
            if m <= r.start_below:
                self.phase = START
                self._enter_start(t)
                events.append(RuleEvent(t, "ready"))
            return
        if self.phase == START:
            if m > r.leave_start_above:
                self._begin_rep(side, t)
                self.phase = MOVING
            else:
                if m <= r.start_below:  # truly at rest, not drifting towards the threshold
                    self._last_start_t = t
                    self._last_start_values = values
                self._feed(self._start_windows, values, t, events, None)
                return
        rep = self._rep
        assert rep is not None
        rep.samples.append((t, m))
        self._feed(rep.windows["rep"], values, t, events, rep)
        if self.phase == WORKING:
            self._feed(rep.windows[WORKING], values, t, events, rep)
        if self.phase == MOVING:
            if m >= r.enter_above:
                self.phase = WORKING
                rep.reached_working = True
                self._feed(rep.windows[WORKING], values, t, events, rep)
            elif m <= r.start_below:
                self._end_partial(t, events)
        elif self.phase == WORKING:
            if m < r.exit_below:
                self.phase = RETURNING
        elif self.phase == RETURNING:
            if m >= r.enter_above:
                self.phase = WORKING
            elif m <= r.start_below:
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
        self._rep = _RepInProgress(side=side, start_s=start, windows=windows)

    def _feed(self, accs: list[_Accumulator], values: dict[str, float], t: float,
              events: list[RuleEvent], rep: _RepInProgress | None) -> None:
        for acc in accs:
            rule = acc.rule
            v = values.get(feature_key(rule.feature, rep.side if rep else None), math.nan)
            if math.isnan(v):
                continue
            if math.isnan(acc.first):
                acc.first = v
            acc.max, acc.min = max(acc.max, v), min(acc.min, v)
            if acc.fired:
                continue
            live = None
            if rule.stat == "max" and rule.above is not None:
                live = v > rule.above
            elif rule.stat == "min" and rule.below is not None:
                live = v < rule.below
            elif rule.stat == "shift":
                live = abs(v - acc.first) > rule.above
            if live is None:
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
            if acc.fired or math.isinf(acc.max):
                continue
            if (rule.stat == "max" and rule.below is not None and acc.max < rule.below) or \
               (rule.stat == "min" and rule.above is not None and acc.min > rule.above):
                acc.fired = True
                self._fault(rule.code, t, events, rep)

    def _fault(self, code: str, t: float, events: list[RuleEvent], rep: _RepInProgress | None) -> None:
        if rep is not None and code not in rep.faults:
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
        self.partial_reps += 1
        events.append(RuleEvent(t, "partial", side=rep.side))
        for f in self.exercise.faults:
            if f.measure == "partial":
                self._fault(f.code, t, events, None)

    def _end_rep(self, t: float, events: list[RuleEvent]) -> None:
        rep = self._close_rep(t)
        if rep is None:
            return
        self._close(rep.windows["rep"] + rep.windows[WORKING], t, events, rep)
        peak, hold, hold_from, hold_to = _hold(rep.samples, self.rule.bottom_band, self.rule.still_below)
        measures = {"rep_s": t - rep.start_s, "down_s": hold_from - rep.start_s,
                    "up_s": t - hold_to, "hold_s": hold}
        for f in self.exercise.faults:
            if f.measure in measures:
                v = measures[f.measure]
                if (f.below is not None and v < f.below) or (f.above is not None and v > f.above):
                    self._fault(f.code, t, events, rep)
        record = RepRecord(index=len(self.reps) + 1, side=rep.side, start_s=rep.start_s, end_s=t,
                           peak_deg=peak, down_s=measures["down_s"], up_s=measures["up_s"],
                           hold_s=hold, faults=tuple(rep.faults))
        self.reps.append(record)
        if rep.side:
            self.reps_by_side[rep.side] += 1
        events.append(RuleEvent(t, "rep", side=rep.side, rep=record))
