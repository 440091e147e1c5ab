"""Whatever people upload: broken, odd and hostile files get a sentence, never a traceback, and
the odd-but-valid ones (no frame rate, variable frame rate, portrait, turned, very long) are
analysed as the person sees them.

Already covered elsewhere and not repeated here: a missing, empty, not-a-video or truncated
file and a malformed track on the command line (test_cli.py::test_bad_input_gets_one_clear_line
_and_a_non_zero_exit), a text file uploaded as .mp4 (test_app.py::test_bad_upload_shows_a_
sentence_not_a_traceback), an upload over the cap refused before it is read (test_app.py::
test_oversized_upload_is_refused_before_reading), rotation metadata at 0/+-90/180 on generated
clips (test_source.py::test_rotation_metadata_gives_upright_frames).
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from fake_backends import stand_in_for_mediapipe
from media import derived_clip, moving_background, write_video
from process_memory import resident_mb
from posecheck.errors import VideoError
from posecheck.run.files import analyze_video
from posecheck.video.decode import probe, read_frames
from posecheck.web import review

ROOT = Path(__file__).resolve().parents[2]
GOOD_MORNING = "good-morning_side_palfit_1.mp4"  # 4 reps (labels.toml), ending 6.3, 10.6, 14.9, 19.2 s


@pytest.fixture
def no_model(monkeypatch):
    """The pipeline without the pose model, for tests about files rather than people."""
    return stand_in_for_mediapipe(monkeypatch)


def _sentence(text: str | None) -> str:
    assert text, "expected an error sentence"
    assert "Traceback" not in text and len(text) < 300 and text.rstrip().endswith("."), text
    return text


class Upload(io.BytesIO):
    """What Streamlit's uploader hands the page: a file-like object with a name and a size."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)


# ---- empty and unreadable ---------------------------------------------------------------

def test_a_bad_upload_is_named_by_the_name_it_was_uploaded_with(library):
    """Not by the private copy's fixed name ("input.mp4"), which the person never saw."""
    result = review.review_upload(Upload(b"not a video, just words " * 40, "bad.mp4"),
                                  library.get("hip_hinge"), key=("b",))
    assert result.error.startswith("bad.mp4 is not a video file"), result.error
    assert "input.mp4" not in result.error


def test_an_empty_upload_is_refused_with_a_sentence(library):
    result = review.review_upload(Upload(b"", "clip.mp4"), library.get("hip_hinge"), key=("e",))
    assert _sentence(result.error) == "This file is empty."


def _audio_only(path: Path) -> Path:
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        for i in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp",
                                               layout="mono")
            frame.sample_rate, frame.pts = 16000, i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _unknown_codec(path: Path) -> Path:
    """A valid mp4 whose video sample entry names a codec no decoder knows."""
    write_video(path, moving_background(5, (64, 48)), 30)
    data = path.read_bytes()
    at = data.rfind(b"avc1")  # the sample description; the first hit is the file brand
    assert at > 100
    path.write_bytes(data[:at] + b"zzzz" + data[at + 4:])
    return path


@pytest.mark.parametrize("make,words", [
    (_audio_only, "has no video track"),
    (_unknown_codec, "codec that cannot be decoded"),
    (lambda p: write_video(p, moving_background(3, (96, 1)), 30, codec="ffv1",
                           container_format="matroska"), "too small to see a person"),
], ids=["audio only", "unknown codec", "one pixel high"])
def test_unsupported_files_are_named_in_a_sentence(tmp_path, library, make, words):
    path = make(tmp_path / "upload.mp4")
    with pytest.raises(VideoError) as err:
        probe(str(path))
        list(read_frames(str(path)))
    assert words in _sentence(str(err.value))
    result = review.review_file(str(path), library.get("hip_hinge"), name="upload.mp4")
    assert words in _sentence(result.error)


def test_a_picture_renamed_mp4_is_a_one_frame_video(tmp_path, library, no_model):
    from PIL import Image

    path = tmp_path / "holiday.mp4"
    Image.fromarray(next(moving_background(1))).save(path, format="PNG")
    report = analyze_video(str(path), library.get("hip_hinge"))
    assert report.frames == 1 and report.reps == 0
    assert "No person was found in the video." in report.warnings


