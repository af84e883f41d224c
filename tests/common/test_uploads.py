"""The one home of upload checks (``sauro.common.uploads``, issue 16): every hostile file refused with its Vietnamese
message, before anything parses it; ordinary files accepted. The pages and the API that show these refusals are
tested with their apps (directives, programs, monitoring, reports)."""

from __future__ import annotations

import io
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sauro.common import uploads
from sauro.common.uploads import UploadRefused, check_spreadsheet, check_upload
from tests.common import files
from tests.common.test_security import inline_code

ODT = "application/vnd.oasis.opendocument.text"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        check_upload(upload(name, content))
    assert caught.value.fields == {"file": caught.value.message}
    return caught.value


def odf_bytes(media_type: str = ODT, extra: dict[str, bytes] | None = None) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        ("ket-luan.pdf", files.pdf_bytes, "application/pdf"),
        (
            "nen.pdf",
            lambda: files.pdf_bytes(object_stream=b"<< /Title (B\\341o c\\341o) /OpenAction [3 0 R /Fit] >>"),
            "application/pdf",
        ),
        ("phu-luc.docx", files.docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (
            "bieu-do.docx",
            files.docx_with_chart_workbook,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("bang.xlsx", files.xlsx_bytes, files.XLSX_TYPE),
        ("cu.doc", files.ole2_bytes, "application/msword"),
        ("cu.xls", lambda: files.ole2_bytes({"Workbook": b"\x09\x08" * 64}), "application/vnd.ms-excel"),
        ("van-ban.odt", odf_bytes, ODT),
    ],
)
def test_ordinary_files_are_accepted(name: str, build: Callable[[], bytes], content_type: str) -> None:
    content = build()
    checked = check_upload(upload(name, content))
    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


# --- ZIP packages -----------------------------------------------------------------------------------------------


def test_a_deeply_compressed_member_is_refused_from_the_directory() -> None:
    refused = refusal("bom.docx", files.deep_member_docx())
    assert refused.reason == "zip"
    assert refused.message.startswith(
        "Không nhận tệp “bom.docx”: thành phần “word/media/image1.png” nén với tỉ lệ bất thường (gấp "
    )
    assert "giới hạn 100 lần; tệp có thể là “bom nén”" in refused.message


def test_the_total_inflated_size_is_capped() -> None:
    refused = refusal("nhieu.docx", files.total_bomb_docx())
    assert refused.message == (
        "Không nhận tệp “nhieu.docx”: khi giải nén, tệp lên tới 250,8 MB, vượt giới hạn 200 MB "
        "(tệp có thể là “bom nén”)."
    )


def test_too_many_members_are_refused_before_zipfile_lists_them() -> None:
    refused = refusal("vun.docx", files.many_members_docx())
    assert refused.message == "Không nhận tệp “vun.docx”: tệp chứa hơn 2.000 thành phần nén, nhiều bất thường."


