"""Landmark smoothing: a One Euro filter (Casiez, Roussel, Vogel, CHI 2012) per coordinate.

The One Euro filter is a low-pass filter whose cutoff rises with speed: still poses lose
their jitter, fast movements keep little lag. It uses the real time between samples, so it
behaves the same at 25, 30 or 60 fps and with a frame stride.

Visibility gating: a landmark the model is unsure of does not move the filter; it holds its
last smoothed value for a short while and is re-started when it is seen again after longer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .datatypes import Pose
from .landmarks import plausible_rows, plausible_world


@dataclass(frozen=True)
class SmoothingConfig:
    # Image coordinates are fractions of the frame; world coordinates are metres.
    min_cutoff_hz: float = 1.2  # cutoff at rest: MediaPipe jitter is mostly above 2 Hz
    beta: float = 8.0  # cutoff gain per unit of speed: keeps a 1 s rep from lagging
    d_cutoff_hz: float = 1.0  # cutoff of the speed estimate itself
    world_beta: float = 4.0
    min_visibility: float = 0.5  # below this a landmark does not update the filter
    hold_s: float = 0.5  # an unseen landmark keeps its last value this long, then restarts
    reset_after_s: float = 1.0  # no pose for longer than this restarts every filter


DEFAULT_SMOOTHING = SmoothingConfig()


def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Vectorised One Euro filter over an array of values with a shared timeline."""

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float):
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float, update: np.ndarray | None = None) -> np.ndarray:
        """Filter x at time t. `update` (bool mask over x) marks values allowed to move."""
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or t <= self._t:
            if self._x is None:
                self._x = x.copy()
                self._dx = np.zeros_like(x)
            elif update is not None:
                self._x = np.where(update, x, self._x)
            else:
                self._x = x.copy()
            self._t = t if self._t is None else max(t, self._t)
            return self._x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff_hz, dt)
        dx_hat = a_d * dx + (1 - a_d) * self._dx
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = _alpha(cutoff, dt)
        x_hat = a * x + (1 - a) * self._x
        if update is not None:
            x_hat = np.where(update, x_hat, self._x)
            dx_hat = np.where(update, dx_hat, self._dx)
        self._x, self._dx, self._t = x_hat, dx_hat, t
        return x_hat.copy()

    def restart(self, mask: np.ndarray, x: np.ndarray) -> None:
        """Jump the masked values to x (a landmark seen again after a long absence)."""
        if self._x is not None:
            self._x = np.where(mask, x, self._x)
            self._dx = np.where(mask, 0.0, self._dx)


class PoseSmoother:
    """Smooths one person's landmarks over time. One per stream."""

    def __init__(self, config: SmoothingConfig = DEFAULT_SMOOTHING):
        self.config = config
        self._image = OneEuroFilter(config.min_cutoff_hz, config.beta, config.d_cutoff_hz)
        self._world = OneEuroFilter(config.min_cutoff_hz, config.world_beta, config.d_cutoff_hz)
        self._last_seen: np.ndarray | None = None  # per landmark, time last seen
        self._last_pose_t: float | None = None

    def reset(self) -> None:
        self._image.reset()
        self._world.reset()
        self._last_seen = None
        self._last_pose_t = None

    def __call__(self, pose: Pose | None) -> Pose | None:
        if pose is None:
            return None
        cfg = self.config
        t = pose.t
        if self._last_pose_t is not None and t - self._last_pose_t > cfg.reset_after_s:
            self.reset()
        self._last_pose_t = t
        lms = pose.landmarks
        finite = plausible_rows(lms)  # NaN, infinite or far-out numbers count as unseen
        with np.errstate(invalid="ignore"):
            seen = finite & (lms[:, 3] >= cfg.min_visibility)
        if self._last_seen is None:
            self._last_seen = np.where(seen, t, -math.inf)
        stale = seen & (t - self._last_seen > cfg.hold_s)
        self._last_seen = np.where(seen, t, self._last_seen)
        xyz = np.where(finite[:, None], lms[:, :3], 0.0)
        self._image.restart(stale[:, None], xyz)
        smoothed = self._image(xyz, t, update=seen[:, None])
        out = lms.copy()
        out[:, :3] = smoothed
        # a landmark held from the past is reported as unseen, so rules never judge it
        held_too_long = ~seen & (t - self._last_seen > cfg.hold_s)
        out[held_too_long, 3] = 0.0
        out[~finite, 3] = 0.0
        out[:, 3] = np.nan_to_num(np.clip(out[:, 3], 0.0, 1.0), nan=0.0)
        world = None
        if plausible_world(pose.world):
            self._world.restart(stale[:, None], pose.world)
            world = self._world(pose.world, t, update=seen[:, None])
        return replace(pose, landmarks=out, world=world)
