"""posecheck: webcam-guided exercise form checking for people with back pain.

One subpackage per stage of the pipeline:
    video (decode) -> pose (backend + policy) -> engine (continuity, smoothing, features,
    rules, cues, session) -> sinks (annotated video, pose track, report, history)
run/ holds the drivers that push frames through it (files, tracks, the live camera), web/ the
page, bench/ the benchmark, cli.py the command line. The engine is pure: poses and
timestamps in, state out. datatypes.py and landmarks.py are the vocabulary the stages share.
"""

__version__ = "0.1.0"
