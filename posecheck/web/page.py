"""The page's sections as functions; app.py arranges them. Only this module, app.py and the
Plan & report section's own modules (plan_page.py, report_page.py) use st."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import streamlit as st

from ..errors import HistoryError
from ..engine.exercises import Exercise, ExerciseLibrary, load_all
from ..engine import pain
from ..engine.routine_session import routine_stages
from ..engine.routines import Routine, RoutineLibrary, load_routines
from ..sinks.history_store import HistoryStore, default_history_path, sessions_csv
from ..engine.ranges import DEGREES, RangeChoice
from ..engine.session import BOTH, SessionPlan
from ..landmarks import SIDES
from ..run import live
from . import board, history_page as history, review, speech, webrtc
from .figure import draw_figure
from .info import (DISCLAIMER, GROUP_NAMES, OWN_DEGREES, exercise_order, prescription_lines,
                   range_help, range_options, routine_step_lines, view_line)
from .style import PAGE_CSS

REVIEW_KEY = "review_result"
PROCESSOR_KEY = "live_processor"
CAMERA_KEY = "camera_wanted"  # True after the person's Start, False after their Stop
STOPPED_KEY = "stopped_by_you"  # the camera is off because the person pressed Stop
ENDS_AT_START_KEY = "stream_ends_at_start"  # processor.stream_ends when Start was pressed
CONFIRM_KEY = "history_confirm"  # ("one", session id) or ("all", count) while asking
NOTICE_KEY = "history_notice"  # a sentence to show once after a deletion
ALL = "all"
ROUTINE_PREFIX = "routine:"  # History's "Show" choices: an exercise id, or this and a routine id


@st.cache_resource
def library() -> ExerciseLibrary:
    return load_all()


@st.cache_resource
def routines(_lib: ExerciseLibrary) -> RoutineLibrary:
    """The routines, loaded once against the exercises (the library is cached too)."""
    return load_routines(_lib)


EXERCISES, ROUTINES = "Exercises", "Routines"


def disclaimer() -> None:
    st.warning(DISCLAIMER, icon="⚠️")


def see_a_professional() -> None:
    """The red flags, always one click away in the sidebar (issue 16)."""
    with st.expander(pain.SEE_A_PROFESSIONAL_TITLE, expanded=False):
        head, *flags = pain.SEE_A_PROFESSIONAL
        st.markdown(head + "\n" + "\n".join(f"- {flag}" for flag in flags))
        st.caption(pain.NOT_A_DEVICE)


def pose_model_line() -> None:
    """Which pose model judges (issue 13): in the sidebar, under the choices; in the main column
    its line pushed the live video 38 px below a 1366x768 screen's bottom edge."""
    from ..pose.backend import in_use_line

    st.caption(in_use_line())


def style() -> None:
    """The page's own CSS: compact top, big buttons, a picker that wraps long names."""
    st.markdown(PAGE_CSS, unsafe_allow_html=True)


def library_errors(lib: ExerciseLibrary) -> None:
    for err in lib.errors:
        st.warning(f"An exercise file could not be loaded: {err}")


def pick_exercise(lib: ExerciseLibrary) -> Exercise | None:
    if not lib.exercises:
        st.error("No exercises are available.")
        return None
    ids = exercise_order(lib.exercises.values())
    # a list, not a drop-down: every name is seen whole (the drop-down's one-line box cut
    # "Lumbar extension without hyperextension" off) and each is a bigger target; grouped by
    # where the person is (standing, on the floor, at the desk), said under each name
    chosen = st.radio("Exercise", ids, format_func=lambda i: lib.exercises[i].name,
                      captions=[GROUP_NAMES.get(lib.exercises[i].group, "") for i in ids],
                      key="exercise")
    return lib.exercises[chosen]


def pick(lib: ExerciseLibrary, routines: RoutineLibrary) -> Exercise | Routine | None:
    """One exercise, or a routine of several run one after another."""
    kind = st.radio("Do", [EXERCISES, ROUTINES], key="pick_kind", horizontal=True,
                    help="Routines run several exercises one after another, hands-free.")
    if kind == EXERCISES:
        return pick_exercise(lib)
    return pick_routine(routines)


