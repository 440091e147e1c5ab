"""Small typed objects passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Frame:
    """One decoded video frame: RGB pixels, its time in seconds, its index in the stream."""

    index: int
    t: float
    image: np.ndarray  # (h, w, 3) uint8 RGB


@dataclass(frozen=True)
class Pose:
    """One person's pose at one instant.

    landmarks: (33, 4) float array of x, y (normalised 0..1 over the image), z (MediaPipe's
    relative depth, same scale as x) and visibility (0..1).
    world: (33, 3) metres, origin between the hips, or None when the source had none.
    """

    t: float
    image_size: tuple[int, int]  # (width, height) in pixels
    landmarks: np.ndarray
    world: np.ndarray | None = None

    def quantised(self, digits: int = 5) -> "Pose":
        """The pose as a track file stores it. 1e-5 of the frame is far below the model's noise;
        rounding here makes a live analysis and the replay of its track bit-identical."""
        return Pose(t=round(self.t, 6), image_size=self.image_size,
                    landmarks=np.round(self.landmarks, digits),
                    world=None if self.world is None else np.round(self.world, digits))

    @property
    def visibility(self) -> np.ndarray:
        return self.landmarks[:, 3]

    @property
    def pixels(self) -> np.ndarray:
        """(33, 2) landmark positions in image pixels: the space where 2D angles are true."""
        w, h = self.image_size
        return self.landmarks[:, :2] * np.array([w, h], dtype=np.float64)


@dataclass(frozen=True)
class VideoInfo:
    """What a source knows about itself before decoding."""

    path: str
    width: int
    height: int
    fps: float
    frame_count: int  # best estimate; 0 when unknown
    duration_s: float  # best estimate; 0 when unknown
    rotation: int = 0  # degrees the frames are turned to come out upright


@dataclass(frozen=True)
class Features:
    """Angles and positions derived from one pose, by name (degrees unless the name says so).

    values holds NaN for what cannot be measured on this pose. visible maps each joint name
    of landmarks.JOINT_NAMES to whether it is seen on the chosen side.
    """

    t: float
    side: str  # the body side facing the camera, which the unsided features describe
    values: dict[str, float]
    visible: dict[str, bool] = field(default_factory=dict)
    facing_camera: bool = False
