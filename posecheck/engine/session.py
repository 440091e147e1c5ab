"""A session: sets, holds, rest and the words said, driven by the engine's states. Pure.

The engine counts reps; a session says which of them belong to which set, when a set is
done, how long to rest, when to switch sides and what to say. No clock and no I/O: every
time comes in with an EngineState (seconds since the stream started), and what is to be said
comes out as Announcements (a stable key and the text).

Live (`SessionPlan.live`): counting starts once the person has held the start position for
READY_HOLD_S; a set ends when it reaches its target; a rest timer follows and ends by itself;
the last set ends the session. A review of a video (`SessionPlan.open_ended`) has no targets:
every counted rep goes into a set, and a pause much longer than a rep (or, for a sided
exercise, the other side starting) begins the next set.

Decisions:
- Reps made before the start position was held, during a rest, or after the last set are not
  counted for any set (they are still on the engine's own count). A rep counts for a set only
  if it began after the set did.
- "both" sides: each set is done first with the left side, then the right (one set record per
  side); the switch has no rest - the other side rested meanwhile. A rep with the wrong side
  is not counted, and the person is told which side the set is for.
- Every set (the first, after a rest, after a switch) begins with the exercise's ready words
  once the start position is held; reps before that do not count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..landmarks import SIDES
from .exercise_engine import EngineState
from .exercises import SHALLOW, Exercise
from .feedback import SAFETY, Cue, CueTiming
from .ranges import RangeChoice
from .records import RepSummary, SessionRecord, SetRecord
from .rules import AT_WORKING_END, START, WORKING

READY_HOLD_S = 1.0  # in the start position this long before a set starts counting
REST_GAP_S = 10.0  # a video: a pause between reps longer than this starts a new set
REST_GAP_REPS = 3.0  # ... and longer than this many typical reps
WRONG_SIDE_COOLDOWN_S = CueTiming().cooldown_s
BOTH = "both"

# session states. GETTING_READY: before a set counts, until the start position is held for
# plan.ready_s (not the engine's phase rules.SETUP, which means the start position was not seen)
GETTING_READY, COUNTING, REST, DONE, STOPPED = "getting_ready", "counting", "rest", "done", "stopped"

# the engine cues a session lets through: not its "ready" (the session says when to start),
# and while getting ready only what keeps the person safe and in view
_NOT_IN_SESSION = ("ready",)


# The breath pace's words. They are said only when nothing else is: never in a frame that says
# anything else, and the page's player drops them when it is busy and cuts them short for
# anything that comes (a cue or a count matters more than the next breath, which the board
# shows anyway).
BREATH_KINDS = ("breathe_in", "breathe_out")


@dataclass(frozen=True)
class Announcement:
    """Something to say (and show). The key is stable: the same event of the same session
    always has the same key, so a page that re-renders never says it twice."""

    key: str
    kind: str  # ready | rep | hold | release | rest | next_set | switch_side | wrong_side | done | cue
    #          | breathe_in | breathe_out (BREATH_KINDS: said only into silence, see _breathing)
    text: str
    t: float


@dataclass(frozen=True)
class SessionPlan:
    target_reps: int | None  # reps per set; None: open-ended (a video), sets end at rests
    sets: int  # rounds; with side "both" each round is a left and a right set
    rest_s: float
    side: str | None = None  # None (not sided), "left", "right" or "both"
    hold_s: float = 0.0  # hold (or pause) at the working end to announce and show
    ready_s: float = READY_HOLD_S
    record_target: int = 0  # open-ended: the target a set record carries (the prescription's least)
    range_choice: RangeChoice = RangeChoice()  # how far a rep must go for this person

    @staticmethod
    def live(exercise: Exercise, target_reps: int | None = None, sets: int | None = None,
             rest_s: float | None = None, side: str | None = None,
             range_choice: RangeChoice = RangeChoice()) -> "SessionPlan":
        """The prescription, with the person's choices. Raises ValueError with a sentence."""
        p = exercise.prescription
        target = p.reps_min if target_reps is None else int(target_reps)
        if not p.reps_min <= target <= p.reps_max:
            raise ValueError(f"Reps per set must be between {p.reps_min} and {p.reps_max}.")
        sets = p.sets if sets is None else int(sets)
        if sets < 1:
            raise ValueError("There must be at least one set.")
        rest = p.rest_s if rest_s is None else float(rest_s)
        if rest < 0:
            raise ValueError("Rest cannot be negative.")
        if exercise.sided:
            side = BOTH if side is None else side
            if side not in (*SIDES, BOTH):
                raise ValueError("Side must be left, right or both.")
        else:
            side = None
        return SessionPlan(target_reps=target, sets=sets, rest_s=rest, side=side,
                           hold_s=p.hold_s or p.pause_s, range_choice=range_choice)

    @staticmethod
    def open_ended(exercise: Exercise) -> "SessionPlan":
        """A recorded video: no targets, no ready hold (the engine's start is enough)."""
        return SessionPlan(target_reps=None, sets=0, rest_s=0.0,
                           side=BOTH if exercise.sided else None, ready_s=0.0,
                           record_target=exercise.prescription.reps_min)

    @property
    def open(self) -> bool:
        return self.target_reps is None

    @property
    def blocks(self) -> tuple[tuple[int, str | None], ...]:
        """(round, side) of every set in order: one per round, or left then right per round."""
        sides = SIDES if self.side == BOTH else (self.side,)
        return tuple((r, s) for r in range(1, self.sets + 1) for s in sides)


