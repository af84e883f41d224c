"""Concretizing a directive in the browser, on the Huế demo: Văn phòng opens a directive, pastes a short text of two
sentences each naming a unit, sees the sentences highlighted and a proposal for each with its six-clear checklist,
edits one, drops the other, creates the drafts and follows the link to the draft task, linked to its directive.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, log_in, seed_directive
from sauro.demo.loader import LoadResult
from sauro.extraction.models import Proposal, ProposalStatus
from sauro.tasks.models import Task

pytestmark = pytest.mark.e2e

FIRST = "Ban Tổ chức Thành ủy rà soát, bổ sung quy hoạch cán bộ diện Ban Thường vụ quản lý"
SECOND = "Ủy ban Kiểm tra Thành ủy kiểm tra việc thực hiện quy chế làm việc"
# What the proposals are called: the work, without the unit that leads it.
FIRST_TITLE = "Rà soát, bổ sung quy hoạch cán bộ diện Ban Thường vụ quản lý"
SECOND_TITLE = "Kiểm tra việc thực hiện quy chế làm việc"
EDITED = "Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2025 – 2030"


def test_proposals_from_a_pasted_text_become_draft_tasks(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    directive = seed_directive()
    log_in(page, "vanphong")
    page.goto(f"/van-ban/{directive.pk}/")
    page.get_by_role("link", name="Đề xuất nhiệm vụ từ văn bản").click()
    expect(page.get_by_role("heading", name="Đề xuất nhiệm vụ từ văn bản", level=1)).to_be_visible()

    # --- read a pasted text --------------------------------------------------------------------------------------
    page.get_by_label("Nội dung văn bản").fill(f"{FIRST}. {SECOND}.")
    page.get_by_role("button", name="Đề xuất nhiệm vụ").click()
    expect(page.get_by_text("Đã đề xuất 2 nhiệm vụ.")).to_be_visible()
    marks = page.locator("mark")
    expect(marks).to_have_count(2)
    expect(marks.first).to_contain_text(FIRST)
    first = page.get_by_role("article", name=FIRST_TITLE)
    second = page.get_by_role("article", name=SECOND_TITLE)
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    expect(first.get_by_text("Rõ người")).to_be_visible()
    expect(first.get_by_text("Chưa có người chịu trách nhiệm chính")).to_be_visible()

    # --- at 390 px the text and the proposals stack, nothing wider than the screen --------------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- edit the first ------------------------------------------------------------------------------------------
    first.get_by_text("Sửa", exact=True).click()
    first.get_by_label("Tên nhiệm vụ").fill(EDITED)
    first.get_by_label("Sản phẩm cần đạt").fill("Báo cáo kết quả rà soát kèm danh sách đề xuất")
    first.get_by_label("Thời hạn").fill("30/06/2026")
    first.get_by_role("button", name="Lưu đề xuất").click()
    expect(page.get_by_text("Đã lưu đề xuất.")).to_be_visible()
    edited = page.get_by_role("article", name=EDITED)
    expect(edited).to_be_visible()
    expect(edited.get_by_text("30/06/2026")).to_be_visible()

    # --- drop the second -----------------------------------------------------------------------------------------
    page.get_by_role("article", name=SECOND_TITLE).get_by_role("button", name="Bỏ").click()
    expect(page.get_by_text(re.compile(r"Đã bỏ đề xuất"))).to_be_visible()

    # --- create the drafts, follow the link ---------------------------------------------------------------------
    page.get_by_role("button", name="Tạo tất cả thành nhiệm vụ dự thảo").click()
    expect(page.get_by_text("Đã tạo 1 nhiệm vụ dự thảo.")).to_be_visible()
    created = page.get_by_role("region", name="Nhiệm vụ dự thảo đã tạo")
    created.get_by_role("link", name=EDITED).click()
    expect(page.get_by_role("heading", name=EDITED, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=str(directive))).to_be_visible()
    expect(page.get_by_text(FIRST).first).to_be_visible()

    task = Task.objects.get(title=EDITED)
    assert (task.directive_id, task.state) == (directive.pk, "draft")
    statuses = sorted(Proposal.objects.filter(run__directive=directive).values_list("status", flat=True))
    assert statuses == sorted([ProposalStatus.CREATED, ProposalStatus.DROPPED])
    assert_clean(browser_log)