def pick_routine(routines: RoutineLibrary) -> Routine | None:
    for rid, why in routines.unavailable.items():
        st.caption(f"Not available: {rid.replace('_', ' ')} ({why})")
    if not routines.routines:
        st.error("No routines are available.")
        return None
    ids = list(routines.routines)
    chosen = st.radio("Routine", ids, format_func=lambda i: routines.routines[i].name,
                      key="routine")
    return routines.routines[chosen]


PLAN_REPORT = "Plan & report"


def sections(choice: Exercise | Routine | None) -> list[str]:
    """A routine is done live; its history is in History. An exercise may also be reviewed."""
    main = ["Live", "History"] if isinstance(choice, Routine) else ["Live", "Review a video", "History"]
    return main + [PLAN_REPORT]


def exercise_info(ex: Exercise, expanded: bool = True) -> None:
    """The steps, prescription, camera and reference figures, in a section that folds away: the
    live page folds it once the camera runs (a new label is a new, folded section)."""
    label = "How to do it" if expanded else "How to do it (folded while you exercise)"
    with st.expander(label, expanded=expanded):
        _exercise_details(ex)


def _exercise_details(ex: Exercise) -> None:
    st.write(ex.summary)
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Steps**")
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(ex.steps, 1)))
        st.markdown("**Prescription**")
        st.markdown("\n".join(f"- {line}" for line in prescription_lines(ex)))
        st.markdown(f"**Camera:** {view_line(ex)}")
    with right:
        if ex.figure:
            a, b = st.columns(2)
            a.image(draw_figure(ex.figure.get("start", {})), caption=f"Start: {ex.start_position}")
            b.image(draw_figure(ex.figure.get("working", {})),
                    caption=f"Working: {ex.working_position}")


# ---- review -------------------------------------------------------------------------------

def review_section(ex: Exercise) -> None:
    st.markdown(f"Upload a video of yourself doing **{ex.name}** "
                f"({', '.join(review.VIDEO_TYPES)}; up to {review.MAX_UPLOAD_MB} MB). "
                "It is analysed on this server and deleted straight afterwards.")
    uploaded = st.file_uploader("Video to review", type=list(review.VIDEO_TYPES), key="upload")
    mirrored = st.checkbox(
        "Mirrored video (some phones save front-camera video flipped)", key="mirrored",
        help="In a mirrored video your raised left hand shows on the left of the picture, as "
             "in a mirror. Nothing in the picture itself tells; tick this so that left and "
             "right are counted as yours.")
    if uploaded is None:
        exercise_info(ex)
        return
    key = (uploaded.file_id, ex.id, mirrored)
    result = st.session_state.get(REVIEW_KEY)
    if result is None or result.key != key:
        bar = st.progress(0.0, text="Analysing the video...")

        def progress(fraction: float) -> None:
            bar.progress(min(1.0, max(0.0, float(fraction))), text="Analysing the video...")

        result = review.review_upload(uploaded, ex, key, progress=progress, mirrored=mirrored)
        bar.empty()
        st.session_state[REVIEW_KEY] = result
    show_review(result, ex)
    exercise_info(ex, expanded=False)


def show_review(result: review.ReviewResult, ex: Exercise | None = None) -> None:
    """The count and the video first, side by side; the details below them."""
    if result.error:
        st.error(result.error)
        return
    report = result.report
    video, counts = st.columns([3, 2])
    with counts:
        for label, n in review.reps_text(report):
            st.metric(label, n)
        st.metric("Partial reps (not counted)", report.partial_reps)
        for note in list(report.warnings) + result.notes:
            st.info(note)
        if report.reps:
            save_review(result)
    if result.video:
        video.video(result.video, format="video/mp4")
    if len(report.sets) > 1:
        st.markdown(f"**Sets** ({len(report.sets)}: a rest much longer than a rep, or the other "
                    "side, starts a new one)")
        st.dataframe(review.set_rows(report), hide_index=True, width="stretch",
                     column_config=_number_columns())
    rows = review.rep_rows(report)
    if rows:
        st.markdown("**Each rep** (faults marked \"said\" were spoken as a cue; the others "
                    "were found but not said, to keep to one cue at a time)")
        st.dataframe(rows, hide_index=True, width="stretch", column_config=_number_columns())
    else:
        st.info("No full reps were counted in this video.")
    if report.series:
        st.markdown(f"**{review.chart_title(report)}**")
        st.altair_chart(review.angle_chart(report, ex), width="stretch")
    st.markdown("**Cues said**")
    if report.cues:
        st.markdown("\n".join(review.cue_lines(report)))
    else:
        st.write("No cues.")
    stem = f"posecheck-{report.exercise}"
    a, b, c = st.columns(3)
    a.download_button("Report (JSON)", report.to_json(), f"{stem}.json", "application/json")
    b.download_button("Reps (CSV)", report.rep_csv(), f"{stem}-reps.csv", "text/csv")
    if result.video:
        c.download_button("Annotated video", result.video, f"{stem}-annotated.mp4", "video/mp4")


