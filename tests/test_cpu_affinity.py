"""The pose graph's threads are kept on one core during an analysis, and let go when that core
is shared with other busy work (posecheck/cpu_affinity.py)."""
import os
import sys
import threading

import pytest

from posecheck.pose import cpu_affinity
from posecheck.pose.cpu_affinity import CHECK_EVERY_S, OneCore

linux_with_cores = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="per-thread affinity needs Linux and at least two usable cores")


class Threads:
    """Stand-in for a native library: starts threads that wait until told to stop."""

    def __init__(self, n: int):
        self.stop = threading.Event()
        self.ids: list[int] = []
        ready = threading.Barrier(n + 1)

        def run():
            self.ids.append(threading.get_native_id())
            ready.wait()
            self.stop.wait()

        self.threads = [threading.Thread(target=run) for _ in range(n)]
        for t in self.threads:
            t.start()
        ready.wait()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join()


class FakeTimes:
    """Clock and per-thread run/wait totals under the test's control."""

    def __init__(self):
        self.now = 100.0
        self.ran = self.waited = 0

    def clock(self):
        return self.now

    def read(self, tids):
        return self.ran, self.waited

    def advance(self, seconds: float, ran_s: float, waited_s: float):
        self.now += seconds
        self.ran += int(ran_s * 1e9)
        self.waited += int(waited_s * 1e9)


@linux_with_cores
def test_threads_started_inside_share_one_core_and_the_caller_keeps_its_own():
    caller_before = os.sched_getaffinity(0)
    keeper = OneCore()
    with keeper.starting_threads():
        lib = Threads(2)
    try:
        assert os.sched_getaffinity(0) == caller_before
        assert sorted(keeper.threads) == sorted(lib.ids)
        assert all(os.sched_getaffinity(tid) == {keeper.core} for tid in lib.ids)
        outside = Threads(1)  # started later, outside: left alone
        assert os.sched_getaffinity(outside.ids[0]) == caller_before
        outside.join()
    finally:
        lib.join()


@linux_with_cores
def test_threads_waiting_for_their_core_are_let_go_and_later_threads_are_not_pinned():
    times = FakeTimes()
    keeper = OneCore(clock=times.clock, read_times=times.read)
    with keeper.starting_threads():
        lib = Threads(2)
    try:
        # alone on the core the graph's two threads wait ~0.3 of their running time: kept
        for _ in range(3):
            times.advance(CHECK_EVERY_S, ran_s=1.8, waited_s=0.55)
            keeper.check()
        assert keeper.active
        assert all(os.sched_getaffinity(tid) == {keeper.core} for tid in lib.ids)
        # a second busy program on the same core: they wait longer than they run
        times.advance(CHECK_EVERY_S / 2, ran_s=0.5, waited_s=0.6)
        keeper.check()
        assert keeper.active, "judged before a whole window had passed"
        times.advance(CHECK_EVERY_S / 2, ran_s=0.5, waited_s=0.6)
        keeper.check()
        assert not keeper.active
        allowed = os.sched_getaffinity(0)
        assert all(os.sched_getaffinity(tid) == allowed for tid in lib.ids)
        with keeper.starting_threads():
            later = Threads(1)
        assert os.sched_getaffinity(later.ids[0]) == allowed
        later.join()
    finally:
        lib.join()


def test_one_usable_core_leaves_everything_alone(monkeypatch):
    monkeypatch.setattr(cpu_affinity.os, "sched_getaffinity", lambda pid: {3}, raising=False)
    monkeypatch.setattr(cpu_affinity.sys, "platform", "linux")
    keeper = OneCore()
    assert not keeper.active
    with keeper.starting_threads():
        pass


@linux_with_cores
def test_the_pose_graph_of_an_analysis_runs_on_one_core():
    import numpy as np

    from posecheck.pose import open_estimator

    with open_estimator(one_core=True) as estimator:
        keeper = estimator.backend.one_core
        assert keeper.active and keeper.threads, "the graph started no threads we could see"
        for i in range(3):
            estimator.estimate(np.zeros((240, 320, 3), np.uint8), i / 30)
        assert all(os.sched_getaffinity(tid) == {keeper.core} for tid in keeper.threads)
        assert os.sched_getaffinity(0) != {keeper.core}


def _refuse_affinity(monkeypatch):
    def refuse(pid, cpus):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(cpu_affinity.os, "sched_setaffinity", refuse, raising=False)


def _no_proc(monkeypatch):
    def missing(path):
        raise FileNotFoundError(2, "No such file or directory", path)

    monkeypatch.setattr(cpu_affinity.os, "listdir", missing)


@pytest.mark.parametrize("machine", [_refuse_affinity, _no_proc], ids=["refused", "no /proc"])
def test_where_threads_cannot_be_kept_together_they_run_as_usual(machine, monkeypatch):
    machine(monkeypatch)
    monkeypatch.setattr(cpu_affinity.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(cpu_affinity.sys, "platform", "linux")
    keeper = OneCore()
    with keeper.starting_threads():
        lib = Threads(1)
    lib.join()
    assert not keeper.active and keeper.threads == []
    keeper.check()  # nothing to watch: no error
