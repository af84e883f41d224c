"""What may be attached to a directive, checked on the file's content, never on what the browser claims.

A file is accepted when its extension is on the list *and* its first bytes are what that extension promises:
PDF starts with ``%PDF-``; .doc/.xls are OLE2 compound files; .docx/.xlsx/.odt/.ods are ZIP archives holding the
parts of their format; JPEG and PNG have their signatures. A program renamed to ``.pdf``, or a spreadsheet renamed
to ``.docx``, is refused. The content type stored and sent on download is the one found here.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sauro.common.errors import ValidationFailed

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS_PER_DIRECTIVE = 30
MAX_NAME_LENGTH = 200

ERR_FILE_MISSING = _("Hãy chọn một tệp để tải lên.")
ERR_FILE_EMPTY = _("Tệp “{name}” rỗng.")
ERR_FILE_TOO_BIG = _("Tệp “{name}” có dung lượng {size}, vượt giới hạn {limit} cho mỗi tệp đính kèm.")
ERR_FILE_TYPE = _(
    "Không nhận tệp “{name}”: chỉ nhận tệp PDF, Word (.doc, .docx), Excel (.xls, .xlsx), "
    "OpenDocument (.odt, .ods) và ảnh JPG, PNG."
)
ERR_FILE_CONTENT = _(
    "Nội dung tệp “{name}” không phải là {label} như phần mở rộng {ext} cho biết. "
    "Có thể tệp đã bị đổi tên hoặc bị hỏng; hãy kiểm tra lại tệp."
)
ERR_TOO_MANY_FILES = _("Mỗi văn bản có tối đa {limit} tệp đính kèm.")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_HEAD_BYTES = 16
# An OpenDocument's first member is "mimetype", stored uncompressed, holding its media type.
_ODF_MIMETYPE_MAX = 100


def _starts_with(signature: bytes) -> Callable[[IO[bytes], bytes], bool]:
    def check(_file: IO[bytes], head: bytes) -> bool:
        return head.startswith(signature)

    return check


def _zip_with(member: str) -> Callable[[IO[bytes], bytes], bool]:
    """An Office Open XML file: a ZIP archive with its main part (``word/document.xml`` …)."""

    def check(file: IO[bytes], head: bytes) -> bool:
        if not head.startswith(_ZIP):
            return False
        try:
            with zipfile.ZipFile(file) as archive:
                return member in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False

    return check


def _odf(media_type: str) -> Callable[[IO[bytes], bytes], bool]:
    def check(file: IO[bytes], head: bytes) -> bool:
        if not head.startswith(_ZIP):
            return False
        try:
            with zipfile.ZipFile(file) as archive, archive.open("mimetype") as member:
                return member.read(_ODF_MIMETYPE_MAX).strip() == media_type.encode()
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return False

    return check


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    matches: Callable[[IO[bytes], bytes], bool]


_PDF = FileKind("PDF", "application/pdf", _starts_with(b"%PDF-"))
_JPEG = FileKind("ảnh JPG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))
ALLOWED: dict[str, FileKind] = {
    ".pdf": _PDF,
    ".doc": FileKind("Word (.doc)", "application/msword", _starts_with(_OLE2)),
    ".docx": FileKind(
        "Word (.docx)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/document.xml"),
    ),
    ".xls": FileKind("Excel (.xls)", "application/vnd.ms-excel", _starts_with(_OLE2)),
    ".xlsx": FileKind(
        "Excel (.xlsx)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/workbook.xml"),
    ),
    ".odt": FileKind(
        "văn bản OpenDocument (.odt)",
        "application/vnd.oasis.opendocument.text",
        _odf("application/vnd.oasis.opendocument.text"),
    ),
    ".ods": FileKind(
        "bảng tính OpenDocument (.ods)",
        "application/vnd.oasis.opendocument.spreadsheet",
        _odf("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": FileKind("ảnh PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
}
ACCEPT_ATTRIBUTE = ",".join(ALLOWED)  # for <input type="file" accept=…>


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int


def human_size(size: int) -> str:
    """Bytes as an official reads them: "850 KB", "20 MB", "20,5 MB" (decimal comma)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = size / (1024 * 1024)
    text = f"{megabytes:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} MB"


def clean_name(raw: str) -> str:
    """The name to show and to send on download: no path, no control characters, NFC, not too long."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    stem, ext = os.path.splitext(name)
    if len(name) > MAX_NAME_LENGTH:
        name = stem[: MAX_NAME_LENGTH - len(ext[:20])] + ext[:20]
    return name or "tep-dinh-kem"


def check_upload(upload: UploadedFile | None) -> CheckedUpload:
    """The upload's clean name, extension and true content type, or ``ValidationFailed`` (field ``file``)."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={"file": message})

    if upload is None:
        raise refuse(str(ERR_FILE_MISSING))
    name = clean_name(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    kind = ALLOWED.get(extension)
    if kind is None:
        raise refuse(str(ERR_FILE_TYPE).format(name=name))
    size = upload.size or 0
    if size == 0:
        raise refuse(str(ERR_FILE_EMPTY).format(name=name))
    if size > MAX_ATTACHMENT_BYTES:
        limit = human_size(MAX_ATTACHMENT_BYTES)
        # Just over the limit rounds to the limit itself: say the bytes then, or "20 MB exceeds 20 MB" puzzles.
        shown = human_size(size) if human_size(size) != limit else f"{size:,} byte".replace(",", ".")
        raise refuse(str(ERR_FILE_TOO_BIG).format(name=name, size=shown, limit=limit))
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    matches = kind.matches(upload, head)
    upload.seek(0)
    if not matches:
        raise refuse(str(ERR_FILE_CONTENT).format(name=name, label=kind.label, ext=extension))
    return CheckedUpload(name=name, extension=extension, content_type=kind.content_type, size=size)
