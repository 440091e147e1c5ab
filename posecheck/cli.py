"""Command line: posecheck exercises | routines | analyze | track | plan | report | bench."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .argtypes import positive_int, range_choice, stride
from .errors import PosecheckError
from .engine.exercises import ExerciseLibrary, load_all


def _progress_bar(label: str):
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(fraction: float) -> None:
        pct = int(fraction * 100)
        if pct == last[0]:
            return
        last[0] = pct
        filled = pct * 30 // 100
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {pct:3d}%")
        if pct >= 100:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _library() -> ExerciseLibrary:
    lib = load_all()
    for problem in lib.errors:
        print(f"posecheck: warning: {problem}", file=sys.stderr)
    return lib


def cmd_exercises(args: argparse.Namespace) -> int:
    lib = _library()
    if args.json:
        rows = [{"id": e.id, "name": e.name, "view": e.view, "sided": e.sided,
                 "reps": [e.prescription.reps_min, e.prescription.reps_max],
                 "sets": e.prescription.sets, "hold_s": e.prescription.hold_s}
                for e in lib.exercises.values()]
        print(json.dumps(rows, indent=2))
        return 0
    for e in lib.exercises.values():
        p = e.prescription
        reps = f"{p.reps_min}-{p.reps_max}" if p.reps_min != p.reps_max else f"{p.reps_min}"
        extra = f", hold {p.hold_s:g} s" if p.hold_s else ""
        extra += f", pause {p.pause_s:g} s" if p.pause_s else ""
        extra += " each side" if p.per_side else ""
        sets = "1 set" if p.sets == 1 else f"{p.sets} sets"
        print(f"{e.id:22s} {e.name:40s} view: {e.view:5s}  {reps} reps x {sets}{extra}")
    return 0


def cmd_routines(args: argparse.Namespace) -> int:
    """Every routine file: the ones that can run with their exercises, then the ones that
    cannot (an exercise not there yet, a malformed file) with why."""
    from .engine.routines import load_routines

    lib = _library()
    routines = load_routines(lib)
    if args.json:
        rows = [{"id": r.id, "name": r.name, "available": True, "between_s": r.between_s,
                 "steps": [{"exercise": s.exercise_id, "sets": s.sets,
                            "reps": [s.reps_min, s.reps_max], "rest_s": s.rest_s,
                            "side": s.side} for s in r.steps]}
                for r in routines.routines.values()]
        rows += [{"id": rid, "available": False, "reason": why}
                 for rid, why in routines.unavailable.items()]
        print(json.dumps(rows, indent=2))
        return 0
    for r in routines.routines.values():
        parts = []
        for s in r.steps:
            reps = f"{s.reps_min}" if s.reps_min == s.reps_max else f"{s.reps_min}-{s.reps_max}"
            side = f" ({s.side})" if s.side else ""
            parts.append(f"{s.exercise_id}{side} {reps}x{s.sets}")
        print(f"{r.id:22s} {r.name:24s} {', '.join(parts)}")
    for rid, why in routines.unavailable.items():
        print(f"{rid:22s} not available: {why}")
    if not routines.routines and not routines.unavailable:
        print("No routines.")
    return 0


def _check_output(path: str, suffixes: tuple[str, ...], what: str) -> None:
    if path == "-":
        return
    if not path.lower().endswith(suffixes):
        raise PosecheckError(f"{what} must end with {' or '.join(suffixes)}: {path}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise PosecheckError(f"Cannot write {path}: the folder {folder} does not exist.")


def _choose_pose(args: argparse.Namespace) -> None:
    """--backend and --model become POSECHECK_BACKEND and POSECHECK_MODEL, which every
    estimator this process opens reads, as do the processes it starts (--jobs, bench)."""
    from .pose.backend import BACKEND_ENV, BACKENDS, MODEL_ENV
    from .pose.models import MODEL_NAMES, is_model_path

    if args.backend:
        if args.backend not in BACKENDS:
            raise PosecheckError(f"--backend must be one of {', '.join(BACKENDS)}, not {args.backend!r}.")
        os.environ[BACKEND_ENV] = args.backend
    if args.model:
        if args.model not in MODEL_NAMES and not is_model_path(args.model):
            raise PosecheckError(f"--model must be lite, full, heavy or the path of a .task "
                                 f"file, not {args.model!r}.")
        os.environ[MODEL_ENV] = os.path.abspath(args.model) if is_model_path(args.model) else args.model


def _add_pose_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", metavar="tasks|solutions",
                   help="the pose backend (default: $POSECHECK_BACKEND, else tasks; solutions "
                        "where mediapipe 0.10.21 has it, Python 3.10-3.12; see README)")
    p.add_argument("--model", metavar="lite|full|heavy|PATH.task",
                   help="the pose model (default: $POSECHECK_MODEL, else full); lite is about a "
                        "fifth faster on a slow laptop but misses more (README: Pose backends)")


def cmd_analyze(args: argparse.Namespace) -> int:
    from .run.files import analyze_file
    from .sinks.report import summary_text
    from .pose.track import is_track_path

    exercise = _library().get(args.exercise)
    _choose_pose(args)
    if len(args.video) > 1:
        from .run.batch import analyze_files

        return analyze_files(args.video, exercise.id, args.stride, args.json, args.out, args.jobs,
                             mirrored=args.mirrored, range_choice=args.range)
    args.video = args.video[0]
    if args.out:
        _check_output(args.out, (".mp4",), "--out")
    if args.json and args.json != "-":
        _check_output(args.json, (".json",), "--json")
    label = os.path.basename(args.video)[:30]
    if args.out and is_track_path(args.video):  # said before any work, in the flag's words
        raise PosecheckError("--out needs a video: a pose track has no pictures to draw on.")
    report = analyze_file(args.video, exercise, stride=args.stride, annotate_to=args.out,
                          progress=_progress_bar(label), mirrored=args.mirrored,
                          range_choice=args.range)
    if args.json == "-":
        sys.stdout.write(report.to_json() + "\n")
    else:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                fh.write(report.to_json() + "\n")
        print(summary_text(report))
        if args.out:
            print(f"Annotated video: {args.out}")
    if report.incomplete:
        # the partial report is kept above; the exit code tells scripts the input was damaged
        print(f"posecheck: error: {report.warnings[0]}", file=sys.stderr)
        return 2
    return 0


def cmd_track(args: argparse.Namespace) -> int:
    from .run.files import analyze_video

    _check_output(args.output, (".jsonl",), "-o")
    _choose_pose(args)
    # the track is recorded while a neutral exercise runs; the pose stream is the same for any
    lib = _library()
    if not lib.exercises:
        raise PosecheckError("No exercise definitions could be loaded.")
    exercise = next(iter(lib.exercises.values()))
    report = analyze_video(args.video, exercise, stride=args.stride, track_to=args.output,
                           progress=_progress_bar(os.path.basename(args.video)[:30]))
    print(f"Wrote {report.frames} frames ({report.frames_with_pose} with a person) to {args.output}")
    for w in report.warnings:
        print(f"Note: {w}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench.clips import clip_paths, run

    _choose_pose(args)
    if args.matrix is not None:  # every backend and model in turn, one table
        from .bench.matrix import run_matrix

        return run_matrix(args, clip_paths(args))
    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posecheck",
        description="Exercise form checking from video. Not a medical device: stop if it hurts.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("exercises", help="list the exercises")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_exercises)

    p = sub.add_parser("routines", help="list the routines (several exercises run one after another)")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_routines)

    p = sub.add_parser("analyze", help="count reps and find form faults in a video or pose track")
    p.add_argument("video", nargs="+",
                   help="video files, or pose tracks (.jsonl) made by 'posecheck track'")
    p.add_argument("--exercise", "-e", required=True, help="exercise id (see 'posecheck exercises')")
    p.add_argument("--json", metavar="REPORT",
                   help="write the report as JSON to this file, or - for stdout "
                        "(several inputs: a folder, or - for one JSON line per input)")
    p.add_argument("--out", metavar="ANNOTATED.mp4",
                   help="write an annotated H.264 video (several inputs: a folder)")
    p.add_argument("--stride", type=stride, default=None, metavar="N|auto",
                   help="run the pose model on every Nth frame; auto (default): at least 15 times "
                        "a second of video (every 2nd frame at 30 fps, every 4th at 60 fps)")
    p.add_argument("--jobs", "-j", type=positive_int, default=1, metavar="N",
                   help="with several inputs, analyse N at once in separate processes")
    p.add_argument("--mirrored", action="store_true",
                   help="the videos were recorded mirrored (a selfie camera that flips the "
                        "picture): flip them back so that left and right are the person's own")
    p.add_argument("--range", type=range_choice, default="auto", metavar="auto|gentle|standard|DEG",
                   help="how far a rep must go: auto (default) learns it from the person's own "
                        "movements; gentle or standard take the exercise's; a number is degrees "
                        "from the person's start (see README, How a rep is counted)")
    _add_pose_arguments(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("track", help="export the raw pose of every frame as JSON lines")
    p.add_argument("video")
    p.add_argument("-o", "--output", required=True, metavar="TRACK.jsonl")
    p.add_argument("--stride", type=positive_int, default=1, help="run the pose model on every Nth frame")
    _add_pose_arguments(p)
    p.set_defaults(func=cmd_track)

    from .progress.commands import add_parsers

    add_parsers(sub)  # plan, report

    from .bench.clips import add_arguments

    p = sub.add_parser("bench", help="time posecheck against the pose model alone (see README)")
    add_arguments(p)
    _add_pose_arguments(p)
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    # MediaPipe/TFLite log to stderr through absl/glog; keep the terminal for our own words
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PosecheckError as exc:
        print(f"posecheck: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("posecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user; POSECHECK_DEBUG=1 shows it
        if os.environ.get("POSECHECK_DEBUG"):
            raise
        print(f"posecheck: error: unexpected failure ({type(exc).__name__}: {exc}). "
              "Run with POSECHECK_DEBUG=1 for details.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
