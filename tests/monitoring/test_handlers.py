"""What follows a task's events (``monitoring.handlers``): the updates the lead unit owes (opened on issue, return
and answer; fulfilled by acceptance, progress, product or obstacle; same working day for urgent directives) and the
notifications, to the people each event concerns and never to the one who acted."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from sauro.accounts.models import User
from sauro.directives.models import Directive
from sauro.directives.services import DirectiveInput, directive_create, term_create
from sauro.monitoring import services
from sauro.monitoring.choices import ExpectationReason
from sauro.monitoring.models import Obstacle, UpdateExpectation
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.tasks import services as task_services
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock

D = datetime.timedelta
MakeTask = Callable[..., Task]


def expectations(task: Task) -> list[tuple[str, datetime.date, datetime.date, datetime.date | None]]:
    rows = UpdateExpectation.objects.filter(task=task).order_by("id")
    return [(e.reason, e.opened_on, e.due_on, e.fulfilled_on) for e in rows]


def received(task: Task, kind: str) -> set[int]:
    return set(Notification.objects.filter(task=task, kind=kind).values_list("recipient_id", flat=True))


def ids(*people: User) -> set[int]:
    return {p.pk for p in people}


def raise_obstacle(org: Org, task: Task, *, by: User, decider: int) -> Obstacle:
    return services.obstacle_create(
        acting_user=by,
        task=task,
        description="Thiếu số liệu của các phường",
        proposal="Đề nghị Văn phòng đôn đốc",
        decider_unit_id=decider,
    )


# --- update discipline ------------------------------------------------------------------------------------------


def test_issuing_opens_an_update_that_acceptance_fulfils(org: Org, today: Clock, make_draft: MakeTask) -> None:
    task = task_services.task_issue(acting_user=org.monitor, task=make_draft())
    # Due within 2 working days: Monday 2 March 2026 → Wednesday 4 March.
    assert expectations(task) == [(ExpectationReason.ISSUED, TODAY, datetime.date(2026, 3, 4), None)]
    assert Task.objects.get(pk=task.pk).last_update_on is None
    today.set(datetime.date(2026, 3, 5))  # a day late
    task_services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    assert expectations(task) == [
        (ExpectationReason.ISSUED, TODAY, datetime.date(2026, 3, 4), datetime.date(2026, 3, 5))
    ]
    assert UpdateExpectation.objects.get(task=task).is_late
    assert Task.objects.get(pk=task.pk).last_update_on == datetime.date(2026, 3, 5)


def test_a_return_opens_an_update_that_progress_fulfils(org: Org, today: Clock, in_progress: MakeTask) -> None:
    task = in_progress()
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    today.set(datetime.date(2026, 3, 6))  # Friday
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung số liệu")
    opened = UpdateExpectation.objects.get(task=task, reason=ExpectationReason.RETURNED)
    assert (opened.opened_on, opened.due_on, opened.fulfilled_on) == (
        datetime.date(2026, 3, 6),
        datetime.date(2026, 3, 10),  # two working days, over the weekend
        None,
    )
    today.set(datetime.date(2026, 3, 9))
    services.progress_update_create(acting_user=org.btc_officer, task=task, done="Đã bổ sung", percent=90)
    opened.refresh_from_db()
    assert opened.fulfilled_on == datetime.date(2026, 3, 9)
    assert not opened.is_late
    assert Task.objects.get(pk=task.pk).last_update_on == datetime.date(2026, 3, 9)


def test_an_answer_opens_an_update_and_the_next_obstacle_or_product_fulfils_it(
    org: Org, today: Clock, in_progress: MakeTask
) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, by=org.btc_officer, decider=org.standing.pk)
    services.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Đồng ý")
    owed = UpdateExpectation.objects.get(task=task, reason=ExpectationReason.OBSTACLE_ANSWERED)
    assert owed.fulfilled_on is None
    today.set(TODAY + D(days=1))
    raise_obstacle(org, task, by=org.btc_officer, decider=org.btc.pk)
    owed.refresh_from_db()
    assert owed.fulfilled_on == TODAY + D(days=1)
    # Confidence ratings and answers are not updates by the unit: last_update_on stays on the unit's own report.
    services.confidence_rate(acting_user=org.monitor, task=task, level="amber")
    assert Task.objects.get(pk=task.pk).last_update_on == TODAY + D(days=1)


def test_an_approved_or_cancelled_task_owes_nothing_more(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung")
    assert UpdateExpectation.objects.filter(task=task, fulfilled_on__isnull=True).count() == 1
    task_services.task_cancel(acting_user=org.leader, task=task, reason="Không còn phù hợp")
    assert not UpdateExpectation.objects.filter(task=task, fulfilled_on__isnull=True).exists()


@pytest.mark.parametrize(
    ("urgency", "due"),
    [
        ("normal", datetime.date(2026, 3, 4)),
        ("urgent", TODAY),
        ("very_urgent", TODAY),
        ("flash", TODAY),
    ],
)
def test_an_urgent_directive_wants_the_update_the_same_working_day(
    org: Org, make_draft: MakeTask, urgency: str, due: datetime.date
) -> None:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=datetime.date(2025, 10, 1))
    directive: Directive = directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="CV",
            issuer_code="TU",
            issuing_unit_id=org.city.pk,
            issued_on=datetime.date(2026, 2, 27),
            summary="Về việc chủ động ứng phó mưa lũ",
            urgency=urgency,
        ),
    )
    task = task_services.task_issue(acting_user=org.monitor, task=make_draft(directive=directive.pk))
    assert UpdateExpectation.objects.get(task=task).due_on == due


def test_a_task_issued_on_a_day_off_is_due_counting_from_the_next_working_day(
    org: Org, today: Clock, make_draft: MakeTask
) -> None:
    task = make_draft()
    today.set(datetime.date(2026, 3, 7))  # Saturday
    task_services.task_issue(acting_user=org.monitor, task=task)
    # Not urgent: 2 working days from Monday 9 March.
    assert UpdateExpectation.objects.get(task=task).due_on == datetime.date(2026, 3, 11)


# --- notifications ----------------------------------------------------------------------------------------------


def test_the_steps_of_a_task_notify_the_people_concerned_and_never_the_actor(org: Org, make_draft: MakeTask) -> None:
    task = make_draft(responsible_person=org.btc_head.pk)
    task_services.task_issue(acting_user=org.monitor, task=task)
    assert received(task, NotificationKind.TASK_ISSUED) == ids(org.btc_head)
    task_services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    # The head assigned the work: the officer is told; the head, who acted, is not.
    assert received(task, NotificationKind.TASK_ACCEPTED) == ids(org.btc_officer)
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo kết quả rà soát")
    # The authority is Thường trực, and the supervising leader acts for it.
    assert received(task, NotificationKind.TASK_SUBMITTED) == ids(org.leader)
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung số liệu")
    assert received(task, NotificationKind.TASK_RETURNED) == ids(org.btc_head, org.btc_officer)
    everyone = set(Notification.objects.filter(task=task).values_list("recipient_id", flat=True))
    assert org.monitor.pk not in everyone
    assert (
        Notification.objects.filter(task=task, recipient=org.btc_head, kind=NotificationKind.TASK_ACCEPTED).count() == 0
    )


def test_an_obstacle_notifies_who_must_answer_and_the_answer_goes_back(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, by=org.btc_officer, decider=org.standing.pk)
    assert received(task, NotificationKind.OBSTACLE_RAISED) == ids(org.leader)
    note = Notification.objects.get(task=task, kind=NotificationKind.OBSTACLE_RAISED)
    assert "Đề xuất: Đề nghị Văn phòng đôn đốc" in note.body
    assert note.url.endswith(f"#vuong-mac-{obstacle.pk}")
    services.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Đồng ý")
    assert received(task, NotificationKind.OBSTACLE_ANSWERED) == ids(org.btc_officer, org.btc_head)


def test_an_obstacle_raised_and_answered_by_the_same_head_tells_only_the_others(
    org: Org, in_progress: MakeTask
) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, by=org.btc_head, decider=org.btc.pk)
    # Addressed to the head's own unit: the only person asked is the actor, so nobody is told.
    assert received(task, NotificationKind.OBSTACLE_RAISED) == set()
    services.obstacle_answer(acting_user=org.btc_head, obstacle=obstacle, answer="Tự xử lý")
    assert received(task, NotificationKind.OBSTACLE_ANSWERED) == ids(org.btc_officer)


def test_an_escalated_obstacle_is_put_to_the_next_level_and_its_author_is_told(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, by=org.btc_officer, decider=org.btc.pk)
    assert received(task, NotificationKind.OBSTACLE_RAISED) == ids(org.btc_head)
    moved = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=obstacle.response_due_on + D(days=1))
    assert moved is not None and moved.waiting_on_id == org.city.pk
    # The committee answers through its standing body.
    assert received(task, NotificationKind.OBSTACLE_ESCALATED) == ids(org.leader, org.btc_officer)
    Notification.objects.filter(kind=NotificationKind.OBSTACLE_ESCALATED).delete()
    top = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=moved.response_due_on + D(days=1))
    assert top is not None and top.waiting_on_id == org.office.pk
    assert received(task, NotificationKind.OBSTACLE_ESCALATED) == ids(org.monitor, org.btc_officer)


def test_a_confidence_rating_is_told_to_the_people_working_on_the_task(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    services.confidence_rate(acting_user=org.monitor, task=task, level="amber_red")
    assert received(task, NotificationKind.CONFIDENCE) == ids(org.btc_head, org.btc_officer)
    assert "Vàng - đỏ" in Notification.objects.filter(kind=NotificationKind.CONFIDENCE).first().title  # type: ignore[union-attr]


def test_an_approved_reassignment_tells_the_unit_that_asked_and_hands_the_task_to_the_new_one(
    org: Org, in_progress: MakeTask
) -> None:
    task = in_progress()
    request = task_services.reassignment_request_create(
        acting_user=org.btc_head, task=task, proposed_unit_id=org.phuxuan.pk, reason="Thuộc địa bàn phường"
    )
    Notification.objects.all().delete()
    task_services.reassignment_request_decide(acting_user=org.leader, request=request, approve=True)
    got = {(n.recipient_id, n.kind) for n in Notification.objects.filter(task=task)}
    # The asking unit's head hears the answer; the new lead unit's head gets the task as a new one.
    assert (org.btc_head.pk, NotificationKind.REQUEST_DECIDED) in got
    assert (org.phuxuan_head.pk, NotificationKind.TASK_ISSUED) in got
    assert (org.phuxuan_head.pk, NotificationKind.REQUEST_DECIDED) not in got
    assert all(recipient != org.leader.pk for recipient, _kind in got)