def _number_columns() -> dict:
    return {name: st.column_config.NumberColumn(format=fmt)
            for name, fmt in review.NUMBER_FORMATS.items()}


def save_review(result: review.ReviewResult) -> None:
    """A review goes into the history only when asked: it may be someone else's video."""
    if result.saved_id:
        st.success("Saved to your history (see the History section).")
        return
    if st.button("Save to my history", key="save_review",
                 help="Adds this video's sets and reps to your local history."):
        try:
            record = review.session_record(result.report, uuid.uuid4().hex,
                                           datetime.now(timezone.utc).isoformat(timespec="seconds"))
            history_store().save(record)
        except HistoryError as exc:
            st.error(str(exc))
            return
        result.saved_id = record.id
        st.success("Saved to your history (see the History section).")


# ---- live ---------------------------------------------------------------------------------

def session_controls(ex: Exercise) -> tuple[SessionPlan, bool]:
    """The person's choices, made once before Start: (plan, muted). Keys carry the exercise id
    so another exercise starts from its own prescription."""
    p = ex.prescription
    cols = st.columns(6 if ex.sided else 5)
    target = cols[0].number_input("Reps per set", p.reps_min, p.reps_max, p.reps_min,
                                  key=f"target-{ex.id}",
                                  help=f"The prescription says {p.reps_min}-{p.reps_max}.")
    sets = cols[1].number_input("Sets", 1, 10, p.sets, key=f"sets-{ex.id}")
    rest = cols[2].number_input("Rest between sets (s)", 5, 600, int(p.rest_s), step=5,
                                key=f"rest-{ex.id}")
    side = None
    if ex.sided:
        side = cols[3].selectbox("Side", [BOTH, *SIDES], key=f"side-{ex.id}",
                                 help="Both: each set left first, then right.")
    choice = range_control(ex, cols[-2])
    voice = cols[-1].toggle("Voice", value=True, key="voice",
                            help="Say rep numbers, hold, rest and cues aloud.")
    return SessionPlan.live(ex, target_reps=target, sets=sets, rest_s=rest, side=side,
                            range_choice=choice), not voice


def _remembered_range(ex: Exercise) -> RangeChoice:
    try:
        return RangeChoice.parse(history_store().remembered_range(ex.id))
    except (HistoryError, ValueError):  # no history, or a choice this version cannot read
        return RangeChoice()


def range_control(ex: Exercise, col) -> RangeChoice:
    """The person's range for this exercise: remembered per exercise in the history, and
    written back when they change it."""
    remembered = _remembered_range(ex)
    options = range_options(ex)
    kinds = [kind for _, kind in options]
    kind_key, deg_key = f"range-{ex.id}", f"range-deg-{ex.id}"
    if kind_key not in st.session_state:
        st.session_state[kind_key] = OWN_DEGREES if remembered.kind == DEGREES else remembered.kind
    labels = dict((kind, label) for label, kind in options)
    kind = col.selectbox("Your range", kinds, key=kind_key, format_func=labels.get,
                         help=range_help(ex))
    if kind == OWN_DEGREES:
        start = remembered.degrees or ex.rep.gentle
        degrees = col.number_input("Degrees", 1, 180, int(round(start)), key=deg_key)
        choice = RangeChoice.parse(degrees)
    else:
        choice = RangeChoice.parse(kind)
    if choice != remembered:
        try:
            history_store().remember_range(ex.id, choice.label)
        except HistoryError:
            pass  # the live board says once why the history is not saved
    return choice


def _live_store_factory():
    """The shared history store, looked up here on the page thread (the webrtc worker thread
    has no Streamlit context); a history that cannot be opened is said once a set starts."""
    try:
        store = history_store()
    except HistoryError as exc:
        problem = exc

        def unavailable():
            raise problem

        return unavailable
    return lambda: store


