"""Sessions on synthetic people with a fake clock: ready hold, sets, holds, rest, sides, summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

import synth
from synth import Key, poses, reps
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.engine.records import SOURCE_LIVE
from posecheck.engine.session import COUNTING, DONE, GETTING_READY, REST, STOPPED, Session, SessionPlan, new_record

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}
PRONE = {"ext": 0.0, "elbow": 90.0, "head": 10.0}
PRESS = {"ext": 38.0, "elbow": 8.0, "head": 15.0}
FOURS = {"lift_left": 6.0, "lift_right": 6.0, "roll": 0.0}
LEFT_UP, LEFT_DOWN = {"lift_left": 45.0}, {"lift_left": 6.0}
RIGHT_UP, RIGHT_DOWN = {"lift_right": 45.0}, {"lift_right": 6.0}


def stay(seconds: float) -> list[Key]:
    return [Key(0.0, {}, hold_s=seconds)]


@dataclass
class Run:
    session: Session
    said: list = field(default_factory=list)  # Announcements in order
    closed: list = field(default_factory=list)  # SetRecords as they were closed
    began: list = field(default_factory=list)  # times the first set began
    finished: list = field(default_factory=list)
    statuses: list = field(default_factory=list)  # (t, SessionStatus) every frame
    engine_reps: int = 0

    def texts(self, kinds=None) -> list[str]:
        return [a.text for a in self.said if kinds is None or a.kind in kinds]

    def at(self, text: str) -> list[float]:
        return [a.t for a in self.said if a.text == text]


def run(library, ex_id: str, frames, **choices) -> Run:
    ex = library.get(ex_id)
    engine = ExerciseEngine(ex)
    out = Run(Session(ex, SessionPlan.live(ex, **choices)))
    for t, pose in frames:
        state = engine.update(pose, t)
        step = out.session.update(state)
        out.said += step.announcements
        if step.closed_set:
            out.closed.append(step.closed_set)
        if step.began:
            out.began.append(t)
        if step.finished:
            out.finished.append(t)
        out.statuses.append((t, out.session.status(t)))
        out.engine_reps = state.reps
    return out


def numbers(n: int) -> list[str]:
    return [str(i) for i in range(1, n + 1)]


# ---- starting ----------------------------------------------------------------------------

def test_setup_time_is_not_counted(library):
    """A rep begun before the start position was held for a second does not count; counting
    starts with the ready words, a second after the person settled."""
    keys = reps(HINGE, STAND, 1) + stay(1.5) + reps(HINGE, STAND, 5)
    r = run(library, "good_morning", poses(synth.standing, STAND, keys, lead_s=0.3),
            target_reps=5, sets=1)
    assert r.engine_reps == 6
    ready = library.get("good_morning").cues["ready"]
    assert r.texts()[0] == ready and r.at(ready) == r.began
    first_rep_end = next(t for t, s in r.statuses if s.total_reps == 0 and t > 3.0)
    assert r.began[0] > 4.0 > first_rep_end  # the early rep ended ~4 s; settled a second later
    assert [s.rep_count for s in r.closed] == [5]
    assert r.texts({"rep"}) == numbers(5)


def test_nothing_counts_until_the_person_holds_still_in_the_start_position(library):
    frames = poses(synth.standing, HINGE, [Key(1.0, {"lean": 35.0})] + stay(5.0))
    r = run(library, "good_morning", frames)
    assert not r.began and r.session.state == GETTING_READY and not r.said


# ---- sets and rest -----------------------------------------------------------------------

def test_set_ends_at_the_target_and_the_rest_ends_by_itself(library):
    # set 1: five reps; during the 8 s rest one more rep (not counted); set 2: five reps
    keys = reps(HINGE, STAND, 5) + reps(HINGE, STAND, 1) + stay(6.0) + reps(HINGE, STAND, 5)
    r = run(library, "good_morning", poses(synth.standing, STAND, keys),
            target_reps=5, sets=2, rest_s=8.0)
    assert r.engine_reps == 11
    assert [s.rep_count for s in r.closed] == [5, 5] and all(s.completed for s in r.closed)
    assert [s.index for s in r.closed] == [1, 2] and r.closed[0].target_reps == 5
    ready = library.get("good_morning").cues["ready"]
    session_words = r.texts({"ready", "rep", "rest", "next_set", "done"})
    assert session_words == [ready, *numbers(5), "Rest. Next set in 8 seconds.", "Set 2 of 2.",
                             ready, *numbers(5), "All sets done: 10 reps. Well done."]
    rest_t = r.at("Rest. Next set in 8 seconds.")[0]
    assert rest_t == r.closed[0].ended_s
    next_t = r.at("Set 2 of 2.")[0]
    assert 8.0 <= next_t - rest_t <= 8.0 + 1 / 30 + 1e-9  # ends by itself, on the first frame due
    resting = [s for t, s in r.statuses if rest_t <= t < next_t]
    assert all(s.state == REST for s in resting)
    left = [s.rest_left_s for s in resting]
    assert left[0] == pytest.approx(8.0) and left == sorted(left, reverse=True) and left[-1] < 0.1
    assert resting[0].round == 2  # the rest says which set comes next
    # the rep made while resting is in neither set
    assert r.closed[1].started_s >= next_t
    assert r.finished == [r.closed[1].ended_s] and r.session.state == DONE


def test_reps_after_the_last_set_are_not_counted(library):
    keys = reps(HINGE, STAND, 7)
    r = run(library, "good_morning", poses(synth.standing, STAND, keys), target_reps=5, sets=1)
    assert r.engine_reps == 7 and [s.rep_count for s in r.closed] == [5]
    assert r.texts({"rep"}) == numbers(5) and r.session.status().total_reps == 5


def test_stopping_mid_set_keeps_the_finished_reps(library):
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 3))
    r = run(library, "good_morning", frames, target_reps=5, sets=2)
    cut = r.session.stop(frames[-1][0])
    assert cut is not None and cut.rep_count == 3 and not cut.completed
    assert r.session.state == STOPPED and r.session.sets == [cut]
    # nothing done yet: nothing to keep
    fresh = run(library, "good_morning", poses(synth.standing, STAND, stay(0.5)))
    assert fresh.session.stop(2.0) is None and fresh.session.sets == []


# ---- holds -------------------------------------------------------------------------------

def test_a_hold_shorter_than_required_is_reported_as_no_hold(library):
    keys = (reps(PRESS, PRONE, 2, hold_s=2.6, pause_s=2.0) + reps(PRESS, PRONE, 1, hold_s=0.3, pause_s=2.0)
            + reps(PRESS, PRONE, 2, hold_s=2.6, pause_s=2.0))
    r = run(library, "lumbar_extension", poses(synth.prone, PRONE, keys), target_reps=5, sets=1)
    (s,) = r.closed
    assert [("no_hold" in rep.faults) for rep in s.reps] == [False, False, True, False, False]
    assert s.fault_counts.get("no_hold") == 1
    assert all(rep.hold_s >= 2.0 for i, rep in enumerate(s.reps) if i != 2)
    # "Hold." on arriving at the top of every rep; "Sit back and relax." only after 2 s of it
    holds, releases = r.at("Hold."), r.at("Sit back and relax.")
    assert len(holds) == 5 and len(releases) == 4
    for release in releases:
        started = max(h for h in holds if h < release)
        assert release - started >= 2.0
    # the cue for the short hold is the written one, word for word
    cue = library.get("lumbar_extension").fault("no_hold").cue
    assert cue in r.texts({"cue"})
    # the ring: fills while holding, empty when not
    rings = [s.hold for _, s in r.statuses if s.hold is not None]
    assert rings and max(rings) == 1.0 and min(rings) > 0


def test_the_good_morning_pause_is_announced_at_the_bottom(library):
    r = run(library, "good_morning", poses(synth.standing, STAND, reps(HINGE, STAND, 5)),
            target_reps=5, sets=1)
    assert r.texts({"hold"}) == ["Pause."] * 5 and not r.texts({"release"})
    words = r.texts({"hold", "rep"})
    assert words == [w for n in numbers(5) for w in ("Pause.", n)]


# ---- sides -------------------------------------------------------------------------------

def test_both_sides_left_then_right_and_wrong_side_reps_do_not_count(library):
    keys = (reps(LEFT_UP, LEFT_DOWN, 2) + reps(RIGHT_UP, RIGHT_DOWN, 1) + reps(LEFT_UP, LEFT_DOWN, 3)
            + reps(RIGHT_UP, RIGHT_DOWN, 5))
    r = run(library, "quadruped_hip_lift", poses(synth.quadruped, FOURS, keys),
            target_reps=5, sets=1)
    assert r.engine_reps == 11
    assert [(s.side, s.rep_count) for s in r.closed] == [("left", 5), ("right", 5)]
    assert all(rep.side == s.side for s in r.closed for rep in s.reps)
    ready = library.get("quadruped_hip_lift").cues["ready"]
    assert r.texts({"ready", "rep", "switch_side", "wrong_side", "done"}) == [
        ready, "1", "2", "This set is for your left leg.", "3", "4", "5",
        "Now your right leg.", ready, *numbers(5), "All sets done: 10 reps. Well done."]
    # the wrong-side rep is not praised either
    praise = set(library.get("quadruped_hip_lift").good_rep_cues)
    wrong_t = r.at("This set is for your left leg.")[0]
    assert not [a for a in r.said if a.t == wrong_t and a.text in praise]
    status = [s for t, s in r.statuses if t > r.at("Now your right leg.")[0]][0]
    assert (status.round, status.side) == (1, "right")


def test_one_side_only_and_sets_are_rounds_of_both_sides(library):
    ex = library.get("quadruped_hip_lift")
    assert SessionPlan.live(ex).side == "both"
    assert SessionPlan.live(ex, sets=2).blocks == ((1, "left"), (1, "right"), (2, "left"), (2, "right"))
    assert SessionPlan.live(ex, side="right").blocks == ((1, "right"), (2, "right"), (3, "right"))
    keys = reps(RIGHT_UP, RIGHT_DOWN, 5)
    r = run(library, "quadruped_hip_lift", poses(synth.quadruped, FOURS, keys),
            target_reps=5, sets=1, side="right")
    assert [(s.side, s.rep_count) for s in r.closed] == [("right", 5)] and r.session.finished


# ---- the end -----------------------------------------------------------------------------

def test_end_of_session_summary(library):
    keys = reps(HINGE, STAND, 5) + stay(4.0) + reps({**HINGE, "knee": 75.0}, STAND, 5)
    r = run(library, "good_morning", poses(synth.standing, STAND, keys),
            target_reps=5, sets=2, rest_s=3.0)
    assert len(r.finished) == 1
    end = r.session.status()
    assert end.state == DONE and end.total_reps == 10 and len(end.sets) == 2
    assert end.sets[1].fault_counts.get("knees_too_bent") == 5
    assert not end.sets[0].fault_counts.get("knees_too_bent")
    ex = library.get("good_morning")
    record = new_record(ex, r.session.plan, "abc", "2026-01-01T10:00:00+00:00", SOURCE_LIVE)
    record.sets.extend(r.closed)
    assert (record.planned_sets, record.target_reps, record.total_reps) == (2, 5, 10)
    assert record.exercise_name == ex.name and record.side is None
    # after the end nothing more is counted or said
    assert r.said[-1].kind == "done"


def test_announcement_keys_are_unique_and_cues_are_the_written_words(library):
    keys = reps({**HINGE, "knee": 75.0}, STAND, 3) + stay(3.0) + reps(HINGE, STAND, 5)
    r = run(library, "good_morning", poses(synth.standing, STAND, keys), target_reps=5, sets=2,
            rest_s=2.0)
    assert len({a.key for a in r.said}) == len(r.said)
    ex = library.get("good_morning")
    written = {f.cue for f in ex.faults} | set(ex.good_rep_cues) | set(ex.cues.values())
    assert r.texts({"cue"}) and set(r.texts({"cue"})) <= written
    assert ex.fault("knees_too_bent").cue in r.texts({"cue"})
    times = [a.t for a in r.said]
    assert times == sorted(times)


def test_out_of_view_while_setting_up_is_said_and_counting_waits(library):
    # no ankles or knees in view for the first 3 s: the person is told to step back
    from posecheck import landmarks as L

    hidden = {i: [(0.0, 3.0)] for i in (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)}
    r = run(library, "good_morning", poses(synth.standing, STAND, stay(3.0) + reps(HINGE, STAND, 5),
                                           hide=hidden), target_reps=5, sets=1)
    ex = library.get("good_morning")
    assert r.texts()[:2] == [ex.cues["not_visible"], ex.cues["ready"]]
    assert r.began[0] >= 4.0  # seen from 3 s, then held still for a second
    assert r.session.finished


# ---- the plan ----------------------------------------------------------------------------

def test_the_plan_keeps_to_the_prescription(library):
    ex = library.get("good_morning")
    plan = SessionPlan.live(ex)
    assert (plan.target_reps, plan.sets, plan.rest_s, plan.hold_s, plan.side) == (5, 3, 60.0, 1.0, None)
    with pytest.raises(ValueError, match="between 5 and 7"):
        SessionPlan.live(ex, target_reps=9)
    with pytest.raises(ValueError):
        SessionPlan.live(ex, sets=0)
    with pytest.raises(ValueError):
        SessionPlan.live(library.get("quadruped_hip_lift"), side="middle")
    assert SessionPlan.live(library.get("lumbar_extension")).hold_s == 2.0


# ---- a recorded video --------------------------------------------------------------------

def run_open(library, ex_id, frames) -> tuple[Session, int]:
    ex = library.get(ex_id)
    engine = ExerciseEngine(ex)
    session = Session(ex, SessionPlan.open_ended(ex))
    said = []
    for t, pose in frames:
        state = engine.update(pose, t)
        said += session.update(state).announcements
    session.stop(frames[-1][0])
    assert not [a for a in said if a.kind == "cue"]
    return session, state.reps


def test_a_video_is_split_into_sets_at_long_rests(library):
    keys = reps(HINGE, STAND, 4) + stay(25.0) + reps(HINGE, STAND, 3) + stay(3.0) + reps(HINGE, STAND, 2)
    session, engine_reps = run_open(library, "good_morning", poses(synth.standing, STAND, keys))
    assert [s.rep_count for s in session.sets] == [4, 5] and engine_reps == 9
    first, second = session.sets
    assert first.completed is False and second.completed is True  # 4 < 5, the least prescribed
    assert second.started_s - first.ended_s > 25.0
    assert 1.5 <= first.started_s <= 2.2  # its first rep leaves upright (after 1.5 s standing)


def test_a_video_of_both_sides_is_split_by_side(library):
    keys = reps(LEFT_UP, LEFT_DOWN, 3) + reps(RIGHT_UP, RIGHT_DOWN, 2)
    session, engine_reps = run_open(library, "quadruped_hip_lift", poses(synth.quadruped, FOURS, keys))
    assert [(s.side, s.rep_count) for s in session.sets] == [("left", 3), ("right", 2)]
    assert engine_reps == 5


def _track(tmp_path, frames):
    from posecheck.pose.track import TrackHeader, write_header, write_sample

    path = tmp_path / "two-sets.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        write_header(fh, TrackHeader("two-sets.mp4", 30.0, synth.IMAGE[0], synth.IMAGE[1],
                                     frames[-1][0], 1))
        for t, pose in frames:
            write_sample(fh, round(t, 6), synth.IMAGE, pose.quantised() if pose else None)
    return path


def test_the_review_report_shows_the_video_as_sets_and_can_go_to_the_history(library, tmp_path):
    from posecheck.sinks.history_store import HistoryStore
    from posecheck.run.files import analyze_track
    from posecheck.sinks.report import summary_text
    from posecheck.web.review import session_record, set_rows

    keys = reps(HINGE, STAND, 5) + stay(30.0) + reps({**HINGE, "knee": 75.0}, STAND, 3)
    report = analyze_track(str(_track(tmp_path, poses(synth.standing, STAND, keys))),
                           library.get("good_morning"))
    assert report.reps == 8  # the existing fields are as before
    written = report.to_dict()
    assert [(s["index"], s["reps"], s["rep_indices"]) for s in written["sets"]] == [
        (1, 5, [1, 2, 3, 4, 5]), (2, 3, [6, 7, 8])]
    assert [d["set"] for d in written["rep_details"]] == [1] * 5 + [2] * 3
    assert report.rep_sets() == [1] * 5 + [2] * 3
    assert report.sets[0].completed and not report.sets[1].completed  # 3 < 5 prescribed
    assert report.sets[1].fault_counts["knees_too_bent"] == 3
    assert "knees_too_bent" not in report.sets[0].fault_counts
    assert report.sets[1].started_s - report.sets[0].ended_s > 30.0
    assert "Sets: 2" in summary_text(report) and "set 2: 3 reps" in summary_text(report)
    assert report.rep_csv().splitlines()[0].startswith("index,set,")
    assert [r["Reps"] for r in set_rows(report)] == [5, 3]
    record = session_record(report, "rev1", "2026-01-02T03:04:05+00:00")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.save(record)
        back = store.get("rev1")
    assert back.source == "video" and back.status == "finished" and back.total_reps == 8
    assert [s.rep_count for s in back.sets] == [5, 3]
    assert back.sets[1].reps[0].faults == ("knees_too_bent",)
    # the history keeps the session's own numbers, not the report's rounded ones
    assert back.sets == record.sets == report.sets
    peaks = [r.peak_deg for s in back.sets for r in s.reps]
    assert peaks == [r.peak_deg for r in report.rep_details]
    assert any(p != round(p, 1) for p in peaks)
    times = [x for s in back.sets for x in (s.started_s, s.ended_s)]
    assert times == [x for s in report.sets for x in (s.started_s, s.ended_s)]
