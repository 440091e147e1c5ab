"""The pipeline: a source (video file or pose track) through the engine to the sinks.

Used by the command line and the page's video review alike. The pose model runs here; the
frame loop (frame_loop.py) judges each frame with the same ExerciseEngine as the live page and
hands it to the sinks (report, annotated video, pose track), which only record.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from .frame_loop import FrameLoop
from .threads import Prefetch
from ..engine.exercise_engine import ExerciseEngine
from ..errors import PosecheckError
from ..engine.exercises import Exercise
from ..engine.ranges import RangeChoice
from ..engine.session import Session, SessionPlan
from ..sinks.annotated_video import AnnotatedVideo
from ..sinks.base import FrameResult
from ..sinks.report import Report, ReportBuilder, Timing
from ..sinks.track_recorder import TrackRecorder
from ..video.decode import DEFAULT_MAX_SIDE, DecodeStatus, probe, read_frames
from ..pose.track import TrackHeader, TrackSample, is_track_path, read_track

# progress(done_fraction 0..1) is called now and then; it must be cheap
Progress = Callable[[float], None]


# Above this share of brightened frames the report says that the video is dark.
DARK_SHARE = 0.2


def _dark_warning(share: float) -> str:
    return (f"The video is very dark ({share:.0%} of the frames were brightened for the pose "
            "model). Where the person could not be found nothing was judged; more light in "
            "front of the person helps.")


def _review_loop(exercise: Exercise, sinks: list, range_choice: RangeChoice) -> FrameLoop:
    """The engine, and the reps grouped into sets with the same session logic as the live
    page (open-ended: a long rest starts a set)."""
    return FrameLoop(ExerciseEngine(exercise, range_choice=range_choice), sinks,
                     Session(exercise, SessionPlan.open_ended(exercise)))


def _timing(t0: float, pose_s: float, pose_frames: int) -> Timing:
    return Timing(pose_ms_per_frame=pose_s / pose_frames * 1000 if pose_frames else 0.0,
                  total_s=time.perf_counter() - t0)


# The model runs at least this often per second of video when no stride is given: exercise
# movements last a second or more, and every labelled clip gives the same reps and form
# faults at this rate as on every frame (tests/test_stride.py).
MIN_MODEL_HZ = 15.0


def auto_stride(fps: float) -> int:
    """The stride for a clip's frame rate: 2 at 30 fps, 4 at 60 fps, 1 at 25 fps or less."""
    if not fps or fps <= 0:
        return 1
    return max(1, int(fps / MIN_MODEL_HZ + 0.01))  # 29.97 fps counts as 30


