"""The Streamlit page, through streamlit.testing.v1.AppTest (no browser, no WebRTC)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fake_backends import NoPerson
from posecheck.pose.estimator import PoseEstimator
from posecheck.web import board, review, webrtc
from posecheck.run import live
from posecheck.web.figure import draw_figure, joints
from posecheck.web.info import DISCLAIMER, prescription_lines

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CLIP = "good-morning_side_palfit_1.mp4"
FOUR = ["hip_hinge", "good_morning", "quadruped_hip_lift", "lumbar_extension"]


@pytest.fixture
def no_webrtc(monkeypatch):
    """AppTest cannot run WebRTC: replace the one call into streamlit-webrtc."""
    calls = []

    def fake(processor, playing, key="live"):
        calls.append(processor)
        return SimpleNamespace(state=SimpleNamespace(playing=False), video_processor=None)

    monkeypatch.setattr(webrtc, "start_stream", fake)
    return calls


def run_app(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.subheader] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_page_renders_with_disclaimer_and_four_exercises(no_webrtc):
    at = run_app()
    assert any(DISCLAIMER in w.value for w in at.warning)
    box = at.radio(key="exercise")
    from posecheck.engine.exercises import load_all

    lib = load_all()
    assert set(FOUR) <= set(lib.exercises)
    names = {lib.exercises[i].name for i in FOUR}
    assert names <= set(box.options)
    assert no_webrtc, "the live section asks for the stream"
    assert "camera is off" in texts(at)


def test_switching_exercise_shows_its_steps(no_webrtc):
    from posecheck.engine.exercises import load_all

    lib = load_all()
    at = run_app()
    for ex_id in FOUR:
        ex = lib.exercises[ex_id]
        at.radio(key="exercise").set_value(ex_id).run()
        assert not at.exception
        page = texts(at)
        assert at.subheader[0].value == ex.name
        assert ex.steps[0] in page and ex.steps[-1] in page
        assert prescription_lines(ex)[0] in page
        assert ex.view_reason in page
        assert len(at.image) == 2  # start and working figures
        if ex_id == "lumbar_extension":  # done lying face down: the page must not say "stand"
            assert "stand" not in page.lower(), page


def test_the_desk_exercises_show_their_figures_from_the_front(no_webrtc):
    at = run_app()
    for ex_id in ("neck_tilt", "shoulder_roll", "spinal_twist"):
        ex = _ex(ex_id)
        at.radio(key="exercise").set_value(ex_id).run()
        assert not at.exception
        assert len(at.image) == 2  # start and working figures, drawn from the front
        assert ex.figure["working"]["view"] == "front"


def test_switching_exercise_resets_the_live_count(no_webrtc):
    at = run_app()
    proc = at.session_state["live_processor"]
    assert proc.exercise.id == at.radio(key="exercise").value
    at.radio(key="exercise").set_value("hip_hinge").run()
    assert at.session_state["live_processor"].exercise.id == "hip_hinge"


def test_review_section_states_the_size_cap(no_webrtc):
    at = run_app()
    at.radio(key="mode").set_value("Review a video").run()
    assert not at.exception
    assert f"up to {review.MAX_UPLOAD_MB} MB" in texts(at)
    assert set(review.VIDEO_TYPES) <= {t.lstrip(".") for t in at.file_uploader[0].allowed_type}


def test_bad_upload_shows_a_sentence_not_a_traceback(no_webrtc):
    at = run_app()
    at.radio(key="mode").set_value("Review a video").run()
    at.file_uploader[0].set_value(("clip.mp4", b"this is not a video at all" * 100, "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    sentence = at.error[0].value
    assert sentence.endswith(".") and "Traceback" not in sentence and len(sentence) < 300


def test_oversized_upload_is_refused_before_reading():
    class Big:
        name, size = "huge.mp4", review.MAX_UPLOAD_BYTES + 1

        def read(self, *_):
            raise AssertionError("must not be read")

    result = review.review_upload(Big(), _ex("good_morning"), key=("x", "good_morning"))
    assert result.error and "limit is 200 MB" in result.error


def _ex(ex_id):
    from posecheck.engine.exercises import load_all

    return load_all().exercises[ex_id]


def test_figure_draws_every_exercise():
    from posecheck.engine.exercises import load_all

    for ex in load_all().exercises.values():
        for pose in ("start", "working"):
            img = draw_figure(ex.figure[pose])
            assert img.shape == (160, 160, 3) and (img < 200).any()
    # good morning's working pose: shoulder well forward of the hip, knee forward of the ankle
    j = joints({"trunk": 75.0, "thigh": -10.0, "shin": 10.0})
    assert j["shoulder"][0] > 0.9 and j["knee"][0] > j["ankle"][0] and j["ankle"][1] < j["knee"][1]


def test_live_processor_snapshot_new_session_and_switch():
    from posecheck.engine.session import GETTING_READY, SessionPlan

    ex = _ex("good_morning")

    proc = live.LiveProcessor(ex, estimator_factory=_nobody, store_factory=_no_store)
    frame = np.zeros((120, 160, 3), np.uint8)
    for i in range(5):
        out = proc.process(frame, 100.0 + i / 30)
        assert out.shape == frame.shape
    snap = proc.snapshot()
    assert snap.frames == 5 and not snap.person and snap.reps == 0
    assert snap.session.state == GETTING_READY and snap.session.target == 5
    first = snap.session_id
    proc.new_session()
    assert proc.snapshot().frames == 0 and proc.snapshot().session_id != first
    hinge = _ex("hip_hinge")
    proc.configure(hinge, SessionPlan.live(hinge))
    assert proc.snapshot().exercise_id == "hip_hinge"
    html = board.board_html(snap, True)
    assert "Set 1 of 3" in html and "Rep 0 / 5" in html


def _no_store():
    raise AssertionError("nothing may be saved before a set starts")


def _nobody():
    """The real pose policy over a model that finds nobody."""
    return PoseEstimator(NoPerson())


# ---- the real clip -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_morning_review(data_dir):
    return review.review_file(str(data_dir / "videos" / CLIP), _ex("good_morning"),
                              key=("clip", "good_morning"), name=CLIP)


def test_review_of_real_clip_shows_four_reps(good_morning_review, no_webrtc):
    result = good_morning_review
    assert result.error is None, result.error
    assert result.report.reps == 4
    assert [s.rep_count for s in result.report.sets] == [4]  # one set: no rest in the clip
    assert result.video and result.video[4:8] == b"ftyp"
    at2 = AppTest.from_string(
        "import streamlit as st\nfrom posecheck.web import page\n"
        "page.show_review(st.session_state['review_result'])\n", default_timeout=60)
    at2.session_state["review_result"] = result
    at2.run()
    assert not at2.exception
    assert at2.metric[0].label == "Reps" and at2.metric[0].value == "4"
    assert len(at2.dataframe) == 1 and len(at2.dataframe[0].value) == 4
    assert "Range (deg)" in at2.dataframe[0].value.columns
    labels = [b.label for b in at2.get("download_button")]
    assert len(labels) == 3, labels
    cue_text = "\n".join(m.value for m in at2.markdown)
    assert result.report.cues
    for cue in result.report.to_dict()["cues"]:  # the times as the JSON download has them
        assert f"{cue['t_s']:.1f} s: {cue['message']}" in cue_text


def test_upload_through_the_page_counts_four_reps(data_dir, no_webrtc, monkeypatch):
    """The whole review flow through the uploader, with the analysis itself cached from the
    module fixture when possible (the real model runs once per test module)."""
    data = (data_dir / "videos" / CLIP).read_bytes()
    at = run_app()
    at.radio(key="mode").set_value("Review a video").run()
    at.file_uploader[0].set_value((CLIP, data, "video/mp4"))
    at.run(timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.metric[0].value == "4"
    # a rerun does not analyse again
    calls = []
    monkeypatch.setattr(review, "review_upload", lambda *a, **k: calls.append(a))
    at.run()
    assert not calls and at.metric[0].value == "4"


def test_live_processes_only_the_newest_of_queued_frames():
    import asyncio

    import av

    proc = live.LiveProcessor(_ex("good_morning"), estimator_factory=_nobody, store_factory=_no_store)
    frames = []
    for i in range(3):
        f = av.VideoFrame.from_ndarray(np.full((96, 128, 3), i * 40, np.uint8), format="rgb24")
        f.pts = i
        frames.append(f)
    out = asyncio.run(proc.recv_queued(frames))
    assert len(out) == 1 and out[0].pts == 2 and (out[0].width, out[0].height) == (128, 96)
    assert proc.snapshot().frames == 1  # the two older frames were dropped, not processed


def test_ice_servers_come_from_the_environment(monkeypatch):
    from posecheck.web.webrtc import rtc_configuration

    monkeypatch.delenv("POSECHECK_ICE_SERVERS", raising=False)
    assert rtc_configuration() == {"iceServers": []}
    turn = [{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]
    monkeypatch.setenv("POSECHECK_ICE_SERVERS", json.dumps(turn))
    assert rtc_configuration() == {"iceServers": turn}
    monkeypatch.setenv("POSECHECK_ICE_SERVERS", "stun:oops")
    assert rtc_configuration() == {"iceServers": []}


def test_session_controls_follow_the_prescription_and_set_the_plan(no_webrtc):
    at = run_app()
    target = at.number_input(key="target-good_morning")
    assert (target.value, target.min, target.max) == (5, 5, 7)
    assert at.number_input(key="sets-good_morning").value == 3
    assert at.number_input(key="rest-good_morning").value == 60
    at.number_input(key="sets-good_morning").set_value(2).run()
    at.number_input(key="target-good_morning").set_value(6).run()
    plan = at.session_state["live_processor"].plan
    assert (plan.target_reps, plan.sets, plan.rest_s, plan.hold_s) == (6, 2, 60.0, 1.0)
    assert "Set 1 of 2" in texts(at) and "Rep 0 / 6" in texts(at)
    at.radio(key="exercise").set_value("quadruped_hip_lift").run()
    assert at.selectbox(key="side-quadruped_hip_lift").value == "both"
    assert at.session_state["live_processor"].plan.side == "both"
    assert not at.exception


def test_a_review_of_several_sets_shows_them_and_saves_to_the_history_on_request(tmp_path):
    """Synthetic two-set video (as a track); the page lists the sets and saves only on the click."""
    import synth
    from synth import Key, poses, reps

    from posecheck.sinks.history_store import HistoryStore, default_history_path
    from posecheck.run.files import analyze_track
    from posecheck.pose.track import TrackHeader, write_header, write_sample

    stand, hinge = {"lean": 2.0, "knee": 12.0}, {"lean": 70.0, "knee": 18.0}
    frames = poses(synth.standing, stand, reps(hinge, stand, 5) + [Key(0.0, {}, hold_s=25.0)]
                   + reps(hinge, stand, 5))
    path = tmp_path / "t.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        write_header(fh, TrackHeader("t.mp4", 30.0, 640, 480, frames[-1][0], 1))
        for t, pose in frames:
            write_sample(fh, round(t, 6), synth.IMAGE, pose.quantised())
    report = analyze_track(str(path), _ex("good_morning"))
    before = {r.id for r in HistoryStore(default_history_path()).sessions()}
    at = AppTest.from_string(
        "import streamlit as st\nfrom posecheck.web import page\n"
        "page.show_review(st.session_state['review_result'])\n", default_timeout=60)
    at.session_state["review_result"] = review.ReviewResult(key=("t", "good_morning"), name="t.mp4",
                                                            report=report)
    at.run()
    assert not at.exception
    sets_table, reps_table = at.dataframe[0].value, at.dataframe[1].value
    assert list(sets_table["Reps"]) == [5, 5] and list(reps_table["Set"]) == [1] * 5 + [2] * 5
    assert {r.id for r in HistoryStore(default_history_path()).sessions()} == before  # not yet
    at.button(key="save_review").click().run()
    assert not at.exception and "Saved to your history" in at.success[0].value
    new = [r for r in HistoryStore(default_history_path()).sessions() if r.id not in before]
    assert len(new) == 1 and new[0].source == "video" and [s.rep_count for s in new[0].sets] == [5, 5]
    at.run()  # a rerun does not save it twice
    assert len(HistoryStore(default_history_path()).sessions()) == len(before) + 1


def test_the_review_marks_every_rep_fault_and_says_which_were_spoken(good_morning_review):
    """The table said "no pause" on 4 reps while the chart marked 2 (cues have a cooldown)."""
    report = good_morning_review.report
    faults = [(r.index, f) for r in report.rep_details for f in r.faults]
    assert faults, "the clip has rep faults"
    rows = review.rep_rows(report)
    said = sum(row["Faults"].count("(said)") for row in rows)
    cued = {c.code for c in review.fault_cues(report)}
    assert 0 < said <= len(review.fault_cues(report)) and said < len(faults)
    assert all(f.replace("_", " ") in rows[i - 1]["Faults"] for i, f in faults)
    spec = review.angle_chart(report, _ex("good_morning")).to_dict()
    marks = [layer for layer in spec["layer"] if layer["mark"].get("shape") == "triangle-down"]
    (mark_data,) = [spec["datasets"][layer["data"]["name"]] for layer in marks]
    assert len(mark_data) == len(faults)  # every rep fault, said or not
    assert {m["said"] for m in mark_data} == {"said", "not said"} and cued


def test_the_chart_axis_fits_the_working_range_and_draws_the_target_band():
    """The lumbar extension's chart ran -300..100 (values reached -269 sitting back on the
    heels), squashing the 0-60 deg press-ups flat."""
    ex = _ex("lumbar_extension")
    low, high = review.target_band(ex)
    # from lying flat (0) plus the standard target, up to where the arch is forced
    assert (low, high) == (ex.rep.target, ex.fault("hyperextension").above)
    y_low, y_high = review.chart_range([-269.0, -150.0, 0.0, 48.0, 62.0], (low, high), (0.0, 90.0))
    assert y_low == 0.0 and 62.0 < y_high <= 90.0
    hinge = _ex("good_morning")
    assert review.target_band(hinge)[0] == hinge.rep.target


def test_the_persons_range_is_chosen_on_the_page_and_remembered_per_exercise(no_webrtc, tmp_path,
                                                                             monkeypatch):
    """Gentle chosen for the good morning: the live plan uses it, the history remembers it,
    and the next visit starts from it; another exercise keeps its own (issue 12)."""
    from posecheck.sinks.history_store import HistoryStore

    history = tmp_path / "h.sqlite3"
    monkeypatch.setenv("POSECHECK_HISTORY", str(history))
    at = run_app()
    assert at.selectbox(key="range-good_morning").value == "auto"
    at.selectbox(key="range-good_morning").set_value("gentle").run()
    assert at.session_state["live_processor"].plan.range_choice.kind == "gentle"
    with HistoryStore(history) as store:
        assert store.remembered_range("good_morning") == "gentle"
        assert store.remembered_range("hip_hinge") is None
    again = run_app()
    assert again.selectbox(key="range-good_morning").value == "gentle"
    again.selectbox(key="range-good_morning").set_value("degrees").run()
    again.number_input(key="range-deg-good_morning").set_value(20).run()
    assert again.session_state["live_processor"].plan.range_choice.degrees == 20.0
    with HistoryStore(history) as store:
        assert store.remembered_range("good_morning") == "20 deg"
    assert not again.exception


def test_the_page_offers_routines_and_runs_one_live(no_webrtc):
    """Routines sit beside the exercises in the sidebar; choosing one shows its exercises with
    how to face the camera, and the live processor is set up to run it hands-free. Routines
    whose exercises are not there yet are listed as not available, with why."""
    from posecheck.engine.exercises import load_all
    from posecheck.engine.routines import load_routines

    lib = load_all()
    routines = load_routines(lib)
    at = run_app()
    # the exercises are grouped: standing ones first, then the floor ones, each says where
    box = at.radio(key="exercise")
    assert list(box.options)[:2] == ["Good morning", "Hip hinge"]
    at.radio(key="pick_kind").set_value("Routines").run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.radio(key="routine")
    assert "Back basics" in picker.options
    picker.set_value("back_basics").run()
    assert at.subheader[0].value == "Back basics"
    page = texts(at)
    for step in routines.get("back_basics").steps:
        ex = lib.get(step.exercise_id)
        assert ex.name in page and ex.cues["wrong_view"] in page
    assert "5-7 reps per side x 3 sets" in page  # the quadruped hip lift, both sides
    for rid in routines.unavailable:
        assert f"Not available: {rid.replace('_', ' ')}" in page
    assert at.radio(key="mode").options == ["Live", "History", "Plan & report"]  # a routine is done live
    snap = at.session_state["live_processor"].snapshot()
    assert snap.routine is not None and snap.routine.routine_id == "back_basics"
    assert snap.exercise_id == "lumbar_extension" and "Back basics" in board.board_html(snap, False)
    # back to one exercise: the processor runs that exercise alone again
    at.radio(key="pick_kind").set_value("Exercises").run()
    assert not at.exception
    assert at.session_state["live_processor"].snapshot().routine is None


def test_the_page_says_which_pose_model_judges_in_the_sidebar(no_webrtc):
    """Issue 13: a person (or their helper) can see which model is in use; it sits in the
    sidebar, where it takes no room from the live video."""
    at = run_app()
    assert any(c.value.startswith("Pose model:") for c in at.sidebar.caption)
    assert not any(c.value.startswith("Pose model:") for c in at.main.caption)
