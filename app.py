"""posecheck's page: `streamlit run app.py` (or scripts/app.sh). Logic lives in posecheck.web."""

import streamlit as st

from posecheck.web import page

st.set_page_config(page_title="posecheck - exercise form check", page_icon="🧍", layout="wide")
page.style()
page.disclaimer()

lib = page.library()
page.library_errors(lib)
with st.sidebar:
    st.title("posecheck")
    exercise = page.pick_exercise(lib)
    mode = st.radio("Section", ["Live", "Review a video", "History"], key="mode")
if mode == "History":
    st.subheader("History")
    page.history_section()
elif exercise is not None:
    st.subheader(exercise.name)
    if mode == "Live":
        page.live_section(exercise)  # its instructions fold away once the camera runs
    else:
        page.review_section(exercise)
