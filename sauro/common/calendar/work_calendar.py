"""Working-day arithmetic over the statutory calendar plus an override table (pure: no database)."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from collections.abc import Mapping
from types import MappingProxyType

from .lunar import MAX_YEAR, MIN_YEAR
from .statutory import statutory_holidays
from .types import Holiday, HolidayKind, Override

__all__ = ["DEFAULT_OVERRIDE_NAME", "WorkCalendar"]

DEFAULT_OVERRIDE_NAME = "Ngày nghỉ"  # shown for an override day off recorded without a name

_ONE_DAY = datetime.timedelta(days=1)


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays–Fridays there are among the proleptic ordinals 1..ordinal (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@dataclasses.dataclass(frozen=True, slots=True)
class _Year:
    holidays: tuple[Holiday, ...]  # every day off of the year except plain weekends, in date order
    off_weekdays: frozenset[int]  # ordinals of Mondays–Fridays that are not worked
    worked_weekends: frozenset[int]  # ordinals of Saturdays/Sundays that are worked
    off_weekdays_sorted: tuple[int, ...]
    worked_weekends_sorted: tuple[int, ...]


class WorkCalendar:
    """The working days of Vietnamese public bodies: Monday to Friday, less the public holidays.

    Statutory holidays and nghỉ bù come from :mod:`.statutory`; ``overrides`` (date → :class:`Override`)
    always win over them, whether they make a day off (a swap, a new holiday) or a working day (a Saturday
    worked in exchange, a default Tết day that the year's decision placed elsewhere).

    Supports the dates of the years 1800–2199 (those of the lunar calendar); other dates raise ``ValueError``.
    Instances are immutable and safe to share between threads.
    """

    def __init__(self, overrides: Mapping[datetime.date, Override] | None = None) -> None:
        self._overrides: Mapping[datetime.date, Override] = MappingProxyType(dict(overrides or {}))
        self._overrides_by_year: dict[int, list[tuple[datetime.date, Override]]] = {}
        for day, override in sorted(self._overrides.items()):
            self._overrides_by_year.setdefault(day.year, []).append((day, override))
        self._years: dict[int, _Year] = {}  # lazily built, a pure function of the overrides

    def __repr__(self) -> str:
        return f"<WorkCalendar with {len(self._overrides)} override(s)>"

    @property
    def overrides(self) -> Mapping[datetime.date, Override]:
        return self._overrides

    # -- queries ------------------------------------------------------------------------------------------

    def is_working_day(self, d: datetime.date) -> bool:
        """Whether ``d`` is a working day."""
        return self._is_working(d.toordinal())

    def add_working_days(self, d: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``d`` (before it when ``n`` is negative); ``d`` itself is not counted.

        ``n == 0`` returns ``d`` unchanged, working day or not.  For ``n != 0`` the result is always a
        working day, and ``working_days_between(d, add_working_days(d, n)) == n``.
        Example: 10 working days after Tuesday 10 Feb 2026 is Tuesday 3 Mar 2026 (Tết: 16–20 Feb).
        """
        self._year(d.year)
        step = 1 if n > 0 else -1
        ordinal = d.toordinal()
        remaining = abs(n)
        while remaining:
            ordinal += step
            if self._is_working(ordinal):
                remaining -= 1
        return datetime.date.fromordinal(ordinal)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The signed number of working days from ``start`` to ``end``: the day counted from is excluded.

        - ``end >= start``: the number of working days in ``(start, end]`` (0 when ``end == start``);
        - ``end < start``: minus the number of working days in ``[end, start)``.

        In both directions the origin ``start`` is excluded and the destination ``end`` included, which makes
        this the inverse of :meth:`add_working_days`: ``working_days_between(d, add_working_days(d, n)) == n``
        for every ``n``.  It is not antisymmetric when an end is a day off: from a Saturday to the next
        Monday counts 1 (the Monday), from that Monday back to the Saturday counts 0.
        Use it for "days late" (``working_days_between(due, today)``) and "days left"
        (``working_days_between(today, due)``).
        """
        a, b = start.toordinal(), end.toordinal()
        if b >= a:
            return self._count(a + 1, b)
        return -self._count(b, a - 1)

    def deadline_on_or_after(self, d: datetime.date) -> datetime.date:
        """``d`` if it is a working day, else the next working day.

        Bộ luật Dân sự 2015, Điều 148 khoản 5: when the last day of a time limit is a weekly rest day or a
        public holiday, the time limit ends at the end of the next working day.
        """
        ordinal = d.toordinal()
        while not self._is_working(ordinal):
            ordinal += 1
        return datetime.date.fromordinal(ordinal)

    def holidays_between(self, start: datetime.date, end: datetime.date) -> list[Holiday]:
        """The days off in ``[start, end]`` (both included) other than plain Saturdays and Sundays.

        Statutory holidays (also when they fall on a weekend), nghỉ bù days and the override table's days off,
        in date order; a statutory day that an override makes a working day is left out.
        """
        if end < start:
            return []
        result: list[Holiday] = []
        for year in range(start.year, end.year + 1):
            result.extend(h for h in self._year(year).holidays if start <= h.date <= end)
        return result

    # -- internals ----------------------------------------------------------------------------------------

    def _is_working(self, ordinal: int) -> bool:
        year = self._year(datetime.date.fromordinal(ordinal).year)
        if (ordinal - 1) % 7 < 5:  # Monday–Friday (ordinal 1, 1 Jan 0001, was a Monday)
            return ordinal not in year.off_weekdays
        return ordinal in year.worked_weekends

    def _count(self, first: int, last: int) -> int:
        """The number of working days among the ordinals ``first..last`` (both included)."""
        if last < first:
            return 0
        total = _weekdays_through(last) - _weekdays_through(first - 1)
        for year_number in range(datetime.date.fromordinal(first).year, datetime.date.fromordinal(last).year + 1):
            year = self._year(year_number)
            total -= _count_in(year.off_weekdays_sorted, first, last)
            total += _count_in(year.worked_weekends_sorted, first, last)
        return total

    def _year(self, year: int) -> _Year:
        info = self._years.get(year)
        if info is None:
            info = self._years[year] = self._build_year(year)
        return info

    def _build_year(self, year: int) -> _Year:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"year {year} is outside the range of the working-day calendar ({MIN_YEAR}..{MAX_YEAR})")
        holidays = {h.date: h for h in statutory_holidays(year)}
        worked_weekends: set[int] = set()
        for day, override in self._overrides_by_year.get(year, ()):
            if override.is_working_day:
                holidays.pop(day, None)
                if day.weekday() >= 5:
                    worked_weekends.add(day.toordinal())
            else:
                holidays[day] = Holiday(
                    day, override.name or DEFAULT_OVERRIDE_NAME, HolidayKind.OVERRIDE, override.citing_document
                )
        off_weekdays = {day.toordinal() for day in holidays if day.weekday() < 5}
        return _Year(
            holidays=tuple(holidays[day] for day in sorted(holidays)),
            off_weekdays=frozenset(off_weekdays),
            worked_weekends=frozenset(worked_weekends),
            off_weekdays_sorted=tuple(sorted(off_weekdays)),
            worked_weekends_sorted=tuple(sorted(worked_weekends)),
        )


def _count_in(sorted_ordinals: tuple[int, ...], first: int, last: int) -> int:
    return bisect.bisect_right(sorted_ordinals, last) - bisect.bisect_left(sorted_ordinals, first)
