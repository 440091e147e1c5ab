"""The history store: what is written comes back after a reopen, a crash keeps the finished
sets, old files are migrated, and files it cannot read are refused and left alone."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from posecheck.sinks import history_store as history
from posecheck.errors import HistoryError, PosecheckError
from posecheck.sinks.history_store import HistoryStore, default_history_path
from posecheck.engine.records import ABANDONED, FINISHED, IN_PROGRESS, INTERRUPTED, SOURCE_LIVE, SOURCE_VIDEO, RepSummary, SessionRecord, SetRecord

ROOT = Path(__file__).resolve().parent.parent


def make_set(index: int, n_reps: int, side: str | None = None, faulty: int = 0) -> SetRecord:
    reps = tuple(RepSummary(index=i, side=side, peak_deg=40.0 + i + index / 8, hold_s=0.25 * i,
                            duration_s=2.0 + i / 10,
                            faults=("shallow", "too_fast") if i <= faulty else (),
                            range_deg=36.0 + i + index / 8, target_deg=45.0)
                 for i in range(1, n_reps + 1))
    return SetRecord(index=index, side=side, target_reps=8, reps=reps, partial_reps=index % 2,
                     started_s=60.0 * index, ended_s=60.0 * index + 30.5,
                     completed=n_reps >= 8,
                     fault_counts={"shallow": faulty, "not_visible": 1} if faulty else {})


def make_session(n: int, exercise: str = "hip_hinge", side: str | None = None,
                 sets: list[SetRecord] | None = None, **kw) -> SessionRecord:
    return SessionRecord(id=f"s{n:05d}", started_at=f"2025-03-{1 + n % 28:02d}T10:{n % 60:02d}:00Z",
                         exercise_id=exercise, exercise_name=exercise.replace("_", " ").title(),
                         side=side, source=kw.pop("source", SOURCE_LIVE), planned_sets=3,
                         target_reps=8, sets=sets or [], **kw)


def record_live(store: HistoryStore, rec: SessionRecord, status: str = FINISHED) -> None:
    """Write a session the way the live page does: start, a set at a time, end."""
    sets, rec.sets = rec.sets, []
    store.start_session(rec)
    for s in sets:
        store.add_set(rec.id, s)
    store.end_session(rec.id, status, "2025-03-01T11:00:00Z")
    rec.sets, rec.status, rec.ended_at = sets, status, "2025-03-01T11:00:00Z"


def sqlite_file(path: Path, script: str) -> Path:
    """A database made the way another program (or an older posecheck) would make it."""
    db = sqlite3.connect(path)
    db.executescript(script)
    db.close()
    return path


def filled(path: Path, sessions: int) -> Path:
    with HistoryStore(path) as store:
        for n in range(sessions):
            record_live(store, make_session(n, sets=[make_set(1, 8), make_set(2, 8)]))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sessions_come_back_after_reopening(tmp_path):
    path = tmp_path / "h.sqlite3"
    first = make_session(1, sets=[make_set(1, 8), make_set(2, 8, faulty=2), make_set(3, 5)])
    second = make_session(2, "quadruped_hip_lift", side="both",
                          sets=[make_set(1, 6, "left"), make_set(2, 6, "right", faulty=1)])
    stopped = make_session(3, "good_morning", sets=[make_set(1, 3)])
    with HistoryStore(path) as store:
        record_live(store, first)
        record_live(store, second)
        record_live(store, stopped, ABANDONED)
    with HistoryStore(path) as store:
        got = store.sessions()
        assert got == [stopped, second, first]  # newest first, every field equal
        assert [s.rep_count for s in got[2].sets] == [8, 8, 5]
        assert got[2].sets[1].reps[0].faults == ("shallow", "too_fast")
        assert got[2].sets[1].fault_counts == {"shallow": 2, "not_visible": 1}
        assert got[1].sets[0].reps[2].peak_deg == second.sets[0].reps[2].peak_deg
        assert store.sessions("quadruped_hip_lift") == [second]
        assert store.sessions("lumbar_extension") == []
        assert store.get("s00003").status == ABANDONED
        assert store.get("nope") is None


def test_a_session_in_progress_is_readable_set_by_set(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        rec = make_session(1)
        store.start_session(rec)
        assert store.get(rec.id).status == IN_PROGRESS and store.get(rec.id).sets == []
        store.add_set(rec.id, make_set(1, 8))
        # a second store (another tab) sees the committed set at once
        with HistoryStore(tmp_path / "h.sqlite3") as other:
            assert other.get(rec.id).total_reps == 8
            assert other.get(rec.id).status == IN_PROGRESS  # same process, still running
        store.add_set(rec.id, make_set(1, 7))  # the same set again replaces it
        assert [s.rep_count for s in store.get(rec.id).sets] == [7]
        store.end_session(rec.id, FINISHED, "2025-03-01T11:00:00Z")
        assert store.get(rec.id).status == FINISHED


WRITER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {tests!r})
    from test_history import make_session, make_set
    from posecheck.sinks.history_store import HistoryStore
    store = HistoryStore({path!r})
    rec = make_session({n})
    store.start_session(rec)
    store.add_set(rec.id, make_set(1, 8))
    store.add_set(rec.id, make_set(2, 6, faulty=1))
    print("sets written", flush=True)
    if {crash}:
        os._exit(9)  # killed in the middle of set 3: no end_session, no close
    time.sleep(120)
""")


