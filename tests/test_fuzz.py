"""Fuzzing: random and mutated bytes into the video reader, random and damaged pose tracks
into the track reader and the engine. Anything may be refused - with a PosecheckError, whose
text is a sentence - but nothing may crash, hang or produce a number that is not a number.

Seeded, so a failure is reproducible: the failing input is written next to the test's
tmp_path and named in the assertion.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from pathlib import Path

import numpy as np
import pytest

import synth
from media import moving_background, write_video
from posecheck.datatypes import Pose
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.errors import PosecheckError
from posecheck.video.decode import probe, read_frames
from posecheck.pose.track import TrackSample, read_track, write_header, write_sample, TrackHeader

ROUNDS = 120  # per seed; each round is one file or one track


def _sentence(exc: PosecheckError) -> None:
    text = str(exc)
    assert text and "Traceback" not in text and len(text) < 400, text


@pytest.fixture(scope="module")
def seed_videos(tmp_path_factory) -> list[bytes]:
    """Small valid files of several codecs and containers to mutate."""
    folder = tmp_path_factory.mktemp("seeds")
    made = [
        write_video(folder / "a.mp4", moving_background(6, (64, 48)), 30),
        write_video(folder / "b.mkv", moving_background(6, (64, 48)), 25, codec="ffv1",
                    container_format="matroska"),
        write_video(folder / "c.avi", moving_background(6, (64, 48)), 30, codec="mpeg4"),
        write_video(folder / "d.webm", moving_background(6, (64, 48)), 30, codec="libvpx-vp9"),
        write_video(folder / "e.mp4", moving_background(6, (64, 48)), 30,
                    times=[0, 0.1, 0.15, 0.4, 0.45, 0.9]),
    ]
    return [p.read_bytes() for p in made]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0:  # flip some bytes
        for _ in range(rng.randint(1, 30)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:  # cut anywhere
        b = b[: rng.randrange(len(b))]
    elif kind == 2:  # overwrite a run with noise
        at = rng.randrange(len(b))
        b[at:at + rng.randint(1, 300)] = rng.randbytes(rng.randint(1, 300))
    elif kind == 3:  # splice two halves of the file together
        at, to = sorted(rng.randrange(len(b)) for _ in range(2))
        b = b[:at] + b[to:]
    else:  # pure noise
        b = bytearray(rng.randbytes(rng.randint(0, 5000)))
    return bytes(b)


@pytest.mark.parametrize("seed", range(3))
def test_the_video_reader_refuses_damage_with_a_sentence(seed, seed_videos, tmp_path):
    rng = random.Random(seed)
    path = tmp_path / "fuzz.mp4"
    outcomes = {"read": 0, "refused": 0}
    for i in range(ROUNDS):
        data = _mutate(rng.choice(seed_videos), rng)
        path.write_bytes(data)
        try:
            info = probe(str(path))
            assert info.fps == 0 or 1 <= info.fps <= 240
            last = -math.inf
            for frame in read_frames(str(path), max_side=64):
                assert frame.image.ndim == 3 and frame.image.shape[2] == 3
                assert math.isfinite(frame.t) and frame.t > last
                last = frame.t
            outcomes["read"] += 1
        except PosecheckError as exc:
            _sentence(exc)
            outcomes["refused"] += 1
        except Exception as exc:  # noqa: BLE001 - keep the input that broke it
            keep = Path(tmp_path) / f"crash-{seed}-{i}.bin"
            keep.write_bytes(data)
            raise AssertionError(f"{type(exc).__name__}: {exc} (input kept in {keep})") from exc
    assert outcomes["read"] and outcomes["refused"], outcomes  # both kinds were exercised


# ---- tracks and the engine --------------------------------------------------------------

_ODD = [None, True, 0, -1, 1e308, float("nan"), float("inf"), "x", "1.5", [], {}, [1, 2],
        [0, 0], [640, 0], [1e308, 5], [640, 480]]


def _valid_track_lines(rng: random.Random) -> list[str]:
    import io

    frames = synth.poses(synth.standing, {"lean": 2.0, "knee": 12.0},
                         synth.reps({"lean": 70.0}, {"lean": 2.0}, 1), lead_s=0.3)
    buf = io.StringIO()
    write_header(buf, TrackHeader("clip.mp4", 30.0, 640, 480, 6.0, 1))
    for t, pose in frames[:: rng.randint(1, 4)]:
        write_sample(buf, t, synth.IMAGE, pose)
    return buf.getvalue().splitlines()


def _damage_line(line: str, rng: random.Random) -> str:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:  # damaged before: damage it some more
        return line[: rng.randrange(len(line) + 1)] + rng.choice(["", "}", "]]", "\x00"])
    kind = rng.randrange(6)
    keys = list(obj)
    if kind == 0 and keys:  # drop a key
        obj.pop(rng.choice(keys))
    elif kind == 1 and keys:  # an odd value
        obj[rng.choice(keys)] = rng.choice(_ODD)
    elif kind == 2 and obj.get("landmarks"):  # odd numbers inside the landmarks
        rows = obj["landmarks"]
        for _ in range(rng.randint(1, 10)):
            row = rng.randrange(len(rows))
            rows[row][rng.randrange(4)] = rng.choice([float("nan"), float("inf"), -1e300, 1e9, -5.0, 2.0])
    elif kind == 3 and obj.get("landmarks"):  # wrong shapes
        obj["landmarks"] = obj["landmarks"][: rng.randrange(33)]
    elif kind == 4:  # cut the line
        return line[: rng.randrange(len(line))]
    else:
        obj["t"] = rng.choice([-1.0, 0.0, 1e12, obj.get("t", 0)])
    return json.dumps(obj)  # NaN and Infinity come out as the bare words JSON readers accept


@pytest.mark.parametrize("seed", range(3))
def test_damaged_tracks_are_refused_or_replayed_never_crash(seed, library):
    rng = random.Random(seed)
    ex = library.get("good_morning")
    for _ in range(ROUNDS // 4):
        lines = _valid_track_lines(rng)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(lines))
            lines[i] = _damage_line(lines[i], rng)
        engine = ExerciseEngine(ex)
        state = None
        try:
            for item in read_track(lines):
                if isinstance(item, TrackSample):
                    state = engine.update(item.pose, item.t)
                    assert state.metric is None or math.isfinite(state.metric)
        except PosecheckError as exc:
            _sentence(exc)
        assert state is None or state.reps <= 1


def _random_pose(rng: np.random.Generator, t: float) -> Pose | None:
    if rng.random() < 0.1:
        return None
    lms = rng.uniform(-2.0, 3.0, (33, 4))
    mask = rng.random((33, 4))
    lms[mask < 0.05] = np.nan
    lms[(mask >= 0.05) & (mask < 0.08)] = np.inf
    lms[(mask >= 0.08) & (mask < 0.1)] = 1e300
    if rng.random() < 0.5:
        lms[:, 3] = rng.uniform(0, 1, 33)
    world = None if rng.random() < 0.3 else rng.uniform(-3, 3, (33, 3))
    if world is not None and rng.random() < 0.3:
        world[rng.integers(0, 33)] = np.nan
    size = (int(rng.integers(0, 4000)), int(rng.integers(0, 4000)))
    return Pose(t=t, image_size=size, landmarks=lms, world=world)


@pytest.mark.parametrize("ex_id", ["good_morning", "hip_hinge", "quadruped_hip_lift", "lumbar_extension"])
def test_random_landmarks_never_crash_the_engine_nor_count(ex_id, library):
    """Noise is not a person: no crash, no warning, no non-finite output, and no rep counted."""
    rng = np.random.default_rng(zlib.crc32(ex_id.encode()))
    engine = ExerciseEngine(library.get(ex_id))
    t = 0.0
    with np.errstate(all="raise"):  # a silent NaN or overflow would surface here
        for _ in range(3000):
            t += float(rng.choice([1 / 30, 1 / 30, 1 / 30, 0.0, 0.4, 2.0]))
            state = engine.update(_random_pose(rng, t), t)
            assert state.metric is None or math.isfinite(state.metric)
    assert state.reps == 0, "random landmarks were counted as reps"
