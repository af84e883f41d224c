"""The daily reminder pass (PRODUCT §7): each reminder on its day, at most once, to the right people — even when the
pass runs twice or in two processes at once."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from sauro.common.calendar import add_working_days, is_working_day, working_days_between
from sauro.monitoring import conf, recipients
from sauro.monitoring.choices import EscalationLevel, ExpectationReason, ReminderKind
from sauro.monitoring.models import Obstacle, ReminderLog, UpdateExpectation
from sauro.monitoring.reminders import ReminderResult, run_reminders
from sauro.monitoring.services import obstacle_create, progress_update_create
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.tasks.choices import EventKind, TaskState
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import task_accept, task_submit

from ..tasks.conftest import TODAY

D = datetime.date
K = ReminderKind


def logs(task: Task, kind: str) -> list[ReminderLog]:
    return list(ReminderLog.objects.filter(task=task, kind=kind).order_by("day", "subject"))


def notified(task: Task, kind: str) -> list[tuple[int, str]]:
    """(recipient, title) of the notifications of ``kind`` about ``task``, in recipient order."""
    rows = Notification.objects.filter(task=task, kind=kind).order_by("recipient_id", "id")
    return list(rows.values_list("recipient_id", "title"))


def next_working(day: D) -> D:
    return add_working_days(day, 1)


def next_day_off(day: D) -> D:
    while is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def quiet(settings: Any) -> Any:
    """Only the due-date reminders: "no update" and "stuck" pushed beyond the tests' horizon."""
    settings.SAURO_NO_UPDATE_DAYS = 200
    settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 200
    return settings


# --- before the due date, on the day, overdue --------------------------------------------------------------------


def test_a_task_due_in_exactly_k_working_days_is_reminded_once_that_day(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    k = 3
    assert k in conf.reminder_days_before()
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, k))
    workers = sorted({org.btc_officer.pk})

    result = run_reminders(as_of=TODAY)
    assert result.count(K.DUE_BEFORE) == 1
    (log,) = logs(task, K.DUE_BEFORE)
    assert (log.day, log.subject, log.recipients) == (TODAY, str(k), len(workers))
    sent = notified(task, NotificationKind.DUE_SOON)
    assert [r for r, _ in sent] == workers
    assert sent[0][1] == f"Còn {k} ngày làm việc đến hạn: {task.title}"
    body = Notification.objects.get(task=task, kind=NotificationKind.DUE_SOON).body
    assert f"{task.due_date:%d/%m/%Y}" in body

    # The next working day is k-1 days before: a reminder only when k-1 is one of the settings' days.
    following = next_working(TODAY)
    result = run_reminders(as_of=following)
    expected = 1 if (k - 1) in conf.reminder_days_before() else 0
    assert result.count(K.DUE_BEFORE) == expected
    assert [lg.subject for lg in logs(task, K.DUE_BEFORE)] == [str(k)] + ([str(k - 1)] if expected else [])


