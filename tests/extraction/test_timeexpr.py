"""The time parser: what a Party document's sentence sets as a deadline (issue 18, "rõ thời gian").

Most tests read against the statutory calendar (``WorkCalendar()``: no database); the ones marked
``django_db`` check that the override table the administrators keep is what the parser counts with.
"""

from __future__ import annotations

import datetime
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from sauro.common.calendar import WorkCalendar
from sauro.common.text import fold
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.types import UNCLEAR, TimeSpec

D = datetime.date
CAL = WorkCalendar()  # the statutory calendar, as the law lays it out
REF = D(2026, 1, 10)  # a document dated Saturday 10 January 2026


def read(text: str, ref: datetime.date = REF) -> TimeSpec:
    return parse_time(text, ref, calendar=CAL)


# -- deadlines: kind "date" ---------------------------------------------------------------------------------------

# (sentence, expression as written, due, stated)
DATES = [
    ("trước ngày 15/3/2026", "trước ngày 15/3/2026", D(2026, 3, 16), D(2026, 3, 15)),  # Sunday → Monday
    ("Hoàn thành trước ngày 13/3/2026.", "trước ngày 13/3/2026", D(2026, 3, 13), None),
    ("chậm nhất 20/6", "chậm nhất 20/6", D(2026, 6, 22), D(2026, 6, 20)),  # no year: the next 20/6
    ("xong trước 30-6", "trước 30-6", D(2026, 6, 30), None),
    ("ngày 2/3 tổ chức lễ kỷ niệm", "ngày 2/3", D(2026, 3, 2), None),
    ("xong trước 30-6-2026", "trước 30-6-2026", D(2026, 6, 30), None),
    ("báo cáo kết quả chậm nhất ngày 30.6.2026", "chậm nhất ngày 30.6.2026", D(2026, 6, 30), None),
    ("ngày 15 tháng 3 năm 2026", "ngày 15 tháng 3 năm 2026", D(2026, 3, 16), D(2026, 3, 15)),
    ("hoàn thành trước ngày 31 tháng 3 năm 2026", "trước ngày 31 tháng 3 năm 2026", D(2026, 3, 31), None),
    ("trước ngày 05/03/27", "trước ngày 05/03/27", D(2027, 3, 5), None),  # two-digit year
    ("truoc ngay 15/3/2026", "truoc ngay 15/3/2026", D(2026, 3, 16), D(2026, 3, 15)),  # without diacritics
    ("TRƯỚC NGÀY 13/3/2026", "TRƯỚC NGÀY 13/3/2026", D(2026, 3, 13), None),
    ("trong quý I/2026", "trong quý I/2026", D(2026, 3, 31), None),
    ("quý 2/2026", "quý 2/2026", D(2026, 6, 30), None),
    ("quý IV năm 2026", "quý IV năm 2026", D(2026, 12, 31), None),
    ("trong quy iv/2026", "trong quy iv/2026", D(2026, 12, 31), None),
    ("hoàn thành trong quý III", "trong quý III", D(2026, 9, 30), None),  # no year: the next such quarter
    ("trong quý I và quý II năm 2026", "trong quý I và quý II năm 2026", D(2026, 6, 30), None),
    ("quý III, IV/2026", "quý III, IV/2026", D(2026, 12, 31), None),
    ("6 tháng đầu năm", "6 tháng đầu năm", D(2026, 6, 30), None),
    ("sơ kết 6 tháng đầu năm 2026", "6 tháng đầu năm 2026", D(2026, 6, 30), None),
    ("báo cáo 9 tháng", "9 tháng", D(2026, 9, 30), None),
    ("tổng kết 6 tháng cuối năm", "6 tháng cuối năm", D(2026, 12, 31), None),
    ("cuối năm", "cuối năm", D(2026, 12, 31), None),
    ("hoàn thành cuối năm 2027", "cuối năm 2027", D(2027, 12, 31), None),
    ("trong năm 2026", "trong năm 2026", D(2026, 12, 31), None),
    ("triển khai trong năm", "trong năm", D(2026, 12, 31), None),
    ("trong tháng 02/2026", "trong tháng 02/2026", D(2026, 3, 2), D(2026, 2, 28)),  # last day: a Saturday
    ("trong tháng 3 năm 2026", "trong tháng 3 năm 2026", D(2026, 3, 31), None),
    ("hoàn thành trong tháng 4", "trong tháng 4", D(2026, 5, 4), D(2026, 4, 30)),  # 30/4, 1/5 are holidays
    ("cuối tháng 3/2026", "cuối tháng 3/2026", D(2026, 3, 31), None),
    # "tuần đầu tháng 3": the first seven days, so the 7th (a Saturday in 2026: the next working day).
    ("tuần đầu tháng 3", "tuần đầu tháng 3", D(2026, 3, 9), D(2026, 3, 7)),
    ("trong tuần đầu tháng 4/2026", "trong tuần đầu tháng 4/2026", D(2026, 4, 7), None),
    ("tuần cuối tháng 6/2026", "tuần cuối tháng 6/2026", D(2026, 6, 30), None),
    # Tết 2026 is 17 February; its holiday (default layout) 16–20 February: the last working day is Friday 13.
    ("trước Tết Nguyên đán", "trước Tết Nguyên đán", D(2026, 2, 13), None),
    ("hoàn thành trước Tết Nguyên đán năm 2027", "trước Tết Nguyên đán năm 2027", D(2027, 2, 4), None),
    ("trước Tết Dương lịch", "trước Tết Dương lịch", D(2026, 12, 31), None),
    ("Phấn đấu đến năm 2030 đạt 100% xã", "đến năm 2030", D(2030, 12, 31), None),
    ("đến hết năm 2026", "đến hết năm 2026", D(2026, 12, 31), None),
    # "trước" a whole period: by the end of the one before.
    ("trước tháng 3/2026", "trước tháng 3/2026", D(2026, 3, 2), D(2026, 2, 28)),
    ("trước năm 2027", "trước năm 2027", D(2026, 12, 31), None),
    ("từ ngày 1/3/2026 đến ngày 30/6/2026", "đến ngày 30/6/2026", D(2026, 6, 30), None),
    ("Tổ chức hội nghị vào ngày 20/3", "vào ngày 20/3", D(2026, 3, 20), None),
    ("chậm nhất ngày 2/9/2026", "chậm nhất ngày 2/9/2026", D(2026, 9, 3), D(2026, 9, 2)),  # Quốc khánh
    ("Hạn chót: 31/3/2026", "Hạn chót: 31/3/2026", D(2026, 3, 31), None),
    ("Thời gian thực hiện: Năm 2026", "Thời gian thực hiện: Năm 2026", D(2026, 12, 31), None),
    ("Báo cáo trước 17 giờ ngày 13/3/2026", "trước 17 giờ ngày 13/3/2026", D(2026, 3, 13), None),
    ("hoàn thành cuối tháng", "cuối tháng", D(2026, 2, 2), D(2026, 1, 31)),  # this month's last day
    # Whole sentences with document references around the deadline.
    (
        "Quán triệt Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; hoàn thành trước 30/6/2026.",
        "trước 30/6/2026",
        D(2026, 6, 30),
        None,
    ),
    (
        "Triển khai Kết luận số 15-KL/TU ngày 7/1/2026 của Ban Thường vụ Thành ủy, xong trong quý I/2026.",
        "trong quý I/2026",
        D(2026, 3, 31),
        None,
    ),
    (
        "Sở Nội vụ chủ trì, phối hợp Ban Tổ chức Thành ủy tham mưu Đề án nhiệm kỳ 2025–2030, trình trước "
        "ngày 15/4/2026.",
        "trước ngày 15/4/2026",
        D(2026, 4, 15),
        None,
    ),
    (
        "Theo Quyết định số 1234/QĐ-UBND ngày 12/3/2026, hoàn thành trước ngày 20/3/2026.",
        "trước ngày 20/3/2026",
        D(2026, 3, 20),
        None,
    ),
]


