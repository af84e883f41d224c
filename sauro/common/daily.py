"""A daily background job that keeps itself going on the django-tasks database worker (which has no cron).

Every run of a daily job first makes sure the next day's run is queued (``DailyChain.ensure(include_today=False)``),
to start at a set local time (Asia/Ho_Chi_Minh). A start-up command (``sauro tasks schedule``, ``sauro remind
--schedule``, both called by ``sauro serve``) starts the chain — or restarts it after the worker was down — by
queueing today's run and tomorrow's.

Each day's run is queued at most once: a run is keyed by its day (the ``day`` keyword argument stored with the
queued job), and ``ensure`` queues a day only when no queued, running or successful job for it exists, under a
lock (a PostgreSQL advisory lock of the chain; SQLite takes the database write lock when the transaction begins).
A failed run does not block a later ``ensure`` from queueing that day again. The jobs themselves must be
idempotent anyway: a duplicate run may never do the day's work twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from sauro.common import clock


@contextmanager
def _chain_lock(lock_key: int) -> Iterator[None]:
    """A transaction holding the chain's lock: a PostgreSQL advisory lock; SQLite locks the database itself."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key])
        yield


class DailyChain:
    """The self-renewing daily queueing of one job ``job(day="YYYY-MM-DD")``, run at ``run_at`` local time."""

    def __init__(self, *, job: Task[Any, Any], run_at: datetime.time, lock_key: int) -> None:
        self.job = job
        self.run_at = run_at
        # Any constant identifying this chain's lock among the advisory locks of the database.
        self.lock_key = lock_key & 0x7FFF_FFFF_FFFF_FFFF

    def run_moment(self, day: datetime.date) -> datetime.datetime:
        """When the run for ``day`` may start: ``run_at`` on that day, local time."""
        return timezone.make_aware(datetime.datetime.combine(day, self.run_at))

    def jobs(self, day: datetime.date) -> list[DBTaskResult]:
        """Queued, running or finished-successfully jobs for ``day`` (failed ones do not count)."""
        return list(
            DBTaskResult.objects.filter(
                task_path=self.job.module_path, args_kwargs__kwargs__day=day.isoformat()
            ).exclude(status=TaskResultStatus.FAILED)
        )

    def ensure(self, *, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
        """Queue the job for ``day`` (default today; to run at once) and for the next day (to run at ``run_at``),
        each unless already queued. Returns the days queued by this call.

        A run calls it with ``include_today=False``: it is today's run, even when it was queued for an earlier day.
        """
        today = day or clock.today()
        tomorrow = today + datetime.timedelta(days=1)
        queued: list[datetime.date] = []
        with _chain_lock(self.lock_key):
            if include_today and not self.jobs(today):
                self.job.enqueue(day=today.isoformat())
                queued.append(today)
            if not self.jobs(tomorrow):
                self.job.using(run_after=self.run_moment(tomorrow)).enqueue(day=tomorrow.isoformat())
                queued.append(tomorrow)
        return queued


class IntervalChain:
    """The same self-renewing queueing for a job ``job(slot="YYYY-MM-DDTHH:MMZ")`` run every ``minutes()`` minutes.

    Time is cut into slots of that length (UTC, from midnight); each slot's run is queued at most once, to start at
    the slot's beginning, and every run first queues the next slot's. ``minutes`` is read on each call, so a changed
    setting applies from the next slot.
    """

    def __init__(self, *, job: Task[Any, Any], minutes: Callable[[], int], lock_key: int) -> None:
        self.job = job
        self.minutes = minutes
        self.lock_key = lock_key & 0x7FFF_FFFF_FFFF_FFFF

    def slot_start(self, moment: datetime.datetime) -> datetime.datetime:
        """The beginning of the slot holding ``moment`` (UTC)."""
        moment = moment.astimezone(datetime.UTC)
        minutes = max(1, self.minutes())
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((moment - midnight).total_seconds() // 60)
        return midnight + datetime.timedelta(minutes=elapsed - elapsed % minutes)

    @staticmethod
    def slot_key(start: datetime.datetime) -> str:
        return start.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")

    def jobs(self, start: datetime.datetime) -> list[DBTaskResult]:
        """Queued, running or finished-successfully jobs for the slot beginning at ``start``."""
        return list(
            DBTaskResult.objects.filter(
                task_path=self.job.module_path, args_kwargs__kwargs__slot=self.slot_key(start)
            ).exclude(status=TaskResultStatus.FAILED)
        )

    def ensure(self, *, include_current: bool = True) -> list[datetime.datetime]:
        """Queue the job for the current slot (at once) and the next one (at its beginning), each unless already
        queued. Returns the starts of the slots queued by this call. A run calls it with ``include_current=False``."""
        current = self.slot_start(clock.real_now())  # real time, even when SAURO_TODAY shifts the day
        following = self.slot_start(current + datetime.timedelta(minutes=max(1, self.minutes())))
        queued: list[datetime.datetime] = []
        with _chain_lock(self.lock_key):
            if include_current and not self.jobs(current):
                self.job.enqueue(slot=self.slot_key(current))
                queued.append(current)
            if not self.jobs(following):
                self.job.using(run_after=following).enqueue(slot=self.slot_key(following))
                queued.append(following)
        return queued
