"""The command line as a user runs it: real clips, JSON reports, tracks, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_MORNING = "good-morning_side_palfit_1.mp4"


def posecheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "posecheck", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=600)


def test_exercises_lists_ids_views_and_prescriptions():
    out = posecheck("exercises")
    assert out.returncode == 0
    for ex_id in ("hip_hinge", "good_morning", "quadruped_hip_lift", "lumbar_extension"):
        assert ex_id in out.stdout
    assert "5-7 reps x 3 sets" in out.stdout and "view: side" in out.stdout


@pytest.fixture(scope="module")
def good_morning_run(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    video = str(data_dir / "videos" / GOOD_MORNING)
    analysed = posecheck("analyze", video, "--exercise", "good_morning", "--json", "-",
                         "--out", str(folder / "annotated.mp4"), "--stride", "1")
    tracked = posecheck("track", video, "-o", str(folder / "gm.jsonl"))
    return folder, analysed, tracked


def test_analyze_json_to_stdout_is_only_the_report(good_morning_run):
    _, out, _ = good_morning_run
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)  # nothing else on stdout
    assert report["reps"] == 4 and report["exercise"] == "good_morning"
    for key in ("source", "frames", "fps", "duration_s", "reps_by_side", "partial_reps",
                "rep_details", "cues", "fault_counts", "timing"):
        assert key in report
    assert set(report["timing"]) >= {"pose_ms_per_frame", "total_s"}
    assert report["frames"] == 583 and report["timing"]["pose_ms_per_frame"] > 0
    rep = report["rep_details"][0]
    assert set(rep) >= {"index", "side", "start_s", "end_s", "peak_deg", "hold_s", "faults"}


def test_annotated_video_is_h264_and_complete(good_morning_run):
    import av

    folder, _, _ = good_morning_run
    with av.open(str(folder / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 583


def test_a_replayed_track_gives_the_same_report(good_morning_run):
    folder, analysed, tracked = good_morning_run
    assert tracked.returncode == 0, tracked.stderr
    first = json.loads(analysed.stdout)
    replay = posecheck("analyze", str(folder / "gm.jsonl"), "--exercise", "good_morning", "--json", "-")
    assert replay.returncode == 0, replay.stderr
    second = json.loads(replay.stdout)
    first.pop("timing"), second.pop("timing")
    assert first == second
    line = json.loads((folder / "gm.jsonl").read_text().splitlines()[1])
    assert set(line) >= {"t", "size", "landmarks", "world"}
    assert len(line["landmarks"]) == 33 and len(line["landmarks"][0]) == 4


def test_the_readable_summary(data_dir, tmp_path):
    out = posecheck("analyze", str(data_dir / "videos" / GOOD_MORNING), "-e", "hip_hinge",
                    "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0
    assert "Reps: 4" in out.stdout
    assert json.loads((tmp_path / "r.json").read_text())["reps"] == 4


def _bad_inputs(data_dir: Path, tmp: Path) -> dict[str, list[str]]:
    empty = tmp / "empty.mp4"
    empty.write_bytes(b"")
    text = tmp / "notes.mp4"
    text.write_text("these are my notes, not a video\n" * 50)
    whole = (data_dir / "videos" / GOOD_MORNING).read_bytes()
    half = tmp / "half.mp4"
    half.write_bytes(whole[: len(whole) // 2])
    track = tmp / "broken.jsonl"
    track.write_text('{"t": 0.0, "size": [640, 480], "landmarks": [[1, 2]]}\n')
    clip = str(data_dir / "videos" / GOOD_MORNING)
    return {
        "missing file": ["analyze", str(tmp / "nope.mp4"), "-e", "hip_hinge"],
        "zero bytes": ["analyze", str(empty), "-e", "hip_hinge"],
        "not a video": ["analyze", str(text), "-e", "hip_hinge"],
        "truncated": ["analyze", str(half), "-e", "hip_hinge"],
        "unknown exercise": ["analyze", clip, "-e", "backflip"],
        "malformed track": ["analyze", str(track), "-e", "hip_hinge"],
        "bad output folder": ["analyze", clip, "-e", "hip_hinge", "--out", str(tmp / "no" / "x.mp4")],
    }


@pytest.mark.parametrize("case", ["missing file", "zero bytes", "not a video", "truncated",
                                  "unknown exercise", "malformed track", "bad output folder"])
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(case, data_dir, tmp_path):
    out = posecheck(*_bad_inputs(data_dir, tmp_path)[case])
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.startswith("posecheck:")]
    assert len(lines) == 1 and len(lines[0]) > 20, out.stderr


@pytest.mark.parametrize("args, flag", [
    (["bench", "--stride", "fast"], "--stride"),
    (["bench", "--repeats", "0"], "--repeats"),
    (["bench", "--live-fps", "0"], "--live-fps"),
    (["bench", "--live-seconds", "-5"], "--live-seconds"),
    (["bench", "--batch", "two"], "--batch"),
    (["analyze", "x.mp4", "-e", "hip_hinge", "--stride", "0"], "--stride"),
])
def test_a_bad_flag_value_is_named_before_any_work(args, flag):
    out = posecheck(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert f"argument {flag}" in out.stderr, out.stderr
