"""Every uploaded file is checked here, on its bytes, before anything parses it (issue 16).

One home for every upload point (directive attachments, progress-update attachments, report files, the Excel import
of work programs, and the same over the API). ``check_upload`` decides, within a bounded time and memory whatever the
file holds:

1. **Name and size**: a clean name (no path, no control characters); at most ``MAX_UPLOAD_BYTES`` (or the caller's
   own cap), read from the upload's size, never by reading the file.
2. **Type, on the content**: the extension must be on the list *and* the first bytes must be what it promises (PDF
   starts with ``%PDF-``, .doc/.xls are OLE2 compound files, .docx/.xlsx/.odt/.ods are ZIP packages holding their
   format's main part, JPEG/PNG their signatures). A program renamed to ``.pdf`` is refused; the content type stored
   and sent on download is the one found here.
3. **ZIP packages** (.docx, .xlsx, .odt, .ods), from the central directory *before* any member is inflated: at most
   ``ZIP_MAX_MEMBERS`` members (the end-of-central-directory record is read first, so a million-entry archive is
   refused before ``zipfile`` builds a list of it), at most ``ZIP_MAX_TOTAL_BYTES`` once inflated, no member inflating
   more than ``ZIP_MAX_RATIO`` times (members above ``ZIP_RATIO_FLOOR_BYTES``), no archive inside except an Office
   package embedded in an Office package (itself checked the same way, one level only), no program.
   ``zipfile`` never inflates a member past the size the central directory declares (it stops there and fails the
   CRC), so the declared sizes checked here bound what any later reader gets.
4. **Active content** is refused: OOXML macros (``vbaProject.bin``, macro-enabled content types, Excel 4 macro sheets,
   ActiveX), embedded OLE objects (``oleObject*.bin``, which can carry any file) and programs; OpenDocument macros
   (``Basic/``, ``Scripts/``); OLE2 .doc/.xls with VBA/macro storages or packaged files (read with ``olefile``);
   PDFs with JavaScript, Launch actions or embedded files (``pdf_active_content``, a byte scan: see there).

``check_spreadsheet`` adds what the app needs before *it* parses a workbook (the Excel import): each worksheet's XML
and the shared strings at most ``XLSX_MAX_PART_BYTES`` once inflated, no DTD, and the rows, columns and cells the
caller allows, read by streaming each worksheet's XML once in bounded chunks — so 30 million blank rows are refused
after reading a few megabytes, not walked.

A refusal is ``UploadRefused`` (a ``ValidationFailed``: 422 on the API, the form's error on a page) whose message
names the file and the reason in Vietnamese, and whose ``reason`` says which check refused it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sauro.common.errors import ValidationFailed

MIB = 1024 * 1024

MAX_UPLOAD_BYTES = 20 * MIB
MAX_NAME_LENGTH = 200

ZIP_MAX_MEMBERS = 2000
ZIP_MAX_CENTRAL_DIRECTORY_BYTES = 2 * MIB
ZIP_MAX_TOTAL_BYTES = 200 * MIB
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR_BYTES = 1 * MIB

# What the app itself parses (the Excel import): each worksheet and the shared strings, inflated.
XLSX_MAX_PART_BYTES = 16 * MIB

# A PDF's compressed object streams are inflated (to be scanned) up to this much in all.
PDF_MAX_INFLATED_BYTES = 64 * MIB

_CHUNK = 1 * MIB

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
ERR_ZIP_MEMBERS = _("Không nhận tệp “{name}”: tệp chứa hơn {limit} thành phần nén, nhiều bất thường.")
ERR_ZIP_TOTAL = _(
    "Không nhận tệp “{name}”: khi giải nén, tệp lên tới {size}, vượt giới hạn {limit} (tệp có thể là “bom nén”)."
)
ERR_ZIP_RATIO = _(
    "Không nhận tệp “{name}”: thành phần “{member}” nén với tỉ lệ bất thường (gấp {ratio} lần, giới hạn "
    "{limit} lần; tệp có thể là “bom nén”)."
)
ERR_ZIP_NESTED = _("Không nhận tệp “{name}”: tệp chứa một tệp nén khác bên trong (“{member}”).")
ERR_MACRO = _(
    "Không nhận tệp “{name}”: tệp có macro (“{member}”). Hãy lưu lại thành tệp không có macro "
    "(.docx, .xlsx) rồi tải lên."
)
ERR_EMBEDDED = _(
    "Không nhận tệp “{name}”: tệp có nhúng chương trình hoặc đối tượng OLE (“{member}”). "
    "Hãy xoá đối tượng nhúng rồi tải lên."
)
ERR_PDF_ACTIVE = _(
    "Không nhận tệp “{name}”: tệp PDF có {what}. Hãy in lại tài liệu ra PDF (ví dụ “Microsoft Print to PDF”) "
    "rồi tải lên."
)
ERR_PDF_UNCHECKED = _(
    "Không kiểm tra được tệp PDF “{name}”: {why}. Hãy lưu lại tệp không đặt mật khẩu hoặc in lại ra PDF rồi tải lên."
)
ERR_XML_DTD = _("Không nhận tệp “{name}”: phần “{member}” có khai báo DOCTYPE, điều tệp Office hợp lệ không có.")
ERR_XLSX_PART = _(
    "Không nhận tệp “{name}”: phần “{member}” khi giải nén lên tới {size}, vượt giới hạn {limit} "
    "(tệp có thể là “bom nén”)."
)
ERR_XLSX_ROWS = _(
    "Không nhận tệp “{name}”: trang tính dài tới dòng {rows} (kể cả dòng trống), vượt giới hạn {limit} dòng. "
    "Hãy xoá các dòng trống thừa hoặc chia thành nhiều tệp."
)
ERR_XLSX_COLUMNS = _(
    "Không nhận tệp “{name}”: trang tính rộng tới cột {columns}, vượt giới hạn {limit} cột. "
    "Hãy xoá các cột thừa rồi tải lên."
)
ERR_XLSX_CELLS = _("Không nhận tệp “{name}”: trang tính có hơn {limit} ô, vượt giới hạn cho phép.")

PDF_WHAT = {
    "JS": _("mã JavaScript"),
    "JavaScript": _("mã JavaScript"),
    "Launch": _("lệnh mở chương trình (Launch)"),
    "EmbeddedFile": _("tệp nhúng bên trong"),
    "EmbeddedFiles": _("tệp nhúng bên trong"),
    "RichMedia": _("nội dung đa phương tiện nhúng (RichMedia)"),
}
PDF_WHY_FILTER = _("có luồng đối tượng nén theo cách không hỗ trợ")
PDF_WHY_BROKEN = _("có luồng đối tượng nén bị hỏng hoặc đã mã hoá")
PDF_WHY_TOO_BIG = _("các luồng đối tượng nén giải ra quá {limit} (tệp có thể là “bom nén”)")


class UploadRefused(ValidationFailed):
    """An upload refused by a check; ``reason`` names the check (``missing``, ``empty``, ``too_big``, ``type``,
    ``content``, ``zip``, ``macro``, ``embedded``, ``pdf``, ``sheet``)."""

    def __init__(self, message: str, *, reason: str, field: str = "file") -> None:
        super().__init__(message, fields={field: message})
        self.reason = reason


def _refuse(reason: str, template: Any, **values: Any) -> UploadRefused:
    return UploadRefused(str(template).format(**values), reason=reason)


def human_size(size: int) -> str:
    """Bytes as an official reads them: "850 KB", "20 MB", "20,5 MB" (decimal comma)."""
    if size < MIB:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = size / MIB
    text = f"{megabytes:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} MB"


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def clean_name(raw: str) -> str:
    """The name to show and to send on download: no path, no control characters, NFC, not too long."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    stem, ext = os.path.splitext(name)
    if len(name) > MAX_NAME_LENGTH:
        name = stem[: MAX_NAME_LENGTH - len(ext[:20])] + ext[:20]
    return name or "tep-dinh-kem"