# ---- frame rates ------------------------------------------------------------------------

@pytest.mark.parametrize("fps,times,stated", [
    (30, [0.0] * 8, 30.0),  # every frame stamped 0: times come from the stated rate
    (1000, [i / 1000 for i in range(8)], 0.0),  # "1000 fps": reported as unknown (0)
    (30, [i * 100.0 for i in range(8)], 30.0),  # a frame per 100 s: the codec's nominal rate
], ids=["all stamped 0", "1000 fps", "0.01 fps"])
def test_missing_or_absurd_frame_rates_still_give_ordered_times(tmp_path, library, no_model,
                                                                 fps, times, stated):
    path = write_video(tmp_path / "odd.mkv", moving_background(len(times), (64, 48)), fps,
                       times=times, container_format="matroska")
    got = [f.t for f in read_frames(str(path))]
    assert len(got) == len(times) and got[0] == 0.0
    assert all(b > a for a, b in zip(got, got[1:])), got
    assert probe(str(path)).fps == stated
    report = analyze_video(str(path), library.get("hip_hinge"), annotate_to=str(tmp_path / "a.mp4"))
    assert report.frames == len(times) and report.fps == stated
    assert report.duration_s >= got[-1] - 1e-3  # the times in the report are the file's own
    with open(tmp_path / "a.mp4", "rb") as fh:  # the annotated copy falls back to 30 fps
        assert fh.read(12)[4:8] == b"ftyp"


def test_variable_frame_rate_keeps_the_true_times(tmp_path):
    times = [i / 30 for i in (0, 1, 2, 5, 6, 15, 16, 17, 40, 41)]
    path = write_video(tmp_path / "vfr.mp4", moving_background(len(times), (64, 48)), 30,
                       times=times)
    assert [f.t for f in read_frames(str(path))] == pytest.approx(times, abs=1e-3)


def test_a_variable_frame_rate_phone_clip_counts_the_same(data_dir, tmp_path, library):
    """The real clip's first 12 s with frames dropped unevenly (gaps of 1-4 frames, as a phone
    does in low light), each frame keeping its true time: still its 2 good mornings."""
    from media import clip_frames

    gaps = [1, 3, 2, 4, 1, 2, 3, 1, 4, 2]
    kept, times, i, k = [], [], 0, 0
    for t, image in clip_frames(data_dir / "videos" / GOOD_MORNING, end_s=12.0):
        if i == 0:
            kept.append(image)
            times.append(round(t * 30) / 30)
            i = gaps[k % len(gaps)]
            k += 1
        i -= 1
    path = write_video(tmp_path / "vfr.mp4", kept, 30, times=times)
    got = [f.t for f in read_frames(str(path))]
    assert got == pytest.approx(times, abs=1e-3)
    report = analyze_video(str(path), library.get("good_morning"))
    assert report.reps == 2, report.rep_details


# ---- portrait and turned ----------------------------------------------------------------

