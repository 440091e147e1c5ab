"""Pose tracks: the raw (unsmoothed) pose of every frame as JSON lines.

One line per analysed frame:
    {"t": seconds, "size": [w, h], "landmarks": [[x, y, z, visibility] x 33] | null,
     "world": [[x, y, z] x 33] | null}
A first line {"posecheck_track": 1, "source": ..., "fps": ...} describes the stream.
Replaying a track through the engine gives the same result as the video it came from.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np

from ..errors import TrackError
from ..landmarks import NUM_LANDMARKS
from ..datatypes import Pose

TRACK_VERSION = 1
_DIGITS = 5  # 1e-5 of the image is far below the model's own noise


@dataclass(frozen=True)
class TrackSample:
    t: float
    size: tuple[int, int]
    pose: Pose | None


@dataclass(frozen=True)
class TrackHeader:
    source: str
    fps: float
    width: int
    height: int
    duration_s: float = 0.0
    stride: int = 1
    pose_backend: str | None = None  # which backend and model made the poses (None: not said)
    pose_model: str | None = None


def _round(rows: np.ndarray) -> list[list[float]]:
    return np.round(rows, _DIGITS).tolist()


def write_header(out: IO[str], header: TrackHeader) -> None:
    out.write(json.dumps({"posecheck_track": TRACK_VERSION, "source": header.source,
                          "fps": header.fps, "size": [header.width, header.height],
                          "duration_s": header.duration_s, "stride": header.stride,
                          "pose_backend": header.pose_backend,
                          "pose_model": header.pose_model}) + "\n")


def write_sample(out: IO[str], t: float, size: tuple[int, int], pose: Pose | None) -> None:
    line = {"t": round(t, 6), "size": list(size),
            "landmarks": None if pose is None else _round(pose.landmarks),
            "world": None if pose is None or pose.world is None else _round(pose.world)}
    out.write(json.dumps(line, separators=(",", ":")) + "\n")


def _array(value, width: int, name: str, line_no: int) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TrackError(f"line {line_no}: '{name}' must be a list of numbers.") from None
    if arr.shape != (NUM_LANDMARKS, width):
        raise TrackError(f"line {line_no}: '{name}' must be {NUM_LANDMARKS} rows of {width} numbers.")
    return arr


# Larger than any camera; a bigger "size" is damage, not a video.
_MAX_SIDE_PX = 100_000


def _is_size(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    and 0 < v <= _MAX_SIDE_PX for v in value))


def _number(value, default: float) -> float | None:
    """A finite, non-negative number from a header field (None/0 -> default), else None."""
    if value is None or value == 0:
        return default
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _parse_header(obj: dict) -> TrackHeader | None:
    """The header line, or None when a field is of the wrong kind or out of range."""
    size = obj.get("size") or [0, 0]
    fps, duration = _number(obj.get("fps"), 0.0), _number(obj.get("duration_s"), 0.0)
    stride = _number(obj.get("stride"), 1.0)
    if fps is None or duration is None or stride is None or stride < 1 or stride != int(stride):
        return None
    if _is_size(size):
        width, height = int(size[0]), int(size[1])
    elif isinstance(size, (list, tuple)) and len(size) == 2 and 0 in size:
        width = height = 0  # the source did not know its size
    else:
        return None
    return TrackHeader(source=str(obj.get("source", "")), fps=fps, width=width, height=height,
                       duration_s=duration, stride=int(stride),
                       pose_backend=_text_or_none(obj.get("pose_backend")),
                       pose_model=_text_or_none(obj.get("pose_model")))


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_sample(obj: dict, line_no: int, default_size: tuple[int, int] | None) -> TrackSample:
    if not isinstance(obj, dict):
        raise TrackError(f"line {line_no}: expected a JSON object.")
    t = obj.get("t")
    if not isinstance(t, (int, float)) or isinstance(t, bool) or not math.isfinite(t):
        raise TrackError(f"line {line_no}: 't' (seconds) is missing or not a number.")
    size = obj.get("size", default_size)
    if not _is_size(size):
        raise TrackError(f"line {line_no}: 'size' must be [width, height] in pixels.")
    size = (int(size[0]), int(size[1]))
    if "landmarks" not in obj:
        raise TrackError(f"line {line_no}: 'landmarks' is missing (use null when nobody was found).")
    raw = obj["landmarks"]
    if raw is None:
        return TrackSample(t=float(t), size=size, pose=None)
    lms = _array(raw, 4, "landmarks", line_no)
    world = obj.get("world")
    world_arr = None if world is None else _array(world, 3, "world", line_no)
    # Non-finite numbers are kept as NaN with zero visibility: the features treat them as unseen.
    bad = ~np.isfinite(lms).all(axis=1)
    if bad.any():
        lms[bad, 3] = 0.0
    lms[:, 3] = np.clip(np.nan_to_num(lms[:, 3], nan=0.0), 0.0, 1.0)
    return TrackSample(t=float(t), size=size,
                       pose=Pose(t=float(t), image_size=size, landmarks=lms, world=world_arr))


def read_track(lines: Iterable[str], name: str = "track") -> Iterator[TrackSample | TrackHeader]:
    """Parse a track; yields a TrackHeader first when the file has one, then samples in order."""
    size = None
    last_t = -math.inf
    seen_any = False
    for line_no, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise TrackError(f"{name}: line {line_no} is not valid JSON.") from None
        if isinstance(obj, dict) and "posecheck_track" in obj:
            header = _parse_header(obj)
            if header is None:
                raise TrackError(f"{name}: line {line_no}: the header line is malformed.")
            size = (header.width, header.height) if header.width else None
            yield header
            continue
        try:
            sample = parse_sample(obj, line_no, size)
        except TrackError as exc:
            raise TrackError(f"{name}: {exc}") from None
        if sample.t < last_t:
            raise TrackError(f"{name}: line {line_no}: time goes backwards ({sample.t} after {last_t}).")
        last_t = sample.t
        seen_any = True
        yield sample
    if not seen_any:
        raise TrackError(f"{name} holds no pose samples.")


def is_track_path(path: str) -> bool:
    return path.lower().endswith((".jsonl", ".ndjson"))
