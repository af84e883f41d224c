"""A leader sets up a passkey at first login and uses it the next time, in Chromium with a virtual authenticator
(the DevTools WebAuthn domain: a real browser ceremony, the platform authenticator simulated).

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from e2e.conftest import BrowserLog
from sauro.accounts.services import user_create
from sauro.audit.models import AuditEntry
from sauro.identity.models import Passkey
from sauro.org.choices import Role, UnitKind
from sauro.org.services import membership_create, unit_create

pytestmark = pytest.mark.e2e

PASSWORD = "mat-khau-lanh-dao-2026"


@pytest.fixture
def leader(transactional_db: None, settings: Settings) -> str:
    settings.SAURO_2FA_ROLES = ("leader", "inspector", "admin")
    start = datetime.date(2025, 7, 1)
    city = unit_create(
        acting_user=None, code="TU", name="Thành ủy Huế", kind=UnitKind.COMMITTEE, parent=None, valid_from=start
    )
    user = user_create(acting_user=None, username="bithu2fa", full_name="Nguyễn Văn Khóa", password=PASSWORD)
    membership_create(acting_user=None, person=user, unit=city, role=Role.LEADER, valid_from=start)
    return user.username


def log_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*Đăng nhập\s*$")).click()


def test_a_leader_sets_up_a_passkey_and_uses_it_next_time(page: Page, leader: str, browser_log: BrowserLog) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    log_in(page, leader)
    expect(page.get_by_role("heading", name="Thiết lập xác thực hai bước")).to_be_visible()
    page.get_by_label("Tên gợi nhớ của khóa").fill("Máy tính phòng Bí thư")
    page.get_by_role("button", name="Đăng ký khóa truy cập").click()

    expect(page.get_by_role("heading", name="Đã thiết lập xác thực hai bước")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert Passkey.objects.filter(user__username=leader, name="Máy tính phòng Bí thư").exists()
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("button", name=re.compile("Đăng xuất")).first.click()
    log_in(page, leader)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    page.get_by_role("button", name="Dùng khóa truy cập (passkey)").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name=re.compile("Đăng xuất")).first).to_be_visible()
    assert AuditEntry.objects.filter(action="identity.passkey_enrol").count() == 1
    assert browser_log.csp_violations() == [] and browser_log.page_errors == []
