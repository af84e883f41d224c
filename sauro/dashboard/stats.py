"""Every figure of the dashboards and reports about tasks: the single source the pages, the API and the quarterly
report read.

**The tasks of a period.** For a user, a unit (its subtree) and a period ``[start, end]`` seen on a day
``as_of`` (its data cut-off: the period's last day, or an earlier day a report is dated), the tasks counted are
those that
- the user may see (``tasks.access.tasks_visible_to``),
- are led by the unit or a unit below it (``Unit.path`` prefix; every visible task when no unit is given),
- were issued on or before ``as_of`` and were not cancelled on or before it (drafts never count),
- and belong to the period (``tasks.selectors.in_period``, issue 20, the Government Office's practice): due in it
  (the due date in force on ``as_of``), or carried over from an earlier period (due before ``start`` and not done
  before it — counted in the totals and also apart, ``TaskStats.carried``), or issued in it and due after it
  ("chưa hoàn thành – trong hạn" while open) — each then in exactly one of the four reporting states as of
  ``as_of`` (PRODUCT §6) — or are ongoing (thường xuyên, ``is_ongoing``, normally without a due date), counted
  apart as ``ongoing`` whatever the period (an ongoing task is under way in every period once issued).
  The trends (by month of due date) count the tasks due in each month only.

The reporting state is ``tasks.selectors.reporting_state_expr`` as of ``as_of``: approved by then and completed
on/before the deadline in force on that day → on time, after → late; not approved by ``as_of`` → overdue when
``as_of`` is past the deadline in force on that day, else in time. So the figures of a period are the same whenever
they are read: what happened after ``as_of`` changes nothing.

**Rates** (percent, one decimal, ``None`` when nothing is counted): ``total`` = the four states (ongoing
apart); on-time rate = done on time / total; completion rate = (done on time + done late) / total.

**Days late** of an open overdue task: the overdue list is ranked in SQL by the deadline in force on
``as_of`` (earliest first, i.e. the most days late first); the days late shown are **working days** after that
deadline up to ``as_of`` (``common.calendar.working_days_between``), computed for the listed rows only.

Every figure is an aggregate in SQL: Python only loops over unit rows (a few hundred at most) and the rows of
a page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from sauro.accounts.models import User
from sauro.common import calendar, clock
from sauro.dashboard.periods import MONTH, QUARTER, bounds
from sauro.monitoring.access import obstacles_visible_to
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.discipline import UnitDiscipline, update_discipline
from sauro.monitoring.models import ProgressUpdate
from sauro.org.access import subtree_ids, unit_paths
from sauro.org.models import Unit
from sauro.org.selectors import sibling_key
from sauro.tasks import summary
from sauro.tasks.access import normal_tasks_visible_to, sees_every_normal_task, tasks_visible_to
from sauro.tasks.choices import OPEN_STATES, ReportingState
from sauro.tasks.models import CANCELLED_ON, LIVE_UNCANCELLED, SUMMARISED, DoneTaskMonth, Task
from sauro.tasks.selectors import (
    CARRIED,
    CURRENT,
    done_by,
    in_period,
    led_within,
    open_overdue_on,
    reporting_prefilter,
    with_reporting_state,
)

DUE_STATES = (
    ReportingState.DONE_ON_TIME,
    ReportingState.DONE_LATE,
    ReportingState.OPEN_ON_TIME,
    ReportingState.OPEN_OVERDUE,
)
STATE_KEYS = ("done_on_time", "done_late", "open_on_time", "open_overdue", "ongoing")
# The same four states counted again for the tasks carried over from earlier periods (``CARRIED``): a part of the
# totals, shown apart.
CARRIED_KEYS = tuple(f"{CARRIED}_{key}" for key in STATE_KEYS[:4])
COUNT_KEYS = STATE_KEYS + CARRIED_KEYS


@dataclass
class TaskStats:
    """The four-state counts of a period, ongoing tasks apart, and the rates derived from them. The counts include
    the tasks carried over from earlier periods; ``carried`` gives their part alone."""

    total: int
    done_on_time: int
    done_late: int
    open_on_time: int
    open_overdue: int
    ongoing: int
    on_time_rate: float | None
    completion_rate: float | None
    carried_counts: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_counts(cls, counts: dict[str, Any]) -> TaskStats:
        c = {key: int(counts.get(key) or 0) for key in STATE_KEYS}
        total = c["done_on_time"] + c["done_late"] + c["open_on_time"] + c["open_overdue"]
        carried = {key: int(counts.get(f"{CARRIED}_{key}") or 0) for key in STATE_KEYS[:4]}
        return cls(
            total=total,
            **c,
            on_time_rate=rate(c["done_on_time"], total),
            completion_rate=rate(c["done_on_time"] + c["done_late"], total),
            carried_counts={k: n for k, n in carried.items() if n},
        )

    @property
    def carried(self) -> TaskStats:
        """The part of the counts carried over from earlier periods: due before the period, not done before it
        (done in it, or still open and overdue)."""
        return TaskStats.from_counts(self.carried_counts)

    def counts(self) -> dict[str, int]:
        """Every count by key (``COUNT_KEYS``), to add stats up."""
        out = {key: getattr(self, key) for key in STATE_KEYS}
        out.update({f"{CARRIED}_{key}": n for key, n in self.carried_counts.items()})
        return out

    @classmethod
    def empty(cls) -> TaskStats:
        return cls.from_counts({})


def rate(part: int, whole: int) -> float | None:
    """``part`` / ``whole`` in percent with one decimal; ``None`` when ``whole`` is 0."""
    return round(part * 100 / whole, 1) if whole else None


def _counts_by_state(qs: QuerySet[Task], *keys: str) -> dict[tuple[Any, ...], dict[str, int]]:
    """Counts per reporting state of ``qs`` (from ``_period``), grouped by ``keys``: one grouped query, the
    state's CASE evaluated once per row. ``{(key values…): {state: n}}``."""
    rows = qs.values(*keys, "period_part", "reporting_state").annotate(n=Count("id", output_field=IntegerField()))
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in rows:
        _add(out, tuple(row[k] for k in keys), row["reporting_state"], row["n"], row["period_part"])
    return out


