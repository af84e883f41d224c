"""The overview page as each person's desk, and finding the late reporters on the reports page, in the browser on
the Huế demo.

Several demo people log in: none meets a "being built" notice; each finds their own open tasks on the desk (the
same ones ``tasks.selectors.my_open_tasks`` reads) and the count of them leads to the task list of exactly those.
The Secretary then filters the reports page by status and finds the units that sent late.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, log_in, log_out
from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.loader import LoadResult
from sauro.reports.choices import Timeliness
from sauro.reports.selectors import DutyFilters, duty_list
from sauro.tasks.selectors import my_open_tasks

pytestmark = pytest.mark.e2e


def test_each_person_finds_their_own_tasks_on_the_desk(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    seen_rows = 0
    for username in ("bithu", "bantochuc", "chuyenvien.btc", "phuxuan"):
        user = User.objects.get(username=username)
        mine = my_open_tasks(user=user, limit=5)
        log_in(page, username)
        expect(page.get_by_role("heading", name=re.compile(r"^Xin chào"))).to_be_visible()
        body = page.locator("main").inner_text().lower()
        assert "đang được xây dựng" not in body and "đang xây dựng" not in body, username
        block = page.locator("#desk-mine")
        expect(block.get_by_role("heading", name="Việc của tôi")).to_be_visible()
        if mine.rows:
            for task in mine.rows:
                expect(block.get_by_role("link", name=task.title, exact=True)).to_be_visible()
            seen_rows += 1
        else:
            expect(block.get_by_text("Bạn không có nhiệm vụ nào đang thực hiện.")).to_be_visible()
        figure = block.get_by_role("link", name=re.compile(r"Đang thực hiện"))
        expect(figure).to_contain_text(str(mine.open))
        if username == "bantochuc":
            # A unit head also sees what waits for the Ban and its report duties.
            expect(page.get_by_role("heading", name="Chờ tôi quyết định")).to_be_visible()
            expect(page.get_by_role("heading", name="Báo cáo phải gửi")).to_be_visible()
            figure.click()
            expect(page).to_have_url(re.compile(r"/nhiem-vu/\?.*mine=on"))
            rows = page.get_by_role("table", name="Danh sách nhiệm vụ").get_by_role("row")
            expect(rows.filter(has=page.get_by_role("cell"))).to_have_count(min(mine.open, 50))
        log_out(page)
    assert seen_rows, "some demo person carries open tasks"
    assert_clean(browser_log)


def test_the_secretary_finds_the_units_that_reported_late(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    leader = User.objects.get(username="bithu")
    today = clock.today()
    late = list(duty_list(user=leader, as_of=today, filters=DutyFilters(status=Timeliness.LATE)))
    missing = duty_list(user=leader, as_of=today, filters=DutyFilters(status=Timeliness.MISSING)).count()
    assert late, "the demo has reports sent late"

    log_in(page, "bithu")
    page.get_by_role("link", name="Báo cáo", exact=True).first.click()
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    page.get_by_label("Tình trạng gửi").select_option("late")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/\?.*status=late"))
    table = page.get_by_role("table", name=re.compile("Báo cáo định kỳ"))
    rows = table.get_by_role("row").filter(has=page.get_by_role("cell"))
    expect(rows).to_have_count(min(len(late), 50))
    expect(rows.first).to_contain_text(late[0].unit.name)
    expect(rows.first).to_contain_text("Gửi quá hạn")
    expect(table.get_by_text("Gửi đúng hạn")).to_have_count(0)
    # Every count is a link: the missing ones, from their card.
    card = page.locator('[data-figure="missing"]')
    expect(card).to_contain_text(str(missing))
    card.click()
    expect(page).to_have_url(re.compile(r"/bao-cao/\?.*status=missing"))
    expect(page.get_by_label("Tình trạng gửi")).to_have_value("missing")
    # The quarterly report's address opened bare shows its form, not a list of errors.
    page.goto("/bao-cao/so-ket-quy/")
    expect(page.get_by_role("heading", name="Báo cáo sơ kết quý")).to_be_visible()
    expect(page.get_by_text("bắt buộc")).to_have_count(0)
    assert_clean(browser_log)