def test_each_configured_day_before_gives_one_reminder(org, make_task, quiet, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_REMINDER_DAYS_BEFORE = [5, 2]
    deadline = add_working_days(TODAY, 6)
    task = make_task(on=TODAY, due_date=deadline)
    day = TODAY
    while day < deadline:
        run_reminders(as_of=day)
        day = next_working(day)
    days = [(lg.day, lg.subject) for lg in logs(task, K.DUE_BEFORE)]
    assert days == [(add_working_days(deadline, -5), "5"), (add_working_days(deadline, -2), "2")]


def test_holidays_are_skipped_when_counting_days_before(org, make_task, quiet, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_REMINDER_DAYS_BEFORE = [3]
    # 30/4 and 1/5 are public holidays, then a weekend: three working days after Tue 28/4/2026 is Tue 5/5.
    as_of, due = D(2026, 4, 28), D(2026, 5, 5)
    assert not is_working_day(D(2026, 4, 30)) and not is_working_day(D(2026, 5, 1))
    assert working_days_between(as_of, due) == 3 < (due - as_of).days
    task = make_task(on=as_of, due_date=due)
    calendar_three_days = make_task(on=as_of, due_date=as_of + datetime.timedelta(days=3))

    run_reminders(as_of=as_of)
    assert [(lg.day, lg.subject) for lg in logs(task, K.DUE_BEFORE)] == [(as_of, "3")]
    assert logs(calendar_three_days, K.DUE_BEFORE) == []


def test_due_today_then_overdue_every_working_day_with_the_days_late(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    deadline = add_working_days(TODAY, 1)
    task = make_task(on=TODAY, due_date=deadline)

    assert run_reminders(as_of=deadline).count(K.DUE_TODAY) == 1
    assert [r for r, _ in notified(task, NotificationKind.DUE_TODAY)] == [org.btc_officer.pk]
    assert notified(task, NotificationKind.OVERDUE) == []

    day = deadline
    for late in (1, 2, 3):
        day = next_working(day)
        result = run_reminders(as_of=day)
        assert result.count(K.OVERDUE) == 1
        assert result.count(K.DUE_TODAY) == 0
        titles = {t for r, t in notified(task, NotificationKind.OVERDUE) if t.startswith(f"Quá hạn {late} ")}
        assert titles == {f"Quá hạn {late} ngày làm việc: {task.title}"}
    # The officer and the lead unit's head, once each per day.
    per_day = Notification.objects.filter(task=task, kind=NotificationKind.OVERDUE).count() // 3
    assert sorted({r for r, _ in notified(task, NotificationKind.OVERDUE)}) == sorted(
        {org.btc_officer.pk, org.btc_head.pk}
    )
    assert per_day == 2
    assert [lg.recipients for lg in logs(task, K.OVERDUE)] == [2, 2, 2]


def test_a_submitted_task_is_not_reminded_of_its_due_date(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    deadline = add_working_days(TODAY, 1)
    task = make_task(on=TODAY, due_date=deadline)
    task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo kết quả rà soát")
    run_reminders(as_of=deadline)
    run_reminders(as_of=next_working(deadline))
    assert logs(task, K.DUE_TODAY) == [] and logs(task, K.OVERDUE) == []


def test_an_issued_task_not_yet_accepted_reminds_its_named_person(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    task = make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 1))
    assert task.state == TaskState.ISSUED
    run_reminders(as_of=TODAY)
    assert [r for r, _ in notified(task, NotificationKind.DUE_SOON)] == [task.responsible_person_id]


def test_without_anyone_named_the_lead_unit_heads_are_reminded(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    task = make_task(on=TODAY, accept=False, due_date=TODAY)
    Task.objects.filter(pk=task.pk).update(responsible_person=None)
    assert not task.officers.exists()
    run_reminders(as_of=TODAY)
    assert [r for r, _ in notified(task, NotificationKind.DUE_TODAY)] == [org.btc_head.pk]


def test_officers_are_reminded_with_the_responsible_person(org, make_draft, today, quiet) -> None:  # type: ignore[no-untyped-def]
    from sauro.tasks.services import task_issue

    task = task_issue(acting_user=org.monitor, task=make_draft(due_date=TODAY))
    task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    run_reminders(as_of=TODAY)
    assert sorted(r for r, _ in notified(task, NotificationKind.DUE_TODAY)) == sorted(
        {org.btc_head.pk, org.btc_officer.pk}
    )


# --- at most once ---------------------------------------------------------------------------------------------------


def test_a_pass_run_twice_sends_nothing_new(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 2
    settings.SAURO_STUCK_DAYS = 2
    make_task(on=TODAY, due_date=add_working_days(TODAY, 1))  # overdue by the pass day
    make_task(on=TODAY, due_date=add_working_days(TODAY, 11))  # 7 working days before on the pass day
    make_task(on=TODAY, due_date=add_working_days(TODAY, 4))  # due that day
    make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 30))  # stuck in "issued"
    as_of = add_working_days(TODAY, 4)

    first = run_reminders(as_of=as_of)
    kinds = {k for k, n in first.sent.items() if n}
    assert {K.DUE_BEFORE, K.DUE_TODAY, K.OVERDUE, K.NO_UPDATE, K.STUCK_HEAD, K.STUCK_OFFICE} <= kinds
    counts = (ReminderLog.objects.count(), Notification.objects.count(), UpdateExpectation.objects.count())
    events = TaskEvent.objects.filter(kind=EventKind.ESCALATED).count()

    second = run_reminders(as_of=as_of)
    assert second.total == 0
    assert (ReminderLog.objects.count(), Notification.objects.count(), UpdateExpectation.objects.count()) == counts
    assert TaskEvent.objects.filter(kind=EventKind.ESCALATED).count() == events
    # What the second pass found again had been sent already (the once-per-spell kinds are not even candidates).
    assert second.already_sent == first.count(K.DUE_BEFORE) + first.count(K.DUE_TODAY) + first.count(K.OVERDUE)


def test_a_day_off_sends_nothing(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 1
    settings.SAURO_STUCK_DAYS = 1
    make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    day_off = next_day_off(add_working_days(TODAY, 3))
    before = Notification.objects.count()
    result = run_reminders(as_of=day_off)
    assert result.skipped_day_off
    assert result.total == 0
    assert ReminderLog.objects.count() == 0
    assert Notification.objects.count() == before


def test_the_result_counts_what_was_sent(org, make_task, quiet) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        make_task(on=TODAY, due_date=TODAY)
    result = run_reminders(as_of=TODAY)
    assert isinstance(result, ReminderResult) and not result.skipped_day_off
    assert result.count(K.DUE_TODAY) == ReminderLog.objects.filter(kind=K.DUE_TODAY, day=TODAY).count() == 3
    assert result.total == sum(result.sent.values()) == 3


def test_queries_do_not_grow_per_task_beyond_the_reminders_own_writes(org, make_task, quiet, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_REMINDER_DAYS_BEFORE = []

    def pass_queries(n: int, day: D) -> int:
        for _ in range(n):
            make_task(on=TODAY, due_date=day)
        with CaptureQueriesContext(connection) as ctx:
            assert run_reminders(as_of=day).count(K.DUE_TODAY) == n
        return len(ctx.captured_queries)

    # The second pass is on an earlier day, so the first pass's tasks are not due yet.
    few = pass_queries(2, add_working_days(TODAY, 21))
    many = pass_queries(6, add_working_days(TODAY, 20))
    per_reminder = (many - few) / 4
    # Each reminder: a savepoint, the log, the recipients' e-mail addresses and preferences, the notifications,
    # the log's recipient count, the savepoint's release — nothing read per task besides.
    assert per_reminder == int(per_reminder) <= 7


# --- no update for N working days -----------------------------------------------------------------------------------


def test_no_update_nudges_once_per_quiet_spell(org, make_task, today, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 3
    settings.SAURO_STUCK_DAYS = 200
    n = conf.no_update_days()
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 60))
    assert task.last_update_on == TODAY  # accepting counts as an update

    assert run_reminders(as_of=add_working_days(TODAY, n - 1)).count(K.NO_UPDATE) == 0
    nudge_day = add_working_days(TODAY, n)
    assert run_reminders(as_of=nudge_day).count(K.NO_UPDATE) == 1
    assert [r for r, _ in notified(task, NotificationKind.NO_UPDATE)] == [org.btc_officer.pk]
    (expectation,) = UpdateExpectation.objects.filter(task=task, reason=ExpectationReason.NUDGED)
    assert expectation.opened_on == nudge_day and expectation.fulfilled_on is None
    assert expectation.unit_id == org.btc.pk

    # Silence while the spell lasts.
    for k in range(1, 2 * n):
        assert run_reminders(as_of=add_working_days(nudge_day, k)).count(K.NO_UPDATE) == 0

    # A new update starts a new spell: nudged again after n more quiet working days, and then silence.
    update_day = add_working_days(nudge_day, 2 * n)
    today.set(update_day)
    progress_update_create(acting_user=org.btc_officer, task=task, done="Đã rà soát 3 ban", percent=40)
    expectation.refresh_from_db()
    assert expectation.fulfilled_on == update_day
    assert run_reminders(as_of=add_working_days(update_day, n - 1)).count(K.NO_UPDATE) == 0
    assert run_reminders(as_of=add_working_days(update_day, n)).count(K.NO_UPDATE) == 1
    assert run_reminders(as_of=add_working_days(update_day, n + 1)).count(K.NO_UPDATE) == 0
    assert [lg.day for lg in logs(task, K.NO_UPDATE)] == [nudge_day, add_working_days(update_day, n)]
    assert UpdateExpectation.objects.filter(task=task, reason=ExpectationReason.NUDGED).count() == 2


def test_no_update_is_only_for_tasks_under_way(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 2
    settings.SAURO_STUCK_DAYS = 200
    issued = make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 60))
    submitted = make_task(on=TODAY, due_date=add_working_days(TODAY, 60))
    task_submit(acting_user=org.btc_officer, task=submitted, product_note="Báo cáo")
    run_reminders(as_of=add_working_days(TODAY, 5))
    assert logs(issued, K.NO_UPDATE) == [] and logs(submitted, K.NO_UPDATE) == []


# --- stuck in one state ---------------------------------------------------------------------------------------------


def test_a_stuck_task_goes_to_the_head_at_m_then_to_the_office_at_2m(org, make_task, today, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_STUCK_DAYS = 3
    settings.SAURO_NO_UPDATE_DAYS = 200
    m = conf.stuck_days()
    task = make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 60))
    assert task.state_since == TODAY

    def run(k: int) -> ReminderResult:
        return run_reminders(as_of=add_working_days(TODAY, k))

    assert run(m - 1).count(K.STUCK_HEAD) == 0
    assert run(m).count(K.STUCK_HEAD) == 1
    assert [r for r, _ in notified(task, NotificationKind.STUCK)] == [org.btc_head.pk]
    (event,) = TaskEvent.objects.filter(task=task, kind=EventKind.ESCALATED)
    assert event.actor is None and "Ban Tổ chức Thành ủy" in event.note and f"{m} ngày làm việc" in event.note
    for k in range(m + 1, 2 * m):
        result = run(k)
        assert result.count(K.STUCK_HEAD) == result.count(K.STUCK_OFFICE) == 0
    result = run(2 * m)
    assert (result.count(K.STUCK_HEAD), result.count(K.STUCK_OFFICE)) == (0, 1)
    office = [r for r, t in notified(task, NotificationKind.STUCK) if r != org.btc_head.pk]
    assert office == [org.monitor.pk]
    assert TaskEvent.objects.filter(task=task, kind=EventKind.ESCALATED).count() == 2
    assert "Văn phòng Thành ủy" in TaskEvent.objects.filter(task=task, kind=EventKind.ESCALATED).order_by("-id")[0].note
    assert run(2 * m + 1).total == 0

    # In progress, the task is doing its work: never "stuck", however long (silence is the nudge's business).
    moved = add_working_days(TODAY, 2 * m + 1)
    today.set(moved)
    task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_officer.pk)
    assert run_reminders(as_of=add_working_days(moved, 3 * m)).count(K.STUCK_HEAD) == 0

    # A new hand-off state starts a new stay: a product waiting on the authority's decision is reported, after m
    # working days, to who decides for the authority (here the supervising leader of the standing body).
    submitted = add_working_days(moved, 3 * m + 1)
    today.set(submitted)
    task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo kết quả rà soát")
    assert run_reminders(as_of=add_working_days(submitted, m - 1)).count(K.STUCK_HEAD) == 0
    assert run_reminders(as_of=add_working_days(submitted, m)).count(K.STUCK_HEAD) == 1
    assert [lg.day for lg in logs(task, K.STUCK_HEAD)] == [add_working_days(TODAY, m), add_working_days(submitted, m)]
    latest = Notification.objects.filter(task=task, kind=NotificationKind.STUCK).order_by("-id").first()
    assert latest is not None and latest.recipient_id == org.leader.pk
    assert "cấp có thẩm quyền" in TaskEvent.objects.filter(task=task, kind=EventKind.ESCALATED).order_by("-id")[0].note


def test_a_missed_day_is_caught_up(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_STUCK_DAYS = 3
    settings.SAURO_NO_UPDATE_DAYS = 200
    task = make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 60))
    # No pass ran for a while: the next one sends both levels once.
    result = run_reminders(as_of=add_working_days(TODAY, 2 * conf.stuck_days() + 2))
    assert (result.count(K.STUCK_HEAD), result.count(K.STUCK_OFFICE)) == (1, 1)
    assert len(logs(task, K.STUCK_HEAD)) == len(logs(task, K.STUCK_OFFICE)) == 1