def _add(out: dict[Any, dict[str, int]], key: Any, state: str, n: int, part: str = CURRENT) -> None:
    bucket = out.setdefault(key, dict.fromkeys(COUNT_KEYS, 0))
    bucket[state] += n
    if part == CARRIED:
        bucket[f"{CARRIED}_{state}"] += n


# What the dated counts are grouped by: the lead unit's id, the regime month of the due date (as (year, month),
# the month of its last day), or nothing (key None).
BY_LEAD, BY_MONTH = "lead", "month"


def _dated_counts(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date, by: str | None
) -> dict[Any, dict[str, int]]:
    """Counts per reporting state of the visible tasks of the subtree that belong to ``[start, end]`` as of
    ``as_of`` (``tasks.selectors.in_period``: due in it, carried over, issued in it and due later; by month of due
    date only the first), grouped ``by``: one query.

    For a reader who sees every normal task and a period of whole regime months (every dashboard's and report's),
    PostgreSQL answers the done tasks of the past from the maintained summary and reads live only the others
    (``tasks.summary``): a few thousand summary rows instead of every task of two years, the parts as one
    ``UNION ALL``. Otherwise one grouped query."""
    spill = by != BY_MONTH
    # The due date's month is worked out here from the day (a few hundred days, in the due-date index's order).
    keys = {BY_LEAD: ["lead_unit_id"], BY_MONTH: ["due_date"]}.get(by or "", [])

    def counted(qs: QuerySet[Task]) -> QuerySet[Any]:
        # Without "state IS NOT NULL" (the state's CASE once more): the rows without one are skipped below.
        period = _period(qs, start, end, as_of, ongoing=False, spill=spill, stated_only=False)
        return period.values(*keys, "period_part", "reporting_state").annotate(
            n=Count("id", output_field=IntegerField())
        )

    gated = counted(led_within(tasks_visible_to(user), user, unit_id))
    parts: list[QuerySet[Any]] = []
    if summary.available() and summary.whole_months(start, end) and sees_every_normal_task(user):
        cut = summary.cut_off(as_of)
        first_month = summary.regime_month(start)
        wanted = Q(due_month__gte=first_month, due_month__lte=end)
        if spill:
            # Not ongoing, made done (approved) in the period at the earliest (``in_period``: not done before it):
            # carried over (due before the period), or due after it. Their issue day is before their completion
            # (``models.SUMMARISED``), so on or before ``as_of``.
            made_done_in_it = Q(done_month__gte=first_month, is_ongoing=False)
            wanted |= made_done_in_it & (Q(due_month__lt=first_month) | Q(due_month__gt=end))
        done = DoneTaskMonth.objects.filter(wanted, done_month__lte=cut)
        lead_ids = subtree_ids(user, unit_id)
        if lead_ids is not None:
            done = done.filter(lead_unit_id__in=lead_ids) if lead_ids else done.filter(lead_unit_id__gt=0)
        group = {BY_LEAD: ["lead_unit_id"], BY_MONTH: ["due_month"]}.get(by or "", [])
        part = Case(
            When(due_month__lt=first_month, then=Value(CARRIED)), default=Value(CURRENT), output_field=CharField()
        )
        parts.append(
            done.annotate(period_part=part, reporting_state=summary.state_expr())
            .values(*group, "period_part", "reporting_state")
            .annotate(n=Sum("n"))
            .order_by()
        )
        # The live parts share one built query (the period's conditions and the state's CASE are resolved once;
        # each part adds its own condition). The unsummarised tasks: the cancelled ones only when cancelled after
        # the day seen (before, they have no reporting state), looked up by that day; the others by their own index
        # (``models.LIVE_UNCANCELLED``). The summarised ones are all of normal classification, which this reader
        # sees every one of; the done ones made done after the cut-off in two parts (``summary.made_done_after``).
        normal = counted(led_within(normal_tasks_visible_to(user), user, unit_id)).filter(SUMMARISED)
        parts += [
            gated.filter(LIVE_UNCANCELLED),
            gated.filter(CANCELLED_ON, cancelled_on__gt=as_of),
            *(normal.filter(made_done) for made_done in summary.made_done_after(cut)),
        ]
    else:
        parts.append(gated)
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    out: dict[Any, dict[str, int]] = {}
    for row in rows:  # dicts named after the first part's columns: (key, part, state, n) in that order
        *key_values, part_value, state_value, n = row.values()
        if state_value is None:
            continue
        if by == BY_MONTH:
            month = summary.regime_month(key_values[0])
            key: Any = (month.year, month.month)
        else:
            key = (key_values[0] or None) if key_values else None
        _add(out, key, state_value, n, part_value)
    return out


