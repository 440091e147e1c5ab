"""The decode and encode stages run on helper threads that give way to the pose model."""

import os
import sys
import threading

import pytest

from posecheck.run.threads import HELPER_NICE, Prefetch, Sink

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _niced_source(seen: list):
    seen.append(_nice())
    yield from range(20)


@linux_only
def test_decoding_ahead_runs_below_the_model_and_keeps_order():
    model_nice = _nice()
    seen: list[int] = []
    with Prefetch(_niced_source(seen), ahead=3) as ahead:
        assert list(ahead) == list(range(20))
    assert seen == [min(19, model_nice + HELPER_NICE)]
    assert _nice() == model_nice  # the consuming (model) thread keeps its priority


@linux_only
def test_encoding_behind_runs_below_the_model_and_keeps_order():
    model_nice = _nice()
    got: list[tuple[int, int]] = []
    sink = Sink(lambda item: got.append((item, _nice())), ahead=2)
    for i in range(10):
        sink.put(i)
    sink.close()
    assert [i for i, _ in got] == list(range(10))
    assert {n for _, n in got} == {min(19, model_nice + HELPER_NICE)}
    assert _nice() == model_nice
