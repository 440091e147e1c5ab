"""Cues: one at a time, the most important first, never the same one again too soon.

The rules produce many candidate messages; a person mid-exercise can take in one short
sentence every couple of seconds. Candidates that are not said are dropped, not queued: a
stale cue about the previous rep is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass

# Priority classes, lower first: what stops judging beats safety beats form beats tempo
# beats encouragement.
CONDITION, SAFETY, FORM, TEMPO, POSITIVE = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Cue:
    t: float
    code: str  # a fault code, "not_visible", "wrong_view", "one_person", "ready" or "good_rep"
    message: str
    priority: int


@dataclass(frozen=True)
class CueTiming:
    min_gap_s: float = 2.5  # at least this between two cues, unless a more urgent one comes
    cooldown_s: float = 8.0  # the same cue is not repeated sooner than this
    display_s: float = 3.5  # how long a cue stays on screen


class CueSelector:
    def __init__(self, timing: CueTiming = CueTiming()):
        self.timing = timing
        self.reset()

    def reset(self) -> None:
        self._current: Cue | None = None
        self._last_said: dict[str, float] = {}

    def current(self, t: float) -> Cue | None:
        """The cue on screen at time t, if any."""
        cur = self._current
        if cur is not None and t - cur.t <= self.timing.display_s:
            return cur
        return None

    def offer(self, candidates: list[Cue], t: float) -> Cue | None:
        """Say at most one of the candidates now; returns it, or None."""
        eligible = [c for c in candidates
                    if t - self._last_said.get(c.code, -1e9) >= self.timing.cooldown_s]
        if not eligible:
            return None
        best = min(eligible, key=lambda c: c.priority)
        cur = self._current
        if cur is not None and t - cur.t < self.timing.min_gap_s and best.priority >= cur.priority:
            return None
        self._current = best
        self._last_said[best.code] = t
        return best
