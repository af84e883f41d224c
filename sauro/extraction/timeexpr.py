"""Vietnamese time expressions → ``TimeSpec``: "trước ngày 15/3/2026", "trong quý I/2026", "hằng tháng",
"thường xuyên", "trong 10 ngày làm việc"… (PRODUCT: rõ thời gian). Pure: the working-day calendar is
``common.calendar`` (pass ``calendar=`` to read many sentences against one snapshot); no other database read.

How a sentence is read (docs/extraction.md, "Time expressions", lists every form and choice):

1. The text is folded (lower case, no diacritics, đ → d) character by character, so that a match in the folded
   text maps back to the words as written (``TimeSpec.text`` is a substring of the input).
2. What is never a deadline is blanked out: document references with their number and date ("Kết luận số
   15-KL/TU ngày 7/1/2026"), year ranges ("nhiệm kỳ 2025–2030", "giai đoạn 2026-2030"), "Đại hội XIV",
   percentages.
3. Every time expression is found (dates, months, quarters, parts of a year, Tết, weeks, periods counted from
   the document, recurrences); where two overlap the one starting first (then the longer) is kept.
4. A recurrence wins (its first deadline is taken from a day the sentence gives); then the first deadline that
   a trigger word introduces ("trước", "chậm nhất", "đến", "trong", "xong"…); then the first one without a
   trigger (a bare day only when after ``ref``: an earlier one is the document's own date or a past event); then
   a period counted from the document; then "thường xuyên"; else unclear.
"""

from __future__ import annotations

import calendar as _monthcal
import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sauro.common.calendar import WorkCalendar, current_calendar, lunar_to_solar
from sauro.extraction.types import UNCLEAR, RecurrenceName, TimeKind, TimeSpec

__all__ = ["parse_time"]

_ONE_DAY = datetime.timedelta(days=1)
MIN_YEAR = 1900
MAX_YEAR = 2199

# -- folding ----------------------------------------------------------------------------------------------------

_DASHES = dict.fromkeys("‐‑‒–—―−", "-")


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _DASHES:
        return "-"
    if c.isspace():
        return " "
    plain = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    return plain.replace("đ", "d").replace("Đ", "d").lower()


def _fold(text: str) -> tuple[str, Sequence[int]]:
    """``text`` folded, and for each folded character the index of the character of ``text`` it comes from."""
    parts = list(map(_fold_char, text))
    folded = "".join(parts)
    if len(folded) == len(text):  # the usual case (NFC text): one character for one
        return folded, range(len(text))
    origin = [i for i, part in enumerate(parts) for _ in part]
    return folded, origin


# -- numbers and dates ------------------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_UNITS_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "sau": 6, "bay": 7, "tam": 8, "chin": 9}
# "năm" (five) is left out on purpose: folded or not it is also "năm" (year) — "trong năm tháng…" is ambiguous.
_DIGIT_WORDS = r"(?:mot|hai|ba|bon|sau|bay|tam|chin)"
_NUMBER_WORDS = (
    r"(?:" + _DIGIT_WORDS + r"\s+muoi(?:\s+(?:" + _DIGIT_WORDS + r"|tu|lam))?|muoi(?:\s+(?:" + _DIGIT_WORDS + r"|lam))?"
    r"|" + _DIGIT_WORDS + r")"
)


def _words_number(words: str) -> int:
    parts = words.split()
    if "muoi" not in parts:
        return _UNITS_WORDS[parts[0]]
    i = parts.index("muoi")
    tens = _UNITS_WORDS[parts[0]] if i == 1 else 1
    rest = parts[i + 1 :]
    units = 0 if not rest else 5 if rest[0] == "lam" else 1 if rest[0] == "mot" else _UNITS_WORDS[rest[0]]
    return tens * 10 + units


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _words_number(token)


def _year(token: str) -> int | None:
    y = int(token) + 2000 if len(token) == 2 else int(token)
    return y if MIN_YEAR <= y <= MAX_YEAR else None


def _date(y: int, m: int, d: int) -> datetime.date | None:
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> datetime.date:
    return datetime.date(y, m, _monthcal.monthrange(y, m)[1])


def _add_months(d: datetime.date, n: int) -> datetime.date:
    """The day ``n`` months after ``d``: the same day of the month, or that month's last day when it has none
    (Bộ luật Dân sự 2015, Điều 148 khoản 2)."""
    months = d.year * 12 + d.month - 1 + n
    y, m = divmod(months, 12)
    return datetime.date(y, m + 1, min(d.day, _monthcal.monthrange(y, m + 1)[1]))


def _next_day_month(d: int, m: int, ref: datetime.date) -> datetime.date | None:
    """The first day ``d``/``m`` strictly after ``ref`` (at most a year later; None for a 29/2 out of reach)."""
    for y in (ref.year, ref.year + 1):
        day = _date(y, m, d)
        if day is not None and day > ref:
            return day
    return None


