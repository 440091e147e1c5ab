"""The pose track: the raw pose of every judged frame as JSON lines (pose/track.py), to replay
through the engine later without the model."""

from __future__ import annotations

from ..pose.track import TrackHeader, write_header, write_sample
from .base import FrameResult, LoopEnd


class TrackRecorder:
    """FrameSink: the header when made, then one sample per judged frame."""

    def __init__(self, path: str, header: TrackHeader):
        self._file = open(path, "w", encoding="utf-8")
        try:
            write_header(self._file, header)
        except BaseException:
            self._file.close()
            raise

    def add(self, frame: FrameResult) -> None:
        if frame.judged:
            write_sample(self._file, frame.t, frame.size, frame.pose)

    def close(self, end: LoopEnd) -> None:
        self._file.close()
