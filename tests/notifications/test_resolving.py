"""A notification whose reason is gone is resolved for everyone it was sent to (issue 17, point 3): a product
decided, an obstacle answered (by whichever leader), a request decided, a task cancelled, a report sent. Resolved
notices stay in the list, greyed and saying who handled them, and leave the bell; similar ones are grouped."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.monitoring import services as monitoring
from sauro.notifications import selectors
from sauro.notifications.choices import EmailState, NotificationKind
from sauro.notifications.models import Notification
from sauro.notifications.services import notify, resolve_for, subject_key
from sauro.org.choices import Role
from sauro.tasks import services as task_services
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import Clock

from .conftest import MakeNotification

N = NotificationKind
LIST = reverse("notifications:list")
MakeTask = Callable[..., Task]


def second_leader(org: Org) -> User:
    """A deputy secretary in Thường trực: a second leader who may decide and answer for it."""
    return org.person("phobithu", "Trần Văn Phó", org.standing, Role.LEADER)


def notices(kind: str, **filters: Any) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, **filters).order_by("recipient_id"))


def bell_count(user: User) -> int:
    return selectors.notification_unread_count(user=user)


def test_a_decided_product_is_resolved_for_every_authority_person(org: Org, today: Clock, make_draft: MakeTask) -> None:
    deputy = second_leader(org)
    # No supervising leader: every leader of Thường trực is asked to decide.
    task = task_services.task_issue(acting_user=org.monitor, task=make_draft(supervising_leader=None))
    task_services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo kết quả")
    waiting = notices(N.TASK_SUBMITTED, task=task)
    assert {n.recipient_id for n in waiting} == {org.leader.pk, deputy.pk}
    assert bell_count(org.leader) == 1 and bell_count(deputy) == 1

    task_services.task_approve(acting_user=deputy, task=task, note="Đạt yêu cầu")

    for n in notices(N.TASK_SUBMITTED, task=task):
        assert n.resolved_at is not None
        assert n.resolved_by_name == "Trần Văn Phó"
        assert n.resolved_reason == "Sản phẩm đã được duyệt"
        assert n.read_at is None  # nobody opened it: it is resolved, not read
    assert bell_count(org.leader) == 0
    # The decision itself is news to the lead unit, not resolved.
    assert all(n.resolved_at is None for n in notices(N.TASK_APPROVED, task=task))


def test_a_returned_product_resolves_the_waiting_notice_and_a_resubmission_the_return(
    org: Org, in_progress: MakeTask
) -> None:
    task = in_progress()
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung số liệu")
    assert [n.resolved_reason for n in notices(N.TASK_SUBMITTED, task=task)] == ["Sản phẩm đã bị trả lại"]
    returned = notices(N.TASK_RETURNED, task=task)
    assert returned and all(n.resolved_at is None for n in returned)
    assert bell_count(org.btc_officer) == 1

    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo đã bổ sung")
    assert all(n.resolved_at is not None for n in notices(N.TASK_RETURNED, task=task))
    assert bell_count(org.btc_officer) == 0 and bell_count(org.btc_head) == 0
    # The new submission waits on the leader again: a fresh, unresolved notice.
    assert [n.resolved_at is None for n in notices(N.TASK_SUBMITTED, task=task)] == [False, True]
    assert bell_count(org.leader) == 1


def test_an_obstacle_answered_by_another_leader_leaves_everyones_bell(org: Org, in_progress: MakeTask) -> None:
    deputy = second_leader(org)
    task = in_progress()
    obstacle = monitoring.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Thiếu số liệu của các phường",
        proposal="Đề nghị Văn phòng đôn đốc",
        decider_unit_id=org.standing.pk,
    )
    raised = notices(N.OBSTACLE_RAISED, task=task)
    assert {n.recipient_id for n in raised} == {org.leader.pk, deputy.pk}
    assert all(n.subject == subject_key("obstacle", obstacle.pk) for n in raised)
    assert bell_count(org.leader) == 1

    monitoring.obstacle_answer(acting_user=deputy, obstacle=obstacle, answer="Đồng ý, Văn phòng đôn đốc")

    mine = Notification.objects.get(kind=N.OBSTACLE_RAISED, recipient=org.leader)
    assert mine.resolved_at is not None and mine.read_at is None
    assert (mine.resolved_by_name, mine.resolved_reason) == ("Trần Văn Phó", "Khó khăn, vướng mắc đã được trả lời")
    assert bell_count(org.leader) == 0
    # Another obstacle of the same task is not touched by this answer.
    other = monitoring.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Chưa có kinh phí",
        proposal="Đề nghị bố trí kinh phí",
        decider_unit_id=org.standing.pk,
    )
    assert bell_count(org.leader) == 1
    assert Notification.objects.get(kind=N.OBSTACLE_RAISED, recipient=org.leader, subject=f"obstacle:{other.pk}")


def test_a_cancelled_task_resolves_everything_that_asked_for_work_on_it(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung")
    notify(recipients=[org.btc_head], kind=N.OVERDUE, title="Quá hạn", task_id=task.pk)
    assert bell_count(org.btc_head) == 2  # the return and the reminder

    task_services.task_cancel(acting_user=org.leader, task=task, reason="Không còn phù hợp")

    assert bell_count(org.btc_head) == 0 and bell_count(org.btc_officer) == 0
    for kind in (N.TASK_RETURNED, N.OVERDUE):
        assert all(n.resolved_reason == "Nhiệm vụ đã dừng thực hiện" for n in notices(kind, task=task)), kind
    assert (
        Notification.objects.filter(task=task, kind__in=[N.TASK_ISSUED, N.TASK_ACCEPTED], resolved_at=None).count() == 0
    )
    # The cancellation itself is told, and is not resolved.
    told = notices(N.TASK_CANCELLED, task=task)
    assert told and all(n.resolved_at is None for n in told)


def test_a_decided_extension_resolves_its_request_notice(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    request = task_services.extension_request_create(
        acting_user=org.btc_head,
        task=task,
        new_due_date=task.due_date + datetime.timedelta(days=10),
        reason="Chờ số liệu",
    )
    asked = notices(N.REQUEST_NEW, task=task)
    assert [n.subject for n in asked] == [subject_key("extension", request.pk)]
    assert bell_count(org.leader) == 1
    task_services.extension_request_decide(acting_user=org.leader, request=request, approve=False)
    assert [n.resolved_reason for n in notices(N.REQUEST_NEW, task=task)] == ["Đề nghị không được đồng ý"]
    assert bell_count(org.leader) == 0


def test_resolve_for_keeps_the_first_resolution_and_needs_a_subject(
    org: Org, make_notification: MakeNotification
) -> None:
    n = make_notification(org.btc_head, kind=N.OVERDUE, email_state=EmailState.PENDING)
    sent = make_notification(org.ancuu_head, kind=N.OVERDUE, email_state=EmailState.SENT)
    Notification.objects.filter(pk=sent.pk).update(subject="report_duty:7")
    Notification.objects.filter(pk=n.pk).update(subject="report_duty:7")
    assert resolve_for(kinds=[N.OVERDUE], reason="x") == 0  # neither task nor subject: nothing
    assert resolve_for(subject="report_duty:8", kinds=[N.OVERDUE], reason="x") == 0
    assert resolve_for(subject="report_duty:7", kinds=[N.DUE_TODAY], reason="x") == 0
    assert resolve_for(subject="report_duty:7", kinds=[N.OVERDUE], by=org.ancuu_head, reason="Báo cáo đã được gửi") == 2
    assert resolve_for(subject="report_duty:7", kinds=[N.OVERDUE], by=org.leader, reason="y") == 0
    n.refresh_from_db()
    assert (n.resolved_by_name, n.resolved_reason) == ("Đặng Thị An", "Báo cáo đã được gửi")
    assert n.email_state == EmailState.NOT_NEEDED  # its e-mail copy, not yet sent, is not worth sending now
    sent.refresh_from_db()
    assert sent.email_state == EmailState.SENT and sent.resolved_at is not None


# --- the bell and the list ------------------------------------------------------------------------------------------


def test_the_bell_counts_only_what_needs_me_and_groups_it_by_kind(
    org: Org, make_notification: MakeNotification
) -> None:
    for _ in range(12):
        make_notification(org.leader, kind=N.TASK_SUBMITTED)
    make_notification(org.leader, kind=N.OBSTACLE_RAISED)
    make_notification(org.leader, kind=N.TASK_SUBMITTED, read=True)
    make_notification(org.leader, kind=N.TASK_APPROVED)  # news, no action
    done = make_notification(org.leader, kind=N.TASK_SUBMITTED)
    Notification.objects.filter(pk=done.pk).update(resolved_at=done.created_at)
    make_notification(org.btc_head, kind=N.TASK_SUBMITTED)

    bell = selectors.notification_bell(user=org.leader)
    assert bell.count == 13
    assert [(g.kind, g.count, g.label) for g in bell.groups] == [
        (N.TASK_SUBMITTED, 12, "12 sản phẩm chờ duyệt"),
        (N.OBSTACLE_RAISED, 1, "1 khó khăn, vướng mắc cần cho ý kiến"),
    ]
    assert bell.others == 1


def test_the_bell_is_one_query_on_every_page(
    org: Org, make_notification: MakeNotification, client_for: Any, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(3):
        make_notification(org.leader, kind=N.TASK_SUBMITTED)
    with django_assert_num_queries(1):
        selectors.notification_bell(user=org.leader)
    html = client_for(org.leader).get(reverse("home")).content.decode()
    assert "3 thông báo cần bạn xử lý" in html
    assert "3 sản phẩm chờ duyệt" in html  # the bell's menu
    assert f"{LIST}?unread=1&amp;kind=task_submitted" in html


def test_the_list_groups_similar_notices_and_greys_the_resolved(
    org: Org, make_notification: MakeNotification, client_for: Any
) -> None:
    at = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
    for i in range(12):
        make_notification(org.leader, kind=N.TASK_SUBMITTED, title=f"Sản phẩm chờ duyệt: việc {i}", at=at)
    single = make_notification(
        org.leader, kind=N.OBSTACLE_RAISED, title="Vướng mắc lẻ", at=at + datetime.timedelta(hours=1)
    )
    Notification.objects.filter(pk=single.pk).update(
        resolved_at=at + datetime.timedelta(hours=2), resolved_by_name="Trần Văn Phó", resolved_reason="Đã trả lời"
    )
    client = client_for(org.leader)
    html = client.get(LIST).content.decode()
    assert html.count('data-notif-group="task_submitted"') == 1
    assert "12 sản phẩm chờ duyệt" in html
    assert html.count("data-notification=") == 13  # every notice is still there, inside its group
    assert 'class="notif-item is-resolved"' in html
    assert "bởi Trần Văn Phó" in html and "(Đã trả lời)" in html
    assert f"{LIST}?kind=task_submitted" in html

    only = client.get(f"{LIST}?kind=obstacle_raised").content.decode()
    assert "Vướng mắc lẻ" in only and "việc 0" not in only
    unread = client.get(f"{LIST}?unread=1").content.decode()
    assert "Vướng mắc lẻ" not in unread  # resolved: no longer among the unread
    assert "việc 0" in unread


def test_the_api_says_whether_a_notice_is_resolved(org: Org, make_notification: MakeNotification) -> None:
    open_ = make_notification(org.leader, kind=N.TASK_SUBMITTED)
    done = make_notification(org.leader, kind=N.TASK_SUBMITTED)
    Notification.objects.filter(pk=done.pk).update(
        resolved_at=done.created_at, resolved_by_name="Trần Văn Phó", resolved_reason="Sản phẩm đã được duyệt"
    )
    client = Client()
    client.force_login(org.leader)
    items = {i["id"]: i for i in client.get("/api/v1/notifications").json()["items"]}
    assert items[open_.pk]["resolved"] is False and items[open_.pk]["needs_action"] is True
    assert items[done.pk]["resolved"] is True and items[done.pk]["needs_action"] is False
    assert items[done.pk]["resolved_by"] == "Trần Văn Phó"
    assert items[done.pk]["resolved_reason"] == "Sản phẩm đã được duyệt"
    unread = client.get("/api/v1/notifications?unread=true").json()["items"]
    assert [i["id"] for i in unread] == [open_.pk]
    kinds = client.get("/api/v1/notifications?kind=obstacle_raised").json()["items"]
    assert kinds == []
