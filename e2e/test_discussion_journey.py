"""A task's discussion in the browser, on the Huế demo (issue 17, point 5).

Ban Tổ chức's officer writes on the task's page, mentioning the Ban's head with ``@bantochuc``; the head sees the
notification in the bell, opens it and lands on the comment, mention marked, on the task's page.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_obstacle_journey import TITLE, in_progress_task_for
from e2e.test_task_journey import assert_clean, log_in, log_out
from sauro.accounts.models import User
from sauro.demo.loader import LoadResult
from sauro.discussions.models import Comment

pytestmark = pytest.mark.e2e

MESSAGE = "Em đã tổng hợp xong ý kiến của các phòng; nhờ @bantochuc xem và cho ý kiến về phương án trước thứ Sáu."


def test_a_mention_in_a_comment_reaches_the_person_named(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    officer = User.objects.get(username="chuyenvien.btc")
    task = in_progress_task_for(officer)

    # --- the officer writes on the task's page, naming the Ban's head ------------------------------------------
    log_in(page, "chuyenvien.btc")
    page.goto(f"/nhiem-vu/{task.pk}/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    discussion = page.get_by_role("region", name="Trao đổi")
    expect(discussion.get_by_text("Chưa có ý kiến trao đổi nào.")).to_be_visible()
    discussion.get_by_label("Ý kiến trao đổi").fill(MESSAGE)
    discussion.get_by_role("button", name="Gửi ý kiến trao đổi").click()
    comment = Comment.objects.get(task=task)
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/{task.pk}/#trao-doi-{comment.pk}$"))
    expect(page.get_by_text("Đã gửi ý kiến trao đổi.")).to_be_visible()
    expect(page.locator(f"#trao-doi-{comment.pk}")).to_contain_text("nhờ @bantochuc xem")
    log_out(page)

    # --- the head sees it in the bell and opens the comment -----------------------------------------------------
    log_in(page, "bantochuc")
    bell = page.get_by_role("link", name=re.compile(r"Thông báo"))
    expect(bell.first).to_contain_text(re.compile(r"\d"))
    bell.first.click()
    notice = page.get_by_role("link", name=re.compile(rf"nhắc đến bạn trong trao đổi về nhiệm vụ: {re.escape(TITLE)}"))
    expect(notice.first).to_be_visible()
    notice.first.click()
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/{task.pk}/#trao-doi-{comment.pk}$"))
    opened = page.locator(f"#trao-doi-{comment.pk}")
    expect(opened).to_be_in_viewport()
    expect(opened).to_contain_text(officer.get_full_name())
    expect(opened.get_by_text("@bantochuc")).to_have_attribute(
        "title", User.objects.get(username="bantochuc").full_name
    )
    # The head may answer in the thread: the form is there for them too.
    expect(page.get_by_role("button", name="Gửi ý kiến trao đổi")).to_be_visible()
    assert_clean(browser_log)
