"""The local history of sessions: a small SQLite file, written set by set.

Each set is committed in its own short transaction the moment it ends (WAL journal, full
sync), so a closed tab, a crash or a power cut loses at most the set in progress. Only
numbers are stored (see records.py): never frames, landmarks or video.

Schema (version in `PRAGMA user_version`, one step per entry of MIGRATIONS):
  v1  sessions (one row per session), sets (per session), reps (per set). Set fault counts and
      rep faults are JSON text; `writer` says which process owns an in-progress session.
  v2  sessions.source: sessions from reviewed videos are kept too (every v1 row was live), and
      an index for listing one exercise's sessions by date.
  v3  reps.range_deg / target_deg, and the range each person chose per exercise (ranges).
  v4  sessions.routine_id / routine_run: an exercise done as part of a routine, and which run
      of it (every older row was on its own: NULL).
  v5  sessions.pain_before / pain_after (0-10; NULL: not asked or skipped), pain_during (the
      ratings given while it ran, JSON list) and stopped_for_pain (the safety stop ended it).
      On the session's own row, so deleting a session deletes its pain scores with it.

A file from a newer posecheck, a damaged file or somebody else's database is refused with a
HistoryError and left exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import HistoryError
from ..user_folders import configured_path, user_data_dir
from ..engine.pain import AFTER, BEFORE, DURING, check_score
from ..engine.records import ABANDONED, FINISHED, IN_PROGRESS, INTERRUPTED, SOURCE_LIVE, RepSummary, SessionRecord, SetRecord

ENV_VAR = "POSECHECK_HISTORY"
FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 10.0  # another tab or process holding the write lock: wait this long

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # v1
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            exercise_id TEXT NOT NULL,
            exercise_name TEXT NOT NULL,
            side TEXT,
            planned_sets INTEGER NOT NULL,
            target_reps INTEGER NOT NULL,
            status TEXT NOT NULL,
            writer TEXT
        )""",
        """CREATE TABLE sets (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            set_index INTEGER NOT NULL,
            side TEXT,
            target_reps INTEGER NOT NULL,
            partial_reps INTEGER NOT NULL,
            started_s REAL,
            ended_s REAL,
            completed INTEGER NOT NULL,
            fault_counts TEXT NOT NULL,
            PRIMARY KEY (session_id, set_index)
        )""",
        """CREATE TABLE reps (
            session_id TEXT NOT NULL,
            set_index INTEGER NOT NULL,
            rep_index INTEGER NOT NULL,
            side TEXT,
            peak_deg REAL,
            hold_s REAL,
            duration_s REAL,
            faults TEXT NOT NULL,
            PRIMARY KEY (session_id, set_index, rep_index),
            FOREIGN KEY (session_id, set_index) REFERENCES sets (session_id, set_index)
                ON DELETE CASCADE
        )""",
    ),
    (  # v2
        f"ALTER TABLE sessions ADD COLUMN source TEXT NOT NULL DEFAULT '{SOURCE_LIVE}'",
        "CREATE INDEX sessions_by_exercise ON sessions (exercise_id, started_at)",
    ),
    (  # v3: each rep's range from the person's start and the range it was shown against; the
        # range each person chose per exercise (issue 12). Older reps read back as NaN.
        "ALTER TABLE reps ADD COLUMN range_deg REAL",
        "ALTER TABLE reps ADD COLUMN target_deg REAL",
        """CREATE TABLE ranges (
            exercise_id TEXT PRIMARY KEY,
            choice TEXT NOT NULL,
            chosen_at TEXT NOT NULL
        )""",
    ),
    (  # v4: the routine (and its run) a session was part of (issue 15)
        "ALTER TABLE sessions ADD COLUMN routine_id TEXT",
        "ALTER TABLE sessions ADD COLUMN routine_run TEXT",
    ),
    (  # v5: pain check-ins and the safety stop (issue 16); older sessions were never asked
        "ALTER TABLE sessions ADD COLUMN pain_before INTEGER"
        " CHECK (pain_before BETWEEN 0 AND 10)",
        "ALTER TABLE sessions ADD COLUMN pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10)",
        "ALTER TABLE sessions ADD COLUMN pain_during TEXT",
        "ALTER TABLE sessions ADD COLUMN stopped_for_pain INTEGER NOT NULL DEFAULT 0",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# the tables every version has (v3 added ranges): a file without them is not a history
OUR_TABLES = {"sessions", "sets", "reps"}

CSV_COLUMNS = (
    "session_id", "started_at", "ended_at", "exercise_id", "exercise_name", "session_side",
    "source", "status", "planned_sets", "target_reps",
    "set_index", "set_side", "set_target_reps", "set_partial_reps", "set_completed",
    "set_started_s", "set_ended_s", "set_fault_counts",
    "rep_index", "rep_side", "peak_deg", "hold_s", "duration_s", "faults", "range_deg", "target_deg",
    "routine_id", "routine_run", "pain_before", "pain_after", "pain_during", "stopped_for_pain",
)

_PROCESS_TOKEN = uuid.uuid4().hex  # tells this process from an earlier one with the same pid


def default_history_path() -> Path:
    """POSECHECK_HISTORY if set, else history.sqlite3 in the platform's user data folder."""
    return configured_path(ENV_VAR) or user_data_dir() / FILE_NAME


def _writer_id() -> str:
    return f"{socket.gethostname()} {os.getpid()} {_PROCESS_TOKEN}"


def _writer_gone(writer: str | None) -> bool:
    """True when the process that started an in-progress session is known to have ended."""
    try:
        host, pid_text, token = (writer or "").rsplit(" ", 2)
        pid = int(pid_text)
    except ValueError:
        return True
    if host != socket.gethostname():
        return False  # another machine sharing the file: no way to tell
    if pid == os.getpid():
        return token != _PROCESS_TOKEN
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    except OSError:
        return True
    return False


def _num(value) -> float:
    return float("nan") if value is None else float(value)


def _stored(value: float | None) -> float | None:
    """Not measured (None, NaN) is stored as NULL."""
    return None if value is None or value != value else float(value)


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    # Only the first opening of a new file changes its journal: the mode is kept in the file.
    # While another tab's connection is making that same change, SQLite answers "locked" at once
    # instead of waiting through the busy timeout, so wait here the same way.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class HistoryStore:
    """The history file. Thread-safe: one connection behind a lock per store; several stores
    (tabs, processes) on one file take turns through SQLite's own locking."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path).expanduser() if path is not None else default_history_path()
        self._lock = threading.RLock()
        self._conn = self._open()
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # ---- opening ------------------------------------------------------------------------

    def _damaged(self, exc: Exception) -> HistoryError:
        return HistoryError(
            f"The history file {self.path} cannot be read: it is damaged or it is not a "
            f"posecheck history ({exc}). posecheck has left it untouched; move it elsewhere, or "
            f"set {ENV_VAR} to another file, to start a new history.")

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # the history is about someone's body: readable by its owner only
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise HistoryError(f"The history file {self.path} cannot be created ({exc.strerror}). "
                               f"Set {ENV_VAR} to a file in a folder you can write to.") from None
        if self.path.is_dir():
            raise HistoryError(f"The history path {self.path} is a folder, not a file. "
                               f"Set {ENV_VAR} to a file name.")
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._damaged(exc) from None
        try:
            # before any pragma that writes to the file, and in one read transaction: another
            # tab may be creating the tables right now, and two separate reads could see the
            # tables without the version that comes with them
            conn.execute("BEGIN")
            try:
                self._check_is_ours(conn)
            finally:
                conn.execute("COMMIT")
            _switch_to_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")  # a committed set survives a power cut
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")  # deleted sessions are overwritten
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise self._translate(exc) from None
            raise
        return conn

    def _check_is_ours(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The history file {self.path} was written by a newer posecheck (history "
                f"version {version}; this posecheck reads up to version {SCHEMA_VERSION}). "
                f"Update posecheck, or set {ENV_VAR} to another file; the file is left "
                "untouched.")
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (version == 0 and tables) or (version > 0 and not OUR_TABLES <= tables):
            raise HistoryError(
                f"The file {self.path} is an SQLite database, but not a posecheck history "
                f"(its tables: {', '.join(sorted(tables)) or 'none'}). It is left untouched; "
                f"set {ENV_VAR} to another file.")

    def _migrate(self) -> None:
        try:
            if self._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return  # the usual case: no write lock needed to open
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        with self._tx(write=True) as cur:  # re-read under the write lock: another may have won
            version = cur.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            self._check_is_ours(self._conn)  # as it is now, under the lock
            for step in MIGRATIONS[version:]:
                for statement in step:
                    cur.execute(statement)
            cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # ---- plumbing -----------------------------------------------------------------------

    def _translate(self, exc: sqlite3.Error) -> HistoryError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return HistoryError(f"The history file {self.path} is busy (another posecheck is "
                                "writing to it). Try again in a moment.")
        if "readonly" in text or "read-only" in text:
            return HistoryError(f"The history file {self.path} is read-only. Make it writable, "
                                f"or set {ENV_VAR} to another file.")
        if "disk" in text and "full" in text:
            return HistoryError(f"The disk holding the history file {self.path} is full.")
        if isinstance(exc, sqlite3.IntegrityError):
            return HistoryError(f"The history file {self.path} refused a change ({exc}).")
        return self._damaged(exc)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Cursor]:
        """One short transaction; any SQLite error leaves the file as it was and becomes a
        HistoryError with a sentence for the page."""
        with self._lock:
            if self._conn is None:
                raise HistoryError("The history store is closed.")
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield cur
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._translate(exc) from None
            except BaseException:
                self._rollback()
                raise
            finally:
                cur.close()

    def _rollback(self) -> None:
        try:
            if self._conn is not None and self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the transaction is gone either way

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing ------------------------------------------------------------------------

    def start_session(self, record: SessionRecord) -> None:
        """A row with status in_progress, owned by this process; sets already in the record
        are stored too."""
        with self._tx(write=True) as cur:
            self._insert_session(cur, record, IN_PROGRESS)
            for s in record.sets:
                self._insert_set(cur, record.id, s)

    def add_set(self, session_id: str, s: SetRecord) -> None:
        """Store one finished (or cut-short) set, committed at once. A set with the same index
        replaces the stored one."""
        with self._tx(write=True) as cur:
            self._require(cur, session_id)
            cur.execute("DELETE FROM sets WHERE session_id = ? AND set_index = ?",
                        (session_id, s.index))
            self._insert_set(cur, session_id, s)

    def end_session(self, session_id: str, status: str, ended_at: str) -> None:
        if status not in (FINISHED, ABANDONED):
            raise ValueError(f"a session ends {FINISHED!r} or {ABANDONED!r}, not {status!r}")
        with self._tx(write=True) as cur:
            self._require(cur, session_id)
            cur.execute("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?",
                        (status, ended_at, session_id))

    def save(self, record: SessionRecord) -> None:
        """Store a whole session at once (a reviewed video), replacing one with the same id."""
        if record.status not in (IN_PROGRESS, FINISHED, ABANDONED):
            raise ValueError(f"cannot store a session with status {record.status!r}")
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM sessions WHERE id = ?", (record.id,))
            self._insert_session(cur, record, record.status)
            for s in record.sets:
                self._insert_set(cur, record.id, s)

    def delete(self, session_id: str) -> None:
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self._checkpoint()

    def delete_all(self) -> None:
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM sessions")
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Move the deletion out of the write-ahead log into the (zeroed) main file now,
        rather than leaving the deleted rows' old pages in the log until later."""
        with self._lock:
            try:
                if self._conn is not None:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # a reader in another tab holds the log; SQLite checkpoints later

    def _require(self, cur: sqlite3.Cursor, session_id: str) -> None:
        if cur.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise HistoryError(f"The session {session_id} is not in the history (it may have "
                               "been deleted), so this set was not saved.")

    def _insert_session(self, cur: sqlite3.Cursor, r: SessionRecord, status: str) -> None:
        try:
            cur.execute(
                "INSERT INTO sessions (id, started_at, ended_at, exercise_id, exercise_name, side,"
                " planned_sets, target_reps, status, writer, source, routine_id, routine_run,"
                " pain_before, pain_after, pain_during, stopped_for_pain)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (r.id, r.started_at, r.ended_at, r.exercise_id, r.exercise_name, r.side,
                 int(r.planned_sets), int(r.target_reps), status,
                 _writer_id() if status == IN_PROGRESS else None, r.source, r.routine_id,
                 r.routine_run, check_score(r.pain_before), check_score(r.pain_after),
                 _during_text([check_score(x) for x in r.pain_during]),
                 int(bool(r.stopped_for_pain))))
        except sqlite3.IntegrityError:
            raise HistoryError(f"A session with the id {r.id} is already in the history.") \
                from None

    def _insert_set(self, cur: sqlite3.Cursor, session_id: str, s: SetRecord) -> None:
        cur.execute(
            "INSERT INTO sets (session_id, set_index, side, target_reps, partial_reps, started_s,"
            " ended_s, completed, fault_counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, int(s.index), s.side, int(s.target_reps), int(s.partial_reps),
             float(s.started_s), float(s.ended_s), int(bool(s.completed)),
             json.dumps(dict(s.fault_counts), sort_keys=True)))
        cur.executemany(
            "INSERT INTO reps (session_id, set_index, rep_index, side, peak_deg, hold_s,"
            " duration_s, faults, range_deg, target_deg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(session_id, int(s.index), int(r.index), r.side, float(r.peak_deg), float(r.hold_s),
              float(r.duration_s), json.dumps(list(r.faults)), _stored(r.range_deg),
              _stored(r.target_deg)) for r in s.reps])

    # ---- reading ------------------------------------------------------------------------

    def sessions(self, exercise_id: str | None = None) -> list[SessionRecord]:
        """Every session (or one exercise's), newest first, with their sets and reps.
        An in-progress session whose process has ended reads back as INTERRUPTED."""
        where, args = ("WHERE exercise_id = ?", (exercise_id,)) if exercise_id else ("", ())
        return self._read(where, args)

    def get(self, session_id: str) -> SessionRecord | None:
        found = self._read("WHERE id = ?", (session_id,))
        return found[0] if found else None

    def _read(self, where: str, args: tuple) -> list[SessionRecord]:
        chosen = f"SELECT id FROM sessions {where}"
        with self._tx() as cur:  # one snapshot for all three tables
            heads = cur.execute(
                "SELECT id, started_at, ended_at, exercise_id, exercise_name, side, source,"
                " planned_sets, target_reps, status, writer, routine_id, routine_run,"
                " pain_before, pain_after, pain_during, stopped_for_pain FROM sessions"
                f" {where} ORDER BY started_at DESC, rowid DESC", args).fetchall()
            set_rows = cur.execute(
                "SELECT session_id, set_index, side, target_reps, partial_reps, started_s,"
                " ended_s, completed, fault_counts FROM sets"
                f" WHERE session_id IN ({chosen}) ORDER BY session_id, set_index",
                args).fetchall()
            rep_rows = cur.execute(
                "SELECT session_id, set_index, rep_index, side, peak_deg, hold_s, duration_s,"
                f" faults, range_deg, target_deg FROM reps WHERE session_id IN ({chosen})"
                " ORDER BY session_id, set_index, rep_index", args).fetchall()
        try:
            return self._assemble(heads, set_rows, rep_rows)
        except (ValueError, TypeError) as exc:  # text that is not the JSON we wrote
            raise self._damaged(exc) from None

    @staticmethod
    def _assemble(heads, set_rows, rep_rows) -> list[SessionRecord]:
        reps: dict[tuple[str, int], list[RepSummary]] = {}
        for sid, set_index, index, side, peak, hold, duration, faults, rng, target in rep_rows:
            reps.setdefault((sid, set_index), []).append(RepSummary(
                index=index, side=side, peak_deg=_num(peak), hold_s=_num(hold),
                duration_s=_num(duration), faults=tuple(json.loads(faults)),
                range_deg=rng, target_deg=target))
        sets: dict[str, list[SetRecord]] = {}
        for sid, index, side, target, partial, t0, t1, completed, counts in set_rows:
            sets.setdefault(sid, []).append(SetRecord(
                index=index, side=side, target_reps=target,
                reps=tuple(reps.get((sid, index), ())), partial_reps=partial,
                started_s=_num(t0), ended_s=_num(t1), completed=bool(completed),
                fault_counts={str(k): int(v) for k, v in json.loads(counts).items()}))
        out = []
        for (sid, started, ended, ex_id, ex_name, side, source, planned, target, status,
             writer, routine_id, routine_run, before, after, during, stopped) in heads:
            if status == IN_PROGRESS and _writer_gone(writer):
                status = INTERRUPTED
            out.append(SessionRecord(
                id=sid, started_at=started, exercise_id=ex_id, exercise_name=ex_name, side=side,
                source=source, planned_sets=planned, target_reps=target, status=status,
                ended_at=ended, sets=sets.get(sid, []), routine_id=routine_id,
                routine_run=routine_run, pain_before=before, pain_after=after,
                pain_during=tuple(int(x) for x in json.loads(during or "[]")),
                stopped_for_pain=bool(stopped)))
        return out

    # ---- pain check-ins -------------------------------------------------------------------

    def record_pain(self, session_id: str, moment: str, score: int,
                    stopped: bool = False) -> None:
        """One check-in of a session, committed at once: `moment` BEFORE or AFTER sets that
        rating (a later answer replaces an earlier one), DURING adds one to the ratings given
        while it ran. `stopped`: this rating met the safety stop, which ended the session."""
        score = check_score(score)
        if score is None or moment not in (BEFORE, DURING, AFTER):
            raise ValueError(f"a check-in is a rating 0-10 {BEFORE}, {DURING} or {AFTER} a "
                             f"session, not {score!r} {moment!r}")
        with self._tx(write=True) as cur:
            row = cur.execute("SELECT pain_during FROM sessions WHERE id = ?",
                              (session_id,)).fetchone()
            if row is None:
                raise HistoryError(f"The session {session_id} is not in the history (it may "
                                   "have been deleted), so this pain rating was not saved.")
            if moment == DURING:
                during = json.loads(row[0] or "[]") + [score]
                cur.execute("UPDATE sessions SET pain_during = ? WHERE id = ?",
                            (_during_text(during), session_id))
            else:
                cur.execute(f"UPDATE sessions SET pain_{moment} = ? WHERE id = ?",
                            (score, session_id))
            if stopped:
                cur.execute("UPDATE sessions SET stopped_for_pain = 1 WHERE id = ?",
                            (session_id,))

    # ---- the person's range ---------------------------------------------------------------

    def remember_range(self, exercise_id: str, choice: str) -> None:
        """The range (ranges.RangeChoice.label) this person chose for an exercise."""
        with self._tx(write=True) as cur:
            cur.execute("INSERT INTO ranges (exercise_id, choice, chosen_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (exercise_id) DO UPDATE SET choice = excluded.choice,"
                        " chosen_at = excluded.chosen_at",
                        (exercise_id, choice, time.strftime("%Y-%m-%dT%H:%M:%S%z")))

    def remembered_range(self, exercise_id: str) -> str | None:
        with self._tx() as cur:
            row = cur.execute("SELECT choice FROM ranges WHERE exercise_id = ?",
                              (exercise_id,)).fetchone()
        return row[0] if row else None

    # ---- export -------------------------------------------------------------------------

    def export_csv(self, exercise_id: str | None = None) -> str:
        """The stored sessions (or one exercise's) as CSV; see sessions_csv."""
        return sessions_csv(self.sessions(exercise_id))


