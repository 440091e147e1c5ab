"""What a sink is given: one frame as the frame loop left it, and how the loop ended.

A sink records (the annotated video, the pose track, the report, the live history); it never
judges. The frame loop (run/frame_loop.py) hands every sink every frame in order, then closes
each sink once - also when the loop, or another sink, failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..datatypes import Pose
from ..engine.exercise_engine import EngineState
from ..engine.records import SetRecord
from ..engine.session import SessionStep


@dataclass(frozen=True)
class FrameResult:
    """One frame. The source fills in what it saw (the first six fields); the loop adds the
    engine's state and the session's step."""

    t: float  # seconds: the time the engine is given (from the start of the stream)
    index: int  # the frame's number in its source, from 0
    image: np.ndarray | None  # the RGB picture; None when replaying a pose track
    size: tuple[int, int]  # (width, height) of the picture the pose was looked for on
    pose: Pose | None  # the raw pose the model found; None: nobody found, or not judged
    judged: bool  # the model ran on this frame and the engine judged it (see stride)
    state: EngineState | None = None  # the latest engine state (this frame's when judged)
    step: SessionStep | None = None  # what this frame changed in the session, if it has one


@dataclass(frozen=True)
class LoopEnd:
    failed: bool  # the loop broke off with an error; it reaches the caller once all are closed
    t: float  # engine time of the last judged frame (0.0 when none was)
    sets: tuple[SetRecord, ...] = ()  # the session's sets once it stopped; a set cut short last


class FrameSink(Protocol):
    def add(self, frame: FrameResult) -> None:
        """Called for every frame, judged or not, in order."""

    def close(self, end: LoopEnd) -> None:
        """Called once, after the last frame or a failure; frees what the sink holds."""
