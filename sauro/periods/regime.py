"""The reporting regime's periods (PRODUCT §8): pure functions of the kind, the year and the period number.

Data cut-off windows (both ends included):

- monthly, month m: the 15th of the previous month → the 14th of m (January: 15 Dec of the previous year);
- quarterly, quarter q: the 15th of the month before the quarter → the 14th of its last month
  (Q1: 15 Dec of the previous year → 14 Mar);
- 6-month: 15 Dec of the previous year → 14 Jun; 9-month: 15 Dec → 14 Sep; yearly: 15 Dec → 14 Dec.

The submission is due ``N`` working days after the cut-off end (``common.calendar``: weekends, public holidays with
their nghỉ bù and the override table are skipped, so a cut-off just before Tết or 30/4 moves the due day past the
holidays). ``N`` is ``SAURO_REPORT_DUE_WORKING_DAYS`` (default 2), per kind overridable in
``SAURO_REPORT_DUE_WORKING_DAYS_BY_KIND`` and per regime (``ReportRegime.due_working_days``).

Period keys: ``2026-03`` (monthly), ``2026Q1``, ``2026H1``, ``2026M9``, ``2026`` (yearly). Ad hoc reports have no
calendar period: their window and due day are set when they are requested.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

from sauro.common import calendar
from sauro.periods.choices import ReportKind

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

ERR_QUARTER = "Quý không hợp lệ: “{value}”. Hãy viết theo dạng NĂMQsố quý, ví dụ 2026Q1 (quý I năm 2026)."
ERR_PERIOD_KEY = "Kỳ báo cáo không hợp lệ: “{value}”."
ERR_NUMBER = "{kind} không có kỳ số {number}."
ERR_AD_HOC = "Báo cáo đột xuất không có kỳ cố định: thời hạn được đặt khi yêu cầu báo cáo."
ERR_YEAR = "Năm không hợp lệ: {year}."

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-/]?\s*[Qq]\s*([1-4])\s*$")
_KEY_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})|Q(?P<q>[1-4])|(?P<h>H1)|(?P<m9>M9))?$")


class RegimeError(ValueError):
    """A bad period reference; the message is Vietnamese, fit to show to the user."""


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int
    key: str
    label: str
    cutoff_start: datetime.date
    cutoff_end: datetime.date
    due_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.cutoff_start <= day <= self.cutoff_end


def due_working_days(kind: str) -> int:
    """Working days after the cut-off end within which a report of ``kind`` is due (settings)."""
    by_kind = getattr(settings, "SAURO_REPORT_DUE_WORKING_DAYS_BY_KIND", {}) or {}
    if kind in by_kind:
        return int(by_kind[kind])
    return int(getattr(settings, "SAURO_REPORT_DUE_WORKING_DAYS", 2))


def due_date(cutoff_end: datetime.date, working_days: int) -> datetime.date:
    """The submission due day: ``working_days`` working days after the cut-off end (0: the cut-off day, or the next
    working day when that is a day off)."""
    if working_days <= 0:
        return calendar.deadline_on_or_after(cutoff_end)
    return calendar.add_working_days(cutoff_end, working_days)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _window(kind: str, year: int, number: int) -> tuple[datetime.date, datetime.date, str, str]:
    if not 1900 <= year <= 9999:
        raise RegimeError(ERR_YEAR.format(year=year))
    label_kind = str(ReportKind(kind).label) if kind in ReportKind.values else kind
    bad = RegimeError(ERR_NUMBER.format(kind=label_kind, number=number))
    if kind == ReportKind.MONTHLY:
        if not 1 <= number <= 12:
            raise bad
        py, pm = _month_before(year, number)
        return (
            datetime.date(py, pm, 15),
            datetime.date(year, number, 14),
            f"{year}-{number:02d}",
            f"Tháng {number} năm {year}",
        )
    if kind == ReportKind.QUARTERLY:
        if not 1 <= number <= 4:
            raise bad
        first = 3 * number - 2
        py, pm = _month_before(year, first)
        return (
            datetime.date(py, pm, 15),
            datetime.date(year, first + 2, 14),
            f"{year}Q{number}",
            f"Quý {ROMAN[number]} năm {year}",
        )
    if kind in (ReportKind.HALF_YEAR, ReportKind.NINE_MONTH, ReportKind.YEARLY):
        if number != 1:
            raise bad
        start = datetime.date(year - 1, 12, 15)
        if kind == ReportKind.HALF_YEAR:
            return start, datetime.date(year, 6, 14), f"{year}H1", f"6 tháng đầu năm {year}"
        if kind == ReportKind.NINE_MONTH:
            return start, datetime.date(year, 9, 14), f"{year}M9", f"9 tháng đầu năm {year}"
        return start, datetime.date(year, 12, 14), f"{year}", f"Năm {year}"
    if kind == ReportKind.AD_HOC:
        raise RegimeError(ERR_AD_HOC)
    raise RegimeError(ERR_PERIOD_KEY.format(value=kind))


def reporting_month(day: datetime.date) -> tuple[int, int]:
    """The reporting year and month a day belongs to: they run from the 15th (15 Dec 2025 is in January 2026)."""
    year, month = day.year, day.month
    if day.day >= 15:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return year, month


def window(kind: str, year: int, number: int = 1) -> tuple[datetime.date, datetime.date, str, str]:
    """The cut-off window (first day, last day), key and label of a period — ``period`` without the due day, which
    needs the holiday calendar (and so the database)."""
    return _window(kind, year, number)


def period(kind: str, year: int, number: int = 1, *, due_days: int | None = None) -> ReportPeriod:
    """The period ``number`` (month 1–12, quarter 1–4, else 1) of ``kind`` in ``year``.

    ``due_days`` overrides the settings' working days (a regime's own value)."""
    start, end, key, label = _window(kind, year, number)
    days = due_working_days(kind) if due_days is None else due_days
    return ReportPeriod(
        kind=str(kind),
        year=year,
        number=number,
        key=key,
        label=label,
        cutoff_start=start,
        cutoff_end=end,
        due_on=due_date(end, days),
    )


def period_containing(kind: str, day: datetime.date, *, due_days: int | None = None) -> ReportPeriod | None:
    """The period of ``kind`` whose cut-off window contains ``day``; ``None`` when there is none (a 6-month or
    9-month report covers only part of the year; ad hoc reports have no periods)."""
    year, month = reporting_month(day)
    if kind == ReportKind.MONTHLY:
        return period(kind, year, month, due_days=due_days)
    if kind == ReportKind.QUARTERLY:
        return period(kind, year, (month - 1) // 3 + 1, due_days=due_days)
    if kind == ReportKind.YEARLY:
        return period(kind, year, 1, due_days=due_days)
    if kind == ReportKind.HALF_YEAR and month <= 6:
        return period(kind, year, 1, due_days=due_days)
    if kind == ReportKind.NINE_MONTH and month <= 9:
        return period(kind, year, 1, due_days=due_days)
    return None


def periods_ending_between(
    kind: str, start: datetime.date, end: datetime.date, *, due_days: int | None = None
) -> list[ReportPeriod]:
    """Every period of ``kind`` whose cut-off end falls in ``[start, end]``, in order."""
    found: list[ReportPeriod] = []
    if kind == ReportKind.AD_HOC:
        return found
    numbers = {ReportKind.MONTHLY: range(1, 13), ReportKind.QUARTERLY: range(1, 5)}.get(kind, range(1, 2))  # type: ignore[call-overload]
    for year in range(start.year, end.year + 1):
        for number in numbers:
            p = period(kind, year, number, due_days=due_days)
            if start <= p.cutoff_end <= end:
                found.append(p)
    return found


def parse_quarter(value: str) -> tuple[int, int]:
    """``"2026Q1"`` → ``(2026, 1)``; a ``RegimeError`` with a Vietnamese message for anything else."""
    match = _QUARTER_RE.match(value or "")
    if match is None:
        raise RegimeError(ERR_QUARTER.format(value=(value or "")[:40]))
    return int(match[1]), int(match[2])


def quarter_period(value: str) -> ReportPeriod:
    year, number = parse_quarter(value)
    return period(ReportKind.QUARTERLY, year, number)


def parse_period_key(kind: str, key: str, *, due_days: int | None = None) -> ReportPeriod:
    """The period of ``kind`` named by ``key`` (``2026-03``, ``2026Q1``, ``2026H1``, ``2026M9``, ``2026``)."""
    match = _KEY_RE.match(key or "")
    if match is None:
        raise RegimeError(ERR_PERIOD_KEY.format(value=(key or "")[:40]))
    year = int(match["year"])
    expected = {
        ReportKind.MONTHLY: match["month"] is not None,
        ReportKind.QUARTERLY: match["q"] is not None,
        ReportKind.HALF_YEAR: match["h"] is not None,
        ReportKind.NINE_MONTH: match["m9"] is not None,
        ReportKind.YEARLY: not any(match[g] for g in ("month", "q", "h", "m9")),
    }
    if not expected.get(kind, False):  # type: ignore[call-overload]
        raise RegimeError(ERR_PERIOD_KEY.format(value=key[:40]))
    number = int(match["month"]) if match["month"] else int(match["q"]) if match["q"] else 1
    return period(kind, year, number, due_days=due_days)


def next_quarter(p: ReportPeriod) -> ReportPeriod:
    year, number = (p.year + 1, 1) if p.number == 4 else (p.year, p.number + 1)
    return period(ReportKind.QUARTERLY, year, number)
