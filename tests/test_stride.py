"""Frame stride: running the model on every Nth frame must not change what a person is told.

The strided pose tracks come from the real model run at the automatic stride (as
`posecheck analyze` does by default); track_of caches them next to the every-frame tracks,
so after the first run these tests only replay tracks.
"""

from __future__ import annotations

from posecheck.run.files import analyze_track, analyze_video, auto_stride

SHORT_30FPS = "deadlift_side_jeffchen_bad_1.mp4"  # 29 frames at 30 fps


# Labelled clips whose every-frame and strided analyses differ today, per pose backend the
# tracks are made with (label id -> what is seen). Strict: the day one passes, its entry must
# come out. None on solutions: the two that issue 12 listed (ytkuang's quick fire hydrants,
# hansfit's donkey kicks) agree since reps are counted from the person's own start and leg_back
# reads the thigh's swing back.
STRIDE_MISSES: dict[str, dict[str, str]] = {
    "tasks": {
        "fire-hydrant_side-front_malik_1.mp4-quadruped_hip_lift": (
            "no count labelled; every frame 6 reps (3 left, 3 right), auto stride 3 (left). Two "
            "right lifts are of the far leg, whose knee's visibility sits at 0.44-0.46 (median) "
            "against the smoother's 0.5 gate: every frame catches a few frames over it, the "
            "stride none (solutions: 0.46-0.47, caught at both). The third ends at the cut to the "
            "front view, back to 7 deg of 41 every frame, 11 at the stride. Letting the far leg's "
            "world coordinates past the gate catches them, but then ytkuang's hidden right leg "
            "follows the lifted left one and takes a lift (tried, not kept)."),
    },
}


def pytest_generate_tests(metafunc):
    if "label" in metafunc.fixturenames:
        # the same labelled clips as test_real_clips.py
        from posecheck.pose.backend import default_backend
        from test_real_clips import parametrize_labels

        parametrize_labels(metafunc, STRIDE_MISSES.get(default_backend(), {}))


def test_auto_stride_runs_the_model_at_least_15_times_a_second():
    fps = (0.0, 10.0, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0, 120.0)
    assert [auto_stride(f) for f in fps] == [1, 1, 1, 1, 2, 2, 3, 4, 4, 8]


def _form_faults(report, exercise) -> set[str]:
    codes = {f.code for f in exercise.faults}
    return {code for code in report.fault_counts if code in codes}


def test_auto_stride_gives_every_frames_reps_and_faults(label, data_dir, track_of, library):
    """Where a clip's label counts its reps, the counted reps (per side) and every form fault,
    per rep and overall, are those of the every-frame analysis. Where the label gives no count
    (a squat done as a hinge, an edited demo that changes view, kicks that are not the
    exercise) movements sit near a threshold by nature: there the label's own faults must be
    found at the stride too, and the count may differ by a rep or two (the squat's trunk tips
    15-20 deg, right at the hinge's floor). Not compared: `not_visible`/`wrong_view` (camera
    set-up conditions announced after lasting 0.5 s) and partial reps."""
    exercise = library.get(label["exercise"])
    every = analyze_track(str(track_of(label["file"])), exercise)
    strided = analyze_track(str(track_of(label["file"], stride=None)), exercise)
    # most labelled clips are 30 fps (stride 2); hansfit's neck rolls (25 fps), shoulder circles
    # (24 fps) and bridges (25 fps) already run the model 15 times a second at stride 1
    stride = strided.stride
    assert stride == auto_stride(every.fps)
    assert strided.frames == -(-every.frames // stride)
    if "reps" not in label:
        assert set(label.get("faults", [])) <= set(strided.fault_counts)
        assert not set(label.get("no_faults", [])) & set(strided.fault_counts)
        assert abs(strided.reps - every.reps) <= 2
        return
    assert (strided.reps, strided.reps_by_side) == (every.reps, every.reps_by_side)
    # per rep, the same faults (two that start within a frame of each other, such as the
    # cobra's over-arch and head thrown back, may be found in either order)
    assert [sorted(r.faults) for r in strided.rep_details] == [sorted(r.faults) for r in every.rep_details]
    assert _form_faults(strided, exercise) == _form_faults(every, exercise)
    for a, b in zip(every.rep_details, strided.rep_details):
        # the same reps, not just as many: each overlaps its twin by most of its length (where
        # a slow return hovers at the threshold, the rep can end a quarter second apart)
        overlap = min(a.end_s, b.end_s) - max(a.start_s, b.start_s)
        assert overlap > 0.6 * min(a.duration_s, b.duration_s), (a, b)


def test_a_strided_analysis_still_annotates_every_frame(data_dir, tmp_path, library):
    import av

    out = tmp_path / "annotated.mp4"
    report = analyze_video(str(data_dir / "videos" / SHORT_30FPS), library.get("hip_hinge"),
                           stride=None, annotate_to=str(out))
    assert report.stride == 2 and report.frames == 15
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 29
