"""The "Plan & report" section's report: a chosen period, made only when asked, downloaded as
one PDF (or CSV / JSON for the numbers). Thin: posecheck.progress does the work."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from ..errors import PosecheckError
from ..progress.commands import DEFAULT_REPORT_DAYS
from ..progress.plan import PlanError
from ..progress.plan_file import load_plan
from ..progress.report_data import NOT_MEDICAL, build_report

MADE_KEY = "report_made"  # (period, format) -> (file name, bytes, mime, summary line)
FORMATS = {"PDF": ("pdf", "application/pdf"), "CSV (one row per session)": ("csv", "text/csv"),
           "JSON (every number)": ("json", "application/json")}


def _make(lib, routines, records_of) -> None:
    """Read the choices as they are when clicked (a callback's arguments are the last run's)."""
    since, until = st.session_state["report_since"], st.session_state["report_until"]
    fmt, mime = FORMATS[st.session_state["report_format"]]
    try:
        try:
            plan = load_plan()
        except PlanError as exc:  # the report is still worth having without the plan
            st.session_state["report_plan_problem"] = str(exc)
            plan = None
        data = build_report(records_of(), since, until, lib, routines, plan)
        if fmt == "pdf":
            from ..progress.report_pdf import render_pdf

            payload = render_pdf(data)
        else:
            from ..progress.report_export import report_csv, report_json

            payload = (report_csv(data) if fmt == "csv" else report_json(data)).encode("utf-8")
    except PosecheckError as exc:
        st.session_state[MADE_KEY] = ("error", str(exc))
        return
    name = f"posecheck-report-{since.isoformat()}-to-{until.isoformat()}.{fmt}"
    n = len(data.sessions)
    summary = (f"{n} session{'s' if n != 1 else ''}, {data.total_reps} reps from {since:%d %b %Y} to "
               f"{until:%d %b %Y}.")
    st.session_state[MADE_KEY] = ("made", name, payload, mime, summary)


def section(lib, routines, records_of) -> None:
    st.markdown("#### Report for you and your physiotherapist")
    st.caption("Sessions and how the plan was kept, reps and holds per exercise, range of motion "
               "against target, the most frequent form faults with their cues, and pain before "
               "and after, with charts. Numbers only: no video or image of you. " + NOT_MEDICAL)
    today = date.today()
    left, right, kind = st.columns(3)
    since = left.date_input("From", today - timedelta(days=DEFAULT_REPORT_DAYS - 1),
                            max_value=today, key="report_since")
    until = right.date_input("To (included)", today, max_value=today, key="report_until")
    kind.radio("As", list(FORMATS), key="report_format")
    if since > until:
        st.error("The period ends before it starts: choose a later To date.")
        return
    st.button("Make the report", key="report_make", on_click=_make,
              args=(lib, routines, records_of))
    made = st.session_state.get(MADE_KEY)
    problem = st.session_state.pop("report_plan_problem", None)
    if problem:
        st.warning(f"The report leaves the plan out: {problem}")
    if not made:
        return
    if made[0] == "error":
        st.error(made[1])
        return
    _, name, payload, mime, summary = made
    st.success(f"Made {datetime.now():%H:%M}: {summary}")
    st.download_button(f"Download {name}", payload, name, mime, key="report_download")
