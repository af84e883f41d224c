"""Background work of the petitions domain: the hot-spot early warning (point 7 of issue 19).

``run_hotspot_scan`` is a plain function of the day, run by the daily pass (``daily.jobs.run_daily_pass``, before the
day's e-mail digests so the morning digest carries the new flags); it is idempotent (``hotspots.hotspot_scan``: a
flag is raised and notified once, under its key), so a pass run twice for a day notifies nobody twice.
"""

from __future__ import annotations

import datetime

from sauro.petitions.hotspots import hotspot_scan


def run_hotspot_scan(day: datetime.date) -> dict[str, int]:
    """Raise and notify the day's new hot spots, end those whose condition has gone."""
    result = hotspot_scan(as_of=day)
    return {"raised": len(result.raised), "ended": len(result.ended), "already": result.already}
