"""An obstacle in the browser, on the Huế demo (issue 4, point 8).

Ban Tổ chức's officer, stuck on a task, tries to send an obstacle without a proposal and is told a proposal is
required; sends it with one, addressed to the Standing Committee. The Standing Deputy Secretary finds it among the
open obstacles and answers it; the officer is notified of the answer by the bell and reads it on the task.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, choose, log_in, log_out
from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.loader import LoadResult
from sauro.monitoring.services import ERR_PROPOSAL_REQUIRED
from sauro.org.models import Unit
from sauro.tasks import services
from sauro.tasks.choices import ProductKind
from sauro.tasks.models import Task

pytestmark = pytest.mark.e2e

TITLE = "Kiện toàn tổ chức bộ máy các ban xây dựng Đảng của Thành ủy sau sắp xếp"
DESCRIPTION = (
    "Chưa có hướng dẫn của Trung ương về số lượng cấp phó của các ban sau hợp nhất, nên chưa thể trình "
    "phương án kiện toàn lãnh đạo các phòng."
)
PROPOSAL = (
    "Đề nghị Thường trực Thành ủy cho phép tạm giữ nguyên số lượng cấp phó hiện có đến khi có hướng dẫn, "
    "đồng thời giao Ban Tổ chức xin ý kiến Ban Tổ chức Trung ương."
)
ANSWER = "Thống nhất tạm giữ nguyên số lượng cấp phó; Ban Tổ chức xin ý kiến Trung ương trước ngày 30 của tháng."
DECIDER = "Thường trực Thành ủy"


def in_progress_task_for(officer: User) -> Task:
    """A task of Ban Tổ chức with the Standing Committee as authority, accepted and assigned to ``officer``."""
    monitor = User.objects.get(username="vanphong")
    head = User.objects.get(username="bantochuc")
    btc = Unit.objects.get(name="Ban Tổ chức Thành ủy", valid_to__isnull=True)
    standing = Unit.objects.get(name=DECIDER, valid_to__isnull=True)
    office = Unit.objects.get(name="Văn phòng Thành ủy", valid_to__isnull=True)
    task = services.task_create(
        acting_user=monitor,
        owner_unit=office,
        fields={
            "title": TITLE,
            "content": "Xây dựng phương án kiện toàn lãnh đạo các phòng của các ban xây dựng Đảng sau sắp xếp.",
            "lead_unit": btc.pk,
            "responsible_person": head.pk,
            "due_date": clock.today() + datetime.timedelta(days=45),
            "product_kind": ProductKind.SUBMISSION,
            "product_description": "Tờ trình phương án kiện toàn kèm dự thảo quyết định",
            "authority_unit": standing.pk,
        },
    )
    services.task_issue(acting_user=monitor, task=task)
    services.task_accept(acting_user=head, task=task, officer_ids=[officer.pk])
    return task


def open_panel(page: Page, title: str) -> None:
    """Unfold an action of the task page (a <details> element) when it is folded."""
    summary = page.locator("summary", has_text=title).first
    details = page.locator("details", has=summary).first
    if details.get_attribute("open") is None:
        summary.click()


def test_an_obstacle_needs_a_proposal_and_its_answer_reaches_the_officer(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    officer = User.objects.get(username="chuyenvien.btc")
    task = in_progress_task_for(officer)

    # --- the officer reports an obstacle, first without a proposal --------------------------------------------
    log_in(page, "chuyenvien.btc")
    page.goto(f"/nhiem-vu/{task.pk}/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    open_panel(page, "Báo cáo khó khăn, vướng mắc")
    page.get_by_label("Khó khăn, vướng mắc", exact=True).fill(DESCRIPTION)
    choose(page.get_by_label("Cấp được đề nghị cho ý kiến"), DECIDER)
    page.get_by_role("button", name="Gửi khó khăn, vướng mắc").click()
    expect(page.get_by_text(ERR_PROPOSAL_REQUIRED).first).to_be_visible()
    # What was typed is kept.
    expect(page.get_by_label("Khó khăn, vướng mắc", exact=True)).to_have_value(DESCRIPTION)

    page.get_by_label("Đề xuất, kiến nghị").fill(PROPOSAL)
    choose(page.get_by_label("Cấp được đề nghị cho ý kiến"), DECIDER)
    page.get_by_role("button", name="Gửi khó khăn, vướng mắc").click()
    expect(page.get_by_text(PROPOSAL).first).to_be_visible()
    expect(page.get_by_text("Chờ trả lời").first).to_be_visible()
    log_out(page)

    # --- the Standing Deputy Secretary finds it among the open obstacles and answers -----------------------------
    log_in(page, "pbtthuongtruc")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Khó khăn, vướng mắc").click()
    expect(page.get_by_role("heading", name="Khó khăn, vướng mắc").first).to_be_visible()
    page.get_by_role("link", name=TITLE).first.click()
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/{task.pk}/"))
    open_panel(page, "Trả lời khó khăn, vướng mắc")
    page.get_by_label("Ý kiến trả lời").fill(ANSWER)
    page.get_by_role("button", name="Gửi ý kiến trả lời").click()
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    expect(page.get_by_text("Đã trả lời").first).to_be_visible()
    log_out(page)

    # --- the officer is notified of the answer ---------------------------------------------------------------
    log_in(page, "chuyenvien.btc")
    bell = page.get_by_role("link", name=re.compile(r"Thông báo"))
    expect(bell.first).to_contain_text(re.compile(r"\d"))
    bell.first.click()
    notice = page.get_by_role("link", name=re.compile(rf"Khó khăn, vướng mắc đã được trả lời: {re.escape(TITLE)}"))
    expect(notice.first).to_be_visible()
    notice.first.click()
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/{task.pk}/"))
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    assert_clean(browser_log)
