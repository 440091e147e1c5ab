"""The page's sections as functions; app.py arranges them. Only this module and app.py use st."""

from __future__ import annotations

import time

import streamlit as st

from ..exercises import Exercise, ExerciseLibrary, load_all
from . import live, review
from .figure import draw_figure
from .info import DISCLAIMER, prescription_lines, set_size, view_line

REVIEW_KEY = "review_result"
PROCESSOR_KEY = "live_processor"


@st.cache_resource
def library() -> ExerciseLibrary:
    return load_all()


def disclaimer() -> None:
    st.warning(DISCLAIMER, icon="⚠️")


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
    rows = review.rep_rows(report)
    if rows:
        st.markdown("**Reps**")
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info("No full reps were counted in this video.")
    if report.series.get("t"):
        st.markdown("**Angle over time** (shaded: counted reps; red marks: form cues)")
        st.altair_chart(review.angle_chart(report), width="stretch")
    st.markdown("**Cues**")
    if report.cues:
        st.markdown("\n".join(f"- {c['t_s']:.1f} s: {c['message']}" for c in report.cues))
    else:
        st.write("No cues.")
    stem = f"posecheck-{report.exercise}"
    a, b, c = st.columns(3)
    a.download_button("Report (JSON)", report.to_json(), f"{stem}.json", "application/json")
    b.download_button("Reps (CSV)", report.rep_csv(), f"{stem}-reps.csv", "text/csv")
    if result.video:
        c.download_button("Annotated video", result.video, f"{stem}-annotated.mp4", "video/mp4")


# ---- live ---------------------------------------------------------------------------------

def live_section(ex: Exercise, start_stream=None, poll_s: float = 0.3) -> None:
    start_stream = start_stream or live.start_stream
    processor = st.session_state.get(PROCESSOR_KEY)
    if processor is None:
        processor = live.LiveProcessor(ex)
        st.session_state[PROCESSOR_KEY] = processor
    processor.set_exercise(ex)  # a different exercise starts the count again
    st.markdown(live.LIVE_CSS, unsafe_allow_html=True)
    video, status = st.columns([3, 2])
    with video:
        ctx = start_stream(processor)
        st.caption(f"Set size: {set_size(ex)} reps. {view_line(ex)}")
    with status:
        if st.button("Reset count", key="reset"):
            processor.reset()
        board = st.empty()
        message = st.empty()
    playing = bool(getattr(getattr(ctx, "state", None), "playing", False))
    if not playing:
        board.markdown(live.big_text_html(processor.snapshot(), ex, False), unsafe_allow_html=True)
        message.info("The camera is off. Press Start and allow camera access. If the browser "
                     "blocked the camera, allow it (the camera icon in the address bar) and press "
                     "Start again.")
        return
    # keep the status fresh while the camera runs; a widget change reruns the script
    while getattr(ctx.state, "playing", False):
        snap = processor.snapshot()
        board.markdown(live.big_text_html(snap, ex, True), unsafe_allow_html=True)
        if snap.error:
            message.warning(snap.error)
        elif snap.frames and not snap.person and snap.dark:
            message.info("It is too dark to see you: turn on a light in front of you.")
        elif snap.frames and not snap.person:
            message.info("No person in view yet.")
        elif not snap.frames:
            message.info("Waiting for the camera...")
        else:
            message.empty()
        time.sleep(poll_s)
