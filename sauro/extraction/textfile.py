"""The text of a directive's attached file (.docx, .pdf, .txt), for the extractor.

- .docx: python-docx, the body's paragraphs and tables in document order (a table row becomes one line, its cells
  joined by " | "); numbering is taken as written in the text (Word's automatic list numbers are not text, and a
  Party document types its "1.", "a)" by hand).
- .pdf: pypdf, page by page. A PDF without a text layer (a scan) is refused with a message saying what to do.
  The file has already passed ``common.uploads.check_upload`` when it was attached (active content refused);
  reading is still bounded (pages, characters) and any failure of the reader is a clear refusal, never a 500.
- .txt: UTF-8 (with or without BOM), UTF-16 with a BOM, else the Vietnamese Windows code page (cp1258).
"""

from __future__ import annotations

import io
import logging
import unicodedata

from sauro.common.errors import ServiceError

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 300
MAX_TEXT_CHARS = 500_000

ERR_UNSUPPORTED = "Chỉ đọc được văn bản từ tệp .docx, .pdf hoặc .txt."
ERR_SCANNED_PDF = "Tệp PDF này là bản quét (ảnh), không có lớp chữ: hãy dán nội dung văn bản hoặc đính kèm bản .docx."
ERR_UNREADABLE = "Không đọc được nội dung tệp “{name}”: tệp bị hỏng, đặt mật khẩu hoặc không đúng định dạng."
ERR_EMPTY = "Tệp “{name}” không có nội dung chữ."


def text_of(data: bytes, filename: str) -> str:
    """The text of ``data`` named ``filename``, NFC-normalised, at most ``MAX_TEXT_CHARS`` characters."""
    name = filename.lower()
    if name.endswith(".docx"):
        text = _docx_text(data, filename)
    elif name.endswith(".pdf"):
        text = _pdf_text(data, filename)
    elif name.endswith(".txt"):
        text = _plain_text(data)
    else:
        raise ServiceError(ERR_UNSUPPORTED, code="unsupported_file")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    if not text:
        if name.endswith(".pdf"):
            raise ServiceError(ERR_SCANNED_PDF, code="scanned_pdf")
        raise ServiceError(ERR_EMPTY.format(name=filename), code="empty_file")
    return text[:MAX_TEXT_CHARS]


def _plain_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def _docx_text(data: bytes, filename: str) -> str:
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        logger.info("docx unreadable: %s", exc)
        raise ServiceError(ERR_UNREADABLE.format(name=filename), code="unreadable_file") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):  # a merged cell repeats its text
                        cells.append(value)
                if cells:
                    lines.append(" | ".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _pdf_text(data: bytes, filename: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ServiceError(ERR_UNREADABLE.format(name=filename), code="unreadable_file")
        pages: list[str] = []
        total = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            text = page.extract_text() or ""
            pages.append(text)
            total += len(text)
            if total > MAX_TEXT_CHARS:
                break
    except ServiceError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken or hostile file
        logger.info("pdf unreadable: %s", exc)
        raise ServiceError(ERR_UNREADABLE.format(name=filename), code="unreadable_file") from exc
    return "\n".join(pages)
