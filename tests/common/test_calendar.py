"""The working-day calendar's pure logic: lunar calendar, statutory holidays, working-day arithmetic."""

from __future__ import annotations

import datetime

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sauro.common.calendar import Holiday, HolidayKind, LunarDate, Override, WorkCalendar
from sauro.common.calendar.lunar import MAX_YEAR, MIN_YEAR, lunar_to_solar, solar_to_lunar
from sauro.common.calendar.statutory import statutory_holidays

D = datetime.date

# -- lunar calendar -------------------------------------------------------------------------------------------

VIETNAMESE_TET = [
    D(1985, 1, 21),  # China: 20 Feb 1985 — the calendars differ by a whole month
    D(2007, 2, 17),  # China: 18 Feb
    D(2024, 2, 10),
    D(2025, 1, 29),
    D(2026, 2, 17),
    D(2027, 2, 6),
    D(2030, 2, 2),  # China: 3 Feb
]


@pytest.mark.parametrize("tet", VIETNAMESE_TET)
def test_tet_dates(tet: datetime.date) -> None:
    assert lunar_to_solar(1, 1, tet.year) == tet
    assert solar_to_lunar(tet) == LunarDate(year=tet.year, month=1, leap=False, day=1)


@pytest.mark.parametrize("gio_to", [D(2025, 4, 7), D(2026, 4, 26), D(2024, 4, 18), D(2023, 4, 29)])
def test_hung_kings_day(gio_to: datetime.date) -> None:
    assert lunar_to_solar(10, 3, gio_to.year) == gio_to


def test_not_the_chinese_calendar() -> None:
    # The Chinese calendar (UTC+8) starts these years on other days.
    assert lunar_to_solar(1, 1, 1985) != D(1985, 2, 20)
    assert lunar_to_solar(1, 1, 2007) != D(2007, 2, 18)
    assert lunar_to_solar(1, 1, 2030) != D(2030, 2, 3)
    # China's New Year's Day 1985 was the first day of the second month in Vietnam.
    assert solar_to_lunar(D(1985, 2, 20)) == LunarDate(year=1985, month=2, leap=False, day=1)


def test_leap_month() -> None:
    # Ất Tỵ 2025 repeats the 6th month (tháng 6 nhuận).
    assert lunar_to_solar(1, 6, 2025) == D(2025, 6, 25)
    assert lunar_to_solar(1, 6, 2025, leap=True) == D(2025, 7, 25)
    assert lunar_to_solar(1, 7, 2025) == D(2025, 8, 23)
    assert solar_to_lunar(D(2025, 8, 1)) == LunarDate(year=2025, month=6, leap=True, day=8)
    # 2033: the leap 11th month that tells the astronomical rule apart from naive ones.
    assert solar_to_lunar(D(2033, 12, 22)).leap is True
    assert solar_to_lunar(D(2033, 12, 22)).month == 11


def test_last_month_of_the_year_belongs_to_the_old_lunar_year() -> None:
    assert solar_to_lunar(D(2026, 2, 16)) == LunarDate(year=2025, month=12, leap=False, day=29)
    assert solar_to_lunar(D(2025, 12, 31)) == LunarDate(year=2025, month=11, leap=False, day=12)


def test_invalid_lunar_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="no leap month 5"):
        lunar_to_solar(1, 5, 2025, leap=True)
    with pytest.raises(ValueError, match="no leap month"):
        lunar_to_solar(1, 1, 2026, leap=True)
    with pytest.raises(ValueError, match="only 29 days"):
        lunar_to_solar(30, 6, 2025, leap=True)
    with pytest.raises(ValueError):
        lunar_to_solar(0, 1, 2026)
    with pytest.raises(ValueError):
        lunar_to_solar(1, 13, 2026)
    with pytest.raises(ValueError, match="supported range"):
        lunar_to_solar(1, 1, MAX_YEAR + 1)
    with pytest.raises(ValueError, match="supported range"):
        solar_to_lunar(D(MIN_YEAR - 1, 6, 1))


def test_agrees_with_the_holidays_package_tables() -> None:
    # The ``holidays`` package keeps a Vietnamese (UTC+7) table for 1901–2099: a cross-check, not a source.
    for year in range(1995, 2100):
        table = holidays.VN(years=year, observed=False, language="en_US")
        assert table.get_named("Lunar New Year", lookup="exact") == [lunar_to_solar(1, 1, year)], year
        if year >= 2007:
            assert table.get_named("Hung Kings' Commemoration Day", lookup="exact") == [lunar_to_solar(10, 3, year)]


