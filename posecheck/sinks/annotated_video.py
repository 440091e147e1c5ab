"""The annotated video: every frame drawn with the latest engine state and encoded to H.264.

Drawing and encoding run on a background thread behind the pose model (run/threads.py), so on
a second core they cost little wall time.
"""

from __future__ import annotations

from ..engine.exercises import Exercise
from ..run.threads import Sink
from ..video.encode import H264Writer
from .base import FrameResult, LoopEnd
from .overlay import Overlay


class AnnotatedVideo:
    """FrameSink: every frame goes into the video, judged or not; a frame before the first
    judged one is kept as it is (there is nothing to draw yet)."""

    def __init__(self, path: str, exercise: Exercise, fps: float):
        self._overlay = Overlay(exercise)
        self._writer = H264Writer(path, fps)
        self._encoder = Sink(self._encode, name="posecheck-encode")

    def _encode(self, item) -> None:
        image, state = item
        self._writer.write(self._overlay.draw(image, state) if state is not None else image)

    def add(self, frame: FrameResult) -> None:
        self._encoder.put((frame.image, frame.state))

    def close(self, end: LoopEnd) -> None:
        try:
            # after a failure elsewhere, the encoder's own is not raised over it
            self._encoder.close(reraise=not end.failed)
        finally:
            self._writer.close()
