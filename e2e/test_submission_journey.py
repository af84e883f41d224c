"""A product with its file, in the browser, on the Huế demo (issue 17).

The Ban's officer opens a task just accepted: the page tells them the next step (update the progress) and keeps
"Gửi sản phẩm" folded; they open it, attach the report and, the progress being below 100%, confirm they submit
anyway. Thường trực sees the file beside "Duyệt sản phẩm" / "Trả lại", downloads it, and returns the product; the
officer then sees the date and the reason beside the resubmit form.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, log_in, log_out
from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.loader import LoadResult
from sauro.org.models import Unit
from sauro.tasks import access, services
from sauro.tasks.choices import ProductKind
from sauro.tasks.models import Task

pytestmark = pytest.mark.e2e

TITLE = "Báo cáo tổng hợp nhận xét, đánh giá cán bộ diện Ban Thường vụ quản lý năm 2025"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REASON = "Thiếu danh sách cán bộ đề xuất bổ sung quy hoạch"


def accepted_task() -> Task:
    """Drafted by Văn phòng for Ban Tổ chức, decided by Thường trực, issued and accepted with the Ban's officer."""
    monitor = User.objects.get(username="vanphong")
    head = User.objects.get(username="bantochuc")
    officer = User.objects.get(username="chuyenvien.btc")
    owner = access.drafting_unit(monitor)
    assert owner is not None
    fields = {
        "title": TITLE,
        "content": "Tổng hợp nhận xét, đánh giá cán bộ diện Ban Thường vụ quản lý, báo cáo Thường trực Thành ủy.",
        "lead_unit": Unit.objects.get(name="Ban Tổ chức Thành ủy", valid_to=None).pk,
        "responsible_person": head.pk,
        "due_date": clock.today() + datetime.timedelta(days=30),
        "product_kind": ProductKind.REPORT,
        "product_description": "Báo cáo tổng hợp kèm danh sách đề xuất",
        "authority_unit": Unit.objects.get(name="Thường trực Thành ủy", valid_to=None).pk,
    }
    task = services.task_create(acting_user=monitor, owner_unit=owner, fields=fields)
    task = services.task_issue(acting_user=monitor, task=task)
    return services.task_accept(acting_user=head, task=task, officer_ids=[officer.pk])


def test_a_product_with_its_file_is_seen_downloaded_and_returned_with_its_reason(
    page: Page, demo: LoadResult, browser_log: BrowserLog, tmp_path: Path
) -> None:
    task = accepted_task()
    url = f"/nhiem-vu/{task.pk}/"

    # --- the officer: the next step is the progress; "Gửi sản phẩm" is folded until opened -------------------
    log_in(page, "chuyenvien.btc")
    page.goto(url)
    expect(page.get_by_text("Nhiệm vụ đang thực hiện: cập nhật tiến độ.")).to_be_visible()
    note = page.get_by_label("Sản phẩm đã hoàn thành")
    expect(note).to_be_hidden()
    page.locator("summary", has_text="Gửi sản phẩm").click()
    note.fill("Báo cáo số 21-BC/BTCTU tổng hợp nhận xét, đánh giá cán bộ")
    page.get_by_label("Tệp sản phẩm").set_input_files(
        {"name": "bao-cao-21.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Gửi sản phẩm").click()
    # Below 100%: the server asks for the confirmation, the form keeps what was typed.
    confirm = page.get_by_label("Tôi xác nhận gửi sản phẩm khi tiến độ mới đạt 0%.")
    expect(confirm).to_be_visible()
    expect(page.get_by_text("hãy đánh dấu ô xác nhận nếu vẫn gửi sản phẩm").first).to_be_visible()
    confirm.check()
    page.get_by_label("Tệp sản phẩm").set_input_files(  # browsers never keep a chosen file across a refusal
        {"name": "bao-cao-21.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Gửi sản phẩm").click()
    expect(page.get_by_text("Đã gửi sản phẩm tới cấp có thẩm quyền.")).to_be_visible()
    expect(page.get_by_text("Sản phẩm đã gửi ngày", exact=False).first).to_be_visible()
    log_out(page)

    # --- Thường trực: the file beside the decision, downloaded; the product returned with a reason ------------
    log_in(page, "pbtthuongtruc")
    page.goto(url)
    expect(page.get_by_text("Sản phẩm chờ anh/chị duyệt.")).to_be_visible()
    approve = page.get_by_role("group").filter(has=page.get_by_role("button", name="Duyệt sản phẩm"))
    link = approve.get_by_role("link", name="bao-cao-21.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "bao-cao-21.pdf"
    assert saved.read_bytes() == PDF
    page.locator("summary", has_text="Trả lại sản phẩm").click()
    returning = page.get_by_role("group").filter(has=page.get_by_role("button", name="Trả lại"))
    expect(returning.get_by_role("link", name="bao-cao-21.pdf")).to_be_visible()
    returning.get_by_label("Lý do").fill(REASON)
    returning.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Đã trả lại sản phẩm để đơn vị chủ trì hoàn thiện.")).to_be_visible()
    log_out(page)

    # --- the officer: the return's date and reason beside the open resubmit form -----------------------------
    log_in(page, "chuyenvien.btc")
    page.goto(url)
    day = clock.today().strftime("%d/%m/%Y")
    resubmit = page.get_by_role("group").filter(has=page.get_by_role("button", name="Gửi sản phẩm"))
    expect(resubmit.get_by_text(f"Sản phẩm bị trả lại ngày {day} — lý do: {REASON}")).to_be_visible()
    expect(resubmit.get_by_label("Sản phẩm đã hoàn thành")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(url)))
    assert_clean(browser_log)
