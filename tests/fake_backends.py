"""Pose backends for tests (the protocol of posecheck/pose/backend.py). posecheck's own policy
(PoseEstimator: dark frames, re-detection) runs over them unchanged; only the model is fake."""

from __future__ import annotations

import numpy as np

from posecheck.pose import backend
from posecheck.pose.backend import BackendInfo
from posecheck.pose.estimator import PoseEstimator


class NoPerson:
    """Finds nobody: stands in for MediaPipe where a test is about files, not people. Keeps
    what it was given, and every instance made is in NoPerson.opened."""

    MODELS = ("lite", "full", "heavy")
    opened: list["NoPerson"] = []

    def __init__(self, model: str = "full", *, one_core: bool = False):
        self.info = BackendInfo("stand-in", model, "a test's stand-in: finds nobody")
        self.one_core = one_core
        self.levels: list[float] = []  # mean level of each image the model was given
        self.closed = False
        NoPerson.opened.append(self)

    def process(self, image_rgb, t):
        assert image_rgb.ndim == 3 and image_rgb.shape[2] == 3 and image_rgb.dtype == np.uint8
        self.levels.append(float(image_rgb.mean()))
        return None

    def restart(self):
        pass

    def close(self):
        self.closed = True


def stand_in_for_mediapipe(monkeypatch) -> list[NoPerson]:
    """Every driver's estimator gets a NoPerson backend whichever MediaPipe backend it asks
    for (the default included); returns the list of the backends opened from then on."""
    for name in ("solutions", "tasks"):
        monkeypatch.setitem(backend.BACKENDS, name, f"{__name__}:NoPerson")
    monkeypatch.setattr(NoPerson, "opened", [])
    return NoPerson.opened


class Playback:
    """Plays a synthetic performance, (t, Pose | None) per frame: the next pose for each new
    frame (a new time), the same one again when a frame is processed again (the policy's
    re-detection, after restart()); a restart before a new frame (after a cut) changes nothing
    of what is played. Raises on the frames whose number is in fail_at."""

    def __init__(self, frames, fail_at=()):
        self.poses = [pose for _, pose in frames]
        self.fail_at = set(fail_at)
        self.info = BackendInfo("playback", "synthetic", "tests/synth.py")
        self.i = -1
        self.restarts = 0
        self._last_t: float | None = None

    def process(self, image_rgb, t):
        if t != self._last_t:
            self.i += 1
            self._last_t = t
        if self.i in self.fail_at:
            raise RuntimeError(f"simulated failure on frame {self.i}")
        return self.poses[self.i]

    def restart(self):
        self.restarts += 1

    def close(self):
        pass


def playing(frames, fail_at=()) -> PoseEstimator:
    """posecheck's pose policy over a Playback of the frames."""
    return PoseEstimator(Playback(frames, fail_at))
