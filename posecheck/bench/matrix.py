"""`posecheck bench --matrix`: every pose backend and model side by side, in one table.

For each backend:model, every measurement runs in fresh processes with that backend and model
chosen as the app chooses them (POSECHECK_BACKEND / POSECHECK_MODEL): the model alone and the
every-frame analysis on each clip (clips.py), the live path with a synthetic camera (live.py),
and the labelled clips' agreement with their labels (labels.py). Per backend:model the table
gives the model's ms/frame (wall and CPU) over all the clips' frames, the worst full-analysis/model ratio and
realtime factor of any clip, the live latency and the labels held.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from .clips import bench_clips, run_isolated
from .machine import default_clip_dir, finish, loadavg, machine


def available_combos() -> list[str]:
    """Every backend:model this machine can run: tasks with each model file it finds, and the
    solutions graph's full model where the installed mediapipe has it."""
    from ..errors import PosecheckError
    from ..pose.backend import solutions_available
    from ..pose.models import MODEL_NAMES, find_model

    combos = []
    for model in sorted(MODEL_NAMES, key=lambda m: m != "full"):  # the default first
        try:
            find_model(model)
        except PosecheckError:
            continue
        combos.append(f"tasks:{model}")
    if solutions_available():
        combos.append("solutions:full")
    return combos


def _parse(combo: str) -> tuple[str, str]:
    from ..errors import PosecheckError
    from ..pose.backend import BACKENDS

    backend, _, model = combo.partition(":")
    if backend not in BACKENDS or not model:
        raise PosecheckError(f"--matrix takes BACKEND:MODEL pairs such as tasks:full or "
                             f"solutions:full, not {combo!r}.")
    return backend, model


def _with_pose(backend: str, model: str):
    """Chooses the backend and model for this process and the processes it starts."""
    from ..pose.backend import BACKEND_ENV, MODEL_ENV

    os.environ[BACKEND_ENV], os.environ[MODEL_ENV] = backend, model


def matrix_table(rows: list[dict]) -> str:
    head = ("backend:model", "frames", "model ms/f", "model cpu ms/f", "x faster than full (cpu)",
            "full/model (worst)",
            "rt s1 (worst)", "live p50 ms", "live p95 ms", "live f/s", "labels s1", "labels auto",
            "load 1m")
    # CPU time (every thread of the process) moves less with the machine's load than wall time
    full_cpu = {r["backend"]: r["model_cpu_ms"] for r in rows if r["model"] == "full" and "model_cpu_ms" in r}
    nan = float("nan")
    cells = []
    for r in rows:
        base = full_cpu.get(r["backend"])
        cells.append((f"{r['backend']}:{r['model']}", str(r.get("frames", "-")),
                      f"{r.get('model_ms', nan):.1f}", f"{r.get('model_cpu_ms', nan):.1f}",
                      f"{base / r['model_cpu_ms']:.2f}" if base and r.get("model_cpu_ms") else "-",
                      f"{r.get('full_over_model', nan):.2f}", f"{r.get('realtime_s1', nan):.2f}x",
                      f"{r.get('live_p50_ms', nan):.0f}", f"{r.get('live_p95_ms', nan):.0f}",
                      f"{r.get('live_fps', nan):.1f}", r.get("labels_s1", "-"),
                      r.get("labels_auto", "-"), f"{r.get('loadavg_1min', nan):.2f}"))
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]

    def line(row):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, cells)])


def run_matrix(args, paths: list[Path]) -> int:
    from ..errors import PosecheckError
    from ..pose.backend import BACKEND_ENV, MODEL_ENV
    from .labels import label_agreement
    from .live import live_latency

    combos = [_parse(c) for c in (args.matrix or available_combos())]
    if not combos:
        raise PosecheckError("No pose backend and model to measure on this machine.")
    info = machine()
    print(f"machine: {info['cores']} cores ({info['usable_cores']} usable), {info['cpu']}, python "
          f"{info['python']}" + (f", commit {info['commit']}" if info["commit"] else ""))
    print(f"load average at start: {' '.join(map(str, loadavg()))}")
    print(f"clips: {', '.join(p.name for p in paths) or 'none'}; repeats {args.repeats}; live "
          f"{args.live_seconds:.0f} s at {args.live_fps:.0f} fps; labels "
          f"{'skipped' if args.no_labels else 'every labelled clip of a defined exercise'}")
    data_dir = (Path(args.clips) if args.clips else default_clip_dir()).parent
    label_folder = args.label_tracks or tempfile.mkdtemp(prefix="posecheck-bench-labels-")
    saved = {k: os.environ.get(k) for k in (BACKEND_ENV, MODEL_ENV)}
    log = print if args.verbose else (lambda *_: None)
    rows, result = [], {"machine": info, "repeats": args.repeats, "matrix": []}
    try:
        for backend, model in combos:
            _with_pose(backend, model)
            print(f"measuring {backend}:{model} ...", flush=True)
            row: dict = {"backend": backend, "model": model}
            loads = []
            if paths:
                clips = bench_clips(paths, args.repeats, 1, args.exercise, log=log,
                                    kinds=("model", "full_s1"))
                summaries = [c.summary() for c in clips]
                frames = sum(s["frames"] for s in summaries)
                row.update(frames=frames,
                           model_ms=sum(s["model_ms"] * s["frames"] for s in summaries) / frames,
                           model_cpu_ms=sum(s["model_cpu_ms"] * s["frames"] for s in summaries) / frames,
                           full_over_model=max(s["full_over_model"] for s in summaries),
                           realtime_s1=min(s["realtime_s1"] for s in summaries),
                           clips=summaries)
                loads += [s["loadavg_1min"] for s in summaries]
            if args.live_seconds > 0:
                live = run_isolated(live_latency, args.live_seconds, args.live_fps, str(args.live_clip or ""))
                row.update(live_p50_ms=live["p50_ms"], live_p95_ms=live["p95_ms"],
                           live_fps=live["processed_fps"], live={k: v for k, v in live.items() if k != "windows"})
                loads.append(live["loadavg"][0])
            if not args.no_labels:
                if not (data_dir / "labels.toml").is_file():
                    raise PosecheckError(f"No labels.toml in {data_dir} for the label agreement "
                                         f"(give --clips FOLDER inside the data folder, or --no-labels).")
                agreement = label_agreement(backend, model, data_dir, Path(label_folder), log=log)
                row.update(labels_s1=agreement.cell("s1"), labels_auto=agreement.cell("auto"),
                           label_misses=agreement.misses)
            if loads:
                row["loadavg_1min"] = statistics.median(loads)
            rows.append(row)
            result["matrix"].append(row)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    print()
    print(matrix_table(rows))
    for r in rows:
        for kind, misses in r.get("label_misses", {}).items():
            for miss in misses:
                print(f"  {r['backend']}:{r['model']} {kind}: {miss}")
    if not args.label_tracks and not args.no_labels:
        print(f"label tracks kept in {label_folder} (--label-tracks {label_folder} replays them)")
    finish(result, args.json)
    return 0
