"""A routine run hands-free: one Session per exercise, one after another. Pure.

RoutineRun decides what happens between the exercises; the driver (run/live.py) runs each
exercise's engine and Session as for a single exercise and tells the run when one is done:

    begin(t)           the first frame: the routine's intro and the first exercise ("Next:
                       Lumbar extension. Lie sideways to the camera ...", the exercise's own
                       words for how to face the camera)
    exercise_ended()   its last set is done: the next exercise is announced, and a change-over
                       of routine.between_s follows (BETWEEN); after the last, the routine is done
    tick(t)            True once the change-over is over: the driver starts the next exercise,
                       whose Session waits, as always, until its start position is held in view
    stop()             Stop, camera gone, tab closed: the run ends where it is

Each exercise is its own session (its own history row, tagged with the routine); the run
keeps what each left behind for the summary. Times are the run's own clock (seconds since
its first frame); `own()` moves an exercise's announcements onto it, with keys unique in the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .exercises import Exercise, ExerciseLibrary
from .ranges import RangeChoice
from .records import SetRecord
from .routines import Routine
from .session import Announcement, SessionPlan

EXERCISING, BETWEEN, ROUTINE_DONE, ROUTINE_STOPPED = "exercising", "between", "done", "stopped"


@dataclass(frozen=True)
class Stage:
    """One exercise of a routine, as it will be run."""

    index: int  # 0-based place in the routine
    exercise: Exercise
    plan: SessionPlan


def routine_stages(routine: Routine, library: ExerciseLibrary,
                   ranges: Mapping[str, RangeChoice] | None = None) -> tuple[Stage, ...]:
    """The routine's exercises with their plans: the routine's sets, reps and side, the
    exercise's own hold and (unless the routine says) rest, and the person's range for each
    exercise. Raises UnknownExerciseError if an exercise has gone since the routine loaded."""
    ranges = ranges or {}
    stages = []
    for i, step in enumerate(routine.steps):
        ex = library.get(step.exercise_id)
        p = ex.prescription
        plan = SessionPlan(target_reps=step.reps_min, sets=step.sets,
                           rest_s=p.rest_s if step.rest_s is None else step.rest_s,
                           side=step.side if ex.sided else None, hold_s=p.hold_s or p.pause_s,
                           range_choice=ranges.get(ex.id, RangeChoice()))
        stages.append(Stage(i, ex, plan))
    return tuple(stages)


@dataclass(frozen=True)
class ExerciseResult:
    """What one exercise of the run left behind (for the summary)."""

    index: int
    exercise_id: str
    name: str
    planned_sets: int  # set records planned (a "both" round is two)
    target_reps: int
    sets: tuple[SetRecord, ...]
    finished: bool  # every set done

    @property
    def reps(self) -> int:
        return sum(s.rep_count for s in self.sets)

    @property
    def fault_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sets:
            for code, n in s.fault_counts.items():
                out[code] = out.get(code, 0) + n
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class RoutineStatus:
    """What the page shows about the routine now."""

    routine_id: str
    name: str
    state: str  # EXERCISING | BETWEEN | ROUTINE_DONE | ROUTINE_STOPPED
    index: int  # 0-based: the exercise in progress, or (BETWEEN) the one coming next
    count: int
    exercise_name: str  # of that exercise
    view_words: str  # how to face the camera for it (the exercise's own words)
    between_left_s: float | None  # BETWEEN: seconds until it starts
    results: tuple[ExerciseResult, ...]

    @property
    def total_reps(self) -> int:
        return sum(r.reps for r in self.results)


class RoutineRun:
    def __init__(self, routine: Routine, stages: tuple[Stage, ...]):
        if not stages:
            raise ValueError("A routine needs at least one exercise.")
        self.routine, self.stages = routine, stages
        self.index = 0
        self.state = EXERCISING
        self.results: list[ExerciseResult] = []
        self._next_at: float | None = None
        self._t = 0.0

    @property
    def stage(self) -> Stage:
        return self.stages[self.index]

    @property
    def ended(self) -> bool:
        return self.state in (ROUTINE_DONE, ROUTINE_STOPPED)

    def _next_words(self, stage: Stage, t: float) -> Announcement:
        text = self.routine.say("next", name=stage.exercise.name,
                                view=stage.exercise.cues["wrong_view"], sets=stage.plan.sets,
                                reps=stage.plan.target_reps, n=stage.index + 1,
                                of=len(self.stages))
        return Announcement(f"routine.next{stage.index + 1}", "next_exercise", text, t)

    def begin(self, t: float) -> list[Announcement]:
        """The run's first frame: what the routine is, and the first exercise, said as one
        (two, the second waited behind the first for 4-5 s and the browser dropped it as
        stale in the browser test: the person never heard how to face the camera)."""
        self._t = t
        intro = self.routine.say("intro", routine=self.routine.name, exercises=len(self.stages))
        first = self._next_words(self.stage, t)
        return [Announcement("routine.intro", "next_exercise", f"{intro} {first.text}", t)]

    def exercise_ended(self, sets: Iterable[SetRecord], finished: bool,
                       t: float) -> list[Announcement]:
        """The exercise in progress is over (its last set done): the next one, or the end."""
        if self.state != EXERCISING:
            return []
        self._t = t
        self._keep(sets, finished)
        if self.index + 1 >= len(self.stages):
            self.state = ROUTINE_DONE
            text = self.routine.say("done", routine=self.routine.name,
                                    reps=sum(r.reps for r in self.results),
                                    exercises=len(self.stages))
            return [Announcement("routine.done", "routine_done", text, t)]
        self.state = BETWEEN
        self._next_at = t + self.routine.between_s
        return [self._next_words(self.stages[self.index + 1], t)]

    def tick(self, t: float) -> bool:
        """True when the change-over has just ended: start the next exercise now."""
        self._t = t
        if self.state != BETWEEN or t < self._next_at:
            return False
        self.index += 1
        self.state = EXERCISING
        self._next_at = None
        return True

    def stop(self, sets: Iterable[SetRecord], t: float) -> None:
        """Ended early: the exercise in progress is kept with the sets it has."""
        self._t = t
        if self.state == EXERCISING:
            self._keep(sets, finished=False)
        if not self.ended:
            self.state = ROUTINE_STOPPED

    def _keep(self, sets: Iterable[SetRecord], finished: bool) -> None:
        stage = self.stage
        self.results.append(ExerciseResult(
            index=stage.index, exercise_id=stage.exercise.id, name=stage.exercise.name,
            planned_sets=len(stage.plan.blocks), target_reps=stage.plan.target_reps or 0,
            sets=tuple(sets), finished=finished))

    def status(self, t: float | None = None) -> RoutineStatus:
        t = self._t if t is None else t
        upcoming = self.index + 1 if self.state == BETWEEN else self.index
        stage = self.stages[min(upcoming, len(self.stages) - 1)]
        left = max(0.0, self._next_at - t) if self.state == BETWEEN else None
        return RoutineStatus(
            routine_id=self.routine.id, name=self.routine.name, state=self.state,
            index=stage.index, count=len(self.stages), exercise_name=stage.exercise.name,
            view_words=stage.exercise.cues["wrong_view"], between_left_s=left,
            results=tuple(self.results))

    def own(self, said: Iterable[Announcement], offset: float) -> list[Announcement]:
        """An exercise's announcements on the run's clock (its clock started at `offset`),
        with keys unique in the run (every exercise has its own "set1.rep1")."""
        prefix = f"ex{self.index + 1}."
        return [replace(a, key=prefix + a.key, t=a.t + offset) for a in said]
