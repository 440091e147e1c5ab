"""The pose stage's seam: posecheck's policy (PoseEstimator) over any backend, and the one
factory every driver opens its estimator with. Fake backends stand in for the model; the
policy is the real one."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import synth
from fake_backends import NoPerson, stand_in_for_mediapipe
from media import moving_background, write_video
from posecheck import landmarks as L
from posecheck.errors import PosecheckError
from posecheck.pose import open_estimator
from posecheck.pose.backend import BackendInfo
from posecheck.pose.estimator import (BRIGHT_LEVEL, DARK_BELOW, MIN_BONE_SYMMETRY, PoseEstimator,
                                      bone_symmetry)

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
FRAME = np.full((48, 64, 3), 120, np.uint8)


class Scripted:
    """Gives the next of its answers to each process() call; logs every call."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[str] = []
        self.info = BackendInfo("scripted", "none", "tests")

    def process(self, image_rgb, t):
        self.calls.append("process")
        return self.answers.pop(0)

    def restart(self):
        self.calls.append("restart")

    def close(self):
        self.calls.append("close")


def _standing(thigh: float = 1.0):
    """A synthetic standing pose whose right thigh is `thigh` times its natural length."""
    pose = synth.to_pose(synth.standing(STAND), 0.0)
    world = pose.world.copy()
    hip = world[L.RIGHT_HIP]
    world[L.RIGHT_KNEE] = hip + (world[L.RIGHT_KNEE] - hip) * thigh
    return replace(pose, world=world)


# ---- the policy -------------------------------------------------------------------------

def test_a_dark_frame_is_brightened_before_the_model_sees_it_and_counted():
    rng = np.random.default_rng(1)
    dark = rng.integers(0, 16, (120, 160, 3), dtype=np.uint8)  # mean about 7.5
    as_shot = dark.copy()
    model = NoPerson()
    estimator = PoseEstimator(model)
    estimator.estimate(dark, 0.0)
    assert dark.mean() < DARK_BELOW and model.levels[0] > BRIGHT_LEVEL * 0.6
    assert np.array_equal(dark, as_shot), "the picture the person sees is not changed"
    assert estimator.stats.last_frame_dark
    estimator.estimate(FRAME, 0.1)
    assert model.levels[1] == 120.0  # a lit frame reaches the model as it is
    assert not estimator.stats.last_frame_dark
    assert (estimator.stats.frames, estimator.stats.dark_frames) == (2, 1)


@pytest.mark.parametrize("retry_thigh,kept", [(1.0, "retry"), (0.2, "first"), (None, "nobody")],
                         ids=["retry better", "retry worse", "retry finds nobody"])
def test_an_implausible_skeleton_is_detected_afresh_and_the_better_one_kept(retry_thigh, kept):
    first = _standing(thigh=0.33)  # one thigh a third of the other, as a stale track gives
    assert bone_symmetry(first.world) < MIN_BONE_SYMMETRY
    retry = None if retry_thigh is None else _standing(retry_thigh)
    model = Scripted(first, retry)
    estimator = PoseEstimator(model)
    got = estimator.estimate(FRAME, 0.0)
    assert model.calls == ["process", "restart", "process"]
    assert got is {"retry": retry, "first": first, "nobody": None}[kept]
    assert estimator.stats.redetections == 1


def test_a_plausible_skeleton_is_kept_without_detecting_afresh():
    pose = _standing(thigh=0.8)
    model = Scripted(pose)
    estimator = PoseEstimator(model)
    assert estimator.estimate(FRAME, 0.0) is pose
    assert model.calls == ["process"] and estimator.stats.redetections == 0


def _with_block(share: float, level: int) -> np.ndarray:
    """FRAME with its left `share` of columns at grey `level`: a part of the picture changed."""
    frame = FRAME.copy()
    frame[:, : int(round(FRAME.shape[1] * share))] = level
    return frame


def test_after_a_cut_the_person_is_detected_afresh_and_not_after_movement_or_a_fade():
    pose = _standing()
    model = Scripted(*[pose] * 6)
    estimator = PoseEstimator(model)
    fade = np.full_like(FRAME, 100)  # the whole picture 20 levels darker: a cross-fade's step
    for frame in (FRAME,                      # the first frame: nothing to compare with
                  _with_block(0.06, 250),     # a limb moved across 6% of the picture
                  fade,
                  _with_block(0.3, 250),      # a cut: a third of the picture is another scene
                  _with_block(0.3, 250),      # the frame after the cut: the same picture
                  _with_block(0.3, 10)):      # a second cut
        estimator.estimate(frame, 0.0)
    assert model.calls == ["process"] * 3 + ["restart", "process", "process", "restart", "process"]
    assert estimator.stats.cuts == 2