@dataclass(frozen=True)
class SessionStatus:
    """What the page shows now."""

    state: str
    round: int  # 1-based set number as the person counts them
    rounds: int
    side: str | None
    reps: int  # in the current set
    target: int | None
    partial_reps: int
    hold: float | None  # 0..1 of the hold done while holding at the working end, else None
    rest_left_s: float | None
    total_reps: int
    sets: tuple[SetRecord, ...]  # finished (or cut short) sets so far
    breath: BreathPace | None = None  # while counting a breath-paced exercise


@dataclass(frozen=True)
class BreathPace:
    """Where the shown breath pace is: in or out, how far through it (0..1), and its words."""

    phase: str  # "in" or "out"
    fraction: float
    words: str


@dataclass(frozen=True)
class SessionStep:
    """What one frame changed."""

    announcements: tuple[Announcement, ...] = ()
    closed_set: SetRecord | None = None  # a set that ended on this frame (save it now)
    began: bool = False  # the first set started counting on this frame
    finished: bool = False  # the last set ended on this frame


@dataclass
class _SetInProgress:
    index: int
    side: str | None
    target: int
    started_s: float
    reps: list[RepSummary] = field(default_factory=list)
    partial_reps: int = 0
    fault_counts: dict[str, int] = field(default_factory=dict)
    last_end_s: float | None = None
    durations: list[float] = field(default_factory=list)

    def count(self, code: str) -> None:
        self.fault_counts[code] = self.fault_counts.get(code, 0) + 1

    def record(self, ended_s: float, completed: bool) -> SetRecord:
        return SetRecord(index=self.index, side=self.side, target_reps=self.target,
                         reps=tuple(self.reps), partial_reps=self.partial_reps,
                         started_s=self.started_s, ended_s=ended_s, completed=completed,
                         fault_counts=dict(sorted(self.fault_counts.items())))


def _summary(rep, index: int) -> RepSummary:
    return RepSummary(index=index, side=rep.side, peak_deg=rep.peak_deg, hold_s=rep.hold_s,
                      duration_s=rep.duration_s, faults=tuple(rep.faults),
                      range_deg=rep.range_deg, target_deg=rep.target_deg)