@pytest.mark.parametrize(
    ("name", "build", "reason", "message"),
    [
        (
            "macro.xlsx",
            files.xlsx_with_macros,
            "macro",
            "Không nhận tệp “macro.xlsx”: tệp có macro (“xl/vbaProject.bin”)",
        ),
        (
            "kieu.xlsx",
            lambda: files.rezip(
                files.xlsx_bytes(),
                replace={
                    "[Content_Types].xml": b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
                    b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
                },
            ),
            "macro",
            "Không nhận tệp “kieu.xlsx”: tệp có macro (“[Content_Types].xml”)",
        ),
        (
            "xlm.xlsx",
            lambda: files.rezip(files.xlsx_bytes(), add={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"}),
            "macro",
            "tệp có macro (“xl/macrosheets/sheet1.xml”)",
        ),
        (
            "chuong-trinh.docx",
            files.docx_with_exe,
            "embedded",
            "Không nhận tệp “chuong-trinh.docx”: tệp có nhúng chương trình hoặc đối tượng OLE "
            "(“word/embeddings/setup.exe”). Hãy xoá đối tượng nhúng rồi tải lên.",
        ),
        (
            "ole.docx",
            files.docx_with_ole_object,
            "embedded",
            "tệp có nhúng chương trình hoặc đối tượng OLE (“word/embeddings/oleObject1.bin”)",
        ),
        (
            "doi-ten.docx",
            lambda: files.rezip(files.docx_bytes(), add={"word/media/image2.png": b"MZ\x90\x00" + b"\x00" * 64}),
            "embedded",
            "(“word/media/image2.png”)",
        ),
        (
            "long.docx",
            files.docx_with_nested_zip,
            "zip",
            "Không nhận tệp “long.docx”: tệp chứa một tệp nén khác bên trong (“word/media/image9.png”).",
        ),
        ("bieu-do.docx", files.docx_with_macro_workbook, "macro", "tệp có macro (“xl/vbaProject.bin”)"),
        (
            "macro.odt",
            lambda: odf_bytes(extra={"Basic/Standard/Module1.xml": b"<script:module/>"}),
            "macro",
            "Không nhận tệp “macro.odt”: tệp có macro (“Basic/Standard/Module1.xml”)",
        ),
        (
            "macro.doc",
            lambda: files.ole2_bytes({"WordDocument": b"\xec\xa5" * 32, "Macros/VBA/dir": b"\x01" * 64}),
            "macro",
            "Không nhận tệp “macro.doc”: tệp có macro (“Macros”)",
        ),
        (
            "macro.xls",
            lambda: files.ole2_bytes({"Workbook": b"\x09\x08" * 32, "_VBA_PROJECT_CUR/VBA/dir": b"\x01" * 64}),
            "macro",
            "tệp có macro (“_VBA_PROJECT_CUR”)",
        ),
        (
            "goi.doc",
            lambda: files.ole2_bytes({"WordDocument": b"\xec\xa5" * 32, "ObjectPool/_1/\x01Ole10Native": b"MZ" * 32}),
            "embedded",
            "tệp có nhúng chương trình hoặc đối tượng OLE (“ObjectPool/_1/Ole10Native”)",
        ),
    ],
)
def test_macros_and_embedded_programs_are_refused(
    name: str, build: Callable[[], bytes], reason: str, message: str
) -> None:
    refused = refusal(name, build())
    assert refused.reason == reason
    assert message in refused.message


def test_an_ole2_file_that_cannot_be_read_is_not_a_word_file() -> None:
    refused = refusal("hong.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert refused.reason == "content"
    assert "không phải là Word (.doc)" in refused.message


# --- PDF --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda: files.pdf_bytes(files.JS_ACTION, catalog_extra=b"/OpenAction 4 0 R"), "mã JavaScript"),
        (lambda: files.pdf_bytes(b"<< /S /J#61vaScr#69pt /JS 5 0 R >>"), "mã JavaScript"),
        (lambda: files.pdf_bytes(b"<< /S /Rendition /JS (app.launchURL\\(1\\)) >>"), "mã JavaScript"),
        (
            lambda: files.pdf_bytes(b"<< /Type /Action /S /Launch /F (cmd.exe) >>", catalog_extra=b"/OpenAction 4 0 R"),
            "lệnh mở chương trình (Launch)",
        ),
        (
            lambda: files.pdf_bytes(b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"),
            "tệp nhúng bên trong",
        ),
        (lambda: files.pdf_bytes(object_stream=files.JS_ACTION), "mã JavaScript"),
        (lambda: files.pdf_bytes(object_stream=b"<< /Names << /EmbeddedFiles 7 0 R >> >>"), "tệp nhúng bên trong"),
    ],
)
def test_active_pdfs_are_refused(build: Callable[[], bytes], what: str) -> None:
    refused = refusal("to-trinh.pdf", build())
    assert refused.reason == "pdf"
    assert refused.message == (
        f"Không nhận tệp “to-trinh.pdf”: tệp PDF có {what}. Hãy in lại tài liệu ra PDF (ví dụ “Microsoft Print to "
        "PDF”) rồi tải lên."
    )


def test_a_pdf_whose_object_stream_cannot_be_read_is_refused_as_unchecked() -> None:
    lzw = files.pdf_bytes(b"<< /Type /ObjStm /N 1 /First 5 /Filter /LZWDecode /Length 4 >>\nstream\nabcd\nendstream")
    refused = refusal("lzw.pdf", lzw)
    assert refused.message.startswith(
        "Không kiểm tra được tệp PDF “lzw.pdf”: có luồng đối tượng nén theo cách không hỗ trợ."
    )
    broken = files.pdf_bytes(
        b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length 4 >>\nstream\nabcd\nendstream"
    )
    assert "bị hỏng hoặc đã mã hoá" in refusal("hong.pdf", broken).message


def test_a_pdf_object_stream_bomb_is_refused_with_flat_memory() -> None:
    inflated = 65 * 1024 * 1024
    bomb = files.pdf_bytes(
        b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode >>\nstream\n"
        + zlib.compress(b" " * inflated, 9)
        + b"\nendstream"
    )
    tracemalloc.start()
    try:
        refused = refusal("bom.pdf", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.message.startswith(
        "Không kiểm tra được tệp PDF “bom.pdf”: các luồng đối tượng nén giải ra quá 64 MB (tệp có thể là “bom nén”)."
    )
    assert peak < 8 * 1024 * 1024


def test_a_script_split_between_inflated_chunks_is_found() -> None:
    padding = b" " * (1024 * 1024 - 3)
    split = files.pdf_bytes(object_stream=b"<< /Title (x)" + padding + b"/JavaScript 7 0 R >>")
    assert "mã JavaScript" in refusal("chia.pdf", split).message


def test_the_word_javascript_in_a_pdfs_text_is_not_active() -> None:
    text = files.pdf_bytes(b"<< /Title (Huong dan JavaScript va JS) /Subject <4a53> >>")
    assert check_upload(upload("huong-dan.pdf", text)).content_type == "application/pdf"


# --- spreadsheets the app parses --------------------------------------------------------------------------------


def check_sheet(content: bytes, *, rows: int = 5000, columns: int = 50) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        check_spreadsheet(io.BytesIO(content), "ctct.xlsx", max_rows=rows, max_columns=columns)
    return caught.value


def test_blank_rows_are_refused_by_the_scan_not_walked() -> None:
    # With the ratio check out of the way, the rows the sheet holds refuse it.
    refused = check_sheet(files.blank_rows_bomb(rows=20_000))
    assert refused.message == (
        "Không nhận tệp “ctct.xlsx”: trang tính dài tới dòng 5.001 (kể cả dòng trống), vượt giới hạn 5.000 dòng. "
        "Hãy xoá các dòng trống thừa hoặc chia thành nhiều tệp."
    )
    assert "dài tới dòng 30.000.000" in check_sheet(files.sparse_rows_xlsx()).message


def test_the_declared_dimension_is_checked_first() -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:I30000000"/><sheetData/></worksheet>'
    )
    package = files.rezip(files.xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    assert "dài tới dòng 30.000.000" in check_sheet(package).message
    wide = sheet.replace(b"A1:I30000000", b"A1:XFD3")
    package = files.rezip(files.xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": wide})
    assert check_sheet(package).message == (
        "Không nhận tệp “ctct.xlsx”: trang tính rộng tới cột 16.384, vượt giới hạn 50 cột. "
        "Hãy xoá các cột thừa rồi tải lên."
    )


def test_cells_are_capped() -> None:
    row = b'<row r="1">' + b"<c/>" * 300 + b"</row>"
    sheet = b"<worksheet><sheetData>" + row + b"</sheetData></worksheet>"
    package = files.rezip(files.xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    assert check_sheet(package, rows=5, columns=50).message == (
        "Không nhận tệp “ctct.xlsx”: trang tính có hơn 250 ô, vượt giới hạn cho phép."
    )


def test_a_giant_shared_string_is_refused_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = files.giant_shared_string(size=20 * 1024 * 1024)
    assert refusal("chuoi.xlsx", bomb).reason == "zip"  # ratio: refused by check_upload already
    monkeypatch.setattr(uploads, "ZIP_MAX_RATIO", 10**6)
    check_upload(upload("chuoi.xlsx", bomb))
    assert check_sheet(bomb).message == (
        "Không nhận tệp “ctct.xlsx”: phần “xl/sharedStrings.xml” khi giải nén lên tới 20 MB, vượt giới hạn 16 MB "
        "(tệp có thể là “bom nén”)."
    )


def test_a_dtd_is_refused() -> None:
    sheet = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'
    package = files.rezip(files.xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    assert check_sheet(package).message == (
        "Không nhận tệp “ctct.xlsx”: phần “xl/worksheets/sheet1.xml” có khai báo DOCTYPE, "
        "điều tệp Office hợp lệ không có."
    )


def test_an_ordinary_sheet_passes_and_the_scan_is_bounded() -> None:
    rows = [["STT/Mã mục", "Nội dung công việc"], *([str(i), f"Việc {i}"] for i in range(1, 2000))]
    check_spreadsheet(io.BytesIO(files.xlsx_bytes(rows)), "ctct.xlsx", max_rows=5000, max_columns=50)
    bomb = files.blank_rows_bomb(rows=300_000)
    tracemalloc.start()
    try:
        check_sheet(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


# --- the request body, refused unread ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_read(client: Client, settings: Any) -> None:
    settings.SAURO_MAX_REQUEST_BYTES = 64 * 1024 * 1024
    declared = str(65 * 1024 * 1024)  # the test client's payload holds a few bytes: reading it would fail the test

    def post(url: str) -> Any:
        body, kind = b"--x--", "multipart/form-data; boundary=x"
        return client.post(url, data=body, content_type=kind, CONTENT_LENGTH=declared)

    page = post("/chuong-trinh-cong-tac/1/nhap-excel/")
    assert page.status_code == 413
    text = page.content.decode()
    assert "Dữ liệu gửi lên (65 MB) vượt giới hạn 64 MB cho mỗi lần gửi." in text
    assert inline_code(text) == []
    api = post("/api/v1/directives/1/attachments")
    assert api.status_code == 413
    assert api.json() == {
        "code": "request_too_large",
        "message": "Dữ liệu gửi lên (65 MB) vượt giới hạn 64 MB cho mỗi lần gửi. Hãy gửi ít tệp hơn hoặc tệp nhỏ hơn.",
        "fields": {},
    }
    # Within the cap, the request goes on as usual (here: to the login).
    assert client.post("/chuong-trinh-cong-tac/1/nhap-excel/", data={"a": "b"}).status_code == 302
