"""Recurring tasks: periods, due dates by the calendar rule, one instance per period — even with two workers."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from sauro.audit.models import AuditEntry
from sauro.audit.verify import audit_verify
from sauro.daily.jobs import (
    GENERATION_RUN_AT,
    ensure_recurring_generation,
    generate_recurring_instances,
    recurring_generation_jobs,
)
from sauro.tasks import rules
from sauro.tasks.choices import EventKind, Recurrence, ReviewCadence, TaskState
from sauro.tasks.models import Task
from sauro.tasks.recurrence import (
    GenerationResult,
    Period,
    due_templates,
    generate_for_template,
    generate_instances,
    instance_due_date,
    nominal_due_date,
    period_key,
    run_generation,
)
from sauro.tasks.services import task_issue

from .conftest import TODAY

D = datetime.date


def make_template(org: Any, make_draft: Any, recurrence: str, day: int | None, month: int | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    cadence = {
        Recurrence.MONTHLY: ReviewCadence.MONTHLY,
        Recurrence.QUARTERLY: ReviewCadence.QUARTERLY,
        Recurrence.YEARLY: ReviewCadence.YEARLY,
    }[recurrence]
    fields: dict[str, Any] = {
        "title": "Báo cáo tình hình, kết quả công tác của Ban Tổ chức",
        "due_date": None,
        "is_ongoing": True,
        "review_cadence": cadence,
        "recurrence": recurrence,
        "recurrence_day": day,
        "recurrence_month": month,
        "officers": [org.btc_officer.pk],
    }
    fields.update(kw)
    return task_issue(acting_user=org.monitor, task=make_draft(**fields))


def unsaved(recurrence: str, day: int | None, month: int | None = None) -> Task:
    return Task(recurrence=recurrence, recurrence_day=day, recurrence_month=month)


# --- periods and due dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recurrence", "day", "key"),
    [
        (Recurrence.MONTHLY, D(2026, 3, 2), "2026-03"),
        (Recurrence.MONTHLY, D(2026, 12, 31), "2026-12"),
        (Recurrence.QUARTERLY, D(2026, 1, 1), "2026Q1"),
        (Recurrence.QUARTERLY, D(2026, 3, 31), "2026Q1"),
        (Recurrence.QUARTERLY, D(2026, 4, 1), "2026Q2"),
        (Recurrence.QUARTERLY, D(2026, 11, 28), "2026Q4"),
        (Recurrence.YEARLY, D(2026, 7, 1), "2026"),
    ],
)
def test_period_keys(recurrence: str, day: datetime.date, key: str) -> None:
    assert period_key(recurrence, day) == key
    period = Period.from_key(recurrence, key)
    assert period == Period.containing(recurrence, day)
    assert period.first_day <= day <= period.last_day


def test_period_labels_and_order() -> None:
    assert Period.from_key(Recurrence.MONTHLY, "2026-03").label == "tháng 3/2026"
    assert Period.from_key(Recurrence.QUARTERLY, "2026Q4").label == "quý IV/2026"
    assert Period.from_key(Recurrence.YEARLY, "2026").label == "năm 2026"
    assert Period.from_key(Recurrence.MONTHLY, "2026-12").next().key == "2027-01"
    assert Period.from_key(Recurrence.QUARTERLY, "2026Q4").next().key == "2027Q1"
    with pytest.raises(ValueError, match="không hợp lệ"):
        Period.from_key(Recurrence.MONTHLY, "2026-3")
    with pytest.raises(ValueError, match="không hợp lệ"):
        Period.from_key(Recurrence.QUARTERLY, "2026Q5")
    with pytest.raises(ValueError, match="không lặp lại"):
        period_key(Recurrence.NONE, TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "key", "nominal", "due"),
    [
        # The 31st in February is its last day, then the next working day: 28/02/2026 is a Saturday.
        (unsaved(Recurrence.MONTHLY, 31), "2026-02", D(2026, 2, 28), D(2026, 3, 2)),
        # A leap year: 29/02/2028 is a Tuesday, a working day.
        (unsaved(Recurrence.MONTHLY, 31), "2028-02", D(2028, 2, 29), D(2028, 2, 29)),
        (unsaved(Recurrence.MONTHLY, 31), "2026-04", D(2026, 4, 30), D(2026, 5, 4)),  # 30/4, 1/5, weekend
        # A due day in Tết 2026 (16–20 February): the next working day is Monday 23 February.
        (unsaved(Recurrence.MONTHLY, 17), "2026-02", D(2026, 2, 17), D(2026, 2, 23)),
        (unsaved(Recurrence.MONTHLY, 25), "2026-03", D(2026, 3, 25), D(2026, 3, 25)),
        (unsaved(Recurrence.MONTHLY, None), "2026-06", D(2026, 6, 30), D(2026, 6, 30)),  # no day: end of month
        # Quarterly: the month of the quarter (1–3).
        (unsaved(Recurrence.QUARTERLY, 10, 1), "2026Q1", D(2026, 1, 10), D(2026, 1, 10)),  # a worked Saturday
        (unsaved(Recurrence.QUARTERLY, 20, 3), "2026Q1", D(2026, 3, 20), D(2026, 3, 20)),
        (unsaved(Recurrence.QUARTERLY, 20, 3), "2026Q2", D(2026, 6, 20), D(2026, 6, 22)),
        (unsaved(Recurrence.QUARTERLY, 15, 2), "2026Q3", D(2026, 8, 15), D(2026, 8, 17)),
        (unsaved(Recurrence.QUARTERLY, 31, 2), "2026Q1", D(2026, 2, 28), D(2026, 3, 2)),
        (unsaved(Recurrence.QUARTERLY, 31, None), "2026Q4", D(2026, 12, 31), D(2026, 12, 31)),
        # Yearly: the month of the year; 2/9 is Quốc khánh.
        (unsaved(Recurrence.YEARLY, 2, 9), "2026", D(2026, 9, 2), D(2026, 9, 3)),
        (unsaved(Recurrence.YEARLY, 15, 12), "2026", D(2026, 12, 15), D(2026, 12, 15)),
        (unsaved(Recurrence.YEARLY, 1, None), "2027", D(2027, 12, 1), D(2027, 12, 1)),
    ],
)
def test_instance_due_dates(template: Task, key: str, nominal: datetime.date, due: datetime.date) -> None:
    assert nominal_due_date(template, key) == nominal
    assert instance_due_date(template, key) == due
    assert instance_due_date(template, Period.from_key(template.recurrence, key)) == due


# --- generating instances ---------------------------------------------------------------------------------------


def test_an_instance_for_the_period_copies_the_six_clears(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25)
    audit_before = AuditEntry.objects.count()

    assert generate_instances(as_of=TODAY) == 1

    instance = Task.objects.get(recurrence_template=template)
    assert instance.title == "Báo cáo tình hình, kết quả công tác của Ban Tổ chức (tháng 3/2026)"
    assert instance.period_key == "2026-03"
    assert instance.state == TaskState.ISSUED and instance.issued_on == TODAY
    assert instance.due_date == instance.original_due_date == D(2026, 3, 25)
    assert not instance.is_ongoing and instance.recurrence == ""
    for name in ("content", "lead_unit_id", "responsible_person_id", "supervising_leader_id", "authority_unit_id"):
        assert getattr(instance, name) == getattr(template, name), name
    assert (instance.product_kind, instance.product_description) == (
        template.product_kind,
        template.product_description,
    )
    assert instance.owner_unit == template.owner_unit and instance.created_by == org.monitor
    assert set(instance.coordinating_units.all()) == {org.office}
    assert set(instance.officers.all()) == {org.btc_officer}
    assert rules.six_clears(instance, issue_date=TODAY).complete
    kinds = list(instance.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [EventKind.GENERATED, EventKind.ISSUED]
    assert AuditEntry.objects.count() == audit_before + 2
    assert audit_verify().ok


def test_each_period_once_and_running_again_creates_nothing(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 20)
    assert generate_instances(as_of=TODAY) == 1
    assert generate_instances(as_of=TODAY) == 0
    assert generate_instances(as_of=D(2026, 3, 15)) == 0  # the same period
    today.set(D(2026, 4, 1))
    assert generate_instances(as_of=D(2026, 4, 1)) == 1
    assert generate_instances(as_of=D(2026, 4, 1)) == 0
    today.set(D(2026, 5, 4))
    assert generate_instances(as_of=D(2026, 5, 4)) == 1
    keys = list(template.instances.order_by("period_key").values_list("period_key", "due_date"))
    assert keys == [("2026-03", D(2026, 3, 20)), ("2026-04", D(2026, 4, 20)), ("2026-05", D(2026, 5, 20))]
    # Instances are not templates themselves.
    assert due_templates(D(2026, 5, 4)) == []


def test_quarterly_and_yearly_templates(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    quarterly = make_template(org, make_draft, Recurrence.QUARTERLY, 20, 3, title="Báo cáo quý")
    yearly = make_template(org, make_draft, Recurrence.YEARLY, 15, 12, title="Báo cáo năm")
    assert generate_instances(as_of=TODAY) == 2
    q1 = quarterly.instances.get()
    assert (q1.title, q1.period_key, q1.due_date) == ("Báo cáo quý (quý I/2026)", "2026Q1", D(2026, 3, 20))
    year = yearly.instances.get()
    assert (year.title, year.period_key, year.due_date) == ("Báo cáo năm (năm 2026)", "2026", D(2026, 12, 15))
    today.set(D(2026, 4, 1))
    assert generate_instances(as_of=D(2026, 4, 1)) == 1
    assert quarterly.instances.get(period_key="2026Q2").due_date == D(2026, 6, 22)  # 20/6/2026 is a Saturday


def test_a_period_whose_due_date_has_passed_is_skipped(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 5)
    today.set(D(2026, 3, 10))
    result = run_generation(as_of=D(2026, 3, 10))
    assert (result.count, result.skipped) == (0, 1)
    today.set(D(2026, 4, 1))
    assert generate_instances(as_of=D(2026, 4, 1)) == 1
    assert template.instances.get().period_key == "2026-04"


def test_templates_that_are_not_under_way_make_nothing(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    make_draft(
        recurrence=Recurrence.MONTHLY, recurrence_day=25, due_date=None, is_ongoing=True, review_cadence="monthly"
    )
    plain = make_draft()
    task_issue(acting_user=org.monitor, task=plain)
    assert generate_instances(as_of=TODAY) == 0


def test_an_instance_whose_clear_no_longer_holds_stays_a_draft(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25, responsible_person=org.btc_officer.pk)
    # The responsible officer leaves Ban Tổ chức before the period's instance is made.
    org.btc_officer.memberships.update(valid_to=D(2026, 2, 28))
    result = run_generation(as_of=TODAY)
    assert result.left_as_draft and not result.created
    instance = template.instances.get()
    assert instance.state == TaskState.DRAFT and instance.period_key == "2026-03"
    assert "person" in rules.six_clears(instance, issue_date=TODAY).missing
    assert generate_instances(as_of=TODAY) == 0  # the draft holds the period: no second copy


def test_a_deactivated_responsible_person_leaves_a_draft_with_the_gap(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25)
    type(org.btc_head).objects.filter(pk=org.btc_head.pk).update(is_active=False)
    assert generate_instances(as_of=TODAY) == 1
    instance = template.instances.get()
    assert instance.state == TaskState.DRAFT and instance.responsible_person is None
    assert rules.six_clears(instance, issue_date=TODAY).missing["person"] == rules.ERR_PERSON_MISSING


def test_a_lost_race_is_refused_by_the_unique_constraint(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    # Two runs that both found the template without an instance: the second one's insert fails and is rolled back.
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25)
    (seen_by_first,) = due_templates(TODAY)
    (seen_by_second,) = due_templates(TODAY)
    first, second = GenerationResult(), GenerationResult()
    assert generate_for_template(seen_by_first, as_of=TODAY, acting_user=None, result=first) is not None
    audit_before = AuditEntry.objects.count()
    with transaction.atomic():  # the caller's transaction survives the lost race
        assert generate_for_template(seen_by_second, as_of=TODAY, acting_user=None, result=second) is None
        assert Task.objects.filter(recurrence_template=template).count() == 1
    assert (first.count, second.count, second.already_there) == (1, 0, 1)
    assert AuditEntry.objects.count() == audit_before
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two workers writing at the same moment need a server database: PostgreSQL (CI runs both); "
    "SQLite serialises writers, and the lost race itself is tested above",
)
def test_two_workers_at_once_create_exactly_one(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25)
    barrier = threading.Barrier(2)
    results: list[GenerationResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            templates = due_templates(TODAY)  # both see the period without an instance …
            barrier.wait()  # … and then write at the same moment
            result = GenerationResult()
            for t in templates:
                generate_for_template(t, as_of=TODAY, acting_user=None, result=result)
            results.append(result)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connection.close()  # this thread's own connection (CONN_MAX_AGE would keep it open)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted((r.count, r.already_there) for r in results) == [(0, 1), (1, 0)]
    assert Task.objects.filter(recurrence_template=template).count() == 1
    assert audit_verify().ok


# --- the command and the daily job ------------------------------------------------------------------------------


def test_the_generate_command(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    make_template(org, make_draft, Recurrence.MONTHLY, 25)
    out = StringIO()
    call_command("tasks", "generate", "--as-of", "2026-03-02", stdout=out)
    assert "đã tạo và giao 1 nhiệm vụ định kỳ" in out.getvalue()
    out = StringIO()
    call_command("tasks", "generate", stdout=out)
    assert "đã tạo và giao 0 nhiệm vụ định kỳ" in out.getvalue()
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("tasks", "generate", "--as-of", "02/03/2026", stdout=StringIO())


def test_daily_jobs_are_queued_once_per_day(db, today) -> None:  # type: ignore[no-untyped-def]
    assert ensure_recurring_generation() == [TODAY, TODAY + datetime.timedelta(days=1)]
    assert ensure_recurring_generation() == []
    (tomorrow,) = recurring_generation_jobs(TODAY + datetime.timedelta(days=1))
    assert tomorrow.task_path == "sauro.daily.jobs.generate_recurring_instances"
    assert tomorrow.args_kwargs == {"args": [], "kwargs": {"day": "2026-03-03"}}
    local = tomorrow.run_after.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert (local.date(), local.time()) == (D(2026, 3, 3), GENERATION_RUN_AT)
    # A failed run does not hold its day: the next call queues it again.
    (todays,) = recurring_generation_jobs(TODAY)
    DBTaskResult.objects.filter(pk=todays.pk).update(status="FAILED")
    assert ensure_recurring_generation() == [TODAY]
    out = StringIO()
    call_command("tasks", "schedule", stdout=out)
    assert "đã có sẵn" in out.getvalue()


def test_the_job_generates_and_queues_the_next_day(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    template = make_template(org, make_draft, Recurrence.MONTHLY, 25)
    summary = generate_recurring_instances.call(day=TODAY.isoformat())
    assert summary == {"created": 1, "left_as_draft": 0, "already_there": 0, "failed": 0}
    assert template.instances.count() == 1
    # The next day's run is queued; today's is not queued again by the run itself.
    assert len(recurring_generation_jobs(TODAY + datetime.timedelta(days=1))) == 1
    assert recurring_generation_jobs(TODAY) == []
    assert generate_recurring_instances.call()["created"] == 0