@pytest.mark.parametrize(("sentence", "written", "due", "stated"), DATES)
def test_deadlines(sentence: str, written: str, due: datetime.date, stated: datetime.date | None) -> None:
    spec = read(sentence)
    assert spec == TimeSpec(kind="date", due=due, text=written, stated=stated)
    assert spec.text in sentence


def test_decomposed_text_gives_the_expression_as_written() -> None:
    sentence = unicodedata.normalize("NFD", "Hoàn thành trước ngày 13/3/2026, báo cáo Thường trực.")
    spec = read(sentence)
    assert (spec.kind, spec.due) == ("date", D(2026, 3, 13))
    assert spec.text in sentence
    assert unicodedata.normalize("NFC", spec.text) == "trước ngày 13/3/2026"


def test_a_triggered_deadline_wins_over_a_bare_date_and_the_first_one_is_taken() -> None:
    assert read("Ngày 20/3/2026 tổ chức hội nghị; báo cáo trước ngày 30/3/2026").due == D(2026, 3, 30)
    assert read("hoàn thành trước 30/6/2026 và báo cáo trước 15/7/2026").due == D(2026, 6, 30)


# -- recurrences ---------------------------------------------------------------------------------------------------

RECURRING = [
    ("hằng tuần", "weekly"),
    ("Báo cáo hàng tuần", "weekly"),
    ("hằng tháng", "monthly"),
    ("hàng tháng", "monthly"),
    ("hang thang", "monthly"),
    ("hằng quý", "quarterly"),
    ("báo cáo theo quý", "quarterly"),
    ("định kỳ hằng quý", "quarterly"),
    ("định kỳ 3 tháng", "quarterly"),
    ("định kỳ 6 tháng", "half_yearly"),
    ("6 tháng một lần", "half_yearly"),
    ("báo cáo 6 tháng 1 lần", "half_yearly"),
    ("hằng năm", "yearly"),
    ("định kỳ hằng năm", "yearly"),
    ("dinh ky hang nam", "yearly"),
]


