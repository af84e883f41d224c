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


def test_the_office_merges_two_communes_through_a_preview(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    """Văn phòng merges one commune into another: the preview names the people who move, nothing changes until
    the confirmation, then the successor's page shows the merged commune and the old one is closed."""
    old, successor = list(Unit.objects.filter(kind="commune", valid_to__isnull=True).order_by("path")[:2])
    moving = list(Membership.objects.filter(unit=old, valid_to__isnull=True).select_related("person"))
    assert moving, "the demo gives the commune its officials"

    log_in(page, "vanphong", DEMO_PASSWORD)
    expect(logout_control(page)).to_be_visible()
    page.goto(f"/to-chuc/don-vi/{old.pk}/")
    page.get_by_role("link", name="Sáp nhập vào đơn vị khác").click()
    expect(page.get_by_role("heading", name="Sáp nhập đơn vị")).to_be_visible()
    # The searchable multi-select (common.widgets) opens with the commune ticked.
    predecessors = page.get_by_role("group", name="Các đơn vị bị sáp nhập")
    expect(predecessors.get_by_role("checkbox", name=old.name, exact=True)).to_be_checked()
    page.get_by_label("Sáp nhập vào đơn vị (đơn vị kế thừa)").select_option(value=str(successor.pk))
    page.get_by_role("button", name="Xem trước thay đổi").click()

    # The preview: who moves, and a confirm button; nothing has changed yet.
    expect(page.get_by_role("heading", name=re.compile(r"^Xem trước"))).to_be_visible()
    people = page.get_by_role("table").filter(has_text=moving[0].person.full_name)
    for membership in moving:
        expect(people).to_contain_text(membership.person.full_name)
    expect(page.get_by_role("heading", name="Nhiệm vụ đang thực hiện và dự thảo")).to_be_visible()
    expect(page.get_by_role("heading", name="Nghĩa vụ báo cáo chưa gửi")).to_be_visible()
    assert Unit.objects.get(pk=old.pk).valid_to is None

    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(rf"/to-chuc/don-vi/{successor.pk}/$"))
    expect(page.get_by_text(f"Đã sáp nhập “{old.name}” vào “{successor.name}”.")).to_be_visible()
    merged = page.get_by_role("region", name="Các đơn vị đã sáp nhập vào đơn vị này")
    expect(merged.get_by_role("link", name=old.name)).to_be_visible()
    members = page.get_by_role("table").filter(has_text=moving[0].person.full_name).first
    expect(members).to_contain_text(moving[0].person.full_name)
    assert Unit.objects.get(pk=old.pk).successor_id == successor.pk
    assert_clean(browser_log)
