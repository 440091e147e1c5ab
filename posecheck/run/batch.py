"""Several files in one `posecheck analyze` call, optionally in parallel processes (--jobs).

Each file goes through exactly the code a single-file call runs, in its own process when
jobs > 1 (the pose model is single-threaded: on N cores, N files analyse at once), so each
report is the one a single-file call gives. Results are printed in the order given; a file
that fails gets its own error line and the others carry on.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import sys
from dataclasses import dataclass

from ..engine.ranges import RangeChoice
from ..errors import PosecheckError
from ..sinks.report import Report


@dataclass(frozen=True)
class Job:
    path: str
    exercise_id: str
    stride: int | None
    json_to: str | None  # a file, or None
    annotate_to: str | None
    mirrored: bool = False  # recorded mirrored: flipped back before the model
    range_choice: RangeChoice = RangeChoice()  # how far a rep must go


@dataclass
class Outcome:
    job: Job
    report: Report | None = None
    error: str | None = None


def plan(paths: list[str], exercise_id: str, stride: int | None, json_dir: str | None,
         out_dir: str | None, mirrored: bool = False,
         range_choice: RangeChoice = RangeChoice()) -> list[Job]:
    """One job per file; outputs are named after the input in the given folders."""
    from ..pose.track import is_track_path

    for folder, flag in ((json_dir, "--json"), (out_dir, "--out")):
        if folder and folder != "-" and not os.path.isdir(folder):
            raise PosecheckError(f"With several inputs, {flag} must be an existing folder: {folder}")
    names = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice and (out_dir or (json_dir and json_dir != "-")):
        raise PosecheckError(f"Two inputs would write the same output name: {', '.join(twice)}")
    if out_dir and any(is_track_path(p) for p in paths):
        raise PosecheckError("--out needs videos: a pose track has no pictures to draw on.")
    return [Job(path=p, exercise_id=exercise_id, stride=stride,
                json_to=os.path.join(json_dir, f"{n}.json") if json_dir and json_dir != "-" else None,
                annotate_to=os.path.join(out_dir, f"{n}.mp4") if out_dir else None,
                mirrored=mirrored, range_choice=range_choice)
            for p, n in zip(paths, names)]


def run_job(job: Job) -> Outcome:
    """One file, as `posecheck analyze FILE` would do it (runs in a worker process)."""
    from ..engine.exercises import load_all
    from .files import analyze_file

    try:
        exercise = load_all().get(job.exercise_id)
        report = analyze_file(job.path, exercise, stride=job.stride, annotate_to=job.annotate_to,
                              mirrored=job.mirrored, range_choice=job.range_choice)
    except PosecheckError as exc:
        return Outcome(job, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others
        return Outcome(job, error=f"unexpected failure ({type(exc).__name__}: {exc})")
    if job.json_to:
        with open(job.json_to, "w", encoding="utf-8") as fh:
            fh.write(report.to_json() + "\n")
    return Outcome(job, report=report)


def _quiet_worker() -> None:
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def outcomes(jobs: list[Job], workers: int):
    """Outcomes in the order of the jobs, as soon as each (and all before it) is done."""
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            yield run_job(job)
        return
    # spawn: a fresh interpreter per worker, never a fork of a process holding threads
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx,
                                initializer=_quiet_worker) as pool:
        yield from pool.map(run_job, jobs)


def analyze_files(paths: list[str], exercise_id: str, stride: int | None, json_to: str | None,
                  out_dir: str | None, workers: int, mirrored: bool = False,
                  range_choice: RangeChoice = RangeChoice()) -> int:
    """The command line's several-files mode. Returns the exit code."""
    from ..sinks.report import summary_text

    jobs = plan(paths, exercise_id, stride, json_to, out_dir, mirrored, range_choice)
    failed = 0
    for outcome in outcomes(jobs, workers):
        name = outcome.job.path
        if outcome.error is not None:
            failed += 1
            print(f"posecheck: error: {name}: {outcome.error}", file=sys.stderr)
            continue
        report = outcome.report
        if json_to == "-":
            sys.stdout.write(json.dumps(report.to_dict()) + "\n")
        else:
            print(summary_text(report))
            if outcome.job.annotate_to:
                print(f"Annotated video: {outcome.job.annotate_to}")
            print()
        if report.incomplete:
            failed += 1
            print(f"posecheck: error: {name}: {report.warnings[0]}", file=sys.stderr)
        sys.stdout.flush()
    return 2 if failed else 0
