"""The History section's content: stored sessions shaped into table rows and progress charts.

Pure functions over SessionRecords (no Streamlit, no database); page.py reads the store and
shows what these return.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from ..engine.records import FINISHED, SOURCE_VIDEO, SessionRecord
from ..progress.session_numbers import (
    average_range, average_target, fault_counts, fault_rate, faulty_reps, status_text)

EMPTY_TEXT = ("No sessions yet. Each session is saved here as you go, set by set: the reps, "
              "the range of motion, hold times, form cues and the pain ratings you give - never "
              "video.")


def started(rec: SessionRecord) -> datetime:
    """The start time in this computer's time zone (stored in UTC)."""
    text = rec.started_at.replace("Z", "+00:00")  # fromisoformat reads "Z" only from 3.11
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return datetime.fromtimestamp(0, timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone()


def date_text(rec: SessionRecord) -> str:
    return started(rec).strftime("%Y-%m-%d %H:%M")


def faults_text(rec: SessionRecord) -> str:
    counts = fault_counts(rec)
    return ", ".join(f"{code.replace('_', ' ')} x{n}" for code, n in counts.most_common()) or "none"


def reps_per_set_text(rec: SessionRecord) -> str:
    parts = [f"{s.rep_count}{f' {s.side[0].upper()}' if s.side else ''}" for s in rec.sets]
    return ", ".join(parts) or "-"


def has_pain(rec: SessionRecord) -> bool:
    """The person rated their pain in this session (before, during or after)."""
    return rec.pain_before is not None or rec.pain_after is not None or bool(rec.pain_during)


def session_label(rec: SessionRecord) -> str:
    """One line naming a session, for choosing it (to delete)."""
    return f"{date_text(rec)} - {rec.exercise_name} - {rec.total_reps} reps"


def session_rows(records: list[SessionRecord], routine_names: dict[str, str] | None = None) -> list[dict]:
    """One row per session; no Side column when no session has a side, no Routine column when
    none was part of a routine, no pain columns when no pain was rated (for a routine the
    "before" is on its first exercise's row, the "after" on its last)."""
    sided = any(rec.side for rec in records)
    in_routine = any(rec.routine_id for rec in records)
    rated = any(has_pain(rec) for rec in records)
    during = any(rec.pain_during for rec in records)
    names = routine_names or {}
    rows = []
    for rec in records:
        rng = average_range(rec)
        rows.append({
            "Date": date_text(rec),
            "Exercise": rec.exercise_name,
            **({"Routine": names.get(rec.routine_id, rec.routine_id) if rec.routine_id else ""}
               if in_routine else {}),
            **({"Side": rec.side or ""} if sided else {}),
            "From": "video" if rec.source == SOURCE_VIDEO else "live",
            "Status": status_text(rec),
            "Sets": f"{len(rec.sets)} of {rec.planned_sets}",
            "Reps per set": reps_per_set_text(rec),
            "Avg range (deg)": None if rng is None else round(rng),
            "Target (deg)": None if average_target(rec) is None else round(average_target(rec)),
            "Faults": faults_text(rec),
            **({"Pain before": rec.pain_before, "Pain after": rec.pain_after} if rated else {}),
            **({"Pain during": ", ".join(map(str, rec.pain_during))} if during else {}),
        })
    return rows


def routine_ids(records: list[SessionRecord]) -> list[str]:
    """The routines some stored session was part of, most recent first."""
    return list(dict.fromkeys(rec.routine_id for rec in records if rec.routine_id))


def routine_run_rows(records: list[SessionRecord], routine_id: str) -> list[dict]:
    """One row per run of a routine, newest first: when, its exercises in order with their
    reps, the total, and how many of its reps had a fault - a routine's progress over days;
    and, when any run was rated, the pain before it (its first exercise's) and after it (its
    last's)."""
    runs: dict[str, list[SessionRecord]] = {}
    for rec in records:
        if rec.routine_id == routine_id:
            runs.setdefault(rec.routine_run or rec.id, []).append(rec)
    rows = []
    for parts in runs.values():
        parts = sorted(parts, key=lambda r: started(r))
        reps = sum(r.total_reps for r in parts)
        faulty = sum(faulty_reps(r) for r in parts)
        rows.append({
            "Date": date_text(parts[0]),
            "Exercises": ", ".join(f"{r.exercise_name} {r.total_reps}" for r in parts),
            "Finished": f"{sum(r.status == FINISHED for r in parts)} of {len(parts)}",
            "Reps": reps,
            "Reps with a fault": faulty,
            "Pain before": parts[0].pain_before,
            "Pain after": parts[-1].pain_after,
            "_when": started(parts[0]),
        })
    rows.sort(key=lambda row: row["_when"], reverse=True)
    rated = any(row["Pain before"] is not None or row["Pain after"] is not None for row in rows)
    for row in rows:
        del row["_when"]
        if not rated:
            del row["Pain before"], row["Pain after"]
    return rows


def progress_frame(records: list[SessionRecord]):
    """One row per session, oldest first: what the progress charts plot. `when` is the
    session's time as the table writes it (a time axis chose its own ticks: one session showed
    only ":48", two showed "11:39, :30, 11:40" in 12-hour time beside a table saying 23:38)."""
    import pandas as pd

    rows = [{"date": started(rec).replace(tzinfo=None), "when": date_text(rec),
             "exercise": rec.exercise_name, "reps": rec.total_reps,
             "range_deg": average_range(rec), "target_deg": average_target(rec),
             "fault_pct": None if fault_rate(rec) is None else 100 * fault_rate(rec),
             "pain_before": rec.pain_before, "pain_after": rec.pain_after}
            for rec in records]
    frame = pd.DataFrame(rows, columns=["date", "when", "exercise", "reps", "range_deg",
                                        "target_deg", "fault_pct", "pain_before", "pain_after"])
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    seen: Counter = Counter()
    for i, when in enumerate(frame["when"]):  # two sessions in one minute stay two points
        seen[when] += 1
        if seen[when] > 1:
            frame.loc[i, "when"] = f"{when} ({seen[when]})"
    return frame


CHARTS = (  # column, title, axis title
    ("reps", "Reps per session", "reps"),
    ("range_deg", "Range from your start (dashed: target)", "degrees"),
    ("fault_pct", "Fault rate", "% of reps with a fault"),
)


def progress_chart(records: list[SessionRecord], width: int = 220):
    """One Altair chart of three panels over time, a line per exercise and one legend: reps per
    session, average range of motion, fault rate. Sessions without reps are left out of the
    last two."""
    import altair as alt

    frame = progress_frame(records)
    order = list(frame["when"])  # oldest first, each session's own time as the table says it
    panels = []
    for column, title, axis in CHARTS:
        data = frame.dropna(subset=[column])
        x = alt.X("when:O", title=None, sort=order, axis=alt.Axis(labelAngle=-45))
        colour = alt.Color("exercise:N", title="exercise")
        panel = alt.Chart(data, title=title).mark_line(point=True).encode(
            x=x, y=alt.Y(f"{column}:Q", title=axis), color=colour,
            tooltip=[alt.Tooltip("when:N", title="started"), "exercise:N",
                     alt.Tooltip(f"{column}:Q", format=".0f", title=axis)],
        )
        if column == "range_deg":  # each exercise's target, dashed, on the same axis
            panel += alt.Chart(data.dropna(subset=["target_deg"])).mark_line(
                strokeDash=[4, 3], opacity=0.7).encode(
                x=x, y="target_deg:Q", color=colour,
                tooltip=[alt.Tooltip("when:N", title="started"), "exercise:N",
                         alt.Tooltip("target_deg:Q", format=".0f", title="target (deg)")])
        panels.append(panel.properties(width=width, height=200))
    return alt.hconcat(*panels).resolve_scale(color="shared").configure_legend(orient="bottom")


PAIN_SERIES = (("pain_before", "before"), ("pain_after", "after"))


def pain_frame(records: list[SessionRecord]):
    """One row per rating, oldest first: `when` (as progress_frame names the session),
    exercise, `moment` (before, after) and `pain` (0-10). Sessions without ratings are left
    out; a routine's "before" is at its first exercise, its "after" at its last."""
    import pandas as pd

    frame = progress_frame(records)
    rows = [{"when": row["when"], "exercise": row["exercise"], "moment": moment,
             "pain": int(row[column])}
            for _, row in frame.iterrows() for column, moment in PAIN_SERIES
            if row[column] is not None and row[column] == row[column]]
    return pd.DataFrame(rows, columns=["when", "exercise", "moment", "pain"])


def pain_chart(records: list[SessionRecord], width: int = 520):
    """Pain before and after each session over time, on the whole 0-10 scale (a line per
    moment, a point per rating); None when no session has a rating."""
    import altair as alt

    data = pain_frame(records)
    if data.empty:
        return None
    order = list(progress_frame(records)["when"])
    panel = alt.Chart(data, title="Pain before and after (0-10)").mark_line(point=True).encode(
        x=alt.X("when:O", title=None, sort=order, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("pain:Q", title="pain (0 none, 10 worst)", scale=alt.Scale(domain=[0, 10])),
        color=alt.Color("moment:N", title=None, sort=["before", "after"],
                        scale=alt.Scale(domain=["before", "after"],
                                        range=["#1d4e89", "#e8871e"])),
        tooltip=[alt.Tooltip("when:N", title="started"), "exercise:N", "moment:N",
                 alt.Tooltip("pain:Q", title="pain")],
    ).properties(width=width, height=200)
    # in a concat, as the progress chart: Streamlit 1.60 drew the lone chart 0 px high (its
    # axis titles and one flat line only, in headless Chromium)
    return alt.hconcat(panel).configure_legend(orient="bottom")
