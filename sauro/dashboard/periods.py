"""The dashboard's period picker: a month, quarter or year holding the as-of day, or a custom range; and the
period just before it for the league table's trend. (The reporting regime's periods belong to the reports app.)"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date

    @property
    def label(self) -> str:
        return label_of(self.kind, self.start, self.end)

    @property
    def previous_label(self) -> str:
        return label_of(self.kind, self.previous_start, self.previous_end)

    @property
    def is_running(self) -> bool:
        """The as-of day falls inside the period (its figures may still change)."""
        return self.start <= self.as_of < self.end


def label_of(kind: str, start: datetime.date, end: datetime.date) -> str:
    if kind == MONTH:
        return f"Tháng {start.month}/{start.year}"
    if kind == QUARTER:
        return f"Quý {ROMAN[(start.month - 1) // 3 + 1]}/{start.year}"
    if kind == YEAR:
        return f"Năm {start.year}"
    return f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month, quarter or year holding ``day``."""
    if kind == MONTH:
        return day.replace(day=1), _month_end(day.year, day.month)
    if kind == YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    first = (day.month - 1) // 3 * 3 + 1
    return datetime.date(day.year, first, 1), _month_end(day.year, first + 2)


def period_for_picker(
    kind: str,
    *,
    today: datetime.date,
    as_of: datetime.date | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    """The period picked: for a month/quarter/year, the one holding the as-of day (default today); for a custom
    range, ``[start, end]`` seen on ``as_of`` (default the earlier of ``end`` and today). The previous period is
    the month/quarter/year before, or a range of the same length just before a custom one."""
    if kind == CUSTOM and start is not None and end is not None:
        day = as_of or min(end, today)
        length = end - start
        previous_end = start - datetime.timedelta(days=1)
        return Period(CUSTOM, start, end, day, previous_end - length, previous_end)
    if kind not in (MONTH, QUARTER, YEAR):
        kind = QUARTER
    day = as_of or today
    p_start, p_end = bounds(kind, day)
    prev_start, prev_end = bounds(kind, p_start - datetime.timedelta(days=1))
    return Period(kind, p_start, p_end, day, prev_start, prev_end)


def shifted(period: Period, step: int, *, today: datetime.date) -> Period | None:
    """The same kind of period ``step`` periods away (seen on its last day, or today while it runs); ``None`` for
    a custom range or a period that has not started yet."""
    if period.kind == CUSTOM:
        return None
    day = period.start - datetime.timedelta(days=1) if step < 0 else period.end + datetime.timedelta(days=1)
    if day > today:
        return None
    _start, end = bounds(period.kind, day)
    return period_for_picker(period.kind, today=today, as_of=min(end, today))
