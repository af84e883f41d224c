"""Every figure of a unit's dashboard for a period, in one place: the page (``dashboard.views.overview_view``) and the
API (``GET /api/v1/stats/dashboard``) show the same."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sauro.accounts.models import User
from sauro.dashboard import stats
from sauro.dashboard.periods import MONTH, QUARTER, Period, bounds

MONTHS_SHOWN = 12
QUARTERS_SHOWN = 8


@dataclass
class DashboardFigures:
    totals: stats.TaskStats  # the period's cards: the league's per-child counts added up
    league: list[stats.LeagueRow]
    months: list[stats.TrendPoint]  # the last MONTHS_SHOWN regime months up to the period's end
    quarters: list[stats.TrendPoint]  # the last QUARTERS_SHOWN regime quarters


def chart_window(period: Period, kind: str, count: int) -> tuple[datetime.date, datetime.date]:
    """``count`` reporting-regime months or quarters (``kind``) ending with the one holding the period's last day."""
    start = bounds(kind, period.end)[0]
    for _ in range(count - 1):
        start = bounds(kind, start - datetime.timedelta(days=1))[0]
    return start, period.end


def dashboard_figures(*, user: User, unit_id: int, period: Period) -> DashboardFigures:
    """The league table of ``unit_id``'s children with the period's totals, and the monthly and quarterly trends of
    its subtree: a dozen queries whatever the number of tasks (``dashboard.stats``)."""
    league, totals = stats.league_table_and_total(
        user=user,
        parent_unit_id=unit_id,
        start=period.start,
        end=period.end,
        as_of=period.as_of,
        previous_start=period.previous_start,
        previous_end=period.previous_end,
    )
    month_start, _end = chart_window(period, MONTH, MONTHS_SHOWN)
    quarter_start, _end = chart_window(period, QUARTER, QUARTERS_SHOWN)
    months, quarters = stats.trends(
        user=user,
        unit_id=unit_id,
        month_start=month_start,
        quarter_start=quarter_start,
        end=period.end,
        as_of=period.as_of,
    )
    return DashboardFigures(totals=totals, league=league, months=months, quarters=quarters)
