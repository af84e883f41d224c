"""Excel (.xlsx) output shared by every export: cells safe from formula injection and one plain, readable sheet.

Officials open exports in Excel and edit them; a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) would be taken for a formula — by openpyxl when writing, by Excel when the
user edits the cell — so ``=HYPERLINK("http://…")`` typed into a task title could run on another official's
machine (OWASP "CSV injection"). ``safe_cell`` stores such text as text, behind a leading apostrophe. Numbers stay
numbers and dates stay dates, so sums, filters and sorting keep working.

``workbook_bytes`` streams rows (openpyxl's write-only mode: memory stays flat for a hundred thousand rows) into
a sheet with a bold, frozen header row, an autofilter, the given column widths and dates shown as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CellValue = str | int | float | Decimal | bool | datetime.date | datetime.datetime | None

# Text beginning with one of these is read as a formula (tab and CR: Excel strips them and reads what follows).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
DEFAULT_COLUMN_WIDTH = 18.0
# Excel's own limits on a sheet name: 31 characters, none of []:*?/\ .
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_HEADER_FONT = Font(name="Times New Roman", bold=True, size=12)
_BODY_FONT = Font(name="Times New Roman", size=12)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_THIN = Side(style="thin", color="FFA6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TEXT_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
_VALUE_ALIGNMENT = Alignment(horizontal="center", vertical="top")


def safe_cell(value: object) -> CellValue:
    """``value`` as an Excel cell value that can never be a formula.

    ``None``, booleans, numbers and dates are kept as they are (an aware datetime becomes the local wall time,
    which is what Excel can show); anything else becomes text, without the control characters the format forbids,
    and with a leading apostrophe when it would otherwise be read as a formula.
    """
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_PREFIXES):
        return TEXT_PREFIX + text
    return text


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts, keeping the Vietnamese title as far as it can."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip().strip("'")
    return (cleaned or "Trang 1")[:SHEET_TITLE_MAX].strip()


def _cell(ws: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    safe = safe_cell(value)
    cell = WriteOnlyCell(ws, value=safe)
    cell.font = _BODY_FONT
    cell.border = _BORDER
    if isinstance(safe, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
        cell.alignment = _VALUE_ALIGNMENT
    elif isinstance(safe, datetime.date):
        cell.number_format = DATE_FORMAT
        cell.alignment = _VALUE_ALIGNMENT
    elif isinstance(safe, str):
        cell.alignment = _TEXT_ALIGNMENT
    else:
        cell.alignment = _VALUE_ALIGNMENT
    return cell


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    column_widths: Sequence[float] | None = None,
) -> bytes:
    """One sheet named after ``title``: a bold header row (frozen, with an autofilter) and then ``rows``.

    ``rows`` may be any iterable (a generator over ``QuerySet.iterator()``): it is consumed once, row by row.
    Every value goes through ``safe_cell``. ``column_widths`` are in Excel's character units; missing ones get a
    default width.
    """
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = "Sáu Rõ"
    ws: WriteOnlyWorksheet = wb.create_sheet(title=sheet_title(title))
    widths = list(column_widths or [])
    for index in range(1, len(headers) + 1):
        width = widths[index - 1] if index - 1 < len(widths) else DEFAULT_COLUMN_WIDTH
        ws.column_dimensions[get_column_letter(index)].width = width
    # Views and column widths are written with the first row: set them before appending.
    ws.freeze_panes = "A2"

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(header))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _HEADER_ALIGNMENT
        header_cells.append(cell)
    ws.append(header_cells)

    count = 0
    for row in rows:
        ws.append([_cell(ws, value) for value in row])
        count += 1
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
