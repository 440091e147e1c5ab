"""The live path when things go wrong: a frame that fails, a switch to another person, a dark
room. Synthetic people played through LiveProcessor frame by frame (no camera, no browser).

The other live rows are the session's tests: the camera stopping mid-set keeps and saves the
finished reps (test_live_session.py::test_the_camera_stopping_mid_set_keeps_the_finished_reps),
a stalled stream or closed tab saves the session as abandoned (::test_a_stalled_stream_or_
closed_tab_saves_the_session_as_abandoned; in a real browser: e2e/test_browser.py::test_live_
session_runs_a_whole_set_hands_free), two tabs at once are independent (test_live_session.py::
test_two_tabs_at_once_are_independent_sessions). A denied camera: tests/e2e/test_reliability_browser.py.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import av
import numpy as np

import synth
from fake_backends import playing
from synth import poses, reps
from posecheck.pose.estimator import BRIGHT_LEVEL, DARK_BELOW, brightened
from posecheck.engine.session import SessionPlan
from posecheck.run import live
from test_reliability_engine import _switch_mid_rep

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}
T0 = 7000.0


class _MemoryStore:
    """Takes the session's writes and keeps nothing (the history has its own tests)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Clock:
    """The camera's clock: each pose's time. The stall watchdog reads it too."""

    def __init__(self):
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _processor(exercise, estimator, plan=None):
    clock = Clock()
    proc = live.LiveProcessor(exercise, plan, estimator_factory=lambda: estimator,
                              store_factory=_MemoryStore, clock=clock)
    return proc, clock


def _frames_through_recv(proc, clock, frames, monkeypatch):
    """A real av.VideoFrame per pose goes through recv, the callback streamlit-webrtc calls,
    stamped with the pose's time."""
    monkeypatch.setattr(live, "time", SimpleNamespace(monotonic=clock, sleep=time.sleep))
    image = np.zeros((48, 64, 3), np.uint8)
    outs, snaps = [], []
    for i, (t, _) in enumerate(frames):
        clock.now = T0 + t
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = i
        outs.append(proc.recv(frame))
        snaps.append(proc.snapshot())
    return outs, snaps


def test_a_processing_error_on_one_frame_is_logged_and_the_stream_goes_on(library, monkeypatch, caplog):
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 3))
    bad = 150  # inside the first rep
    proc, clock = _processor(library.get("good_morning"), playing(frames, fail_at={bad}))
    with caplog.at_level(logging.ERROR, logger=live.log.name):
        outs, snaps = _frames_through_recv(proc, clock, frames, monkeypatch)
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 1 and "simulated failure on frame 150" in str(failures[0].exc_info[1])
    assert len(outs) == len(frames) and all(o.width == 64 and o.pts == i for i, o in enumerate(outs))
    assert snaps[bad].error and "keeps trying" in snaps[bad].error
    assert not snaps[bad + 1].error, "the next good frame clears the message"
    assert snaps[-1].frames == len(frames) - 1 and snaps[-1].reps == 3


def test_a_switch_to_another_person_is_said_live_and_not_counted_in_the_set(library, monkeypatch):
    ex = library.get("good_morning")
    frames = _switch_mid_rep()
    proc, clock = _processor(ex, playing(frames), SessionPlan.live(ex))
    _, snaps = _frames_through_recv(proc, clock, frames, monkeypatch)
    said = [a.text for a in snaps[-1].said]
    assert ex.cues["one_person"] in said
    assert snaps[-1].reps == 2 and snaps[-1].session.total_reps == 2


def test_a_dark_frame_is_brightened_for_the_model_and_the_page_is_told(library):
    rng = np.random.default_rng(1)
    dark = rng.integers(0, 16, (120, 160, 3), dtype=np.uint8)  # mean about 7.5
    lit = rng.integers(60, 200, (120, 160, 3), dtype=np.uint8)
    bright = brightened(dark)
    assert bright is not None and bright.shape == dark.shape
    assert BRIGHT_LEVEL * 0.6 < bright.mean() < BRIGHT_LEVEL * 1.4
    assert dark.mean() < DARK_BELOW and brightened(lit) is None
    from posecheck.pose import open_estimator

    proc, _ = _processor(library.get("good_morning"), open_estimator())
    try:
        proc.process(dark, T0)
        snap = proc.snapshot()
        assert snap.dark and not snap.person
        proc.process(lit, T0 + 0.1)
        assert not proc.snapshot().dark
    finally:
        proc.on_ended()
