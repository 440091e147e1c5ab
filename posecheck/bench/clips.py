"""`posecheck bench`: how fast is posecheck next to the pose model alone?

On a laptop CPU the pose model is the cost; everything posecheck adds must be close to free.
For each clip, in one run, every measurement in a fresh process (so peak memory is its own
and no measurement warms a cache for the next), repeated and reported as medians:

- model: the clip decoded (in batches, untimed), then the pose model on every frame, set up
  as an analysis sets it up (its graph's threads kept on one core, see cpu_affinity.py)
- full s1: `analyze` on every frame with the annotated video (decode, pose, smoothing,
  engine, overlay, H.264 encode); its ratio to the model alone, and realtime factor
  (clip duration / wall time)
- strided: the same with a frame stride, with and without the annotated video, and whether
  its reps and faults equal the every-frame analysis
- engine: the engine alone replaying the clip's poses (frames/s), and replaying a pose
  track file (JSON parsing included)

`--live-seconds` adds the live path: a synthetic camera at 60 fps through streamlit-webrtc's
frame-dropping track into the page's LiveProcessor (see bench/live.py).

`--matrix` runs the model-alone and every-frame analyses, the live path and the label
agreement once per pose backend and model, and prints one table of them (bench/matrix.py).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import argtypes
from ..toml_reader import tomllib
from .machine import default_clip_dir, finish, loadavg, machine, peak_rss_mb

DEFAULT_CLIPS = ("good-morning_side_palfit_1.mp4", "single-leg-deadlift_side_palfit_1.mp4",
                 "deadlift-band_side_rnhrn_1.mp4", "deadlift_side_sebitzu_1.mp4")
DEFAULT_EXERCISE = "hip_hinge"
_BATCH = 64  # frames decoded ahead of the model-alone run: bounded memory, decoder idle while timed


def exercise_for(clip: Path, default: str, known) -> str:
    """The first exercise in `known` that a clip is labelled with in labels.toml next to its
    folder, else the default (labels may name exercises posecheck does not define yet)."""
    labels = clip.parent.parent / "labels.toml"
    if labels.exists():
        with open(labels, "rb") as fh:
            for entry in tomllib.load(fh).get("clip", []):
                if entry.get("file") == clip.name and entry.get("exercise") in known:
                    return entry["exercise"]
    return default


# ---- measurements, each run in its own process ----------------------------------------------

def _exercise(exercise_id: str):
    from ..engine.exercises import load_all

    return load_all().get(exercise_id)


def measure_model(path: str, exercise_id: str) -> dict:
    """The pose model alone on every frame (decode not timed), then the engine on its poses."""
    from ..engine.exercise_engine import ExerciseEngine
    from ..pose import open_estimator
    from ..video.decode import read_frames
    from ..pose.track import TrackHeader, write_header, write_sample

    t0 = time.perf_counter()
    estimator = open_estimator(one_core=True)  # configured as analyze_video configures it
    startup_s = time.perf_counter() - t0
    poses = []
    model_s = model_cpu = 0.0
    frames = read_frames(path)
    with estimator:
        while True:
            batch = [f for _, f in zip(range(_BATCH), frames)]
            if not batch:
                break
            p0, c0 = time.perf_counter(), time.process_time()
            for frame in batch:
                poses.append((frame.t, estimator.estimate(frame.image, frame.t), frame.image.shape))
            model_s += time.perf_counter() - p0
            model_cpu += time.process_time() - c0
            del batch
    n = len(poses)
    quantised = [(round(t, 6), p.quantised() if p is not None else None, s) for t, p, s in poses]

    exercise = _exercise(exercise_id)
    rounds, e0 = 0, time.perf_counter()
    while True:  # repeat until the timing is long enough to mean something
        engine = ExerciseEngine(exercise)
        for t, pose, _ in quantised:
            engine.update(pose, t)
        rounds += 1
        if time.perf_counter() - e0 > 0.5:
            break
    engine_fps = rounds * n / (time.perf_counter() - e0)

    from ..run.files import analyze_track

    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as tmp:
        track = os.path.join(tmp, "clip.jsonl")
        with open(track, "w", encoding="utf-8") as fh:
            write_header(fh, TrackHeader(os.path.basename(path), 30.0, 0, 0))
            for t, pose, shape in quantised:
                write_sample(fh, t, (shape[1], shape[0]), pose)
        r0 = time.perf_counter()
        analyze_track(track, exercise)
        replay_fps = n / (time.perf_counter() - r0)
    return {"frames": n, "model_ms": model_s / n * 1000 if n else 0.0,
            "model_cpu_ms": model_cpu / n * 1000 if n else 0.0, "startup_s": startup_s,
            "model_with_startup_s": model_s + startup_s, "engine_fps": engine_fps,
            "track_replay_fps": replay_fps, "peak_mb": peak_rss_mb(),
            "backend": asdict(estimator.backend.info)}  # which model was measured, for the JSON


def measure_analyze(path: str, exercise_id: str, stride, annotate: bool) -> dict:
    """`analyze` as the command line runs it; wall time of the whole call."""
    from ..run.files import analyze_video

    exercise = _exercise(exercise_id)
    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as tmp:
        out = os.path.join(tmp, "annotated.mp4") if annotate else None
        t0, c0 = time.perf_counter(), time.process_time()
        report = analyze_video(path, exercise, stride=stride, annotate_to=out)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall_s": wall, "cpu_s": cpu, "pose_ms": report.timing.pose_ms_per_frame,
            "frames": report.frames, "stride": report.stride,
            "duration_s": report.duration_s, "reps": report.reps,
            "faults": sorted(report.fault_counts), "peak_mb": peak_rss_mb()}


def _quiet_child() -> None:
    # MediaPipe's native code logs its set-up to fd 2; errors come back as exceptions anyway
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def run_isolated(fn, *args) -> dict:
    """fn(*args) in a fresh process; adds the load average around it."""
    before = loadavg()
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_quiet_child) as pool:
        result = pool.submit(fn, *args).result()
    result["loadavg"] = [round((a + b) / 2, 2) for a, b in zip(before, loadavg())]
    return result


def measure_batch(paths: list[str], exercise_id: str, workers: int) -> dict:
    """`posecheck analyze A B ... --jobs N` at the automatic stride, without videos."""
    from ..run.batch import Job, outcomes

    jobs = [Job(p, exercise_id, None, None, None) for p in paths]
    t0 = time.perf_counter()
    done = list(outcomes(jobs, workers))
    wall = time.perf_counter() - t0
    errors = [o.error for o in done if o.error]
    if errors:
        raise RuntimeError("; ".join(errors))
    return {"wall_s": wall, "workers": workers, "video_s": sum(o.report.duration_s for o in done)}


# ---- the run -----------------------------------------------------------------------------------

@dataclass
class ClipRuns:
    clip: str
    exercise: str
    size: str
    fps: float
    duration_s: float
    runs: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, kind: str, result: dict) -> None:
        self.runs.setdefault(kind, []).append(result)

    def median(self, kind: str, key: str) -> float:
        values = [r[key] for r in self.runs.get(kind, [])]
        return statistics.median(values) if values else float("nan")

    def summary(self) -> dict:
        model_ms = self.median("model", "model_ms")
        model_total = self.median("model", "model_with_startup_s")
        out = {"clip": self.clip, "exercise": self.exercise, "size": self.size, "fps": self.fps,
               "duration_s": self.duration_s, "frames": self.runs["model"][0]["frames"],
               "model_ms": model_ms, "model_cpu_ms": self.median("model", "model_cpu_ms"),
               "model_startup_s": self.median("model", "startup_s"),
               "engine_fps": self.median("model", "engine_fps"),
               "track_replay_fps": self.median("model", "track_replay_fps"),
               "loadavg_1min": statistics.median(r["loadavg"][0] for rs in self.runs.values() for r in rs)}
        full = self.runs.get("full_s1")
        if full:
            wall = self.median("full_s1", "wall_s")
            out.update(full_ms=wall / full[0]["frames"] * 1000,
                       full_pose_ms=self.median("full_s1", "pose_ms"),
                       full_cpu_ms=self.median("full_s1", "cpu_s") / full[0]["frames"] * 1000,
                       full_over_model=wall / model_total if model_total else float("nan"),
                       realtime_s1=self.duration_s / wall if wall else float("nan"))
        for kind, label in (("strided_video", "video"), ("strided", "report")):
            runs = self.runs.get(kind)
            if runs:
                out[f"stride_{label}_realtime"] = self.duration_s / self.median(kind, "wall_s")
                out["stride"] = runs[0]["stride"]
        if full and self.runs.get("strided"):
            every = (full[0]["reps"], full[0]["faults"])
            strided = self.runs["strided"]
            out["stride_same_result"] = all((r["reps"], r["faults"]) == every for r in strided)
            out["reps_s1"], out["faults_s1"] = every
            out["reps_strided"], out["faults_strided"] = strided[0]["reps"], strided[0]["faults"]
        out["peak_mb"] = max(r["peak_mb"] for rs in self.runs.values() for r in rs)
        return out


def _probe(path: Path) -> tuple[str, float, float]:
    from ..video.decode import probe

    info = probe(str(path))
    return f"{info.width}x{info.height}", info.fps, info.duration_s


def bench_clips(paths: list[Path], repeats: int, stride, exercise: str | None, log=print,
                kinds: tuple[str, ...] | None = None) -> list[ClipRuns]:
    """Every measurement (or those named in `kinds`) of every clip, `repeats` times."""
    from ..engine.exercises import load_all

    known = load_all().exercises
    clips = []
    for p in paths:
        size, fps, duration = _probe(p)
        clips.append(ClipRuns(p.name, exercise or exercise_for(p, DEFAULT_EXERCISE, known), size, fps,
                              duration))
    plan = (("model", measure_model, ()), ("full_s1", measure_analyze, (1, True)),
            ("strided_video", measure_analyze, (stride, True)), ("strided", measure_analyze, (stride, False)))
    plan = tuple(step for step in plan if kinds is None or step[0] in kinds)
    # repeats interleaved over clips and kinds, so a noisy minute on a shared machine spreads out
    for r in range(repeats):
        for path, c in zip(paths, clips):
            for kind, fn, extra in plan:
                result = run_isolated(fn, str(path), c.exercise, *extra)
                c.add(kind, result)
                log(f"  [{r + 1}/{repeats}] {c.clip} {kind}: "
                    + ", ".join(f"{k}={_fmt(v)}" for k, v in result.items() if k not in ("faults", "backend")))
    return clips


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def table(clips: list[ClipRuns]) -> str:
    head = ("clip", "size", "fps", "frames", "model ms/f", "full s1 ms/f", "full/model", "model in full",
            "cpu ms/f m|f", "rt s1",
            "stride", "rt stride+video", "rt stride", "same result", "engine f/s", "replay f/s",
            "peak MB", "load 1m")
    rows = []
    for c in clips:
        s = c.summary()
        rows.append((s["clip"][:38], s["size"], f"{s['fps']:.0f}", str(s["frames"]), f"{s['model_ms']:.1f}",
                     f"{s.get('full_ms', float('nan')):.1f}", f"{s.get('full_over_model', float('nan')):.2f}",
                     f"{s.get('full_pose_ms', float('nan')):.1f}",
                     f"{s['model_cpu_ms']:.0f}|{s.get('full_cpu_ms', float('nan')):.0f}",
                     f"{s.get('realtime_s1', float('nan')):.2f}x", str(s.get("stride", "-")),
                     f"{s.get('stride_video_realtime', float('nan')):.2f}x",
                     f"{s.get('stride_report_realtime', float('nan')):.2f}x",
                     {True: "yes", False: "NO"}.get(s.get("stride_same_result"), "-"),
                     f"{s['engine_fps']:,.0f}", f"{s['track_replay_fps']:,.0f}", f"{s['peak_mb']:.0f}",
                     f"{s['loadavg_1min']:.2f}"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, rows)])


def run(args) -> int:
    info = machine()
    print(f"machine: {info['cores']} cores ({info['usable_cores']} usable), {info['cpu']}, {info['system']}, "
          f"python {info['python']}, " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
          + (f", commit {info['commit']}" if info["commit"] else ""))
    print(f"load average at start: {' '.join(map(str, loadavg()))}")
    from ..pose.backend import in_use_line

    print(in_use_line().split(" (")[0])  # the backend and model every run below uses
    paths = clip_paths(args)
    if args.minutes:
        args.live_seconds = args.minutes * 60
    result: dict = {"machine": info, "repeats": args.repeats, "stride": args.stride or "auto", "clips": [],
                    "loadavg_start": loadavg()}
    if paths:
        clips = bench_clips(paths, args.repeats, args.stride, args.exercise,
                            log=print if args.verbose else (lambda *_: None))
        print()
        print(table(clips))
        for c in clips:
            s = c.summary()
            if s.get("stride_same_result") is False:
                print(f"  {c.clip} as {c.exercise}: every frame {s['reps_s1']} reps, {s['faults_s1']}; "
                      f"stride {s['stride']}: {s['reps_strided']} reps, {s['faults_strided']}")
        result["clips"] = [dict(c.summary(), runs=c.runs) for c in clips]
    if args.batch and paths:
        runs = {}
        for workers in (1, args.batch):
            runs[workers] = [run_isolated(measure_batch, [str(p) for p in paths], DEFAULT_EXERCISE, workers)
                             for _ in range(args.repeats)]
        one, many = (statistics.median(r["wall_s"] for r in runs[w]) for w in (1, args.batch))
        video = runs[1][0]["video_s"]
        print(f"\nbatch: {len(paths)} files ({video:.1f} s of video) at the automatic stride, no videos: "
              f"one at a time {one:.1f} s ({video / one:.2f}x realtime), --jobs {args.batch} {many:.1f} s "
              f"({video / many:.2f}x realtime); load 1 min {statistics.median(r['loadavg'][0] for r in runs[args.batch]):.2f}")
        result["batch"] = {str(w): r for w, r in runs.items()}
    if args.live_seconds > 0:
        from .live import live_latency, live_table

        live = run_isolated(live_latency, args.live_seconds, args.live_fps, str(args.live_clip or ""))
        print()
        print(live_table(live))
        result["live"] = live
    print()
    finish(result, args.json)
    return 0


def clip_paths(args) -> list[Path]:
    """The clips the command line names (files, --clips, --all, --skip-clips), each checked."""
    from ..errors import PosecheckError

    paths: list[Path] = []
    if args.files:
        paths = [Path(f) for f in args.files]
    elif not args.skip_clips:
        folder = Path(args.clips) if args.clips else default_clip_dir()
        if args.all:
            paths = sorted(p for p in folder.iterdir() if p.is_file())
        else:
            paths = [folder / name for name in DEFAULT_CLIPS]
    for p in paths:
        if not p.is_file():
            raise PosecheckError(f"No such clip: {p} (give files, or --clips FOLDER)")
    return paths


def add_arguments(p) -> None:
    p.add_argument("files", nargs="*", help="video files (default: four real clips from --clips)")
    p.add_argument("--clips", metavar="FOLDER", help="folder of clips (default ../shared/data/videos)")
    p.add_argument("--all", action="store_true", help="every file in the clips folder, not four of them")
    p.add_argument("--skip-clips", action="store_true", help="no clip measurements (e.g. only --live-seconds)")
    p.add_argument("--repeats", type=argtypes.positive_int, default=3, help="runs of each measurement; medians are reported")
    p.add_argument("--stride", type=argtypes.stride, default=None, metavar="N|auto",
                   help="stride of the strided runs (default: auto)")
    p.add_argument("--exercise", help="exercise for every clip (default: its label, else hip_hinge)")
    p.add_argument("--live-seconds", type=argtypes.non_negative_float, default=60.0,
                   help="length of the live-latency run (0 = skip)")
    p.add_argument("--minutes", type=argtypes.positive_float, help="live-latency soak length in minutes (overrides --live-seconds)")
    p.add_argument("--live-fps", type=argtypes.positive_float, default=60.0, help="frame rate of the synthetic camera")
    p.add_argument("--live-clip", help="video looped by the synthetic camera (default: a real clip)")
    p.add_argument("--batch", type=argtypes.non_negative_int, default=0, metavar="N",
                   help="also time analysing all the clips at once, one at a time and with --jobs N")
    p.add_argument("--json", metavar="BENCH.json", help="write all numbers and every run here")
    p.add_argument("--verbose", "-v", action="store_true", help="print every run as it finishes")
    p.add_argument("--matrix", nargs="*", metavar="BACKEND:MODEL",
                   help="compare pose backends and models in one table: for each (e.g. tasks:full "
                        "tasks:lite solutions:full; given no value, every one this machine has) the "
                        "model's ms/frame, full analysis / model, realtime factor, live latency "
                        "p50/p95 with a --live-fps camera and the labels held, every frame and at "
                        "the automatic stride. A short run on one clip: posecheck bench "
                        "CLIP.mp4 --matrix tasks:full tasks:lite --repeats 1 --live-seconds 20")
    p.add_argument("--no-labels", action="store_true",
                   help="--matrix without the label agreement (the slowest part on a first run)")
    p.add_argument("--label-tracks", metavar="FOLDER",
                   help="--matrix keeps the labelled clips' pose tracks here and replays them on "
                        "the next run (default: a temporary folder, every track made afresh)")
