"""The "Plan & report" section: the plan above, the report below."""

from __future__ import annotations

from . import plan_page, report_page


def section(lib, routines, records_of) -> None:
    plan_page.section(lib, routines, records_of)
    report_page.section(lib, routines, records_of)
