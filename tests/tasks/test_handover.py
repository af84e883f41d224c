"""A person who leaves a unit keeps their history but hands their open tasks to the unit's head (issue 21 point 4):
at once when the end is already past, at midnight (the daily pass) when it was entered ahead of time; a role changed
within the unit hands nothing over; the head is told once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sauro.accounts.services import user_create
from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict
from sauro.daily.jobs import run_daily_pass
from sauro.identity.memberships import Grant, memberships_sync
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.org.choices import Role
from sauro.org.models import Membership
from sauro.org.services import membership_change, membership_create, membership_end, membership_ends_catch_up
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import EventKind, TaskState
from sauro.tasks.models import Submission, Task, TaskEvent
from sauro.tasks.services import task_accept, task_approve, task_issue, task_submit, task_update

from ..conftest import PASSWORD, START
from .conftest import TODAY

DAY = datetime.timedelta(days=1)


@pytest.fixture
def leaver(org: Any) -> Any:
    """An officer of the Ban's department and nowhere else."""
    user = user_create(acting_user=None, username="cv.roi", full_name="Lý Văn Rời", password=PASSWORD)
    membership_create(acting_user=None, person=user, unit=org.btc_dept, role=Role.OFFICER, valid_from=START)
    return user


def _membership(person: Any, unit: Any = None) -> Membership:
    found = Membership.objects.filter(person=person, valid_to__isnull=True)
    return found.get(unit=unit) if unit is not None else found.get()


def _in_progress(org: Any, make_draft: Any, person: Any, **fields: Any) -> Task:
    task = make_draft(**fields)
    task_issue(acting_user=org.monitor, task=task)
    return task_accept(acting_user=org.btc_head, task=task, officer_ids=[person.pk], responsible_person_id=person.pk)


def _handovers(person: Any) -> list[TaskEvent]:
    return list(TaskEvent.objects.filter(kind=EventKind.HANDED_OVER, data__person_id=person.pk))


def _told(head: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=head, kind=NotificationKind.TASKS_HANDED_OVER))


