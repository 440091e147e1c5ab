"""The page's sections as functions; app.py arranges them. Only this module and app.py use st."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import streamlit as st

from ..errors import HistoryError
from ..engine.exercises import Exercise, ExerciseLibrary, load_all
from ..sinks.history_store import HistoryStore, default_history_path, sessions_csv
from ..engine.session import BOTH, SessionPlan
from ..landmarks import SIDES
from ..run import live
from . import board, history_page as history, review, speech, webrtc
from .figure import draw_figure
from .info import DISCLAIMER, prescription_lines, view_line

REVIEW_KEY = "review_result"
PROCESSOR_KEY = "live_processor"
CONFIRM_KEY = "history_confirm"  # ("one", session id) or ("all", count) while asking
NOTICE_KEY = "history_notice"  # a sentence to show once after a deletion
ALL = "all"


@st.cache_resource
def library() -> ExerciseLibrary:
    return load_all()


def disclaimer() -> None:
    st.warning(DISCLAIMER, icon="⚠️")
    from ..pose.backend import in_use_line  # which pose model judges (issue 13)

    st.caption(in_use_line())


def library_errors(lib: ExerciseLibrary) -> None:
    for err in lib.errors:
        st.warning(f"An exercise file could not be loaded: {err}")


def pick_exercise(lib: ExerciseLibrary) -> Exercise | None:
    if not lib.exercises:
        st.error("No exercises are available.")
        return None
    ids = list(lib.exercises)
    chosen = st.selectbox("Exercise", ids, format_func=lambda i: lib.exercises[i].name,
                          key="exercise")
    return lib.exercises[chosen]


def exercise_info(ex: Exercise) -> None:
    st.subheader(ex.name)
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
    show_review(result)


def show_review(result: review.ReviewResult) -> None:
    if result.error:
        st.error(result.error)
        return
    report = result.report
    for note in list(report.warnings) + result.notes:
        st.info(note)
    cols = st.columns(len(review.reps_text(report)) + 1)
    for col, (label, n) in zip(cols, review.reps_text(report)):
        col.metric(label, n)
    cols[-1].metric("Partial reps (not counted)", report.partial_reps)
    if result.video:
        st.video(result.video, format="video/mp4")
    if len(report.sets) > 1:
        st.markdown(f"**Sets** ({len(report.sets)}: a rest much longer than a rep, or the other "
                    "side, starts a new one)")
        st.dataframe(review.set_rows(report), hide_index=True, width="stretch")
    rows = review.rep_rows(report)
    if rows:
        st.markdown("**Reps**")
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info("No full reps were counted in this video.")
    if report.series:
        st.markdown("**Angle over time** (shaded: counted reps; red marks: form cues)")
        st.altair_chart(review.angle_chart(report), width="stretch")
    st.markdown("**Cues**")
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
    if report.reps:
        save_review(result)


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
    cols = st.columns(5 if ex.sided else 4)
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
    voice = cols[-1].toggle("Voice", value=True, key="voice",
                            help="Say rep numbers, hold, rest and cues aloud.")
    return SessionPlan.live(ex, target_reps=target, sets=sets, rest_s=rest, side=side), not voice


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


def live_section(ex: Exercise, start_stream=None, poll_s: float = 0.3) -> None:
    start_stream = start_stream or webrtc.start_stream
    plan, muted = session_controls(ex)
    processor = st.session_state.get(PROCESSOR_KEY)
    if processor is None:
        processor = live.LiveProcessor(ex, plan, store_factory=_live_store_factory())
        st.session_state[PROCESSOR_KEY] = processor
    processor.configure(ex, plan)  # another exercise or plan starts a new session
    st.markdown(board.CSS, unsafe_allow_html=True)
    video, status = st.columns([3, 2])
    with video:
        ctx = start_stream(processor)
        st.caption(f"{view_line(ex)} Counting starts once you hold the start position for a "
                   "second; the session runs itself from there.")
    with status:
        shown = st.empty()
        message = st.empty()
        if st.button("New session", key="new_session"):
            processor.new_session()
        said_box = st.empty()
        speaker = st.empty()
    playing = bool(getattr(getattr(ctx, "state", None), "playing", False))
    if not playing:
        snap = processor.snapshot()
        shown.markdown(board.board_html(snap, False), unsafe_allow_html=True)
        said_box.markdown(speech.transcript_html(snap.said), unsafe_allow_html=True)
        message.info("The camera is off. Press Start and allow camera access. If the browser "
                     "blocked the camera, allow it (the camera icon in the address bar) and press "
                     "Start again.")
        return
    # keep the status fresh while the camera runs; a widget change reruns the script
    spoken = None
    while getattr(ctx.state, "playing", False):
        snap = processor.snapshot()
        shown.markdown(board.board_html(snap, True), unsafe_allow_html=True)
        said = (snap.session_id, tuple(a.key for a in snap.said))
        if said != spoken:  # a new iframe only when there is something new to say
            spoken = said
            speaker.iframe(speech.player_html(snap.said, snap.session_id, snap.t, muted), height=1)
            said_box.markdown(speech.transcript_html(snap.said), unsafe_allow_html=True)
        if snap.error:
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
    shown = st.selectbox("Show", [ALL, *sorted(names, key=names.get)], key="history_exercise",
                         format_func=lambda i: "All exercises" if i == ALL else names[i])
    total = len(records)
    if shown != ALL:
        records = [r for r in records if r.exercise_id == shown]
    st.altair_chart(history.progress_chart(records), width="content")
    st.markdown(f"**Sessions** ({len(records)}, newest first)")
    st.dataframe(history.session_rows(records), hide_index=True, width="stretch")
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
