"""Progress over days: the person's plan (plan.py, plan_file.py), its calendar file (ics.py),
how well it was kept (adherence in plan.py), and the report for them and their physiotherapist
(report_data.py -> report_pdf.py / report_export.py). Pure except plan_file.py (the plan's file)
and report_pdf.py (reportlab)."""
