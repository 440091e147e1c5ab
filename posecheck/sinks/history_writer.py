"""The live page's history: what a session changes, as typed writes to the SQLite store.

SessionHistory is the frame sink of one live session; it turns the session's steps into
writes (its row once counting begins, each set the moment it ends, its end). HistoryWriter
queues them from the frame thread without touching the disk, and writes them later, in order,
one writer at a time, from wherever write_queued() is called (outside the page's locks). A
failing history becomes a sentence for the page; the workout goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..engine.exercises import Exercise
from ..engine.records import ABANDONED, FINISHED, SOURCE_LIVE, SessionRecord, SetRecord
from ..engine.session import SessionPlan, new_record
from ..errors import PosecheckError
from .base import FrameResult, LoopEnd

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartSession:
    record: SessionRecord

    def apply(self, store) -> None:
        store.start_session(self.record)


@dataclass(frozen=True)
class AddSet:
    session_id: str
    record: SetRecord

    def apply(self, store) -> None:
        store.add_set(self.session_id, self.record)


@dataclass(frozen=True)
class EndSession:
    session_id: str
    status: str  # FINISHED or ABANDONED
    ended_at: str  # ISO 8601, UTC

    def apply(self, store) -> None:
        store.end_session(self.session_id, self.status, self.ended_at)


@dataclass(frozen=True)
class RecordPain:
    session_id: str
    moment: str  # pain.BEFORE, DURING or AFTER
    score: int
    stopped: bool = False  # this rating met the safety stop, which ended the session

    def apply(self, store) -> None:
        store.record_pain(self.session_id, self.moment, self.score, self.stopped)


HistoryWrite = StartSession | AddSet | EndSession | RecordPain


class HistoryWriter:
    """One per live processor: its store (opened on the first write) and the writes waiting
    for it. `failure` is why the history is not being saved, once it is not."""

    def __init__(self, store_factory: Callable[[], object]):
        self._store_factory = store_factory
        self._store = None
        self.failure = ""
        self._pending: deque[HistoryWrite] = deque()
        self._pending_lock = threading.Lock()  # held only to queue or take one write
        self._write_lock = threading.Lock()  # one writer at a time, so writes stay in order

    def queue(self, write: HistoryWrite) -> None:
        with self._pending_lock:
            self._pending.append(write)

    def write_queued(self) -> None:
        """Writes everything queued so far (SQLite work happens about once per set)."""
        with self._write_lock:
            while True:
                with self._pending_lock:
                    if not self._pending:
                        return
                    write = self._pending.popleft()
                store = self._get_store()
                if store is None:
                    continue  # the history cannot be opened: said once, writes are dropped
                try:
                    write.apply(store)
                except Exception as exc:  # noqa: BLE001 - the workout goes on; say so
                    log.exception("saving to the history failed")
                    self._failed(str(exc) if isinstance(exc, PosecheckError)
                                 else "The history could not be written.")

    def _get_store(self):
        if self._store is None and not self.failure:
            try:
                self._store = self._store_factory()
            except Exception as exc:  # noqa: BLE001
                log.exception("opening the history failed")
                self._failed(str(exc) if isinstance(exc, PosecheckError)
                             else "The history file could not be opened.")
        return self._store

    def _failed(self, sentence: str) -> None:
        self.failure = f"This session is not being saved: {sentence}"


class SessionHistory:
    """FrameSink of one live session: nothing is written before counting begins; then its row,
    each set as it ends, and its end - finished, or abandoned (Stop, camera gone, stall, a new
    session) with the set in progress kept if it has reps."""

    def __init__(self, writer: HistoryWriter, exercise: Exercise, plan: SessionPlan,
                 session_id: str, wall_clock: Callable[[], str], routine_id: str | None = None,
                 routine_run: str | None = None):
        self._writer, self._wall_clock = writer, wall_clock
        self._routine = (routine_id, routine_run)  # the routine (and its run) it is part of
        self._exercise, self._plan, self._session_id = exercise, plan, session_id
        self._began = self._ended = False
        self._sets_written = 0

    def add(self, frame: FrameResult) -> None:
        step = frame.step
        if step is None:
            return
        if step.began:
            self._began = True
            self._writer.queue(StartSession(new_record(
                self._exercise, self._plan, self._session_id, self._wall_clock(), SOURCE_LIVE,
                *self._routine)))
        if step.closed_set is not None and self._began:
            self._add_set(step.closed_set)
        if step.finished and self._began:
            self._end(FINISHED)

    def close(self, end: LoopEnd) -> None:
        if not self._began or self._ended:
            return
        for record in end.sets[self._sets_written:]:  # the set cut short, if it had reps
            self._add_set(record)
        self._end(ABANDONED)

    def _add_set(self, record: SetRecord) -> None:
        self._writer.queue(AddSet(self._session_id, record))
        self._sets_written += 1

    def _end(self, status: str) -> None:
        self._ended = True
        self._writer.queue(EndSession(self._session_id, status, self._wall_clock()))