def _next_end(ref: datetime.date, end_of: Callable[[int], datetime.date]) -> datetime.date:
    """``end_of(year)`` for the first year from ``ref``'s where that day is not before ``ref``."""
    day = end_of(ref.year)
    return day if day >= ref else end_of(ref.year + 1)


# -- patterns ---------------------------------------------------------------------------------------------------

_Y = r"(\d{4}|\d{2})(?!\d)"
_NUMERIC_DATE = r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*[/.-]\s*" + _Y + r")?(?![\d/])"
_LONG_DATE = r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:,\s*)?(?:nam\s+|[/-]\s*)" + _Y + r")?(?!\d)"
_ANY_DATE = r"(?:ngay\s+)?(?:" + _NUMERIC_DATE + r"|" + _LONG_DATE + r")"

_DOC_TYPES = (
    r"ket luan|nghi quyet|chi thi|quyet dinh|thong bao|ke hoach|cong van|quy dinh|huong dan|van ban|thong tri"
    r"|quy che|de an|to trinh|chuong trinh|bao cao|luat|nghi dinh|thong tu|phap lenh|hien phap"
)
# A document number: digits then at least one segment with letters ("57-NQ/TW", "123/QĐ-UBND", "45/2019/QH14").
_DOC_NUMBER = r"(?<![\w/-])\d+(?:[-/.][a-z0-9]+)*[-/][a-z][a-z0-9]*(?:[-/.][a-z0-9]+)*"
_ISSUED_ON = r"(?:\s*,?\s*(?:(?:do\s+\S+\s+)?(?:ban hanh|ky)\s+)?ngay\s+(?:" + _NUMERIC_DATE + "|" + _LONG_DATE + r"))?"

_MASKS = [
    re.compile(p)
    for p in (
        # "Kết luận số 15-KL/TU ngày 7/1/2026", "Nghị quyết 57-NQ/TW ngày 22/12/2024", "Chỉ thị số 05-CT/TW".
        r"(?:" + _DOC_TYPES + r")(?:\s+(?:lien tich\s+)?(?:so\s*)?" + _DOC_NUMBER + r"|\s+so\s+\d+)" + _ISSUED_ON,
        _DOC_NUMBER + _ISSUED_ON,
        # "Kết luận ngày 7/1/2026 của …" (no number), "ban hành ngày …", "ký ngày …".
        r"(?:ket luan|nghi quyet|chi thi|quyet dinh|thong bao|ke hoach|cong van|quy dinh|huong dan|van ban"
        r"|thong tri|ban hanh|ky)\s+ngay\s+(?:" + _NUMERIC_DATE + "|" + _LONG_DATE + r")",
        # "nhiệm kỳ 2025–2030", "giai đoạn 2026-2030", "năm học 2025-2026": a span, not a deadline.
        r"(?:(?:nhiem ky|giai doan|thoi ky|nam hoc|khoa)\s+)?(?<!\d)\d{4}\s*-\s*\d{2,4}(?!\d)",
        # "Đại hội XIV", "Đại hội Đảng bộ thành phố lần thứ I", "khóa XIV".
        r"(?:dai hoi|lan thu|khoa)(?:\s+(?:dai bieu|dang bo|toan quoc|lan thu|[a-z]+\s+[a-z]+\s+lan thu))*\s+"
        r"[ivxlc]+(?![a-z])",
        r"(?<![\d.,])\d+(?:[.,]\d+)?\s*%",
        # "(dự kiến tiến độ thông qua … vào đầu quý I/2021)": a tentative schedule in brackets, not a deadline.
        r"\(\s*du kien[^)]*\)",
        # "vào giữa tháng 3/2020": about then, no day to hold to.
        r"giua\s+(?:thang|quy|nam)\s+[0-9ivx]+(?:\s*[/-]\s*\d{4}|\s+nam\s+\d{4})?",
    )
]