def _toggle_camera(processor: live.LiveProcessor) -> None:
    """The page's own Start/Stop (also the space bar). Start asks how the back is (answered
    or not, the session starts); Stop ends the session and asks again."""
    wanted = not st.session_state.get(CAMERA_KEY, False)
    st.session_state[CAMERA_KEY] = wanted
    st.session_state[STOPPED_KEY] = not wanted
    st.session_state[ENDS_AT_START_KEY] = processor.stream_ends
    if wanted:
        processor.start_checkin()
    else:
        processor.stop()


def _pain_view(snap: live.LiveSnapshot) -> tuple:
    """What the pain controls show: the question, the safety stop's words, and whether the
    session is over ("It hurts" is then gone: there is nothing left to stop)."""
    return snap.pain_question, snap.pain_stop, board.session_over(snap)


PAIN_SKIP = {pain.BEFORE: "Skip", pain.AFTER: "Skip", pain.DURING: "Back"}


def pain_question(processor: live.LiveProcessor, moment: str) -> None:
    """The 0-10 scale as big buttons, one tap each, and a way out, in one row across the page
    above the video and the board. Measured at 1366x768: in the board's column (350 px wide)
    two rows of six were 45 px wide buttons, three rows of four pushed the session's summary
    130 px below the screen's edge after Stop; one row over the page is 110 px high."""
    with st.container(key="pc_pain"):
        asked = pain.HURTS_QUESTION if moment == pain.DURING else pain.QUESTION
        st.markdown(f'<div class="pc-pain-q">{asked} <span class="pc-pain-ends">'
                    f'{pain.SCALE_ENDS}</span></div>', unsafe_allow_html=True)
        cols = st.columns(len(pain.SCALE) + 1, gap="small")
        for col, score in zip(cols, pain.SCALE):
            col.button(str(score), key=f"pain_{score}", width="stretch",
                       on_click=processor.answer_pain, args=(moment, score))
        cols[-1].button(PAIN_SKIP[moment], key="pain_skip", width="stretch",
                        on_click=processor.answer_pain, args=(moment, None))


def _processor(ex: Exercise, plan: SessionPlan) -> live.LiveProcessor:
    """This browser session's one live processor (made on its first visit to a live page)."""
    processor = st.session_state.get(PROCESSOR_KEY)
    if processor is None:
        processor = live.LiveProcessor(ex, plan, store_factory=_live_store_factory())
        st.session_state[PROCESSOR_KEY] = processor
    return processor


def live_section(ex: Exercise, start_stream=None, poll_s: float = 0.3) -> None:
    plan, muted = session_controls(ex)
    processor = _processor(ex, plan)
    processor.configure(ex, plan)  # another exercise or plan starts a new session

    def info(wanted: bool) -> None:
        st.caption(f"{view_line(ex)} Counting starts once you hold the start position for a "
                   "second; the session runs itself from there.")
        exercise_info(ex, expanded=not wanted)  # beside the board, folded once Start is pressed

    _run_live(processor, muted, info, start_stream or webrtc.start_stream, poll_s)


def routine_section(routine: Routine, lib: ExerciseLibrary, start_stream=None,
                    poll_s: float = 0.3) -> None:
    """A routine, run hands-free: each exercise with the routine's sets and reps and the
    person's remembered range for it, one after another."""
    ranges = {s.exercise_id: _remembered_range(lib.get(s.exercise_id)) for s in routine.steps}
    stages = routine_stages(routine, lib, ranges)
    voice = st.toggle("Voice", value=True, key="voice",
                      help="Say what comes next, rep numbers, hold, rest and cues aloud.")
    first = stages[0]
    processor = _processor(first.exercise, first.plan)
    processor.configure_routine(routine, stages)  # another routine starts a new run

    def info(wanted: bool) -> None:
        st.caption("After Start nothing needs a click: each exercise is said with how to face "
                   "the camera, and counting starts once you hold its start position for a "
                   "second.")
        label = "The routine" if not wanted else "The routine (folded while you exercise)"
        with st.expander(label, expanded=not wanted):
            st.write(routine.summary)
            st.markdown("\n".join(f"{i}. {line}" for i, line in
                                   enumerate(routine_step_lines(routine, lib), 1)))

    _run_live(processor, not voice, info, start_stream or webrtc.start_stream, poll_s)


