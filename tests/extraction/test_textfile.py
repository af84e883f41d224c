"""The text of an attached file: .docx (paragraphs and tables in order), .pdf (a text layer; a scan is refused
with a clear message), .txt (UTF-8, with a BOM, UTF-16, the Vietnamese Windows code page)."""

from __future__ import annotations

import io
import zlib

import pytest
from docx import Document

from sauro.common.errors import ServiceError
from sauro.extraction.textfile import ERR_SCANNED_PDF, text_of
from tests.common.files import pdf_bytes

SENTENCE = "Ban Tổ chức Thành ủy chủ trì rà soát quy hoạch cán bộ, hoàn thành trước ngày 30/6/2026."


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("KẾT LUẬN")
    document.add_paragraph("1. Về công tác cán bộ")
    document.add_paragraph(f"1.1. {SENTENCE}")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "STT"
    table.cell(0, 1).text = "Nội dung"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Văn phòng Thành ủy theo dõi, đôn đốc."
    document.add_paragraph("2. Tổ chức thực hiện")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose content stream writes ``text`` (Latin-1 only: the standard font's encoding)."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    packed = zlib.compress(content)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)
    pdf = pdf_bytes(font, stream)
    # Give the page its font and its content (objects 4 and 5 of ``pdf_bytes``); the offsets after it move, which
    # pypdf repairs, as every reader does.
    return pdf.replace(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    )


def test_a_docx_gives_its_paragraphs_and_tables_in_order_with_the_numbers_as_written() -> None:
    text = text_of(docx_bytes(), "ket-luan.docx")
    lines = text.splitlines()
    assert lines[:3] == ["KẾT LUẬN", "1. Về công tác cán bộ", f"1.1. {SENTENCE}"]
    assert "1 | Văn phòng Thành ủy theo dõi, đôn đốc." in lines
    assert lines.index("1 | Văn phòng Thành ủy theo dõi, đôn đốc.") < lines.index("2. Tổ chức thực hiện")


def test_a_pdf_with_a_text_layer_gives_its_text() -> None:
    assert "Ban To chuc Thanh uy ra soat" in text_of(text_pdf("Ban To chuc Thanh uy ra soat quy hoach"), "kl.pdf")


def test_a_scanned_pdf_without_text_is_refused_saying_what_to_do() -> None:
    with pytest.raises(ServiceError) as caught:
        text_of(pdf_bytes(), "ban-quet.pdf")
    assert caught.value.code == "scanned_pdf"
    assert caught.value.message == ERR_SCANNED_PDF
    assert "bản quét" in caught.value.message and ".docx" in caught.value.message


def test_a_broken_file_is_a_clear_refusal_not_a_crash() -> None:
    for name in ("hong.pdf", "hong.docx"):
        with pytest.raises(ServiceError) as caught:
            text_of(b"not a document at all", name)
        assert caught.value.code == "unreadable_file"
        assert name in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        SENTENCE.encode("utf-8"),
        b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"),
        SENTENCE.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16"],
)
def test_a_text_file_is_read_in_its_encoding(data: bytes) -> None:
    assert text_of(data, "kl.txt") == SENTENCE


def test_a_text_file_in_the_vietnamese_windows_code_page_is_read() -> None:
    # cp1258 writes some letters as a base letter and a combining mark: the text is normalised (NFC).
    data = "Văn pho\u0300ng Tha\u0300nh u\u0309y theo do\u0303i".encode("cp1258")
    assert text_of(data, "kl.TXT") == "Văn phòng Thành ủy theo dõi"


def test_other_files_are_refused() -> None:
    with pytest.raises(ServiceError) as caught:
        text_of(b"PK\x03\x04", "bang.xlsx")
    assert caught.value.code == "unsupported_file"