class Session:
    """One person doing one exercise's sets. Feed every EngineState in time order."""

    def __init__(self, exercise: Exercise, plan: SessionPlan):
        self.exercise, self.plan = exercise, plan
        self.speech = exercise.speech
        self.state = GETTING_READY
        self.sets: list[SetRecord] = []
        self.began_s: float | None = None  # when the first set started counting
        self._blocks = plan.blocks
        self._block = 0  # index into _blocks of the set in progress or next
        self._current: _SetInProgress | None = None
        self._start_since: float | None = None  # engine in the start position since
        self._rest_until: float | None = None
        self._held = 0.0  # the engine's hold of the rep in progress, when it is this set's
        self._hold_said: set[str] = set()
        self._wrong_side_t = -math.inf
        self._breath_turn = (0, -1)  # (set index, half-breath since its start) last reached
        self._t = 0.0

    # ---- the person's progress ---------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.state == DONE

    @property
    def total_reps(self) -> int:
        done = sum(s.rep_count for s in self.sets)
        return done + (len(self._current.reps) if self._current else 0)

    def status(self, t: float | None = None) -> SessionStatus:
        t = self._t if t is None else t
        cur = self._current
        if self.plan.open:
            rnd = rounds = len(self.sets) + (1 if cur else 0)
            side = None
        else:
            upcoming = self._block + (1 if self.state == REST else 0)
            rnd, side = self._blocks[min(upcoming, len(self._blocks) - 1)]
            rounds = self.plan.sets
        hold = None
        if cur is not None and self.plan.hold_s > 0 and self._held > 0:
            hold = min(1.0, self._held / self.plan.hold_s)
        rest = max(0.0, self._rest_until - t) if self.state == REST and self._rest_until else None
        breath = self._breath(t) if self.state == COUNTING and cur is not None else None
        return SessionStatus(
            state=self.state, round=max(1, rnd), rounds=max(1, rounds),
            side=cur.side if cur else side, reps=len(cur.reps) if cur else 0,
            target=self.plan.target_reps, partial_reps=cur.partial_reps if cur else 0,
            hold=hold, rest_left_s=rest, total_reps=self.total_reps, sets=tuple(self.sets),
            breath=breath)

    def _breath(self, t: float) -> BreathPace | None:
        """The slow pace a breath-paced movement goes with, from the set's start: in, then out."""
        words = self.exercise.speech
        if not self.exercise.prescription.breath_paced:
            return None
        half, fraction = self._half_breath(t)
        if half % 2 == 0:
            return BreathPace("in", fraction, words.breathe_in or "")
        return BreathPace("out", fraction, words.breathe_out or "")

    def _half_breath(self, t: float) -> tuple[int, float]:
        """Which half-breath the set is in at t (0, 2, 4... in; 1, 3... out) and how far
        through it (0..1): the one clock behind both the shown pace and the said one."""
        p = self.exercise.prescription
        whole, into = divmod(t - self._current.started_s, p.breath_in_s + p.breath_out_s)
        if into < p.breath_in_s:
            return 2 * int(whole), into / p.breath_in_s
        return 2 * int(whole) + 1, (into - p.breath_in_s) / p.breath_out_s

    def _breathing(self, t: float) -> Announcement | None:
        """The breath pace's words when a half-breath begins while counting (once each)."""
        if (not self.exercise.prescription.breath_paced or self.state != COUNTING
                or self._current is None):
            return None
        turn = (self._current.index, self._half_breath(t)[0])
        if turn == self._breath_turn:
            return None
        self._breath_turn = turn
        what = BREATH_KINDS[turn[1] % 2]
        return self._say(what, f"set{turn[0]}.breath{turn[1] + 1}", t)

    # ---- frames ------------------------------------------------------------------------
    def update(self, state: EngineState) -> SessionStep:
        t = self._t = state.t
        if state.phase == START and not state.conditions:
            if self._start_since is None:
                self._start_since = t
        else:
            self._start_since = None
        said: list[Announcement] = []
        after: list[Announcement] = []
        closed: SetRecord | None = None
        began = finished = False
        skip_praise = False
        if self.state == REST and t >= self._rest_until:
            self._block += 1
            self.state = GETTING_READY
            rnd, side = self._blocks[self._block]
            said.append(self._say("next_set", f"set{self._block + 1}.next", t,
                                  set=rnd, sets=self.plan.sets))
        if self.state == GETTING_READY and self._start_since is not None \
                and t - self._start_since >= self.plan.ready_s:
            began = self.began_s is None
            self._begin_set(t)
            if not self.plan.open:
                said.append(Announcement(f"set{self._current.index}.ready", "ready",
                                         self.exercise.cues["ready"], t))
        state_before = self.state
        if self.state == COUNTING:
            for ev in state.events:
                if ev.kind == "rep" and ev.rep is not None:
                    counted, words = self._rep(ev.rep, t)
                    said += words
                    skip_praise |= not counted
                    if counted and self._set_full():
                        closed = self._close_set(t, completed=True)
                        finished, words = self._next_block(t)
                        after += words
                        break
                elif ev.kind == "partial":
                    self._partial(ev.side)
            if self.state == COUNTING:
                said += self._holding(state, t)
        said += self._cue(state, state_before, skip_praise)
        breath = self._breathing(t)
        if breath is not None and not said and not after:  # anything else said wins
            said.append(breath)
        return SessionStep(tuple(said + after), closed, began, finished)

    def stop(self, t: float) -> SetRecord | None:
        """Stopped early (Stop, camera gone, tab closed, end of the video): the set in progress
        is kept if it has reps. Returns it, or None."""
        cur, self._current = self._current, None
        if self.state not in (DONE, STOPPED):
            self.state = STOPPED
        if cur is None or not cur.reps:
            return None
        end = cur.last_end_s if self.plan.open and cur.last_end_s is not None else t
        record = cur.record(end, completed=len(cur.reps) >= cur.target)
        self.sets.append(record)
        return record

    # ---- sets --------------------------------------------------------------------------
    def _begin_set(self, t: float) -> None:
        if self.began_s is None:
            self.began_s = t
        if self.plan.open:
            side, target = None, self.plan.record_target
        else:
            (_, side), target = self._blocks[self._block], self.plan.target_reps
        self._current = _SetInProgress(index=len(self.sets) + 1, side=side, target=target,
                                       started_s=t)
        self._held = 0.0
        self.state = COUNTING

    def _set_full(self) -> bool:
        return not self.plan.open and len(self._current.reps) >= self._current.target

    def _close_set(self, t: float, completed: bool) -> SetRecord:
        cur, self._current = self._current, None
        record = cur.record(t, completed)
        self.sets.append(record)
        return record

    def _next_block(self, t: float) -> tuple[bool, list[Announcement]]:
        """After a full set: the other side, a rest, or the end. (finished, words)"""
        nxt = self._block + 1
        if nxt >= len(self._blocks):
            self.state = DONE
            return True, [self._say("done", "done", t, reps=self.total_reps,
                                    sets=self.plan.sets)]
        rnd, side = self._blocks[nxt]
        if rnd == self._blocks[self._block][0]:  # same round: the other side, no rest
            self._block = nxt
            self.state = GETTING_READY
            return False, [self._say("switch_side", f"set{nxt + 1}.switch", t, side=side)]
        self.state = REST
        self._rest_until = t + self.plan.rest_s
        return False, [self._say("rest", f"set{self._block + 1}.rest", t,
                                 seconds=f"{self.plan.rest_s:g}")]

    # ---- reps --------------------------------------------------------------------------
    def _rep(self, rep, t: float) -> tuple[bool, list[Announcement]]:
        cur = self._current
        if rep.start_s < cur.started_s - 1e-9:
            return False, []  # begun before this set started (getting ready, or resting)
        if self.plan.open:
            self._maybe_split(rep)
            cur = self._current
        elif cur.side is not None and rep.side != cur.side:
            if t - self._wrong_side_t < WRONG_SIDE_COOLDOWN_S:
                return False, []
            self._wrong_side_t = t
            return False, [self._say("wrong_side", f"set{cur.index}.wrong.{_ms(t)}", t,
                                     side=cur.side)]
        if self.plan.open and not cur.reps:  # a recorded set starts with its first rep
            cur.started_s, cur.side = rep.start_s, rep.side
        n = len(cur.reps) + 1
        cur.reps.append(_summary(rep, n))
        cur.durations.append(rep.duration_s)
        cur.last_end_s = rep.end_s
        for code in rep.faults:
            cur.count(code)
        return True, [self._say("rep", f"set{cur.index}.rep{n}", t, n=n)]

    def _maybe_split(self, rep) -> None:
        """Open-ended: a long pause, or the other side, begins a new set."""
        cur = self._current
        if not cur.reps:
            return
        typical = sorted(cur.durations)[len(cur.durations) // 2]
        gap = rep.start_s - cur.last_end_s
        if gap > max(REST_GAP_S, REST_GAP_REPS * typical) or rep.side != cur.side:
            self._close_set(cur.last_end_s, completed=len(cur.reps) >= cur.target)
            self._current = _SetInProgress(index=len(self.sets) + 1, side=rep.side,
                                           target=cur.target, started_s=rep.start_s)

    def _partial(self, side: str | None) -> None:
        cur = self._current
        if not self.plan.open and cur.side is not None and side != cur.side:
            return
        cur.partial_reps += 1
        cur.count(SHALLOW)

    def _holding(self, state: EngineState, t: float) -> list[Announcement]:
        """The hold (or pause) at the working end: said on arrival, released when long enough."""
        if self.plan.hold_s <= 0 or self.plan.open or self.speech.hold is None:
            return []
        cur = self._current
        if state.phase not in AT_WORKING_END or state.metric is None \
                or (cur.side is not None and state.side != cur.side):
            self._held = 0.0
            return []
        words = []
        n = len(cur.reps) + 1
        key = f"set{cur.index}.rep{n}"
        if state.phase == WORKING and f"{key}.hold" not in self._hold_said:
            self._hold_said.add(f"{key}.hold")
            words.append(self._say("hold", f"{key}.hold", t))
        self._held = state.hold_s
        if self._held >= self.plan.hold_s and self.speech.release \
                and f"{key}.release" not in self._hold_said:
            self._hold_said.add(f"{key}.release")
            words.append(self._say("release", f"{key}.release", t))
        return words

    # ---- words -------------------------------------------------------------------------
    def _say(self, what: str, key: str, t: float, **values) -> Announcement:
        return Announcement(key, what, self.speech.say(what, **values), t)

    def _cue(self, state: EngineState, session_state: str, skip_praise: bool) -> list[Announcement]:
        """The engine's cue (said exactly as written), when it makes sense in this state."""
        cue = state.new_cue
        if cue is None or cue.code in _NOT_IN_SESSION or self.plan.open:
            return []
        if session_state == GETTING_READY and cue.priority > SAFETY:
            return []
        if session_state not in (GETTING_READY, COUNTING):
            return []
        if skip_praise and cue.code == "good_rep":
            return []
        return [Announcement(cue_key(cue), "cue", cue.message, cue.t)]


def _ms(t: float) -> int:
    return int(round(t * 1000))


def cue_key(cue: Cue) -> str:
    """The announcement key of an engine cue (one cue is said at most once)."""
    return f"cue.{cue.code}.{_ms(cue.t)}"


def new_record(exercise: Exercise, plan: SessionPlan, session_id: str, started_at: str,
               source: str, routine_id: str | None = None,
               routine_run: str | None = None) -> SessionRecord:
    """The history's row for a session about to begin (sets are added as they end); in a
    routine, tagged with the routine and its run."""
    return SessionRecord(id=session_id, started_at=started_at, exercise_id=exercise.id,
                         exercise_name=exercise.name, side=plan.side, source=source,
                         planned_sets=len(plan.blocks),
                         target_reps=plan.target_reps or plan.record_target,
                         routine_id=routine_id, routine_run=routine_run)
