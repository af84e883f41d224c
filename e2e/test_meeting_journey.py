"""The register of meetings in the browser, on the Huế demo (issue 18).

Văn phòng opens "Hội họp", registers the Ban Tổ chức's briefing held yesterday (a day typed ``dd/mm/yyyy``, the
participating department picked from the searchable list), then on the meeting's page presses "Ghi thông báo kết
luận": the notice is registered as a Thông báo numbered in the Ban's term and the browser lands on the directive's
page, where the tasks of the notice are proposed and issued.

Locators are by role, label and text (what a person sees).
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import TIMEOUT_MS, BrowserLog
from e2e.test_task_journey import assert_clean, log_in
from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.loader import LoadResult
from sauro.directives.models import Directive
from sauro.meetings.models import Meeting
from sauro.org.models import Unit

pytestmark = pytest.mark.e2e

TITLE = "Giao ban công tác tổ chức xây dựng Đảng tháng này"


def test_register_a_meeting_and_record_its_conclusion(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    btc = Unit.objects.get(code="BTCTU")
    head = User.objects.get(username="bantochuc")
    held = clock.today() - datetime.timedelta(days=1)

    log_in(page, "vanphong")
    page.get_by_role("link", name="Hội họp", exact=True).click()
    expect(page.get_by_role("heading", name="Sổ theo dõi hội họp")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Hội họp trong Quý [IV]+ năm \d{4}"))).to_be_visible()
    page.get_by_role("link", name="Vào sổ cuộc họp").click()

    page.get_by_label("Loại cuộc họp").select_option(label="Giao ban")
    page.get_by_label("Ngày họp").fill(held.strftime("%d/%m/%Y"))
    page.get_by_label("Nội dung cuộc họp").fill(TITLE)
    page.get_by_label("Đơn vị chủ trì").select_option(value=str(btc.pk))
    page.get_by_label("Người chủ trì").select_option(value=str(head.pk))
    page.get_by_label("Thời lượng (phút)").fill("90")
    page.get_by_label("Số người dự").fill("24")
    search = page.get_by_role("searchbox", name="Đơn vị tham dự")
    search.fill("dang vien")
    department = page.get_by_role("checkbox", name=re.compile("Phòng Tổ chức – Đảng viên"))
    department.click()
    expect(department).to_be_checked()
    page.get_by_role("button", name="Vào sổ", exact=True).click()

    expect(page.get_by_text("Đã vào sổ cuộc họp.")).to_be_visible(timeout=TIMEOUT_MS * 2)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    meeting = Meeting.objects.get(title=TITLE)
    assert (meeting.host_unit_id, meeting.chair_id, meeting.held_on) == (btc.pk, head.pk, held)
    assert [u.code for u in meeting.units.all()] == ["BTCTU-TCDV"]

    expect(page.get_by_label("Ký hiệu cơ quan ban hành")).to_have_value("BTCTU")
    page.get_by_role("button", name="Ghi thông báo kết luận").click()

    notice = Directive.objects.get(meetings=meeting)
    expect(page).to_have_url(re.compile(rf"/van-ban/{notice.pk}/$"), timeout=TIMEOUT_MS * 2)
    expect(page.get_by_role("heading", name=f"Thông báo số {notice.symbol}")).to_be_visible()
    assert notice.kind == "TB" and notice.issuing_unit_id == btc.pk
    assert_clean(browser_log)