def _run_live(processor: live.LiveProcessor, muted: bool, info, start_stream,
              poll_s: float) -> None:
    """The camera beside the board, the Start/Stop button, speech and the camera's state;
    `info(wanted)` writes what to do under the video."""
    st.markdown(board.CSS, unsafe_allow_html=True)
    wanted = bool(st.session_state.get(CAMERA_KEY, False))
    asked = processor.snapshot()
    on_show = _pain_view(asked)  # a change reruns the page to show it
    if asked.pain_question is not None:
        pain_question(processor, asked.pain_question)
    else:
        st.empty()  # the question's place (see below: elements keep their places)
    video, status = st.columns([3, 2])
    with video:
        with st.container(key="pc_video"):
            ctx = start_stream(processor, playing=wanted)
        info(wanted)
    with status:
        # "It hurts" beside Stop while a session runs: always in reach, no room taken. The
        # page's elements keep their places from run to run: while the camera runs the script
        # never ends, so an element a rerun leaves out stays on screen, faded (an "It hurts"
        # under the safety stop's words, in a browser test); st.empty() takes its place.
        hurts = wanted and on_show == (None, "", False)
        start_col, hurts_col = (st.columns([3, 2], gap="small") if wanted
                                else (st.container(), None))
        with start_col:
            # two keys, so the style can tell Start (green) from Stop (red); the word says it too
            st.button("Stop" if wanted else "Start", key="stop" if wanted else "start",
                      type="primary", shortcut="Space", width="stretch", on_click=_toggle_camera,
                      args=(processor,),
                      help="Starts or stops the camera and the session (space bar).")
        if hurts:
            hurts_col.button("It hurts", key="pain_hurts", width="stretch",
                             on_click=processor.it_hurts,
                             help="Rate your pain now; if it is rising, the session stops.")
        elif hurts_col is not None:
            hurts_col.empty()
        shown = st.empty()
        message = st.empty()
        said_box = st.empty()
        speaker = st.empty()
        st.button("New session", key="new_session", on_click=processor.new_session,
                  help="Ends this session (it stays in your history) and starts counting anew.")
    playing = bool(getattr(getattr(ctx, "state", None), "playing", False))

    def camera_note() -> None:
        lost = wanted and processor.stream_ends > st.session_state.get(ENDS_AT_START_KEY, 0)
        said = board.camera_message(wanted, bool(st.session_state.get(STOPPED_KEY)),
                                    playing, lost)
        if said is None:
            return
        kind, text = said
        (message.warning if kind == "warning" else message.info)(text)

    if not playing:
        snap = processor.snapshot()
        shown.markdown(board.board_html(snap, False, starting=wanted), unsafe_allow_html=True)
        said_box.markdown(speech.transcript_html(snap.said), unsafe_allow_html=True)
        camera_note()
        return
    # keep the status fresh while the camera runs; a widget change reruns the script
    spoken = None
    while getattr(ctx.state, "playing", False):
        snap = processor.snapshot()
        if _pain_view(snap) != on_show:
            st.rerun()  # a question to ask (or one answered), or the safety stop: redraw
        shown.markdown(board.board_html(snap, True), unsafe_allow_html=True)
        said = (snap.session_id, tuple(a.key for a in snap.said))
        if said != spoken:  # a new iframe only when there is something new to say
            spoken = said
            speaker.iframe(speech.player_html(snap.said, snap.session_id, snap.t, muted), height=1)
            said_box.markdown(speech.transcript_html(snap.said), unsafe_allow_html=True)
        if not wanted:
            # Stop pressed: the session has ended (processor.stop) while the browser's camera
            # is still winding down; say so now, not when its end reruns the page
            camera_note()
        elif snap.error:
            message.warning(snap.error)
        elif snap.history_note:
            message.warning(snap.history_note)
        elif snap.frames and not snap.person and snap.dark:
            message.info("It is too dark to see you: turn on a light in front of you.")
        elif snap.frames and not snap.person:
            message.info("No person in view yet.")
        elif not snap.frames:
            message.info("Waiting for the camera...")
        else:
            message.empty()
        time.sleep(poll_s)


