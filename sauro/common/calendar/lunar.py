"""The Vietnamese lunar calendar (âm lịch), after Hồ Ngọc Đức's astronomical algorithm.

A lunar month starts on the day (local civil date) of a new moon; month 11 is the one containing the winter
solstice; a lunar year with 13 months repeats (as the leap month, "tháng nhuận") the first month after
month 11 that contains no major solar term (trung khí).  Both the new moons and the sun's longitude are
computed astronomically (Jean Meeus' series, as simplified by Hồ Ngọc Đức) and cut into days in **UTC+7**,
the time zone of Vietnam.

This is why the module exists instead of reusing a Chinese calendar: the Chinese calendar cuts days in
UTC+8, so whenever a new moon falls between 16:00 and 17:00 UTC the two calendars start a month on different
days — and sometimes a different month becomes the leap month.  Tết 1985 (Vietnam 21 Jan, China 20 Feb),
Tết 2007 (17 Feb vs 18 Feb) and Tết 2030 (2 Feb vs 3 Feb) are the well-known cases.

The algorithm is accurate for the years 1800–2199 (``MIN_YEAR``..``MAX_YEAR``); other years are refused
rather than answered approximately.  Vietnam itself used UTC+8 for its calendar until 1967, so the dates
given here for earlier years are those of today's rule, not necessarily those printed at the time.

Reference: Hồ Ngọc Đức, "Thuật toán tính âm lịch" (Computing the Vietnamese lunar calendar), 2004.
"""

from __future__ import annotations

import dataclasses
import datetime
import math

__all__ = ["MAX_YEAR", "MIN_YEAR", "LunarDate", "lunar_to_solar", "solar_to_lunar"]

MIN_YEAR = 1800
MAX_YEAR = 2199

TIME_ZONE = 7.0  # hours east of UTC: Vietnam (Asia/Ho_Chi_Minh)

_SYNODIC_MONTH = 29.530588853
_JD_1900_NEW_MOON = 2415021.076998695  # Julian day of the new moon of 1 Jan 1900 (k = 0)
_JD_ORDINAL_OFFSET = 1721425  # Julian day number = date.toordinal() + this

_RAD = math.pi / 180.0