# --- ZIP packages -----------------------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_EOCD_SEARCH = 22 + 0xFFFF + 20

_ARCHIVE_SIGNATURES = (
    _ZIP,
    _EOCD,
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",
)
_PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_PROGRAM_EXTENSIONS = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".jar",
        ".lnk",
        ".sh",
        ".app",
        ".reg",
        ".inf",
        ".sys",
    ]
)
_ARCHIVE_EXTENSIONS = frozenset([".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".tar", ".iso"])
_EMBEDDED_PACKAGES = frozenset([".docx", ".xlsx", ".pptx", ".vsdx"])
_MACRO_PARTS = re.compile(
    r"(^|/)(vbaproject\.bin|vbadata\.xml|vbaprojectsignature\.bin)$|(^|/)(macrosheets|activex)/|^(basic|scripts)/",
    re.IGNORECASE,
)
_MACRO_CONTENT_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX", b"macrosheet", b"vbaData")
_CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPES_MAX = 1 * MIB


def _zip_counts(file: IO[bytes]) -> tuple[int, int] | None:
    """(members, central directory bytes) from the end-of-central-directory record (ZIP64 too), or None."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    start = max(0, size - _EOCD_SEARCH)
    file.seek(start)
    tail = file.read(size - start)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    members, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if members == 0xFFFF or directory == 0xFFFFFFFF:
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != _EOCD64_LOCATOR:
            return None
        (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        file.seek(offset)
        record = file.read(56)
        if len(record) < 56 or record[:4] != _EOCD64:
            return None
        members, directory = struct.unpack("<QQ", record[32:48])
    return members, directory


def _open_zip(file: IO[bytes], name: str) -> zipfile.ZipFile | None:
    """The archive, after its member count and directory size are checked; None when it is not a ZIP archive."""
    counts = _zip_counts(file)
    if counts is None:
        return None
    members, directory = counts
    if members > ZIP_MAX_MEMBERS or directory > ZIP_MAX_CENTRAL_DIRECTORY_BYTES:
        raise _refuse("zip", ERR_ZIP_MEMBERS, name=name, limit=_grouped(ZIP_MAX_MEMBERS))
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    if len(archive.infolist()) > ZIP_MAX_MEMBERS:  # pragma: no cover - bounded by the directory size above
        raise _refuse("zip", ERR_ZIP_MEMBERS, name=name, limit=_grouped(ZIP_MAX_MEMBERS))
    return archive


# What reading a damaged, encrypted (RuntimeError) or oddly compressed (NotImplementedError) member raises.
_UNREADABLE_MEMBER = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error)


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = 8) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(size)
    except _UNREADABLE_MEMBER:
        return b""


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A small member's bytes (its declared size is already bounded), or None when it cannot be read."""
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)
    except _UNREADABLE_MEMBER:
        return None


def _check_members(archive: zipfile.ZipFile, name: str, *, office: bool, nested: bool) -> None:
    """Sizes, ratios, macros, embedded programs and archives of a package's members (see the module docstring)."""
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise _refuse("zip", ERR_ZIP_TOTAL, name=name, size=human_size(total), limit=human_size(ZIP_MAX_TOTAL_BYTES))
    for info in members:
        if info.file_size > ZIP_RATIO_FLOOR_BYTES and info.file_size > ZIP_MAX_RATIO * max(1, info.compress_size):
            ratio = _grouped(info.file_size // max(1, info.compress_size))
            raise _refuse("zip", ERR_ZIP_RATIO, name=name, member=info.filename, ratio=ratio, limit=ZIP_MAX_RATIO)
    for info in members:
        if _MACRO_PARTS.search(info.filename):
            raise _refuse("macro", ERR_MACRO, name=name, member=info.filename)
    types = next((info for info in members if info.filename == _CONTENT_TYPES), None)
    if types is not None:
        text = _read_member(archive, types) if types.file_size <= _CONTENT_TYPES_MAX else None
        if text is None:
            raise _refuse("zip", ERR_ZIP_TOTAL, name=name, size=human_size(types.file_size), limit="1 MB")
        found = next((marker for marker in _MACRO_CONTENT_TYPES if marker in text), None)
        if found is not None:
            raise _refuse("macro", ERR_MACRO, name=name, member=_CONTENT_TYPES)
    for info in members:
        if info.is_dir():
            continue
        extension = os.path.splitext(info.filename)[1].lower()
        head = _head(archive, info)
        if extension in _PROGRAM_EXTENSIONS or head.startswith(_PROGRAM_SIGNATURES) or head.startswith(_OLE2):
            raise _refuse("embedded", ERR_EMBEDDED, name=name, member=info.filename)
        if extension in _ARCHIVE_EXTENSIONS or head.startswith(_ARCHIVE_SIGNATURES):
            package = office and nested and "/embeddings/" in f"/{info.filename}" and extension in _EMBEDDED_PACKAGES
            if not package or info.file_size > MAX_UPLOAD_BYTES:
                raise _refuse("zip", ERR_ZIP_NESTED, name=name, member=info.filename)
            data = _read_member(archive, info)
            inner = _open_zip(io.BytesIO(data), name) if data is not None else None
            if inner is None:
                raise _refuse("zip", ERR_ZIP_NESTED, name=name, member=info.filename)
            with inner:
                _check_members(inner, name, office=True, nested=False)


# --- OLE2 compound files (.doc, .xls) ---------------------------------------------------------------------------

_OLE_MACRO_STORAGES = frozenset({"macros", "vba", "_vba_project_cur", "_vba_project"})
_OLE_PACKAGE_STREAMS = frozenset({"\x01ole10native"})


def _check_ole2(file: IO[bytes], name: str) -> bool:
    """False when the file is not a readable OLE2 compound file; refused when it holds macros or packaged files."""
    import olefile

    file.seek(0)
    try:
        ole = olefile.OleFileIO(file)
    except Exception:  # olefile raises assorted errors on a malformed file
        return False
    try:
        entries = ole.listdir(streams=True, storages=True)
    except Exception:
        return False
    finally:
        ole.close()
    for path in entries:
        lowered = [part.lower() for part in path]
        if any(part in _OLE_MACRO_STORAGES for part in lowered):
            raise _refuse("macro", ERR_MACRO, name=name, member="/".join(path))
        if lowered and lowered[-1] in _OLE_PACKAGE_STREAMS:
            raise _refuse("embedded", ERR_EMBEDDED, name=name, member="/".join(path).replace("\x01", ""))
    return True


# --- PDF --------------------------------------------------------------------------------------------------------

# A byte scan, not a PDF parser: a parser (pypdf …) builds every object of a hostile file in memory and follows
# its cross-references, which an attacker shapes; a scan is linear in the file. What makes a PDF active is named
# by PDF names (/JavaScript, /JS, /Launch, /EmbeddedFile …), which a reader can only find in the file's plain
# bytes or inside a compressed object stream (/Type /ObjStm); so the plain bytes are scanned, every object stream
# is inflated (FlateDecode, ASCIIHex, ASCII85; bounded by ``PDF_MAX_INFLATED_BYTES``) and scanned too, and names
# are matched with their ``#xx`` escapes (``/J#61vaScript``). An object stream that cannot be decoded (another
# filter, a predictor, encryption) cannot be checked, so the file is refused with a message saying so.

_PDF_DELIMITER = rb"(?=[\x00\t\n\x0c\r /<>\[\](){}%]|$)"
_PDF_SPACE = rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*[\r\n])*"


def _pdf_name(name: str) -> bytes:
    """``/name`` as a pattern: each character itself or its ``#xx`` escape, then a delimiter."""
    parts = []
    for char in name:
        code = f"{ord(char):02x}"
        high, low = code[0], code[1]
        parts.append(
            b"(?:%s|#[%s%s][%s%s])"
            % (re.escape(char).encode(), *(c.encode() for c in (high, high.upper(), low, low.upper())))
        )
    return b"/" + b"".join(parts) + _PDF_DELIMITER


# Longest first; /JS only where a value follows (a string, hex string or reference), as in a JavaScript action.
_PDF_ACTIVE = re.compile(
    b"|".join(
        [
            *(_pdf_name(n) for n in ("EmbeddedFiles", "EmbeddedFile", "JavaScript", "RichMedia", "Launch")),
            _pdf_name("JS") + _PDF_SPACE + rb"(?=\(|<|\d+\s+\d+\s+R)",
        ]
    )
)
# Inside an object stream there are only objects, no binary data: a bare /JS name is already a script's key.
_PDF_ACTIVE_STRICT = re.compile(
    b"|".join(_pdf_name(n) for n in ("EmbeddedFiles", "EmbeddedFile", "JavaScript", "RichMedia", "Launch", "JS"))
)
_PDF_OVERLAP = 256
_PDF_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_PDF_STREAM = re.compile(rb">>" + _PDF_SPACE + rb"stream(?:\r\n|\n|\r)")
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\x00\t\n\x0c\r /<>\[\](){}%]+)")
_PDF_PREDICTOR = re.compile(rb"/Predictor\s+(\d+)")
_PDF_OBJSTM = re.compile(rb"/Type\s*/ObjStm" + _PDF_DELIMITER)
_PDF_DICT_LOOKBACK = 64 * 1024
_PDF_FILTERS = {b"FlateDecode": "flate", b"Fl": "flate", b"ASCIIHexDecode": "hex", b"AHx": "hex"}
_PDF_FILTERS.update({b"ASCII85Decode": "a85", b"A85": "a85"})


