"""The public holidays of the Labour Code, with their default layout and nghỉ bù — before any override.

Bộ luật Lao động 2019 (Luật số 45/2019/QH14), Điều 112 khoản 1 grants 11 paid days off a year:

- Tết Dương lịch: 1 January;
- Tết Âm lịch: 5 days;
- Ngày Chiến thắng: 30 April;
- Ngày Quốc tế Lao động: 1 May;
- Quốc khánh: 2 September and one adjacent day (before or after);
- Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month.

Điều 112 khoản 3 leaves the exact Tết days and the second Quốc khánh day to the Prime Minister every year.
Until that year's decision is recorded in the override table, this module uses a **default layout**:

- Tết: the last day of the old lunar year (29 or 30 tháng Chạp) and mùng 1 to mùng 4 — e.g. 2026: 16–20 Feb;
- Quốc khánh: 1 and 2 September.

Điều 111 khoản 3: when a holiday falls on the weekly rest day, the worker rests instead on the next working
day (**nghỉ bù**).  Public bodies rest on Saturday and Sunday, so every holiday day (Tết days included) that
falls on a weekend gives one compensatory day: the first following weekday that is neither a holiday nor
already a compensatory day.  Example: Giỗ Tổ 2026 is Sunday 26 April, so Monday 27 April is off.

These rules are those in force since 1 January 2021 and are applied to every year; the decisions actually
taken (swaps of working days, a different Tết layout, a holiday added by an amendment of the
Code) live in the override table,
which always wins over this module.
"""

from __future__ import annotations

import datetime
import functools

from .lunar import lunar_to_solar
from .types import Holiday, HolidayKind

__all__ = ["CITATION_COMPENSATORY", "CITATION_STATUTORY", "statutory_holidays"]

CITATION_STATUTORY = "Bộ luật Lao động 2019, Điều 112 khoản 1"
CITATION_COMPENSATORY = "Bộ luật Lao động 2019, Điều 111 khoản 3"

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
VICTORY_DAY = "Ngày Chiến thắng"
LABOUR_DAY = "Ngày Quốc tế Lao động"
NATIONAL_DAY = "Quốc khánh"
COMPENSATORY_PREFIX = "Nghỉ bù"

_ONE_DAY = datetime.timedelta(days=1)


def _is_weekend(d: datetime.date) -> bool:
    return d.weekday() >= 5


def _holiday_days(year: int) -> dict[datetime.date, str]:
    """The statutory holiday days of a solar year in the default layout, date → name."""
    tet = lunar_to_solar(1, 1, year)
    days: list[tuple[datetime.date, str]] = [
        (datetime.date(year, 1, 1), NEW_YEAR),
        *((tet + offset * _ONE_DAY, TET) for offset in range(-1, 4)),
        (lunar_to_solar(10, 3, year), HUNG_KINGS),
        (datetime.date(year, 4, 30), VICTORY_DAY),
        (datetime.date(year, 5, 1), LABOUR_DAY),
        (datetime.date(year, 9, 1), NATIONAL_DAY),
        (datetime.date(year, 9, 2), NATIONAL_DAY),
    ]
    merged: dict[datetime.date, str] = {}
    for day, name in days:
        # Giỗ Tổ can fall on 30 April (1803, 1947): one day, both names; the law gives no extra day for it.
        merged[day] = f"{merged[day]}; {name}" if day in merged and name not in merged[day] else name
    return merged


@functools.cache
def statutory_holidays(year: int) -> tuple[Holiday, ...]:
    """The statutory holidays and nghỉ bù days of a solar year, in date order (before any override)."""
    days = _holiday_days(year)
    taken = set(days)
    result = [Holiday(day, name, HolidayKind.STATUTORY, CITATION_STATUTORY) for day, name in sorted(days.items())]
    for day, name in sorted(days.items()):
        if not _is_weekend(day):
            continue
        substitute = day + _ONE_DAY
        while _is_weekend(substitute) or substitute in taken:
            substitute += _ONE_DAY
        taken.add(substitute)
        result.append(
            Holiday(substitute, f"{COMPENSATORY_PREFIX} {name}", HolidayKind.COMPENSATORY, CITATION_COMPENSATORY)
        )
    result.sort(key=lambda h: h.date)
    return tuple(result)
