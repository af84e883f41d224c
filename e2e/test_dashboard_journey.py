"""The leader's dashboard in the browser, on the Huế demo.

The Secretary (``bithu``) opens "Tổng hợp" (the committee, this quarter, as of today) and picks the whole year —
the reporting regime's year, 15/12 of the previous year to 14/12. In
the league table of the committee's units they click the overdue count of a commune and land on the task list
showing exactly that commune's overdue tasks of the year — the same tasks ``dashboard.stats`` counts.

Locators are by role, label and text (what a person sees), plus the figure's ``data-figure`` attribute to tell the
numbers of one row apart.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, log_in
from sauro.accounts.models import User
from sauro.common import clock
from sauro.dashboard import stats
from sauro.dashboard.periods import YEAR, bounds, label_of
from sauro.demo.loader import LoadResult
from sauro.org.choices import UnitKind
from sauro.org.models import Unit
from sauro.tasks.choices import ReportingState

pytestmark = pytest.mark.e2e


def test_the_secretary_drills_down_from_a_communes_overdue_count(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    leader = User.objects.get(username="bithu")
    today = clock.today()
    start, end = bounds(YEAR, today)
    committee = Unit.objects.get(parent__isnull=True)
    rows = stats.league_table(
        user=leader,
        parent_unit_id=committee.pk,
        start=start,
        end=end,
        as_of=today,
        previous_start=start,
        previous_end=end,
    )
    local = [r for r in rows if r.unit.kind in (UnitKind.COMMUNE, UnitKind.WARD) and r.stats.open_overdue]
    assert local, "the demo has commune-level units with overdue tasks this year"
    communes = [r for r in local if r.unit.kind == UnitKind.COMMUNE]
    row = (communes or local)[0]
    expected = sorted(
        stats.period_tasks(user=leader, unit_id=row.unit.pk, start=start, end=end, as_of=today)
        .filter(reporting_state=ReportingState.OPEN_OVERDUE)
        .values_list("title", flat=True)
    )
    assert len(expected) == row.stats.open_overdue

    log_in(page, "bithu")
    page.get_by_role("link", name="Tổng hợp", exact=True).click()
    expect(page.get_by_role("heading", name="Tổng hợp tình hình thực hiện nhiệm vụ")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Quý [IV]+ năm \d{4}")).first).to_be_visible()
    # This year rather than this quarter: the demo's communes were given their tasks early in the year.
    page.get_by_label("Kỳ", exact=True).select_option(label="Năm")
    page.get_by_role("button", name="Xem").click()
    year_label = label_of(YEAR, start, end)  # "Năm 2026": the regime's year holding today
    expect(page.get_by_role("heading", name=f"Nhiệm vụ có thời hạn trong {year_label}")).to_be_visible()
    expect(page.get_by_role("heading", name="Bảng xếp hạng các đơn vị trực thuộc")).to_be_visible()
    table_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row.unit.name, exact=True))
    link = table_row.locator('[data-figure="open_overdue"]')
    expect(link).to_have_text(str(row.stats.open_overdue))
    link.click()

    expect(page).to_have_url(re.compile(r"/nhiem-vu/\?.*reporting=open_overdue"))
    expect(page.get_by_label("Tình hình thực hiện", exact=True)).to_have_value("open_overdue")
    body_rows = (
        page.get_by_role("table", name="Danh sách nhiệm vụ").get_by_role("row").filter(has=page.get_by_role("cell"))
    )
    expect(body_rows).to_have_count(len(expected))
    titles = [r.get_by_role("link").first.inner_text().strip() for r in body_rows.all()]
    assert sorted(titles) == expected
    assert_clean(browser_log)