def _unescape(raw: bytes) -> bytes:
    return _PDF_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)


def _active_name(data: bytes, *, strict: bool = False) -> str | None:
    match = (_PDF_ACTIVE_STRICT if strict else _PDF_ACTIVE).search(data)
    if match is None:
        return None
    found = _unescape(match.group(0)).decode("latin-1")[1:]
    return next(
        n for n in ("EmbeddedFiles", "EmbeddedFile", "JavaScript", "RichMedia", "Launch", "JS") if found.startswith(n)
    )


def _decode(data: bytes, filters: list[str], budget: int) -> Iterator[bytes]:
    """``data`` through ``filters``, in chunks of at most ``_CHUNK`` bytes once inflated: ValueError when it cannot
    be decoded, OverflowError past ``budget`` bytes. The ASCII filters (which only shrink) decode whole; FlateDecode,
    which may inflate a thousandfold, is streamed."""
    import base64

    if "flate" in filters[:-1]:
        raise ValueError("a filter after FlateDecode")  # none in practice; not checkable in bounded memory
    for kind in filters:
        if kind == "flate":
            inflater = zlib.decompressobj()
            produced = 0
            pending = data
            try:
                while pending and not inflater.eof:
                    chunk = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                    produced += len(chunk)
                    if produced > budget:
                        raise OverflowError
                    yield chunk
            except zlib.error as exc:
                raise ValueError(str(exc)) from exc
            if not inflater.eof:
                raise ValueError("truncated stream")
            return
        if kind == "hex":
            text = re.sub(rb"\s", b"", data).split(b">", 1)[0]
            data = bytes.fromhex((text + b"0" * (len(text) % 2)).decode("latin-1"))
        else:
            text = re.sub(rb"\s", b"", data).split(b"~>", 1)[0]
            data = base64.a85decode(text, adobe=False)
    if len(data) > budget:
        raise OverflowError
    yield data


