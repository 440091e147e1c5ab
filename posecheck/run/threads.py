"""Pipeline stages on background threads: the decoder runs ahead of the pose model, the
overlay and encoder run behind it.

The model is single-threaded and the slowest stage; decoding, colour conversion, drawing
and H.264 encoding happen in FFmpeg/OpenCV code that releases the GIL, so on a second core
they overlap with the model instead of adding to it. Queues are bounded (memory stays flat)
and an error in a stage is raised in the thread that consumes or feeds it.

On a 2-core machine the helpers and the model's threads still meet on one core now and then;
the helper threads step back (a higher nice value, Linux only, inherited by the decoder's
and encoder's own threads) so the model, the slowest stage, keeps its core.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

_POLL_S = 0.1  # how often a blocked stage looks whether it has been told to stop
_END = object()

# nice increment of the helper threads: enough for the scheduler to favour the model's threads
# when both want a core, while the helpers still get all the CPU the model leaves over. (On a
# 2-core VM: full analysis 1.15-1.19x the model alone instead of 1.23-1.35x on the 720p clips.
# The price is paid only when other programs keep every core busy: with two CPU-bound
# processes beside it, an analysis took 1.5x as long as at equal priority. SCHED_IDLE or
# nice 19 gained a little more on an idle machine but stalled analysis there, 8x and more.)
HELPER_NICE = 10


def _step_back() -> None:
    """Lowers the calling thread's CPU priority. Linux keeps a nice value per thread (its id
    as the pid); elsewhere PRIO_PROCESS means the whole process, so nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + HELPER_NICE))
    except OSError:
        pass  # a sandbox may forbid it; the thread then just runs at normal priority


class Prefetch(Generic[T]):
    """Iterates `source` on a thread, up to `ahead` items in advance. Use as a context manager
    (or call close()) so an early exit stops the thread and closes the source."""

    def __init__(self, source: Iterable[T], ahead: int = 8, name: str = "prefetch"):
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, ahead))
        self._stop = threading.Event()
        self._source = source
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        _step_back()
        iterator = iter(self._source)
        try:
            for item in iterator:
                if not self._put((True, item)):
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            self._put((False, exc))
            return
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # a generator's cleanup (closing the file) runs on this thread
        self._put((True, _END))

    def __iter__(self) -> Iterator[T]:
        while True:
            ok, item = self._queue.get()
            if not ok:
                raise item
            if item is _END:
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> "Prefetch[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Sink(Generic[T]):
    """Calls `consume(item)` on a thread for every put item, in order, with up to `ahead`
    items waiting. close() waits for the last one; a failure is raised by put() or close()."""

    def __init__(self, consume: Callable[[T], None], ahead: int = 8, name: str = "sink"):
        self._consume = consume
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, ahead))
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        _step_back()
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if self._error is None:  # after a failure, drain without working
                try:
                    self._consume(item)
                except BaseException as exc:  # noqa: BLE001 - raised in the feeding thread
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def put(self, item: T) -> None:
        self._raise()
        self._queue.put(item)

    def close(self, reraise: bool = True) -> None:
        """Waits until every item is consumed; raises the stage's failure, if any (unless
        `reraise` is false: the caller is already handling a failure of its own)."""
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        if reraise:
            self._raise()
