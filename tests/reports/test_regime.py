"""The reporting regime's periods: cut-off windows across year ends, due days over holidays, parsing."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

from sauro.common import calendar
from sauro.periods.regime import (
    ERR_AD_HOC,
    RegimeError,
    due_date,
    next_quarter,
    parse_period_key,
    parse_quarter,
    period,
    period_containing,
    periods_ending_between,
)
from sauro.reports.choices import ReportKind

D = datetime.date
pytestmark = pytest.mark.django_db  # the calendar reads the override table


@pytest.mark.parametrize(
    ("kind", "year", "number", "key", "label", "start", "end"),
    [
        (ReportKind.MONTHLY, 2026, 1, "2026-01", "Tháng 1 năm 2026", D(2025, 12, 15), D(2026, 1, 14)),
        (ReportKind.MONTHLY, 2026, 3, "2026-03", "Tháng 3 năm 2026", D(2026, 2, 15), D(2026, 3, 14)),
        (ReportKind.MONTHLY, 2025, 12, "2025-12", "Tháng 12 năm 2025", D(2025, 11, 15), D(2025, 12, 14)),
        (ReportKind.QUARTERLY, 2026, 1, "2026Q1", "Quý I năm 2026", D(2025, 12, 15), D(2026, 3, 14)),
        (ReportKind.QUARTERLY, 2026, 2, "2026Q2", "Quý II năm 2026", D(2026, 3, 15), D(2026, 6, 14)),
        (ReportKind.QUARTERLY, 2026, 4, "2026Q4", "Quý IV năm 2026", D(2026, 9, 15), D(2026, 12, 14)),
        (ReportKind.HALF_YEAR, 2026, 1, "2026H1", "6 tháng đầu năm 2026", D(2025, 12, 15), D(2026, 6, 14)),
        (ReportKind.NINE_MONTH, 2026, 1, "2026M9", "9 tháng đầu năm 2026", D(2025, 12, 15), D(2026, 9, 14)),
        (ReportKind.YEARLY, 2026, 1, "2026", "Năm 2026", D(2025, 12, 15), D(2026, 12, 14)),
    ],
)
def test_cutoff_windows(kind: str, year: int, number: int, key: str, label: str, start: D, end: D) -> None:
    p = period(kind, year, number)
    assert (p.key, p.label, p.cutoff_start, p.cutoff_end) == (key, label, start, end)
    assert p.due_on == calendar.add_working_days(end, 2)
    assert parse_period_key(kind, key) == p


def test_consecutive_windows_tile_the_year() -> None:
    months = [period(ReportKind.MONTHLY, 2026, m) for m in range(1, 13)]
    quarters = [period(ReportKind.QUARTERLY, 2026, q) for q in range(1, 5)]
    for seq in (months, quarters):
        for a, b in itertools.pairwise(seq):
            assert b.cutoff_start == a.cutoff_end + datetime.timedelta(days=1)
    assert months[0].cutoff_start == quarters[0].cutoff_start == period(ReportKind.YEARLY, 2026).cutoff_start
    assert months[-1].cutoff_end == quarters[-1].cutoff_end == period(ReportKind.YEARLY, 2026).cutoff_end
    assert period(ReportKind.MONTHLY, 2027, 1).cutoff_start == months[-1].cutoff_end + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("kind", "day", "key"),
    [
        (ReportKind.MONTHLY, D(2025, 12, 14), "2025-12"),
        (ReportKind.MONTHLY, D(2025, 12, 15), "2026-01"),
        (ReportKind.MONTHLY, D(2025, 12, 31), "2026-01"),
        (ReportKind.MONTHLY, D(2026, 1, 14), "2026-01"),
        (ReportKind.QUARTERLY, D(2025, 12, 15), "2026Q1"),
        (ReportKind.QUARTERLY, D(2025, 12, 14), "2025Q4"),
        (ReportKind.QUARTERLY, D(2026, 3, 14), "2026Q1"),
        (ReportKind.QUARTERLY, D(2026, 3, 15), "2026Q2"),
        (ReportKind.HALF_YEAR, D(2025, 12, 20), "2026H1"),
        (ReportKind.HALF_YEAR, D(2026, 6, 14), "2026H1"),
        (ReportKind.NINE_MONTH, D(2026, 9, 14), "2026M9"),
        (ReportKind.YEARLY, D(2025, 12, 15), "2026"),
        (ReportKind.YEARLY, D(2025, 12, 14), "2025"),
    ],
)
def test_period_containing(kind: str, day: D, key: str) -> None:
    p = period_containing(kind, day)
    assert p is not None and p.key == key and p.contains(day)


def test_period_containing_none_outside_partial_year_reports() -> None:
    assert period_containing(ReportKind.HALF_YEAR, D(2026, 6, 15)) is None
    assert period_containing(ReportKind.NINE_MONTH, D(2026, 10, 1)) is None
    assert period_containing(ReportKind.AD_HOC, D(2026, 10, 1)) is None


def test_due_date_two_working_days_after_cutoff() -> None:
    # 14 Mar 2026 is a Saturday: Monday 16 is the first working day after, Tuesday 17 the second.
    assert period(ReportKind.QUARTERLY, 2026, 1).due_on == D(2026, 3, 17)
    # 14 Jan 2026 is a Wednesday.
    assert period(ReportKind.MONTHLY, 2026, 1).due_on == D(2026, 1, 16)


def test_due_date_pushed_over_tet_2026() -> None:
    # February's cut-off ends on Saturday 14 Feb 2026, just before Tết Bính Ngọ (17 Feb 2026): the two working
    # days after it fall after the Tết holidays.
    p = period(ReportKind.MONTHLY, 2026, 2)
    assert p.cutoff_end == D(2026, 2, 14)
    tet = [h.date for h in calendar.holidays_between(D(2026, 2, 14), D(2026, 2, 28))]
    assert D(2026, 2, 17) in tet
    assert p.due_on > max(tet)
    assert calendar.working_days_between(p.cutoff_end, p.due_on) == 2
    assert p.due_on > D(2026, 2, 17) + datetime.timedelta(days=2)


def test_due_date_pushed_over_30_4_and_1_5() -> None:
    # Wednesday 29 Apr 2026 + 2 working days: 30/4 and 1/5 are off, then the weekend → Tuesday 5 May.
    assert due_date(D(2026, 4, 29), 2) == D(2026, 5, 5)


def test_due_days_from_settings_per_kind(settings: Any) -> None:
    settings.SAURO_REPORT_DUE_WORKING_DAYS = 5
    settings.SAURO_REPORT_DUE_WORKING_DAYS_BY_KIND = {"yearly": 3}
    assert period(ReportKind.MONTHLY, 2026, 1).due_on == calendar.add_working_days(D(2026, 1, 14), 5)
    assert period(ReportKind.YEARLY, 2026).due_on == calendar.add_working_days(D(2026, 12, 14), 3)
    assert period(ReportKind.YEARLY, 2026, due_days=1).due_on == calendar.add_working_days(D(2026, 12, 14), 1)
    # Zero days: the cut-off day itself, moved to the next working day when it is a day off (Saturday 14 Mar).
    assert period(ReportKind.QUARTERLY, 2026, 1, due_days=0).due_on == D(2026, 3, 16)


def test_parse_quarter() -> None:
    assert parse_quarter("2026Q1") == (2026, 1)
    assert parse_quarter(" 2026q4 ") == (2026, 4)
    assert parse_quarter("2026-Q2") == (2026, 2)


@pytest.mark.parametrize("bad", ["", "2026", "2026Q5", "2026Q0", "Q1 2026", "abcd", "2026Q1x"])
def test_parse_quarter_errors_in_vietnamese(bad: str) -> None:
    with pytest.raises(RegimeError, match="Quý không hợp lệ") as e:
        parse_quarter(bad)
    assert "ví dụ 2026Q1" in str(e.value)


def test_bad_numbers_and_keys() -> None:
    with pytest.raises(RegimeError, match="không có kỳ số 13"):
        period(ReportKind.MONTHLY, 2026, 13)
    with pytest.raises(RegimeError, match="Báo cáo quý không có kỳ số 5"):
        period(ReportKind.QUARTERLY, 2026, 5)
    with pytest.raises(RegimeError) as e:
        period(ReportKind.AD_HOC, 2026, 1)
    assert str(e.value) == ERR_AD_HOC
    with pytest.raises(RegimeError, match="Kỳ báo cáo không hợp lệ"):
        parse_period_key(ReportKind.MONTHLY, "2026Q1")
    with pytest.raises(RegimeError, match="Kỳ báo cáo không hợp lệ"):
        parse_period_key(ReportKind.QUARTERLY, "2026-13x")


def test_periods_ending_between_and_next_quarter() -> None:
    keys = [p.key for p in periods_ending_between(ReportKind.MONTHLY, D(2025, 12, 1), D(2026, 2, 20))]
    assert keys == ["2025-12", "2026-01", "2026-02"]
    assert next_quarter(period(ReportKind.QUARTERLY, 2026, 4)).key == "2027Q1"
    assert next_quarter(period(ReportKind.QUARTERLY, 2026, 1)).key == "2026Q2"
