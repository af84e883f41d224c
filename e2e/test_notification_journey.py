"""The bell shows what needs me now, in the browser, on the Huế demo (issue 17, point 3).

An officer of Ban Tổ chức puts an obstacle to the Standing Committee, whose leaders (the Secretary and the
Standing Deputy Secretary among them) are all asked. The Secretary sees it in the bell's menu, grouped by kind.
The Deputy answers it; when the Secretary comes back, the bell's count has dropped by one, and the notice, never
opened, is still in the list, greyed, saying who handled it.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_obstacle_journey import in_progress_task_for
from e2e.test_task_journey import assert_clean, log_in, log_out
from sauro.accounts.models import User
from sauro.demo.loader import LoadResult
from sauro.monitoring.services import obstacle_create
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.org.models import Unit
from sauro.tasks.models import Task

pytestmark = pytest.mark.e2e

ANSWER = "Thống nhất tạm giữ nguyên số lượng cấp phó đến khi có hướng dẫn của Trung ương."
BELL_NAME = re.compile(r"(\d+) thông báo cần bạn xử lý")


def bell_count(page: Page) -> int:
    """The figure the bell says (to screen readers as to the eye): 0 when it says nothing needs me."""
    bell = page.get_by_role("link", name=re.compile(r"^Thông báo\s+(\d+ thông báo|không có thông báo) cần bạn xử lý"))
    expect(bell).to_be_visible()
    match = BELL_NAME.search(bell.text_content() or "")
    return int(match.group(1)) if match else 0


def test_the_secretarys_bell_drops_when_the_deputy_answers(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    secretary = User.objects.get(username="bithu")
    deputy = User.objects.get(username="pbtthuongtruc")
    officer = User.objects.get(username="chuyenvien.btc")
    task = in_progress_task_for(officer)
    assert task.supervising_leader_id is None
    standing = Unit.objects.get(name="Thường trực Thành ủy", valid_to__isnull=True)
    obstacle = obstacle_create(
        acting_user=officer,
        task=Task.objects.get(pk=task.pk),
        description="Chưa có hướng dẫn về số lượng cấp phó của các ban sau hợp nhất.",
        proposal="Đề nghị Thường trực cho phép tạm giữ nguyên số lượng cấp phó hiện có.",
        decider_unit_id=standing.pk,
    )
    asked = Notification.objects.filter(kind=NotificationKind.OBSTACLE_RAISED, subject=f"obstacle:{obstacle.pk}")
    assert {secretary.pk, deputy.pk} <= set(asked.values_list("recipient_id", flat=True))

    # --- the Secretary sees it in the bell's menu ----------------------------------------------------------------
    log_in(page, "bithu")
    before = bell_count(page)
    assert before >= 1
    page.locator("summary", has_text="Xem các nhóm thông báo").click()
    group = page.get_by_role("link", name=re.compile(r"\d+ khó khăn, vướng mắc cần cho ý kiến"))
    expect(group).to_be_visible()
    group.click()
    expect(page.get_by_text("Chỉ hiện thông báo loại “Khó khăn, vướng mắc cần cho ý kiến”")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(re.escape(task.title))).first).to_be_visible()
    log_out(page)

    # --- the Standing Deputy Secretary answers on the task page ---------------------------------------------------
    log_in(page, "pbtthuongtruc")
    page.goto(f"/nhiem-vu/{task.pk}/")
    summary = page.locator("summary", has_text="Trả lời khó khăn, vướng mắc").first
    if page.locator("details", has=summary).first.get_attribute("open") is None:
        summary.click()
    page.get_by_label("Ý kiến trả lời").fill(ANSWER)
    page.get_by_role("button", name="Gửi ý kiến trả lời").click()
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    log_out(page)

    # --- the Secretary's bell has dropped; the notice is kept, greyed, with who handled it ------------------------
    log_in(page, "bithu")
    assert bell_count(page) == before - 1
    page.goto(f"/thong-bao/?kind={NotificationKind.OBSTACLE_RAISED}")
    notice = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(re.escape(task.title))))
    expect(notice.first).to_contain_text("Đã xử lý")
    expect(notice.first).to_contain_text(f"bởi {deputy.get_full_name()}")
    mine = asked.get(recipient=secretary)
    assert mine.read_at is None and mine.resolved_at is not None
    page.goto("/thong-bao/?unread=1")
    expect(
        page.get_by_role("link", name=re.compile(rf"vướng mắc cần cho ý kiến: {re.escape(task.title)}"))
    ).to_have_count(0)
    assert_clean(browser_log)
