"""The live flow: one LiveProcessor per browser session turns webcam frames into annotated frames
and runs the hands-free session (sets, rest, words to say), saving it to the history.

streamlit-webrtc calls `recv` on its own worker thread with only the newest frame (frames that
arrive while one is being processed are dropped, never queued: async_processing=True). The page
thread reads a lock-protected snapshot of the latest state.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from .frame_loop import FrameLoop
from ..engine.exercise_engine import EngineState
from ..engine.exercises import Exercise
from ..engine.pain import AFTER, BEFORE, DURING, baseline, check_score, safety_message, safety_stop
from ..engine.routine_session import BETWEEN, ROUTINE_DONE, RoutineRun, RoutineStatus, Stage
from ..engine.routines import Routine
from ..engine.session import (COUNTING, DONE, REST, STOPPED, Announcement, Session, SessionPlan,
                              SessionStatus, cue_key)
from ..sinks.base import FrameResult
from ..sinks.history_writer import HistoryWriter, RecordPain, SessionHistory

log = logging.getLogger(__name__)

# No frame for this long while a session runs: the camera was unplugged, the stream stopped or
# the tab was closed. The session is saved as abandoned with the reps it had.
STALL_S = 10.0
SAID_KEPT = 40  # announcements kept for the page (speech and transcript)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LiveSnapshot:
    exercise_id: str
    reps: int = 0  # the engine's count since the stream started, sets or not
    reps_by_side: dict[str, int] = field(default_factory=dict)
    phase: str = "waiting"
    frames: int = 0
    person: bool = False
    dark: bool = False  # the last frame was very dark (brightened for the model)
    error: str = ""
    t: float = 0.0  # session clock (seconds since the stream started) of the latest frame
    # prefixes announcement keys: unique across sessions and tabs (a routine's run: one for all
    # its exercises, whose history sessions have their own ids)
    session_id: str = ""
    session: SessionStatus | None = None  # the exercise in progress (in a routine: its current one)
    said: tuple[Announcement, ...] = ()  # latest announcements, oldest first
    history_note: str = ""  # why the history is not being saved, if it is not
    # the last counted rep's excursion from the person's start, and the range it is shown
    # against (degrees): the board's "range 18 of 25 deg"
    last_range: tuple[float, float] | None = None
    routine: RoutineStatus | None = None  # a routine's progress, when one is running
    # the pain question on show (pain.BEFORE, DURING, AFTER), or None; and the safety stop's
    # words once it fired (they stay until the next Start)
    pain_question: str | None = None
    pain_stop: str = ""


class LiveProcessor:
    """Per browser session: PoseEstimator + ExerciseEngine + Session + Overlay, and the history
    of its sessions. Thread-safe for the webrtc worker thread calling recv/process/on_ended,
    the page thread calling snapshot/configure/new_session and the stall watchdog.

    A session starts with the stream's first frame and ends when its last set is done, when
    the stream ends (Stop, camera gone), when no frame comes for STALL_S, or when the person
    starts a new one. It is written to the history set by set, from its first set on."""

    def __init__(self, exercise: Exercise, plan: SessionPlan | None = None,
                 estimator_factory=None, store_factory=None, clock=time.monotonic,
                 wall_clock=_utc_now):
        self._lock = threading.Lock()
        self._estimator_factory = estimator_factory
        self._estimator = None
        # queued under _lock as frames change the session, written by _flush outside it
        self._history = HistoryWriter(store_factory or _default_store)
        self._clock, self._wall_clock = clock, wall_clock
        self._watchdog: threading.Thread | None = None
        self._stream_ends = 0  # streams that ended (Stop, camera gone, stalled), ever
        self._snapshot = LiveSnapshot(exercise.id)
        self._forget_pain()
        self._use(exercise, plan or SessionPlan.live(exercise))

    def _forget_pain(self) -> None:
        """No question, no ratings: a new exercise or plan, or New session. (Start asks anew.)"""
        self._pain_question: str | None = None
        self._pain_before: int | None = None
        self._pain_during: list[int] = []  # this run's ratings with "It hurts", in order
        self._pain_unsaved: list[int] = []  # given before the run's first session was saved
        self._pain_stop = ""  # the safety stop's words, once it fired
        self._after_for: str | None = None  # the session an "after" answer goes to
        self._after_asked: set[str] = set()
        self._snapshot = replace(self._snapshot, pain_question=None, pain_stop="")

    def _use(self, exercise: Exercise, plan: SessionPlan) -> None:
        """A fresh single-exercise session (the caller holds the lock or owns the object)."""
        self._routine: RoutineRun | None = None
        self._run_spec: tuple[Routine, tuple[Stage, ...]] | None = None
        self._new_stream()
        self._start_exercise(exercise, plan, 0.0)

    def _use_routine(self, routine: Routine, stages: tuple[Stage, ...]) -> None:
        """A fresh run of a routine, from its first exercise."""
        self._routine = RoutineRun(routine, stages)
        self._run_spec = (routine, stages)
        self._new_stream()
        self._start_exercise(stages[0].exercise, stages[0].plan, 0.0)

    def _restart(self) -> None:
        if self._run_spec is not None:
            self._use_routine(*self._run_spec)
        else:
            self._use(self.exercise, self.plan)

    def _new_stream(self) -> None:
        self._restart_on_frame = False  # set when the stream ended: the next frame starts anew
        self._said: deque[Announcement] = deque(maxlen=SAID_KEPT)  # on the run's clock
        self._t0: float | None = None
        self._last_frame: float | None = None  # clock() of the latest frame
        self._speech_id = uuid.uuid4().hex
        # the run's sessions saved so far (a routine: one per exercise begun); the first holds
        # the "before", the last the "after"
        self._run_ids: list[str] = []
        self._snapshot = LiveSnapshot(self._snapshot.exercise_id,
                                      pain_question=self._pain_question, pain_stop=self._pain_stop)

    def _start_exercise(self, exercise: Exercise, plan: SessionPlan, offset: float) -> None:
        """A fresh engine and session for one exercise, whose clock starts at `offset` on the
        stream's (0 alone; in a routine, when its change-over ended)."""
        from ..engine.exercise_engine import ExerciseEngine
        from ..sinks.overlay import Overlay

        self.exercise, self.plan = exercise, plan
        self._overlay = Overlay(exercise)
        self._session = Session(exercise, plan)
        self._session_id = uuid.uuid4().hex
        if self._routine is None:
            self._speech_id = self._session_id  # alone, the history's id is the speech's
        self._offset = offset
        self._exercise_said: deque[Announcement] = deque(maxlen=SAID_KEPT)  # its own clock
        engine = ExerciseEngine(exercise, range_choice=plan.range_choice)
        routine_id = self._routine.routine.id if self._routine is not None else None
        self._loop = FrameLoop(engine, [SessionHistory(
            self._history, exercise, plan, self._session_id, self._wall_clock,
            routine_id=routine_id, routine_run=self._speech_id if routine_id else None)],
            self._session)
        self._snapshot = replace(
            self._snapshot, exercise_id=exercise.id, session_id=self._speech_id,
            session=self._session.status(0.0), history_note=self._history.failure,
            routine=self._routine.status(offset) if self._routine is not None else None,
            last_range=None)

    # ---- the page thread -----------------------------------------------------------------
    def configure(self, exercise: Exercise, plan: SessionPlan) -> None:
        """Another exercise or plan starts a new session (the current one is kept in the
        history as it stands)."""
        with self._lock:
            if self._routine is None and exercise.id == self.exercise.id and plan == self.plan:
                return
            self._close_locked()
            self._forget_pain()
            self._use(exercise, plan)
        self._flush()

    def configure_routine(self, routine: Routine, stages: tuple[Stage, ...]) -> None:
        """A routine (or another one, or other choices) starts a new run; the session in
        progress is kept in the history as it stands."""
        with self._lock:
            if self._run_spec == (routine, stages):
                return
            self._close_locked()
            self._forget_pain()
            self._use_routine(routine, stages)
        self._flush()

    def new_session(self) -> None:
        """Ends the session (or routine run) in progress and starts it anew."""
        with self._lock:
            self._close_locked()
            self._forget_pain()
            self._restart()
        self._flush()

    # ---- pain check-ins (the page thread) ---------------------------------------------------
    def start_checkin(self) -> None:
        """Start was pressed: ask how the back is. Skipping needs no click: the question goes
        once counting begins. A session that has ended begins anew with the camera's next
        frame."""
        with self._lock:
            self._forget_pain()
            self._pain_question = BEFORE
            if self._ended():
                self._restart_on_frame = True
            self._snapshot = replace(self._snapshot, pain_question=BEFORE)

    def it_hurts(self) -> None:
        """The "It hurts" button: ask for a rating now."""
        with self._lock:
            if self._ended():
                return
            self._pain_question = DURING
            self._snapshot = replace(self._snapshot, pain_question=DURING)

    def stop(self) -> None:
        """The person pressed Stop: the session ends now (the camera's own end follows), and
        they are asked how their back is."""
        with self._lock:
            self._close_locked()
            self._ask_after_locked()
        self._flush()

    def answer_pain(self, moment: str, score: int | None) -> bool:
        """The person's answer to the question asked `moment` (None: skipped). Saved with the
        session (the run's first for "before", its last for "after"). True when it met the
        safety stop: the session (or routine) has then ended and the snapshot's pain_stop
        says why and what to do."""
        score = check_score(score)
        with self._lock:
            if self._pain_question == moment:
                self._pain_question = None
            stop = False
            if score is not None:
                if moment == BEFORE:
                    self._pain_before = score
                    if self._run_ids:  # answered as counting began
                        self._history.queue(RecordPain(self._run_ids[0], BEFORE, score))
                    stop = safety_stop(None, score)
                    base = None
                elif moment == DURING:
                    base = baseline(self._pain_before, self._pain_during)
                    self._pain_during.append(score)
                    stop = safety_stop(base, score)
                    if self._run_ids:
                        self._history.queue(RecordPain(self._run_ids[-1], DURING, score, stop))
                        if stop:  # the rating that ended it is how the back is just after
                            self._history.queue(RecordPain(self._run_ids[-1], AFTER, score))
                    else:
                        self._pain_unsaved.append(score)
                else:
                    base = baseline(self._pain_before, self._pain_during)
                    if self._after_for is not None:
                        self._history.queue(RecordPain(self._after_for, AFTER, score))
                    stop = safety_stop(base, score)
                if stop:
                    self._stop_for_pain(safety_message(moment, base, score))
            self._snapshot = replace(self._snapshot, pain_question=self._pain_question,
                                     pain_stop=self._pain_stop)
        self._flush()
        return stop

    def _stop_for_pain(self, message: str) -> None:
        """The safety stop: the session (or routine) ends here, kept as it stands; the words
        are shown and said. No "after" question: the rating just given is the after."""
        self._pain_stop = message
        self._pain_question = None
        self._after_asked.update(self._run_ids)
        self._close_locked()
        t = self._snapshot.t
        self._said.append(Announcement(f"{self._speech_id}.pain_stop{len(self._said)}",
                                       "pain_stop", message, t))
        self._snapshot = replace(self._snapshot, said=tuple(self._said))

    def _ask_after_locked(self) -> None:
        """A session that was saved has ended: ask how the back is now (once per session)."""
        if not self._run_ids or self._run_ids[-1] in self._after_asked:
            return
        self._after_for = self._run_ids[-1]
        self._after_asked.add(self._after_for)
        self._pain_question = AFTER
        self._snapshot = replace(self._snapshot, pain_question=AFTER)

    def _saved_began(self) -> None:
        """This exercise's session was just saved (counting began): the "before" question is
        over (unanswered: skipped), and the run's first session takes the ratings so far."""
        self._run_ids.append(self._session_id)
        if self._pain_question == BEFORE:
            self._pain_question = None
        if len(self._run_ids) == 1:
            if self._pain_before is not None:
                self._history.queue(RecordPain(self._session_id, BEFORE, self._pain_before))
            for score in self._pain_unsaved:
                self._history.queue(RecordPain(self._session_id, DURING, score))
            self._pain_unsaved = []

    def snapshot(self) -> LiveSnapshot:
        with self._lock:
            return self._snapshot

    @property
    def stream_ends(self) -> int:
        """How many camera streams have ended so far: one more than at Start, without the
        person pressing Stop, means the camera was lost."""
        with self._lock:
            return self._stream_ends

    # ---- the webrtc worker thread ----------------------------------------------------------
    def _get_estimator(self):
        if self._estimator is None:
            if self._estimator_factory is not None:
                self._estimator = self._estimator_factory()
            else:
                from ..pose import open_estimator

                # not one_core: that pays where an analysis's decode and encode threads
                # run beside the model (cpu_affinity.py)
                self._estimator = open_estimator()
        return self._estimator

    def process(self, rgb, t: float):
        """One RGB frame at time t (seconds) -> the annotated RGB frame."""
        estimator = self._get_estimator()
        pose = estimator.estimate(rgb, t)
        with self._lock:
            if self._restart_on_frame:  # the last stream ended: this frame begins a new one
                self._restart()
            routine = self._routine
            if self._t0 is None:
                self._t0 = t
                if routine is not None:
                    self._said.extend(routine.begin(0.0))
            now = t - self._t0  # the run's clock: seconds since the stream's first frame
            if routine is not None and routine.tick(now):  # the change-over is over
                self._loop.close()  # the finished exercise's: nothing left to write
                self._start_exercise(routine.stage.exercise, routine.stage.plan, now)
            self._last_frame = self._clock()
            h, w = rgb.shape[:2]
            # the engine wants time from its own start, in order
            frame = self._loop.add(FrameResult(now - self._offset, self._snapshot.frames, rgb,
                                               (w, h), pose, judged=True))
            state = frame.state
            step = frame.step
            if step is not None:
                self._exercise_said.extend(step.announcements)
                self._said.extend(routine.own(step.announcements, self._offset)
                                  if routine is not None else step.announcements)
                if step.began:
                    self._start_watchdog()
                    self._saved_began()
                if step.finished and routine is not None:
                    self._said.extend(routine.exercise_ended(self._session.sets, True, now))
                if step.finished and (routine is None or routine.ended):
                    self._ask_after_locked()
            self._snapshot = LiveSnapshot(
                exercise_id=self.exercise.id, reps=state.reps,
                reps_by_side=dict(state.reps_by_side), phase=state.phase,
                frames=self._snapshot.frames + 1, person=pose is not None, t=now,
                dark=estimator.stats.last_frame_dark,
                session_id=self._speech_id, session=self._session.status(state.t),
                said=tuple(self._said), history_note=self._history.failure,
                last_range=(state.last_rep.range_deg, state.last_rep.target_deg)
                if state.last_rep is not None else None,
                routine=routine.status(now) if routine is not None else None,
                pain_question=self._pain_question, pain_stop=self._pain_stop)
            overlay = self._overlay
            shown = video_state(state, self._snapshot.session, self._exercise_said)
            words = video_words(overlay, shown, self._snapshot.session, self._snapshot.routine)
        self._flush()
        # drawing needs no lock: the page thread only ever reads the snapshot
        return overlay.draw(rgb, shown, words)

    def _ended(self) -> bool:
        """The session can count no more: its last set is done (a routine: its last
        exercise's), or it was closed."""
        if self._routine is not None:
            return self._loop.closed or self._routine.ended
        return self._loop.closed or self._session.finished

    def _close_locked(self) -> None:
        """End the session in progress, kept in the history as abandoned: its unfinished set
        is kept if it has reps. A routine's run ends there too, its summary kept."""
        ending = not self._ended()
        self._loop.close()
        if ending and self._session.began_s is not None:  # it had counted: the page says so
            self._snapshot = replace(self._snapshot, session=self._session.status(self._loop.t))
        routine = self._routine
        if routine is not None and not routine.ended:
            now = self._offset + self._loop.t
            routine.stop(self._session.sets, now)
            self._snapshot = replace(self._snapshot, routine=routine.status(now))

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
        """The stream stopped (Stop pressed, camera unplugged, connection lost): the session
        ends, kept as it stands; the model is freed (made again on the next frame)."""
        with self._lock:
            self._close_locked()
            self._ask_after_locked()  # after Stop it was asked already; a lost camera: now
            self._restart_on_frame = True
            self._stream_ends += 1
        self._flush()
        est, self._estimator = self._estimator, None
        if est is not None:
            try:
                est.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the pose estimator failed")

    # ---- the stall watchdog ------------------------------------------------------------------
    def check_stalled(self) -> bool:
        """Abandon the session if no frame came for STALL_S. True once there is nothing left to
        watch (the session has ended)."""
        with self._lock:
            if self._ended():
                self._watchdog = None  # under the lock: the next session starts its own
                return True
            if self._last_frame is None or self._clock() - self._last_frame < STALL_S:
                return False
            self._watchdog = None
            log.info("no camera frame for %.0f s: the session is saved as abandoned", STALL_S)
            self._close_locked()
            self._ask_after_locked()
            self._restart_on_frame = True
            self._stream_ends += 1
        self._flush()
        return True

    def _start_watchdog(self) -> None:
        """One thread per processor while a session is open (called with the lock held)."""
        if self._watchdog is not None:
            return
        ref = weakref.ref(self)

        def watch() -> None:
            while True:
                time.sleep(1.0)
                proc = ref()
                if proc is None or proc.check_stalled():
                    return
                del proc

        self._watchdog = threading.Thread(target=watch, name="posecheck-stall-watch", daemon=True)
        self._watchdog.start()

    # ---- the history -------------------------------------------------------------------------
    def _flush(self) -> None:
        """Write queued history changes outside _lock (the worker thread never waits for the
        page thread; SQLite work happens once per set); a failure is said on the page at once."""
        self._history.write_queued()
        note = self._history.failure
        if note:
            with self._lock:
                if self._snapshot.history_note != note:
                    self._snapshot = replace(self._snapshot, history_note=note)


