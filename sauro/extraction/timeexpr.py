"""Vietnamese time expressions → ``TimeSpec``: "trước ngày 15/3/2026", "trong quý I/2026", "hằng tháng",
"thường xuyên", "trong 10 ngày làm việc"… (PRODUCT: rõ thời gian). Pure: the working-day calendar is
``common.calendar``; no database.

SKELETON: the time helper fills this in.
"""

from __future__ import annotations

import datetime

from sauro.extraction.types import UNCLEAR, TimeSpec


def parse_time(text: str, ref: datetime.date) -> TimeSpec:
    """The deadline ``text`` (a sentence or just its time expression) sets, read against ``ref`` (the
    document's date)."""
    return UNCLEAR
