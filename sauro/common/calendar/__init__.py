"""The working-day calendar: the only way business code counts working days (ARCHITECTURE, rule 4).

Public API (each function consults the override table as it is in the database at the time of the call)::

    is_working_day(d) -> bool
    add_working_days(d, n) -> date            # n working days after d (before it if n < 0), d not counted
    working_days_between(start, end) -> int   # inverse of add_working_days; see WorkCalendar for the rule
    deadline_on_or_after(d) -> date           # Bộ luật Dân sự 2015, Điều 148 khoản 5
    holidays_between(start, end) -> list[Holiday]
    current_calendar() -> WorkCalendar        # one snapshot, for many computations at once

A working day is a Monday to Friday that is not a public holiday of the Labour Code (with its nghỉ bù), unless
the override table (``sauro.workdays.WorkdayOverride``, edited in the admin with the citing document) says
otherwise; the override table always wins.  The kernel does not import the table's app: ``workdays`` registers
its table here when Django starts (``register_override_source`` in its ``AppConfig.ready``, ARCHITECTURE rule 11);
without a registered source the calendar is the statutory one.  The statutory rules and their default layouts are
described in :mod:`.statutory`; the lunar calendar behind Tết and Giỗ Tổ in :mod:`.lunar`.

Why not the ``holidays`` package (used only by the tests, to cross-check): its Vietnamese calendar is a table
for 1901–2099 rather than the astronomical rule, it hard-codes its own guesses for how Tết and the second
Quốc khánh day are laid out and a list of past swaps that only changes with a new release and a deploy, and
it cannot say which legal text makes a day off.  Here every day off is traceable to an article of the law or
to a recorded decision that an administrator can add the day it is published.

For bulk work (a list of tasks, a report), take one snapshot with ``current_calendar()`` and call its
methods: each module-level function costs one small query.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from .lunar import LunarDate, lunar_to_solar, solar_to_lunar
from .types import Holiday, HolidayKind, Override
from .work_calendar import WorkCalendar

__all__ = [
    "Holiday",
    "HolidayKind",
    "LunarDate",
    "Override",
    "OverrideRow",
    "WorkCalendar",
    "add_working_days",
    "current_calendar",
    "deadline_on_or_after",
    "holidays_between",
    "is_working_day",
    "lunar_to_solar",
    "register_override_source",
    "solar_to_lunar",
    "working_days_between",
]

# The last calendar built from the override table, with the table's version it was built from.  It is only a
# cache: every call first reads the version (row count and latest ``updated_at``) from the database, so a
# change made by any process is seen by the next call of every process.
_cached: tuple[tuple[Any, ...], WorkCalendar] | None = None
MEMO_KEY = "common.calendar"

# One override row: the day, whether it is a working day, its name and the document it rests on.
OverrideRow = tuple[datetime.date, bool, str, str]


class _OverrideSource:
    """Where the override table is read from: ``version()`` is cheap and changes whenever the rows change."""

    def __init__(self, version: Callable[[], Hashable], rows: Callable[[], Iterable[OverrideRow]]) -> None:
        self.version = version
        self.rows = rows


_source: _OverrideSource | None = None


def register_override_source(*, version: Callable[[], Hashable], rows: Callable[[], Iterable[OverrideRow]]) -> None:
    """Make ``rows()`` the override table of the calendar, rebuilt whenever ``version()`` changes (called once,
    by the ``workdays`` app when Django starts)."""
    global _source, _cached
    _source = _OverrideSource(version, rows)
    _cached = None


def current_calendar() -> WorkCalendar:
    """The working-day calendar with the override table as it is now in the database.

    One aggregate query when the table has not changed since the last call in this process; two when it has; none
    for the second and later calls of one request (a request sees one calendar).
    """
    global _cached
    # Imported here so that the pure logic loads without Django.
    from sauro.common.request_context import memo

    request_memo = memo()
    if request_memo is not None and MEMO_KEY in request_memo:
        seen: WorkCalendar = request_memo[MEMO_KEY]
        return seen

    source = _source
    version = (id(source), source.version() if source is not None else None)
    cached = _cached
    if cached is not None and cached[0] == version:
        if request_memo is not None:
            request_memo[MEMO_KEY] = cached[1]
        return cached[1]
    rows = source.rows() if source is not None else ()
    calendar = WorkCalendar(
        {
            day: Override(is_working_day=working, name=name, citing_document=citation)
            for day, working, name, citation in rows
        }
    )
    # Rows read after the version can only be newer than it: at worst the next call rebuilds once more.
    _cached = (version, calendar)
    if request_memo is not None:
        request_memo[MEMO_KEY] = calendar
    return calendar


def is_working_day(d: datetime.date) -> bool:
    """Whether ``d`` is a working day."""
    return current_calendar().is_working_day(d)


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``d`` (before it when ``n < 0``), ``d`` not counted; ``n == 0`` gives ``d``."""
    return current_calendar().add_working_days(d, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in ``(start, end]``, or minus those in ``[end, start)`` when ``end < start``."""
    return current_calendar().working_days_between(start, end)


def deadline_on_or_after(d: datetime.date) -> datetime.date:
    """``d``, or the next working day when ``d`` is a day off (Bộ luật Dân sự 2015, Điều 148 khoản 5)."""
    return current_calendar().deadline_on_or_after(d)


def holidays_between(start: datetime.date, end: datetime.date) -> list[Holiday]:
    """The holidays, nghỉ bù days and override days off in ``[start, end]``, in date order."""
    return current_calendar().holidays_between(start, end)