@dataclasses.dataclass(frozen=True, order=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; ``leap`` marks a day of the leap month (tháng nhuận)."""

    year: int
    month: int
    leap: bool
    day: int

    def __str__(self) -> str:
        leap = " nhuận" if self.leap else ""
        return f"ngày {self.day} tháng {self.month}{leap} năm {self.year} (âm lịch)"


# -- astronomy ---------------------------------------------------------------------------------------------


def _jd_from_date(d: datetime.date) -> int:
    """Julian day number (proleptic Gregorian, as Python's ``date``)."""
    return d.toordinal() + _JD_ORDINAL_OFFSET


def _date_from_jd(jd: int) -> datetime.date:
    return datetime.date.fromordinal(jd - _JD_ORDINAL_OFFSET)


def _new_moon(k: int) -> float:
    """Julian date (UTC, fractional) of the k-th new moon after the one of 1 Jan 1900."""
    t = k / 1236.85  # Julian centuries from 1900-01-01 12:00
    t2 = t * t
    t3 = t2 * t
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _RAD)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # moon's mean anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # moon's argument of latitude
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * _RAD) + 0.0021 * math.sin(2 * _RAD * m)
    c1 = c1 - 0.4068 * math.sin(mpr * _RAD) + 0.0161 * math.sin(_RAD * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(_RAD * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(_RAD * 2 * f) - 0.0051 * math.sin(_RAD * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(_RAD * (m - mpr)) + 0.0004 * math.sin(_RAD * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(_RAD * (2 * f - m)) - 0.0006 * math.sin(_RAD * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(_RAD * (2 * f - mpr)) + 0.0005 * math.sin(_RAD * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _sun_longitude(jdn: float) -> float:
    """The sun's apparent longitude, in radians in [0, 2π), at Julian date ``jdn`` (UTC)."""
    t = (jdn - 2451545.0) / 36525  # Julian centuries from J2000.0
    t2 = t * t
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2  # mean anomaly, degrees
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2  # mean longitude, degrees
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(_RAD * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(_RAD * 2 * m) + 0.000290 * math.sin(_RAD * 3 * m)
    longitude = (l0 + dl) * _RAD
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


def _sun_sector(day_number: int) -> int:
    """Which of the 12 thirty-degree sectors (0..11) the sun is in at the local start of a day."""
    return math.floor(_sun_longitude(day_number - 0.5 - TIME_ZONE / 24) / math.pi * 6)


def _new_moon_day(k: int) -> int:
    """Julian day number of the local (UTC+7) civil day of the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + TIME_ZONE / 24)


def _month_11_start(year: int) -> int:
    """Julian day number on which lunar month 11 (the month of the winter solstice) of ``year`` starts."""
    off = _jd_from_date(datetime.date(year, 12, 31)) - 2415021
    k = math.floor(off / _SYNODIC_MONTH)
    new_moon = _new_moon_day(k)
    if _sun_sector(new_moon) >= 9:  # the sun is already past 270°: this new moon is after the solstice
        new_moon = _new_moon_day(k - 1)
    return new_moon


def _leap_month_offset(a11: int) -> int:
    """In a 13-month year starting (month 11) on ``a11``: the offset of the leap month from month 11."""
    k = math.floor((a11 - _JD_1900_NEW_MOON) / _SYNODIC_MONTH + 0.5)
    i = 1  # start with the month after month 11
    arc = _sun_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


# -- conversions -------------------------------------------------------------------------------------------


def _check_year(year: int, what: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{what} year {year} is outside the supported range {MIN_YEAR}..{MAX_YEAR}")


def solar_to_lunar(d: datetime.date) -> LunarDate:
    """The lunar date of a solar (Gregorian) date."""
    _check_year(d.year, "solar")
    return _solar_to_lunar(d)


def _solar_to_lunar(d: datetime.date) -> LunarDate:
    day_number = _jd_from_date(d)
    k = math.floor((day_number - _JD_1900_NEW_MOON) / _SYNODIC_MONTH)
    month_start = _new_moon_day(k + 1)
    # The true new moon wanders up to about a day around the mean one: step back until the month has begun
    # (Hồ Ngọc Đức's original steps back only once, which gives "day 0" on 13 Apr 1877).
    while month_start > day_number:
        k -= 1
        month_start = _new_moon_day(k + 1)
    a11 = _month_11_start(d.year)
    b11 = a11
    if a11 >= month_start:
        lunar_year = d.year
        a11 = _month_11_start(d.year - 1)
    else:
        lunar_year = d.year + 1
        b11 = _month_11_start(d.year + 1)
    lunar_day = day_number - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:  # 13 lunar months between the two months 11
        leap_diff = _leap_month_offset(a11)
        if diff >= leap_diff:
            lunar_month = diff + 10
            leap = diff == leap_diff
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(year=lunar_year, month=lunar_month, leap=leap, day=lunar_day)


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False) -> datetime.date:
    """The solar (Gregorian) date of a lunar date.

    Raises ``ValueError`` for a date that does not exist: a day 30 of a 29-day month, or ``leap=True`` for a
    month that is not the leap month of that year.
    """
    _check_year(year, "lunar")
    if not 1 <= month <= 12:
        raise ValueError(f"lunar month {month} must be between 1 and 12")
    if not 1 <= day <= 30:
        raise ValueError(f"lunar day {day} must be between 1 and 30")
    if month < 11:
        a11 = _month_11_start(year - 1)
        b11 = _month_11_start(year)
    else:
        a11 = _month_11_start(year)
        b11 = _month_11_start(year + 1)
    k = math.floor(0.5 + (a11 - _JD_1900_NEW_MOON) / _SYNODIC_MONTH)
    off = month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = leap_off - 2
        if leap_month <= 0:
            leap_month += 12
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month} (its leap month is {leap_month})")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    result = _date_from_jd(_new_moon_day(k + off) + day - 1)
    # Day 30 of a 29-day month would silently spill into the next month: refuse it.
    if day == 30 and _solar_to_lunar(result).day != 30:
        raise ValueError(f"lunar month {month}{' (leap)' if leap else ''} of {year} has only 29 days")
    return result
