"""The person's own start and range: what the counting rule (rules.py) measures a rep against. Pure.

Count relatively: a rep is an excursion of the rep feature from the person's own start
position, measured while they hold it still, so a tilted camera, a body's build or the model's
bias (a resting thigh that reads 25 deg instead of 10) moves the start, not the count. How far
the excursion must go is set by the person's range: chosen (gentle, standard, or a number of
degrees) or learned from their own recent movements. Coaching stays absolute: the exercise
file's fault rules compare features with anatomical limits, whatever the start or the range.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from .exercises import RepRule

AUTO, GENTLE, STANDARD, DEGREES = "auto", "gentle", "standard", "degrees"
RANGE_KINDS = (AUTO, GENTLE, STANDARD)

# A still start: the feature stays within STILL_SPREAD degrees for this long. 0.3 s is about
# the shortest rest a person makes between reps (palfit's good mornings stand 0.5-1 s;
# hansfit's donkey kicks rest 0.3 s before the first kick).
START_STILL_S = 0.3
# Still: the rep feature stays within this many degrees. The smoothed model's jitter on a
# person at rest is about 1 deg (trunk lean, palfit clips); 3 deg in 0.3 s is slower than
# 10 deg/s, about the slowest deliberate rep.
STILL_SPREAD = 3.0
# Moving the start towards the working range needs a longer stillness: a slow, pain-limited
# rep creeps at 10 deg/s or more (30 deg in 3 s), which a 1 s window of 3 degrees never
# mistakes for standing still.
SETTLE_S = 1.0
# Someone who moves without pausing (rhythmic single-leg deadlifts pass upright every 2 s,
# still for no 0.3 s) shows their start as a turning point: the lowest value in the start range
# before the value rises this far again. Twice the stillness spread: clearly turned, not jitter.
TURN_RISE = 2 * STILL_SPREAD
# The person's range is the median excursion of their last few movements past the floor: one
# much shallower attempt among full reps does not move it, three in a row (the person's range
# has really changed, e.g. pain) do.
LEARN_FROM = 5
# A movement that reaches this share of the person's range is a rep; a shorter one is a
# partial rep (shallow). Half is "clearly shorter": a person's own reps vary by about +-20%
# (good-morning peaks 63-75 deg on the palfit clip, hydrant lifts 60-83 deg on ytkuang's).
REACH_SHARE = 0.5
# A counted rep under this share of the exercise's standard target gets the gentle "a little
# further" hint (when the person has not chosen a smaller range): 80% is close enough.
BELOW_TARGET_SHARE = 0.8


@dataclass(frozen=True)
class RangeChoice:
    """How far a rep must go for this person: learned from their own movements (auto), the
    exercise's gentle or standard range, or a number of degrees they set."""

    kind: str = AUTO
    degrees: float | None = None

    @classmethod
    def parse(cls, text: str | float | None) -> "RangeChoice":
        if text is None:
            return cls()
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            value = float(text)
        else:
            word = str(text).strip().lower()
            if word in RANGE_KINDS:
                return cls(word)
            try:
                value = float(word.removesuffix("deg").strip())
            except ValueError:
                raise ValueError(f"The range must be auto, gentle, standard or a number of degrees, "
                                 f"not {text!r}.") from None
        if not (math.isfinite(value) and 1.0 <= value <= 180.0):
            raise ValueError(f"A range in degrees must be between 1 and 180, not {value:g}.")
        return cls(DEGREES, value)

    @property
    def label(self) -> str:
        return f"{self.degrees:g} deg" if self.kind == DEGREES else self.kind

    def fixed(self, rule: RepRule) -> float | None:
        """The range the person chose, in degrees; None when it is learned."""
        if self.kind == GENTLE:
            return rule.gentle
        if self.kind == STANDARD:
            return rule.target
        return self.degrees

    def target(self, rule: RepRule) -> float:
        """What a rep's range is shown against: the chosen range, else the standard target."""
        return self.fixed(rule) or rule.target

    def coaches_to_target(self, rule: RepRule) -> bool:
        """Whether a rep short of the standard target may get the gentle hint: not when the
        person has chosen a smaller range."""
        chosen = self.fixed(rule)
        return chosen is None or chosen >= rule.target


class PersonsRange:
    """The range a rep is judged against, per side: chosen, or learned from the person's own
    movements past the floor (before any, the exercise's gentle range)."""

    def __init__(self, rule: RepRule, choice: RangeChoice = RangeChoice()):
        self.rule, self.choice = rule, choice
        self._recent: dict[str | None, deque[float]] = {}

    def reset(self) -> None:
        self._recent.clear()

    def reference(self, side: str | None) -> float:
        fixed = self.choice.fixed(self.rule)
        if fixed is not None:
            return fixed
        recent = self._recent.get(side)
        return statistics.median(recent) if recent else self.rule.gentle

    def reach(self, side: str | None) -> float:
        """The excursion that makes a movement a rep."""
        return max(self.rule.floor, REACH_SHARE * self.reference(side))

    def learn(self, side: str | None, excursion: float) -> None:
        self._recent.setdefault(side, deque(maxlen=LEARN_FROM)).append(excursion)


class StartTracker:
    """The person's start value of the rep feature on one side, measured while they hold still
    in a place a start can be (the exercise's start_range); before any stillness, the turning
    point of someone who never pauses. A still position beyond the range's low end (away from
    the movement: sitting back in child's pose before a press-up) is a start at that end."""

    def __init__(self, rule: RepRule):
        self.low, self.high = rule.start_range
        self._window: deque[tuple[float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self._window.clear()
        self._dip: float | None = None  # the lowest value in the start range, for a turning point
        self.value = None

    def interrupt(self) -> None:
        """The person moved away (a rep began): a later stillness is measured afresh."""
        self._window.clear()
        self._dip = None

    def feed(self, t: float, v: float) -> None:
        if self.value is None and self._dip is not None and v >= self._dip + TURN_RISE:
            self.value = self._dip  # no stillness yet, but they turned here: a start seen
        if v > self.high:  # not a place a start can be
            self._window.clear()
            return
        clamped = max(v, self.low)
        self._dip = clamped if self._dip is None else min(self._dip, clamped)
        window = self._window
        window.append((t, clamped))
        # keep the newest sample at or before t - SETTLE_S, so the window spans SETTLE_S
        # whatever the frame rate
        while len(window) > 1 and window[1][0] <= t - SETTLE_S:
            window.popleft()
        first = next(i for i in range(len(window) - 1, -1, -1)
                     if window[i][0] <= t - START_STILL_S or i == 0)
        recent = [x for _, x in list(window)[first:]]
        if t - window[first][0] < START_STILL_S - 1e-6 or max(recent) - min(recent) > STILL_SPREAD:
            return
        candidate = statistics.median(recent)
        if self.value is None or candidate < self.value:
            self.value = candidate
            return
        values = [x for _, x in window]
        if t - window[0][0] >= SETTLE_S - 1e-6 and max(values) - min(values) <= STILL_SPREAD:
            self.value = statistics.median(values)
