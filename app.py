"""posecheck's page: `streamlit run app.py` (or scripts/app.sh). Logic lives in posecheck.web."""

import streamlit as st

from posecheck.engine.exercises import Exercise
from posecheck.engine.routines import Routine
from posecheck.web import page, plan_report

st.set_page_config(page_title="posecheck - exercise form check", page_icon="🧍", layout="wide")
page.style()
page.disclaimer()

lib = page.library()
routines = page.routines(lib)
page.library_errors(lib)
with st.sidebar:
    st.title("posecheck")
    # at the top, in view on every section without scrolling the sidebar (at its foot, under
    # the 13 exercises, a 768-px-high screen had to scroll to reach it)
    page.see_a_professional()
    chosen = page.pick(lib, routines)  # an exercise, or a routine of several
    mode = st.radio("Section", page.sections(chosen), key="mode")
    page.pose_model_line()
exercise = chosen if isinstance(chosen, Exercise) else None
if mode == "History":
    st.subheader("History")
    page.history_section()
elif mode == page.PLAN_REPORT:
    st.subheader(page.PLAN_REPORT)
    plan_report.section(lib, routines, lambda: page.history_store().sessions())
elif isinstance(chosen, Routine):
    st.subheader(chosen.name)
    page.routine_section(chosen, lib)  # run hands-free from Start to its summary
elif exercise is not None:
    st.subheader(exercise.name)
    if mode == "Live":
        page.live_section(exercise)  # its instructions fold away once the camera runs
    else:
        page.review_section(exercise)