# --- unanswered obstacles -------------------------------------------------------------------------------------------


def test_an_unanswered_obstacle_moves_one_level_up_then_to_the_office(org, make_task, today, quiet) -> None:  # type: ignore[no-untyped-def]
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 60))
    obstacle = obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Thiếu hồ sơ nhân sự của hai đơn vị",
        proposal="Đề nghị Văn phòng đôn đốc các đơn vị gửi hồ sơ",
        decider_unit_id=org.btc.pk,
    )
    due = obstacle.response_due_on
    assert run_reminders(as_of=due).obstacles_escalated == 0

    first = next_working(due)
    assert run_reminders(as_of=first).obstacles_escalated == 1
    obstacle.refresh_from_db()
    assert (obstacle.escalation_level, obstacle.waiting_on_id) == (EscalationLevel.ONE_UP, org.btc.parent_id)
    assert obstacle.response_due_on > first
    assert run_reminders(as_of=first).obstacles_escalated == 0  # the same day again: nothing

    second = next_working(obstacle.response_due_on)
    assert run_reminders(as_of=second).obstacles_escalated == 1
    obstacle.refresh_from_db()
    assert (obstacle.escalation_level, obstacle.waiting_on_id) == (EscalationLevel.OFFICE, org.office.pk)
    # At the top there is nowhere further to go.
    assert run_reminders(as_of=next_working(obstacle.response_due_on)).obstacles_escalated == 0
    assert Obstacle.objects.get(pk=obstacle.pk).escalation_level == EscalationLevel.OFFICE
    assert len(logs(task, K.OBSTACLE_ESCALATION)) == 2