@pytest.mark.parametrize(("sentence", "recurrence"), RECURRING)
def test_recurrences(sentence: str, recurrence: str) -> None:
    spec = read(sentence)
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", recurrence, None)
    assert spec.text and spec.text in sentence


@pytest.mark.parametrize(
    ("sentence", "recurrence", "written", "due", "stated"),
    [
        (
            "Báo cáo định kỳ hằng quý (trước ngày 15 tháng cuối quý).",
            "quarterly",
            "định kỳ hằng quý (trước ngày 15 tháng cuối quý)",
            D(2026, 3, 16),
            D(2026, 3, 15),
        ),
        ("Báo cáo kết quả trước ngày 20 hằng tháng.", "monthly", "trước ngày 20 hằng tháng", D(2026, 1, 20), None),
        (
            "Trước ngày 25 hằng tháng, gửi báo cáo",
            "monthly",
            "Trước ngày 25 hằng tháng",
            D(2026, 1, 26),
            D(2026, 1, 25),
        ),
        (
            "báo cáo định kỳ 6 tháng (trước ngày 15/6) và năm (trước ngày 15/12)",
            "half_yearly",
            "định kỳ 6 tháng (trước ngày 15/6)",
            D(2026, 6, 15),
            None,
        ),
        ("báo cáo hằng năm trước ngày 15/12", "yearly", "hằng năm trước ngày 15/12", D(2026, 12, 15), None),
        ("thứ Sáu hằng tuần báo cáo", "weekly", "thứ Sáu hằng tuần", D(2026, 1, 16), None),
    ],
)
def test_a_recurrence_takes_its_first_deadline_from_the_sentence(
    sentence: str, recurrence: str, written: str, due: datetime.date, stated: datetime.date | None
) -> None:
    assert read(sentence) == TimeSpec(kind="recurring", due=due, recurrence=recurrence, text=written, stated=stated)  # type: ignore[arg-type]


