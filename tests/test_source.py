"""Video decoding: upright frames from phone clips, real timestamps."""

from __future__ import annotations

import av
import numpy as np
import pytest

from posecheck.video.decode import probe, read_frames


def _clip(path, rotation: int, size=(200, 120), n=6, fps=30):
    """A landscape clip whose top-left corner is bright, stored with a display rotation."""
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[: h // 4, : w // 5] = 255
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        for _ in range(n):
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _bright_corner(image: np.ndarray) -> str:
    corners = {"top-left": image[2, 2], "top-right": image[2, -3],
               "bottom-left": image[-3, 2], "bottom-right": image[-3, -3]}
    return max(corners, key=lambda k: corners[k].mean())


@pytest.mark.parametrize("rotation,corner,portrait", [
    (0, "top-left", False),
    (-90, "top-right", True),   # the matrix turns the picture clockwise: a phone held upright
    (90, "bottom-left", True),
    (180, "bottom-right", False),
])
def test_rotation_metadata_gives_upright_frames(tmp_path, rotation, corner, portrait):
    path = _clip(tmp_path / "phone.mp4", rotation)
    info = probe(str(path))
    frames = list(read_frames(str(path)))
    assert len(frames) == 6
    h, w = frames[0].image.shape[:2]
    assert (h > w) == portrait and (info.height > info.width) == portrait
    assert (info.width, info.height) == (w, h)
    assert _bright_corner(frames[0].image) == corner


def test_frame_times_come_from_the_container(tmp_path):
    path = _clip(tmp_path / "clip.mp4", 0, n=10, fps=25)
    times = [f.t for f in read_frames(str(path))]
    assert times[0] == 0.0 and times == sorted(times)
    assert times[-1] == pytest.approx(9 / 25, abs=1e-6)
