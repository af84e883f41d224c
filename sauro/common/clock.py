"""The one place business code asks for "today" and "now" (so tests and demos can run at any date).

Tests replace ``today`` and ``now`` (monkeypatch). A deployment can run the whole product at a chosen day with
the ``SAURO_TODAY`` setting (``YYYY-MM-DD``, e.g. a demo shown "as of" a quarter's end): the day is that one and
the time of day is the real one, so the order of events within the day is kept.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=4)
def _fixed_day(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def now() -> datetime.datetime:
    real = timezone.now()
    day = _fixed_day(getattr(settings, "SAURO_TODAY", "") or "")
    if day is None:
        return real
    local = timezone.localtime(real)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def real_now() -> datetime.datetime:
    """The machine's time, never shifted by ``SAURO_TODAY``: for operations on the installation itself (the
    journal's checkpoints and checks, backups, the worker's schedule), which happen when they really happen."""
    return timezone.now()


def today() -> datetime.date:
    """Today in the configured zone (Asia/Ho_Chi_Minh): days are cut in Vietnam, not in UTC."""
    return timezone.localdate(now())
