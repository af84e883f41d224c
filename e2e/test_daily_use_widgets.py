"""Daily use in an English browser and on a phone (issue 17, points 9 and 10), on the Huế demo.

Chromium is started with the en-US locale, as on most office computers here: the dates must still read and be
typed day first (an ``<input type=date>`` would show mm/dd/yyyy), the journal names its actions in Vietnamese, and
at 390 px a multi-select is picked by taps (no Ctrl key) and the "6 rõ" checklist comes before the save buttons.

Locators are by role, label and text (what a person sees), except where the check is about the hidden native
control the enhanced widget keeps in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.conftest import TIMEOUT_MS
from e2e.test_task_journey import log_in
from sauro.demo.loader import DEMO_PASSWORD, LoadResult

pytestmark = pytest.mark.e2e

RAW_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
PHONE = {"width": 390, "height": 844}


def english_page(browser: Browser, live_server: LiveServer, **options: object) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="Asia/Ho_Chi_Minh", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert errors == []
    finally:
        context.close()


@pytest.fixture
def en_page(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[Page]:
    yield from english_page(browser, live_server)


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[Page]:
    yield from english_page(browser, live_server, viewport=PHONE, has_touch=True, is_mobile=True)


def test_the_journal_names_every_action_in_vietnamese(en_page: Page, demo: LoadResult) -> None:
    page = en_page
    log_in(page, "kiemtra")
    page.goto("/nhat-ky/")
    expect(page.get_by_role("heading", name="Các mục mới nhất")).to_be_visible()
    cells = page.locator("td[data-label='Hành động']")
    expect(cells.first).to_be_visible()
    texts = [t.strip() for t in cells.all_inner_texts()]
    assert len(texts) >= 10
    assert [t for t in texts if RAW_CODE.search(t) or not t] == []
    # What a reader sees of the whole table holds no code either (the codes stay folded away in the details).
    visible = page.locator("table.audit-table").inner_text()
    assert [code for code in RAW_CODE.findall(visible) if "_" in code or code.startswith("task.")] == []


def test_a_date_reads_and_is_typed_day_first_in_an_english_browser(en_page: Page, demo: LoadResult) -> None:
    page = en_page
    log_in(page, "kiemtra")
    page.goto("/nhat-ky/")
    box = page.get_by_label("Từ ngày")
    assert box.get_attribute("type") == "text"
    assert box.get_attribute("placeholder") == "dd/mm/yyyy"

    # The calendar beside it writes the picked day, day first.
    page.get_by_role("button", name="Chọn ngày trên lịch").first.click()
    calendar = page.get_by_role("dialog", name="Chọn ngày trên lịch")
    expect(calendar).to_be_visible()
    calendar.get_by_role("button", name="Tháng sau").click()
    calendar.get_by_role("button", name=re.compile(r"^13\D\d\d\D\d{4}$")).click()
    expect(calendar).to_be_hidden()
    picked = box.input_value()
    assert re.fullmatch(r"13/\d\d/\d{4}", picked), picked

    # A typed day-first date is taken and shown back as typed.
    box.fill("13/02/2026")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page.get_by_role("heading", name="Kết quả lọc")).to_be_visible()
    expect(page.get_by_label("Từ ngày")).to_have_value("13/02/2026")

    # Month first is refused in Vietnamese, saying what is wrong.
    page.get_by_label("Từ ngày").fill("12/31/2026")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page.get_by_text(re.compile("Tháng phải từ 1 đến 12"))).to_be_visible()


def test_on_a_phone_units_are_picked_by_taps_and_the_checklist_precedes_the_buttons(
    phone_page: Page, demo: LoadResult
) -> None:
    page = phone_page
    # At 390 px the menu (and its "Đăng xuất") is folded away: logged in is the login page left behind.
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*Đăng nhập\s*$", re.IGNORECASE)).tap()
    expect(page).not_to_have_url(re.compile("dang-nhap"))
    page.goto("/nhiem-vu/tao-moi/")
    expect(page.get_by_role("heading", name="Tạo nhiệm vụ", exact=True)).to_be_visible()

    # The coordinating units: a filter box over checkboxes, no "hold Ctrl".
    expect(page.get_by_text(re.compile("Ctrl"))).to_be_hidden()
    search = page.get_by_role("searchbox", name="Đơn vị phối hợp")
    search.tap()
    search.fill("vinh loc")
    option = page.get_by_role("checkbox", name=re.compile("Đảng ủy xã Vinh Lộc"))
    expect(option).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("Ban Tổ chức Thành ủy"))).to_be_hidden()
    option.tap()
    expect(option).to_be_checked()
    search.fill("ban to chuc")
    btc = page.get_by_role("checkbox", name=re.compile(r"Ban Tổ chức Thành ủy$"))
    btc.tap()
    expect(btc).to_be_checked()
    expect(page.get_by_text("Đã chọn 2")).to_be_visible()
    chosen = page.locator("select[name='coordinating_units']").evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.textContent.trim())"
    )
    assert sorted(chosen) == ["Ban Tổ chức Thành ủy", "Đảng ủy xã Vinh Lộc"]
    # A second tap drops a unit again.
    btc.tap()
    expect(btc).not_to_be_checked()
    expect(page.get_by_text("Đã chọn 1")).to_be_visible()

    # The "6 rõ" checklist is read before the save buttons.
    checklist = page.get_by_role("heading", name="Kiểm tra “6 rõ”")
    save = page.get_by_role("button", name="Lưu dự thảo")
    checklist_box, save_box = checklist.bounding_box(), save.bounding_box()
    assert checklist_box and save_box
    assert checklist_box["y"] + checklist_box["height"] <= save_box["y"]

    # The picks are saved with the draft.
    page.get_by_label("Tên nhiệm vụ").fill("Rà soát chi bộ sau sắp xếp")
    page.get_by_label("Nội dung công việc").fill("Rà soát tổ chức, số lượng đảng viên của các chi bộ sau sắp xếp.")
    save.tap()
    # A full page post and redirect: on a loaded machine slower than expect's default 5 s.
    expect(page.get_by_text("Đã lưu dự thảo nhiệm vụ.")).to_be_visible(timeout=TIMEOUT_MS * 2)
    expect(page.get_by_text("Đảng ủy xã Vinh Lộc").first).to_be_visible()
