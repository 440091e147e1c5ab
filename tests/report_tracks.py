"""Two small synthetic pose tracks whose reports are checked in (tests/expected/): one person
doing two sets of good mornings (the second with bent knees) with a moment out of view
between them, and one doing quadruped hip lifts on each side."""

from __future__ import annotations

from pathlib import Path

import synth
from synth import Key, poses, reps
from posecheck.pose.track import TrackHeader, write_header, write_sample

FPS = 15.0  # few frames keep the expectation small; the engine judges them as it would 30
STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}
FOURS = {"lift_left": 6.0, "lift_right": 6.0, "roll": 0.0}

# name -> (exercise id, frames)
PERFORMANCES = {
    "good-morning-two-sets": ("good_morning", lambda: poses(
        synth.standing, STAND,
        reps(HINGE, STAND, 3) + [Key(0.0, {}, hold_s=15.0)] + reps({**HINGE, "knee": 75.0}, STAND, 2),
        fps=FPS, noise=0.002, drop=[(20.0, 21.0)])),
    "hip-lift-both-sides": ("quadruped_hip_lift", lambda: poses(
        synth.quadruped, FOURS,
        reps({"lift_left": 45.0}, {"lift_left": 6.0}, 2) + reps({"lift_right": 45.0}, {"lift_right": 6.0}, 2),
        fps=FPS, noise=0.002)),
}


def write_track(folder: Path, name: str) -> Path:
    """The performance as the pose track `posecheck track` would have written."""
    frames = PERFORMANCES[name][1]()
    path = folder / f"{name}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        write_header(fh, TrackHeader(f"{name}.mp4", FPS, synth.IMAGE[0], synth.IMAGE[1],
                                     frames[-1][0], 1))
        for t, pose in frames:
            write_sample(fh, round(t, 6), synth.IMAGE, pose.quantised() if pose else None)
    return path
