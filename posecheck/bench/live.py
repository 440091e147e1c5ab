"""Live-path latency without a browser: a synthetic camera through the page's frame handling.

The camera is an aiortc track that hands out a real clip's frames (yuv420p, as a WebRTC
decoder does) at a fixed rate, each stamped with its arrival time in its pts. It feeds
streamlit-webrtc's own AsyncVideoProcessTrack, the class the page's `async_processing=True`
stream uses, which queues frames for a worker thread; the worker hands the page's
LiveProcessor.recv_queued whatever arrived meanwhile, and it processes only the newest. The
latency of a frame is from its arrival to the moment its state (reps, phase, cue) and its
annotated picture are ready. Under a camera faster than the model, frames must be dropped
and the latency must stay flat; memory must stay flat too.
"""

from __future__ import annotations

import array
import asyncio
import math
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from .machine import default_clip_dir, loadavg, rss_mb

_STAMP = Fraction(1, 1_000_000)  # pts unit: the arrival time in microseconds
_WINDOW_S = 10.0
_LOOP_FRAMES = 150  # clip frames the camera loops over (bounded memory)
DEFAULT_LIVE_CLIP = "good-morning_side_palfit_1.mp4"
LIVE_EXERCISE = "good_morning"


def _pct(values, q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _loop_frames(clip: str, max_side: int = 640) -> list:
    """Up to _LOOP_FRAMES frames of the clip as yuv420p arrays (what a WebRTC decoder yields)."""
    import av

    from ..video.decode import read_frames

    out = []
    for frame in read_frames(clip, max_side=max_side):
        rgb = av.VideoFrame.from_ndarray(frame.image, format="rgb24")
        out.append(rgb.reformat(format="yuv420p").to_ndarray())
        if len(out) >= _LOOP_FRAMES:
            break
    return out


def live_latency(seconds: float, fps: float = 60.0, clip: str = "") -> dict:
    import av
    from aiortc import MediaStreamTrack
    from streamlit_webrtc.models import CallbackAttachableProcessor
    from streamlit_webrtc.process import AsyncVideoProcessTrack

    from ..errors import PosecheckError
    from ..engine.exercises import load_all
    from ..run.live import LiveProcessor

    clip = clip or str(default_clip_dir() / DEFAULT_LIVE_CLIP)
    if not Path(clip).is_file():
        raise PosecheckError(f"No clip for the synthetic camera: {clip} (give --live-clip)")
    frames = _loop_frames(clip)
    clip_fps = 30.0
    latencies = array.array("d")
    window: list[float] = []
    work: list[float] = []  # time inside recv (conversion, model, engine, session, drawing)
    work_cpu: list[float] = []  # CPU time of the worker thread inside recv: load-independent

    class Camera(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self.sent = 0
            self._start: float | None = None

        async def recv(self):
            if self._start is None:
                self._start = time.monotonic()
            delay = self._start + self.sent / fps - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # the clip plays at its own speed whatever the camera's rate
            image = frames[int(self.sent * clip_fps / fps) % len(frames)]
            frame = av.VideoFrame.from_ndarray(image, format="yuv420p")
            frame.pts = int(time.monotonic() * 1_000_000)
            frame.time_base = _STAMP
            self.sent += 1
            return frame

    class TimedProcessor(LiveProcessor):
        def recv(self, frame):
            start, cpu = time.monotonic(), time.thread_time()
            out = super().recv(frame)
            work.append(time.monotonic() - start)
            work_cpu.append(time.thread_time() - cpu)
            lag = time.monotonic() - frame.pts * _STAMP
            latencies.append(float(lag))
            window.append(float(lag))
            return out

    history_dir = tempfile.TemporaryDirectory(prefix="posecheck-livebench-")

    def history():  # a private history file: the bench's sets are real writes, not the user's
        from ..sinks.history_store import HistoryStore

        return HistoryStore(Path(history_dir.name) / "history.sqlite3")

    live = TimedProcessor(load_all().get(LIVE_EXERCISE), store_factory=history)
    camera = Camera()
    track = AsyncVideoProcessTrack(track=camera, processor=CallbackAttachableProcessor(
        None, live.recv_queued, live.on_ended))
    windows: list[dict] = []

    async def consume() -> None:
        start = time.monotonic()
        next_mark, processed_before, sent_before = start + _WINDOW_S, 0, 0
        while True:
            await track.recv()
            now = time.monotonic()
            if now >= next_mark:
                snap = live.snapshot()
                windows.append({
                    "t_s": round(now - start, 1), "sent": camera.sent - sent_before,
                    "processed": len(latencies) - processed_before,
                    "p50_ms": _pct(window, 0.5) * 1000, "p95_ms": _pct(window, 0.95) * 1000,
                    "max_ms": max(window, default=math.nan) * 1000, "rss_mb": rss_mb(),
                    "work_ms": sum(work) / len(work) * 1000 if work else math.nan,
                    "work_cpu_ms": sum(work_cpu) / len(work_cpu) * 1000 if work_cpu else math.nan,
                    "reps": snap.reps, "loadavg_1min": loadavg()[0]})
                window.clear()
                work.clear()
                work_cpu.clear()
                processed_before, sent_before = len(latencies), camera.sent
                next_mark += _WINDOW_S
                if now - start >= seconds:
                    break

    try:
        asyncio.run(consume())
    finally:
        track.stop()
        history_dir.cleanup()
    lat = list(latencies)
    # the first window holds the model's start-up; growth is judged after it
    steady = windows[1:] if len(windows) > 2 else windows
    return {
        "seconds": windows[-1]["t_s"] if windows else seconds, "source_fps": fps, "clip": Path(clip).name,
        "frame_size": [int(frames[0].shape[1]), int(frames[0].shape[0] * 2 // 3)],
        "sent": camera.sent, "processed": len(lat),
        "dropped_fraction": 1 - len(lat) / camera.sent if camera.sent else math.nan,
        "processed_fps": len(lat) / (windows[-1]["t_s"] if windows else seconds),
        "p50_ms": _pct(lat, 0.5) * 1000, "p95_ms": _pct(lat, 0.95) * 1000,
        "max_ms": max(lat, default=math.nan) * 1000,
        "p95_first_ms": steady[0]["p95_ms"] if steady else math.nan,
        "p95_last_ms": steady[-1]["p95_ms"] if steady else math.nan,
        "rss_first_mb": steady[0]["rss_mb"] if steady else math.nan,
        "rss_last_mb": steady[-1]["rss_mb"] if steady else math.nan,
        "rss_max_mb": max((w["rss_mb"] for w in windows), default=math.nan),
        "windows": windows,
    }


def live_table(r: dict) -> str:
    lines = [
        f"live: synthetic {r['source_fps']:.0f} fps camera ({r['frame_size'][0]}x{r['frame_size'][1]}, "
        f"{r['clip']}) for {r['seconds']:.0f} s through AsyncVideoProcessTrack + LiveProcessor",
        f"  frames sent {r['sent']}, processed {r['processed']} ({r['processed_fps']:.1f}/s), "
        f"dropped {r['dropped_fraction'] * 100:.0f}%",
        f"  latency arrival -> cue and annotated frame ready: p50 {r['p50_ms']:.0f} ms, "
        f"p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms",
        f"  after start-up: p95 first window {r['p95_first_ms']:.0f} ms, last {r['p95_last_ms']:.0f} ms; "
        f"RSS first {r['rss_first_mb']:.0f} MB, last {r['rss_last_mb']:.0f} MB, max {r['rss_max_mb']:.0f} MB",
        "  per 10-s window (p95 latency / time in recv / its CPU time, RSS, load): " + ", ".join(
            f"{w['p95_ms']:.0f}/{w['work_ms']:.0f}/{w['work_cpu_ms']:.0f}ms {w['rss_mb']:.0f}MB {w['loadavg_1min']:.1f}"
            for w in r["windows"]),
    ]
    if "loadavg" in r:
        lines.append(f"  load average (1 min) around the run: {r['loadavg'][0]}")
    return "\n".join(lines)
