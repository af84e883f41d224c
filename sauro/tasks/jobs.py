"""Background work of the tasks app, run by the django-tasks database worker (``sauro db_worker``).

The worker has no cron. The daily generation of recurring-task instances keeps itself going instead: every run of
``generate_recurring_instances`` first makes sure the next day's run is queued (``ensure_daily_jobs``), to start
shortly after midnight in Asia/Ho_Chi_Minh. ``sauro tasks schedule`` (to be run at start-up, e.g. by
``sauro serve``) starts the chain — or restarts it after the worker was down — by queueing today's run and
tomorrow's.

Each day's run is queued at most once: a run is keyed by its day (the ``day`` keyword argument stored with the
queued job), and ``ensure_daily_jobs`` queues a day only when no queued, running or successful job for it exists,
under a lock (PostgreSQL advisory lock; SQLite takes the database write lock when the transaction begins). A failed
run does not block a later ``ensure_daily_jobs`` from queueing that day again. Even a duplicate run would be
harmless: the generation itself never creates an instance twice (``tasks.recurrence``).
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from sauro.common import clock
from sauro.tasks.recurrence import run_generation

logger = logging.getLogger(__name__)

# When the next day's run may start, local time: after midnight, when the new period has begun.
DAILY_RUN_AT = datetime.time(0, 30)
# Any constant identifying this lock among the advisory locks of the database ("SAUROGEN").
_ADVISORY_LOCK_KEY = 0x5341_5552_4F47_454E & 0x7FFF_FFFF_FFFF_FFFF


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


def _run_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, DAILY_RUN_AT))


def daily_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully generation jobs for ``day`` (failed ones do not count)."""
    return list(
        DBTaskResult.objects.filter(
            task_path=generate_recurring_instances.module_path, args_kwargs__kwargs__day=day.isoformat()
        ).exclude(status=TaskResultStatus.FAILED)
    )


def ensure_daily_jobs(*, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
    """Queue the generation job for ``day`` (default today; to run at once) and for the next day (to run at 00:30
    local time), each unless already queued. Returns the days queued by this call.

    A run calls it with ``include_today=False``: it is today's run, even when it was queued for an earlier day.
    """
    today = day or clock.today()
    tomorrow = today + datetime.timedelta(days=1)
    queued: list[datetime.date] = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        if include_today and not daily_jobs(today):
            generate_recurring_instances.enqueue(day=today.isoformat())
            queued.append(today)
        if not daily_jobs(tomorrow):
            generate_recurring_instances.using(run_after=_run_at(tomorrow)).enqueue(day=tomorrow.isoformat())
            queued.append(tomorrow)
    return queued
