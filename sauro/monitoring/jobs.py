"""Background work of monitoring, run by the django-tasks database worker (``sauro db_worker``).

``run_daily_monitoring`` is a self-renewing daily chain (``common.daily``): every run first queues the next day's
run, at 06:30 local time so that reminders reach people at the start of the working day, then runs the reminder
pass for the day (``monitoring.reminders``; nothing on a day off) and sends the daily e-mail digests.
``sauro remind --schedule`` (run at start-up by ``sauro serve``) starts the chain or restarts it after the worker
was down. Each day's run is queued at most once, and a duplicate run would send nothing twice: every reminder is
logged under a unique key.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from sauro.common import clock
from sauro.common.daily import DailyChain

logger = logging.getLogger(__name__)

# When the next day's run may start, local time: before the working day begins.
DAILY_RUN_AT = datetime.time(6, 30)
# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROREM").
_ADVISORY_LOCK_KEY = 0x5341_5552_4F52_454D


@task()
def run_daily_monitoring(day: str | None = None) -> dict[str, Any]:
    """Queue tomorrow's run first (so the chain survives a failure), then today's reminders and digests.

    ``day`` is the day the run was queued for (its idempotency key); the pass is always for the day it actually
    runs, ``clock.today()``.
    """
    from sauro.monitoring.reminders import run_reminders
    from sauro.notifications.emails import send_daily_digests
    from sauro.reports.jobs import run_daily_reports

    today = clock.today()
    ensure_daily_monitoring(day=today, include_today=False)
    if day and day != today.isoformat():
        logger.info("Chạy bù lượt nhắc việc của ngày %s vào ngày %s.", day, today.isoformat())
    result = run_reminders(as_of=today)
    reports = run_daily_reports(today)  # report duties of the day and their reminders, before the digests
    digests = send_daily_digests(day=today)
    return {
        "day": today.isoformat(),
        "skipped_day_off": result.skipped_day_off,
        "sent": dict(result.sent),
        "already_sent": result.already_sent,
        "failed": result.failed,
        "digests": digests,
        "reports": reports,
    }


CHAIN = DailyChain(job=run_daily_monitoring, run_at=DAILY_RUN_AT, lock_key=_ADVISORY_LOCK_KEY)


def daily_monitoring_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully monitoring runs for ``day`` (failed ones do not count)."""
    return CHAIN.jobs(day)


def ensure_daily_monitoring(*, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
    """Queue the monitoring run for ``day`` (default today; at once) and for the next day (at 06:30 local time),
    each unless already queued. Returns the days queued by this call."""
    return CHAIN.ensure(day=day, include_today=include_today)
