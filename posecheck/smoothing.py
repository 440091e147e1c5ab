"""Landmark smoothing: a One Euro filter (Casiez, Roussel, Vogel, CHI 2012) per coordinate.

The One Euro filter is a low-pass filter whose cutoff rises with speed: still poses lose
their jitter, fast movements keep little lag. It uses the real time between samples, so it
behaves the same at 25, 30 or 60 fps and with a frame stride.

Visibility gating: a landmark the model is unsure of does not move the filter; it holds its
last smoothed value for a short while and is re-started when it is seen again after longer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .datatypes import Pose
from .landmarks import PLAUSIBLE_WORLD_M, PLAUSIBLE_XY, PLAUSIBLE_Z, plausible_rows, plausible_world


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

# |value - middle| <= half-width per column of (x, y, z, visibility) and of (x, y, z, world x,
# y, z, visibility): the plausible ranges of landmarks.py; visibility is only checked for NaN.
_MIDDLE_4 = np.array([0.5 * sum(PLAUSIBLE_XY)] * 2 + [0.0, 0.0])
_HALF_4 = np.array([0.5 * (PLAUSIBLE_XY[1] - PLAUSIBLE_XY[0])] * 2 + [PLAUSIBLE_Z, math.inf])
_MIDDLE_7 = np.concatenate((_MIDDLE_4[:3], [0.0] * 3, _MIDDLE_4[3:]))
_HALF_7 = np.concatenate((_HALF_4[:3], [PLAUSIBLE_WORLD_M] * 3, _HALF_4[3:]))


def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Vectorised One Euro filter over an array of values with a shared timeline.

    `beta` may be an array broadcasting over the values (one speed gain per column)."""

    def __init__(self, min_cutoff_hz: float, beta: float | np.ndarray, d_cutoff_hz: float):
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
        return self.step(x, t, update).copy()

    def step(self, x: np.ndarray, t: float, update: np.ndarray | None = None) -> np.ndarray:
        """Like calling the filter, but returns its own state: the caller must not change it."""
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
            return self._x
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
        return x_hat

    def restart(self, mask: np.ndarray, x: np.ndarray) -> None:
        """Jump the masked values to x (a landmark seen again after a long absence)."""
        if self._x is not None:
            self._x = np.where(mask, x, self._x)
            self._dx = np.where(mask, 0.0, self._dx)

    def split(self, at: int) -> tuple["OneEuroFilter", "OneEuroFilter"]:
        """Two filters over the columns before and from `at` (each with one speed gain),
        carrying on from this one's state."""
        beta = np.atleast_1d(np.asarray(self.beta, dtype=np.float64))
        parts = []
        for cols, b in ((slice(None, at), beta[0]), (slice(at, None), beta[-1])):
            f = OneEuroFilter(self.min_cutoff_hz, float(b), self.d_cutoff_hz)
            if self._x is not None:
                f._x, f._dx, f._t = self._x[:, cols].copy(), self._dx[:, cols].copy(), self._t
            parts.append(f)
        return parts[0], parts[1]


class PoseSmoother:
    """Smooths one person's landmarks over time. One per stream.

    Image and world landmarks share one timeline while every pose has both (MediaPipe's
    always do), so they run as one 33x6 filter with a speed gain per column: the same
    arithmetic per value as two filters, at half the per-frame cost. The first pose without
    usable world landmarks splits them into two filters until the next reset."""

    def __init__(self, config: SmoothingConfig = DEFAULT_SMOOTHING):
        self.config = config
        self._beta6 = np.array([config.beta] * 3 + [config.world_beta] * 3)
        self.reset()

    def reset(self) -> None:
        cfg = self.config
        self._both: OneEuroFilter | None = OneEuroFilter(cfg.min_cutoff_hz, self._beta6, cfg.d_cutoff_hz)
        self._image: OneEuroFilter | None = None
        self._world: OneEuroFilter | None = None
        self._last_seen: np.ndarray | None = None  # per landmark, time last seen
        self._last_pose_t: float | None = None

    def _separate(self) -> None:
        self._image, self._world = self._both.split(3)
        self._both = None

    def __call__(self, pose: Pose | None) -> Pose | None:
        if pose is None:
            return None
        cfg = self.config
        t = pose.t
        if self._last_pose_t is not None and t - self._last_pose_t > cfg.reset_after_s:
            self.reset()
        self._last_pose_t = t
        lms = pose.landmarks
        world = pose.world
        # One pass over x, y, z, (world x, y, z,) visibility: is every number plausible (the
        # checks of landmarks.plausible_rows / plausible_world; NaN fails them all)?
        if world is None:
            values, middle, half = lms, _MIDDLE_4, _HALF_4
        else:
            values = np.concatenate((lms[:, :3], world, lms[:, 3:]), axis=1)
            middle, half = _MIDDLE_7, _HALF_7
        with np.errstate(invalid="ignore"):
            ok = np.abs(values - middle) <= half
        all_ok = ok.all()
        if all_ok:  # the usual case
            finite = None
            seen = lms[:, 3] >= cfg.min_visibility
            xyz = values[:, :3]
        else:
            finite = plausible_rows(lms)  # NaN, infinite or far-out numbers count as unseen
            seen = finite & (lms[:, 3] >= cfg.min_visibility)
            xyz = np.where(finite[:, None], lms[:, :3], 0.0)
            world = world if plausible_world(world) else None
        if self._last_seen is None:
            self._last_seen = np.where(seen, t, -math.inf)
        long_unseen = t - self._last_seen > cfg.hold_s
        stale = seen & long_unseen  # seen again after a long absence
        held = long_unseen ^ stale  # still unseen, held from the past for too long
        self._last_seen = np.where(seen, t, self._last_seen)
        restart = stale.any()
        update = seen[:, None]
        if world is None and self._both is not None:
            self._separate()
        out = lms.copy()
        if self._both is not None:
            both = values[:, :6] if all_ok else np.concatenate((xyz, world), axis=1)
            if restart:
                self._both.restart(stale[:, None], both)
            smoothed = self._both.step(both, t, update=update)
            out[:, :3] = smoothed[:, :3]
            world = smoothed[:, 3:].copy()
        else:
            if restart:
                self._image.restart(stale[:, None], xyz)
            out[:, :3] = self._image.step(xyz, t, update=update)
            if world is not None:
                if restart:
                    self._world.restart(stale[:, None], world)
                world = self._world(world, t, update=update)
        # a landmark held from the past is reported as unseen, so rules never judge it
        unseen = held if finite is None else held | ~finite
        if unseen.any():
            out[unseen, 3] = 0.0
        if not all_ok and np.isnan(out[:, 3]).any():  # a damaged visibility is no evidence of being seen
            out[:, 3] = np.nan_to_num(out[:, 3], nan=0.0)
        return Pose(t=pose.t, image_size=pose.image_size, landmarks=out, world=world)
