"""Work programs in and out of Excel: the template to fill in, the all-or-nothing import, and the export.

Import rules (``import_program``):
- the file must be a real ``.xlsx`` (checked on its content by ``common.uploads``: a renamed Word file or a CSV is
  refused with a clear message), at most ``MAX_IMPORT_BYTES``, without macros or embedded programs, and bounded
  before openpyxl parses it (``common.uploads.check_spreadsheet``: inflated sizes, at most ``MAX_SHEET_ROWS`` rows
  and ``MAX_SHEET_COLUMNS`` columns, blank rows included); at most ``MAX_IMPORT_ROWS`` rows with data;
- the first sheet's first row holds the headers of the template (matched without diacritics or case; the columns
  may be in any order, unknown columns are ignored — so an exported program imports back); "STT/Mã mục" and
  "Nội dung công việc" are required columns;
- every row is checked before anything is written, and each problem is reported as "Dòng N: …" (N is the row
  number Excel shows); one problem anywhere and nothing is written;
- otherwise items are upserted by their key in one transaction: a new key adds an item, a known key updates it (or
  leaves it unchanged), and items of the program missing from the file are kept;
- cells are read as stored: a formula is imported as its text (``=HYPERLINK(…)``), never evaluated;
- the lead unit is matched by code or name, ignoring diacritics and case, among the active units the user sees;
- "Thời hạn" takes a real Excel date or text ``dd/mm/yyyy`` (also ``d/m/yyyy`` and ``yyyy-mm-dd``);
- "Tháng" 1–12, "Quý" 1–4 (or I–IV); a month fixes the quarter, and both must fit a quarterly program;
- "Loại sản phẩm" (optional) is a kind of the catalogue by its label or code; empty, the kind is read from the start
  of "Sản phẩm";
- the template's example row (key "Ví dụ") is skipped as downloaded; changed but still marked, it is refused.

The template (``template_bytes``) has the headers, the example row, drop-down lists (months, quarters, the units the
user may choose, product kinds), the units on a second sheet and these rules in Vietnamese on a third ("Hướng dẫn").
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ValidationFailed
from sauro.common.excel import FORMULA_PREFIXES, TEXT_PREFIX, safe_cell, workbook_bytes
from sauro.common.text import fold
from sauro.common.uploads import XLSX_KIND, UploadRefused, check_spreadsheet, check_upload, clean_name
from sauro.org.access import units_visible_to
from sauro.org.models import Unit
from sauro.org.selectors import tree_order
from sauro.programs.choices import ROMAN_QUARTERS
from sauro.programs.models import KEY_MAX_LENGTH, WorkProgram, WorkProgramItem
from sauro.programs.services import ImportResult, ItemInput, check_period, check_right, program_import_rows
from sauro.tasks.choices import ProductKind, TaskState

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
# A sheet the import reads: at most this many rows (blank ones and the header included) and columns. A work program
# has a few hundred rows; the caps bound the parse whatever the file declares (issue 16).
MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 50
MAX_ERRORS_SHOWN = 200
CONTENT_MAX = 5000

COL_KEY = "STT/Mã mục"
COL_MONTH = "Tháng"
COL_QUARTER = "Quý"
COL_CONTENT = "Nội dung công việc"
COL_LEAD = "Đơn vị chủ trì"
COL_COORD = "Đơn vị phối hợp"
COL_PRODUCT = "Sản phẩm"
COL_DUE = "Thời hạn"
COL_NOTES = "Ghi chú"
COL_KIND = "Loại sản phẩm"
COL_TASK = "Nhiệm vụ"
COL_TASK_STATE = "Trạng thái nhiệm vụ"

TEMPLATE_COLUMNS: tuple[tuple[str, float], ...] = (
    (COL_KEY, 10),
    (COL_MONTH, 8),
    (COL_QUARTER, 8),
    (COL_CONTENT, 60),
    (COL_LEAD, 30),
    (COL_COORD, 30),
    (COL_PRODUCT, 30),
    (COL_DUE, 12),
    (COL_NOTES, 30),
    (COL_KIND, 20),
)
TEMPLATE_HEADERS = tuple(h for h, _ in TEMPLATE_COLUMNS)
EXPORT_COLUMNS = (*TEMPLATE_COLUMNS, (COL_TASK, 40), (COL_TASK_STATE, 18))
UNITS_SHEET = "Danh sách đơn vị"
GUIDE_SHEET = "Hướng dẫn"
# The template's second row is an example, marked by its key: left as downloaded it is skipped by the import; changed
# but still marked, the import asks for a real key rather than guess which it is.
EXAMPLE_KEY = "Ví dụ"
EXAMPLE_CONTENT = "(Dòng ví dụ, hãy ghi đè hoặc xoá) Xây dựng kế hoạch kiểm tra, giám sát của cấp ủy năm"
# How many rows of the template carry the formats and drop-down lists.
TEMPLATE_ROWS = 200
TEMPLATE_FILENAME = "mau-chuong-trinh-cong-tac.xlsx"

# Header aliases (folded) → column.
_ALIASES = {
    "stt/ma muc": COL_KEY,
    "stt / ma muc": COL_KEY,
    "stt": COL_KEY,
    "ma muc": COL_KEY,
    "thang": COL_MONTH,
    "quy": COL_QUARTER,
    "noi dung cong viec": COL_CONTENT,
    "noi dung": COL_CONTENT,
    "don vi chu tri": COL_LEAD,
    "chu tri": COL_LEAD,
    "don vi phoi hop": COL_COORD,
    "phoi hop": COL_COORD,
    "san pham": COL_PRODUCT,
    "thoi han": COL_DUE,
    "ghi chu": COL_NOTES,
    "loai san pham": COL_KIND,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

ERR_NOT_XLSX = (
    "Không đọc được tệp “{name}”: chỉ nhận tệp Excel .xlsx (Excel 2007 trở lên). "
    "Nếu tệp là .xls hoặc .csv, hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
)
ERR_TOO_BIG = "Tệp “{name}” vượt quá {limit} MB."
ERR_FILE_MISSING = "Hãy chọn tệp Excel để nhập."
ERR_EMPTY_SHEET = "Trang tính đầu tiên không có dữ liệu."
ERR_HEADERS = "Dòng 1 phải là dòng tiêu đề của mẫu; thiếu cột: {missing}. Hãy tải mẫu nhập Excel và dùng đúng tiêu đề."
ERR_SHEET_ROWS = (
    "Trang tính có hơn {limit} dòng (kể cả dòng trống); hãy xoá các dòng trống thừa hoặc chia thành nhiều tệp."
)
ERR_TOO_MANY_ROWS = "Tệp có hơn {limit} dòng dữ liệu; hãy chia thành nhiều tệp."
ERR_NO_ROWS = "Tệp không có dòng dữ liệu nào."
ROW_KEY_REQUIRED = "Dòng {row}: thiếu STT/mã mục"
ROW_KEY_TOO_LONG = f"Dòng {{row}}: STT/mã mục dài tối đa {KEY_MAX_LENGTH} ký tự"
ROW_KEY_DUPLICATE = "Dòng {row}: STT/mã mục “{key}” trùng với dòng {first}"
ROW_CONTENT_REQUIRED = "Dòng {row}: nội dung công việc không được để trống"
ROW_CONTENT_TOO_LONG = f"Dòng {{row}}: nội dung công việc dài quá {CONTENT_MAX} ký tự"
ROW_MONTH = "Dòng {row}: tháng phải từ 1 đến 12"
ROW_QUARTER = "Dòng {row}: quý phải từ 1 đến 4 (hoặc I đến IV)"
ROW_PERIOD = "Dòng {row}: {problem}"
ROW_LEAD_UNKNOWN = "Dòng {row}: không tìm thấy đơn vị chủ trì “{name}”"
ROW_DATE = "Dòng {row}: thời hạn “{value}” không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 31/03/2026)"
ROW_DUE_YEAR = "Dòng {row}: thời hạn {due:%d/%m/%Y} không thuộc năm {year} của chương trình"
ROW_KIND = "Dòng {row}: loại sản phẩm “{value}” không có trong danh sách (xem trang “Hướng dẫn”)"
ROW_EXAMPLE_CHANGED = (
    f"Dòng {{row}}: dòng ví dụ đã được sửa; hãy thay “{EXAMPLE_KEY}” bằng STT/mã mục của mục công việc, "
    "hoặc xoá dòng này"
)


class ImportFailed(Exception):
    """The file or some rows are wrong: nothing was written. ``errors`` are Vietnamese lines for the person."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:3]))
        self.errors = errors


