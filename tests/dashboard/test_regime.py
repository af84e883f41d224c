"""The dashboard's month, quarter and year are the reporting regime's periods (PRODUCT §8): the same cut-off windows
and labels, so the dashboard of a unit for a quarter shows exactly the figures of that quarter's report."""

from __future__ import annotations

import datetime

from django.urls import reverse

from sauro.dashboard import stats
from sauro.dashboard.api import _figures as api_figures
from sauro.dashboard.periods import MONTH, QUARTER, REGIME_KINDS, YEAR, period_for_picker, regime_window, shifted
from sauro.periods.regime import period_containing, quarter_period
from sauro.reports import quarterly

from .conftest import AS_OF
from .test_views import listed_ids

D = datetime.date


def test_periods_are_the_regime_cut_off_windows() -> None:
    today = D(2026, 3, 13)
    q1 = period_for_picker(QUARTER, today=today)
    assert (q1.start, q1.end, q1.label) == (D(2025, 12, 15), D(2026, 3, 14), "Quý I năm 2026")
    assert (q1.previous_start, q1.previous_end, q1.previous_label) == (
        D(2025, 9, 15),
        D(2025, 12, 14),
        "Quý IV năm 2025",
    )
    # The 15th opens the next period: 15/3 is in quarter II, 15/12 in quarter I of the next year.
    assert period_for_picker(QUARTER, today=today, as_of=D(2026, 3, 15)).label == "Quý II năm 2026"
    assert period_for_picker(QUARTER, today=today, as_of=D(2025, 12, 15)).label == "Quý I năm 2026"
    january = period_for_picker(MONTH, today=today, as_of=D(2025, 12, 20))
    assert (january.start, january.end, january.label) == (D(2025, 12, 15), D(2026, 1, 14), "Tháng 1 năm 2026")
    assert (january.previous_start, january.previous_end, january.previous_label) == (
        D(2025, 11, 15),
        D(2025, 12, 14),
        "Tháng 12 năm 2025",
    )
    year = period_for_picker(YEAR, today=today)
    assert (year.start, year.end, year.label) == (D(2025, 12, 15), D(2026, 12, 14), "Năm 2026")
    assert (year.previous_start, year.previous_end) == (D(2024, 12, 15), D(2025, 12, 14))
    for kind in (MONTH, QUARTER, YEAR):
        before = shifted(period_for_picker(kind, today=today), -1, today=today)
        assert before is not None and before.end == period_for_picker(kind, today=today).previous_end
        assert before.as_of == before.end  # a past period is seen on its last day
        assert shifted(period_for_picker(kind, today=today), 1, today=today) is None  # not started yet


def test_dashboard_quarter_equals_the_quarterly_report(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.leader)
    for quarter, as_of in (("2026Q1", AS_OF), ("2025Q4", D(2025, 12, 14))):
        report = quarterly.collect(user=org.leader, unit=org.city, quarter=quarter)
        window = quarter_period(quarter)
        assert report.as_of == as_of
        response = client.get(
            reverse("dashboard:overview"), {"unit": org.city.pk, "period": "quarter", "as_of": as_of.isoformat()}
        )
        assert response.status_code == 200
        period = response.context["period"]
        assert (period.start, period.end, period.as_of) == (window.cutoff_start, window.cutoff_end, report.as_of)
        assert period.label == window.label
        assert window.label in response.content.decode()
        # The cards, and every league row against the report's table by unit.
        assert response.context["stats"] == report.stats
        league = {line.row.unit.pk: line.row.stats for line in response.context["league"]}
        assert league == {row.unit.pk: row.stats for row in report.by_unit}
        # The quarterly chart ends with the same quarter, by due date: its bar counts and links to exactly the
        # report's tasks due in the quarter (not those carried over or due after it).
        bar = response.context["quarterly"].bars[-1]
        assert bar.label == f"Q{window.number}/{window.year}"
        assert len(response.context["quarterly"].bars) == 8
        expected = set(
            stats.period_tasks(
                user=org.leader, unit_id=org.city.pk, start=window.cutoff_start, end=window.cutoff_end, as_of=as_of
            )
            .exclude(reporting_state="ongoing")
            .filter(due_date__gte=window.cutoff_start, due_date__lte=window.cutoff_end)
            .values_list("pk", flat=True)
        )
        assert listed_ids(client, bar.url) == expected and len(expected) == bar.stats.total
        assert bar.stats.total == report.stats.total - (1 if quarter == "2026Q1" else 0)  # I: due after Q1
        # The stats API for the same unit and quarter.
        api = client.get(
            "/api/v1/stats/tasks",
            {"unit_id": org.city.pk, "to": window.cutoff_end.isoformat(), "as_of": as_of.isoformat()},
        ).json()
        assert (api["from"], api["to"]) == (window.cutoff_start.isoformat(), window.cutoff_end.isoformat())
        assert {k: api[k] for k in api_figures(report.stats)} == api_figures(report.stats)
    # The current quarter, by default on both sides (today is AS_OF).
    report = quarterly.collect(user=org.leader, unit=org.city, quarter="2026Q1")
    assert client.get(reverse("dashboard:overview")).context["stats"] == report.stats
    api = client.get("/api/v1/stats/tasks", {"unit_id": org.city.pk}).json()
    assert {k: api[k] for k in api_figures(report.stats)} == api_figures(report.stats)
    assert (report.stats.total, report.stats.done_on_time, report.stats.open_overdue) == (7, 1, 2)


def test_windows_match_the_regime_every_day(db) -> None:  # type: ignore[no-untyped-def]
    """``periods.regime_window`` (no holiday calendar needed) agrees with ``regime.period_containing``."""
    day = D(2025, 11, 1)
    while day <= D(2027, 1, 31):
        for kind in (MONTH, QUARTER, YEAR):
            p = period_containing(REGIME_KINDS[kind], day)
            assert p is not None and regime_window(kind, day) == (p.cutoff_start, p.cutoff_end, p.label), (kind, day)
        day += datetime.timedelta(days=1)
