"""The dashboards: a leader's (or a unit head's) view of a unit subtree for a period — a reporting-regime month,
quarter or year (``dashboard.periods``), or a custom range — and an officer's summary of their own tasks. The
charts are per regime month and quarter too. Every figure comes from ``dashboard.stats`` and links to the task
list showing exactly the tasks behind it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET

from sauro.common import calendar, clock
from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.dashboard import stats
from sauro.dashboard.charts import Chart, bar_chart
from sauro.dashboard.figures import dashboard_figures
from sauro.dashboard.forms import DashboardForm
from sauro.dashboard.periods import Period, shifted
from sauro.meetings.selectors import meeting_figures
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.selectors import ObstacleFilters, obstacle_list
from sauro.org.models import Unit
from sauro.petitions.hotspots import hotspot_trends
from sauro.petitions.selectors import previous_month, reception_day_figures
from sauro.tasks.choices import OPEN_STATES, ReportingState
from sauro.tasks.forms import COUNTED_FILTER, OPEN_FILTER
from sauro.tasks.selectors import TaskFilters, task_counts, task_list

NAV_SECTION = "dashboard"
OVERDUE_LIMIT = 20
OBSTACLE_LIMIT = 10
NEXT_DEADLINES_LIMIT = 10
CARD_KEYS = ("done_on_time", "done_late", "open_on_time", "open_overdue")


# The task list's path per script prefix: the dashboard links to it a few hundred times per page.
_LIST_PATHS: dict[str, str] = {}


def task_list_url(**params: Any) -> str:
    """The task list filtered by ``params`` (``None`` values left out)."""
    prefix = get_script_prefix()
    path = _LIST_PATHS.get(prefix) or _LIST_PATHS.setdefault(prefix, reverse("tasks:list"))
    query = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(query)}"


def drill_url(
    key: str,
    *,
    period: Period,
    unit_id: int | None = None,
    lead_unit_id: int | None = None,
    due: bool = True,
    by_due_date: bool = False,
) -> str:
    """The tasks behind one figure: ``key`` a reporting state, ``total`` (the four states) or ``ongoing``. The
    period's tasks (``tasks.selectors.in_period``: due in it, carried over, issued in it and due later); with
    ``by_due_date``, those due in it only (a chart's bar, by month of due date)."""
    reporting = COUNTED_FILTER if key == "total" else key
    dated = key != ReportingState.ONGOING and due
    start, end = (period.start, period.end) if dated else (None, None)
    return task_list_url(
        unit=unit_id,
        lead_unit=lead_unit_id,
        reporting=reporting,
        due_from=start if by_due_date else None,
        due_to=end if by_due_date else None,
        period_from=None if by_due_date else start,
        period_to=None if by_due_date else end,
        as_of=period.as_of,
    )


@dataclass
class Card:
    key: str
    label: str
    count: int
    url: str


def stat_cards(figures: stats.TaskStats, links: dict[str, str]) -> list[Card]:
    labels = dict(ReportingState.choices)
    cards = [Card("total", "Tổng số có thời hạn", figures.total, links["total"])]
    cards += [Card(k, str(labels[k]), getattr(figures, k), links[k]) for k in CARD_KEYS]
    cards.append(Card("ongoing", str(labels["ongoing"]), figures.ongoing, links["ongoing"]))
    return cards


@dataclass
class LeagueLine:
    row: stats.LeagueRow
    links: dict[str, str]

    @property
    def is_sparse(self) -> bool:
        """Too little data to rank: nothing due in the period, so no on-time rate and no trend. The page folds such
        units into one line (which says how many of them have late reports, late updates or obstacles)."""
        return not self.row.stats.total


@read_only_page
@login_required
@require_GET
def overview_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    today = clock.today()
    form = DashboardForm(request.GET, user=user)
    unit = form.chosen_unit()
    period = form.chosen_period(today)
    form.show(unit, period)
    context: dict[str, Any] = {"form": form, "unit": unit, "period": period, "nav_section": NAV_SECTION}
    if unit is None:
        return render_page(request, "dashboard/overview.html", context)
    links = {k: drill_url(k, period=period, unit_id=unit.pk) for k in ("total", *CARD_KEYS, "ongoing")}
    overdue = stats.overdue_tasks(user=user, unit_id=unit.pk, as_of=period.as_of, limit=OVERDUE_LIMIT)
    obstacles = list(
        obstacle_list(user=user, filters=ObstacleFilters(unit_id=unit.pk, state=ObstacleState.OPEN))[:OBSTACLE_LIMIT]
    )
    cal = calendar.current_calendar()
    for obstacle in obstacles:
        obstacle.age_days = cal.working_days_between(obstacle.raised_on, today)  # type: ignore[attr-defined]
    figures = dashboard_figures(user=user, unit_id=unit.pk, period=period)
    lines = []
    for row in figures.league:
        where: dict[str, int | None] = (
            {"lead_unit_id": unit.pk, "unit_id": None}
            if row.is_parent
            else {"lead_unit_id": None, "unit_id": row.unit.pk}
        )
        row_links = {
            k: drill_url(k, period=period, unit_id=where["unit_id"], lead_unit_id=where["lead_unit_id"])
            for k in ("total", *CARD_KEYS, "ongoing")
        }
        lines.append(LeagueLine(row=row, links=row_links))
    ranked = [line for line in lines if not line.is_sparse]
    sparse = [line for line in lines if line.is_sparse]
    context.update(
        {
            "stats": figures.totals,
            "cards": [
                *stat_cards(figures.totals, links),
                # The tasks marked "trọng tâm" under way now (whatever their due date), as the task list shows them.
                Card(
                    "focus",
                    "Trọng tâm đang thực hiện",
                    stats.open_focus_count(user=user, unit_id=unit.pk),
                    task_list_url(unit=unit.pk, state=OPEN_FILTER, focus="on"),
                ),
            ],
            "overdue": overdue,
            "overdue_all_url": task_list_url(unit=unit.pk, reporting="open_overdue", as_of=period.as_of),
            "obstacles": obstacles,
            "obstacles_url": f"{reverse('monitoring:obstacles')}?{urlencode({'state': 'open', 'unit': unit.pk})}",
            "league": lines,  # every row, in rank order
            "sparse": sparse,
            "league_bodies": [ranked, sparse],  # the ranked units, then those folded into one line
            "sparse_flags": {
                "late_reports": sum(1 for line in sparse if line.row.late_reports),
                "updates_late": sum(1 for line in sparse if line.row.updates_late),
                "obstacles": sum(1 for line in sparse if line.row.obstacles),
            },
            "monthly": _chart("monthly", "Theo tháng có thời hạn", figures.months, period, unit),
            "quarterly": _chart("quarterly", "Theo quý có thời hạn", figures.quarters, period, unit),
            # The register of meetings (issue 18): meetings per host unit against the same period a year before, and
            # the conclusions whose tasks were all issued within five working days (two grouped queries).
            "meetings": meeting_figures(user=user, unit_id=unit.pk, start=period.start, end=period.end, today=today),
            # The petitions' cards (issue 19) come after the page: ``petitions_view`` (the page reads nothing of them).
            "petitions_url": f"{reverse('dashboard:petitions')}?{urlencode({'unit': unit.pk})}",
            "previous_url": _shift_url(form, unit, period, -1, today),
            "next_url": _shift_url(form, unit, period, 1, today),
        }
    )
    return render_page(request, "dashboard/overview.html", context)


def _chart(key: str, title: str, points: list[stats.TrendPoint], period: Period, unit: Unit) -> Chart:
    return bar_chart(
        key,
        title,
        [
            (
                p.label,
                p.stats,
                drill_url(
                    "total",
                    period=Period(period.kind, p.start, p.end, period.as_of, p.start, p.end),
                    unit_id=unit.pk,
                    by_due_date=True,
                ),
            )
            for p in points
        ],
    )


def _shift_url(form: DashboardForm, unit: Unit, period: Period, step: int, today: datetime.date) -> str | None:
    other = shifted(period, step, today=today)
    if other is None:
        return None
    query = {"unit": unit.pk, "period": other.kind, "as_of": other.as_of.isoformat()}
    return f"{reverse('dashboard:overview')}?{urlencode(query)}"


@read_only_page
@login_required
@require_GET
def petitions_view(request: AuthenticatedRequest) -> HttpResponse:
    """The dashboard's petitions cards for the unit chosen, loaded after the page (``hx-trigger="load"``) so that the
    dashboard itself reads nothing of them: the Secretaries' reception days of last month — who held fewer than
    required (three queries; none for a unit without a committee, ward or commune in its subtree) — and the hot spots
    in the unit's subtree by commune and topic, the last 4 weeks against the 12 before (one query; none for whoever
    reads no register of letters). Empty when there is nothing to show."""
    user = request.user
    today = clock.today()
    form = DashboardForm(request.GET, user=user, drawn=False)
    unit = form.chosen_unit()
    if unit is None:
        return HttpResponse("")
    last_month = previous_month(today)
    context = {
        "unit": unit,
        "reception_days": reception_day_figures(user=user, unit_id=unit.pk, year=last_month[0], month=last_month[1]),
        "hotspots": hotspot_trends(user=user, unit_id=unit.pk, today=today),
    }
    return render(request, "dashboard/_petitions.html", context)


@read_only_page
@login_required
@require_GET
def mine_view(request: AuthenticatedRequest) -> HttpResponse:
    """An officer's summary: their tasks (responsible or assigned) by reporting state today, and the next
    deadlines of the open ones."""
    user = request.user
    mine = TaskFilters(officer_id=user.pk)
    counts = task_counts(user=user, filters=mine)
    labels = dict(ReportingState.choices)
    cards = [
        Card(k, str(labels[k]), counts.get(k, 0), task_list_url(mine="on", reporting=k))
        for k in (*CARD_KEYS, "ongoing")
    ]
    upcoming = list(
        task_list(user=user, filters=TaskFilters(officer_id=user.pk, states=[str(s) for s in OPEN_STATES]))
        .filter(due_date__isnull=False)
        .order_by("deadline", "id")[:NEXT_DEADLINES_LIMIT]
    )
    today = clock.today()
    cal = calendar.current_calendar()
    for task in upcoming:
        task.days_left = cal.working_days_between(today, task.deadline_at)  # type: ignore[attr-defined]
        task.days_over = -task.days_left  # type: ignore[attr-defined]
    context = {
        "cards": cards,
        "upcoming": upcoming,
        "all_url": task_list_url(mine="on", state="open"),
        "nav_section": NAV_SECTION,
    }
    return render(request, "dashboard/mine.html", context)
