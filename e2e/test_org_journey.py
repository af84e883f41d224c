"""An official of a ward logs in, in Vietnamese, and looks at the organisation.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.conftest import BrowserLog
from sauro.demo.loader import DEMO_PASSWORD, LoadResult
from sauro.org.models import Membership, Unit

pytestmark = pytest.mark.e2e

LOGIN_PATH = "/dang-nhap/"
WARD_NAME = "Đảng ủy phường Phú Xuân"
LOGIN_ERROR = re.compile(r"chính xác|không đúng|sai (tên|mật khẩu)", re.IGNORECASE)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto(LOGIN_PATH)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name=re.compile(r"^\s*Đăng nhập\s*$", re.IGNORECASE)).click()


def logout_control(page: Page) -> Locator:
    name = re.compile(r"Đăng xuất", re.IGNORECASE)
    return page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first


def assert_clean(log: BrowserLog) -> None:
    assert log.csp_violations() == [], log.csp_violations()
    assert log.page_errors == [], log.page_errors
    assert log.failed_responses == [], log.failed_responses


def test_ward_head_logs_in_and_opens_the_unit_tree(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    ward = Unit.objects.get(code="P-PHUXUAN")
    members = list(Membership.objects.filter(unit=ward, valid_to__isnull=True).select_related("person"))
    assert members, "the demo gives the ward its officials"

    # The login page is in Vietnamese.
    page.goto(LOGIN_PATH)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^vi"))
    log_in(page, "phuxuan", DEMO_PASSWORD)

    # The home page, logged in.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(logout_control(page)).to_be_visible()

    # "Tổ chức" in the navigation opens the unit tree.
    page.get_by_role("navigation").get_by_role("link", name="Tổ chức", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/to-chuc/$"))
    ward_link = page.get_by_role("link", name=WARD_NAME, exact=True)
    expect(ward_link).to_be_visible()

    # The ward's page lists its members in a table.
    ward_link.click()
    expect(page).to_have_url(re.compile(rf"/to-chuc/don-vi/{ward.pk}/$"))
    expect(page.get_by_role("heading", name=WARD_NAME).first).to_be_visible()
    table = page.get_by_role("table").filter(has_text=members[0].person.full_name).first
    expect(table).to_be_visible()
    for membership in members:
        expect(table).to_contain_text(membership.person.full_name)

    assert_clean(browser_log)


def test_wrong_password_shows_a_vietnamese_error(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    log_in(page, "phuxuan", "khong-phai-mat-khau")

    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    expect(page.get_by_text(LOGIN_ERROR).first).to_be_visible()
    expect(logout_control(page)).to_have_count(0)
    assert_clean(browser_log)


def test_a_page_asked_for_before_login_opens_after_it(page: Page, demo: LoadResult, browser_log: BrowserLog) -> None:
    page.goto("/to-chuc/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))

    page.get_by_label("Tên đăng nhập").fill("phuxuan")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*Đăng nhập\s*$", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/to-chuc/$"))
    expect(page.get_by_role("link", name=WARD_NAME, exact=True)).to_be_visible()

    # Logging out ends the session: the tree asks for a login again.
    logout_control(page).click()
    page.goto("/to-chuc/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    assert_clean(browser_log)