def _during_text(scores: list[int]) -> str | None:
    return json.dumps(scores) if scores else None


def _deg(value: float | None) -> str:
    return "" if value is None or value != value else f"{value:.1f}"


def _score(value: int | None) -> str:
    return "" if value is None else str(value)


def sessions_csv(records: list[SessionRecord]) -> str:
    """One row per rep, oldest session first, each row carrying its session and set. A set
    without reps, and a session without sets, still get one row (rep columns empty). The
    session's pain ratings (before, after, during as "3;5") repeat on each of its rows.
    `records` are as HistoryStore.sessions returns them (newest first)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for rec in sorted(reversed(records), key=lambda r: r.started_at):  # ties: oldest first
        head = [rec.id, rec.started_at, rec.ended_at or "", rec.exercise_id, rec.exercise_name,
                rec.side or "", rec.source, rec.status, rec.planned_sets, rec.target_reps]
        tail = [rec.routine_id or "", rec.routine_run or "", _score(rec.pain_before),
                _score(rec.pain_after), ";".join(str(x) for x in rec.pain_during),
                int(rec.stopped_for_pain)]
        if not rec.sets:
            out.writerow(head + [""] * (len(CSV_COLUMNS) - len(head) - len(tail)) + tail)
        for s in rec.sets:
            counts = ";".join(f"{k}={v}" for k, v in sorted(s.fault_counts.items()))
            mid = [s.index, s.side or "", s.target_reps, s.partial_reps, int(s.completed),
                   f"{s.started_s:.2f}", f"{s.ended_s:.2f}", counts]
            if not s.reps:
                out.writerow(head + mid + [""] * 8 + tail)
            for r in s.reps:
                out.writerow(head + mid + [r.index, r.side or "", f"{r.peak_deg:.1f}",
                                           f"{r.hold_s:.2f}", f"{r.duration_s:.2f}",
                                           ";".join(r.faults), _deg(r.range_deg),
                                           _deg(r.target_deg)] + tail)
    return buf.getvalue()