def _scan_decoded(chunks: Iterator[bytes]) -> tuple[str | None, int]:
    """The first active name in an object stream's decoded chunks (with an overlap for names split between
    chunks), and how many bytes were decoded."""
    tail = b""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        text = tail + chunk
        found = _active_name(text, strict=True)
        if found:
            return found, total
        tail = text[-_PDF_OVERLAP:]
    return None, total


def pdf_active_content(file: IO[bytes]) -> tuple[str, str]:
    """("", "") for a clean PDF; else ("active", what it holds) or ("unchecked", why it cannot be checked).

    Reads the whole file (at most the upload cap); inflates at most ``PDF_MAX_INFLATED_BYTES``, a chunk at a time."""
    file.seek(0)
    data = file.read()
    found = _active_name(data)
    if found:
        return "active", found
    budget = PDF_MAX_INFLATED_BYTES
    for stream in _PDF_STREAM.finditer(data):
        start = max(0, stream.start() - _PDF_DICT_LOOKBACK)
        objects = list(_PDF_OBJ.finditer(data, start, stream.start()))
        if not objects:
            return "unchecked", "broken"
        dictionary = _unescape(data[objects[-1].end() : stream.start() + 2])
        if not _PDF_OBJSTM.search(dictionary):
            continue
        end = data.find(b"endstream", stream.end())
        raw = data[stream.end() : end if end >= 0 else len(data)]
        filter_match = _PDF_FILTER.search(dictionary)
        names = re.findall(rb"/([^\x00\t\n\x0c\r /<>\[\](){}%]+)", filter_match.group(1)) if filter_match else []
        predictor = _PDF_PREDICTOR.search(dictionary)
        if any(n not in _PDF_FILTERS for n in names) or (predictor and int(predictor.group(1)) > 1):
            return "unchecked", "filter"
        try:
            found, used = _scan_decoded(_decode(raw, [_PDF_FILTERS[n] for n in names], budget))
        except OverflowError:
            return "unchecked", "too_big"
        except (ValueError, TypeError):
            return "unchecked", "broken"
        if found:
            return "active", found
        budget -= used
    return "", ""


