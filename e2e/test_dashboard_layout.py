"""The dashboard as a leader reads it, on the Huế demo: the picker shows what the page shows, and the league table of
the committee's 51 units fits a laptop, a phone and paper.

Measured in the real browser (layout boxes, not screenshots): the page has no horizontal overflow at 1440 px, the
table scrolls inside its own box whose last column is reachable and whose header row stays on top; the units
without data fold into one line; at 390 px the page is a fraction of the 28,000 px it was; printed (print media on
an A4-landscape-wide page), every column is on the paper.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, log_in, log_out
from sauro.common import clock
from sauro.dashboard.periods import QUARTER, bounds, label_of
from sauro.demo.loader import LoadResult
from sauro.org.models import Unit
from sauro.tasks.models import Task

pytestmark = pytest.mark.e2e

LEAGUE_COLUMNS = 12
PHONE_HEIGHT_BEFORE = 28_000  # px: the dashboard at 390 px with every unit stacked as a card of twelve lines


def lead_text(page: Page) -> str:
    return page.locator(".page-header .lead").inner_text()


def check_picker(page: Page, unit: Unit) -> None:
    """The picker shows the unit and the quarter the page shows; "Xem" unchanged shows the same page."""
    today = clock.today()
    quarter = label_of(QUARTER, *bounds(QUARTER, today))
    page.goto(reverse("dashboard:overview"))
    expect(page.locator(".page-header .lead")).to_contain_text(f"{unit.name} · {quarter}")
    unit_select = page.get_by_label("Đơn vị (kể cả đơn vị trực thuộc)")
    period_select = page.get_by_label("Kỳ", exact=True)
    expect(unit_select).to_have_value(str(unit.pk))
    expect(period_select).to_have_value("quarter")
    assert period_select.locator("option:checked").inner_text() == "Quý"
    before = lead_text(page)
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"unit={unit.pk}&period=quarter"))
    assert lead_text(page) == before
    expect(unit_select).to_have_value(str(unit.pk))
    expect(period_select).to_have_value("quarter")


def test_the_picker_shows_the_unit_and_period_on_the_page(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    log_in(page, "bithu")
    check_picker(page, Unit.objects.get(parent__isnull=True))
    log_out(page)
    # A ward secretary: the page opens on their ward, and so does the picker (not the first unit it offers).
    log_in(page, "phuxuan")
    check_picker(page, Unit.objects.get(code="P-PHUXUAN"))
    assert_clean(browser_log)


def geometry(page: Page) -> dict[str, float]:
    return page.evaluate(
        """() => {
        const box = document.querySelector('.dash-league-scroll');
        const card = box.closest('.card');
        const heads = box.querySelectorAll('thead th');
        const last = heads[heads.length - 1].getBoundingClientRect();
        const r = box.getBoundingClientRect();
        return {
            docScroll: document.documentElement.scrollWidth, docClient: document.documentElement.clientWidth,
            boxLeft: r.left, boxRight: r.right, boxTop: r.top, boxClient: box.clientWidth,
            boxScroll: box.scrollWidth, cardRight: card.getBoundingClientRect().right,
            lastLeft: last.left, lastRight: last.right, height: document.documentElement.scrollHeight,
        };
    }"""
    )


def test_the_league_table_fits_a_laptop_a_phone_and_paper(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, "bithu")
    page.goto(reverse("dashboard:overview"))
    table = page.locator("#dash-league")
    expect(table.locator("thead th")).to_have_count(LEAGUE_COLUMNS)

    # A laptop: no sideways scrolling of the page; the table's box lies within its card and the window.
    g = geometry(page)
    assert g["docScroll"] <= g["docClient"], g
    assert g["boxRight"] <= g["cardRight"] + 1 and g["boxRight"] <= 1440, g
    # The last column can be reached: scrolled to the right end of its box, it is wholly inside.
    page.locator(".dash-league-scroll").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    g = geometry(page)
    assert g["boxLeft"] - 1 <= g["lastLeft"] and g["lastRight"] <= g["boxRight"] + 1, g
    expect(table.get_by_role("columnheader", name="Trả lời vướng mắc (ngày làm việc)")).to_be_visible()
    # The header row stays on top while the rows scroll under it; the unit column stays at the left.
    page.locator(".dash-league-scroll").evaluate("box => { box.scrollTop = 400; }")
    head_top = table.locator("thead th").first.evaluate("th => th.getBoundingClientRect().top")
    assert abs(head_top - geometry(page)["boxTop"]) <= 1
    first_unit = table.locator("tbody th").first
    unit_left = first_unit.evaluate("th => th.getBoundingClientRect().left")
    assert unit_left >= geometry(page)["boxLeft"]

    # Units with nothing to rank or flag are one line, which opens on demand.
    fold = page.get_by_role("button", name=re.compile(r"\d+ đơn vị chưa đủ số liệu"))
    expect(fold).to_have_attribute("aria-expanded", "false")
    folded = int(re.findall(r"\d+", fold.inner_text())[0])
    assert folded > 0
    sparse_rows = table.locator("#dash-sparse tr")
    expect(sparse_rows).to_have_count(folded)
    expect(sparse_rows.first).to_be_hidden()
    ranked = table.locator("tbody:not(#dash-sparse) tr")
    assert ranked.count() + folded == 51
    fold.click()
    expect(fold).to_have_attribute("aria-expanded", "true")
    expect(sparse_rows.first).to_be_visible()
    fold.click()
    expect(sparse_rows.first).to_be_hidden()

    # The compact table leaves out the breakdown, fits without scrolling sideways, and is remembered.
    detail = table.get_by_role("columnheader", name="Đúng hạn", exact=True)
    expect(detail).to_be_visible()
    compact = page.get_by_role("button", name="Bảng gọn")
    expect(compact).to_have_attribute("aria-pressed", "false")
    compact.click()
    expect(compact).to_have_attribute("aria-pressed", "true")
    expect(detail).to_be_hidden()
    g = geometry(page)
    assert g["boxScroll"] <= g["boxClient"], g
    page.reload()
    expect(page.get_by_role("button", name="Bảng gọn")).to_have_attribute("aria-pressed", "true")
    expect(detail).to_be_hidden()
    page.get_by_role("button", name="Bảng gọn").click()
    expect(detail).to_be_visible()

    # A phone: the table scrolls in its box, the page no wider than the screen and far shorter than before.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # Measured once the petitions' cards, which come after the page, are in.
    expect(page.locator(".dash-petitions")).to_have_count(0)
    g = geometry(page)
    assert g["docScroll"] <= g["docClient"], g
    assert g["height"] < PHONE_HEIGHT_BEFORE / 4, g

    # Paper: the print button prints; printed, every column lies within the page, the navigation and the
    # picker are left out.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.reload()
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="In / Xuất PDF").click()
    assert page.evaluate("() => window.printed") == 1
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 740})  # A4 landscape less 10 mm margins, at 96 px per inch
    heads = table.locator("thead th")
    for i in range(LEAGUE_COLUMNS):
        expect(heads.nth(i)).to_be_visible()
    g = geometry(page)
    assert g["boxScroll"] <= g["boxClient"] and g["lastRight"] <= 1047, g
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Xem")).to_be_hidden()
    expect(page.get_by_role("button", name="In / Xuất PDF")).to_be_hidden()
    page.emulate_media(media="screen")

    # The same button on a task's page and on the reports list.
    task = Task.objects.filter(state="in_progress").order_by("pk").first() or Task.objects.order_by("pk").first()
    assert task is not None
    page.goto(reverse("tasks:detail", args=[task.pk]))
    expect(page.get_by_role("button", name="In / Xuất PDF")).to_be_visible()
    page.goto(reverse("reports:list"))
    expect(page.get_by_role("button", name="In / Xuất PDF")).to_be_visible()
    assert_clean(browser_log)
