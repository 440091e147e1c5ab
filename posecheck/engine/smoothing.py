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

from ..datatypes import Pose
from ..landmarks import NUM_LANDMARKS, PLAUSIBLE_WORLD_M, XYZ_HALF_WIDTH, XYZ_MIDDLE, plausible_rows, plausible_world


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

# |value - middle| <= half-width per value of (x, y, z, visibility) and of (x, y, z,
# visibility, world x, y, z) rows: the plausible ranges of landmarks.py. Visibility is only
# checked for being a number (in the 7-column layout, also for not being absurdly large,
# since there it goes through the filter's arithmetic). Spelled out per landmark because numpy
# operations between arrays of one shape are cheaper than broadcasting a row.
_MIDDLE_4 = np.array([[*XYZ_MIDDLE, 0.0]] * NUM_LANDMARKS)
_HALF_4 = np.array([[*XYZ_HALF_WIDTH, math.inf]] * NUM_LANDMARKS)
_MIDDLE_7 = np.array([[*XYZ_MIDDLE, 0.0, 0.0, 0.0, 0.0]] * NUM_LANDMARKS)
_HALF_7 = np.array([[*XYZ_HALF_WIDTH, 1e6, PLAUSIBLE_WORLD_M, PLAUSIBLE_WORLD_M, PLAUSIBLE_WORLD_M]] * NUM_LANDMARKS)


class OneEuroFilter:
    """Vectorised One Euro filter over an array of values with a shared timeline.

    `beta` may be an array broadcasting over the values (one speed gain per column).

    Written as x += a * (x_new - x) with a = c / (c + 1), c = 2 pi dt cutoff: the textbook
    a = 1 / (1 + tau / dt) rearranged (equal up to the last bits), because the engine runs on
    every frame and each numpy call on a pose-sized array costs more than its arithmetic."""

    def __init__(self, min_cutoff_hz: float, beta: float | np.ndarray, d_cutoff_hz: float):
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None
        self._shape: tuple[int, ...] | None = None

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float, update: np.ndarray | None = None) -> np.ndarray:
        """Filter x at time t. `update` (bool mask broadcasting over x) marks values allowed
        to move; the others keep their value and speed."""
        return self.step(np.asarray(x, dtype=np.float64), t, update).copy()

    def step(self, x: np.ndarray, t: float, update: np.ndarray | None = None) -> np.ndarray:
        """Like calling the filter (x must be a float64 array), but returns its own state: a
        new array on every step, so earlier results stay valid."""
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
        if x.shape != self._shape:
            # the speed gains spelled out over the whole array: numpy works faster on arrays of
            # one shape than broadcasting a row
            self._shape = x.shape
            self._beta_full = np.broadcast_to(np.asarray(self.beta, dtype=np.float64), x.shape).copy()
        two_pi_dt = 2.0 * math.pi * dt
        a_d = two_pi_dt * self.d_cutoff_hz / (two_pi_dt * self.d_cutoff_hz + 1.0)
        # a value that may not move gets gains of 0: x and its speed stay as they were
        gain_d, k = (a_d, two_pi_dt) if update is None else (update * a_d, update * two_pi_dt)
        diff = x - self._x
        dx_hat = diff * (1.0 / dt)
        dx_hat -= self._dx
        dx_hat *= gain_d
        dx_hat += self._dx
        c = np.abs(dx_hat)
        c *= self._beta_full
        c += self.min_cutoff_hz
        c *= k
        x_hat = c + 1.0
        np.divide(c, x_hat, out=x_hat)
        x_hat *= diff
        x_hat += self._x
        self._x, self._dx, self._t = x_hat, dx_hat, t
        return x_hat

    def restart(self, mask: np.ndarray, x: np.ndarray) -> None:
        """Jump the masked values to x (a landmark seen again after a long absence)."""
        if self._x is not None:
            self._x = np.where(mask, x, self._x)
            self._dx = np.where(mask, 0.0, self._dx)

    def split(self, *columns: slice) -> list["OneEuroFilter"]:
        """Filters over the given column ranges, each with the speed gain of its first column,
        carrying on from this one's state."""
        beta = np.atleast_1d(np.asarray(self.beta, dtype=np.float64))
        parts = []
        for cols in columns:
            b = float(beta[cols][0]) if beta.size > 1 else float(beta[0])
            f = OneEuroFilter(self.min_cutoff_hz, b, self.d_cutoff_hz)
            if self._x is not None:
                f._x, f._dx, f._t = self._x[:, cols].copy(), self._dx[:, cols].copy(), self._t
            parts.append(f)
        return parts


