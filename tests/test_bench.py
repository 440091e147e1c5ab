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