def test_day_of_month_after_the_reference_day_is_next_month() -> None:
    assert read("trước ngày 5 hằng tháng", D(2026, 1, 10)).due == D(2026, 2, 5)


# -- ongoing, relative, unclear ------------------------------------------------------------------------------------


def test_ongoing() -> None:
    assert read("Thực hiện thường xuyên") == TimeSpec(kind="ongoing", text="thường xuyên")
    assert read("thuong xuyen").kind == "ongoing"


@pytest.mark.parametrize(
    ("sentence", "written", "due", "stated"),
    [
        # 10 working days after Saturday 10/1/2026 (statutory calendar): 12–16, 19–23 January.
        ("trong 10 ngày làm việc", "trong 10 ngày làm việc", D(2026, 1, 23), None),
        # 30 days after 10/1 is Monday 9/2.
        ("trong thời hạn 30 ngày kể từ ngày ký", "trong thời hạn 30 ngày kể từ ngày ký", D(2026, 2, 9), None),
        (
            "Trong thời hạn 30 ngày kể từ ngày ban hành",
            "Trong thời hạn 30 ngày kể từ ngày ban hành",
            D(2026, 2, 9),
            None,
        ),
        ("trong vòng 2 tháng", "trong vòng 2 tháng", D(2026, 3, 10), None),
        ("trong 15 (mười lăm) ngày", "trong 15 (mười lăm) ngày", D(2026, 1, 26), D(2026, 1, 25)),
        ("trong mười lăm ngày", "trong mười lăm ngày", D(2026, 1, 26), D(2026, 1, 25)),
        ("trong 2 tuần", "trong 2 tuần", D(2026, 1, 26), D(2026, 1, 24)),
        ("trong 30 ngày kể từ ngày 1/3/2026", "trong 30 ngày kể từ ngày 1/3/2026", D(2026, 3, 31), None),
        ("10 ngày làm việc kể từ ngày ký", "10 ngày làm việc kể từ ngày ký", D(2026, 1, 23), None),
    ],
)
def test_periods_counted_from_the_document(
    sentence: str, written: str, due: datetime.date, stated: datetime.date | None
) -> None:
    assert read(sentence) == TimeSpec(kind="relative", due=due, text=written, stated=stated)


def test_a_month_counted_from_the_31st_ends_on_the_last_day_of_a_short_month() -> None:
    assert read("trong vòng 1 tháng", D(2026, 1, 31)).stated == D(2026, 2, 28)


@pytest.mark.parametrize(
    ("sentence", "written"),
    [
        ("Triển khai ngay", "ngay"),
        ("Khẩn trương triển khai", "Khẩn trương"),
        ("kịp thời báo cáo", "kịp thời"),
        ("Tăng cường công tác kiểm tra, giám sát", ""),
        ("", ""),
    ],
)
def test_unclear(sentence: str, written: str) -> None:
    spec = read(sentence)
    assert spec == TimeSpec(kind="unclear", text=written)
    assert spec.due is None


# -- what is not a deadline ----------------------------------------------------------------------------------------