def _period_counts(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date, by: str | None
) -> dict[Any, dict[str, int]]:
    """The period's counts (see the module docstring) grouped ``by`` lead unit or not at all: the tasks due in the
    period (``_dated_counts``) plus the ongoing tasks due outside it (their own small index). One query with "due in
    the period OR ongoing" would read the table row by row."""
    out = _dated_counts(user=user, unit_id=unit_id, start=start, end=end, as_of=as_of, by=by)
    qs = led_within(tasks_visible_to(user), user, unit_id)
    ongoing = with_reporting_state(
        qs.filter(issued_on__isnull=False, issued_on__lte=as_of, is_ongoing=True)
        .exclude(due_date__gte=start, due_date__lte=end)
        .annotate(period_part=Value(CURRENT, output_field=CharField())),
        as_of,
    ).filter(reporting_state__isnull=False)  # type: ignore[misc]  # an annotation
    keys = ("lead_unit_id",) if by == BY_LEAD else ()
    for key_values, counts in _counts_by_state(ongoing.order_by(), *keys).items():
        for state, n in counts.items():
            if n:
                bucket = out.setdefault(key_values[0] if keys else None, dict.fromkeys(COUNT_KEYS, 0))
                bucket[state] += n
    return out


def _period(
    qs: QuerySet[Task],
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    *,
    ongoing: bool = True,
    spill: bool = True,
    stated_only: bool = True,
) -> QuerySet[Task]:
    """The tasks of the period (``tasks.selectors.in_period``) with a reporting state as of ``as_of``.
    ``ongoing=False``: without the ongoing tasks due outside the period ("… OR ongoing" needs another index and
    the table); ``spill=False``: the tasks due in the period only; ``stated_only=False``: the tasks without a
    reporting state too (``reporting_state`` None), for a count that skips them itself."""
    qs = in_period(qs, start, end, as_of, ongoing=ongoing, spill=spill)
    qs = with_reporting_state(qs, as_of).order_by()
    return qs.filter(reporting_state__isnull=False) if stated_only else qs  # type: ignore[misc]  # an annotation