# ---- history ------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _history_store(path: str) -> HistoryStore:
    return HistoryStore(path)


def history_store() -> HistoryStore:
    """The store of the configured history file, shared by every tab of this server (it is
    thread-safe). Raises HistoryError, whose text is meant for the page."""
    return _history_store(str(default_history_path()))


def _ask(what: tuple | None) -> None:
    st.session_state[CONFIRM_KEY] = what


def _delete(store: HistoryStore, what: tuple) -> None:
    try:
        if what[0] == "one":
            store.delete(what[1])
            st.session_state[NOTICE_KEY] = "The session was deleted."
        else:
            store.delete_all()
            st.session_state[NOTICE_KEY] = "All sessions were deleted."
    except HistoryError as exc:
        st.session_state[NOTICE_KEY] = str(exc)
    st.session_state[CONFIRM_KEY] = None


def history_section() -> None:
    path = default_history_path()
    try:
        store = history_store()
        records = store.sessions()
    except HistoryError as exc:
        st.error(str(exc))
        return
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    if not records:
        st.info(history.EMPTY_TEXT)
        st.caption(f"History file: {path}")
        return
    names = {r.exercise_id: r.exercise_name for r in reversed(records)}
    known = routines(library()).routines
    routine_names = {rid: known[rid].name if rid in known else rid.replace("_", " ")
                     for rid in history.routine_ids(records)}
    options = [ALL, *sorted(names, key=names.get),
               *(ROUTINE_PREFIX + rid for rid in routine_names)]

    def label(i: str) -> str:
        if i == ALL:
            return "All exercises"
        if i.startswith(ROUTINE_PREFIX):
            return f"Routine: {routine_names[i[len(ROUTINE_PREFIX):]]}"
        return names[i]

    shown = st.selectbox("Show", options, key="history_exercise", format_func=label)
    total = len(records)
    routine_id = shown[len(ROUTINE_PREFIX):] if shown.startswith(ROUTINE_PREFIX) else None
    if routine_id is not None:  # a routine's progress over days: its runs, then its exercises
        records = [r for r in records if r.routine_id == routine_id]
        st.markdown(f"**Runs of {routine_names[routine_id]}** (newest first)")
        st.dataframe(history.routine_run_rows(records, routine_id), hide_index=True,
                     width="stretch")
    elif shown != ALL:
        records = [r for r in records if r.exercise_id == shown]
    st.altair_chart(history.progress_chart(records), width="content")
    pain_chart = history.pain_chart(records)
    if pain_chart is not None:
        with st.container(key="pc_pain_chart"):
            st.altair_chart(pain_chart, width="content")
    st.markdown(f"**Sessions** ({len(records)}, newest first)")
    st.dataframe(history.session_rows(records, routine_names), hide_index=True, width="stretch")
    st.download_button("Download these sessions (CSV, one row per rep)",
                       lambda: sessions_csv(records), "posecheck-history.csv", "text/csv",
                       key="history_csv")
    _history_deletion(store, records, total)
    st.caption(f"History file: {path}. Only numbers are stored, never video. "
               "Set POSECHECK_HISTORY to use another file.")


def _history_deletion(store: HistoryStore, records: list, total: int) -> None:
    ids = [r.id for r in records]
    labels = {r.id: history.session_label(r) for r in records}
    confirm = st.session_state.get(CONFIRM_KEY)
    with st.expander("Delete sessions", expanded=bool(confirm)):
        chosen = st.selectbox("Session", ids, format_func=labels.get, key="history_pick")
        one, every = st.columns(2)
        one.button("Delete this session", key="history_delete_one", on_click=_ask,
                   args=(("one", chosen),))
        every.button("Delete all sessions", key="history_delete_all", on_click=_ask,
                     args=(("all", total),))
        if not confirm:
            return
        if confirm[0] == "one":
            st.warning(f"Delete the session {labels.get(confirm[1], confirm[1])}? "
                       "This cannot be undone.")
        else:
            st.warning(f"Delete all {confirm[1]} sessions of every exercise? "
                       "This cannot be undone.")
        yes, no = st.columns(2)
        yes.button("Yes, delete", key="history_yes", type="primary", on_click=_delete,
                   args=(store, confirm))
        no.button("Cancel", key="history_cancel", on_click=_ask, args=(None,))
