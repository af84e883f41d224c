"""The one place business code asks for "today" (so tests and demos can run at any date)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    """Today in the configured zone (Asia/Ho_Chi_Minh): days are cut in Vietnam, not in UTC."""
    return timezone.localdate(now())
