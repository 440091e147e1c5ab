"""`posecheck bench --all` picks each clip's exercise from the labels, and only ones that exist."""

from __future__ import annotations

from posecheck.bench.clips import exercise_for


def test_a_clip_labelled_only_with_an_exercise_not_defined_yet_falls_back(tmp_path, library):
    (tmp_path / "videos").mkdir()
    (tmp_path / "labels.toml").write_text(
        '[[clip]]\nfile = "bridge.mp4"\nexercise = "a_future_exercise"\n\n'
        '[[clip]]\nfile = "press.mp4"\nexercise = "a_future_exercise"\n\n'
        '[[clip]]\nfile = "press.mp4"\nexercise = "lumbar_extension"\n')
    known = library.exercises
    assert exercise_for(tmp_path / "videos" / "bridge.mp4", "hip_hinge", known) == "hip_hinge"
    assert exercise_for(tmp_path / "videos" / "press.mp4", "hip_hinge", known) == "lumbar_extension"
    assert exercise_for(tmp_path / "videos" / "other.mp4", "good_morning", known) == "good_morning"


def test_a_bad_matrix_entry_is_one_line(tmp_path):
    import os
    import subprocess
    import sys

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    out = subprocess.run([sys.executable, "-m", "posecheck", "bench", str(clip), "--matrix", "tasks"],
                         capture_output=True, text=True, timeout=120, env={**os.environ})
    assert out.returncode == 2
    assert out.stderr.strip() == ("posecheck: error: --matrix takes BACKEND:MODEL pairs such as "
                                  "tasks:full or solutions:full, not 'tasks'.")


def test_the_matrix_table_compares_each_model_with_its_backends_full_one():
    from posecheck.bench.matrix import matrix_table

    rows = [{"backend": "tasks", "model": "full", "frames": 100, "model_ms": 20.0, "model_cpu_ms": 20.0,
             "full_over_model": 1.05, "realtime_s1": 1.5, "live_p50_ms": 30.0, "live_p95_ms": 40.0,
             "live_fps": 25.0, "labels_s1": "15/15", "labels_auto": "15/15", "loadavg_1min": 1.0},
            {"backend": "tasks", "model": "lite", "frames": 100, "model_ms": 15.0, "model_cpu_ms": 14.0,
             "labels_s1": "12/15"}]
    lines = matrix_table(rows).splitlines()
    assert lines[2].split()[:6] == ["tasks:full", "100", "20.0", "20.0", "1.00", "1.05"]
    assert lines[3].split()[:5] == ["tasks:lite", "100", "15.0", "14.0", "1.43"]
    assert "12/15" in lines[3]
