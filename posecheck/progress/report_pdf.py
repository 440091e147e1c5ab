"""The progress report as one PDF for the person and their physiotherapist, drawn with reportlab
(its own charts: no matplotlib, no browser). Numbers only: no video and no image of the person.

Sections, in order: the period and the not-a-medical-assessment note; a summary; the plan and
how it was kept (per week, with a chart); per exercise sets, reps, holds and range against
target; range of motion against target over time (a chart per exercise); the most frequent form
faults with the cue posecheck gives for each; pain before and after over time (a chart); every
session in a table.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (CondPageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from .plan import DONE, MISSED
from .report_data import NOT_MEDICAL, ReportData

TITLE = "posecheck progress report"
PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
CHART_W = PAGE_W - 2 * MARGIN
INK = colors.HexColor("#1f2933")
GREY = colors.HexColor("#6b7280")
RULE = colors.HexColor("#d1d5db")
HEAD_BG = colors.HexColor("#eef2f7")
RANGE_COLOUR = colors.HexColor("#2563eb")
TARGET_COLOUR = colors.HexColor("#9ca3af")
BEFORE_COLOUR = colors.HexColor("#dc2626")
AFTER_COLOUR = colors.HexColor("#059669")
DONE_COLOUR = colors.HexColor("#059669")
NOTE_BG = colors.HexColor("#fff7e6")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5,
                          leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName="Helvetica-Bold",
                                fontSize=18, leading=22, alignment=TA_LEFT, textColor=INK,
                                spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold",
                             fontSize=12.5, leading=16, textColor=INK, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName="Helvetica-Bold",
                             fontSize=10, leading=13, textColor=INK, spaceBefore=6, spaceAfter=2),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=8,
                               leading=9.5),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=12, backColor=NOTE_BG,
                               borderColor=colors.HexColor("#f0c36d"), borderWidth=0.6,
                               borderPadding=6, spaceBefore=12, spaceAfter=10),
    }


def _num(value: float | None, fmt: str = "{:.0f}", none: str = "-") -> str:
    return none if value is None else fmt.format(value)


def _table(rows: list[list], widths: list[float], styles, align_right_from: int = 1) -> Table:
    """A plain table: a shaded header row, thin rules, numbers right-aligned; text cells wrap."""
    cell, head = styles["cell"], styles["head"]
    wrapped = [[Paragraph(escape(str(c)), head) for c in rows[0]]]
    wrapped += [[Paragraph(escape(str(c)), cell) if isinstance(c, str) and len(c) > 14 else c
                 for c in row] for row in rows[1:]]
    table = Table(wrapped, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


# ---- charts ---------------------------------------------------------------------------------

def _day_axis(plot: LinePlot, since: date, until: date) -> None:
    """x is days since the period's start; a tick at noon of every day (at most about 8
    labelled), so a session at 19:00 sits beside its own day's label, not the next one's."""
    days = (until - since).days + 1
    step = max(1, -(-days // 8))
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = days
    plot.xValueAxis.valueSteps = [d + 0.5 for d in range(0, days, step)]
    plot.xValueAxis.labelTextFormat = lambda x: (since + timedelta(days=int(x))).strftime("%d %b")
    plot.xValueAxis.labels.fontName = "Helvetica"
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.labels.fontName = "Helvetica"
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.visibleGrid = 1
    plot.yValueAxis.gridStrokeColor = RULE
    plot.yValueAxis.gridStrokeWidth = 0.3


def _x(when: datetime, since: date) -> float:
    return (when - datetime.combine(since, datetime.min.time())).total_seconds() / 86400


def _line_chart(series: list[tuple[str, list[tuple[float, float]], colors.Color, bool]],
                since: date, until: date, y_title: str, y_max: float | None = None,
                height: float = 4.6 * cm, width: float = CHART_W, legend: bool = True) -> Drawing:
    """Lines over the period's days: (label, points, colour, dashed) each, a legend under."""
    bottom = 1.3 * cm if legend else 0.7 * cm
    drawing = Drawing(width, height + bottom)
    plot = LinePlot()
    plot.x, plot.y = 1.1 * cm, bottom
    plot.width, plot.height = width - 1.5 * cm, height - 0.6 * cm
    shown = [s for s in series if s[1]]
    plot.data = [points for _, points, _, _ in shown]
    for i, (_, _, colour, dashed) in enumerate(shown):
        plot.lines[i].strokeColor = colour
        plot.lines[i].strokeWidth = 1.2
        plot.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colour,
                                          strokeColor=colour)
        if dashed:  # a small mark too: a single session's target is a point, not a line
            plot.lines[i].strokeDashArray = [3, 2]
            plot.lines[i].symbol = makeMarker("Diamond", size=3, fillColor=colour,
                                              strokeColor=colour)
    _day_axis(plot, since, until)
    plot.yValueAxis.valueMin = 0
    values = [y for _, points, _, _ in shown for _, y in points]
    plot.yValueAxis.valueMax = y_max if y_max is not None else max(10.0, max(values) * 1.15)
    if y_max == 10:
        plot.yValueAxis.valueSteps = [0, 2, 4, 6, 8, 10]
    drawing.add(plot)
    drawing.add(String(0.1 * cm, plot.y + plot.height + 0.25 * cm, y_title, fontName="Helvetica",
                       fontSize=7, fillColor=GREY))
    if not legend:
        return drawing
    legend = Legend()
    legend.x, legend.y = 1.3 * cm, 0.25 * cm
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = "Helvetica", 7.5
    legend.dx, legend.dy, legend.deltax = 8, 6, 40
    legend.autoXPadding = 14
    legend.colorNamePairs = [(colour, label) for label, _, colour, _ in shown]
    drawing.add(legend)
    return drawing


