"""Keeps the threads a native library starts (MediaPipe's pose graph) on one CPU core, and lets
them go again when that core turns out to be shared with other busy work.

Why: the pose graph passes every frame between two threads of its own (the inference itself runs
on one thread in desktop builds). In an analysis, the decode and encode threads keep the other
cores busy, and each hand-off then waits for whichever core frees first, often a different one.
On one core the hand-offs stay cheap: on a 2-core machine a full analysis went from 1.11-1.15x
the model's own time to 1.02-1.07x, the model alone unchanged. But a thread confined to a core
cannot leave it when something else busy lands there (another analysis, for instance), so the
threads' wait for the CPU is watched and they are released when they wait much more than they
do alone (measured: waiting 0.26-0.33 of their running time alone, 1.1-1.3 with a second
analysis on the same core).

Linux only (per-thread affinity and /proc); elsewhere, or with one usable core, nothing is done.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

# released when the pinned threads wait for the CPU this long per unit of their own running time
RELEASE_WAIT_PER_RUN = 0.7
CHECK_EVERY_S = 2.0  # long enough to average over ~50-100 frames


def _task_ids() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/task")}


def _current_cpu() -> int | None:
    """The core the calling thread is running on now (field 39 of its stat line)."""
    try:
        with open("/proc/thread-self/stat") as f:
            after_name = f.read().rsplit(")", 1)[1].split()
        return int(after_name[36])
    except (OSError, IndexError, ValueError):
        return None


def read_run_and_wait_ns(tids: list[int]) -> tuple[int, int]:
    """Total time the threads ran and waited for a CPU (ns), from /proc/self/task/*/schedstat.
    A thread that has ended counts nothing."""
    run = wait = 0
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                fields = f.read().split()
            run += int(fields[0])
            wait += int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    return run, wait


class OneCore:
    """Use `with keeper.starting_threads():` around the call that starts the library's threads,
    and call `keeper.check()` now and then (every frame is fine: it reads /proc every 2 s)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 read_times: Callable[[list[int]], tuple[int, int]] = read_run_and_wait_ns):
        self._clock = clock
        self._read_times = read_times
        self._allowed: set[int] = set()
        self.core: int | None = None  # None: not keeping threads together (any more)
        self.threads: list[int] = []
        if sys.platform.startswith("linux") and hasattr(os, "sched_setaffinity"):
            try:
                self._allowed = os.sched_getaffinity(0)
            except OSError:
                self._allowed = set()
            if len(self._allowed) >= 2:
                current = _current_cpu()
                self.core = current if current in self._allowed else max(self._allowed)
        self._mark: tuple[float, int, int] = (0.0, 0, 0)

    @property
    def active(self) -> bool:
        return self.core is not None

    @contextmanager
    def starting_threads(self) -> Iterator[None]:
        """Threads started inside (by this thread, or by threads it starts) stay on one core;
        the calling thread itself gets its own affinity back on the way out."""
        if not self.active:
            yield
            return
        try:
            before = _task_ids()
            saved = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {self.core})
        except OSError:  # no /proc, or a sandbox or cpuset refuses it: run as usual
            self.core = None
            yield
            return
        try:
            yield
        finally:
            try:
                os.sched_setaffinity(0, saved)
                # a restarted graph may keep its threads or start new ones: follow both
                candidates = (_task_ids() - before) | set(self.threads)
            except OSError:
                candidates = set(self.threads)
            self.threads = sorted(tid for tid in candidates if self._on_our_core(tid))
            self._mark = (self._clock(), *self._read_times(self.threads))

    def _on_our_core(self, tid: int) -> bool:
        try:
            return os.sched_getaffinity(tid) == {self.core}
        except OSError:
            return False  # ended already

    def check(self) -> None:
        if not self.active or not self.threads:
            return
        now = self._clock()
        then, ran_before, waited_before = self._mark
        if now - then < CHECK_EVERY_S:
            return
        ran, waited = self._read_times(self.threads)
        self._mark = (now, ran, waited)
        ran, waited = ran - ran_before, waited - waited_before
        if ran > 0 and waited / ran > RELEASE_WAIT_PER_RUN:
            self.release()

    def release(self) -> None:
        """Lets the threads run anywhere again; threads started later are left alone too."""
        for tid in self.threads:
            try:
                os.sched_setaffinity(tid, self._allowed)
            except OSError:
                pass  # ended already
        self.threads = []
        self.core = None
