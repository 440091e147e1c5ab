"""posecheck: webcam-guided exercise form checking for people with back pain.

Pipeline, one module per stage:
    source (video/camera/track) -> pose -> smoothing -> features -> engine -> feedback
    -> sinks (overlay video, report, page, history)
The engine and everything before the sinks is pure: poses and timestamps in, state out.
"""

__version__ = "0.1.0"
