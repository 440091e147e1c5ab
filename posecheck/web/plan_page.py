"""The "Plan & report" section's plan: today's planned moments and what is done, the streak and
the weeks, the plan's entries (add, remove) and its calendar file. Thin: posecheck.progress does
the work; the plan lives in its file, so every tab and the command line see the same one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from ..errors import PosecheckError
from ..progress.ics import event_texts, plan_to_ics
from ..progress.plan import (DAY_CODES, DAY_NAMES, DONE, EXERCISE, MATCH_WINDOW_MIN, MISSED,
                             ROUTINE, WEEKDAYS, Plan, PlanError, adherence, make_entry, plan_start)
from ..progress.plan_file import ENV_VAR, default_plan_path, load_plan, save_plan

NOTICE_KEY = "plan_notice"
WEEKS_SHOWN = 8
STATE_MARK = {DONE: "✅ done", MISSED: "✗ missed"}


def _notice(text: str) -> None:
    st.session_state[NOTICE_KEY] = text


def _save(plan: Plan, said: str) -> None:
    try:
        save_plan(plan)
        _notice(said)
    except PosecheckError as exc:
        _notice(str(exc))


def _remove(index: int, name: str) -> None:
    try:  # the file as it is now: another tab or the command line may have changed it
        _save(load_plan().removing(index), f"Removed {name} from your plan.")
    except PlanError as exc:
        _notice(str(exc))


def _add() -> None:
    kind = st.session_state["plan_kind"]
    target = st.session_state["plan_target"]
    try:
        entry = make_entry(kind, target, st.session_state["plan_days"],
                           [t for t in st.session_state["plan_times"].replace(",", " ").split() if t],
                           date.today())
        plan = load_plan()
    except PlanError as exc:
        _notice(str(exc))
        return
    _save(plan.adding(entry), "Added to your plan.")


def _names(plan: Plan, lib, routines) -> dict:
    texts = event_texts(plan, lib, routines)
    return {key: text.name for key, text in texts.items()}


def section(lib, routines, records_of) -> None:
    """`records_of()` returns the history's sessions (raises HistoryError with a sentence)."""
    st.markdown("#### Your plan")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    try:
        plan = load_plan()
    except PlanError as exc:
        st.error(str(exc))
        return
    names = _names(plan, lib, routines)
    if plan.entries:
        _today_and_weeks(plan, names, records_of)
    else:
        st.info("No plan yet. Start small: two or three movements at set moments of your day "
                "(a desk break at 10:30 and 15:00 on weekdays, back basics in the evening).")
    _entries(plan, names)
    _add_form(plan, lib, routines)
    _calendar(plan, lib, routines)
    st.caption(f"Plan file: {default_plan_path()}. Set {ENV_VAR} to use another file.")


def _today_and_weeks(plan: Plan, names: dict, records_of) -> None:
    now = datetime.now()
    try:
        records = records_of()
    except PosecheckError as exc:
        st.error(str(exc))
        return
    first = max(plan_start(plan), now.date() - timedelta(weeks=WEEKS_SHOWN))
    result = adherence(plan, records, first, now.date(), now)
    today = result.today(now.date())
    left, mid, right = st.columns(3)
    this_week = result.weeks[-1] if result.weeks and \
        result.weeks[-1].week_start == now.date() - timedelta(days=now.weekday()) else None
    left.metric("Streak", f"{result.streak_days} day{'s' if result.streak_days != 1 else ''}",
                help="Days in a row on which every planned moment was done (days with nothing "
                     "planned do not break it).")
    mid.metric("This week", f"{this_week.done} of {this_week.planned}" if this_week else "-",
               help="Planned moments done, of those due so far this week.")
    right.metric(f"Since {first:%d %b}", "-" if result.share is None else f"{100 * result.share:.0f}%",
                 help=f"{result.done} of {result.planned} planned moments done.")
    if today:
        st.markdown("**Today**")
        rows = [{"Time": f"{s.slot.at:%H:%M}",
                 "What": names.get(s.slot.entry.key, s.slot.entry.target_id),
                 "Status": (f"✅ done at {s.done_at:%H:%M}" if s.state == DONE
                            else STATE_MARK.get(s.state, "to do"))} for s in today]
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption("Nothing planned today.")
    if result.weeks:
        st.markdown("**Week by week**")
        st.dataframe([{"Week of": f"{w.week_start:%a %d %b}", "Planned": w.planned,
                       "Done": w.done,
                       "Kept": f"{100 * w.share:.0f}%" if w.share is not None else "-"}
                      for w in reversed(result.weeks)], hide_index=True, width="stretch")
    st.caption(f"A planned moment is done when you start it (live) the same day within "
               f"{MATCH_WINDOW_MIN // 60} hours of its time; a routine counts as a whole run.")


def _entries(plan: Plan, names: dict) -> None:
    if plan.entries:
        st.markdown("**Your moments**")
    for i, e in enumerate(plan.entries):
        text, button = st.columns([5, 1])
        name = names.get(e.key, f"{e.target_id.replace('_', ' ')} (not available)")
        text.markdown(f"**{name}** - {e.days_text()} at {e.times_text()}")
        button.button("Remove", key=f"plan_remove_{i}", on_click=_remove, args=(i, name))


def _add_form(plan: Plan, lib, routines) -> None:
    with st.expander("Add to your plan", expanded=not plan.entries):
        kind = st.radio("What", [ROUTINE, EXERCISE], key="plan_kind", horizontal=True,
                        format_func=lambda k: "A routine" if k == ROUTINE else "One exercise")
        if kind == ROUTINE:
            options = {rid: r.name for rid, r in routines.routines.items()}
        else:
            options = {eid: e.name for eid, e in lib.exercises.items()}
        st.selectbox("Which", list(options), format_func=options.get, key="plan_target")
        st.multiselect("Days", DAY_CODES, default=list(WEEKDAYS), format_func=DAY_NAMES.get,
                       key="plan_days")
        st.text_input("Times of day (24-hour, several with commas)", "10:30, 15:00",
                      key="plan_times")
        st.button("Add", key="plan_add", type="primary", on_click=_add)


def _calendar(plan: Plan, lib, routines) -> None:
    if not plan.entries:
        return
    st.markdown("**Reminders in your calendar**")
    minutes = st.number_input("Remind me this many minutes before", 0, 240,
                              plan.reminder_minutes, step=5, key="plan_reminder")
    if minutes != plan.reminder_minutes:
        _save(Plan(plan.entries, int(minutes)), "Reminder time changed.")
        plan = Plan(plan.entries, int(minutes))
    st.download_button("Download the plan for your calendar (.ics)",
                       lambda: plan_to_ics(plan, event_texts(plan, lib, routines)),
                       "posecheck-plan.ics", "text/calendar", key="plan_ics")
    st.caption("Import the file into your calendar app (Google Calendar, Apple Calendar, "
               "Outlook...): each moment repeats on its days with a reminder, and nothing needs "
               "posecheck running. Import it again after changing the plan.")
