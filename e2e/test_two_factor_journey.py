"""A leader sets up a passkey at first login and uses it the next time, in Chromium with a virtual authenticator
(the DevTools WebAuthn domain: a real browser ceremony, the platform authenticator simulated).

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from e2e.conftest import BrowserLog, log_in_with_password, person_in_city
from sauro.audit.models import AuditEntry
from sauro.identity.models import Passkey
from sauro.org.choices import Role

pytestmark = pytest.mark.e2e


@pytest.fixture
def leader(transactional_db: None, settings: Settings) -> str:
    settings.SAURO_2FA_ROLES = ("leader", "inspector", "admin")
    return person_in_city("bithu2fa", "Nguyễn Văn Khóa", Role.LEADER)


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

    log_in_with_password(page, leader)
    expect(page.get_by_role("heading", name="Thiết lập xác thực hai bước")).to_be_visible()
    page.get_by_label("Tên gợi nhớ của khóa").fill("Máy tính phòng Bí thư")
    page.get_by_role("button", name="Đăng ký khóa truy cập").click()

    expect(page.get_by_role("heading", name="Đã thiết lập xác thực hai bước")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert Passkey.objects.filter(user__username=leader, name="Máy tính phòng Bí thư").exists()
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("button", name=re.compile("Đăng xuất")).first.click()
    log_in_with_password(page, leader)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    page.get_by_role("button", name="Dùng khóa truy cập (passkey)").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name=re.compile("Đăng xuất")).first).to_be_visible()
    assert AuditEntry.objects.filter(action="identity.passkey_enrol").count() == 1
    assert browser_log.csp_violations() == [] and browser_log.page_errors == []