def analyze_video(path: str, exercise: Exercise, *, stride: int | None = 1, annotate_to: str | None = None,
                  track_to: str | None = None, progress: Progress | None = None,
                  max_side: int | None = DEFAULT_MAX_SIDE, mirrored: bool = False,
                  range_choice: RangeChoice = RangeChoice(), backend: str | None = None,
                  model: str | None = None) -> Report:
    """Analyse a video file. stride N runs the model on every Nth frame (None: auto_stride of
    the clip's fps); an annotated video still gets every frame, drawn with the latest state.
    mirrored: the file was recorded mirrored (a selfie camera); it is flipped back so that
    left and right are the person's. range_choice: how far a rep must go (ranges.py).
    backend, model: the pose backend and model (None: the defaults, pose/backend.py).

    Decoding runs ahead of the model and drawing + encoding behind it, each on its own thread
    (threads.py), so on a second core they cost little wall time."""
    from ..pose import open_estimator  # MediaPipe loads only when a video is analysed

    t0 = time.perf_counter()
    info = probe(path)
    stride = auto_stride(info.fps) if stride is None else max(1, int(stride))
    warnings: list[str] = []
    decoded = DecodeStatus()
    report = ReportBuilder(exercise, range_choice)
    sinks: list = [report]
    # opened first: the pose track's header names the backend and model
    estimator = open_estimator(backend, model, one_core=True)
    pose_info = estimator.backend.info
    try:
        if track_to:
            sinks.append(TrackRecorder(track_to, TrackHeader(
                os.path.basename(path), info.fps, info.width, info.height, info.duration_s,
                stride, pose_info.name, pose_info.model)))
        if annotate_to:
            sinks.append(AnnotatedVideo(annotate_to, exercise, info.fps))
    except BaseException:
        estimator.close()
        raise
    pose_s, pose_frames, last_t = 0.0, 0, 0.0
    total = info.frame_count or 0
    with _review_loop(exercise, sinks, range_choice) as loop:
        frames = read_frames(path, max_side=max_side, stride=1 if annotate_to else stride,
                             status=decoded, mirrored=mirrored)
        with Prefetch(frames, name="posecheck-decode") as ahead, estimator:
            for frame in ahead:
                last_t = frame.t
                pose, judged = None, frame.index % stride == 0
                if judged:
                    p0 = time.perf_counter()
                    pose = estimator.estimate(frame.image, frame.t)
                    pose_s += time.perf_counter() - p0
                    pose_frames += 1
                    pose = pose.quantised() if pose is not None else None
                h, w = frame.image.shape[:2]
                loop.add(FrameResult(round(frame.t, 6), frame.index, frame.image, (w, h), pose,
                                     judged))
                if progress and total and frame.index % 10 == 0:
                    progress(min(1.0, (frame.index + 1) / total))
    if progress:
        progress(1.0)
    dark = estimator.stats.dark_frames
    if pose_frames and dark > DARK_SHARE * pose_frames:
        warnings.append(_dark_warning(dark / pose_frames))
    duration = max(info.duration_s, last_t)  # a header may understate what the frames span
    problem = decoded.broke_off
    if problem is None and info.duration_s and last_t < info.duration_s * 0.9 - 0.5:
        problem = (f"The video file ends early: only {last_t:.1f} s of its {info.duration_s:.1f} s "
                   "could be read (is the file incomplete?). What was there was analysed.")
    if problem:
        warnings.append(problem)
    return report.report(os.path.basename(path), info.fps, duration, stride,
                         _timing(t0, pose_s, pose_frames), warnings, incomplete=problem is not None,
                         pose_backend=pose_info.name, pose_model=pose_info.model)


def analyze_track(path: str, exercise: Exercise, progress: Progress | None = None,
                  range_choice: RangeChoice = RangeChoice()) -> Report:
    """Replay a recorded pose track through the engine (no model, no video)."""
    t0 = time.perf_counter()
    if not os.path.exists(path):
        raise PosecheckError(f"No such file: {path}")
    report = ReportBuilder(exercise, range_choice)
    fps, source, last_t, duration, stride = 0.0, os.path.basename(path), 0.0, 0.0, 1
    pose_backend = pose_model = None
    samples = 0
    try:
        with _review_loop(exercise, [report], range_choice) as loop, \
                open(path, encoding="utf-8") as fh:
            for item in read_track(fh, name=os.path.basename(path)):
                if isinstance(item, TrackHeader):
                    fps, source = item.fps, item.source or source
                    duration, stride = item.duration_s, item.stride
                    pose_backend, pose_model = item.pose_backend, item.pose_model
                    continue
                assert isinstance(item, TrackSample)
                loop.add(FrameResult(item.t, samples, None, item.size, item.pose, judged=True))
                samples, last_t = samples + 1, item.t
    except UnicodeDecodeError:
        raise PosecheckError(f"{os.path.basename(path)} is not a text pose track.") from None
    if progress:
        progress(1.0)
    if not duration and samples:
        duration = last_t + (1.0 / fps if fps else 0.0)
    return report.report(source, fps, duration, stride, _timing(t0, 0.0, 0),
                         pose_backend=pose_backend, pose_model=pose_model)


def analyze_file(path: str, exercise: Exercise, *, stride: int | None = None,
                 annotate_to: str | None = None, progress: Progress | None = None,
                 mirrored: bool = False, range_choice: RangeChoice = RangeChoice(),
                 backend: str | None = None, model: str | None = None) -> Report:
    """A video, or a pose track (told by its name), as the command line takes either."""
    if not is_track_path(path):
        return analyze_video(path, exercise, stride=stride, annotate_to=annotate_to,
                             progress=progress, mirrored=mirrored, range_choice=range_choice,
                             backend=backend, model=model)
    if annotate_to:
        raise PosecheckError("An annotated video needs a video: a pose track has no pictures to draw on.")
    return analyze_track(path, exercise, progress=progress, range_choice=range_choice)
