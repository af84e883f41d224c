"""The dashboard's period picker: a month, quarter or year holding the as-of day, or a custom range; and the
period just before it for the league table's trend.

A month, quarter or year is the reporting regime's period (``periods.regime``, PRODUCT §8): its data cut-off
window, both ends included — a month runs from the 15th of the previous month to the 14th, quarter I from 15/12
of the previous year to 14/03, a year from 15/12 to 14/12 — and its label (``Quý I năm 2026``). So the dashboard
for a unit and a quarter shows exactly the figures of that quarter's report. The previous period is the regime
period before. A custom range is taken as given."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sauro.common import inputs
from sauro.periods import regime
from sauro.periods.choices import ReportKind

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
# The days whose period, previous period and trend (figures.QUARTERS_SHOWN quarters back: two years) the reporting
# regime knows (its years run from 1900), and whose working days the calendar counts (``common.inputs``).
FIRST_DAY, LAST_DAY = datetime.date(1902, 12, 15), inputs.LAST_DAY
REGIME_KINDS = {MONTH: ReportKind.MONTHLY, QUARTER: ReportKind.QUARTERLY, YEAR: ReportKind.YEARLY}


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


def regime_window(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The cut-off window (first day, last day) and label of the reporting regime's month, quarter or year holding
    ``day``: ``regime.period_containing`` without the submission due day (which needs the holiday calendar). A
    ``RegimeError`` for a day outside the years the regime knows."""
    year, month = regime.reporting_month(day)
    number = {MONTH: month, QUARTER: (month - 1) // 3 + 1}.get(kind, 1)
    start, end, _key, label = regime.window(REGIME_KINDS[kind], year, number)
    return start, end, label


def label_of(kind: str, start: datetime.date, end: datetime.date) -> str:
    """The regime's label of the month, quarter or year starting on ``start``; a custom range's dates."""
    if kind in REGIME_KINDS:
        return regime_window(kind, start)[2]
    return f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


def bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The cut-off window (first and last day) of the regime's month, quarter or year holding ``day``."""
    start, end, _label = regime_window(kind, day)
    return start, end


def period_for_picker(
    kind: str,
    *,
    today: datetime.date,
    as_of: datetime.date | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    """The period picked: for a month/quarter/year, the regime's one holding the as-of day (default today); for a
    custom range, ``[start, end]`` seen on ``as_of`` (default the earlier of ``end`` and today). The previous period
    is the regime's month/quarter/year before, or a range of the same length just before a custom one."""
    if kind == CUSTOM and start is not None and end is not None:
        day = as_of or min(end, today)
        length = end - start
        previous_end = start - datetime.timedelta(days=1)
        return Period(CUSTOM, start, end, day, previous_end - length, previous_end)
    if kind not in REGIME_KINDS:
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
