"""Video files made by the tests themselves: encoded from generated pixels or from frames of the
real clips (transformed on the way: turned, darkened, mirrored, placed side by side), always
into the test's tmp_path. Frames are streamed from reader to writer, never held all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from posecheck.video.decode import read_frames


def write_video(path: Path, frames: Iterable[np.ndarray], fps: float = 30.0, *,
                codec: str = "libx264", rotation: int = 0, times: Iterable[float] | None = None,
                container_format: str | None = None) -> Path:
    """Encode RGB frames. rotation: display rotation metadata (degrees, as a phone stores it).
    times: seconds per frame for a variable frame rate (a millisecond time base)."""
    times_iter = iter(times) if times is not None else None
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        if times_iter is not None:
            stream.time_base = Fraction(1, 1000)
        opened = False
        for image in frames:
            if not opened:
                h, w = image.shape[:2]
                if codec == "ffv1":  # lossless, any size (for frames too odd for the others)
                    stream.width, stream.height, stream.pix_fmt = w, h, "yuv444p"
                else:  # 4:2:0 needs even sizes
                    stream.width, stream.height, stream.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
                if codec == "libx264":
                    stream.options = {"crf": "18", "preset": "veryfast"}
                if rotation:
                    stream.set_display_rotation(rotation)
                opened = True
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(image[:stream.height, :stream.width]), format="rgb24")
            if times_iter is not None:
                frame.pts = int(round(next(times_iter) * 1000))
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def clip_frames(path: Path, start_s: float = 0.0, end_s: float = float("inf"), every: int = 1,
                max_side: int | None = 640) -> Iterator[tuple[float, np.ndarray]]:
    """(time from start_s, RGB image) of every `every`-th frame of a real clip in a window."""
    for frame in read_frames(str(path), max_side=max_side):
        if frame.t >= end_s:
            return
        if frame.t >= start_s and frame.index % every == 0:
            yield frame.t - start_s, frame.image


def derived_clip(src: Path, dst: Path, transform: Callable[[np.ndarray], np.ndarray] = lambda x: x,
                 *, start_s: float = 0.0, end_s: float = float("inf"), every: int = 2,
                 fps: float = 15.0, **write_kw) -> Path:
    """A real clip re-encoded through `transform` at fps (every `every`-th frame kept)."""
    images = (transform(img) for _, img in clip_frames(src, start_s, end_s, every))
    return write_video(dst, images, fps, **write_kw)


def moving_background(n: int, size: tuple[int, int] = (160, 120), seed: int = 0) -> Iterator[np.ndarray]:
    """A scene with no person: a drifting gradient with some noise."""
    w, h = size
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 255, w)[None, :, None]
    y = np.linspace(0, 255, h)[:, None, None]
    for i in range(n):
        base = (x * 0.6 + y * 0.3 + i * 3) % 256
        img = np.broadcast_to(base, (h, w, 3)) + rng.normal(0, 4, (h, w, 3))
        yield np.clip(img, 0, 255).astype(np.uint8)