# --- two processes at once (PostgreSQL) -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two passes writing at the same moment need a server database: PostgreSQL (CI runs both); "
    "SQLite serialises writers, and a repeated pass is tested above",
)
def test_two_passes_at_once_send_each_reminder_once(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 2
    settings.SAURO_STUCK_DAYS = 2
    as_of = add_working_days(TODAY, conf.obstacle_response_days() + 1)
    tasks = [
        make_task(on=TODAY, due_date=add_working_days(TODAY, 1)),  # overdue
        make_task(on=TODAY, due_date=as_of),  # due that day
        make_task(on=TODAY, due_date=add_working_days(as_of, 7)),  # 7 working days before
        make_task(on=TODAY, accept=False, due_date=add_working_days(as_of, 30)),  # stuck in "issued"
    ]
    obstacle = obstacle_create(
        acting_user=org.btc_officer,
        task=tasks[0],
        description="Chưa có ý kiến thẩm định",
        proposal="Đề nghị cho ý kiến",
        decider_unit_id=org.btc.pk,
    )
    assert obstacle.response_due_on < as_of
    before = set(Notification.objects.values_list("pk", flat=True))
    barrier = threading.Barrier(2)
    results: list[ReminderResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(run_reminders(as_of=as_of))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [r.failed for r in results] == [0, 0]

    # Each (task, kind, day, subject) once; together the two passes sent exactly what one pass sends.
    rows = list(ReminderLog.objects.filter(day=as_of).values_list("task_id", "kind", "subject"))
    assert len(rows) == len(set(rows)) > 0
    assert sum(r.total for r in results) == len(rows)
    assert {k for _t, k, _s in rows} >= {K.DUE_TODAY, K.OVERDUE, K.NO_UPDATE, K.STUCK_HEAD, K.OBSTACLE_ESCALATION}
    obstacle.refresh_from_db()
    assert obstacle.escalation_level == EscalationLevel.ONE_UP
    # Each recipient once per reminder.
    new = Notification.objects.exclude(pk__in=before)
    per_recipient = list(
        new.exclude(kind=NotificationKind.OBSTACLE_ESCALATED).values_list("task_id", "kind", "recipient_id")
    )
    assert len(per_recipient) == len(set(per_recipient))
    assert sum(ReminderLog.objects.filter(day=as_of).values_list("recipients", flat=True)) == len(per_recipient)
    assert new.filter(kind=NotificationKind.OBSTACLE_ESCALATED).count() == len(
        set(new.filter(kind=NotificationKind.OBSTACLE_ESCALATED).values_list("recipient_id", flat=True))
    )
    assert TaskEvent.objects.filter(kind=EventKind.ESCALATED, task__in=tasks).count() == sum(
        1 for _t, k, _s in rows if k in (K.STUCK_HEAD, K.STUCK_OFFICE, K.OVERDUE_LEADER, K.OVERDUE_OFFICE)
    )


# --- overdue tasks escalated to the supervising leader, then to Văn phòng ----------------------------------------


def test_the_default_escalation_threshold_is_five_working_days() -> None:
    assert conf.overdue_escalation_days() == 5


def test_an_overdue_task_goes_to_the_supervising_leader_at_n_then_to_the_office_at_2n(  # type: ignore[no-untyped-def]
    org, make_task, settings
) -> None:
    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 3
    n = conf.overdue_escalation_days()
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 2))
    assert task.state == TaskState.IN_PROGRESS and task.supervising_leader_id == org.leader.pk
    deadline = task.deadline
    assert deadline is not None

    def run(late: int) -> ReminderResult:
        return run_reminders(as_of=add_working_days(deadline, late))

    def escalations() -> list[TaskEvent]:
        return list(TaskEvent.objects.filter(task=task, kind=EventKind.ESCALATED).order_by("id"))

    for late in range(1, n):
        result = run(late)
        assert result.count(K.OVERDUE) == 1  # the workers and the unit head, every working day
        assert result.count(K.OVERDUE_LEADER) == result.count(K.OVERDUE_OFFICE) == 0
    assert escalations() == []

    result = run(n)
    assert (result.count(K.OVERDUE), result.count(K.OVERDUE_LEADER), result.count(K.OVERDUE_OFFICE)) == (1, 1, 0)
    (log,) = logs(task, K.OVERDUE_LEADER)
    assert (log.day, log.recipients) == (add_working_days(deadline, n), 1)
    to_leader = Notification.objects.get(task=task, kind=NotificationKind.OVERDUE, recipient=org.leader)
    assert to_leader.title == f"Quá hạn {n} ngày làm việc, báo cáo lãnh đạo phụ trách: {task.title}"
    assert f"Thời hạn: {task.due_date:%d/%m/%Y}" in to_leader.body
    assert f"Nhiệm vụ do {org.btc.name} chủ trì chưa hoàn thành, đã quá hạn {n} ngày làm việc" in to_leader.body
    assert "Đề nghị chỉ đạo, đôn đốc xử lý." in to_leader.body
    (event,) = escalations()
    assert event.actor is None
    assert event.note == f"Nhiệm vụ đã quá hạn {n} ngày làm việc (hạn {deadline:%d/%m/%Y}); báo cáo lãnh đạo phụ trách."
    assert org.monitor.pk not in {r for r, _ in notified(task, NotificationKind.OVERDUE)}

    for late in range(n + 1, 2 * n):  # told once: not again while the task stays late
        result = run(late)
        assert result.count(K.OVERDUE) == 1 and result.count(K.OVERDUE_LEADER) == result.count(K.OVERDUE_OFFICE) == 0
    assert Notification.objects.filter(task=task, kind=NotificationKind.OVERDUE, recipient=org.leader).count() == 1

    result = run(2 * n)
    assert (result.count(K.OVERDUE_LEADER), result.count(K.OVERDUE_OFFICE)) == (0, 1)
    to_office = Notification.objects.get(task=task, kind=NotificationKind.OVERDUE, recipient=org.monitor)
    assert to_office.title == f"Quá hạn {2 * n} ngày làm việc, báo cáo Văn phòng: {task.title}"
    assert [e.note.rsplit("; ", 1)[1] for e in escalations()] == [
        "báo cáo lãnh đạo phụ trách.",
        "báo cáo Văn phòng Thành ủy.",
    ]
    for late in (2 * n + 1, 4 * n):
        result = run(late)
        assert result.count(K.OVERDUE_LEADER) == result.count(K.OVERDUE_OFFICE) == 0
    assert len(logs(task, K.OVERDUE_LEADER)) == len(logs(task, K.OVERDUE_OFFICE)) == 1
    assert len(escalations()) == 2


