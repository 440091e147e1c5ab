"""Video sources: decode a file frame by frame, with real timestamps, upright, as RGB.

Frames are streamed (never the whole clip in memory). Decoding uses PyAV (FFmpeg), which
reads the container's timestamps, so variable-frame-rate clips keep true times.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from ..errors import VideoError
from ..datatypes import Frame, VideoInfo

# Frames larger than this on their long side are scaled down while decoding: the pose model
# looks at a 256x256 crop, so more pixels only cost colour conversion and memory.
DEFAULT_MAX_SIDE = 1280

# fps metadata outside this range is treated as missing (seen in broken or screen-recorded files).
_PLAUSIBLE_FPS = (1.0, 240.0)

# Frames smaller than this on a side cannot show a person the model can find, and an H.264
# encoder refuses them; they are refused with a sentence instead.
MIN_SIDE_PX = 32


def _check_file(path: str) -> None:
    if not os.path.exists(path):
        raise VideoError(f"No such file: {path}")
    if os.path.isdir(path):
        raise VideoError(f"{path} is a folder, not a video file.")
    if os.path.getsize(path) == 0:
        raise VideoError(f"{path} is empty (0 bytes).")


def _open(path: str) -> av.container.InputContainer:
    _check_file(path)
    try:
        container = av.open(path, metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoError(f"{os.path.basename(path)} is not a video file that can be read ({_short(exc)}).") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{os.path.basename(path)} has no video track.")
    if container.streams.video[0].codec_context is None:
        # FFmpeg knows the container but not the codec of its video (an unknown fourcc)
        container.close()
        raise VideoError(f"{os.path.basename(path)} uses a video codec that cannot be decoded. "
                         "Convert it to MP4 (H.264) and try again.")
    return container


def _short(exc: Exception) -> str:
    # FFmpeg errors carry errno and path noise; their strerror is the readable part
    text = (getattr(exc, "strerror", None) or str(exc)).strip() or type(exc).__name__
    return text.splitlines()[0][:120]


def _stream_fps(stream) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            fps = float(rate)
            if _PLAUSIBLE_FPS[0] <= fps <= _PLAUSIBLE_FPS[1]:
                return fps
    return 0.0


def _rotation(frame) -> int:
    """Degrees (0/90/180/270) to turn a decoded frame counter-clockwise so it shows upright.

    Phones store portrait video as landscape frames plus a display matrix; PyAV reports the
    matrix's counter-clockwise rotation on each frame (-90 for a typical portrait clip)."""
    try:
        angle = int(round(float(getattr(frame, "rotation", 0) or 0)))
    except (TypeError, ValueError):
        return 0
    return (round(angle / 90) * 90) % 360


def probe(path: str) -> VideoInfo:
    """Read a video's size, fps and length without decoding it."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        fps = _stream_fps(stream)
        duration = 0.0
        if stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1_000_000
        frames = stream.frames or (int(round(duration * fps)) if fps else 0)
        width, height = stream.codec_context.width, stream.codec_context.height
        rotation = 0
        try:  # the display rotation lives on the frames: look at the first one
            rotation = _rotation(next(container.decode(stream)))
        except (StopIteration, av.FFmpegError, ValueError):
            pass
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(path=path, width=width, height=height, fps=fps, frame_count=frames,
                         duration_s=duration, rotation=rotation)
    finally:
        container.close()


def _check_size(path: str, width: int, height: int) -> None:
    if min(width, height) < MIN_SIDE_PX:
        raise VideoError(f"{os.path.basename(path)} is only {width}x{height} pixels: too small to "
                         f"see a person (at least {MIN_SIDE_PX} pixels a side are needed).")


def _target_size(width: int, height: int, max_side: int | None) -> tuple[int, int] | None:
    if not max_side or max(width, height) <= max_side:
        return None
    scale = max_side / max(width, height)
    # even sizes keep the H.264 encoder (yuv420p) happy downstream
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def _upright(image: np.ndarray, rotation: int, mirrored: bool = False) -> np.ndarray:
    if rotation:
        image = np.rot90(image, k=rotation // 90)  # counter-clockwise for positive k
    if mirrored:
        image = image[:, ::-1]
    # PyAV may hand out rows with padding; MediaPipe and the encoder need packed rows
    return image if image.flags.c_contiguous else np.ascontiguousarray(image)


@dataclass
class DecodeStatus:
    """What the decoder learned about the file while reading it."""

    broke_off: str | None = None  # a sentence, when the file ended in a decoding error


def read_frames(path: str, max_side: int | None = DEFAULT_MAX_SIDE, stride: int = 1,
                status: DecodeStatus | None = None, mirrored: bool = False) -> Iterator[Frame]:
    """Yield frames as RGB with times in seconds from the start of the stream.

    stride > 1 decodes every frame (codecs need that) but converts and yields only every
    stride-th one. A file that breaks off part-way ends the stream early; a sentence saying so
    is put in `status.broke_off` when a status is given.

    mirrored: the file was recorded mirrored (some phones save front-camera video that way).
    A mirrored person is a plausible person whose left and right are swapped, so nothing in
    the picture can tell; the caller says so and the frames are flipped back here, before the
    pose model names the sides.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = _stream_fps(stream) or 30.0
        size = None
        first_pts = None
        last_t = -math.inf
        index = -1
        try:
            for raw in container.decode(stream):
                index += 1
                if index % stride:
                    continue
                if size is None:
                    _check_size(path, raw.width, raw.height)
                    size = _target_size(raw.width, raw.height, max_side) or (raw.width, raw.height)
                t = _frame_time(raw, index, fps, first_pts)
                if first_pts is None and raw.pts is not None:
                    first_pts = raw.pts
                    t = 0.0
                if t <= last_t:  # duplicated or reordered timestamps: keep time moving forward
                    t = last_t + 1.0 / fps
                last_t = t
                image = raw.to_ndarray(format="rgb24", width=size[0], height=size[1])
                yield Frame(index=index, t=t, image=_upright(image, _rotation(raw), mirrored))
        except (av.FFmpegError, ValueError) as exc:
            if index <= 0:
                raise VideoError(f"{os.path.basename(path)} could not be decoded ({_short(exc)}).") from None
            if status is not None:
                status.broke_off = (f"The video breaks off after frame {index} ({_short(exc)}); "
                                "the part before that was analysed.")
        if index < 0:
            raise VideoError(f"{os.path.basename(path)} contains no video frames that can be decoded.")
    finally:
        container.close()


def _frame_time(raw, index: int, fps: float, first_pts: int | None) -> float:
    if raw.pts is None or raw.time_base is None:
        return index / fps
    origin = first_pts if first_pts is not None else raw.pts
    return float((raw.pts - origin) * Fraction(raw.time_base))
