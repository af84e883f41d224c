"""The demo's clock: each step of the demo is taken on the day (and at the time) it happened."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from sauro.common import clock

DAY_STARTS = datetime.time(7, 30)


@contextmanager
def clock_at(day: datetime.date, at: datetime.time = DAY_STARTS) -> Iterator[None]:
    """Inside the block it is ``day`` at ``at`` (local time): for ``clock.today()``, ``clock.now()`` and Django's
    ``timezone.now()`` (so ``created_at``/``updated_at`` and the audit journal's times agree with the timeline).

    The previous functions are put back when the block ends, however it ends. It patches the modules for the whole
    process: for loaders and tests, not for a process that serves requests at the same time.
    """
    original_today, original_now, original_django_now = clock.today, clock.now, timezone.now
    moment = timezone.make_aware(datetime.datetime.combine(day, at))
    utc_moment = moment.astimezone(datetime.UTC)
    # Assigning the modules' functions is the point here (as monkeypatch does in the tests).
    setattr(clock, "today", lambda: day)  # noqa: B010
    setattr(clock, "now", lambda: moment)  # noqa: B010
    setattr(timezone, "now", lambda: utc_moment)  # noqa: B010
    try:
        yield
    finally:
        setattr(clock, "today", original_today)  # noqa: B010
        setattr(clock, "now", original_now)  # noqa: B010
        setattr(timezone, "now", original_django_now)  # noqa: B010
