"""Background work of the tasks app, run by the django-tasks database worker (``sauro db_worker``).

The daily generation of recurring-task instances is a self-renewing daily chain (``common.daily.DailyChain``):
every run of ``generate_recurring_instances`` first makes sure the next day's run is queued
(``ensure_daily_jobs``), to start shortly after midnight in Asia/Ho_Chi_Minh. ``sauro tasks schedule`` (run at
start-up by ``sauro serve``) starts the chain — or restarts it after the worker was down — by queueing today's run
and tomorrow's. Each day's run is queued at most once (see ``common.daily``); even a duplicate run would be
harmless: the generation itself never creates an instance twice (``tasks.recurrence``).
"""

from __future__ import annotations

import datetime
import logging

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from sauro.common import clock
from sauro.common.daily import DailyChain
from sauro.tasks.recurrence import run_generation

logger = logging.getLogger(__name__)

# When the next day's run may start, local time: after midnight, when the new period has begun.
DAILY_RUN_AT = datetime.time(0, 30)
# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROGEN").
_ADVISORY_LOCK_KEY = 0x5341_5552_4F47_454E


@task()
def generate_recurring_instances(day: str | None = None) -> dict[str, int]:
    """Create today's instances of recurring tasks; queue tomorrow's run first so the chain survives a failure.

    ``day`` is the day the run was queued for (its idempotency key); the generation is always for the day it
    actually runs, ``clock.today()``, so a run delayed by a stopped worker still creates the current period's
    instances.
    """
    today = clock.today()
    ensure_daily_jobs(day=today, include_today=False)
    result = run_generation(as_of=today)
    if day and day != today.isoformat():
        logger.info("Chạy bù lượt tạo nhiệm vụ định kỳ của ngày %s vào ngày %s.", day, today.isoformat())
    return {
        "created": len(result.created),
        "left_as_draft": len(result.left_as_draft),
        "already_there": result.already_there,
        "failed": len(result.failed),
    }


CHAIN = DailyChain(job=generate_recurring_instances, run_at=DAILY_RUN_AT, lock_key=_ADVISORY_LOCK_KEY)


def daily_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully generation jobs for ``day`` (failed ones do not count)."""
    return CHAIN.jobs(day)


def ensure_daily_jobs(*, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
    """Queue the generation job for ``day`` (default today; to run at once) and for the next day (to run at 00:30
    local time), each unless already queued. Returns the days queued by this call."""
    return CHAIN.ensure(day=day, include_today=include_today)