def _writer(path: Path, n: int, crash: bool) -> subprocess.Popen:
    code = WRITER.format(tests=str(ROOT / "tests"), path=str(path), n=n, crash=crash)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "sets written"
    return proc


def test_a_crash_mid_set_keeps_the_finished_sets(tmp_path):
    path = tmp_path / "h.sqlite3"
    crashed = _writer(path, 1, crash=True)
    assert crashed.wait(timeout=60) == 9
    running = _writer(path, 2, crash=False)
    try:
        with HistoryStore(path) as store:
            dead = store.get("s00001")
            assert dead.status == INTERRUPTED
            assert [s.rep_count for s in dead.sets] == [8, 6]
            assert dead.sets[1].reps[0].faults == ("shallow", "too_fast")
            assert store.get("s00002").status == IN_PROGRESS  # its process is still alive
            running.kill()
            running.wait(timeout=60)
            assert store.get("s00002").status == INTERRUPTED
            assert store.get("s00002").total_reps == 14
    finally:
        running.kill()


def test_a_whole_reviewed_video_is_saved_at_once(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        rec = make_session(5, "good_morning", source=SOURCE_VIDEO, status=FINISHED,
                           ended_at="2025-03-06T10:05:30Z", sets=[make_set(1, 4, faulty=1)])
        store.save(rec)
        assert store.get(rec.id) == rec
        rec.sets = [make_set(1, 4), make_set(2, 2)]  # saving again replaces it
        store.save(rec)
        assert store.sessions() == [rec]
        with pytest.raises(ValueError):
            store.save(make_session(6, status=INTERRUPTED))


def test_mistakes_get_clear_errors(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.start_session(make_session(1))
        with pytest.raises(HistoryError, match="already in the history"):
            store.start_session(make_session(1))
        with pytest.raises(HistoryError, match="not in the history"):
            store.add_set("gone", make_set(1, 3))
        with pytest.raises(HistoryError, match="not in the history"):
            store.end_session("gone", FINISHED, "2025-03-01T11:00:00Z")
        with pytest.raises(ValueError):
            store.end_session("s00001", IN_PROGRESS, "2025-03-01T11:00:00Z")
        assert [s.id for s in store.sessions()] == ["s00001"]


def test_delete_one_and_all_leaves_nothing_behind(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        for n in range(1, 4):
            record_live(store, make_session(n, "zz_secret_exercise", sets=[make_set(1, 8)]))
        store.delete("s00002")
        assert [s.id for s in store.sessions()] == ["s00003", "s00001"]
        store.delete_all()
        assert store.sessions() == []
        record_live(store, make_session(9, sets=[make_set(1, 2)]))  # still usable afterwards
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM sets").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM reps").fetchone()[0] == 2
    db.close()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"zz_secret_exercise" not in leftovers and b"Zz Secret Exercise" not in leftovers


def test_export_csv_has_a_row_per_rep(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        record_live(store, make_session(1, sets=[make_set(1, 3, faulty=1), make_set(2, 0)]))
        record_live(store, make_session(2, "good_morning", sets=[make_set(1, 2)]), ABANDONED)
        store.start_session(make_session(3))  # no sets yet
        rows = list(csv.DictReader(io.StringIO(store.export_csv())))
        only_gm = list(csv.DictReader(io.StringIO(store.export_csv("good_morning"))))
    assert list(rows[0]) == list(history.CSV_COLUMNS)
    assert [r["session_id"] for r in rows] == ["s00001"] * 4 + ["s00002"] * 2 + ["s00003"]
    first = rows[0]
    assert (first["exercise_id"], first["set_index"], first["rep_index"]) == ("hip_hinge", "1", "1")
    assert first["faults"] == "shallow;too_fast" and float(first["peak_deg"]) == pytest.approx(41.1)
    assert first["set_fault_counts"] == "not_visible=1;shallow=1"
    assert rows[3]["set_index"] == "2" and rows[3]["rep_index"] == ""  # a set with no reps
    assert rows[6]["set_index"] == "" and rows[6]["status"] == IN_PROGRESS
    assert [r["status"] for r in only_gm] == [ABANDONED, ABANDONED]


def test_two_tabs_and_many_threads_write_at_once(tmp_path):
    path = tmp_path / "h.sqlite3"
    stores = [HistoryStore(path), HistoryStore(path)]
    errors = []

    def tab(worker: int) -> None:
        store = stores[worker % 2]
        try:
            for k in range(15):
                n = worker * 100 + k
                record_live(store, make_session(n, sets=[make_set(i, 4) for i in (1, 2, 3)]))
                store.sessions("hip_hinge")  # the page reads while others write
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tab, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for s in stores:
        s.close()
    assert not errors, errors
    with HistoryStore(path) as store:
        got = store.sessions()
    assert len(got) == 90 and {s.total_reps for s in got} == {12}
    assert all(s.status == FINISHED for s in got)


# ---- the file itself ---------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE sessions (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT,
    exercise_id TEXT NOT NULL, exercise_name TEXT NOT NULL, side TEXT,
    planned_sets INTEGER NOT NULL, target_reps INTEGER NOT NULL, status TEXT NOT NULL,
    writer TEXT);
CREATE TABLE sets (session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    set_index INTEGER NOT NULL, side TEXT, target_reps INTEGER NOT NULL,
    partial_reps INTEGER NOT NULL, started_s REAL, ended_s REAL, completed INTEGER NOT NULL,
    fault_counts TEXT NOT NULL, PRIMARY KEY (session_id, set_index));
CREATE TABLE reps (session_id TEXT NOT NULL, set_index INTEGER NOT NULL,
    rep_index INTEGER NOT NULL, side TEXT, peak_deg REAL, hold_s REAL, duration_s REAL,
    faults TEXT NOT NULL, PRIMARY KEY (session_id, set_index, rep_index),
    FOREIGN KEY (session_id, set_index) REFERENCES sets (session_id, set_index)
        ON DELETE CASCADE);
INSERT INTO sessions VALUES ('old1', '2024-11-02T09:00:00Z', '2024-11-02T09:20:00Z',
    'hip_hinge', 'Hip hinge', NULL, 2, 8, 'finished', NULL);
INSERT INTO sets VALUES ('old1', 1, NULL, 8, 1, 5.0, 50.0, 1, '{"shallow": 1}');
INSERT INTO reps VALUES ('old1', 1, 1, NULL, 38.5, 0.4, 3.1, '["shallow"]');
INSERT INTO reps VALUES ('old1', 1, 2, NULL, 44.0, 0.6, 2.9, '[]');
PRAGMA user_version = 1;
"""


def test_a_version_1_history_is_migrated_and_kept(tmp_path):
    """A file written by the first release (frozen here, not taken from the code) survives."""
    path = sqlite_file(tmp_path / "old.sqlite3", V1_SCHEMA)
    with HistoryStore(path) as store:
        old = store.get("old1")
        assert old.source == SOURCE_LIVE and old.status == FINISHED
        assert [r.peak_deg for r in old.sets[0].reps] == [38.5, 44.0]
        assert old.sets[0].reps[0].faults == ("shallow",) and old.sets[0].partial_reps == 1
        # ranges were not measured then: they read back as not known, never as 0
        assert [r.range_deg for r in old.sets[0].reps] == [None, None]
        # routines came later: an old session was one on its own
        assert old.routine_id is None and old.routine_run is None
        store.remember_range("good_morning", "gentle")
        assert store.remembered_range("good_morning") == "gentle"
        store.save(make_session(7, source=SOURCE_VIDEO, status=FINISHED, sets=[make_set(1, 2)]))
        assert [s.source for s in store.sessions()] == [SOURCE_VIDEO, SOURCE_LIVE]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION == 5
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "sessions_by_exercise" in indexes
    db.close()


def test_each_migration_step_is_applied_in_order(tmp_path):
    """A fresh file and a file migrated step by step end with the same schema."""
    fresh = tmp_path / "fresh.sqlite3"
    HistoryStore(fresh).close()
    stepped = sqlite_file(tmp_path / "stepped.sqlite3", V1_SCHEMA)
    HistoryStore(stepped).close()

    def schema(p):
        con = sqlite3.connect(p)
        out = {}
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            out[table] = [list(con.execute(f"PRAGMA {what}({table})"))
                          for what in ("table_info", "foreign_key_list", "index_list")]
        con.close()
        return out

    assert schema(fresh) == schema(stepped)


def _refused(path: Path, match: str) -> None:
    before = digest(path)
    names = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(HistoryError, match=match) as caught:
        HistoryStore(path)
    assert isinstance(caught.value, PosecheckError)
    assert str(caught.value).endswith(".") and str(path) in str(caught.value)
    assert digest(path) == before, "the file was changed"
    assert sorted(p.name for p in path.parent.iterdir()) == names


def test_a_history_from_a_newer_posecheck_is_refused_untouched(tmp_path):
    path = sqlite_file(tmp_path / "future.sqlite3",
                       "CREATE TABLE sessions (id TEXT); PRAGMA user_version = 7;")
    _refused(path, "newer posecheck")


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    _refused(path, "damaged or it is not a posecheck history")


def test_a_damaged_history_is_refused_untouched(tmp_path):
    path = filled(tmp_path / "h.sqlite3", 40)
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page
    path.write_bytes(bytes(data))
    _refused(path, "damaged")


def test_a_damaged_table_gives_an_error_when_read(tmp_path):
    path = filled(tmp_path / "h.sqlite3", 60)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    for page in range(2, len(data) // 4096):  # every page after the schema
        data[page * 4096 + 8: page * 4096 + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="damaged"):
        with HistoryStore(path) as store:
            store.sessions()


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = sqlite_file(tmp_path / "other.db",
                       "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
    _refused(path, "not a posecheck history")


def test_an_empty_file_becomes_a_history(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with HistoryStore(path) as store:
        record_live(store, make_session(1, sets=[make_set(1, 1)]))
    with HistoryStore(path) as store:
        assert store.get("s00001").total_reps == 1


def test_a_path_it_cannot_use_gets_a_sentence(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(HistoryError, match="cannot be created"):
        HistoryStore(tmp_path / "file" / "h.sqlite3")
    with pytest.raises(HistoryError, match="is a folder"):
        HistoryStore(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_history_is_private_to_its_owner(tmp_path):
    path = tmp_path / "sub" / "h.sqlite3"
    HistoryStore(path).close()
    assert path.stat().st_mode & 0o077 == 0


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POSECHECK_HISTORY", str(tmp_path / "mine.db"))
    assert default_history_path() == tmp_path / "mine.db"
    monkeypatch.delenv("POSECHECK_HISTORY")
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        assert default_history_path() == tmp_path / "data" / "posecheck" / "history.sqlite3"
        monkeypatch.delenv("XDG_DATA_HOME")
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert default_history_path() == (tmp_path / "home" / ".local" / "share" / "posecheck"
                                          / "history.sqlite3")
    else:
        monkeypatch.setenv("POSECHECK_HISTORY", str(tmp_path / "elsewhere" / "h.db"))
    with HistoryStore() as store:  # None: the default path, here under tmp_path
        assert store.path == default_history_path() and store.path.is_file()
        assert str(tmp_path) in str(store.path)


def test_sessions_are_listed_newest_first_by_start_time(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        for n in (3, 1, 2):
            store.save(make_session(n, status=FINISHED))
        assert [s.id for s in store.sessions()] == ["s00003", "s00002", "s00001"]


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        record_live(store, make_session(1, sets=[make_set(1, 3)]))
    broken_next = ("CREATE TABLE notes (text TEXT)", "ALTER TABLE no_such_table ADD COLUMN x")
    monkeypatch.setattr(history, "MIGRATIONS", history.MIGRATIONS + (broken_next,))
    monkeypatch.setattr(history, "SCHEMA_VERSION", len(history.MIGRATIONS) + 1)
    with pytest.raises(HistoryError):
        HistoryStore(path)
    monkeypatch.undo()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(history.MIGRATIONS)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'notes'").fetchone()[0] == 0
    db.close()
    with HistoryStore(path) as store:
        assert store.get("s00001").total_reps == 3


def test_tabs_opening_a_new_history_at_the_same_moment_all_get_it(tmp_path):
    """The first use with two tabs open: one tab creates the tables while another is checking
    that the file is a posecheck history. The check must see the file before or after the
    creation, never halfway (it once saw the tables without the version and refused the file,
    losing that tab's session), and switching the new file to its WAL journal must wait for
    the other tabs doing the same instead of failing as busy."""
    for attempt in range(60):
        path = tmp_path / f"h{attempt}.sqlite3"
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def open_store():
            start.wait()
            try:
                HistoryStore(path).close()
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=open_store) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], f"attempt {attempt}: {errors[0]}"
