"""Task lists as Excel: Vietnamese headers, real dates, formula-like titles kept as text, a fixed number of queries."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from sauro.tasks.choices import ReportingState, TaskState
from sauro.tasks.exports import ONGOING_DUE, TASK_HEADERS, export_queryset, task_row, tasks_to_xlsx
from sauro.tasks.models import Task
from sauro.tasks.selectors import task_list
from sauro.tasks.services import task_accept, task_approve, task_issue, task_submit

from .conftest import TODAY

EXPECTED_HEADERS = (
    "STT",
    "Tên nhiệm vụ",
    "Văn bản chỉ đạo",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Người chịu trách nhiệm",
    "Thời hạn",
    "Thời hạn ban đầu",
    "Trạng thái",
    "Tình trạng",
    "Ngày hoàn thành",
    "Sản phẩm",
    "Cấp có thẩm quyền",
)


def _sheet(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data)).active


@pytest.fixture
def tasks(org, make_draft, today):  # type: ignore[no-untyped-def]
    done = make_draft(title="Rà soát quy hoạch cán bộ", coordinating_units=[org.office.pk, org.ubkt.pk])
    task_issue(acting_user=org.monitor, task=done)
    task_accept(acting_user=org.btc_head, task=done)
    task_submit(acting_user=org.btc_head, task=done, product_note="Báo cáo rà soát")
    task_approve(acting_user=org.leader, task=done)
    hostile = make_draft(title='=HYPERLINK("http://attacker.example","Xem")', due_date=TODAY)
    task_issue(acting_user=org.monitor, task=hostile)
    draft = make_draft(title="+1 việc chưa giao", due_date=None)
    return [done, hostile, draft]


def test_headers_are_the_vietnamese_columns(tasks) -> None:  # type: ignore[no-untyped-def]
    assert TASK_HEADERS == EXPECTED_HEADERS
    ws = _sheet(tasks_to_xlsx(export_queryset(Task.objects.order_by("id"))))
    assert tuple(c.value for c in ws[1]) == EXPECTED_HEADERS
    assert ws.title == "Danh sách nhiệm vụ"
    assert ws.freeze_panes == "A2"


def test_a_task_list_round_trips(org, tasks) -> None:  # type: ignore[no-untyped-def]
    done = tasks[0]
    ws = _sheet(tasks_to_xlsx(export_queryset(Task.objects.order_by("id"))))
    rows = [dict(zip(EXPECTED_HEADERS, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 3
    first = rows[0]
    assert first["STT"] == 1
    assert first["Tên nhiệm vụ"] == "Rà soát quy hoạch cán bộ"
    assert first["Đơn vị chủ trì"] == org.btc.name
    assert set(first["Đơn vị phối hợp"].split(", ")) == {org.office.name, org.ubkt.name}
    assert first["Người chịu trách nhiệm"] == org.btc_head.get_full_name()
    assert first["Thời hạn"] == datetime.datetime.combine(done.due_date, datetime.time())
    assert first["Thời hạn ban đầu"] == first["Thời hạn"]
    assert first["Trạng thái"] == TaskState.DONE.label
    assert first["Tình trạng"] == ReportingState.DONE_ON_TIME.label
    assert first["Ngày hoàn thành"] == datetime.datetime.combine(TODAY, datetime.time())
    assert first["Sản phẩm"] == "Báo cáo: Báo cáo kết quả rà soát kèm danh sách đề xuất"
    assert first["Cấp có thẩm quyền"] == org.standing.name
    assert rows[1]["Tình trạng"] == ReportingState.OPEN_ON_TIME.label
    assert rows[2]["Trạng thái"] == TaskState.DRAFT.label
    assert rows[2]["Tình trạng"] is None and rows[2]["Thời hạn"] is None
    # Dates are real dates, shown as dd/mm/yyyy.
    cell = ws["G2"]
    assert cell.is_date and cell.number_format == "DD/MM/YYYY"


def test_formula_like_titles_come_out_as_text(tasks) -> None:  # type: ignore[no-untyped-def]
    ws = _sheet(tasks_to_xlsx(export_queryset(Task.objects.order_by("id"))))
    hostile, draft = ws["B3"], ws["B4"]
    assert hostile.data_type == "s" and hostile.value == '\'=HYPERLINK("http://attacker.example","Xem")'
    assert draft.data_type == "s" and draft.value == "'+1 việc chưa giao"


def test_an_ongoing_task_shows_thuong_xuyen(org, make_draft) -> None:  # type: ignore[no-untyped-def]
    task = make_draft(due_date=None, is_ongoing=True, review_cadence="monthly")
    task_issue(acting_user=org.monitor, task=task)
    (row,) = [task_row(1, t) for t in export_queryset(Task.objects.filter(pk=task.pk))]
    assert row[6] == ONGOING_DUE
    assert row[9] == ReportingState.ONGOING.label


def test_export_costs_a_fixed_number_of_queries(org, make_draft, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(6):
        task = make_draft(title=f"Nhiệm vụ số {i}", coordinating_units=[org.office.pk, org.ubkt.pk])
        task_issue(acting_user=org.monitor, task=task)
    qs = export_queryset(task_list(user=org.monitor))
    # One query for the tasks with their joined rows, one for the coordinating units of the chunk.
    with django_assert_num_queries(2):
        data = tasks_to_xlsx(qs.iterator(chunk_size=100))
    assert _sheet(data).max_row == 7


def test_the_export_respects_the_visibility_gate(org, tasks) -> None:  # type: ignore[no-untyped-def]
    # The caller passes what the user may see: a ward's head sees none of these tasks (Phú Xuân's: An Cựu's head
    # also sits in Ủy ban Kiểm tra, which coordinates one of them).
    ws = _sheet(tasks_to_xlsx(export_queryset(task_list(user=org.phuxuan_head))))
    assert ws.max_row == 1