def _adherence_chart(data: ReportData) -> Drawing:
    weeks = data.adherence.weeks
    drawing = Drawing(CHART_W, 4.2 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.3 * cm, 0.8 * cm
    chart.width, chart.height = CHART_W - 1.6 * cm, 2.9 * cm
    chart.data = [[100.0 * w.done / w.planned if w.planned else 0.0 for w in weeks]]
    chart.categoryAxis.categoryNames = [w.week_start.strftime("%d %b") for w in weeks]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.valueSteps = [0, 25, 50, 75, 100]
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = RULE
    chart.bars[0].fillColor = DONE_COLOUR
    chart.bars[0].strokeColor = None
    chart.barWidth = 6
    drawing.add(chart)
    drawing.add(String(0.1 * cm, chart.y + chart.height + 0.25 * cm,
                       "% of planned moments done, per week (weeks start on Monday)",
                       fontName="Helvetica", fontSize=7, fillColor=GREY))
    return drawing


# ---- sections -------------------------------------------------------------------------------

def _summary(data: ReportData, st) -> list:
    rows = [["Sessions", f"{len(data.sessions)} ({data.live_sessions} live, "
                         f"{len(data.sessions) - data.live_sessions} from reviewed videos)"],
            ["Days with a session", str(data.active_days)],
            ["Sets, reps", f"{data.total_sets} sets, {data.total_reps} reps"]]
    a = data.adherence
    if a is not None:
        share = "-" if a.share is None else f"{100 * a.share:.0f}%"
        rows.append(["Plan kept", f"{a.done} of {a.planned} planned moments ({share}); "
                                  f"streak {a.streak_days} day{'s' if a.streak_days != 1 else ''}"])
    if data.pain:
        befores = [p.before for p in data.pain if p.before is not None]
        afters = [p.after for p in data.pain if p.after is not None]
        rows.append(["Pain (0-10)", f"before: {_num(sum(befores) / len(befores), '{:.1f}') if befores else '-'} "
                                    f"on average, after: {_num(sum(afters) / len(afters), '{:.1f}') if afters else '-'} "
                                    f"({len(data.pain)} check-ins)"])
    table = Table(rows, colWidths=[4.2 * cm, CHART_W - 4.2 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                               ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                               ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return [Paragraph("Summary", st["h2"]), table]


def _plan(data: ReportData, st) -> list:
    out = [Paragraph("Plan and how it was kept", st["h2"])]
    if data.adherence is None:
        return out + [Paragraph("No plan was set for this period. A plan (posecheck's "
                                "Plan &amp; report section) lets this report show which planned "
                                "moments were done.", st["body"])]
    for line in data.plan_lines:
        out.append(Paragraph("&bull; " + escape(line), st["body"]))
    a = data.adherence
    if not a.weeks:
        return out + [Paragraph("No planned moment was due in this period yet.", st["body"])]
    rows = [["Week of", "Planned", "Done", "Missed", "Kept"]]
    for w in a.weeks:
        rows.append([w.week_start.strftime("%a %d %b %Y"), w.planned, w.done, w.planned - w.done,
                     f"{100 * w.done / w.planned:.0f}%" if w.planned else "-"])
    out += [Spacer(1, 4), _table(rows, [4 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm], st),
            Spacer(1, 6), _adherence_chart(data),
            Paragraph(f"A planned moment counts as done when a live session of it (a whole "
                      f"routine run for a routine) started the same day within two hours of "
                      f"it; a moment is counted once its two hours are over. Missed: "
                      f"{sum(s.state == MISSED for s in a.statuses)}; done: "
                      f"{sum(s.state == DONE for s in a.statuses)}.", st["small"])]
    return out


def _exercises(data: ReportData, st) -> list:
    out = [Paragraph("Exercises", st["h2"])]
    if not data.exercises:
        return out + [Paragraph("No session in this period.", st["body"])]
    rows = [["Exercise", "Sessions", "Sets", "Reps", "Reps with a fault", "Avg hold (s)",
             "Avg range (deg)", "Target (deg)"]]
    for e in data.exercises:
        reps = str(e.reps)
        if e.reps_by_side:
            reps += " (" + ", ".join(f"{side[0].upper()} {n}" for side, n in
                                      sorted(e.reps_by_side.items())) + ")"
        rows.append([e.name, e.sessions, e.sets, reps, e.faulty_reps,
                     _num(e.mean_hold_s, "{:.1f}"), _num(e.mean_range_deg), _num(e.mean_target_deg)])
    out.append(_table(rows, [4.8 * cm, 1.7 * cm, 1.2 * cm, 2.1 * cm, 1.9 * cm, 1.7 * cm,
                             1.9 * cm, 1.8 * cm], st))
    out.append(Paragraph("Range: how far each rep moved from the person's own start position "
                         "(degrees of the exercise's key angle), against the range it was shown "
                         "against (the person's chosen range, else the exercise's standard). "
                         "Holds: still time at the working end, for exercises that ask for a "
                         "hold or a pause.", st["small"]))
    return out


def _ranges(data: ReportData, st) -> list:
    out = [CondPageBreak(7 * cm), Paragraph("Range of motion against target, over time", st["h2"]),
           Paragraph("Per session, the average range of its reps from the person's start "
                     "(solid, blue) and the range they were shown against (dashed, grey).",
                     st["small"])]
    half = CHART_W / 2 - 0.2 * cm
    cells = []
    for e in data.exercises:
        points = [(s, _x(s.when, data.since)) for s in data.sessions
                  if s.exercise_id == e.exercise_id and s.mean_range_deg is not None]
        if not points:
            continue
        reach = [(x, s.mean_range_deg) for s, x in points]
        target = [(x, s.mean_target_deg) for s, x in points if s.mean_target_deg is not None]
        chart = _line_chart([("range", reach, RANGE_COLOUR, False),
                             ("target", target, TARGET_COLOUR, True)],
                            data.since, data.until, "degrees", height=4.0 * cm, width=half,
                            legend=False)
        cells.append([Paragraph(escape(e.name), st["h3"]), chart])
    if not cells:
        return out + [Paragraph("No rep in this period has a measured range.", st["body"])]
    if len(cells) % 2:
        cells.append("")
    grid = Table([[cells[i], cells[i + 1]] for i in range(0, len(cells), 2)],
                 colWidths=[CHART_W / 2] * 2, hAlign="LEFT")
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return out + [grid]


def _faults(data: ReportData, st) -> list:
    out = [CondPageBreak(5 * cm), Paragraph("Most frequent form faults, with posecheck's cue", st["h2"])]
    if not data.faults:
        return out + [Paragraph("No form fault was seen in this period.", st["body"])]
    rows = [["Exercise", "Fault", "Times", "Of reps", "What posecheck says"]]
    for f in data.faults:
        rows.append([f.exercise_name, f.code.replace("_", " "), f.count,
                     f"{100 * f.count / f.exercise_reps:.0f}%" if f.exercise_reps else "-",
                     Paragraph(escape(f.cue or "-"), st["cell"])])
    out.append(_table(rows, [3.4 * cm, 2.8 * cm, 1.3 * cm, 1.4 * cm, CHART_W - 8.9 * cm], st,
                      align_right_from=2))
    out.append(Paragraph("Times: reps with the fault, plus episodes counted per set (out of view, "
                         "facing the wrong way). Of reps: times / that exercise's reps.",
                         st["small"]))
    return out


def _pain(data: ReportData, st) -> list:
    out = [CondPageBreak(7 * cm), Paragraph("Pain before and after, over time", st["h2"])]
    if not data.pain:
        return out + [Paragraph("No pain rating was recorded in this period (the check-ins are "
                                "asked before and after each live session, and may be skipped).",
                                st["body"])]
    before = [(_x(p.when, data.since), p.before) for p in data.pain if p.before is not None]
    after = [(_x(p.when, data.since), p.after) for p in data.pain if p.after is not None]
    out.append(_line_chart([("before", before, BEFORE_COLOUR, False),
                            ("after", after, AFTER_COLOUR, False)],
                           data.since, data.until, "pain, 0 (none) to 10 (worst)", y_max=10))
    rows = [["When", "Session", "Before", "After", "Change"]]
    for p in data.pain:
        change = (f"{p.after - p.before:+d}" if p.before is not None and p.after is not None else "-")
        rows.append([p.when.strftime("%a %d %b %H:%M"), p.what, _num(p.before), _num(p.after), change])
    out.append(_table(rows, [3.6 * cm, 6 * cm, 1.6 * cm, 1.6 * cm, 1.6 * cm], st, align_right_from=2))
    return out


def _sessions(data: ReportData, st) -> list:
    out = [CondPageBreak(4 * cm), Paragraph("Every session", st["h2"])]
    if not data.sessions:
        return out + [Paragraph("None.", st["body"])]
    rows = [["When", "Exercise", "Routine", "Status", "Reps per set", "Range / target (deg)",
             "Faults", "Pain before", "Pain after"]]
    for s in data.sessions:
        faults = ", ".join(f"{k.replace('_', ' ')} x{v}" for k, v in
                           sorted(s.faults.items(), key=lambda kv: -kv[1])) or "none"
        status = s.status + (" (video)" if s.source == "video" else "")
        rows.append([s.when.strftime("%d %b %H:%M"), s.exercise_name, s.routine or "", status,
                     ", ".join(str(n) for n in s.reps_per_set) or "-",
                     f"{_num(s.mean_range_deg)} / {_num(s.mean_target_deg)}",
                     Paragraph(escape(faults), st["cell"]), _num(s.pain_before), _num(s.pain_after)])
    out.append(_table(rows, [2.0 * cm, 3.0 * cm, 1.9 * cm, 1.6 * cm, 1.3 * cm, 1.6 * cm,
                             CHART_W - 14.2 * cm, 1.4 * cm, 1.4 * cm], st, align_right_from=4))
    return out


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes."""
    st = _styles()
    buffer = io.BytesIO()
    period = f"{data.since.strftime('%d %b %Y')} to {data.until.strftime('%d %b %Y')}"

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 1.0 * cm, f"{TITLE}, {period}. Not a medical assessment.")
        canvas.drawRightString(PAGE_W - MARGIN, 1.0 * cm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=1.6 * cm, bottomMargin=1.8 * cm, title=TITLE,
                            author="posecheck", subject=f"Exercise progress, {period}")
    story = [Paragraph(TITLE, st["title"]),
             Paragraph(f"Period: <b>{period}</b>. Made {data.made_at.strftime('%d %b %Y %H:%M')} "
                       "on this computer, from the local history (numbers only: no video or "
                       "image of the person).", st["body"]),
             Paragraph("<b>Not a medical assessment.</b> " + escape(NOT_MEDICAL.split(". ", 1)[1]),
                       st["note"])]
    for part in (_summary, _plan, _exercises, _ranges, _faults, _pain, _sessions):
        story += part(data, st)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