_TRIGGERS = (
    r"truoc|cham nhat(?:\s+la)?|muon nhat(?:\s+la)?|han chot(?:\s+la)?|thoi han(?:\s+la)?|han(?:\s+la)?|den|toi"
    r"|xong|hoan thanh|trong|vao|ket thuc|nop|gui|trinh|dip|trong dip"
    r"|thoi gian(?:\s+(?:thuc hien|hoan thanh|hoan thanh va bao cao))?"
)
_TRIGGER_BEFORE = re.compile(
    r"(?:^|[^a-z0-9])((?:" + _TRIGGERS + r"))\s*:?\s*(?:het\s+)?"
    r"(?:\d{1,2}\s*(?:gio|h)(?:\s*\d{1,2}\s*(?:phut)?)?\s*,?\s*)?(?:ngay\s+)?$"  # "trước 17 giờ ngày 15/3"
)
_VERB_TRIGGERS = frozenset({"xong", "hoan thanh", "nop", "gui", "trinh", "ket thuc"})
_START_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:tu|ke tu|tinh tu|bat dau tu|ban hanh|ky|hop)\s+(?:\d{1,2}\s+gio(?:\s+\d{1,2}(?:\s+phut)?)?\s+)?"
    r"(?:ngay\s+)?$"
)
_BEFORE_WORD = re.compile(r"truoc(?![a-z])")
# A period right after the name of a programme or plan names which one it is ("chương trình công tác quý I và năm
# 2026"), not when it is due ("báo cáo 9 tháng", "sơ kết 6 tháng đầu năm" are read as due at the period's end).
_NAMED_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:chuong trinh|ke hoach)(?: cong tac)?\s+(?:(?:quy|thang|nam)\s+[ivx0-9/]+\s*(?:va|,)\s+)?$"
)


@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # "day", "period", "year", "relative", "recurrence", "dayof", "weekday"
    due: datetime.date | None = None
    start_of: datetime.date | None = None  # for a period: its first day ("trước tháng 3" = the day before)
    needs_trigger: bool = False
    recurrence: RecurrenceName | None = None
    number: int = 0
    qualifier: str = ""
    working_days: bool = False


_Handler = Callable[[re.Match[str], datetime.date], "_Cand | None"]


def _day_cand(m: re.Match[str], ref: datetime.date, d: str, mo: str, y: str | None) -> _Cand | None:
    day_, month = int(d), int(mo)
    if y is None:
        due = _date(2000, month, day_) and _next_day_month(day_, month, ref)
    else:
        year = _year(y)
        due = _date(year, month, day_) if year is not None else None
    return _Cand(m.start(), m.end(), "day", due) if due is not None else None


_COUNTED = re.compile(r"\s*(?:nam|thang|ngay|tuan|gio|phut|nguoi|lan|ty|trieu|nghin|km|ha|m|dong|%)(?![a-z])")