NOT_DEADLINES = [
    "Thực hiện Kết luận số 15-KL/TU ngày 7/1/2026 của Ban Thường vụ Thành ủy",
    "Quán triệt Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
    "Triển khai Nghị quyết 57-NQ/TW ngày 22 tháng 12 năm 2024",
    "Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị",
    "Theo Quyết định số 1234/QĐ-UBND ngày 12/3/2026 của UBND thành phố",
    "Thực hiện Kế hoạch ngày 5/3/2026 của Ban Thường vụ",
    "xây dựng Đảng bộ nhiệm kỳ 2025–2030",
    "chuẩn bị tốt Đại hội XIV của Đảng",
    "Đại hội Đảng bộ thành phố lần thứ XVII",
    "thực hiện Chương trình giai đoạn 2026-2030",
    "đạt 100% các xã, phường",
    "Huế, ngày 10 tháng 01 năm 2026",  # the document's own date
    "Ngày 5/1/2026, Ban Thường vụ đã họp",  # a day before the document
    "Xây dựng kế hoạch năm 2027",  # a year named without "trong", "đến", "trước"…
    "Kể từ ngày 1/3/2026, các đơn vị áp dụng mẫu mới",  # where something starts
    "vui Tết an toàn",
    "Thực hiện theo quy định của Đảng",  # "quy định", not "quý"
    "tuân thủ mọi quy chế",
    "trên 2/3 số đảng viên tham gia",  # a fraction
    "trong 3-5 năm tới",  # a range
    "mở rộng thêm 10.5 km đường",  # a decimal
]


@pytest.mark.parametrize("sentence", NOT_DEADLINES)
def test_dates_that_are_not_deadlines(sentence: str) -> None:
    assert read(sentence) == UNCLEAR


# -- the override table ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_override_table_moves_the_eve_of_tet() -> None:
    # 2025: the decided Tết holiday is 27 Jan – 2 Feb (the statutory default would start on 28 Jan).
    assert parse_time("trước Tết Nguyên đán", D(2024, 12, 1), calendar=CAL).due == D(2025, 1, 27)
    assert parse_time("trước Tết Nguyên đán", D(2024, 12, 1)).due == D(2025, 1, 24)


@pytest.mark.django_db
def test_the_default_calendar_counts_working_days_with_the_overrides() -> None:
    # Friday 2 January 2026 was given off (and Saturday 10 worked): 2 working days after 31/12/2025 is 6 January.
    assert parse_time("trong 2 ngày làm việc", D(2025, 12, 31)).due == D(2026, 1, 6)
    assert parse_time("trước ngày 2/1/2026", D(2025, 12, 1)) == TimeSpec(
        kind="date", due=D(2026, 1, 5), text="trước ngày 2/1/2026", stated=D(2026, 1, 2)
    )