def video_state(state, status: SessionStatus | None, said) -> EngineState:
    """The engine state as the live video should show it: the count of the set in progress
    (as on the board, not the engine's running total) and only a cue the session has said."""
    said_cue = state.cue is not None and any(a.key == cue_key(state.cue) for a in said)
    return replace(state, reps=status.reps if status else 0, reps_by_side={},
                   cue=state.cue if said_cue else None)


def video_words(overlay, state: EngineState, status: SessionStatus | None,
                routine: RoutineStatus | None = None):
    """The video's count and phase words, as the board says them: the set's rep against its
    target, the rest countdown, the end. During a rest the engine's phase is not shown (it
    said "in range" to a person resting in a down-dog)."""
    from ..sinks.overlay import VideoWords

    own = overlay.words(state)
    if routine is not None and routine.state == BETWEEN:
        return VideoWords(f"Next: {routine.exercise_name}", "")
    if routine is not None and routine.state == ROUTINE_DONE:
        return VideoWords("Routine done", "")
    if status is None:
        return own
    target = f" / {status.target}" if status.target else ""
    if status.state == REST:
        return VideoWords(f"Rest {int(math.ceil(status.rest_left_s or 0))} s", "")
    if status.state == DONE:
        return VideoWords("All sets done", "")
    if status.state == STOPPED:
        return VideoWords("Session ended", "")
    if status.state == COUNTING:
        return VideoWords(f"Rep {status.reps}{target}", own.phase)
    return VideoWords(f"Rep 0{target}", own.phase)  # getting ready: the start position


def _default_store():
    from ..sinks.history_store import HistoryStore

    return HistoryStore()
