"""The live flow: one LiveProcessor per browser session turns webcam frames into annotated frames.

streamlit-webrtc calls `recv` on its own worker thread with only the newest frame (frames that
arrive while one is being processed are dropped, never queued: async_processing=True). The page
thread reads a lock-protected snapshot of the latest state.
"""

from __future__ import annotations

import html
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace

from ..exercises import Exercise
from .info import set_size

log = logging.getLogger(__name__)

ICE_SERVERS_ENV = "POSECHECK_ICE_SERVERS"


def rtc_configuration() -> dict:
    """No STUN/TURN by default: that works on localhost and a LAN without internet. A remote
    deployment names its servers as JSON in $POSECHECK_ICE_SERVERS, e.g.
    [{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]."""
    text = os.environ.get(ICE_SERVERS_ENV, "").strip()
    if not text:
        return {"iceServers": []}
    try:
        servers = json.loads(text)
    except json.JSONDecodeError:
        servers = None
    if not isinstance(servers, list) or not all(isinstance(x, dict) and "urls" in x for x in servers):
        log.warning("%s is not a JSON list of {\"urls\": ...} objects; using no ICE servers", ICE_SERVERS_ENV)
        return {"iceServers": []}
    return {"iceServers": servers}

MEDIA_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}}, "audio": False}


@dataclass(frozen=True)
class LiveSnapshot:
    exercise_id: str
    reps: int = 0
    reps_by_side: dict[str, int] = field(default_factory=dict)
    phase: str = "waiting"
    cue: str = ""
    frames: int = 0
    person: bool = False
    dark: bool = False  # the last frame was very dark (brightened for the model)
    error: str = ""

    def set_progress(self, size: int) -> tuple[int, int]:
        """(set number, reps in the current set); per side, the side with more reps counts."""
        reps = max(self.reps_by_side.values()) if self.reps_by_side else self.reps
        return reps // size + 1, reps % size


class LiveProcessor:
    """Per-session: PoseEstimator + ExerciseEngine + Overlay. Thread-safe for one worker thread
    calling recv/process and the page thread calling snapshot/reset/set_exercise."""

    def __init__(self, exercise: Exercise, estimator_factory=None):
        self._lock = threading.Lock()
        self._estimator_factory = estimator_factory
        self._estimator = None
        self._t0: float | None = None
        self._use(exercise)

    def _use(self, exercise: Exercise) -> None:
        from ..engine import ExerciseEngine
        from ..overlay import Overlay

        self.exercise = exercise
        self._engine = ExerciseEngine(exercise)
        self._overlay = Overlay(exercise)
        self._snapshot = LiveSnapshot(exercise.id)
        self._t0 = None

    def set_exercise(self, exercise: Exercise) -> None:
        """Switching exercise starts the count again."""
        with self._lock:
            if exercise.id != self.exercise.id:
                self._use(exercise)

    def reset(self) -> None:
        with self._lock:
            self._use(self.exercise)

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            return self._snapshot

    def _get_estimator(self):
        if self._estimator is None:
            if self._estimator_factory is not None:
                self._estimator = self._estimator_factory()
            else:
                from ..pose import PoseEstimator

                self._estimator = PoseEstimator()
        return self._estimator

    def process(self, rgb, t: float):
        """One RGB frame at time t (seconds) -> the annotated RGB frame."""
        estimator = self._get_estimator()
        pose = estimator.estimate(rgb, t)
        with self._lock:
            if self._t0 is None:
                self._t0 = t
            # the engine wants time from its own start, in order
            state = self._engine.update(pose, t - self._t0)
            overlay = self._overlay
            self._snapshot = LiveSnapshot(
                exercise_id=self.exercise.id, reps=state.reps,
                reps_by_side=dict(state.reps_by_side), phase=state.phase,
                cue=state.cue.message if state.cue is not None else "",
                frames=self._snapshot.frames + 1, person=pose is not None,
                dark=bool(getattr(estimator, "last_frame_dark", False)))
        # drawing needs no lock: the page thread only ever reads the snapshot
        return overlay.draw(rgb, state)

    def recv(self, frame):
        """streamlit-webrtc video_frame_callback: av.VideoFrame in, av.VideoFrame out."""
        import av

        rgb = frame.to_ndarray(format="rgb24")
        t = time.monotonic()
        try:
            out = self.process(rgb, t)
        except Exception:  # noqa: BLE001 - keep the video running; say so on the page
            log.exception("live frame failed")
            with self._lock:
                self._snapshot = replace(self._snapshot, error="The pose check failed on a frame; "
                                                               "it keeps trying.")
            out = rgb
        new = av.VideoFrame.from_ndarray(out, format="rgb24")
        new.pts = frame.pts
        if frame.time_base is not None:
            new.time_base = frame.time_base
        return new

    async def recv_queued(self, frames):
        """streamlit-webrtc queued_video_frames_callback: of the frames that arrived while the
        last one was processed, only the newest is processed and sent; the rest are dropped."""
        return [self.recv(frames[-1])] if frames else []

    def on_ended(self) -> None:
        """The camera stopped: free the model (made again on the next frame)."""
        est, self._estimator = self._estimator, None
        if est is not None:
            try:
                est.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the pose estimator failed")


def start_stream(processor: LiveProcessor, key: str = "live"):
    """The one call into streamlit-webrtc (tests replace this; AppTest cannot run WebRTC).
    Returns the WebRtcStreamerContext (has .state.playing)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    return webrtc_streamer(
        key=key, mode=WebRtcMode.SENDRECV, rtc_configuration=rtc_configuration(),
        media_stream_constraints=MEDIA_CONSTRAINTS,
        queued_video_frames_callback=processor.recv_queued,
        on_video_ended=processor.on_ended, async_processing=True,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                          "style": {"width": "100%"}})


def big_text_html(snap: LiveSnapshot, exercise: Exercise, playing: bool) -> str:
    """Large, high-contrast status text, readable from 2-3 m."""
    size = set_size(exercise)
    set_no, in_set = snap.set_progress(size)
    if snap.reps_by_side:
        sides = " &nbsp; ".join(f"{html.escape(side)} {n}" for side, n in sorted(snap.reps_by_side.items()))
        reps = f'<div class="pc-reps">Reps {snap.reps}</div><div class="pc-sides">{sides}</div>'
    else:
        reps = f'<div class="pc-reps">Reps {snap.reps}</div>'
    phase = html.escape(snap.phase.replace("_", " ")) if playing else "camera off"
    cue = html.escape(snap.cue) or ("&nbsp;" if playing else "Press Start to begin.")
    return (
        '<div class="pc-live">'
        f"{reps}"
        f'<div class="pc-set">Set {set_no}: {in_set} / {size}</div>'
        f'<div class="pc-phase">{phase}</div>'
        f'<div class="pc-cue">{cue}</div>'
        "</div>"
    )


LIVE_CSS = """
<style>
.pc-live {font-family: sans-serif; line-height: 1.15}
.pc-reps {font-size: 4.5rem; font-weight: 800}
.pc-sides {font-size: 2.5rem; font-weight: 700}
.pc-set {font-size: 2.5rem; font-weight: 700; color: #1d4e89}
.pc-phase {font-size: 2rem; text-transform: uppercase; color: #555}
.pc-cue {font-size: 2.4rem; font-weight: 700; color: #b5179e; min-height: 3em}
</style>
"""
