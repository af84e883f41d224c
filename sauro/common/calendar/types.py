"""Value types of the working-day calendar."""

from __future__ import annotations

import dataclasses
import datetime
import enum


class HolidayKind(enum.StrEnum):
    """Why a day is off."""

    STATUTORY = "statutory"  # a public holiday of the Labour Code (Điều 112)
    COMPENSATORY = "compensatory"  # nghỉ bù: a holiday fell on a weekend (Điều 111 khoản 3)
    OVERRIDE = "override"  # a decision recorded in the override table (swaps, new holidays)


@dataclasses.dataclass(frozen=True, slots=True)
class Holiday:
    """A day off other than an ordinary Saturday or Sunday (or a statutory holiday falling on one)."""

    date: datetime.date
    name: str  # Vietnamese, shown to users: "Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương", …
    kind: HolidayKind
    citing_document: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Override:
    """One decision that a given date is (or is not) a working day, whatever the statutory rules say."""

    is_working_day: bool
    name: str = ""
    citing_document: str = ""
