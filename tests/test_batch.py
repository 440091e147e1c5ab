"""Several files in one `posecheck analyze` call, in parallel processes (--jobs)."""

from __future__ import annotations

import json

from test_cli import posecheck

CLIPS = ("deadlift_side_jeffchen_bad_1.mp4", "squat-bodyweight_side_kaiakol_1.mp4")  # 29 frames each


def _without_timing(report: dict) -> dict:
    report.pop("timing")
    return report


def test_parallel_files_give_the_reports_of_single_runs(data_dir, tmp_path):
    clips = [str(data_dir / "videos" / c) for c in CLIPS]
    out = posecheck("analyze", *clips, "-e", "hip_hinge", "--jobs", "2", "--json", "-",
                    "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2  # one JSON report per input, in the order given
    together = [_without_timing(json.loads(line)) for line in lines]
    for clip, report in zip(clips, together):
        alone = posecheck("analyze", clip, "-e", "hip_hinge", "--json", "-")
        assert alone.returncode == 0, alone.stderr
        assert report == _without_timing(json.loads(alone.stdout))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CLIPS)


def test_one_bad_file_does_not_stop_the_others(data_dir, tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n" * 20)
    good = str(data_dir / "videos" / CLIPS[0])
    out = posecheck("analyze", str(bad), good, "-e", "hip_hinge", "--jobs", "2", "--json", str(tmp_path))
    assert out.returncode == 2
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("posecheck: error:")]
    assert len(errors) == 1 and "notes.mp4" in errors[0], out.stderr
    assert "Traceback" not in out.stderr
    report = json.loads((tmp_path / "deadlift_side_jeffchen_bad_1.json").read_text())
    assert report["source"] == CLIPS[0]
    assert not (tmp_path / "notes.json").exists()


def test_several_inputs_need_output_folders(data_dir, tmp_path):
    clips = [str(data_dir / "videos" / c) for c in CLIPS]
    out = posecheck("analyze", *clips, "-e", "hip_hinge", "--json", str(tmp_path / "r.json"))
    assert out.returncode == 2
    assert out.stderr.startswith("posecheck: error:") and "folder" in out.stderr