@dataclass(frozen=True)
class ParsedRow:
    row: int
    data: ItemInput


# --- reading cells ----------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates as dd/mm/yyyy, formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    text = value if isinstance(value, str) else str(getattr(value, "text", None) or value)
    text = text.replace("\r\n", "\n").strip()
    # An exported cell kept as text behind an apostrophe (``safe_cell``) comes back as the text itself.
    if text.startswith(TEXT_PREFIX) and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _int(value: Any, roman: bool = False) -> int | None | str:
    """An integer, ``None`` for an empty cell, or ``"bad"``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else "bad"
    text = fold(_text(value))
    text = re.sub(r"^(thang|quy)\s*", "", text)
    if text.isdigit():
        return int(text)
    if roman and text in _ROMAN:
        return _ROMAN[text]
    return "bad"


_DATE_RES = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
)


def _date(value: Any) -> datetime.date | None | str:
    """A real Excel date or text dd/mm/yyyy; ``None`` for empty, ``"bad"`` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern, order in _DATE_RES:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return "bad"
    return "bad"


def product_kind_of(product: str) -> str:
    """The catalogue kind a product text starts with ("Báo cáo kết quả …" → report), else empty."""
    folded = fold(product)
    for kind in ProductKind:
        if kind == ProductKind.OTHER:
            continue
        if folded.startswith(fold(str(kind.label))):
            return str(kind.value)
    return ""


