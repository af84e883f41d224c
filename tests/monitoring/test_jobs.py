"""The daily monitoring job: queued once per day, each run queues the next day's, runs the pass and the digests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from sauro.common.calendar import add_working_days
from sauro.daily.jobs import (
    PASS_RUN_AT,
    daily_pass_jobs,
    ensure_daily_pass,
    ensure_recurring_generation,
    recurring_generation_jobs,
    run_daily_pass,
)
from sauro.monitoring.choices import ReminderKind
from sauro.monitoring.models import ReminderLog

from ..tasks.conftest import TODAY

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def digests(monkeypatch: pytest.MonkeyPatch) -> list[D]:
    """The days for which the daily digests were sent (the sending itself is tested with the notifications)."""
    calls: list[D] = []

    def fake(*, day: D) -> int:
        calls.append(day)
        return 0

    monkeypatch.setattr("sauro.notifications.emails.send_daily_digests", fake)
    return calls


def test_each_day_is_queued_once_and_tomorrow_before_the_working_day(db, today) -> None:  # type: ignore[no-untyped-def]
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert ensure_daily_pass() == [TODAY, tomorrow]
    assert ensure_daily_pass() == []
    (job,) = daily_pass_jobs(tomorrow)
    assert job.task_path == "sauro.daily.jobs.run_daily_pass"
    assert job.args_kwargs == {"args": [], "kwargs": {"day": tomorrow.isoformat()}}
    local = job.run_after.astimezone(VN)
    assert (local.date(), local.time()) == (tomorrow, PASS_RUN_AT)
    assert PASS_RUN_AT.hour < 7  # reminders arrive before the working day starts
    # A failed run does not hold its day.
    (todays,) = daily_pass_jobs(TODAY)
    DBTaskResult.objects.filter(pk=todays.pk).update(status="FAILED")
    assert ensure_daily_pass() == [TODAY]


def test_the_two_daily_chains_do_not_see_each_other(db, today) -> None:  # type: ignore[no-untyped-def]
    assert ensure_daily_pass() == [TODAY, TODAY + datetime.timedelta(days=1)]
    assert recurring_generation_jobs(TODAY) == []
    assert ensure_recurring_generation() == [TODAY, TODAY + datetime.timedelta(days=1)]
    assert len(daily_pass_jobs(TODAY)) == len(recurring_generation_jobs(TODAY)) == 1


def test_the_run_reminds_sends_digests_and_queues_the_next_day(org, make_task, today, settings, digests) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 200
    settings.SAURO_STUCK_DAYS = 200
    task = make_task(on=TODAY, due_date=TODAY)
    summary: Any = run_daily_pass.call(day=TODAY.isoformat())
    assert summary["day"] == TODAY.isoformat() and not summary["skipped_day_off"]
    assert summary["sent"][ReminderKind.DUE_TODAY] == 1
    assert ReminderLog.objects.filter(task=task, kind=ReminderKind.DUE_TODAY, day=TODAY).count() == 1
    assert digests == [TODAY]
    # The next day's run is queued; today's is not queued again by the run itself.
    assert len(daily_pass_jobs(TODAY + datetime.timedelta(days=1))) == 1
    assert daily_pass_jobs(TODAY) == []
    # A duplicate run sends nothing twice.
    again: Any = run_daily_pass.call(day=TODAY.isoformat())
    assert sum(again["sent"].values()) == 0 and again["already_sent"] == 1
    assert ReminderLog.objects.filter(task=task).count() == 1


def test_a_run_late_is_for_the_day_it_runs(org, make_task, today, settings, digests) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 200
    settings.SAURO_STUCK_DAYS = 200
    deadline = add_working_days(TODAY, 1)
    task = make_task(on=TODAY, due_date=deadline)
    today.set(deadline)
    summary: Any = run_daily_pass.call(day=TODAY.isoformat())  # queued for an earlier day, run now
    assert summary["day"] == deadline.isoformat()
    assert ReminderLog.objects.filter(task=task, kind=ReminderKind.DUE_TODAY, day=deadline).count() == 1
    assert digests == [deadline]


def test_runs_queued_under_the_old_paths_follow_the_move(db, today) -> None:  # type: ignore[no-untyped-def]
    """Runs queued by a version that kept the jobs in monitoring and tasks still run, and still count as queued."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("sauro.daily.migrations.0001_daily_jobs_moved")
    tomorrow = TODAY + datetime.timedelta(days=1)
    ensure_daily_pass()
    ensure_recurring_generation()
    DBTaskResult.objects.filter(task_path="sauro.daily.jobs.run_daily_pass").update(
        task_path="sauro.monitoring.jobs.run_daily_monitoring"
    )
    DBTaskResult.objects.filter(task_path="sauro.daily.jobs.generate_recurring_instances").update(
        task_path="sauro.tasks.jobs.generate_recurring_instances"
    )
    assert daily_pass_jobs(tomorrow) == [] and recurring_generation_jobs(tomorrow) == []
    migration.follow_the_move(apps, None)
    assert len(daily_pass_jobs(tomorrow)) == len(recurring_generation_jobs(tomorrow)) == 1
    assert ensure_daily_pass() == [] and ensure_recurring_generation() == []