def _check_pdf(file: IO[bytes], name: str) -> None:
    verdict, detail = pdf_active_content(file)
    if verdict == "active":
        raise _refuse("pdf", ERR_PDF_ACTIVE, name=name, what=PDF_WHAT[detail])
    if verdict == "unchecked":
        why = {"filter": PDF_WHY_FILTER, "broken": PDF_WHY_BROKEN}.get(detail)
        text = str(why) if why else str(PDF_WHY_TOO_BIG).format(limit=human_size(PDF_MAX_INFLATED_BYTES))
        raise _refuse("pdf", ERR_PDF_UNCHECKED, name=name, why=text)


# --- the kinds of file and the check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """What an extension promises: its label for messages, its true content type, and how its content is told
    (a leading signature; for a ZIP package, its main part or, for OpenDocument, its ``mimetype``)."""

    label: str
    content_type: str
    signature: bytes
    main_part: str = ""
    odf_type: str = ""


XLSX_KIND = FileKind(
    "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _ZIP,
    main_part="xl/workbook.xml",
)
_PDF = FileKind("PDF", "application/pdf", b"%PDF-")
_JPEG = FileKind("ảnh JPG", "image/jpeg", b"\xff\xd8\xff")
ALLOWED: dict[str, FileKind] = {
    ".pdf": _PDF,
    ".doc": FileKind("Word (.doc)", "application/msword", _OLE2),
    ".docx": FileKind(
        "Word (.docx)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
        main_part="word/document.xml",
    ),
    ".xls": FileKind("Excel (.xls)", "application/vnd.ms-excel", _OLE2),
    ".xlsx": XLSX_KIND,
    ".odt": FileKind(
        "văn bản OpenDocument (.odt)",
        "application/vnd.oasis.opendocument.text",
        _ZIP,
        odf_type="application/vnd.oasis.opendocument.text",
    ),
    ".ods": FileKind(
        "bảng tính OpenDocument (.ods)",
        "application/vnd.oasis.opendocument.spreadsheet",
        _ZIP,
        odf_type="application/vnd.oasis.opendocument.spreadsheet",
    ),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": FileKind("ảnh PNG", "image/png", b"\x89PNG\r\n\x1a\n"),
}
ACCEPT_ATTRIBUTE = ",".join(ALLOWED)  # for <input type="file" accept=…>

# An OpenDocument's first member is "mimetype", stored uncompressed, holding its media type.
_ODF_MIMETYPE_MAX = 100
_HEAD_BYTES = 16


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    upload: UploadedFile = field(repr=False, compare=False)


def _package_matches(kind: FileKind, file: IO[bytes], name: str) -> bool:
    archive = _open_zip(file, name)
    if archive is None:
        return False
    with archive:
        names = set(archive.namelist())
        if kind.main_part and kind.main_part not in names:
            return False
        if kind.odf_type:
            if "mimetype" not in names:
                return False
            info = archive.getinfo("mimetype")
            data = _read_member(archive, info) if info.file_size <= _ODF_MIMETYPE_MAX else None
            if data is None or data.strip() != kind.odf_type.encode():
                return False
        _check_members(archive, name, office=bool(kind.main_part), nested=True)
    return True


def _content_matches(kind: FileKind, file: IO[bytes], head: bytes, name: str) -> bool:
    """The content is what ``kind`` promises; ``UploadRefused`` when it is, but holds what is not allowed."""
    if not head.startswith(kind.signature):
        return False
    if kind.signature == _ZIP:
        return _package_matches(kind, file, name)
    if kind.signature == _OLE2:
        return _check_ole2(file, name)
    if kind is _PDF:
        _check_pdf(file, name)
    return True


def check_upload(
    upload: UploadedFile | None,
    *,
    kinds: Mapping[str, FileKind] = ALLOWED,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> CheckedUpload:
    """The upload's clean name, extension and true content type, or ``UploadRefused`` (field ``file``).

    ``upload`` is None when nothing was chosen. Nothing but the checks of the module
    docstring reads it; it is left at its start."""
    if upload is None:
        raise _refuse("missing", ERR_FILE_MISSING)
    name = clean_name(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    kind = kinds.get(extension)
    if kind is None:
        raise _refuse("type", ERR_FILE_TYPE, name=name)
    size = upload.size or 0
    if size == 0:
        raise _refuse("empty", ERR_FILE_EMPTY, name=name)
    if size > max_bytes:
        limit = human_size(max_bytes)
        # Just over the limit rounds to the limit itself: say the bytes then, or "20 MB exceeds 20 MB" puzzles.
        shown = human_size(size) if human_size(size) != limit else f"{_grouped(size)} byte"
        raise _refuse("too_big", ERR_FILE_TOO_BIG, name=name, size=shown, limit=limit)
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    try:
        matches = _content_matches(kind, upload, head, name)
    finally:
        upload.seek(0)
    if not matches:
        raise _refuse("content", ERR_FILE_CONTENT, name=name, label=kind.label, ext=extension)
    return CheckedUpload(name=name, extension=extension, content_type=kind.content_type, size=size, upload=upload)


# --- spreadsheets the app parses ----------------------------------------------------------------------------------

_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d{1,12})[\"']")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?(\d{1,12})(?::\$?([A-Za-z]{1,4})\$?(\d{1,12}))?"
)
_CARRY_MAX = 64 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


@dataclass
class _SheetScan:
    name: str
    member: str
    max_rows: int
    max_columns: int
    rows: int = 0
    cells: int = 0
    dimension_seen: bool = False

    def feed(self, text: bytes) -> None:
        if not self.dimension_seen:
            dimension = _DIMENSION.search(text)
            if dimension is not None:
                self.dimension_seen = True
                last_column, last_row = (
                    dimension.group(3) or dimension.group(1),
                    dimension.group(4) or dimension.group(2),
                )
                self._rows(int(last_row))
                self._columns(_column_number(last_column))
        for row in _ROW.finditer(text):
            number = _ROW_NUMBER.search(row.group(1))
            self._rows(int(number.group(1)) if number else self.rows + 1)
        self.cells += len(_CELL.findall(text))
        if self.cells > self.max_rows * self.max_columns:
            raise _refuse("sheet", ERR_XLSX_CELLS, name=self.name, limit=_grouped(self.max_rows * self.max_columns))

    def _rows(self, number: int) -> None:
        self.rows = max(self.rows, number)
        if number > self.max_rows:
            raise _refuse("sheet", ERR_XLSX_ROWS, name=self.name, rows=_grouped(number), limit=_grouped(self.max_rows))

    def _columns(self, number: int) -> None:
        if number > self.max_columns:
            raise _refuse(
                "sheet", ERR_XLSX_COLUMNS, name=self.name, columns=_grouped(number), limit=_grouped(self.max_columns)
            )


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            yield chunk


def check_spreadsheet(file: IO[bytes], name: str, *, max_rows: int, max_columns: int) -> None:
    """Before the app parses an .xlsx that ``check_upload`` accepted: every XML part at most ``XLSX_MAX_PART_BYTES``
    inflated and without DTD; every worksheet at most ``max_rows`` rows (by its declared dimension and by the rows
    it holds), ``max_columns`` columns (declared) and ``max_rows × max_columns`` cells. Streams each part once, in
    chunks; ``UploadRefused`` (reason ``sheet``, ``zip``, or ``content`` when the package cannot be read)."""
    file.seek(0)
    archive = _open_zip(file, name)
    if archive is None:
        raise _refuse("content", ERR_FILE_CONTENT, name=name, label=XLSX_KIND.label, ext=".xlsx")
    with archive:
        for info in archive.infolist():
            if not _XML_PART.search(info.filename):
                continue
            if info.file_size > XLSX_MAX_PART_BYTES:
                limit = human_size(XLSX_MAX_PART_BYTES)
                raise _refuse(
                    "sheet",
                    ERR_XLSX_PART,
                    name=name,
                    member=info.filename,
                    size=human_size(info.file_size),
                    limit=limit,
                )
            scan = _SheetScan(name, info.filename, max_rows, max_columns) if _WORKSHEET.match(info.filename) else None
            carry = b""
            try:
                for chunk in _chunks(archive, info):
                    text = carry + chunk
                    if any(marker in text for marker in _DTD):
                        raise _refuse("sheet", ERR_XML_DTD, name=name, member=info.filename)
                    cut = text.rfind(b">") + 1
                    if scan is not None:
                        scan.feed(text[:cut])
                    carry = text[cut:][-_CARRY_MAX:]
                if scan is not None and carry:
                    scan.feed(carry)
            except _UNREADABLE_MEMBER as exc:
                raise _refuse("content", ERR_FILE_CONTENT, name=name, label=XLSX_KIND.label, ext=".xlsx") from exc
    file.seek(0)


__all__ = [
    "ACCEPT_ATTRIBUTE",
    "ALLOWED",
    "MAX_UPLOAD_BYTES",
    "XLSX_KIND",
    "CheckedUpload",
    "FileKind",
    "UploadRefused",
    "check_spreadsheet",
    "check_upload",
    "clean_name",
    "human_size",
    "pdf_active_content",
]