def _numeric(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    if m.group(4) is None and m.group(2) != "/" and _COUNTED.match(m.string, m.end()):
        return None  # "3-5 năm", "10.5 km": a range or a decimal, not a day
    cand = _day_cand(m, ref, m.group(1), m.group(3), m.group(4))
    if cand is not None and m.group(4) is None:
        cand.needs_trigger = True  # "2/3 số đảng viên" is a fraction unless "ngày" or "trước"… says otherwise
    return cand


def _long(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    return _day_cand(m, ref, m.group(1), m.group(2), m.group(3))


def _quarter_end(y: int, q: int) -> datetime.date:
    return _month_end(y, q * 3)


def _quarter(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    q = _ROMAN[m.group(1)]
    if m.group(2):
        year = _year(m.group(2))
        if year is None:
            return None
        due = _quarter_end(year, q)
    else:
        due = _next_end(ref, lambda y: _quarter_end(y, q))
    return _Cand(m.start(), m.end(), "period", due, start_of=datetime.date(due.year, q * 3 - 2, 1))


def _this_quarter(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    q = (ref.month - 1) // 3 + 1
    return _Cand(m.start(), m.end(), "period", _quarter_end(ref.year, q))


def _month(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    if m.group(2):
        year = _year(m.group(2))
        if year is None:
            return None
        due = _month_end(year, month)
    else:
        due = _next_end(ref, lambda y: _month_end(y, month))
    return _Cand(m.start(), m.end(), "period", due, start_of=due.replace(day=1))


def _this_month(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    return _Cand(m.start(), m.end(), "period", _month_end(ref.year, ref.month))


def _week(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    which, month = m.group(1), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if m.group(3):
        year = _year(m.group(3))
        if year is None:
            return None
    else:
        year = _next_end(ref, lambda y: _month_end(y, month)).year
    last = _monthcal.monthrange(year, month)[1]
    if which == "cuoi":
        day_ = last
    else:
        n = 1 if which == "dau" else _number(which.split()[-1])
        if not 1 <= n <= 5:
            return None
        day_ = min(7 * n, last)  # "tuần đầu tháng 3" = 1–7 March; "tuần thứ 2" = 8–14…
    return _Cand(m.start(), m.end(), "day", datetime.date(year, month, day_))


def _months_of_year(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    n = _number(m.group(1))
    side = m.group(2) or "dau"
    if side == "cuoi":
        if n not in (3, 6):
            return None
        month = 12
    else:
        if n not in (3, 6, 9):
            return None
        month = n
    if m.group(3):
        year = _year(m.group(3))
        if year is None:
            return None
        due = _month_end(year, month)
    else:
        due = _next_end(ref, lambda y: _month_end(y, month))
    return _Cand(m.start(), m.end(), "period", due)


def _year_cand(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    year = _year(m.group(1))
    if year is None:
        return None
    return _Cand(
        m.start(), m.end(), "year", datetime.date(year, 12, 31), needs_trigger=True, start_of=datetime.date(year, 1, 1)
    )


def _end_of_year(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    if m.group(1):
        year = _year(m.group(1))
        if year is None:
            return None
    else:
        year = ref.year
    return _Cand(m.start(), m.end(), "period", datetime.date(year, 12, 31))


def _within_year(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    year = ref.year + 1 if m.group(1) in ("toi", "sau") else ref.year
    return _Cand(m.start(), m.end(), "period", datetime.date(year, 12, 31))


def _tet(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    """The day before the holiday of Tết (walked back over the days off when the calendar is known)."""
    solar_new_year = m.group(1) is not None
    year = _year(m.group(2)) if m.group(2) else None
    if solar_new_year:
        first = datetime.date(year, 1, 1) if year else datetime.date(ref.year + 1, 1, 1)
    else:
        first = lunar_to_solar(1, 1, year) if year else lunar_to_solar(1, 1, ref.year)
        if year is None and first - _ONE_DAY <= ref:
            first = lunar_to_solar(1, 1, ref.year + 1)
    return _Cand(m.start(), m.end(), "day", first, qualifier="tet")


def _relative(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    n = _number(m.group(1))
    if n <= 0:
        return None
    unit = m.group(2)
    return _Cand(m.start(), m.end(), "relative", number=n, qualifier=unit, working_days=unit == "ngay lam viec")


def _recurrence(name: RecurrenceName) -> _Handler:
    def handler(m: re.Match[str], ref: datetime.date) -> _Cand | None:
        return _Cand(m.start(), m.end(), "recurrence", recurrence=name)

    return handler


def _periodic(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    n = _number(m.group(1) or m.group(2))
    names: dict[int, RecurrenceName] = {1: "monthly", 3: "quarterly", 6: "half_yearly", 12: "yearly"}
    name = names.get(n)
    return _Cand(m.start(), m.end(), "recurrence", recurrence=name) if name else None


def _dayof(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    n = int(m.group(1))
    return _Cand(m.start(), m.end(), "dayof", number=n, qualifier=m.group(2) or "") if 1 <= n <= 31 else None


_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4, "6": 4, "bay": 5, "7": 5}


def _weekday(m: re.Match[str], ref: datetime.date) -> _Cand | None:
    return _Cand(m.start(), m.end(), "weekday", number=_WEEKDAYS.get(m.group(1) or "", 6))


# "quy" folded is also the first syllable of "quy định", "quy chế", "quy hoạch"… ("theo quy định", "mọi quy định").
_NOT_QUY_WORD = (
    r"(?!\s+(?:dinh|che|hoach|trinh|mo|tac|chuan|uoc|luat|pham|dong|doi|dao|trach|hoi|tu|ra|nap|ket)(?![a-z]))"
)
_N = r"(\d{1,3}|" + _NUMBER_WORDS + r")(?:\s*\([a-z\s]*\))?"
_DIGIT = re.compile(r"\d")
_GATES: list[tuple[str, ...]] = [
    ("tuan",),  # weekly
    ("thang",),  # monthly
    ("quy",),  # quarterly
    ("nua",),  # half-yearly
    ("nam",),  # yearly
    ("thang",),  # periodic
    ("ngay", "tuan", "thang", "nam"),  # relative
    ("#", "/", ".", "-"),  # numeric date: a digit, and a separator
    ("#", "thang"),  # long date
    ("tuan",),  # week of a month
    ("quy",),  # quarter
    ("quy",),  # this quarter
    ("#", "thang"),  # month
    ("thang",),  # this month
    ("thang",),  # part of a year
    ("cuoi",),  # end of year
    ("trong",),  # within the year
    ("#", "nam"),  # year
    ("tet",),  # Tết
    ("#", "ngay"),  # day of a month
    ("thu", "chu nhat"),  # weekday
    ("quy",),  # several quarters
    ("ke tu", "tinh tu"),  # a period counted from a day, with no "trong"
]
# Each pattern with the words one of which must be in the text for it to match ("#": a digit), which spares
# running most patterns over most sentences.
_PATTERNS: list[tuple[re.Pattern[str], _Handler, tuple[str, ...]]] = [
    (re.compile(p), h, _GATES[i])
    for i, (p, h) in enumerate(
        (
            # Recurrences ("định kỳ 6 tháng", "6 tháng một lần", "hằng quý", "định kỳ hằng năm").
            # ("định kỳ" before "hằng …" is taken in by ``_candidates``.)
            (r"(?:hang|moi)\s+tuan|(?:mot|1)\s+tuan\s+(?:mot|1)\s+lan", _recurrence("weekly")),
            (r"(?:hang|moi)\s+thang|(?:mot|1)\s+thang\s+(?:mot|1)\s+lan", _recurrence("monthly")),
            (r"(?:hang|moi|theo)\s+quy(?![a-z])" + _NOT_QUY_WORD, _recurrence("quarterly")),
            (r"(?:hang|moi)\s+nua\s+nam|nua\s+nam\s+(?:mot|1)\s+lan", _recurrence("half_yearly")),
            (r"(?:hang|moi)\s+nam|(?:mot|1)\s+nam\s+(?:mot|1)\s+lan", _recurrence("yearly")),
            (
                r"dinh ky\s+(\d{1,2}|ba|sau|mot)\s+thang(?:\s+(?:mot|1)\s+lan)?"
                r"|(\d{1,2}|ba|sau)\s+thang\s+(?:mot|1)\s+lan",
                _periodic,
            ),
            # Periods counted from the document ("trong 10 ngày làm việc", "trong thời hạn 30 ngày kể từ ngày ký").
            (
                r"(?:trong\s+vong|trong\s+thoi\s+han|trong\s+khoang|trong|thoi\s+han|cham\s+nhat(?:\s+la)?(?:\s+sau)?"
                r"|khong\s+qua)\s+" + _N + r"\s+(ngay\s+lam\s+viec|ngay|tuan|thang|nam)(?![a-z])"
                r"(?!\s+(?:dau|cuoi|mot lan|1 lan)(?![a-z]))(?!\s*[/.-]?\s*\d)",
                _relative,
            ),
            # Days: "15/3/2026", "30-6-2026", "20/6", "ngày 15 tháng 3 năm 2026".
            # ("ngày" before the day is taken in by ``_candidates``.)
            (_NUMERIC_DATE, _numeric),
            (_LONG_DATE, _long),
            # Weeks: "tuần đầu tháng 3", "tuần cuối tháng 6/2026", "tuần thứ 2 tháng 3".
            (
                r"tuan\s+(dau|cuoi|thu\s+(?:\d|hai|ba|tu))\s+(?:cua\s+)?thang\s+(\d{1,2})(?:\s*(?:[/-]|,?\s*nam)\s*"
                + _Y
                + r")?(?![\d/])",
                _week,
            ),
            # Quarters: "quý I/2026", "quý 2/2026", "quý IV năm 2026", "cuối quý I".
            (r"(?:cuoi\s+)?quy\s+(iv|iii|ii|i|[1-4])(?![a-z0-9])(?:\s*(?:[/-]|,?\s*nam)\s*" + _Y + r")?", _quarter),
            (r"(?:cuoi|trong)\s+quy(?:\s+nay)?(?!\s*[a-z0-9])", _this_quarter),
            # Months: "tháng 02/2026", "cuối tháng 3", "tháng 12 năm 2026".
            (r"(?:cuoi\s+)?thang\s+(\d{1,2})(?:\s*(?:[/.-]|,?\s*nam)\s*" + _Y + r")?(?![\d/])", _month),
            (r"(?:cuoi|trong)\s+thang(?:\s+nay)?(?!\s*[a-z0-9])", _this_month),
            # Parts of a year: "6 tháng đầu năm", "9 tháng", "6 tháng cuối năm 2026".
            (
                r"(?<![\d.,])(\d{1,2}|ba|sau|chin)\s+thang(?![a-z])(?:\s+(dau|cuoi)\s+nam)?(?:\s*(?:nam\s+)?"
                + _Y
                + r")?"
                r"(?!\s+(?:mot|1)\s+lan)",
                _months_of_year,
            ),
            # Years: "cuối năm", "cuối năm 2026", "trong năm", "trong năm 2026", "đến năm 2030".
            (r"cuoi\s+nam(?:\s+(?:nay|" + _Y + r"))?(?![a-z0-9])", _end_of_year),
            (
                r"trong\s+nam(?:\s+(nay|toi|sau))?(?!\s*\d)(?!\s+(?:ngay|thang|nam|tuan|hoc)(?![a-z]))(?![a-z])",
                _within_year,
            ),
            (r"nam\s+(\d{4})(?!\d)", _year_cand),
            # Tết: "trước Tết Nguyên đán", "trước Tết Nguyên đán năm 2027", "trước Tết Dương lịch".
            (
                r"tet(?:\s+(?:nguyen dan|am lich|co truyen)|\s+(duong lich))?(?:\s+(?:binh ngo|dinh mui|mau than|ky dau"
                r"|canh tuat|tan hoi|nham ty))?(?:\s+(?:nam\s+)?(\d{4})(?!\d))?(?![a-z])",
                _tet,
            ),
            # For a recurrence's first deadline: "trước ngày 20 hằng tháng", "ngày 15 tháng cuối quý", "thứ Sáu".
            (
                r"ngay\s+(\d{1,2})(?!\s*[/.-]\s*\d)(?!\s+thang\s+\d)(?!\s+(?:ngay|lam viec)(?![a-z]))"
                r"(?:\s+(?:cua\s+)?(thang\s+cuoi\s+quy|thang\s+dau\s+(?:cua\s+)?quy(?:\s+sau|\s+tiep\s+theo)?|thang))?",
                _dayof,
            ),
            (r"(?<![a-z])(?:thu\s+(hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)(?![a-z])", _weekday),
            # Several quarters, one year: "quý I và quý II năm 2026", "quý III, IV/2026" (the last one's end).
            (
                r"(?:cuoi\s+)?quy\s+(?:iv|iii|ii|i|[1-4])(?:\s*(?:,|va|den|-)\s*(?:quy\s+)?(?:iv|iii|ii|i|[1-4]))*"
                r"\s*(?:,|va|den|-)\s*(?:quy\s+)?(iv|iii|ii|i|[1-4])(?![a-z0-9])(?:\s*(?:[/-]|,?\s*nam)\s*" + _Y + r")",
                _quarter,
            ),
            # A period with no "trong" but counted "kể từ …": "10 ngày làm việc kể từ ngày ký".
            (
                r"(?<![\d.,])(\d{1,3})(?:\s*\([a-z\s]*\))?\s+(ngay\s+lam\s+viec|ngay|tuan|thang|nam)"
                r"(?=\s*,?\s*(?:ke|tinh)\s+tu\s)",
                _relative,
            ),
        )
    )
]
_NGAY_BEFORE = re.compile(r"ngay\s+$")
_PERIODIC_BEFORE = re.compile(r"dinh ky\s+$")

_ONGOING = re.compile(r"(?<![a-z])(?:thuong xuyen|hang ngay|moi ngay|lien tuc|lau dai)(?![a-z])")
# Urgent but no day: kept as the text of an unclear time. "ngay" (at once) is looked for with its diacritics.
_URGENT = re.compile(r"(?<![a-z])(?:khan truong|kip thoi|som nhat|cang som cang tot|khan cap|gap)(?![a-z])")
_YEAR_ONLY = re.compile(r"(?:trong\s+)?nam(?:\s+(?:nay|\d{4}))?")
_AT_ONCE = re.compile(r"(?<![\w])[Nn]gay(?:\s+lập\s+tức|\s+sau\s+khi)?(?![\w])")


# -- reading ----------------------------------------------------------------------------------------------------


def _mask(folded: str) -> str:
    if not _DIGIT.search(folded):
        return folded.replace("dai hoi", "       ") if "dai hoi" in folded else folded
    for pattern in _MASKS:
        folded = pattern.sub(lambda m: " " * len(m.group(0)), folded)
    return folded


def _candidates(folded: str, ref: datetime.date) -> list[_Cand]:
    found: list[_Cand] = []
    digit = _DIGIT.search(folded) is not None
    for pattern, handler, gate in _PATTERNS:
        if not any(word in folded for word in gate) or ("#" in gate and not digit):
            continue
        for m in pattern.finditer(folded):
            cand = handler(m, ref)
            if cand is None:
                continue
            before = folded[max(0, cand.start - 12) : cand.start]
            extra = (_NGAY_BEFORE if cand.kind == "day" else _PERIODIC_BEFORE).search(before)
            if extra and cand.kind in ("day", "recurrence"):
                cand.start -= len(before) - extra.start()
                cand.needs_trigger = False
            found.append(cand)
    found.sort(key=lambda c: (c.start, c.start - c.end))
    kept: list[_Cand] = []
    for cand in found:
        if kept and cand.start < kept[-1].end:
            continue
        kept.append(cand)
    return kept


def _span(text: str, origin: Sequence[int], start: int, end: int) -> str:
    """The words of ``text`` behind the folded span ``start``:``end``."""
    first = origin[start]
    last = origin[end - 1] + 1
    while last < len(text) and not _fold_char(text[last]):  # combining marks of the last letter
        last += 1
    return text[first:last].strip(" ,;:(")


class _Reader:
    def __init__(self, text: str, ref: datetime.date, calendar: WorkCalendar | None) -> None:
        self.text = text
        self.ref = ref
        self._calendar = calendar
        folded, self.origin = _fold(text)
        self.folded = _mask(folded)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = current_calendar()
        return self._calendar

    def words(self, start: int, end: int) -> str:
        return _span(self.text, self.origin, start, end)

    def trigger(self, cand: _Cand) -> int | None:
        """Where the trigger word before ``cand`` starts ("trước", "chậm nhất", "đến"…), if there is one."""
        m = _TRIGGER_BEFORE.search(self.folded, max(0, cand.start - 40), cand.start)
        if m is None:
            return None
        # A verb ("hoàn thành cuối năm") marks a deadline but is not part of the expression.
        return cand.start if m.group(1) in _VERB_TRIGGERS else m.start(1)

    def _start(self, cand: _Cand) -> int:
        trigger = self.trigger(cand)
        return cand.start if trigger is None else trigger

    def spec(self, kind: TimeKind, day: datetime.date, start: int, end: int, **extra: object) -> TimeSpec:
        """A ``TimeSpec`` due ``day``, or the next working day when ``day`` is a day off (then ``stated``)."""
        try:
            due = self.calendar.deadline_on_or_after(day)
        except ValueError:  # beyond the calendar's years: take the day as written
            due = day
        stated = day if due != day else None
        return TimeSpec(kind=kind, due=due, text=self.words(start, end), stated=stated, **extra)  # type: ignore[arg-type]

    def tet_eve(self, first: datetime.date) -> datetime.date:
        """The last working day before the holiday that contains ``first`` (1 January, or mùng 1 Tết)."""
        day = first - _ONE_DAY
        try:
            while not self.calendar.is_working_day(day):
                day -= _ONE_DAY
        except ValueError:
            pass
        return day

    def deadline(self, cand: _Cand, trigger: int | None) -> TimeSpec:
        start = trigger if trigger is not None else cand.start
        if cand.due is None:  # pragma: no cover - every deadline candidate carries its day
            return UNCLEAR
        if cand.qualifier == "tet":
            eve = self.tet_eve(cand.due)
            return TimeSpec(kind="date", due=eve, text=self.words(start, cand.end))
        day = cand.due
        if cand.start_of is not None and trigger is not None and _BEFORE_WORD.match(self.folded, trigger):
            day = cand.start_of - _ONE_DAY  # "trước tháng 3/2026": by the end of February
        return self.spec("date", day, start, cand.end)

    def read(self) -> TimeSpec:
        ref = self.ref
        cands = _candidates(self.folded, ref)
        recurrences = [c for c in cands if c.kind == "recurrence"]
        deadlines: list[tuple[_Cand, int | None]] = []
        for cand in cands:
            if cand.kind not in ("day", "period", "year"):
                continue
            if _START_BEFORE.search(self.folded, max(0, cand.start - 30), cand.start):
                continue  # "từ ngày 1/3", "kể từ ngày …": where something starts
            trigger = self.trigger(cand)
            if trigger is None and (cand.needs_trigger or (cand.kind == "day" and cand.due and cand.due <= ref)):
                continue  # "năm 2026" alone; the document's own date; a past event
            if (
                trigger is None
                and cand.kind == "period"
                and _NAMED_BEFORE.search(self.folded, max(0, cand.start - 40), cand.start)
            ):
                continue  # "chương trình công tác quý I": which programme, not a deadline
            if cand.kind == "day" and cand.qualifier == "tet" and trigger is None:
                continue  # "Tết" alone (a celebration, not a deadline)
            deadlines.append((cand, trigger))
        deadlines.sort(key=lambda ct: ct[1] is None)  # those with a trigger first, each group in reading order

        if recurrences:
            return self.recurring(recurrences[0], cands, deadlines)
        if deadlines:
            cand, trigger = deadlines[0]
            at_once = _AT_ONCE.search(self.text)
            if at_once and cand.kind in ("period", "year") and _YEAR_ONLY.fullmatch(self.folded, cand.start, cand.end):
                # "Các nhiệm vụ … triển khai trong năm 2026 phải được phân công ngay": the year is the work's, "ngay"
                # its time (at once: no date).
                return TimeSpec(kind="unclear", text=at_once.group(0))
            return self.deadline(cand, trigger)
        relative = next((c for c in cands if c.kind == "relative"), None)
        if relative is not None:
            return self.relative(relative)
        ongoing = _ONGOING.search(self.folded)
        if ongoing:
            return TimeSpec(kind="ongoing", text=self.words(ongoing.start(), ongoing.end()))
        urgent = _URGENT.search(self.folded)
        if urgent:
            return TimeSpec(kind="unclear", text=self.words(urgent.start(), urgent.end()))
        at_once = _AT_ONCE.search(self.text)
        if at_once and not re.match(r"\s*\d", self.text[at_once.end() :]):
            return TimeSpec(kind="unclear", text=at_once.group(0))
        return UNCLEAR

    def relative(self, cand: _Cand) -> TimeSpec:
        ref = self.ref
        base, end = ref, cand.end
        # "… kể từ ngày ký/ban hành/nhận được" (the document's date) or "kể từ ngày 1/3/2026" (that day).
        tail = _FROM.match(self.folded, cand.end)
        if tail:
            end = tail.end()
            if tail.group("date"):
                inner = _candidates(self.folded[: tail.end()], ref)
                day = next((c.due for c in inner if c.kind == "day" and c.start >= tail.start()), None)
                base = day or ref
        n, unit = cand.number, cand.qualifier
        if cand.working_days:
            try:
                due = self.calendar.add_working_days(base, n)
            except ValueError:
                return UNCLEAR
            return TimeSpec(kind="relative", due=due, text=self.words(cand.start, end))
        if unit == "ngay":
            day = base + n * _ONE_DAY
        elif unit == "tuan":
            day = base + 7 * n * _ONE_DAY
        elif unit == "thang":
            day = _add_months(base, n)
        else:
            day = _add_months(base, 12 * n)
        if day.year > MAX_YEAR:
            return UNCLEAR
        return self.spec("relative", day, cand.start, end)

    def recurring(self, rec: _Cand, cands: list[_Cand], deadlines: list[tuple[_Cand, int | None]]) -> TimeSpec:
        name = rec.recurrence
        first: tuple[datetime.date, int, int] | None = None  # day, span start, span end
        dayof = next((c for c in cands if c.kind == "dayof"), None)
        weekday = next((c for c in cands if c.kind == "weekday"), None)
        ref = self.ref
        if dayof is not None and name in ("monthly", "quarterly"):
            day = self.first_dayof(dayof, name)
            if day is not None:
                first = (day, self._start(dayof), dayof.end)
        elif weekday is not None and name == "weekly":
            ahead = (weekday.number - ref.weekday() - 1) % 7 + 1
            first = (ref + ahead * _ONE_DAY, self._start(weekday), weekday.end)
        elif deadlines and name in ("yearly", "half_yearly", "quarterly", "monthly"):
            cand, trigger = deadlines[0]
            if cand.kind == "day" and cand.due is not None and cand.qualifier != "tet":
                first = (cand.due, trigger if trigger is not None else cand.start, cand.end)
        if first is None:
            return TimeSpec(kind="recurring", recurrence=name, text=self.words(rec.start, rec.end))
        day, start, end = first
        # One expression when the two touch ("trước ngày 20 hằng tháng", "hằng quý (trước ngày 15 …)").
        lo, hi = min(start, rec.start), max(end, rec.end)
        gap = self.folded[min(end, rec.end) : max(start, rec.start)]
        if gap.strip(" ,;:()") or (start < rec.end and rec.start < end):
            lo, hi = rec.start, rec.end
        rest = self.folded[hi:]
        if rest.lstrip(" ").startswith(")") and "(" in self.folded[lo:hi]:
            hi += len(rest) - len(rest.lstrip(" ")) + 1
        return self.spec("recurring", day, lo, hi, recurrence=name)

    def first_dayof(self, cand: _Cand, name: str) -> datetime.date | None:
        ref, n = self.ref, cand.number
        months: list[tuple[int, int]] = []
        for k in range(0, 16):
            y, mo = divmod(ref.year * 12 + ref.month - 1 + k, 12)
            months.append((y, mo + 1))
        for y, mo in months:
            if name == "quarterly":
                if "cuoi" in cand.qualifier and mo % 3 != 0:
                    continue
                if "dau" in cand.qualifier and mo % 3 != 1:
                    continue
                if not cand.qualifier.strip() or cand.qualifier == "thang":
                    return None
            day = datetime.date(y, mo, min(n, _monthcal.monthrange(y, mo)[1]))
            if day > ref:
                return day
        return None


_FROM = re.compile(
    r"\s*,?\s*(?:ke\s+tu|tinh\s+tu)\s+(?:ngay\s+)?(?:(?P<date>" + _NUMERIC_DATE + r"|" + _LONG_DATE + r")"
    r"|(?:van\s+ban\s+|ke\s+hoach\s+|quyet\s+dinh\s+|ket\s+luan\s+|chi\s+thi\s+|thong\s+bao\s+)?"
    r"(?:duoc\s+)?(?:ky\s+ban\s+hanh|ky|ban\s+hanh|nhan\s+duoc|nhan)(?![a-z])"
    r"(?:\s+(?:van\s+ban|ke\s+hoach|quyet\s+dinh|ket\s+luan|chi\s+thi|thong\s+bao)(?:\s+nay)?)?)"
)


def parse_time(text: str, ref: datetime.date, *, calendar: WorkCalendar | None = None) -> TimeSpec:
    """The deadline ``text`` (a sentence or just its time expression) sets, read against ``ref`` (the
    document's date). ``calendar``: the working-day calendar to count with (default: ``current_calendar()``,
    read only when a deadline is found; pass one snapshot to read a whole document)."""
    if not text.strip():
        return UNCLEAR
    return _Reader(text, ref, calendar).read()
