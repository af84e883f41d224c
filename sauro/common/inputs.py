"""The bounds every date and every id a user sends must keep, on a page or the API (one home for both).

- **Dates**: the working-day calendar (``common.calendar``) knows the years 1800–2199 and raises ``ValueError``
  outside them; the reporting regime (``periods.regime``) starts in 1900. A date a user sends is accepted from
  ``FIRST_DAY`` to ``LAST_DAY``: inside both, with a year to spare at the end, since deadlines, response days and
  the periods around a day are counted *after* it.
- **Ids**: every table's key is a ``BigAutoField``, a positive 64-bit integer. A larger number, sent as an id,
  would overflow the database's integer (a 500 on PostgreSQL and SQLite alike) instead of being "not found".

The API's types (``common.api.ApiDate``, ``ApiId``) and the forms' fields (``common.fields``) both ask these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from sauro.common.calendar.lunar import MAX_YEAR

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(MAX_YEAR - 1, 12, 31)
MIN_DB_ID = 1
MAX_DB_ID = 2**63 - 1

ERR_DATE_RANGE = _("Ngày phải trong khoảng từ {first} đến {last}.")
ERR_ID_RANGE = _("Mã không hợp lệ: phải là một số nguyên từ {low} đến {high}.")


def date_range_message(first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY) -> str:
    return str(ERR_DATE_RANGE).format(first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")


def id_range_message() -> str:
    return str(ERR_ID_RANGE).format(low=MIN_DB_ID, high=MAX_DB_ID)


def date_in_range(day: datetime.date, first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY) -> bool:
    return first <= day <= last


def id_in_range(value: Any) -> bool:
    """Whether ``value`` (an int, or the text of one) is a key the database can hold; other values are left to
    the caller's own parsing (True), which refuses them with its own message."""
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        text = value.strip()
        digits = text.lstrip("+-")
        if not digits.isdigit():
            return True
        if len(digits.lstrip("0")) > len(str(MAX_DB_ID)):
            return False  # not even read: int() of a very long text is slow (and refused past 4,300 digits)
        value = int(text)
    if isinstance(value, int):
        return MIN_DB_ID <= value <= MAX_DB_ID
    return True
