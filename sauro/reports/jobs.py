"""The reporting regime's part of the daily pass (called from ``daily.jobs.run_daily_pass``)."""

from __future__ import annotations

import datetime
from typing import Any

from sauro.reports.services import report_reminders, reports_generate


def run_daily_reports(day: datetime.date) -> dict[str, Any]:
    """Create the duties of the day (idempotent), then remind the heads of units whose report is due today or
    missing (at most once per duty and day; nothing on a day off)."""
    generated = reports_generate(as_of=day)
    reminded = report_reminders(as_of=day)
    return {"duties_created": generated.created, "reminded": reminded}
