"""The maintained summary of done tasks (``DoneTaskMonth``) and how the dashboards split a count between it and the
live tables.

A done task (``models.SUMMARISED``) keeps its reporting state once the day its product was approved has passed
(``approved_on``; the completion day for a task made done without an approval): done on time when completed on or
before its deadline, else late (``ongoing`` for an ongoing one), whatever day it is seen from later. Before that day
it was open (issue 20: the report of a past day is the same whenever it is made). So for a period whose due dates
are whole regime months, seen on a day ``as_of``, the counts of a reader who sees every *normal* task
(``tasks.access.sees_every_normal_task``) are:

- from the summary: the done tasks approved in a regime month that ended on or before ``as_of``
  (``cut_off(as_of)``): a few rows per unit and month instead of every task — those due in the period, and those
  not ongoing approved in it and due before it (carried over) or after it (``dashboard.stats``);
- live, through the visibility gate: the tasks the summary does not count (``models.UNSUMMARISED``: open,
  cancelled, *mật* and odd done ones, their own partial index) and the done tasks approved after the cut-off
  (``made_done_after``, the approval-day index) — their state on ``as_of`` is worked out as for any task.

The parts are disjoint and together are exactly the tasks the live query counts; ``tests/dashboard/test_summary.py``
compares them on PostgreSQL. The table is kept by a trigger (migrations ``tasks 0005``; ``0010``: the done month is
the approval's) in the writing transaction; a bulk load that bypasses triggers calls ``rebuild``. SQLite (the demo)
has no trigger: every count is live there (``available``).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Case, CharField, Q, Value, When

from sauro.periods.regime import reporting_month
from sauro.tasks.choices import ReportingState
from sauro.tasks.models import DoneTaskMonth

# A regime month runs from the 15th of the previous calendar month to the 14th (PRODUCT §8).
MONTH_LAST_DAY = 14

# The summary recounted from the tasks (the trigger's condition, ``models.SUMMARISED``).
RECOUNT_SQL = """
SELECT sauro_regime_month(due_date) AS due_month, coalesce(lead_unit_id, 0) AS lead_unit_id,
       sauro_regime_month(coalesce(approved_on, completed_on)) AS done_month, is_ongoing,
       coalesce(completed_on <= deadline, false) AS on_time, count(*) AS n
FROM tasks_task
WHERE state = 'done' AND classification = 'normal' AND due_date IS NOT NULL AND completed_on IS NOT NULL
    AND issued_on <= completed_on
GROUP BY 1, 2, 3, 4, 5
"""
KEY = "due_month, lead_unit_id, done_month, is_ongoing, on_time"


def done_after(day: datetime.date) -> Q:
    """The done tasks made done after ``day`` (approved then, or completed then when no approval day is known)."""
    approved, completed = made_done_after(day)
    return approved | completed


def made_done_after(day: datetime.date) -> tuple[Q, Q]:
    """The done tasks made done after ``day``, as two disjoint conditions: approved then, or completed then without
    an approval day. Read as two parts of a ``UNION ALL``, each is a range of the approval-day index read from the
    index alone (``task_done_approved``); their ``OR`` is a bitmap that visits the table for every row (at a million
    tasks, the previous quarter's dashboard read 10,000 table pages for it)."""
    return Q(approved_on__gt=day), Q(approved_on__isnull=True, completed_on__gt=day)


def available() -> bool:
    """The summary is kept (PostgreSQL's trigger) and may be read."""
    return connection.vendor == "postgresql"


def regime_month(day: datetime.date) -> datetime.date:
    """The regime month holding ``day`` (``periods.regime.reporting_month``), as its last day (the 14th):
    15/3 → 14/4, 14/3 → 14/3."""
    year, month = reporting_month(day)
    return datetime.date(year, month, MONTH_LAST_DAY)


def cut_off(as_of: datetime.date) -> datetime.date:
    """The last day of the last regime month that ended on or before ``as_of``."""
    end = regime_month(as_of)
    if end == as_of:
        return end
    previous = end.replace(day=1) - datetime.timedelta(days=1)
    return previous.replace(day=MONTH_LAST_DAY)


def whole_months(start: datetime.date, end: datetime.date) -> bool:
    """``[start, end]`` is a run of whole regime months (every regime month, quarter and year is)."""
    return start.day == MONTH_LAST_DAY + 1 and end.day == MONTH_LAST_DAY and start <= end


def state_expr() -> Case:
    """The reporting state of a summary row's tasks: ongoing, done on time or done late."""
    return Case(
        When(is_ongoing=True, then=Value(ReportingState.ONGOING.value)),
        When(on_time=True, then=Value(ReportingState.DONE_ON_TIME.value)),
        default=Value(ReportingState.DONE_LATE.value),
        output_field=CharField(),
    )


def rebuild() -> int:
    """Recount the summary from the tasks (after a bulk load that bypassed the trigger); the number of rows."""
    with connection.cursor() as cur:
        cur.execute("TRUNCATE tasks_donetaskmonth")
        cur.execute(f"INSERT INTO tasks_donetaskmonth ({KEY}, n) {RECOUNT_SQL}")
    return DoneTaskMonth.objects.count()


def drift() -> list[tuple[object, ...]]:
    """Keys whose count in the summary differs from a recount of the tasks: ``(key…, kept, recounted)``. Empty when
    the summary is right (the tests and ``sauro bench seed`` check it)."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH fresh AS ({RECOUNT_SQL}), kept AS (SELECT {KEY}, n FROM tasks_donetaskmonth WHERE n <> 0)
            SELECT {KEY}, coalesce(kept.n, 0), coalesce(fresh.n, 0)
            FROM kept FULL JOIN fresh USING ({KEY})
            WHERE coalesce(kept.n, 0) <> coalesce(fresh.n, 0)
            ORDER BY 1, 2, 3
            """  # noqa: S608 — constant SQL
        )
        return [tuple(row) for row in cur.fetchall()]
