"""A person logged in on a computer and a phone sees both sessions on the security page and ends the phone's from the
computer: the phone is back at the login page at its next click.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.conftest import BrowserLog, log_in_with_password, person_in_city
from sauro.audit.models import AuditEntry
from sauro.org.choices import Role

pytestmark = pytest.mark.e2e

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def officer(transactional_db: None) -> str:
    return person_in_city("cv.phien", "Lê Thị Phiên", Role.OFFICER)


def test_the_phones_session_is_ended_from_the_computer(
    page: Page, browser: Browser, live_server: LiveServer, officer: str, browser_log: BrowserLog
) -> None:
    phone_context = browser.new_context(base_url=live_server.url, locale="vi-VN", user_agent=IPHONE)
    try:
        phone = phone_context.new_page()
        log_in_with_password(phone, officer)
        log_in_with_password(page, officer)

        page.goto("/tai-khoan/bao-mat/")
        sessions = page.get_by_role("region", name="Phiên đăng nhập")
        rows = sessions.get_by_role("row").filter(has=page.get_by_role("button", name="Thu hồi"))
        expect(rows).to_have_count(2)
        this_one = rows.filter(has_text="Phiên này")
        expect(this_one).to_have_count(1)
        expect(this_one).to_contain_text("Chrome")
        phone_row = rows.filter(has_text="Safari trên iOS")
        expect(phone_row).not_to_contain_text("Phiên này")

        phone_row.get_by_role("button", name="Thu hồi").click()
        expect(page.get_by_text("Đã thu hồi phiên trên Safari trên iOS.")).to_be_visible()
        expect(rows).to_have_count(1)
        expect(sessions.get_by_role("button", name="Đăng xuất mọi phiên khác")).to_have_count(0)

        phone.goto("/tai-khoan/bao-mat/")
        expect(phone).to_have_url(re.compile(r"/dang-nhap/"))
        page.reload()
        expect(page.get_by_role("heading", name="Bảo mật tài khoản")).to_be_visible()
        assert AuditEntry.objects.filter(action="identity.session_revoke").count() == 1
    finally:
        phone_context.close()
    assert not browser_log.page_errors and not browser_log.csp_violations()