@pytest.mark.django_db
def test_the_calendar_is_read_only_when_needed(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(0):  # one snapshot for a whole document
        for sentence, *_ in DATES:
            parse_time(sentence, REF, calendar=CAL)
    with django_assert_num_queries(0):  # nothing to count: the override table is not read
        assert parse_time("Tăng cường công tác kiểm tra, giám sát", REF) == UNCLEAR
        assert parse_time("hằng quý", REF).recurrence == "quarterly"


# -- properties ---------------------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
TRIGGERS = ["trước ", "chậm nhất ", "chậm nhất là ", "hoàn thành trước ", "đến hết ", "xong trước ", "trong "]


def _deadline(day: datetime.date) -> tuple[datetime.date, datetime.date | None]:
    due = CAL.deadline_on_or_after(day)
    return due, (day if due != day else None)


def _renderings(day: datetime.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    forms = [
        f"{d}/{m}/{y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}-{m}-{y}",
        f"{d}.{m}.{y}",
        f"ngày {d}/{m}/{y}",
        f"ngày {d} tháng {m} năm {y}",
        f"ngày {d:02d} tháng {m:02d} năm {y}",
    ]
    if 2000 <= y <= 2099:
        forms.append(f"{d}/{m}/{y % 100:02d}")
    return forms


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(D(1950, 1, 1), D(2150, 12, 31)),
    ref=st.dates(D(1950, 1, 1), D(2150, 12, 31)),
    trigger=st.sampled_from([*TRIGGERS, ""]),
    form=st.integers(0, 7),
    plain=st.booleans(),
)
def test_any_written_date_is_read(day: datetime.date, ref: datetime.date, trigger: str, form: int, plain: bool) -> None:
    forms = _renderings(day)
    sentence = f"Các cơ quan báo cáo kết quả {trigger}{forms[form % len(forms)]}."
    if plain:
        sentence = fold(sentence)
    spec = parse_time(sentence, ref, calendar=CAL)
    if not trigger and day <= ref:  # with no trigger word: the document's own date, or a past event
        assert spec == UNCLEAR
        return
    due, stated = _deadline(day)
    assert (spec.kind, spec.due, spec.stated) == ("date", due, stated)
    assert spec.text in sentence


@settings(max_examples=200, deadline=None)
@given(
    quarter=st.integers(1, 4),
    year=st.integers(1950, 2150),
    roman=st.booleans(),
    form=st.sampled_from(["quý {q}/{y}", "trong quý {q}/{y}", "quý {q} năm {y}", "Quý {q} - {y}", "quy {q}/{y}"]),
    ref=st.dates(D(1950, 1, 1), D(2150, 12, 31)),
)
def test_any_quarter_ends_on_its_last_day(quarter: int, year: int, roman: bool, form: str, ref: datetime.date) -> None:
    text = form.format(q=ROMAN[quarter] if roman else quarter, y=year)
    last = D(year, 12, 31) if quarter == 4 else D(year, quarter * 3 + 1, 1) - datetime.timedelta(days=1)
    spec = parse_time(text, ref, calendar=CAL)
    due, stated = _deadline(last)
    assert (spec.kind, spec.due, spec.stated, spec.text) == ("date", due, stated, text)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(D(2000, 1, 1), D(2000, 12, 31)).filter(lambda d: (d.month, d.day) != (2, 29)),
    ref=st.dates(D(1950, 1, 1), D(2150, 12, 31)),
    trigger=st.sampled_from(TRIGGERS),
    long=st.booleans(),
)
def test_a_day_without_year_is_the_next_one_after_the_document(
    day: datetime.date, ref: datetime.date, trigger: str, long: bool
) -> None:
    written = f"ngày {day.day} tháng {day.month}" if long else f"{day.day}/{day.month}"
    spec = parse_time(f"{trigger}{written}", ref, calendar=CAL)
    named = spec.stated or spec.due
    assert spec.kind == "date" and named is not None
    assert (named.day, named.month) == (day.day, day.month)
    assert ref < named <= ref + datetime.timedelta(days=366)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 120), ref=st.dates(D(1950, 1, 1), D(2150, 12, 31)))
def test_working_days_land_on_a_working_day(n: int, ref: datetime.date) -> None:
    spec = parse_time(f"Hoàn thành trong {n} ngày làm việc.", ref, calendar=CAL)
    assert spec.kind == "relative" and spec.due is not None
    assert CAL.is_working_day(spec.due)
    assert CAL.working_days_between(ref, spec.due) == n
    assert spec.text == f"trong {n} ngày làm việc"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_spec_whose_text_is_in_it(text: str) -> None:
    spec = parse_time(text, REF, calendar=CAL)
    assert spec.text in text
    if spec.kind in ("date", "relative"):
        assert spec.due is not None
    if spec.kind in ("unclear", "ongoing"):
        assert spec.due is None and spec.stated is None


# -- speed -----------------------------------------------------------------------------------------------------------


def test_a_300_sentence_document_is_read_fast() -> None:
    sentences = [s for s, *_ in DATES] + NOT_DEADLINES + [s for s, _ in RECURRING]
    document = (sentences * (300 // len(sentences) + 1))[:300]
    started = time.perf_counter()
    for sentence in document:
        parse_time(sentence, REF, calendar=CAL)
    # Under a second even on a loaded machine (it takes a few hundredths on an idle one).
    assert time.perf_counter() - started < 1.0