def _portrait(image: np.ndarray) -> np.ndarray:
    """Pad a frame to 9:16 portrait, as a phone held upright films it."""
    h, w = image.shape[:2]
    pad = (w * 16 // 9 - h) // 2
    return np.pad(image, ((pad, pad), (0, 0), (0, 0)), constant_values=255)


@pytest.mark.parametrize("rotation", [0, -90], ids=["portrait pixels", "sideways + rotation tag"])
def test_a_portrait_phone_clip_is_upright_and_counts_the_same(data_dir, tmp_path, library, rotation):
    """A phone stores portrait video either as portrait pixels or as landscape pixels with a
    display rotation (-90 when held upright). Both must reach the model upright: a sideways
    person leans 90 degrees and would never be seen standing, so no rep would count. The first
    12 s of the clip hold 2 good mornings."""
    def store(image):
        image = _portrait(image)
        # the sensor's landscape pixels: turned counter-clockwise, for the player to turn back
        return np.rot90(image, k=1) if rotation else image

    path = derived_clip(data_dir / "videos" / GOOD_MORNING, tmp_path / "phone.mp4", store,
                        end_s=12.0, rotation=rotation)
    info = probe(str(path))
    first = next(read_frames(str(path)))
    assert info.height > info.width and first.image.shape[0] > first.image.shape[1]
    report = analyze_video(str(path), library.get("good_morning"))
    assert report.reps == 2, report.rep_details


# ---- very long --------------------------------------------------------------------------

def test_a_very_long_clip_is_streamed_not_loaded(tmp_path, library, no_model):
    """25 minutes at 2 fps (3000 tiny frames, 26 MB decoded): memory stays flat through the
    decoder and through the whole pipeline with an annotated copy. (Few, tiny frames keep the
    test quick; what is measured is what stays in memory per frame.)"""
    n = 3000
    path = write_video(tmp_path / "long.mp4", moving_background(n, (64, 48)), 2)
    decoded_mb = n * 64 * 48 * 3 / 2**20
    tracemalloc.start()
    try:
        count = 0
        for frame in read_frames(str(path)):
            count += 1
            if count == 200:
                early, _ = tracemalloc.get_traced_memory()
        late, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak / 2**20 < decoded_mb / 20, f"peak {peak / 2**20:.1f} MB"
    assert (late - early) / 2**20 < 0.5

    rss: list[float] = []
    report = analyze_video(str(path), library.get("hip_hinge"), annotate_to=str(tmp_path / "a.mp4"),
                           progress=lambda f: rss.append(resident_mb()))
    assert report.frames == n and report.duration_s == pytest.approx(1500, abs=1)
    growth = max(rss[len(rss) // 10:]) - rss[len(rss) // 10]
    print(f"long clip: decoder peak {peak / 2**20:.2f} MB traced; pipeline RSS growth "
          f"{growth:.1f} MB over {n} frames")
    assert growth < 30, f"RSS grew {growth:.1f} MB"


# ---- hostile names ----------------------------------------------------------------------

HOSTILE_NAMES = ["my clip.mp4", "Übung ünïcødé 🏋️.mov", "../../../etc/passwd.mp4",
                 "..\\..\\windows\\system32\\evil.avi", "/etc/cron.d/job.webm", "a" * 300 + ".mp4",
                 "nul\x00byte.mp4", ".mp4", "clip.mp4.exe", "", "-rf .mp4"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_upload_names_never_reach_a_path_and_the_copy_is_deleted(tmp_path, library, monkeypatch, name):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    seen = {}
    real_review_file = review.review_file

    def spy(path, *args, **kwargs):
        folder = Path(path).parent
        seen.update(path=Path(path), folder=folder, mode=stat.S_IMODE(folder.stat().st_mode),
                    files=sorted(p.name for p in folder.iterdir()))
        return real_review_file(path, *args, **kwargs)

    monkeypatch.setattr(review, "review_file", spy)
    result = review.review_upload(Upload(b"not a video, just words " * 40, name),
                                  library.get("hip_hinge"), key=("n", name))
    _sentence(result.error)
    path = seen["path"]
    assert path.parent.parent == private and path.parent.name.startswith("posecheck-in-")
    assert path.name in {f"input.{ext}" for ext in review.VIDEO_TYPES} | {"input.video"}
    assert seen["files"] == [path.name] and seen["mode"] == 0o700  # only we can read it
    assert list(private.iterdir()) == [], "the upload copy and the output folder are deleted"


def test_the_command_line_takes_paths_with_spaces_and_unicode(tmp_path):
    folder = tmp_path / "Übungen und so"
    folder.mkdir()
    video = write_video(folder / "mein Clip ü 🏋️.mp4", moving_background(20), 10)
    out = folder / "mit Skelett é.mp4"
    run = subprocess.run(
        [sys.executable, "-m", "posecheck", "analyze", str(video), "-e", "hip_hinge",
         "--json", "-", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["source"] == video.name and report["frames"] == 20
    assert out.stat().st_size > 0

