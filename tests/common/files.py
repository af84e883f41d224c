"""Files built in the tests for the upload checks (issue 16): ordinary ones, and the hostile ones each check refuses.

Nothing here is a stored sample: every file is generated, small on disk, with what makes it hostile spelled out.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

import openpyxl
from docx import Document

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- ordinary files ---------------------------------------------------------------------------------------------


def docx_bytes(text: str = "Phụ lục kèm theo Kết luận") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]] = (("Phụ lục",),)) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(package: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """``package`` with members added or replaced (deflated)."""
    out = io.BytesIO()
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


# --- OLE2 compound files (.doc, .xls), written by hand: no library writes them ----------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2_bytes(streams: dict[str, bytes] | None = None) -> bytes:
    """A version-3 compound file: a root with the given ``path: data`` streams (``"Macros/VBA/dir"`` makes the
    storages on the way). Each stream is padded to 4 KiB so that it lives in regular sectors, not the mini stream."""
    streams = streams or {"WordDocument": b"\xec\xa5" + b"\x00" * 100}
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": []}]
    index: dict[str, int] = {"": 0}
    for path, data in streams.items():
        parent = ""
        parts = path.split("/")
        for depth, part in enumerate(parts):
            key = "/".join(parts[: depth + 1])
            if key not in index:
                leaf = depth == len(parts) - 1
                entries.append({"name": part, "type": 2 if leaf else 1, "children": [], "data": data if leaf else b""})
                index[key] = len(entries) - 1
                children = entries[index[parent]]["children"]
                assert isinstance(children, list)
                children.append(index[key])
            parent = key
    sector = 512
    payloads = [bytes(e.get("data", b"")) for e in entries]  # type: ignore[call-overload]
    padded = [p + b"\x00" * (-len(p) % sector) if p else b"" for p in payloads]
    padded = [p + b"\x00" * max(0, 4096 - len(p)) if payloads[i] else b"" for i, p in enumerate(padded)]
    dir_sectors = -(-len(entries) * 128 // sector)
    data_sectors = sum(len(p) // sector for p in padded)
    fat_sectors = 1
    while (fat_sectors + dir_sectors + data_sectors) > fat_sectors * 128:
        fat_sectors += 1
    fat = [_FAT] * fat_sectors
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + dir_sectors), _END]
    starts: list[int] = []
    for p in padded:
        count = len(p) // sector
        if count == 0:
            starts.append(_END)
            continue
        start = len(fat)
        starts.append(start)
        fat += [*range(start + 1, start + count), _END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    directory = b""
    for i, entry in enumerate(entries):
        name = str(entry["name"]).encode("utf-16-le") + b"\x00\x00"
        children = entry["children"]
        assert isinstance(children, list)
        # Siblings chained through their right pointer (a degenerate, all-black tree: readers accept it).
        child = children[0] if children else _FREE
        right = _FREE
        for parent_entry in entries:
            siblings = parent_entry["children"]
            assert isinstance(siblings, list)
            if i in siblings and siblings.index(i) + 1 < len(siblings):
                right = siblings[siblings.index(i) + 1]
        record = name.ljust(64, b"\x00") + struct.pack("<HBB", len(name), int(entry["type"]), 1)  # type: ignore[call-overload]
        record += struct.pack("<III", _FREE, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
        record += struct.pack("<IQ", starts[i] if payloads[i] else _END, len(payloads[i]))
        directory += record
    directory = directory.ljust(dir_sectors * sector, b"\x00")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, fat_sectors, first_dir, 0, 4096, _END, 0, _END, 0)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    assert len(header) == sector
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(padded)
    return header + body


# --- PDF --------------------------------------------------------------------------------------------------------


def pdf_bytes(*extra_objects: bytes, catalog_extra: bytes = b"", object_stream: bytes = b"") -> bytes:
    """A well-formed one-page PDF (cross-reference table with true offsets). ``extra_objects`` are added as
    objects 4, 5 …; ``catalog_extra`` goes into the catalog; ``object_stream``, when given, holds object 99 in a
    FlateDecode object stream (/Type /ObjStm) — where a naive scan of the plain bytes sees nothing."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    if object_stream:
        header = b"99 0 "
        packed = zlib.compress(header + object_stream)
        objects.append(
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (len(header), len(packed), packed)
        )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- bombs --------------------------------------------------------------------------------------------------------


