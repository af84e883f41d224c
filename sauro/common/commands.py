"""Helpers shared by the ``sauro`` management commands."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError

ERR_BAD_DATE = "Ngày không hợp lệ: “{value}”. Hãy viết theo dạng YYYY-MM-DD, ví dụ 2026-03-02."


def parse_day(value: str) -> datetime.date:
    """A day given on the command line (``--as-of 2026-03-02``), or a Vietnamese ``CommandError``."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(ERR_BAD_DATE.format(value=value)) from e
