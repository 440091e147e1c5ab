"""How fast the history store writes and reads: N live-style sessions (start, a commit per
set, end) into a fresh file, then list, filter and export them. Prints numbers; asserts none.

    .venv/bin/python scripts/bench_history.py [--sessions 1000] [--sets 3] [--reps 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's posecheck

from posecheck.sinks.history_store import HistoryStore
from posecheck.engine.records import FINISHED, SOURCE_LIVE, RepSummary, SessionRecord, SetRecord

EXERCISES = ("hip_hinge", "good_morning", "quadruped_hip_lift", "lumbar_extension")


def one_set(index: int, reps: int) -> SetRecord:
    return SetRecord(index=index, side=None, target_reps=reps, partial_reps=0,
                     started_s=60.0 * index, ended_s=60.0 * index + 40.0, completed=True,
                     reps=tuple(RepSummary(index=i, side=None, peak_deg=40.0 + i, hold_s=0.5,
                                           duration_s=3.0, faults=("shallow",) if i == 2 else ())
                                for i in range(1, reps + 1)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--sets", type=int, default=3)
    ap.add_argument("--reps", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as tmp:
        path = Path(tmp) / "history.sqlite3"
        store = HistoryStore(path)
        set_ms = []
        t0 = time.perf_counter()
        for n in range(args.sessions):
            rec = SessionRecord(id=f"{n:08x}", started_at=f"2025-{1 + n % 12:02d}-01T10:00:{n % 60:02d}Z",
                                exercise_id=EXERCISES[n % 4], exercise_name=EXERCISES[n % 4],
                                side=None, source=SOURCE_LIVE, planned_sets=args.sets,
                                target_reps=args.reps)
            store.start_session(rec)
            for i in range(1, args.sets + 1):
                t = time.perf_counter()
                store.add_set(rec.id, one_set(i, args.reps))
                set_ms.append(1000 * (time.perf_counter() - t))
            store.end_session(rec.id, FINISHED, "2025-01-01T11:00:00Z")
        write_s = time.perf_counter() - t0
        timings = {}
        for name, call in (("sessions()", store.sessions),
                           ("sessions(one exercise)", lambda: store.sessions("hip_hinge")),
                           ("get(id)", lambda: store.get("00000001")),
                           ("export_csv()", store.export_csv)):
            t = time.perf_counter()
            result = call()
            timings[name] = (time.perf_counter() - t, result)
        store.close()
        t = time.perf_counter()
        HistoryStore(path).close()
        reopen_s = time.perf_counter() - t
        size_kb = path.stat().st_size / 1024
    set_ms.sort()
    print(f"{args.sessions} sessions x {args.sets} sets x {args.reps} reps, "
          f"{args.sessions * (args.sets + 2)} commits")
    print(f"write: {write_s:.2f} s total; one set commit median {statistics.median(set_ms):.2f} ms,"
          f" p95 {set_ms[int(0.95 * (len(set_ms) - 1))]:.2f} ms, max {set_ms[-1]:.2f} ms")
    for name, (secs, result) in timings.items():
        size = len(result) if hasattr(result, "__len__") else 1
        print(f"{name}: {1000 * secs:.1f} ms ({size} {'chars' if isinstance(result, str) else 'items'})")
    print(f"reopen: {1000 * reopen_s:.1f} ms; file: {size_kb:.0f} KiB")


if __name__ == "__main__":
    main()
