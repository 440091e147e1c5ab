"""The engine on real people: the labelled clips in ../shared/data, and every clip there."""

from __future__ import annotations

import pytest

from posecheck.run.files import analyze_track

# The exercise each unlabelled clip is closest to, by what it shows.
CLOSEST = {
    "good-morning": "good_morning", "deadlift": "hip_hinge", "rdl": "hip_hinge",
    "single-leg-deadlift": "hip_hinge", "forward-fold": "hip_hinge", "squat": "hip_hinge",
    "fire-hydrant": "quadruped_hip_lift", "donkey-kick": "quadruped_hip_lift",
    "bird-dog": "quadruped_hip_lift", "cobra": "lumbar_extension",
    "prone-leg-lift": "lumbar_extension", "swimmer-superman": "lumbar_extension",
    "pushup": "lumbar_extension",
}


def closest_exercise(clip: str) -> str:
    prefix = clip.split("_")[0]
    for key in sorted(CLOSEST, key=len, reverse=True):
        if prefix.startswith(key):
            return CLOSEST[key]
    raise AssertionError(f"no exercise mapped for {clip}")


def _label_id(label: dict) -> str:
    return f"{label['file']}-{label['exercise']}"


def pytest_generate_tests(metafunc):
    if "label" in metafunc.fixturenames:
        import os
        import tomllib
        from conftest import _data_dir

        path = _data_dir() / "labels.toml"
        labels = tomllib.load(open(path, "rb"))["clip"] if path.exists() else []
        if not labels and os.environ.get("CI") == "true":
            labels = [{"file": "MISSING", "exercise": "MISSING"}]
        metafunc.parametrize("label", labels, ids=[_label_id(x) for x in labels])
    if "clip" in metafunc.fixturenames:
        from conftest import _data_dir

        folder = _data_dir() / "videos"
        clips = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else ["MISSING"]
        metafunc.parametrize("clip", clips)


def test_labelled_clip(label, data_dir, track_of, library):
    report = analyze_track(str(track_of(label["file"])), library.get(label["exercise"]))
    if "reps" in label:
        tolerance = label.get("tolerance", 0)
        assert abs(report.reps - label["reps"]) <= tolerance, (
            f"{label['file']} as {label['exercise']}: {report.reps} reps, labelled {label['reps']}")
    for code in label.get("faults", []):
        assert code in report.fault_counts, f"{code} not reported; got {report.fault_counts}"
    for code in label.get("no_faults", []):
        assert code not in report.fault_counts, f"{code} reported but must not be"
    if library.get(label["exercise"]).sided:
        assert set(report.reps_by_side) == {"left", "right"}
        assert sum(report.reps_by_side.values()) == report.reps


def test_every_clip_is_analysed_for_its_closest_exercise(clip, data_dir, track_of, library):
    exercise = library.get(closest_exercise(clip))
    report = analyze_track(str(track_of(clip)), exercise)
    assert report.frames > 0 and report.duration_s > 0
    assert report.reps == len(report.rep_details) >= 0
    for rep in report.rep_details:
        assert rep.start_s < rep.end_s <= report.duration_s + 0.1
    for cue in report.cues:
        assert cue.message


def test_fire_hydrant_reports_both_sides(data_dir, track_of, library):
    """Side, front, side views of slow lifts with each leg: both sides must be counted."""
    report = analyze_track(str(track_of("fire-hydrant_side-front_malik_1.mp4")),
                           library.get("quadruped_hip_lift"))
    assert report.reps_by_side["left"] >= 1 and report.reps_by_side["right"] >= 1
    assert "leg_back" not in report.fault_counts


def test_donkey_kicks_are_called_out_as_kicking_back(data_dir, track_of, library):
    report = analyze_track(str(track_of("donkey-kick_side_malik_1.mp4")), library.get("quadruped_hip_lift"))
    assert "leg_back" in report.fault_counts


def test_a_squat_is_not_a_good_hinge(data_dir, track_of, library):
    for clip in ("squat-barbell_side_formfit_1.mp4", "squat-goblet_oblique_kaiakol_incorrect_1.mp4"):
        report = analyze_track(str(track_of(clip)), library.get("hip_hinge"))
        assert "knees_too_bent" in report.fault_counts, clip


def test_the_good_morning_demo_keeps_soft_knees(data_dir, track_of, library):
    report = analyze_track(str(track_of("good-morning_side_palfit_1.mp4")), library.get("good_morning"))
    assert report.reps == 4
    assert not {"knees_too_bent", "knees_locked"} & set(report.fault_counts)
    assert all(60 <= r.peak_deg <= 90 for r in report.rep_details)