def kind_of(text: str) -> str | None:
    """The product kind named in the "Loại sản phẩm" column (its label or its code, without diacritics or case):
    ``""`` for an empty cell, ``None`` for a name not in the catalogue."""
    folded = fold(text)
    if not folded:
        return ""
    for kind in ProductKind:
        if folded in (fold(str(kind.label)), fold(str(kind.value))):
            return str(kind.value)
    return None


class UnitMatcher:
    """Active units the user sees, found by code or name without diacritics or case."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.by_key: dict[str, Unit] = {}
        for unit in units:
            for key in (unit.code, unit.name, unit.short_name):
                if key:
                    self.by_key.setdefault(fold(key), unit)

    def find(self, text: str) -> Unit | None:
        return self.by_key.get(fold(text))


def _active_units(user: User | None) -> list[Unit]:
    units = units_visible_to(user) if user is not None else Unit.objects.all()
    return list(tree_order(units.filter(valid_to__isnull=True)))


# --- import -----------------------------------------------------------------------------------------------------


def _refusal(exc: UploadRefused, name: str) -> str:
    """The importer's words for what the common checks refused: a file that is no workbook, or too big, is said as
    the import always said it; a bomb, macros or a sheet too large by the check's own message."""
    if exc.reason == "missing":
        return ERR_FILE_MISSING
    if exc.reason in ("type", "empty", "content"):
        return ERR_NOT_XLSX.format(name=name)
    if exc.reason == "too_big":
        return ERR_TOO_BIG.format(name=name, limit=MAX_IMPORT_BYTES // (1024 * 1024))
    return exc.message


def _capped(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows, refused at the ``MAX_SHEET_ROWS`` + 1st (``check_spreadsheet`` already refused such a sheet;
    this keeps the walk bounded whatever openpyxl would pad)."""
    for number, values in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise ImportFailed([ERR_SHEET_ROWS.format(limit=f"{MAX_SHEET_ROWS:,}".replace(",", "."))])
        yield values


def _open(upload: UploadedFile | None) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows (values, at most ``MAX_SHEET_COLUMNS`` wide), once the file passed every check of
    ``common.uploads`` — its size, its type, its package (bombs, macros) and its sheets' sizes and declared
    dimensions — so that openpyxl, streaming read-only, parses only bounded XML."""
    name = clean_name(upload.name or "") if upload is not None else ""
    try:
        checked = check_upload(upload, kinds={".xlsx": XLSX_KIND}, max_bytes=MAX_IMPORT_BYTES)
        data = io.BytesIO(checked.upload.read(MAX_IMPORT_BYTES + 1))
        check_spreadsheet(data, checked.name, max_rows=MAX_SHEET_ROWS, max_columns=MAX_SHEET_COLUMNS)
    except UploadRefused as exc:
        raise ImportFailed([_refusal(exc, name)]) from exc
    try:
        # data_only=False: a formula cell gives its text, which is imported as text — never a computed value.
        wb = load_workbook(data, read_only=True, data_only=False)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=MAX_SHEET_COLUMNS, values_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on a malformed package
        raise ImportFailed([ERR_NOT_XLSX.format(name=name)]) from exc
    return _capped(rows)


def parse_rows(
    rows: Iterator[tuple[Any, ...]], *, program: WorkProgram, units: UnitMatcher
) -> tuple[list[ParsedRow], list[str]]:
    """Every data row checked; the parsed rows and the list of problems (empty when all rows are good)."""
    try:
        header = next(rows)
    except StopIteration:
        return [], [ERR_EMPTY_SHEET]
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        column = _ALIASES.get(fold(_text(value)))
        if column is not None and column not in columns:
            columns[column] = index
    missing = [c for c in (COL_KEY, COL_CONTENT) if c not in columns]
    if missing:
        return [], [ERR_HEADERS.format(missing=", ".join(f"“{m}”" for m in missing))]

    def cell(values: tuple[Any, ...], column: str) -> Any:
        index = columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    errors: list[str] = []
    parsed: list[ParsedRow] = []
    first_row_of: dict[str, int] = {}
    count = 0
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if fold(_text(cell(values, COL_KEY))) == fold(EXAMPLE_KEY):
            if _text(cell(values, COL_CONTENT)).startswith(EXAMPLE_CONTENT):
                continue  # the template's example, as downloaded
            errors.append(ROW_EXAMPLE_CHANGED.format(row=number))
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            return [], [ERR_TOO_MANY_ROWS.format(limit=MAX_IMPORT_ROWS)]
        row_errors: list[str] = []
        key = _text(cell(values, COL_KEY)).rstrip(".")
        if not key:
            row_errors.append(ROW_KEY_REQUIRED.format(row=number))
        elif len(key) > KEY_MAX_LENGTH:
            row_errors.append(ROW_KEY_TOO_LONG.format(row=number))
        elif key in first_row_of:
            row_errors.append(ROW_KEY_DUPLICATE.format(row=number, key=key, first=first_row_of[key]))
        else:
            first_row_of[key] = number
        content = _text(cell(values, COL_CONTENT))
        if not content:
            row_errors.append(ROW_CONTENT_REQUIRED.format(row=number))
        elif len(content) > CONTENT_MAX:
            row_errors.append(ROW_CONTENT_TOO_LONG.format(row=number))
        month = _int(cell(values, COL_MONTH))
        if month == "bad" or (isinstance(month, int) and not 1 <= month <= 12):
            row_errors.append(ROW_MONTH.format(row=number))
            month = None
        quarter = _int(cell(values, COL_QUARTER), roman=True)
        if quarter == "bad" or (isinstance(quarter, int) and not 1 <= quarter <= 4):
            row_errors.append(ROW_QUARTER.format(row=number))
            quarter = None
        month_i = month if isinstance(month, int) else None
        quarter_i = quarter if isinstance(quarter, int) else None
        _, problem = check_period(program, month_i, quarter_i)
        if problem:
            row_errors.append(ROW_PERIOD.format(row=number, problem=problem[0].lower() + problem[1:].rstrip(".")))
        lead_text = _text(cell(values, COL_LEAD))
        lead = units.find(lead_text) if lead_text else None
        if lead_text and lead is None:
            row_errors.append(ROW_LEAD_UNKNOWN.format(row=number, name=lead_text))
        raw_due = cell(values, COL_DUE)
        due = _date(raw_due)
        if due == "bad":
            row_errors.append(ROW_DATE.format(row=number, value=_text(raw_due)))
            due = None
        elif isinstance(due, datetime.date) and due.year != program.year:
            row_errors.append(ROW_DUE_YEAR.format(row=number, due=due, year=program.year))
        kind_text = _text(cell(values, COL_KIND))
        kind = kind_of(kind_text)
        if kind_text and kind is None:
            row_errors.append(ROW_KIND.format(row=number, value=kind_text))
        if row_errors:
            errors.extend(row_errors)
            continue
        product = _text(cell(values, COL_PRODUCT))
        parsed.append(
            ParsedRow(
                row=number,
                data=ItemInput(
                    key=key,
                    content=content,
                    month=month_i,
                    quarter=quarter_i,
                    lead_unit_id=lead.pk if lead else None,
                    coordinating=_text(cell(values, COL_COORD)),
                    product=product,
                    product_kind=kind or product_kind_of(product),
                    due_date=due if isinstance(due, datetime.date) else None,
                    notes=_text(cell(values, COL_NOTES)),
                ),
            )
        )
    if count == 0 and not errors:
        errors.append(ERR_NO_ROWS)
    return parsed, errors


def import_program(*, acting_user: User | None, program: WorkProgram, upload: UploadedFile | None) -> ImportResult:
    """Check the whole file, then upsert its rows by key in one transaction; ``ImportFailed`` writes nothing."""
    check_right(acting_user, program.unit)
    rows = _open(upload)
    parsed, errors = parse_rows(rows, program=program, units=UnitMatcher(_active_units(acting_user)))
    if errors:
        raise ImportFailed(errors)
    try:
        return program_import_rows(acting_user=acting_user, program=program, rows=[p.data for p in parsed])
    except ValidationFailed as exc:
        # Something changed between the check and the write (a unit closed meanwhile): nothing was written.
        raise ImportFailed([exc.message]) from exc


# --- template and export ----------------------------------------------------------------------------------------

_HEADER_FONT = Font(name="Times New Roman", bold=True, size=12)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_EXAMPLE_FONT = Font(name="Times New Roman", italic=True, color="FF7F7F7F", size=12)


GUIDE_LINES = (
    "Hướng dẫn nhập chương trình công tác từ Excel",
    "",
    "1. Ghi mỗi mục công việc trên một dòng của trang “Chương trình công tác”, từ dòng 3; giữ nguyên dòng tiêu đề "
    "(dòng 1). Thứ tự các cột có thể đổi; cột không có trong mẫu được bỏ qua.",
    f"2. Dòng 2 là dòng ví dụ (STT/Mã mục “{EXAMPLE_KEY}”): để nguyên thì hệ thống bỏ qua khi nhập; có thể xoá, hoặc "
    "ghi đè bằng một mục công việc thật (khi đó thay “Ví dụ” bằng STT/mã mục).",
    "3. Bắt buộc: “STT/Mã mục” (ví dụ 1, 2.1, II.3; không trùng nhau trong tệp) và “Nội dung công việc”.",
    "4. “Tháng”: chọn trong danh sách 1–12. “Quý”: I–IV (hoặc 1–4). Ghi tháng thì quý phải khớp với tháng; chương "
    "trình quý chỉ nhận các tháng của quý đó.",
    f"5. “Đơn vị chủ trì”: chọn trong danh sách (trang “{UNITS_SHEET}”); cũng có thể ghi mã đơn vị. Không phân biệt "
    "chữ hoa, chữ thường, có dấu hay không dấu.",
    "6. “Thời hạn”: ngày dạng ngày/tháng/năm (ví dụ 31/03/2026), thuộc năm của chương trình.",
    "7. “Loại sản phẩm”: chọn trong danh sách; để trống thì hệ thống nhận theo chữ đầu của cột “Sản phẩm” "
    "(“Báo cáo…”, “Kế hoạch…”).",
    "8. Nhập là “tất cả hoặc không”: có một dòng sai thì không dòng nào được ghi, và mỗi lỗi được nêu theo số dòng "
    "Excel hiển thị. Mục đã có (cùng STT/mã mục) được cập nhật; mục không có trong tệp được giữ nguyên.",
    "9. Công thức không được tính: ô có công thức được nhập như văn bản.",
)


def _list_validation(formula: str, prompt: str, *, strict: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.promptTitle, dv.prompt, dv.showInputMessage = "Chọn trong danh sách", prompt, True
    dv.errorTitle, dv.error, dv.showErrorMessage = "Giá trị không có trong danh sách", prompt, strict
    return dv


def template_bytes(*, user: User | None) -> bytes:
    """The template: the headers and one example row on the first sheet (key column formatted as text, so "2.10"
    stays "2.10"), drop-down lists for the month, the quarter, the lead unit and the product kind; the valid units
    (code, name) on the second sheet; the rules on the third ("Hướng dẫn")."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Chương trình công tác"
    column = {header: index for index, (header, _) in enumerate(TEMPLATE_COLUMNS, start=1)}
    for header, index in column.items():
        c = ws.cell(row=1, column=index, value=header)
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = TEMPLATE_COLUMNS[index - 1][1]
    last = TEMPLATE_ROWS + 1
    for row in range(2, last + 1):
        ws.cell(row=row, column=column[COL_KEY]).number_format = "@"
        ws.cell(row=row, column=column[COL_DUE]).number_format = "DD/MM/YYYY"
    units = _active_units(user)
    year = clock.today().year
    example = {
        COL_KEY: EXAMPLE_KEY,
        COL_MONTH: 3,
        COL_QUARTER: "I",
        COL_CONTENT: f"{EXAMPLE_CONTENT} {year}",
        COL_LEAD: units[0].name if units else "",
        COL_PRODUCT: f"Kế hoạch kiểm tra, giám sát năm {year}",
        COL_DUE: datetime.date(year, 3, 31),
        COL_NOTES: "Dòng ví dụ: để nguyên thì không được nhập",
        COL_KIND: str(ProductKind.PLAN.label),
    }
    for header, value in example.items():
        c = ws.cell(row=2, column=column[header], value=safe_cell(value))
        c.font = _EXAMPLE_FONT
    ws.freeze_panes = "A2"

    def rows_of(header: str) -> str:
        letter = get_column_letter(column[header])
        return f"{letter}2:{letter}{last}"

    months = _list_validation('"' + ",".join(str(m) for m in range(1, 13)) + '"', "Tháng 1–12.")
    quarters = _list_validation('"I,II,III,IV"', "Quý I–IV (hoặc 1–4).", strict=False)
    kinds = _list_validation(
        '"' + ",".join(str(k.label) for k in ProductKind) + '"', "Loại sản phẩm trong danh mục.", strict=False
    )
    # Unit codes are accepted too: the list helps, it does not refuse.
    leads = _list_validation(
        f"'{UNITS_SHEET}'!$B$2:$B${max(len(units), 1) + 1}", "Đơn vị trong danh sách (hoặc mã đơn vị).", strict=False
    )
    for dv, header in ((months, COL_MONTH), (quarters, COL_QUARTER), (kinds, COL_KIND), (leads, COL_LEAD)):
        ws.add_data_validation(dv)
        dv.add(rows_of(header))
    units_ws = wb.create_sheet(UNITS_SHEET)
    units_ws.append(["Mã đơn vị", "Tên đơn vị"])
    for c in units_ws[1]:
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL
    units_ws.column_dimensions["A"].width = 18
    units_ws.column_dimensions["B"].width = 50
    for unit in units:
        units_ws.append([safe_cell(unit.code), safe_cell(unit.name)])
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 120
    for line in GUIDE_LINES:
        guide.append([line])
    guide["A1"].font = _HEADER_FONT
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.creator = "Sáu Rõ"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _quarter_label(quarter: int | None) -> str:
    return ROMAN_QUARTERS.get(quarter, "") if quarter else ""


def program_to_xlsx(program: WorkProgram, items: Iterable[WorkProgramItem]) -> bytes:
    """The program as the template's columns plus the linked task and its state; every cell through
    ``safe_cell`` (by ``workbook_bytes``)."""

    def rows() -> Iterator[list[object]]:
        for item in items:
            task = item.task
            yield [
                item.key,
                item.month,
                _quarter_label(item.quarter),
                item.content,
                item.lead_unit.name if item.lead_unit else "",
                item.coordinating,
                item.product,
                item.due_date,
                item.notes,
                str(ProductKind(item.product_kind).label) if item.product_kind in ProductKind.values else "",
                task.title if task else "",
                str(TaskState(task.state).label) if task else "",
            ]

    headers = [h for h, _ in EXPORT_COLUMNS]
    return workbook_bytes(program.title, headers, rows(), column_widths=[w for _, w in EXPORT_COLUMNS])