@settings(max_examples=300)
@given(st.dates(D(MIN_YEAR, 3, 1), D(MAX_YEAR, 12, 31)))
def test_lunar_round_trip(d: datetime.date) -> None:
    lunar = solar_to_lunar(d)
    assert 1 <= lunar.day <= 30
    assert 1 <= lunar.month <= 12
    assert lunar_to_solar(lunar.day, lunar.month, lunar.year, lunar.leap) == d


@settings(max_examples=100)
@given(st.dates(D(MIN_YEAR, 3, 1), D(MAX_YEAR, 12, 30)))
def test_lunar_days_follow_each_other(d: datetime.date) -> None:
    today, tomorrow = solar_to_lunar(d), solar_to_lunar(d + datetime.timedelta(days=1))
    if tomorrow.day == 1:
        assert today.day in (29, 30)
    else:
        assert (tomorrow.year, tomorrow.month, tomorrow.leap, tomorrow.day) == (
            today.year,
            today.month,
            today.leap,
            today.day + 1,
        )


# -- statutory holidays -----------------------------------------------------------------------------------------


def _off(year: int) -> list[tuple[datetime.date, str]]:
    return [(h.date, h.name) for h in statutory_holidays(year)]


def test_statutory_holidays_2026() -> None:
    assert _off(2026) == [
        (D(2026, 1, 1), "Tết Dương lịch"),
        (D(2026, 2, 16), "Tết Nguyên đán"),
        (D(2026, 2, 17), "Tết Nguyên đán"),
        (D(2026, 2, 18), "Tết Nguyên đán"),
        (D(2026, 2, 19), "Tết Nguyên đán"),
        (D(2026, 2, 20), "Tết Nguyên đán"),
        (D(2026, 4, 26), "Giỗ Tổ Hùng Vương"),  # a Sunday …
        (D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương"),  # … so Monday is off
        (D(2026, 4, 30), "Ngày Chiến thắng"),
        (D(2026, 5, 1), "Ngày Quốc tế Lao động"),
        (D(2026, 9, 1), "Quốc khánh"),
        (D(2026, 9, 2), "Quốc khánh"),
    ]
    kinds = {h.date: h.kind for h in statutory_holidays(2026)}
    assert kinds[D(2026, 4, 27)] == HolidayKind.COMPENSATORY
    assert kinds[D(2026, 4, 26)] == HolidayKind.STATUTORY


def test_tet_on_a_weekend_is_compensated_on_the_next_working_days() -> None:
    # Default layout of 2024 (mùng 1 on a Saturday): 9–13 Feb, and 10–11 Feb compensated on 14–15 Feb.
    off = _off(2024)
    assert (D(2024, 2, 14), "Nghỉ bù Tết Nguyên đán") in off
    assert (D(2024, 2, 15), "Nghỉ bù Tết Nguyên đán") in off
    tet_days = [D(2024, 2, 9) + datetime.timedelta(days=i) for i in range(5)]
    assert [d for d, name in off if name == "Tết Nguyên đán"] == tet_days


def test_compensations_skip_other_holidays() -> None:
    # 2023: Giỗ Tổ on Saturday 29 Apr, 30 Apr a Sunday, 1 May a Monday: compensations on 2 and 3 May.
    off = dict(_off(2023))
    assert off[D(2023, 5, 2)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert off[D(2023, 5, 3)] == "Nghỉ bù Ngày Chiến thắng"
    # 2029: 1 Jan is a Monday, Quốc khánh 1–2 Sep is a weekend: Monday 3 and Tuesday 4 Sep are off.
    off = dict(_off(2029))
    assert off[D(2029, 9, 3)] == "Nghỉ bù Quốc khánh"
    assert off[D(2029, 9, 4)] == "Nghỉ bù Quốc khánh"


def test_coinciding_holidays_share_a_day() -> None:
    # 1947: Giỗ Tổ fell on 30 April.
    assert dict(_off(1947))[D(1947, 4, 30)] == "Giỗ Tổ Hùng Vương; Ngày Chiến thắng"


def test_eleven_statutory_days_a_year() -> None:
    for year in range(1900, 2100):
        statutory = [h for h in statutory_holidays(year) if h.kind == HolidayKind.STATUTORY]
        assert len(statutory) == 11 or (year in (1803, 1947) and len(statutory) == 10), year


# -- working-day arithmetic -------------------------------------------------------------------------------------

SWAPS_2026 = {
    D(2026, 1, 2): Override(is_working_day=False, name="Nghỉ Tết Dương lịch (hoán đổi)", citing_document="BNV"),
    D(2026, 1, 10): Override(is_working_day=True, name="Làm bù", citing_document="BNV"),
}


def test_example_from_the_specification() -> None:
    calendar = WorkCalendar()
    assert calendar.add_working_days(D(2026, 2, 10), 10) == D(2026, 3, 3)
    assert calendar.working_days_between(D(2026, 2, 10), D(2026, 3, 3)) == 10
    assert calendar.add_working_days(D(2026, 3, 3), -10) == D(2026, 2, 10)


def test_weekends_and_holidays() -> None:
    calendar = WorkCalendar()
    assert calendar.is_working_day(D(2026, 2, 13))  # Friday before Tết
    assert not calendar.is_working_day(D(2026, 2, 14))  # Saturday
    assert not calendar.is_working_day(D(2026, 2, 16))  # last day of Ất Tỵ
    assert not calendar.is_working_day(D(2026, 2, 20))  # mùng 4
    assert calendar.is_working_day(D(2026, 2, 23))
    assert not calendar.is_working_day(D(2026, 4, 27))  # nghỉ bù Giỗ Tổ


def test_overrides_win() -> None:
    plain, swapped = WorkCalendar(), WorkCalendar(SWAPS_2026)
    assert plain.is_working_day(D(2026, 1, 2)) and not swapped.is_working_day(D(2026, 1, 2))
    assert not plain.is_working_day(D(2026, 1, 10)) and swapped.is_working_day(D(2026, 1, 10))
    assert swapped.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert swapped.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
    # An override can also cancel a statutory day off.
    cancelled = WorkCalendar({D(2026, 2, 16): Override(is_working_day=True, name="Làm việc")})
    assert cancelled.is_working_day(D(2026, 2, 16))
    assert D(2026, 2, 16) not in [h.date for h in cancelled.holidays_between(D(2026, 2, 1), D(2026, 2, 28))]


def test_holidays_between() -> None:
    calendar = WorkCalendar(SWAPS_2026)
    assert calendar.holidays_between(D(2026, 1, 1), D(2026, 1, 31)) == [
        Holiday(D(2026, 1, 1), "Tết Dương lịch", HolidayKind.STATUTORY, "Bộ luật Lao động 2019, Điều 112 khoản 1"),
        Holiday(D(2026, 1, 2), "Nghỉ Tết Dương lịch (hoán đổi)", HolidayKind.OVERRIDE, "BNV"),
    ]
    names = [h.name for h in calendar.holidays_between(D(2025, 12, 1), D(2027, 1, 31))]
    assert names.count("Tết Nguyên đán") == 5
    assert calendar.holidays_between(D(2026, 2, 1), D(2026, 1, 1)) == []
    unnamed = WorkCalendar({D(2026, 3, 4): Override(is_working_day=False)})
    assert unnamed.holidays_between(D(2026, 3, 4), D(2026, 3, 4))[0].name == "Ngày nghỉ"


def test_deadline_on_or_after() -> None:
    calendar = WorkCalendar()
    assert calendar.deadline_on_or_after(D(2026, 2, 14)) == D(2026, 2, 23)  # Tết
    assert calendar.deadline_on_or_after(D(2026, 3, 7)) == D(2026, 3, 9)  # a Saturday
    assert calendar.deadline_on_or_after(D(2026, 3, 9)) == D(2026, 3, 9)


def test_counting_conventions() -> None:
    calendar = WorkCalendar()
    saturday, monday = D(2026, 3, 7), D(2026, 3, 9)
    assert calendar.add_working_days(saturday, 0) == saturday
    assert calendar.working_days_between(saturday, saturday) == 0
    assert calendar.working_days_between(saturday, monday) == 1
    assert calendar.working_days_between(monday, saturday) == 0
    assert calendar.add_working_days(monday, -1) == D(2026, 3, 6)
    assert calendar.add_working_days(saturday, -1) == D(2026, 3, 6)
    assert calendar.add_working_days(saturday, 1) == monday


def test_out_of_range_dates_are_refused() -> None:
    calendar = WorkCalendar()
    with pytest.raises(ValueError, match="outside the range"):
        calendar.is_working_day(D(2300, 1, 2))
    with pytest.raises(ValueError, match="outside the range"):
        calendar.add_working_days(D(2199, 12, 1), 100)


# -- properties -------------------------------------------------------------------------------------------------

DATES = st.dates(D(2018, 1, 1), D(2034, 12, 31))
STEPS = st.integers(min_value=-400, max_value=400)
OVERRIDES = st.dictionaries(
    st.dates(D(2024, 1, 1), D(2028, 12, 31)),
    st.builds(Override, is_working_day=st.booleans(), name=st.just("Điều chỉnh")),
    max_size=25,
)
CALENDARS = st.one_of(st.just(WorkCalendar()), st.just(WorkCalendar(SWAPS_2026)), OVERRIDES.map(WorkCalendar))


def _naive_count(calendar: WorkCalendar, first: datetime.date, last: datetime.date) -> int:
    count, day = 0, first
    while day <= last:
        count += calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


@given(CALENDARS, DATES, STEPS)
def test_add_working_days_lands_on_a_working_day(calendar: WorkCalendar, d: datetime.date, n: int) -> None:
    result = calendar.add_working_days(d, n)
    if n != 0:
        assert calendar.is_working_day(result)
    assert (result > d) if n > 0 else (result < d) if n < 0 else (result == d)


@given(CALENDARS, DATES, STEPS, STEPS)
def test_add_working_days_is_monotonic(calendar: WorkCalendar, d: datetime.date, n: int, m: int) -> None:
    if n < m:
        assert calendar.add_working_days(d, n) < calendar.add_working_days(d, m)


@given(CALENDARS, DATES, STEPS)
def test_working_days_between_inverts_add(calendar: WorkCalendar, d: datetime.date, n: int) -> None:
    assert calendar.working_days_between(d, calendar.add_working_days(d, n)) == n


@given(CALENDARS, DATES, DATES)
def test_add_inverts_working_days_between_on_working_days(
    calendar: WorkCalendar, start: datetime.date, end: datetime.date
) -> None:
    if calendar.is_working_day(end) or end == start:
        assert calendar.add_working_days(start, calendar.working_days_between(start, end)) == end


@given(CALENDARS, DATES, DATES)
def test_working_days_between_counts_the_days(calendar: WorkCalendar, start: datetime.date, end: datetime.date) -> None:
    one = datetime.timedelta(days=1)
    expected = _naive_count(calendar, start + one, end) if end >= start else -_naive_count(calendar, end, start - one)
    assert calendar.working_days_between(start, end) == expected


@given(CALENDARS, st.lists(DATES, min_size=3, max_size=3))
def test_working_days_between_adds_up(calendar: WorkCalendar, days: list[datetime.date]) -> None:
    a, b, c = sorted(days)
    between = calendar.working_days_between
    assert between(a, b) + between(b, c) == between(a, c)


@given(CALENDARS, DATES)
def test_deadline_on_or_after_properties(calendar: WorkCalendar, d: datetime.date) -> None:
    deadline = calendar.deadline_on_or_after(d)
    assert deadline >= d
    assert calendar.is_working_day(deadline)
    assert calendar.deadline_on_or_after(deadline) == deadline
    assert (deadline == d) == calendar.is_working_day(d)
    # It is the first working day: nothing in between is one.
    assert calendar.working_days_between(d, deadline) == (1 if deadline > d else 0)


@settings(max_examples=50)
@given(CALENDARS, DATES, st.integers(min_value=0, max_value=120))
def test_holidays_between_lists_exactly_the_weekdays_off(
    calendar: WorkCalendar, start: datetime.date, days: int
) -> None:
    end = start + datetime.timedelta(days=days)
    listed = calendar.holidays_between(start, end)
    assert [h.date for h in listed] == sorted({h.date for h in listed})
    assert all(start <= h.date <= end and not calendar.is_working_day(h.date) for h in listed)
    listed_dates = {h.date for h in listed}
    day = start
    while day <= end:
        if day.weekday() < 5 and not calendar.is_working_day(day):
            assert day in listed_dates
        day += datetime.timedelta(days=1)