def period_tasks(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> QuerySet[Task]:
    """The tasks counted for the period (see the module docstring), annotated with ``reporting_state`` and
    ``deadline_at`` as of ``as_of``. Unordered."""
    return _period(led_within(tasks_visible_to(user), user, unit_id), start, end, as_of)


def task_stats(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> TaskStats:
    """The counts and rates of the period's tasks: a few grouped queries (``_period_counts``)."""
    counts = _period_counts(user=user, unit_id=unit_id, start=start, end=end, as_of=as_of, by=None)
    return TaskStats.from_counts(counts.get(None, {}))


def _child_id(path: str, parent: Unit) -> int:
    """The id of the child of ``parent`` whose subtree holds the unit at ``path`` (paths are made of ids:
    ``/1/7/23/``), or the parent's own id for the parent itself."""
    rest = path[len(parent.path) :]
    return int(rest.split("/", 1)[0]) if rest else parent.pk


def _stats_by_child(
    *, user: User, parent: Unit, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> dict[int | None, TaskStats]:
    """Stats per child of ``parent`` (key ``parent.pk`` for the tasks the parent leads itself): one query grouped
    by lead unit (a few hundred rows at most), folded into the children here."""
    paths = unit_paths(user)
    totals: dict[int, dict[str, int]] = {}
    by_lead = _period_counts(user=user, unit_id=parent.pk, start=start, end=end, as_of=as_of, by=BY_LEAD)
    for lead_id, counts in by_lead.items():
        bucket = totals.setdefault(_child_id(paths[lead_id], parent), dict.fromkeys(COUNT_KEYS, 0))
        for key in COUNT_KEYS:
            bucket[key] += counts[key]
    return {child: TaskStats.from_counts(counts) for child, counts in totals.items()}


def _visibleled_within(user: User, parent: Unit) -> list[Unit]:
    """The units of ``parent``'s subtree the user may see (a few hundred rows at most): one query."""
    from sauro.org.access import units_visible_to

    return list(units_visible_to(user).filter(path__startswith=parent.path).order_by("path"))


def _children(parent: Unit, units: Iterable[Unit]) -> list[Unit]:
    """The children of ``parent`` among ``units``: active ones first, then closed ones, in tree order."""
    children = [u for u in units if u.parent_id == parent.pk]
    return sorted(children, key=lambda u: (u.valid_to is not None, *sibling_key(u)))


def task_stats_by_unit(
    *, user: User, parent_unit_id: int, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> list[tuple[Unit, TaskStats]]:
    """Per visible child unit of ``parent_unit_id`` (active ones always, closed ones when they have tasks), the
    stats of its subtree's tasks; then the parent itself when it leads tasks of the period. Two queries (the
    units, one grouped aggregate)."""
    parent = Unit.objects.filter(pk=parent_unit_id).first()
    if parent is None:
        return []
    by_child = _stats_by_child(user=user, parent=parent, start=start, end=end, as_of=as_of)
    rows = [
        (unit, by_child.get(unit.pk) or TaskStats.empty())
        for unit in _children(parent, _visibleled_within(user, parent))
        if unit.valid_to is None or unit.pk in by_child
    ]
    if parent.pk in by_child:
        rows.append((parent, by_child[parent.pk]))
    return rows


# --- trends -------------------------------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    """One reporting-regime month or quarter of due dates (its cut-off window, clipped to the range asked):
    ``label`` like ``T3/2026`` (15/2 – 14/3/2026) or ``Q1/2026`` (15/12/2025 – 14/3/2026)."""

    year: int
    number: int  # month 1–12 or quarter 1–4
    label: str
    start: datetime.date
    end: datetime.date
    stats: TaskStats


def _regime_month_counts(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> dict[tuple[int, int], dict[str, int]]:
    """Counts per reporting state of the period's tasks with a due date, per regime month (year, month) of their
    due date (``_dated_counts``)."""
    return _dated_counts(user=user, unit_id=unit_id, start=start, end=end, as_of=as_of, by=BY_MONTH)


def _points(
    counts: dict[tuple[int, int], dict[str, int]], *, start: datetime.date, end: datetime.date, quarterly: bool
) -> list[TrendPoint]:
    """Every regime month or quarter of ``[start, end]`` (empty ones too) with its counts summed from ``counts``."""
    points = []
    day = start
    while day <= end:
        p_start, p_end = bounds(QUARTER if quarterly else MONTH, day)
        # A regime month or quarter ends on the 14th of its (last) month.
        year, number = p_end.year, (p_end.month - 1) // 3 + 1 if quarterly else p_end.month
        months = [(year, number * 3 - 2), (year, number * 3 - 1), (year, number * 3)] if quarterly else [(year, number)]
        total = dict.fromkeys(COUNT_KEYS, 0)
        for key in months:
            for state, n in counts.get(key, {}).items():
                total[state] += n
        points.append(
            TrendPoint(
                year=year,
                number=number,
                label=f"Q{number}/{year}" if quarterly else f"T{number}/{year}",
                start=max(p_start, start),
                end=min(p_end, end),
                stats=TaskStats.from_counts(total),
            )
        )
        day = p_end + datetime.timedelta(days=1)
    return points


def monthly_trend(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> list[TrendPoint]:
    """The period's tasks with a due date, per reporting-regime month of due date (15th of the previous month → 14th;
    every month of the period, empty ones too): one query grouped by year, month and half-month."""
    counts = _regime_month_counts(user=user, unit_id=unit_id, start=start, end=end, as_of=as_of)
    return _points(counts, start=start, end=end, quarterly=False)


def quarterly_trend(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> list[TrendPoint]:
    """As ``monthly_trend``, per reporting-regime quarter of due date (quarter I: 15/12 → 14/3; one query)."""
    counts = _regime_month_counts(user=user, unit_id=unit_id, start=start, end=end, as_of=as_of)
    return _points(counts, start=start, end=end, quarterly=True)


def trends(
    *,
    user: User,
    unit_id: int | None,
    month_start: datetime.date,
    quarter_start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """``monthly_trend`` from ``month_start`` and ``quarterly_trend`` from ``quarter_start`` to ``end``, from one
    query over the wider window (a regime month lies wholly inside one regime quarter, so the monthly counts
    add up to the quarterly ones). Both windows must start on a regime month's first day, as the charts' do."""
    counts = _regime_month_counts(
        user=user, unit_id=unit_id, start=min(month_start, quarter_start), end=end, as_of=as_of
    )
    return (
        _points(counts, start=month_start, end=end, quarterly=False),
        _points(counts, start=quarter_start, end=end, quarterly=True),
    )


# --- overdue tasks --------------------------------------------------------------------------------------------------


def overdue_queryset(*, user: User, unit_id: int | None, as_of: datetime.date) -> QuerySet[Task]:
    """Every visible task of the subtree open and past its deadline in force on ``as_of`` (whatever its due
    date), the most days late first."""
    qs = led_within(tasks_visible_to(user), user, unit_id)
    exact = open_overdue_on(as_of)
    if exact is not None:
        qs = with_reporting_state(qs.filter(exact), as_of)
    else:
        qs = qs.filter(reporting_prefilter([ReportingState.OPEN_OVERDUE], as_of))
        qs = with_reporting_state(qs, as_of).filter(reporting_state=ReportingState.OPEN_OVERDUE)  # type: ignore[misc]  # an annotation
    return qs.select_related("lead_unit", "responsible_person").order_by("deadline_at", "due_date", "id")  # type: ignore[misc]  # an annotation


def with_progress_on(qs: QuerySet[Task], as_of: datetime.date) -> QuerySet[Task]:
    """Annotate ``progress_at``: the progress on ``as_of`` — today's stored one from today on; on a past day the
    percent of the last progress update recorded on or before it (0 without one), 100 once done by then. A list of a
    past day shows the task as it was then, not as it is now (issue 20)."""
    if as_of >= clock.today():
        return qs.annotate(progress_at=F("progress"))
    last = (
        ProgressUpdate.objects.filter(task=OuterRef("pk"), recorded_on__lte=as_of)
        .order_by("-recorded_on", "-created_at", "-id")
        .values("percent")[:1]
    )
    return qs.annotate(
        progress_at=Case(
            When(done_by(as_of), then=Value(100)),
            default=Coalesce(Subquery(last, output_field=IntegerField()), Value(0)),
            output_field=IntegerField(),
        )
    )


def open_focus_count(*, user: User, unit_id: int | None) -> int:
    """How many tasks marked "trọng tâm" the unit's subtree has under way (visible to ``user``): one query."""
    qs = led_within(tasks_visible_to(user), user, unit_id)
    return qs.filter(is_focus=True, state__in=OPEN_STATES).count()


def overdue_tasks(*, user: User, unit_id: int | None, as_of: datetime.date, limit: int = 20) -> list[Task]:
    """The first ``limit`` of ``overdue_queryset``, each with ``days_late`` (working days after the deadline in
    force up to ``as_of``). One query (plus the calendar's version check)."""
    tasks = list(overdue_queryset(user=user, unit_id=unit_id, as_of=as_of)[:limit])
    cal = calendar.current_calendar()
    for task in tasks:
        task.days_late = cal.working_days_between(task.deadline_at, as_of)  # type: ignore[attr-defined]
    return tasks


# --- the league table -------------------------------------------------------------------------------------------

# Late or missing periodic reports per unit: filled by the reports app, which registers a provider
# ``(unit_ids, start, end, as_of) -> {unit_id: count}`` at start-up. Without one, every unit counts 0.
ReportCounter = Callable[[list[int], datetime.date, datetime.date, datetime.date], dict[int, int]]
_report_counters: list[ReportCounter] = []


def register_report_counter(counter: ReportCounter) -> None:
    """Plug a source of late/missing report counts into the league table (the reports app calls this)."""
    if counter not in _report_counters:
        _report_counters.append(counter)


def late_reports(unit_ids: list[int], start: datetime.date, end: datetime.date, as_of: datetime.date) -> dict[int, int]:
    """Late or missing reports of each unit (exactly that unit) for the period: the sum of the registered
    providers; filled by the reports app (0 for every unit until it registers)."""
    total: dict[int, int] = dict.fromkeys(unit_ids, 0)
    for counter in _report_counters:
        for unit_id, n in counter(unit_ids, start, end, as_of).items():
            if unit_id in total:
                total[unit_id] += n
    return total


@dataclass
class LeagueRow:
    """One unit of the league table (its whole subtree counted) for a period and the previous one."""

    unit: Unit
    stats: TaskStats
    previous: TaskStats
    late_reports: int
    updates_expected: int
    updates_late: int
    update_on_time_rate: float | None  # percent of the decided updates made on time
    obstacles: int  # obstacles answered in the period or still open on as_of
    obstacle_response_days: float | None  # average working days from raised to answered (to as_of when open)
    is_parent: bool = False  # the parent unit's own tasks (not its children's)
    rank: int = 0
    descendant_ids: list[int] = field(default_factory=list)

    @property
    def trend(self) -> float | None:
        """On-time rate now minus the previous period's, in points; ``None`` when either is unknown."""
        if self.stats.on_time_rate is None or self.previous.on_time_rate is None:
            return None
        return round(self.stats.on_time_rate - self.previous.on_time_rate, 1)

    @property
    def trend_size(self) -> float | None:
        """The trend without its sign (the page says "up" or "down" in words)."""
        return None if self.trend is None else abs(self.trend)

    @property
    def trend_direction(self) -> str:
        """``up``, ``down``, ``flat`` or ``none`` (no comparison possible)."""
        t = self.trend
        if t is None:
            return "none"
        return "up" if t > 0 else "down" if t < 0 else "flat"


def _owner(path: str, parent: Unit, children: dict[str, int]) -> int | None:
    """The child (by path prefix) holding ``path``; the parent's id for the parent itself."""
    if path == parent.path:
        return parent.pk
    rest = path[len(parent.path) :]
    head = rest.split("/", 1)[0]
    return children.get(f"{parent.path}{head}/")


def league_table(
    *,
    user: User,
    parent_unit_id: int,
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    previous_start: datetime.date,
    previous_end: datetime.date,
) -> list[LeagueRow]:
    """The league table's rows (see ``league_table_and_total``)."""
    return league_table_and_total(
        user=user,
        parent_unit_id=parent_unit_id,
        start=start,
        end=end,
        as_of=as_of,
        previous_start=previous_start,
        previous_end=previous_end,
    )[0]


def league_table_and_total(
    *,
    user: User,
    parent_unit_id: int,
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    previous_start: datetime.date,
    previous_end: datetime.date,
) -> tuple[list[LeagueRow], TaskStats]:
    """The child units of ``parent_unit_id`` ranked by on-time rate (best first; units with nothing due last),
    then fewer overdue tasks. Per unit (its subtree):
    - the period's stats and the previous period's (as of ``previous_end``, or ``as_of`` if earlier): the trend is
      the difference of on-time rates in points;
    - late/missing reports (``late_reports``: filled by the reports app);
    - update discipline: updates owed with a due date in the period (``monitoring.discipline``), late ones and
      the on-time share of the decided ones;
    - obstacle response time: average working days from raised to answered, over the visible obstacles of the
      subtree answered in the period or still open on ``as_of`` (counted to ``as_of``).
    A handful of queries whatever the number of tasks: units, two grouped task aggregates, the subtree ids,
    discipline, obstacles. The total is ``task_stats`` of the parent for the period: the per-child counts added up
    (the same tasks, so the dashboard's cards need no query of their own).
    """
    parent = Unit.objects.filter(pk=parent_unit_id).first()
    if parent is None:
        return [], TaskStats.empty()
    current = _stats_by_child(user=user, parent=parent, start=start, end=end, as_of=as_of)
    previous = _stats_by_child(
        user=user, parent=parent, start=previous_start, end=previous_end, as_of=min(previous_end, as_of)
    )
    subtree = _visibleled_within(user, parent)
    units = [u for u in _children(parent, subtree) if u.valid_to is None or u.pk in current]
    with_parent = parent.pk in current
    by_path = {u.path: u.pk for u in units}
    # Every visible unit of the subtree (≤ a few hundred rows) mapped to its child: for discipline and reports.
    owner_of = {u.pk: _owner(u.path, parent, by_path) for u in subtree}
    descendants: dict[int, list[int]] = {}
    for pk, owner in owner_of.items():
        if owner is not None:
            descendants.setdefault(owner, []).append(pk)
    unit_ids = [pk for pk, owner in owner_of.items() if owner is not None]
    discipline: dict[int, list[UnitDiscipline]] = {}
    for d in update_discipline(unit_ids=unit_ids, start=start, end=end, as_of=as_of):
        if d.expected:
            discipline.setdefault(owner_of[d.unit_id] or 0, []).append(d)
    reports: dict[int, int] = {}
    for unit_id, n in late_reports(unit_ids, start, end, as_of).items():
        key = owner_of[unit_id] or 0
        reports[key] = reports.get(key, 0) + n
    obstacle_days: dict[int, list[int]] = {}
    obstacles = (
        obstacles_visible_to(user)
        .filter(lead_unit__path__startswith=parent.path, raised_on__lte=as_of)
        .filter(
            Q(state=ObstacleState.ANSWERED, answered_on__gte=start, answered_on__lte=min(end, as_of))
            | Q(state=ObstacleState.OPEN)
            | Q(state=ObstacleState.ANSWERED, answered_on__gt=as_of)
        )
        .order_by()
        .values_list("lead_unit_id", "raised_on", "answered_on")
    )
    cal = calendar.current_calendar()
    spans: dict[tuple[datetime.date, datetime.date], int] = {}  # thousands of obstacles, far fewer date pairs
    for lead_id, raised, answered in obstacles:
        owner = owner_of.get(lead_id)
        if owner is None:
            continue
        until = answered if answered is not None and answered <= as_of else as_of
        days = spans.get((raised, until))
        if days is None:
            days = spans[(raised, until)] = max(cal.working_days_between(raised, until), 0)
        obstacle_days.setdefault(owner, []).append(days)

    def row(unit: Unit, is_parent: bool = False) -> LeagueRow:
        owed = discipline.get(unit.pk, [])
        on_time = sum(d.on_time for d in owed)
        late = sum(d.late for d in owed)
        days = obstacle_days.get(unit.pk, [])
        return LeagueRow(
            unit=unit,
            stats=current.get(unit.pk) or TaskStats.empty(),
            previous=previous.get(unit.pk) or TaskStats.empty(),
            late_reports=reports.get(unit.pk, 0),
            updates_expected=sum(d.expected for d in owed),
            updates_late=late,
            update_on_time_rate=rate(on_time, on_time + late),
            obstacles=len(days),
            obstacle_response_days=round(sum(days) / len(days), 1) if days else None,
            is_parent=is_parent,
            descendant_ids=sorted(descendants.get(unit.pk, [])),
        )

    rows = [row(u) for u in units]
    rows.sort(
        key=lambda r: (
            r.stats.on_time_rate is None,
            -(r.stats.on_time_rate or 0),
            r.stats.open_overdue,
            r.unit.sort_order,
            r.unit.name,
        )
    )
    for i, r in enumerate(rows, start=1):
        r.rank = i
    if with_parent:
        rows.append(row(parent, is_parent=True))
    total = dict.fromkeys(COUNT_KEYS, 0)
    for child_stats in current.values():
        for count_key, count in child_stats.counts().items():
            total[count_key] += count
    return rows, TaskStats.from_counts(total)


def unit_ids_of(rows: Iterable[LeagueRow]) -> list[int]:
    return [r.unit.pk for r in rows]
