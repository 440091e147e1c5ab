"""The page's one tie to streamlit-webrtc: the WebRTC configuration and the streamer call."""

from __future__ import annotations

import json
import logging
import os

from ..run.live import LiveProcessor

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


def start_stream(processor: LiveProcessor, playing: bool, key: str = "live"):
    """The one call into streamlit-webrtc (tests replace this; AppTest cannot run WebRTC).
    playing: the page's own Start/Stop button says whether the camera should run (the
    component then shows no button of its own). Returns the WebRtcStreamerContext (has
    .state.playing and .state.signalling)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    return webrtc_streamer(
        key=key, mode=WebRtcMode.SENDRECV, rtc_configuration=rtc_configuration(),
        media_stream_constraints=MEDIA_CONSTRAINTS,
        queued_video_frames_callback=processor.recv_queued,
        on_video_ended=processor.on_ended, async_processing=True, desired_playing_state=playing,
        video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                          "style": {"width": "100%"}})
