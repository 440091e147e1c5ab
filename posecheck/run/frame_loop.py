"""The one frame loop of video files, pose tracks and the live camera: each frame through the
engine (and the session, where there is one), then to every sink.

The caller runs the pose model and hands frames in; what a frame leaves behind goes to the
sinks. Adding a sink is one object in the list, for all three sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace

from ..engine.exercise_engine import EngineState, ExerciseEngine
from ..engine.session import DONE, STOPPED, Session
from ..sinks.base import FrameResult, FrameSink, LoopEnd


class FrameLoop:
    """Feed frames in time order with add(); close() (or leaving a `with` block) stops the
    session and closes every sink once."""

    def __init__(self, engine: ExerciseEngine, sinks: Sequence[FrameSink] = (),
                 session: Session | None = None):
        self.engine, self.session = engine, session
        self.sinks = list(sinks)
        self.state: EngineState | None = None  # the latest judged frame's
        self.closed = False

    @property
    def t(self) -> float:
        """Engine time of the last judged frame (0.0 before the first)."""
        return self.state.t if self.state is not None else 0.0

    def add(self, frame: FrameResult) -> FrameResult:
        step = None
        if frame.judged:
            self.state = self.engine.update(frame.pose, frame.t)
            # a session that is done (or was stopped) hears nothing more: no words after "done"
            if self.session is not None and self.session.state not in (DONE, STOPPED):
                step = self.session.update(self.state)
        result = replace(frame, state=self.state, step=step)
        for sink in self.sinks:
            sink.add(result)
        return result

    def close(self, failed: bool = False) -> None:
        """Stops the session (its set in progress is kept if it has reps) and closes every sink
        in order, each even when one before it raised; such a failure is raised once all are
        closed (as a `finally` would: chained to the error that ended the loop, if any)."""
        if self.closed:
            return
        self.closed = True
        sets: tuple = ()
        if self.session is not None:
            self.session.stop(self.t)
            sets = tuple(self.session.sets)
        end = LoopEnd(failed, self.t, sets)
        with ExitStack() as closing:
            for sink in reversed(self.sinks):  # the stack unwinds last in, first out
                closing.callback(sink.close, end)

    def __enter__(self) -> "FrameLoop":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)
