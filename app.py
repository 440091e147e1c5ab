"""posecheck's page: `streamlit run app.py` (or scripts/app.sh). Logic lives in posecheck.web."""

import streamlit as st

from posecheck.web import page

st.set_page_config(page_title="posecheck - exercise form check", page_icon="🧍", layout="wide")
st.title("posecheck")
page.disclaimer()

lib = page.library()
page.library_errors(lib)
with st.sidebar:
    exercise = page.pick_exercise(lib)
    mode = st.radio("Section", ["Live", "Review a video", "History"], key="mode")
if mode == "History":
    st.header("History")
    page.history_section()
elif exercise is not None:
    page.exercise_info(exercise)
    st.divider()
    if mode == "Live":
        st.header("Live")
        page.live_section(exercise)
    else:
        st.header("Review a video")
        page.review_section(exercise)
