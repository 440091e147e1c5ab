"""H.264 mp4 output that browsers play (OpenCV's mp4v does not play in a <video> element)."""

from __future__ import annotations

import os
from fractions import Fraction

import av
import cv2
import numpy as np

from ..errors import VideoError

# Coarser motion search than the preset's (diamond search, one subpixel refinement step): on
# the real 720p clips it takes 2-2.5 ms less CPU per frame of the encoder's ~7-10 ms, for files
# 4-10% larger at the same quality setting. That CPU is taken from the core the pose model
# shares with decoding and encoding.
_X264_PARAMS = "me=dia:subme=1"


class H264Writer:
    """Writes RGB frames to an H.264 (yuv420p, faststart) mp4 at a constant frame rate."""

    def __init__(self, path: str, fps: float, crf: int = 23, preset: str = "veryfast"):
        self.path = path
        self.fps = fps if fps and fps > 0 else 30.0
        self.crf, self.preset = crf, preset
        self._container = None
        self._stream = None
        self._size: tuple[int, int] | None = None

    def _open(self, width: int, height: int) -> None:
        folder = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(folder):
            raise VideoError(f"Cannot write {self.path}: the folder does not exist.")
        try:
            self._container = av.open(self.path, mode="w", options={"movflags": "+faststart"})
        except (av.FFmpegError, OSError) as exc:
            raise VideoError(f"Cannot write {self.path} ({exc}).") from None
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(self.crf), "preset": self.preset, "x264-params": _X264_PARAMS}
        self._stream = stream
        self._size = (width, height)

    def write(self, image_rgb: np.ndarray) -> None:
        h, w = image_rgb.shape[:2]
        if self._container is None:
            # yuv420p needs even sizes
            self._open(w - w % 2, h - h % 2)
        ew, eh = self._size
        if (w, h) != (ew, eh):
            image_rgb = image_rgb[:eh, :ew]
        # OpenCV's RGB -> I420 is the same BT.601 limited-range conversion swscale would do
        # inside the encoder (pixel values within rounding), at a third of the time
        yuv = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2YUV_I420)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        if self._container is None:
            return
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        self._container = None

    def __enter__(self) -> "H264Writer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
