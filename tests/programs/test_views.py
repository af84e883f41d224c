"""Work program pages: list, create, detail, items, tasks from items, Excel in and out — gate, rights, CSP,
query counts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.programs.services import ItemInput, item_create, item_create_task
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task
from tests.common import files
from tests.common.test_security import inline_code
from tests.programs.conftest import xlsx_upload

pytestmark = pytest.mark.django_db


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    text = response.content.decode()
    assert inline_code(text) == []
    assert not re.search(r"\sstyle\s*=", text)
    return text


def add_items(program: WorkProgram, by: Any, n: int, start: int = 1) -> list[WorkProgramItem]:
    return [
        item_create(
            acting_user=by,
            program=program,
            data=ItemInput(key=str(i), content=f"Việc số {i}", month=(i % 12) + 1, lead_unit_id=program.unit_id),
        )
        for i in range(start, start + n)
    ]


def test_nav_points_to_programs_and_highlights(org: Any, client_for: Callable[..., Client], today: Any) -> None:
    text = page(client_for(org.leader).get(reverse("programs:list")))
    assert reverse("programs:list") == "/chuong-trinh-cong-tac/"
    assert 'href="/chuong-trinh-cong-tac/" aria-current="page">Chương trình công tác</a>' in text
    assert "Chưa có chương trình công tác nào trong phạm vi bạn được xem." in text
    assert "đang được xây dựng" not in text


def test_list_filters_and_gate(org: Any, client_for: Any, make_program: Any) -> None:
    btc = make_program(unit=org.btc)
    make_program(unit=org.btc, year=2025)
    ward = make_program(unit=org.ancuu)
    text = page(client_for(org.leader).get(reverse("programs:list"), {"unit": org.btc.pk, "year": 2026}))
    assert btc.title in text
    assert "năm 2025" not in text
    assert ward.title not in text
    text = page(client_for(org.phuxuan_head).get(reverse("programs:list")))
    assert btc.title not in text and ward.title not in text
    assert "Lập chương trình" in text  # a ward head may open their ward's program
    text = page(client_for(org.btc_officer).get(reverse("programs:list")))
    assert "Lập chương trình" not in text


def test_create_program_page(org: Any, client_for: Any, today: Any) -> None:
    client = client_for(org.btc_head)
    text = page(client.get(reverse("programs:create")))
    assert "Ban Tổ chức Thành ủy" in text and "Đảng ủy phường An Cựu" not in text
    response = client.post(reverse("programs:create"), {"unit": org.btc.pk, "year": 2026, "quarter": "2"})
    program = WorkProgram.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("programs:detail", args=[program.pk])
    assert program.quarter == 2
    text = page(client.post(reverse("programs:create"), {"unit": org.btc.pk, "year": 2026, "quarter": "2"}))
    assert "Ban Tổ chức Thành ủy đã có chương trình công tác quý II năm 2026." in text
    assert client_for(org.btc_officer).get(reverse("programs:create")).status_code == 403


def test_another_units_program_is_404(org: Any, client_for: Any, make_program: Any) -> None:
    ward = make_program(unit=org.ancuu)
    [item] = add_items(ward, org.monitor, 1)
    client = client_for(org.phuxuan_head)
    urls = [
        reverse("programs:detail", args=[ward.pk]),
        reverse("programs:edit", args=[ward.pk]),
        reverse("programs:export", args=[ward.pk]),
        reverse("programs:item_create", args=[ward.pk]),
        reverse("programs:item_edit", args=[ward.pk, item.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ["item_delete", "item_create_task", "item_link_task"]:
        assert client.post(reverse(f"programs:{name}", args=[ward.pk, item.pk])).status_code == 404, name
    assert client.post(reverse("programs:import", args=[ward.pk])).status_code == 404
    assert WorkProgramItem.objects.filter(pk=item.pk, task__isnull=True).exists()


def test_reader_sees_detail_but_may_not_write(org: Any, client_for: Any, make_program: Any) -> None:
    program = make_program(unit=org.btc_dept)  # the officer's own department
    add_items(program, org.monitor, 1)
    client = client_for(org.btc_officer)
    text = page(client.get(reverse("programs:detail", args=[program.pk])))
    assert "Việc số 1" in text and "Tạo nhiệm vụ" not in text and "Nhập tệp" not in text
    assert client.get(reverse("programs:item_create", args=[program.pk])).status_code == 403
    assert client.post(reverse("programs:import", args=[program.pk])).status_code == 403


def test_detail_groups_items_and_shows_tasks(org: Any, client_for: Any, program: WorkProgram) -> None:
    items = add_items(program, org.btc_head, 3)
    item_create(acting_user=org.btc_head, program=program, data=ItemInput(key="9", content="Việc cả năm"))
    task = item_create_task(acting_user=org.btc_head, item=items[0])
    text = page(client_for(org.btc_head).get(reverse("programs:detail", args=[program.pk])))
    assert text.index("Tháng 2") < text.index("Tháng 3") < text.index("Tháng 4") < text.index("Không ghi tháng, quý")
    assert reverse("tasks:detail", args=[task.pk]) in text
    assert 'task-state--draft">Dự thảo</span>' in text
    assert text.count(">Tạo nhiệm vụ</button>") == 3
    assert "4 mục, 1 đã thành nhiệm vụ" in text


def test_empty_program_says_so(org: Any, client_for: Any, program: WorkProgram) -> None:
    text = page(client_for(org.btc_head).get(reverse("programs:detail", args=[program.pk])))
    assert "Chương trình chưa có mục nào." in text
    assert "Tải mẫu nhập Excel" in text


def test_add_and_edit_item_pages(org: Any, client_for: Any, program: WorkProgram) -> None:
    client = client_for(org.btc_head)
    page(client.get(reverse("programs:item_create", args=[program.pk])))
    data = {"key": "1", "month": "5", "quarter": "3", "content": "Việc mới", "lead_unit": org.btc.pk}
    text = page(client.post(reverse("programs:item_create", args=[program.pk]), data))
    assert "Tháng 5 thuộc quý 2, không phải quý 3." in text
    assert "Việc mới" in text  # what was typed is kept
    data["quarter"] = ""
    assert client.post(reverse("programs:item_create", args=[program.pk]), data).status_code == 302
    item = WorkProgramItem.objects.get()
    url = reverse("programs:item_edit", args=[program.pk, item.pk])
    page(client.get(url))
    stale = {**data, "content": "Bản của tôi", "version": "1"}
    assert client.post(url, {**data, "content": "Bản khác", "version": "1"}).status_code == 302
    text = page(client.post(url, stale), status=409)
    assert "Mục này đã được người khác sửa (thành phiên bản 2)" in text
    assert "Bản của tôi" in text
    assert WorkProgramItem.objects.get().content == "Bản khác"


def test_create_task_from_item_page(org: Any, client_for: Any, program: WorkProgram) -> None:
    [item] = add_items(program, org.btc_head, 1)
    client = client_for(org.btc_head)
    response = client.post(reverse("programs:item_create_task", args=[program.pk, item.pk]))
    task = Task.objects.get()
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert task.state == TaskState.DRAFT and task.title == "Việc số 1"
    response = client.post(reverse("programs:item_create_task", args=[program.pk, item.pk]), follow=True)
    assert "Mục này đã gắn với nhiệm vụ “Việc số 1”." in page(response)
    assert Task.objects.count() == 1


def test_link_task_page(org: Any, client_for: Any, program: WorkProgram) -> None:
    first, second = add_items(program, org.btc_head, 2)
    task = item_create_task(acting_user=org.btc_head, item=first)
    client = client_for(org.btc_head)
    text = page(client.get(reverse("programs:item_edit", args=[program.pk, second.pk])))
    assert f'<option value="{task.pk}">' in text
    client.post(reverse("programs:item_link_task", args=[program.pk, second.pk]), {"task": task.pk})
    assert WorkProgramItem.objects.get(pk=second.pk).task == task
    client.post(reverse("programs:item_link_task", args=[program.pk, second.pk]), {"unlink": "1"})
    assert WorkProgramItem.objects.get(pk=second.pk).task is None


def test_delete_item_page(org: Any, client_for: Any, program: WorkProgram) -> None:
    [item] = add_items(program, org.btc_head, 1)
    client_for(org.btc_head).post(reverse("programs:item_delete", args=[program.pk, item.pk]))
    assert not WorkProgramItem.objects.exists()


def test_import_page_success_and_failure(org: Any, client_for: Any, program: WorkProgram) -> None:
    client = client_for(org.btc_head)
    url = reverse("programs:import", args=[program.pk])
    bad = xlsx_upload(
        [
            ["1", 1, None, "Việc A", "Ban Tổ chức Thành ủ", "", "", "", ""],
            ["2", 13, None, "Việc B", "", "", "", "", ""],
        ],
        name="ctct-2026.xlsx",
    )
    text = page(client.post(url, {"file": bad}), status=422)
    assert "Chưa nhập tệp “ctct-2026.xlsx”: tệp có lỗi nên không mục nào được ghi." in text
    assert "<li>Dòng 2: không tìm thấy đơn vị chủ trì “Ban Tổ chức Thành ủ”</li>" in text
    assert "<li>Dòng 3: tháng phải từ 1 đến 12</li>" in text
    assert not WorkProgramItem.objects.exists()
    good = xlsx_upload([["1", 1, None, "Việc A", "BTCTU", "", "", "", ""]])
    response = client.post(url, {"file": good}, follow=True)
    assert "Đã nhập tệp Excel: 1 mục mới, 0 mục được cập nhật, 0 mục không thay đổi." in page(response)
    text = page(client.post(url, {}), status=422)
    assert "Hãy chọn tệp Excel để nhập." in text


def test_template_and_export_downloads(org: Any, client_for: Any, program: WorkProgram) -> None:
    add_items(program, org.btc_head, 2)
    client = client_for(org.btc_head)
    response = client.get(reverse("programs:template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-chuong-trinh-cong-tac.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Chương trình công tác", "Danh sách đơn vị", "Hướng dẫn"]
    response = client.get(reverse("programs:export", args=[program.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="chuong-trinh-cong-tac-btctu-2026-q0.xlsx"'
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.max_row == 3


def test_program_edit_page(org: Any, client_for: Any, program: WorkProgram) -> None:
    client = client_for(org.btc_head)
    url = reverse("programs:edit", args=[program.pk])
    page(client.get(url))
    assert client.post(url, {"title": "CTCT 2026", "state": "approved", "version": 1}).status_code == 302
    text = page(client.post(url, {"title": "Cũ", "state": "draft", "version": 1}), status=409)
    assert "Chương trình đã được người khác sửa" in text
    assert WorkProgram.objects.get().title == "CTCT 2026"


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(org: Any, client_for: Any, make_program: Any) -> None:
    client = client_for(org.leader)
    url = reverse("programs:list")
    make_program(unit=org.btc)
    few = _count(client, url)
    for unit in [org.office, org.ubkt, org.phuxuan, org.ancuu, org.btc_dept]:
        p = make_program(unit=unit)
        add_items(p, org.monitor, 2)
    assert _count(client, url) == few
    assert few <= 12


def test_detail_query_count_does_not_grow(org: Any, client_for: Any, program: WorkProgram) -> None:
    client = client_for(org.btc_head)
    url = reverse("programs:detail", args=[program.pk])
    items = add_items(program, org.btc_head, 2)
    item_create_task(acting_user=org.btc_head, item=items[0])
    few = _count(client, url)
    more = add_items(program, org.btc_head, 20, start=3)
    for it in more[:5]:
        item_create_task(acting_user=org.btc_head, item=it)
    assert _count(client, url) == few
    assert few <= 12


# --- hostile workbooks (issue 16): refused on the page, 422, before openpyxl parses them -------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: files.blank_rows_bomb(rows=300_000), "trang tính dài tới dòng 5.001 (kể cả dòng trống)"),
        (files.sparse_rows_xlsx, "trang tính dài tới dòng 30.000.000 (kể cả dòng trống), vượt giới hạn 5.000 dòng"),
        (lambda: files.giant_shared_string(size=64 * 1024 * 1024), "thành phần “xl/sharedStrings.xml” nén với tỉ lệ"),
        (files.xlsx_with_macros, "tệp có macro (“xl/vbaProject.bin”)"),
    ],
)
def test_import_page_refuses_hostile_workbooks(
    org: Any, client_for: Any, program: WorkProgram, build: Callable[[], bytes], message: str
) -> None:
    upload = SimpleUploadedFile("bom.xlsx", build(), content_type=files.XLSX_TYPE)
    text = page(client_for(org.btc_head).post(reverse("programs:import", args=[program.pk]), {"file": upload}), 422)
    assert "Chưa nhập tệp “bom.xlsx”" in text
    assert "Không nhận tệp “bom.xlsx”: " in text and message in text
    assert not WorkProgramItem.objects.exists()
