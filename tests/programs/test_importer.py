"""Excel import (all-or-nothing, per-row Vietnamese errors, upsert by key), the template and the export."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sauro.audit.models import AuditEntry
from sauro.common.errors import PermissionDeniedError
from sauro.programs import importer
from sauro.programs.importer import ImportFailed, import_program
from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.programs.services import item_create_task
from sauro.tasks.choices import ProductKind
from tests.common import files
from tests.programs.conftest import XLSX, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db

GOOD_ROWS: list[list[Any]] = [
    # STT, Tháng, Quý, Nội dung, Chủ trì, Phối hợp, Sản phẩm, Thời hạn, Ghi chú
    [
        "1",
        1,
        None,
        "Tổng kết công tác tổ chức xây dựng Đảng năm 2025",
        "BTCTU",
        "Văn phòng",
        "Báo cáo tổng kết",
        "20/01/2026",
        "",
    ],
    [
        "2.1",
        3,
        "I",
        "Rà soát quy hoạch cán bộ",
        "ban to chuc thanh uy",
        "",
        "Kế hoạch rà soát",
        datetime.datetime(2026, 3, 31),
        "Ưu tiên",
    ],
    [3, None, 2, "Hội nghị sơ kết quý", "Phòng Tổ chức cán bộ", "", "", None, ""],
    ["4", 12, 4, "Chuẩn bị chương trình năm 2027", "", "", "", "", ""],
]


def run(org: Any, program: WorkProgram, rows: list[list[Any]], **kw: Any) -> importer.ImportResult:
    return import_program(acting_user=org.btc_head, program=program, upload=xlsx_upload(rows, **kw))


def test_good_file_is_imported(org: Any, program: WorkProgram) -> None:
    result = run(org, program, GOOD_ROWS)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    items = {i.key: i for i in WorkProgramItem.objects.select_related("lead_unit")}
    assert set(items) == {"1", "2.1", "3", "4"}
    first = items["1"]
    assert (first.month, first.quarter, first.lead_unit, first.due_date) == (1, 1, org.btc, datetime.date(2026, 1, 20))
    assert first.coordinating == "Văn phòng"
    assert first.product_kind == ProductKind.REPORT  # "Báo cáo …" recognised
    second = items["2.1"]
    assert (second.quarter, second.lead_unit, second.due_date) == (1, org.btc, datetime.date(2026, 3, 31))
    assert second.product_kind == ProductKind.PLAN
    assert second.notes == "Ưu tiên"
    assert (items["3"].month, items["3"].quarter, items["3"].lead_unit) == (None, 2, org.btc_dept)
    assert items["4"].lead_unit is None
    entry = AuditEntry.objects.get(action="workprogram.import")
    assert "4 mục mới" in entry.summary


def test_upsert_by_key(org: Any, program: WorkProgram) -> None:
    run(org, program, GOOD_ROWS)
    changed = [list(r) for r in GOOD_ROWS[:2]]
    changed[1][3] = "Rà soát, bổ sung quy hoạch cán bộ"
    new = ["5", 6, None, "Sơ kết 6 tháng", "BTCTU", "", "Báo cáo", "30/06/2026", ""]
    result = run(org, program, [*changed, new])
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert result.keys_updated == ["2.1"]
    assert WorkProgramItem.objects.count() == 5  # items missing from the file are kept
    item = WorkProgramItem.objects.get(key="2.1")
    assert (item.content, item.version) == ("Rà soát, bổ sung quy hoạch cán bộ", 2)
    again = run(org, program, [*changed, new])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_upsert_keeps_the_link_to_a_task(org: Any, program: WorkProgram) -> None:
    run(org, program, GOOD_ROWS)
    item = WorkProgramItem.objects.get(key="1")
    task = item_create_task(acting_user=org.btc_head, item=item)
    changed = [list(GOOD_ROWS[0])]
    changed[0][8] = "Đã giao"
    run(org, program, changed)
    item.refresh_from_db()
    assert (item.notes, item.task_id) == ("Đã giao", task.pk)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", 1, None, "Nội dung", "", "", "", "", ""], "Dòng 3: thiếu STT/mã mục"),
        (["9", 1, None, "   ", "", "", "", "", ""], "Dòng 3: nội dung công việc không được để trống"),
        (["9", 13, None, "Nội dung", "", "", "", "", ""], "Dòng 3: tháng phải từ 1 đến 12"),
        (["9", "tháng mười", None, "Nội dung", "", "", "", "", ""], "Dòng 3: tháng phải từ 1 đến 12"),
        (["9", None, 5, "Nội dung", "", "", "", "", ""], "Dòng 3: quý phải từ 1 đến 4 (hoặc I đến IV)"),
        (["9", 5, 3, "Nội dung", "", "", "", "", ""], "Dòng 3: tháng 5 thuộc quý 2, không phải quý 3"),
        (
            ["9", 1, None, "Nội dung", "Ban Tổ chức Thành ủ", "", "", "", ""],
            "Dòng 3: không tìm thấy đơn vị chủ trì “Ban Tổ chức Thành ủ”",
        ),
        (
            ["9", 1, None, "Nội dung", "", "", "", "31/02/2026", ""],
            "Dòng 3: thời hạn “31/02/2026” không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 31/03/2026)",
        ),
        (
            ["9", 1, None, "Nội dung", "", "", "", "ngày mai", ""],
            "Dòng 3: thời hạn “ngày mai” không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 31/03/2026)",
        ),
        (
            ["9", 1, None, "Nội dung", "", "", "", "15/01/2027", ""],
            "Dòng 3: thời hạn 15/01/2027 không thuộc năm 2026 của chương trình",
        ),
        (["1", 1, None, "Trùng mã", "", "", "", "", ""], "Dòng 3: STT/mã mục “1” trùng với dòng 2"),
    ],
)
def test_each_broken_row_is_named_and_nothing_is_written(
    org: Any, program: WorkProgram, row: list[Any], message: str
) -> None:
    with pytest.raises(ImportFailed) as exc:
        run(org, program, [GOOD_ROWS[0], row])
    assert exc.value.errors == [message]
    assert not WorkProgramItem.objects.exists()
    assert not AuditEntry.objects.filter(action="workprogram.import").exists()


def test_all_errors_are_reported_at_once_and_existing_items_untouched(org: Any, program: WorkProgram) -> None:
    run(org, program, GOOD_ROWS)
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][3] = "Đổi nội dung"  # would be an update …
    rows.append(["7", 14, None, "", "Không có", "", "", "x", ""])  # … but row 6 is wrong four ways
    with pytest.raises(ImportFailed) as exc:
        run(org, program, rows)
    assert exc.value.errors == [
        "Dòng 6: nội dung công việc không được để trống",
        "Dòng 6: tháng phải từ 1 đến 12",
        "Dòng 6: không tìm thấy đơn vị chủ trì “Không có”",
        "Dòng 6: thời hạn “x” không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 31/03/2026)",
    ]
    assert WorkProgramItem.objects.get(key="1").content == GOOD_ROWS[0][3]


def test_quarterly_program_refuses_months_outside_it(org: Any, make_program: Any) -> None:
    q1 = make_program(quarter=1)
    with pytest.raises(ImportFailed) as exc:
        import_program(
            acting_user=org.monitor,
            program=q1,
            upload=xlsx_upload([["1", 4, None, "Nội dung", "", "", "", "", ""]]),
        )
    assert exc.value.errors == ["Dòng 2: tháng 4 không thuộc quý 1 của chương trình"]


def test_a_unit_outside_the_users_view_is_not_found(org: Any, make_program: Any) -> None:
    ward = make_program(unit=org.phuxuan, by=org.phuxuan_head)
    with pytest.raises(ImportFailed) as exc:
        import_program(
            acting_user=org.phuxuan_head,
            program=ward,
            upload=xlsx_upload([["1", 4, None, "Nội dung", "P-ANCUU", "", "", "", ""]]),
        )
    assert exc.value.errors == ["Dòng 2: không tìm thấy đơn vị chủ trì “P-ANCUU”"]


def test_headers_matched_loosely_and_blank_rows_skipped(org: Any, program: WorkProgram) -> None:
    headers = ["Nội dung công việc", "stt", "THANG", "Cột lạ"]
    rows: list[list[Any]] = [["Việc A", "1", 2, "bỏ qua"], [None, None, None, None], ["Việc B", "2", None, None]]
    result = run(org, program, rows, headers=headers)
    assert result.created == 2


def test_missing_header_is_refused(org: Any, program: WorkProgram) -> None:
    with pytest.raises(ImportFailed) as exc:
        run(org, program, [["1", "x"]], headers=["STT", "Việc"])
    assert exc.value.errors == [
        "Dòng 1 phải là dòng tiêu đề của mẫu; thiếu cột: “Nội dung công việc”. "
        "Hãy tải mẫu nhập Excel và dùng đúng tiêu đề."
    ]


@pytest.mark.parametrize(
    "content",
    [b"STT,Noi dung\n1,abc\n", b"%PDF-1.4 not a workbook", b"PK\x03\x04broken zip", b""],
)
def test_non_xlsx_content_is_refused(org: Any, program: WorkProgram, content: bytes) -> None:
    upload = SimpleUploadedFile("chuong-trinh.xlsx", content, content_type=XLSX)
    with pytest.raises(ImportFailed) as exc:
        import_program(acting_user=org.btc_head, program=program, upload=upload)
    assert exc.value.errors[0].startswith("Không đọc được tệp “chuong-trinh.xlsx”: chỉ nhận tệp Excel .xlsx")


def test_size_and_row_limits(org: Any, program: WorkProgram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 1000)
    big = SimpleUploadedFile("lon.xlsx", xlsx_bytes(GOOD_ROWS), content_type=XLSX)
    with pytest.raises(ImportFailed, match="vượt quá"):
        import_program(acting_user=org.btc_head, program=program, upload=big)
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 3)
    with pytest.raises(ImportFailed) as exc:
        run(org, program, GOOD_ROWS)
    assert exc.value.errors == ["Tệp có hơn 3 dòng dữ liệu; hãy chia thành nhiều tệp."]
    assert not WorkProgramItem.objects.exists()


def test_missing_file_and_no_right(org: Any, program: WorkProgram) -> None:
    with pytest.raises(ImportFailed, match="Hãy chọn tệp Excel"):
        import_program(acting_user=org.btc_head, program=program, upload=None)
    with pytest.raises(PermissionDeniedError):
        import_program(acting_user=org.btc_officer, program=program, upload=xlsx_upload(GOOD_ROWS))


def test_formula_is_imported_as_text_and_exported_neutralised(org: Any, program: WorkProgram) -> None:
    formula = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    run(org, program, [["1", 1, None, formula, "", "", "=1+1", "", "@SUM(A1)"]])
    item = WorkProgramItem.objects.get()
    assert item.content == formula  # the text of the formula, never its value
    assert item.product == "=1+1"
    assert item.notes == "@SUM(A1)"
    data = importer.program_to_xlsx(program, WorkProgramItem.objects.select_related("lead_unit", "task"))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    row = [c.value for c in ws[2]]
    assert row[3] == "'" + formula
    assert ws.cell(row=2, column=4).data_type == "s"
    assert row[6] == "'=1+1"
    assert row[8] == "'@SUM(A1)"
    # The exported file imports back unchanged (the apostrophe is taken off again).
    result = import_program(
        acting_user=org.btc_head,
        program=program,
        upload=SimpleUploadedFile("xuat.xlsx", data, content_type=XLSX),
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_export_has_template_columns_and_task_state(org: Any, program: WorkProgram) -> None:
    run(org, program, GOOD_ROWS)
    item_create_task(acting_user=org.btc_head, item=WorkProgramItem.objects.get(key="1"))
    items = WorkProgramItem.objects.select_related("lead_unit", "task").order_by("position")
    ws = load_workbook(io.BytesIO(importer.program_to_xlsx(program, items))).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == [*importer.TEMPLATE_HEADERS, "Nhiệm vụ", "Trạng thái nhiệm vụ"]
    first = [c.value for c in ws[2]]
    assert first[0] == "1"
    assert first[4] == "Ban Tổ chức Thành ủy"
    assert first[7] == datetime.datetime(2026, 1, 20)
    assert first[10] == "Tổng kết công tác tổ chức xây dựng Đảng năm 2025"
    assert first[11] == "Dự thảo"
    assert [c.value for c in ws[3]][11] is None


def test_template_parses_and_lists_units(org: Any, today: Any) -> None:
    wb = load_workbook(io.BytesIO(importer.template_bytes(user=org.phuxuan_head)))
    assert [c.value for c in wb.worksheets[0][1]] == list(importer.TEMPLATE_HEADERS)
    assert importer.TEMPLATE_HEADERS == (
        "STT/Mã mục",
        "Tháng",
        "Quý",
        "Nội dung công việc",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Sản phẩm",
        "Thời hạn",
        "Ghi chú",
        "Loại sản phẩm",
    )
    units = wb[importer.UNITS_SHEET]
    listed = [(r[0].value, r[1].value) for r in units.iter_rows(min_row=2)]
    assert ("P-PHUXUAN", "Đảng ủy phường Phú Xuân") in listed
    assert ("TU", "Thành ủy Huế") in listed  # the chain above: may lead an item
    assert all(code != "P-ANCUU" for code, _ in listed)


def test_filled_template_imports(org: Any, program: WorkProgram) -> None:
    wb = load_workbook(io.BytesIO(importer.template_bytes(user=org.btc_head)))
    ws = wb.worksheets[0]
    ws.append(["1", 2, None, "Việc từ mẫu", "Ban Tổ chức Thành ủy", "", "", datetime.date(2026, 2, 27), "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("mau.xlsx", buffer.getvalue(), content_type=XLSX)
    assert import_program(acting_user=org.btc_head, program=program, upload=upload).created == 1


def test_template_has_an_example_row_drop_downs_and_the_rules(org: Any, today: Any) -> None:
    wb = load_workbook(io.BytesIO(importer.template_bytes(user=org.btc_head)))
    assert wb.sheetnames == ["Chương trình công tác", "Danh sách đơn vị", "Hướng dẫn"]
    ws = wb.worksheets[0]
    column = {c.value: c.column_letter for c in ws[1]}
    example = {header: ws[f"{letter}2"].value for header, letter in column.items()}
    assert example["STT/Mã mục"] == "Ví dụ"
    assert example["Nội dung công việc"].startswith("(Dòng ví dụ, hãy ghi đè hoặc xoá)")
    assert example["Tháng"] == 3 and example["Quý"] == "I"
    assert example["Loại sản phẩm"] == "Kế hoạch"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[f"{column['Tháng']}2:{column['Tháng']}201"] == '"1,2,3,4,5,6,7,8,9,10,11,12"'
    assert lists[f"{column['Quý']}2:{column['Quý']}201"] == '"I,II,III,IV"'
    kinds = lists[f"{column['Loại sản phẩm']}2:{column['Loại sản phẩm']}201"]
    assert "Báo cáo" in kinds and "Đề án" in kinds and "Hội nghị được tổ chức" in kinds
    units = wb["Danh sách đơn vị"]
    assert lists[f"{column['Đơn vị chủ trì']}2:{column['Đơn vị chủ trì']}201"] == (
        f"'Danh sách đơn vị'!$B$2:$B${units.max_row}"
    )
    assert example["Đơn vị chủ trì"] == units["B2"].value
    guide = "\n".join(str(c.value or "") for c in wb["Hướng dẫn"]["A"])
    assert "Dòng 2 là dòng ví dụ" in guide and "tất cả hoặc không" in guide


def test_template_as_downloaded_filled_with_two_rows_imports_them(org: Any, program: WorkProgram) -> None:
    wb = load_workbook(io.BytesIO(importer.template_bytes(user=org.btc_head)))
    ws = wb.worksheets[0]
    column = {c.value: c.column for c in ws[1]}

    def fill(row: int, **values: Any) -> None:
        for header, value in values.items():
            ws.cell(row=row, column=column[header], value=value)

    fill(3, **{"STT/Mã mục": "1", "Tháng": 2, "Nội dung công việc": "Tổng kết công tác tổ chức năm 2025"})
    fill(
        3,
        **{
            "Đơn vị chủ trì": "Ban Tổ chức Thành ủy",
            "Sản phẩm": "Báo cáo tổng kết",
            "Thời hạn": datetime.date(2026, 2, 27),
        },
    )
    fill(4, **{"STT/Mã mục": "2", "Quý": "II", "Nội dung công việc": "Xây dựng đề án kiện toàn chi bộ"})
    fill(4, **{"Đơn vị chủ trì": "BTCTU", "Loại sản phẩm": "Đề án", "Sản phẩm": "Trình Ban Thường vụ"})
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("mau.xlsx", buffer.getvalue(), content_type=XLSX)
    result = import_program(acting_user=org.btc_head, program=program, upload=upload)
    assert (result.created, result.keys_created) == (2, ["1", "2"])  # the example row is not an item
    items = {i.key: i for i in WorkProgramItem.objects.filter(program=program)}
    assert set(items) == {"1", "2"}
    assert items["1"].product_kind == ProductKind.REPORT and items["1"].month == 2
    assert items["2"].product_kind == ProductKind.SCHEME and items["2"].quarter == 2
    assert items["2"].lead_unit_id == org.btc.pk


def test_a_changed_example_row_is_refused_and_an_unknown_kind_named(org: Any, program: WorkProgram) -> None:
    wb = load_workbook(io.BytesIO(importer.template_bytes(user=org.btc_head)))
    ws = wb.worksheets[0]
    column = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=column["Nội dung công việc"], value="Việc thật ghi vào dòng ví dụ")
    ws.cell(row=3, column=column["STT/Mã mục"], value="1")
    ws.cell(row=3, column=column["Nội dung công việc"], value="Việc có loại lạ")
    ws.cell(row=3, column=column["Loại sản phẩm"], value="Bài phát biểu")
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ImportFailed) as exc:
        import_program(
            acting_user=org.btc_head,
            program=program,
            upload=SimpleUploadedFile("mau.xlsx", buffer.getvalue(), content_type=XLSX),
        )
    assert exc.value.errors == [
        "Dòng 2: dòng ví dụ đã được sửa; hãy thay “Ví dụ” bằng STT/mã mục của mục công việc, hoặc xoá dòng này",
        "Dòng 3: loại sản phẩm “Bài phát biểu” không có trong danh sách (xem trang “Hướng dẫn”)",
    ]
    assert not WorkProgramItem.objects.filter(program=program).exists()


def test_a_sheet_of_blank_rows_is_refused_at_the_cap(
    org: Any, program: WorkProgram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scan before parsing refuses it; without the scan, the walk still stops at the importer's cap.
    bomb = SimpleUploadedFile("trong.xlsx", files.blank_rows_bomb(rows=20_000), content_type=XLSX)
    with pytest.raises(ImportFailed) as exc:
        import_program(acting_user=org.btc_head, program=program, upload=bomb)
    assert exc.value.errors == [
        "Không nhận tệp “trong.xlsx”: trang tính dài tới dòng 5.001 (kể cả dòng trống), vượt giới hạn 5.000 dòng. "
        "Hãy xoá các dòng trống thừa hoặc chia thành nhiều tệp."
    ]
    monkeypatch.setattr(importer, "check_spreadsheet", lambda *args, **kwargs: None)
    bomb.seek(0)
    with pytest.raises(ImportFailed) as exc:
        import_program(acting_user=org.btc_head, program=program, upload=bomb)
    assert exc.value.errors == [
        "Trang tính có hơn 5.000 dòng (kể cả dòng trống); hãy xoá các dòng trống thừa hoặc chia thành nhiều tệp."
    ]