def test_leaving_hands_the_open_tasks_to_the_head_and_keeps_the_history(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    open_task = _in_progress(org, make_draft, leaver, title="Rà soát quy hoạch cán bộ")
    draft = make_draft(title="Dự thảo kế hoạch luân chuyển", responsible_person=leaver.pk)
    done = _in_progress(org, make_draft, leaver, title="Báo cáo công tác tổ chức quý I")
    task_submit(acting_user=leaver, task=done, product_note="Báo cáo số 12-BC/BTCTU")
    task_approve(acting_user=org.leader, task=done)
    stale_version = draft.version

    membership_end(acting_user=org.monitor, membership=_membership(leaver), valid_to=TODAY - DAY)

    open_task.refresh_from_db()
    draft.refresh_from_db()
    done.refresh_from_db()
    assert open_task.responsible_person == org.btc_head
    assert list(open_task.officers.all()) == []
    assert draft.responsible_person == org.btc_head
    # Done tasks, their submissions and events keep the person's name.
    assert done.state == TaskState.DONE and done.responsible_person == leaver
    assert list(done.officers.all()) == [leaver]
    assert Submission.objects.get(task=done).submitted_by == leaver
    assert TaskEvent.objects.filter(task=done, kind=EventKind.SUBMITTED, actor=leaver).exists()
    # Each handed task: a new version (an edit begun before is refused), an event by whoever ended the membership.
    events = _handovers(leaver)
    assert sorted(e.task_id for e in events) == sorted([open_task.pk, draft.pk])
    assert {e.actor_id for e in events} == {org.monitor.pk}
    by_task = {e.task_id: e.note for e in events}
    assert by_task[open_task.pk] == (
        f"Lý Văn Rời thôi giữ vai trò tại “Phòng Tổ chức cán bộ” từ ngày {TODAY:%d/%m/%Y}: "
        "Lê Văn Tổ chịu trách nhiệm chính thay; thôi là cán bộ thực hiện."
    )
    journalled = AuditEntry.objects.filter(action="task.handed_over")
    assert sorted(int(pk) for pk in journalled.values_list("object_id", flat=True)) == sorted([open_task.pk, draft.pk])
    assert journalled.get(object_id=str(open_task.pk)).after["responsible_person_id"] == org.btc_head.pk
    with pytest.raises(Conflict):
        task_update(acting_user=org.monitor, task=draft, changes={"title": "Sửa muộn"}, expected_version=stale_version)
    # One notification for the whole handover.
    (note,) = _told(org.btc_head)
    assert note.title == (
        f"Đ/c Lý Văn Rời đã thôi giữ vai trò tại Phòng Tổ chức cán bộ từ ngày {TODAY:%d/%m/%Y}: "
        "2 nhiệm vụ được chuyển cho đồng chí theo dõi"
    )
    assert "Rà soát quy hoạch cán bộ" in note.body and "Dự thảo kế hoạch luân chuyển" in note.body
    assert "Báo cáo công tác tổ chức quý I" not in note.body
    # The person no longer sees the tasks handed over; the done one they were named on stays in their history.
    visible = set(tasks_visible_to(leaver).values_list("pk", flat=True))
    assert open_task.pk not in visible and draft.pk not in visible
    assert done.pk in visible


def test_a_second_pass_hands_nothing_twice(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    task = _in_progress(org, make_draft, leaver)
    membership_end(acting_user=org.monitor, membership=_membership(leaver), valid_to=TODAY - DAY)
    version = Task.objects.get(pk=task.pk).version
    assert membership_ends_catch_up(TODAY) == 0
    today.set(TODAY + DAY)
    assert membership_ends_catch_up(TODAY + DAY) == 0
    assert len(_handovers(leaver)) == 1
    assert len(_told(org.btc_head)) == 1
    assert Task.objects.get(pk=task.pk).version == version


def test_a_role_changed_in_the_same_unit_hands_nothing(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    task = _in_progress(org, make_draft, leaver)
    membership_change(
        acting_user=org.monitor,
        membership=_membership(leaver),
        role=Role.UNIT_HEAD,
        position="Phó Trưởng phòng",
        on_date=TODAY - DAY,
    )
    today.set(TODAY + DAY)
    assert run_daily_pass.call(day=(TODAY + DAY).isoformat())["handed_over"] == 0
    task.refresh_from_db()
    assert task.responsible_person == leaver and list(task.officers.all()) == [leaver]
    assert _handovers(leaver) == [] and _told(org.btc_head) == []


def test_an_end_entered_ahead_takes_effect_at_midnight(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    task = _in_progress(org, make_draft, leaver)
    last_day = TODAY + 2 * DAY
    membership_end(acting_user=org.monitor, membership=_membership(leaver), valid_to=last_day)
    assert membership_ends_catch_up(TODAY) == 0
    today.set(last_day)  # still in force on its last day
    assert membership_ends_catch_up(last_day) == 0
    task.refresh_from_db()
    assert task.responsible_person == leaver and task.pk in tasks_visible_to(leaver).values_list("pk", flat=True)

    today.set(last_day + DAY)
    summary: Any = run_daily_pass.call(day=(last_day + DAY).isoformat())
    assert summary["handed_over"] == 1
    task.refresh_from_db()
    assert task.responsible_person == org.btc_head
    (event,) = _handovers(leaver)
    assert event.actor is None and event.actor_name == "Hệ thống"
    # The daily pass the next day (or a duplicate run) tells nobody again.
    assert run_daily_pass.call(day=(last_day + DAY).isoformat())["handed_over"] == 0
    today.set(last_day + 2 * DAY)
    assert run_daily_pass.call(day=(last_day + 2 * DAY).isoformat())["handed_over"] == 0
    (note,) = _told(org.btc_head)
    assert f"từ ngày {last_day + DAY:%d/%m/%Y}: 1 nhiệm vụ" in note.title
    assert note.task_id == task.pk


def test_moving_within_the_lead_unit_keeps_its_tasks(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    """The Ban's tasks may be carried by its departments' people: one who moves to the Ban itself keeps them."""
    task = _in_progress(org, make_draft, leaver)
    membership_create(acting_user=org.monitor, person=leaver, unit=org.btc, role=Role.OFFICER, valid_from=TODAY)
    membership_end(acting_user=org.monitor, membership=_membership(leaver, org.btc_dept), valid_to=TODAY - DAY)
    task.refresh_from_db()
    assert task.responsible_person == leaver and _handovers(leaver) == []


def test_an_officer_leaving_is_taken_off_and_the_head_told(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    task = task_accept(acting_user=org.btc_head, task=task, officer_ids=[leaver.pk, org.btc_officer.pk])
    membership_end(acting_user=org.monitor, membership=_membership(leaver), valid_to=TODAY - DAY)
    task.refresh_from_db()
    assert task.responsible_person == org.btc_head  # the responsible person was the head all along
    assert list(task.officers.all()) == [org.btc_officer]
    assert len(_told(org.btc_head)) == 1


def test_a_supervising_leader_leaving_hands_to_the_owner_units_leader_first(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    deputy = user_create(acting_user=None, username="pho.vp", full_name="Phan Văn Phó", password=PASSWORD)
    membership_create(acting_user=None, person=deputy, unit=org.office, role=Role.UNIT_HEAD, valid_from=START)
    chief = user_create(acting_user=None, username="chanh.vp", full_name="Châu Văn Chánh", password=PASSWORD)
    membership_create(acting_user=None, person=chief, unit=org.office, role=Role.LEADER, valid_from=START)
    supervisor = user_create(acting_user=None, username="ld.vp", full_name="Lâm Văn Đạo", password=PASSWORD)
    membership_create(acting_user=None, person=supervisor, unit=org.office, role=Role.LEADER, valid_from=TODAY - DAY)
    task = make_draft(supervising_leader=supervisor.pk)  # owned by Văn phòng
    membership_end(acting_user=org.monitor, membership=_membership(supervisor), valid_to=TODAY - DAY)
    task.refresh_from_db()
    assert task.supervising_leader == chief
    assert len(_told(chief)) == 1 and _told(deputy) == []


def test_a_unit_without_a_head_hands_to_the_parents_head(org, make_draft, today, leaver) -> None:  # type: ignore[no-untyped-def]
    task = make_draft(lead_unit=org.btc_dept.pk, responsible_person=leaver.pk)
    task_issue(acting_user=org.monitor, task=task)
    task_accept(acting_user=org.btc_dept_head, task=task)
    membership_end(acting_user=org.monitor, membership=_membership(org.btc_dept_head), valid_to=TODAY - 2 * DAY)
    membership_end(acting_user=org.monitor, membership=_membership(leaver), valid_to=TODAY - DAY)
    task.refresh_from_db()
    assert task.responsible_person == org.btc_head
    assert len(_told(org.btc_head)) == 1


GROUPS = {
    "tccb-chuyenvien": Grant(unit_code="BTCTU-TCCB", role=Role.OFFICER),
    "tccb-lanhdao": Grant(unit_code="BTCTU-TCCB", role=Role.UNIT_HEAD, position="Phó Trưởng phòng"),
}


def test_the_directory_sync_hands_over_when_the_groups_leave_the_unit(org, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    user = user_create(acting_user=None, username="cv.sso", full_name="Kha Văn Nhóm", password=PASSWORD)
    today.set(TODAY - 10 * DAY)
    memberships_sync(user=user, table=GROUPS, groups=["tccb-chuyenvien"])
    today.set(TODAY)
    task = _in_progress(org, make_draft, user)

    # Promoted within the department: the groups change, the tasks stay.
    memberships_sync(user=user, table=GROUPS, groups=["tccb-lanhdao"])
    task.refresh_from_db()
    assert task.responsible_person == user and _handovers(user) == []

    # Out of the department's groups two days later: the Ban's task goes to the Ban's head.
    today.set(TODAY + 2 * DAY)
    memberships_sync(user=user, table=GROUPS, groups=[])
    task.refresh_from_db()
    assert task.responsible_person == org.btc_head
    assert len(_handovers(user)) == 1 and len(_told(org.btc_head)) == 1