def test_overdue_escalation_counts_working_days(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 5
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    deadline = task.deadline
    assert deadline is not None
    fifth = add_working_days(deadline, 5)
    # Five working days late is more than five calendar days when a weekend falls between.
    assert (fifth - deadline).days > 5 and working_days_between(deadline, fifth) == 5
    assert run_reminders(as_of=add_working_days(deadline, 4)).count(K.OVERDUE_LEADER) == 0
    assert run_reminders(as_of=fifth).count(K.OVERDUE_LEADER) == 1
    # On a day off nothing is sent, and the pass after it does not send twice.
    assert run_reminders(as_of=next_day_off(fifth)).total == 0
    assert run_reminders(as_of=add_working_days(fifth, 1)).count(K.OVERDUE_LEADER) == 0


def test_overdue_escalation_is_sent_once_when_the_pass_runs_twice_or_a_day_is_missed(  # type: ignore[no-untyped-def]
    org, make_task, settings
) -> None:
    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 2
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    assert task.deadline is not None
    # No pass ran for a while: the next one sends both levels, once each; run again, nothing.
    as_of = add_working_days(task.deadline, 7)
    first = run_reminders(as_of=as_of)
    assert (first.count(K.OVERDUE_LEADER), first.count(K.OVERDUE_OFFICE)) == (1, 1)
    counts = (ReminderLog.objects.count(), Notification.objects.count(), TaskEvent.objects.count())
    second = run_reminders(as_of=as_of)
    assert second.count(K.OVERDUE_LEADER) == second.count(K.OVERDUE_OFFICE) == 0
    assert (ReminderLog.objects.count(), Notification.objects.count(), TaskEvent.objects.count()) == counts
    assert run_reminders(as_of=add_working_days(as_of, 1)).count(K.OVERDUE_OFFICE) == 0


def test_escalation_reaches_the_authority_without_a_supervising_leader_and_skips_finished_tasks(  # type: ignore[no-untyped-def]
    org, make_task, today, settings
) -> None:
    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 2
    unsupervised = make_task(on=TODAY, due_date=add_working_days(TODAY, 1), supervising_leader=None)
    submitted = make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    not_accepted = make_task(on=TODAY, accept=False, due_date=add_working_days(TODAY, 1))
    task_submit(acting_user=org.btc_officer, task=submitted, product_note="Báo cáo kết quả rà soát")
    deadline = unsupervised.deadline
    assert unsupervised.supervising_leader_id is None and deadline is not None

    result = run_reminders(as_of=add_working_days(deadline, 2))
    # A submitted product waits on the authority (the "stuck" escalation's business), not on its workers.
    assert logs(submitted, K.OVERDUE_LEADER) == []
    assert result.count(K.OVERDUE_LEADER) == 2  # the task not yet accepted is overdue too
    told = {r for r, t in notified(unsupervised, NotificationKind.OVERDUE) if ", báo cáo lãnh đạo phụ trách: " in t}
    assert told == recipients.authority_people(unsupervised, TODAY) == {org.leader.pk}  # the standing body's leader
    note = TaskEvent.objects.get(task=unsupervised, kind=EventKind.ESCALATED).note
    assert "lãnh đạo cấp có thẩm quyền (nhiệm vụ chưa có lãnh đạo phụ trách)" in note
    assert [lg.recipients for lg in logs(not_accepted, K.OVERDUE_LEADER)] == [1]


def test_an_extended_deadline_that_runs_out_is_escalated_again(org, make_task, today, settings) -> None:  # type: ignore[no-untyped-def]
    from sauro.tasks.services import extension_request_create, extension_request_decide

    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 2
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    assert task.deadline is not None
    first = add_working_days(task.deadline, 2)
    new_due = add_working_days(first, 3)
    # Asked in time (an overdue task can no longer ask: issue 20), decided only after the first escalation.
    request = extension_request_create(acting_user=org.btc_head, task=task, new_due_date=new_due, reason="Chờ số liệu")
    assert run_reminders(as_of=first).count(K.OVERDUE_LEADER) == 1
    today.set(first)
    extension_request_decide(acting_user=org.leader, request=request, approve=True)
    task.refresh_from_db()
    assert task.deadline == new_due
    assert run_reminders(as_of=add_working_days(new_due, 1)).count(K.OVERDUE_LEADER) == 0
    assert run_reminders(as_of=add_working_days(new_due, 2)).count(K.OVERDUE_LEADER) == 1
    assert [lg.day for lg in logs(task, K.OVERDUE_LEADER)] == [first, add_working_days(new_due, 2)]


def test_a_zero_threshold_turns_the_escalation_off(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = settings.SAURO_STUCK_DAYS = 200
    settings.SAURO_OVERDUE_ESCALATION_DAYS = 0
    task = make_task(on=TODAY, due_date=add_working_days(TODAY, 1))
    assert task.deadline is not None
    result = run_reminders(as_of=add_working_days(task.deadline, 30))
    assert result.count(K.OVERDUE) == 1
    assert result.count(K.OVERDUE_LEADER) == result.count(K.OVERDUE_OFFICE) == 0