def test_a_closed_estimator_frees_the_model_and_refuses_frames():
    model = Scripted()
    with PoseEstimator(model) as estimator:
        pass
    assert model.calls == ["close"]
    with pytest.raises(RuntimeError, match="closed"):
        estimator.estimate(FRAME, 0.0)


# ---- the factory ------------------------------------------------------------------------

@pytest.mark.parametrize("names,words", [
    ({"backend": "openpose"}, "There is no pose backend called 'openpose' (known: 'solutions' "
                              "and 'tasks')."),
    ({"backend": "solutions", "model": "huge"},
     "The solutions pose backend has no model called 'huge' (it has 'lite', 'full' and 'heavy')."),
    ({"backend": "tasks", "model": "huge"},
     "The tasks pose backend has no model called 'huge' (it has 'lite', 'full' and 'heavy')."),
])
def test_unknown_backend_or_model_names_get_a_sentence(names, words):
    with pytest.raises(PosecheckError) as err:
        open_estimator(**names)
    assert str(err.value) == words


def test_replaying_a_track_or_refusing_a_model_name_never_loads_mediapipe(tmp_path):
    """MediaPipe takes seconds to load: only analysing a video may load it."""
    from posecheck.pose.track import TrackHeader, write_header, write_sample

    track = tmp_path / "t.jsonl"
    with open(track, "w", encoding="utf-8") as fh:
        write_header(fh, TrackHeader("clip.mp4", 30.0, 640, 480))
        for t, pose in synth.poses(synth.standing, STAND, [])[:10]:
            write_sample(fh, t, synth.IMAGE, pose)
    script = f"""
import sys
from posecheck.errors import PosecheckError
from posecheck.engine.exercises import load_all
from posecheck.pose import open_estimator
from posecheck.run.files import analyze_track
try:
    open_estimator(model="huge")
except PosecheckError:
    pass
analyze_track({str(track)!r}, load_all().get("good_morning"))
print("mediapipe" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- every driver opens its estimator through the factory -------------------------------

@pytest.fixture
def opened(monkeypatch):
    return stand_in_for_mediapipe(monkeypatch)


@pytest.fixture
def clip(tmp_path):
    return write_video(tmp_path / "clip.mp4", moving_background(6, (64, 48)), 30)


def test_an_analysis_runs_the_registered_backend_on_one_core(opened, clip, library):
    from posecheck.run.files import analyze_video

    report = analyze_video(str(clip), library.get("hip_hinge"), stride=2)
    (model,) = opened
    assert model.one_core and model.closed
    assert len(model.levels) == report.frames == 3


def test_an_analysis_reads_the_dark_frames_from_the_policy(opened, tmp_path, library):
    from posecheck.run.files import analyze_video

    dim = (image // 8 for image in moving_background(6, (64, 48)))
    report = analyze_video(str(write_video(tmp_path / "dim.mp4", dim, 30)), library.get("hip_hinge"))
    assert any(w.startswith("The video is very dark (100% of the frames") for w in report.warnings)
    assert min(opened[0].levels) > DARK_BELOW


def test_the_live_page_runs_the_registered_backend_not_pinned(opened, library):
    from posecheck.run import live

    def no_store():
        raise AssertionError("nobody was found: nothing may be saved")

    proc = live.LiveProcessor(library.get("good_morning"), store_factory=no_store)
    proc.process(FRAME.copy(), 100.0)
    (model,) = opened
    assert not model.one_core and model.levels == [120.0]
    proc.on_ended()
    assert model.closed


def test_the_benchmark_measures_the_registered_backend_as_an_analysis_runs_it(opened, clip):
    from posecheck.bench.clips import measure_model

    result = measure_model(str(clip), "hip_hinge")
    (model,) = opened
    assert model.one_core and result["frames"] == len(model.levels) == 6
    assert result["backend"] == {"name": "stand-in", "model": "full",
                                 "library": "a test's stand-in: finds nobody"}