_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>N\xe1\xbb\x99i dung c\xc3\xb4ng vi\xe1\xbb\x87c</t></is></c></row>'
)


def blank_rows_bomb(rows: int = 30_000_000, *, numbered: bool = True) -> bytes:
    """A workbook whose sheet holds a header and ``rows`` - 1 blank rows (the issue's: 30 million rows in a 4.3 MB
    file, which ran 62 s and used 2.3 GB)."""
    package = xlsx_bytes([["STT/Mã mục", "Nội dung công việc"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
        head = (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>'
        )
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            member.write(head + _HEADER_ROW)
            batch = 100_000
            for start in range(2, rows + 1, batch):
                count = min(start + batch, rows + 1) - start
                if numbered:
                    member.write(b"".join(b'<row r="%d"/>' % r for r in range(start, start + count)))
                else:  # rows without a number follow the previous one: the XML compresses a thousandfold
                    member.write(b"<row/>" * count)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def sparse_rows_xlsx(last_row: int = 30_000_000) -> bytes:
    """A tiny workbook with a header row and one cell on row ``last_row`` and no dimension: a reader that pads
    the missing rows walks ``last_row`` rows."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
        % (last_row, last_row)
    )
    return rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})


def giant_shared_string(size: int = 200 * 1024 * 1024) -> bytes:
    """A workbook whose one shared string is ``size`` bytes (the issue's: 1.5 GB, 3.1 GB of memory)."""
    package = xlsx_bytes([["STT/Mã mục", "Nội dung công việc"], ["1", "Việc"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info.filename, source.read(info))
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>STT/M\xc3\xa3 m\xe1\xbb\xa5c</t></si>'
                b"<si><t>N\xe1\xbb\x99i dung c\xc3\xb4ng vi\xe1\xbb\x87c</t></si><si><t>"
            )
            block = b"A" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
            member.write(b"</t></si></sst>")
    return out.getvalue()


def deep_member_docx(size: int = 50 * 1024 * 1024) -> bytes:
    """A .docx with one member of ``size`` zero bytes, deflated about a thousand times (under the total cap)."""
    out = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("word/media/image1.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
    return out.getvalue()


def many_members_docx(count: int = 5000) -> bytes:
    out = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"word/media/m{i}.xml", b"")
    return out.getvalue()


def total_bomb_docx(members: int = 250) -> bytes:
    """``members`` members of 1 MiB of zeros each: each too small for the ratio check, together 250 MiB."""
    out = io.BytesIO(docx_bytes())
    block = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for i in range(members):
            archive.writestr(f"word/media/image{i}.emf", block)
    return out.getvalue()


def xlsx_with_macros() -> bytes:
    """An .xlsx carrying ``xl/vbaProject.bin`` (an .xlsm renamed)."""
    return rezip(xlsx_bytes(), add={"xl/vbaProject.bin": ole2_bytes({"VBA/dir": b"\x01" * 64})})


def docx_with_exe() -> bytes:
    """A .docx with a Windows program among its parts."""
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    return rezip(docx_bytes(), add={"word/embeddings/setup.exe": program})


def docx_with_ole_object() -> bytes:
    return rezip(docx_bytes(), add={"word/embeddings/oleObject1.bin": ole2_bytes({"\x01Ole10Native": b"MZ" * 50})})


def docx_with_nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("readme.txt", "x")
    return rezip(docx_bytes(), add={"word/media/image9.png": inner.getvalue()})


def docx_with_chart_workbook() -> bytes:
    """What Word writes for a chart: its data as an .xlsx under ``word/embeddings`` — an ordinary file."""
    return rezip(docx_bytes(), add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx_bytes([[1, 2]])})


def docx_with_macro_workbook() -> bytes:
    """An embedded workbook that itself carries macros: checked one level down, refused."""
    return rezip(docx_bytes(), add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx_with_macros()})


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\)) >>"