class PoseSmoother:
    """Smooths one person's landmarks over time. One per stream.

    Image and world landmarks share one timeline while every pose has both (MediaPipe's
    always do), so they run as one filter over rows of (x, y, z, visibility, world x, y, z)
    with a speed gain per column: the same arithmetic per value as separate filters, in a
    third of the numpy calls, and the smoothed pose is two views of the filter's output. The
    visibility column rides along because one contiguous array is cheaper to work on than
    slices of it; its filtered value is replaced by the pose's own. The first pose without
    usable world landmarks splits off the image and world filters until the next reset."""

    def __init__(self, config: SmoothingConfig = DEFAULT_SMOOTHING):
        self.config = config
        self._beta7 = np.array([config.beta] * 4 + [config.world_beta] * 3)
        self.reset()

    def reset(self) -> None:
        cfg = self.config
        self._both: OneEuroFilter | None = OneEuroFilter(cfg.min_cutoff_hz, self._beta7, cfg.d_cutoff_hz)
        self._image: OneEuroFilter | None = None
        self._world: OneEuroFilter | None = None
        self._last_seen: np.ndarray | None = None  # per landmark (a 33x1 column), time last seen
        self._last_pose_t: float | None = None

    def _separate(self) -> None:
        self._image, self._world = self._both.split(slice(0, 3), slice(4, 7))
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
        # One pass over every number: is it plausible (the checks of landmarks.plausible_rows
        # / plausible_world; NaN fails them all)?
        if world is None:
            values, middle, half = lms, _MIDDLE_4, _HALF_4
        else:
            values = np.concatenate((lms, world), axis=1)
            middle, half = _MIDDLE_7, _HALF_7
        ok = np.abs(values - middle) <= half
        all_ok = np.count_nonzero(ok) == ok.size
        visibility = lms[:, 3:]
        # per landmark as a 33x1 column, so that it masks whole rows of the filter
        if all_ok:  # the usual case
            finite = None
            seen = visibility >= cfg.min_visibility
            xyz = values[:, :3]
        else:
            finite = plausible_rows(lms)[:, None]  # NaN, infinite or far-out numbers count as unseen
            seen = finite & (visibility >= cfg.min_visibility)
            xyz = np.where(finite, lms[:, :3], 0.0)
            world = world if plausible_world(world) else None
        if self._last_seen is None:
            self._last_seen = np.where(seen, t, -math.inf)
        long_unseen = t - self._last_seen > cfg.hold_s
        stale = seen & long_unseen  # seen again after a long absence
        held = long_unseen ^ stale  # still unseen, held from the past for too long
        np.copyto(self._last_seen, t, where=seen)
        restart = np.count_nonzero(stale) > 0
        if world is None and self._both is not None:
            self._separate()
        if self._both is not None:
            # a damaged visibility never enters the filter's arithmetic
            rows = values if all_ok else np.concatenate((xyz, np.zeros_like(visibility), world), axis=1)
            if restart:
                self._both.restart(stale, rows)
            smoothed = self._both.step(rows, t, update=seen)
            if all_ok:
                # the step's output is a new array: the pose can be views of it
                smoothed[:, 3:4] = visibility
                out = smoothed[:, :4]
            else:
                out = np.concatenate((smoothed[:, :3], visibility), axis=1)
            world = smoothed[:, 4:]
        else:
            if restart:
                self._image.restart(stale, xyz)
            out = np.concatenate((self._image.step(xyz, t, update=seen), visibility), axis=1)
            if world is not None:
                if restart:
                    self._world.restart(stale, world)
                world = self._world(world, t, update=seen)
        # a landmark held from the past is reported as unseen, so rules never judge it
        unseen = held if finite is None else held | ~finite
        if np.count_nonzero(unseen):
            out[:, 3:][unseen] = 0.0
        if not all_ok and np.isnan(out[:, 3]).any():  # a damaged visibility is no evidence of being seen
            out[:, 3] = np.nan_to_num(out[:, 3], nan=0.0)
        return Pose(t=pose.t, image_size=pose.image_size, landmarks=out, world=world)
