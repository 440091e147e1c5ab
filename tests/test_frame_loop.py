"""The frame loop and its sinks: a new sink is one class handed to the loop; a sink that fails
does not keep the others from closing, and its error reaches the caller."""

from __future__ import annotations

import json

import av
import numpy as np
import pytest

import synth
from fake_backends import stand_in_for_mediapipe
from media import moving_background, write_video
from synth import poses, reps
from posecheck.engine.exercise_engine import ExerciseEngine
from posecheck.engine.session import Session, SessionPlan
from posecheck.run.files import analyze_video
from posecheck.run.frame_loop import FrameLoop
from posecheck.sinks.base import FrameResult, LoopEnd
from posecheck.sinks.report import ReportBuilder

STAND = {"lean": 2.0, "knee": 12.0, "head": 0.0}
HINGE = {"lean": 70.0, "knee": 18.0}


class Recorder:
    """A sink that keeps what it was given."""

    def __init__(self):
        self.frames: list[FrameResult] = []
        self.ends: list[LoopEnd] = []

    def add(self, frame: FrameResult) -> None:
        self.frames.append(frame)

    def close(self, end: LoopEnd) -> None:
        self.ends.append(end)


class FailsAt(Recorder):
    def __init__(self, index: int, on_close: bool = False):
        super().__init__()
        self.index, self.on_close = index, on_close

    def add(self, frame: FrameResult) -> None:
        super().add(frame)
        if frame.index == self.index and not self.on_close:
            raise RuntimeError("disk full")

    def close(self, end: LoopEnd) -> None:
        super().close(end)
        if self.on_close:
            raise RuntimeError("cannot close")


def _replay_every_other_frame_judged(loop: FrameLoop, frames) -> None:
    """As a video at stride 2 goes: the model runs on every other frame."""
    with loop:
        for i, (t, pose) in enumerate(frames):
            judged = i % 2 == 0
            loop.add(FrameResult(round(t, 6), i, None, synth.IMAGE, pose if judged else None,
                                 judged))


def test_a_new_sink_is_one_class_handed_to_the_loop_and_sees_every_frame_in_order(library):
    ex = library.get("good_morning")
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 3))
    recorder, report = Recorder(), ReportBuilder(ex)
    loop = FrameLoop(ExerciseEngine(ex), [recorder, report], Session(ex, SessionPlan.open_ended(ex)))
    _replay_every_other_frame_judged(loop, frames)
    seen = recorder.frames
    assert [f.index for f in seen] == list(range(len(frames)))
    assert [f.judged for f in seen] == [i % 2 == 0 for i in range(len(frames))]
    judged = [f for f in seen if f.judged]
    # a frame the model skipped carries the state of the judged frame before it
    for before, skipped in zip(seen[::2], seen[1::2]):
        assert skipped.state is before.state and skipped.step is None
        assert skipped.t > before.state.t == before.t
    assert all(f.step is not None for f in judged)  # judged within the session
    assert loop.state.reps == 3 and report.frames == len(judged) and len(report.reps) == 3
    assert recorder.ends == [LoopEnd(False, judged[-1].t, tuple(report.sets))]
    assert [s.rep_count for s in report.sets] == [3]


@pytest.mark.parametrize("on_close", [False, True], ids=["while adding", "while closing"])
def test_a_failing_sink_lets_the_others_close_and_its_error_reaches_the_caller(library, on_close):
    ex = library.get("good_morning")
    frames = poses(synth.standing, STAND, reps(HINGE, STAND, 1))
    first, failing, last = Recorder(), FailsAt(5, on_close), Recorder()
    loop = FrameLoop(ExerciseEngine(ex), [first, failing, last])
    with pytest.raises(RuntimeError, match="cannot close" if on_close else "disk full"):
        _replay_every_other_frame_judged(loop, frames)
    for sink in (first, failing, last):
        assert len(sink.ends) == 1 and sink.ends[0].failed is not on_close
    if on_close:
        assert len(last.frames) == len(frames)
    else:  # the frame that failed went to the sinks before the failing one only
        assert [len(first.frames), len(failing.frames), len(last.frames)] == [6, 6, 5]
    loop.close()  # once is enough: nothing is closed twice
    assert len(first.ends) == len(last.ends) == 1


def test_a_video_whose_track_fails_midway_still_gets_a_playable_annotated_video(
        tmp_path, library, monkeypatch):
    """The real sinks: the pose track breaks on the 5th judged frame; the error reaches the
    caller, and the annotated video of the frames before is finished, not left half-written."""
    import posecheck.sinks.track_recorder as track_recorder

    stand_in_for_mediapipe(monkeypatch)
    written = []

    def write_sample(out, t, size, pose):
        if len(written) == 4:
            raise OSError("No space left on device")
        written.append(t)
        out.write(json.dumps({"t": t}) + "\n")

    monkeypatch.setattr(track_recorder, "write_sample", write_sample)
    clip = write_video(tmp_path / "in.mp4", moving_background(30), 30.0)
    out, track = tmp_path / "annotated.mp4", tmp_path / "t.jsonl"
    with pytest.raises(OSError, match="No space"):
        analyze_video(str(clip), library.get("hip_hinge"), stride=2, annotate_to=str(out),
                      track_to=str(track))
    assert len(track.read_text().splitlines()) == 1 + 4  # the header and the samples before
    with av.open(str(out)) as container:
        shown = sum(1 for _ in container.decode(video=0))
    assert shown == 8  # frames 0-7: every frame before the failing one, judged or not
    assert written == [round(i / 30, 6) for i in (0, 2, 4, 6)]  # the judged frames, in order


def test_frames_between_judged_ones_are_drawn_into_the_annotated_video(tmp_path, library, monkeypatch):
    stand_in_for_mediapipe(monkeypatch)
    clip = write_video(tmp_path / "in.mp4", moving_background(25), 25.0)
    out = tmp_path / "annotated.mp4"
    report = analyze_video(str(clip), library.get("hip_hinge"), stride=5, annotate_to=str(out))
    assert report.frames == 5 and report.stride == 5
    with av.open(str(clip)) as container:
        given = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(str(out)) as container:
        drawn = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(drawn) == len(given) == 25
    # every frame, judged or not, has the darkened status band on top and the picture below
    for before, after in zip(given, drawn):
        assert np.mean(after[:4]) < 0.6 * np.mean(before[:4])
        assert abs(np.mean(after[-20:]) - np.mean(before[-20:])) < 5
