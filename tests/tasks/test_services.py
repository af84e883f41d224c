"""Task services: drafting with gaps, the six clears at issue, the lifecycle, requests, restructuring."""

from __future__ import annotations

import datetime

import pytest

from sauro.audit.models import AuditEntry
from sauro.audit.verify import audit_verify
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.org.services import units_merge
from sauro.tasks import rules
from sauro.tasks.choices import EventKind, RequestState, TaskState
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import (
    ERR_NOT_AUTHORITY,
    ERR_NOT_LEAD_HEAD,
    ERR_NOT_WORKER,
    ERR_STALE,
    extension_request_create,
    extension_request_decide,
    reassignment_request_create,
    reassignment_request_decide,
    task_accept,
    task_approve,
    task_cancel,
    task_create,
    task_issue,
    task_return,
    task_submit,
    task_update,
)

from .conftest import TODAY, complete_fields


def test_a_draft_may_have_gaps_and_names_each(org, today):
    task = task_create(acting_user=org.monitor, owner_unit=org.office, fields={"title": "Cụ thể hóa Nghị quyết"})
    assert task.state == TaskState.DRAFT
    clears = rules.six_clears(task, issue_date=TODAY)
    assert set(clears.missing) == set(rules.CLEAR_NAMES)
    assert clears.missing["authority"] == rules.ERR_AUTHORITY_MISSING
    assert clears.missing["time"] == rules.ERR_DUE_MISSING


def test_issue_refuses_while_a_clear_is_missing(org, make_draft):
    task = make_draft(authority_unit=None)
    with pytest.raises(ValidationFailed) as exc:
        task_issue(acting_user=org.monitor, task=task)
    assert exc.value.code == "six_clears_incomplete"
    assert exc.value.fields == {"authority": rules.ERR_AUTHORITY_MISSING}
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT


@pytest.mark.parametrize(
    ("overrides", "clear", "message"),
    [
        ({"responsible_person": None}, "person", rules.ERR_PERSON_MISSING),
        ({"content": "Làm."}, "task", rules.ERR_CONTENT_TOO_SHORT),
        ({"due_date": TODAY - datetime.timedelta(days=1)}, "time", rules.ERR_DUE_IN_PAST.format(issue_date=TODAY)),
        ({"is_ongoing": True, "due_date": None}, "time", rules.ERR_ONGOING_NO_CADENCE),
        ({"lead_unit": None}, "responsibility", rules.ERR_LEAD_MISSING),
        ({"product_description": ""}, "product", rules.ERR_PRODUCT_DESCRIPTION_MISSING),
    ],
)
def test_each_hard_rule(org, make_draft, overrides, clear, message):
    task = make_draft(**overrides)
    clears = rules.six_clears(task, issue_date=TODAY)
    assert clears.missing.get(clear) == message


def test_lead_unit_may_not_coordinate_and_authority_must_be_above(org, today):
    # The department's head drafts for the department (the authority is within its reach) a task led by the Ban.
    fields = complete_fields(
        org, coordinating_units=[org.btc.pk], authority_unit=org.btc_dept.pk, supervising_leader=None
    )
    task = task_create(acting_user=org.btc_dept_head, owner_unit=org.btc_dept, fields=fields)
    clears = rules.six_clears(task, issue_date=TODAY)
    assert clears.missing["responsibility"] == rules.ERR_LEAD_ALSO_COORDINATOR
    assert clears.missing["authority"] == rules.ERR_AUTHORITY_BELOW_LEAD


def test_person_must_hold_a_role_in_the_lead_unit(org, make_draft):
    task = make_draft(responsible_person=org.phuxuan_head.pk)
    assert rules.six_clears(task, issue_date=TODAY).missing["person"] == rules.ERR_PERSON_NOT_IN_LEAD
    # An officer of a department of the lead unit is part of it.
    task = make_draft(responsible_person=org.btc_officer.pk)
    assert "person" not in rules.six_clears(task, issue_date=TODAY).missing


def test_vague_content_warns_but_does_not_block(org, make_draft):
    task = make_draft(content="Tiếp tục tăng cường.")
    clears = rules.six_clears(task, issue_date=TODAY)
    assert any("chung chung" in w for w in clears.warnings)
    concrete = make_draft(content="Tăng cường kiểm tra việc thực hiện quy chế làm việc tại 40 đảng ủy xã, phường.")
    assert not rules.six_clears(concrete, issue_date=TODAY).warnings


def test_full_lifecycle_completes_on_the_submission_date(org, make_draft, today):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    today.set(TODAY + datetime.timedelta(days=10))
    submission = task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo số 12-BC/BTCTU")
    today.set(TODAY + datetime.timedelta(days=40))  # approved after the due date …
    task = task_approve(acting_user=org.leader, task=task)
    assert task.state == TaskState.DONE
    # … but completed when the product was submitted, within the due date.
    assert task.completed_on == submission.submitted_on == TODAY + datetime.timedelta(days=10)
    assert task.progress == 100
    kinds = list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ISSUED, EventKind.ACCEPTED, EventKind.SUBMITTED, EventKind.APPROVED]
    assert AuditEntry.objects.filter(object_type="tasks.task", object_id=str(task.pk)).count() == 5
    assert audit_verify().ok


def test_permissions_per_role(org, make_draft):
    task = make_draft()
    with pytest.raises(PermissionDeniedError):
        task_issue(acting_user=org.phuxuan_head, task=task)
    task_issue(acting_user=org.monitor, task=task)
    with pytest.raises(PermissionDeniedError) as exc:
        task_accept(acting_user=org.btc_officer, task=task)
    assert exc.value.message == ERR_NOT_LEAD_HEAD
    task_accept(acting_user=org.btc_head, task=task)
    with pytest.raises(PermissionDeniedError) as exc:
        task_submit(acting_user=org.ancuu_officer, task=task, product_note="x")
    assert exc.value.message == ERR_NOT_WORKER
    task_submit(acting_user=org.btc_head, task=task, product_note="Báo cáo")
    for outsider in (org.monitor, org.btc_head, org.phuxuan_head):
        with pytest.raises(PermissionDeniedError) as exc:
            task_approve(acting_user=outsider, task=task)
        assert exc.value.message == ERR_NOT_AUTHORITY


def test_officers_must_belong_to_the_lead_unit(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    with pytest.raises(ValidationFailed):
        task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.ancuu_officer.pk])
    task.refresh_from_db()
    assert task.state == TaskState.ISSUED


def test_a_returned_product_is_not_completed_until_resubmitted(org, make_draft, today):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    task_accept(acting_user=org.btc_head, task=task)
    task_submit(acting_user=org.btc_head, task=task, product_note="Bản đầu")
    with pytest.raises(ValidationFailed):
        task_return(acting_user=org.leader, task=task, reason="  ")
    task = task_return(acting_user=org.leader, task=task, reason="Thiếu danh sách đề xuất")
    assert task.state == TaskState.RETURNED
    assert task.completed_on is None
    assert task.bounce_count == 1
    today.set(TODAY + datetime.timedelta(days=45))
    task_submit(acting_user=org.btc_head, task=task, product_note="Bản hoàn chỉnh")
    task = task_approve(acting_user=org.leader, task=task)
    assert task.completed_on == TODAY + datetime.timedelta(days=45)


def test_wrong_state_is_a_conflict(org, make_draft):
    task = make_draft()
    with pytest.raises(Conflict):
        task_accept(acting_user=org.btc_head, task=task)
    task_issue(acting_user=org.monitor, task=task)
    with pytest.raises(Conflict):
        task_issue(acting_user=org.monitor, task=task)


def test_stale_draft_edit_is_a_conflict_and_changes_nothing(org, make_draft):
    task = make_draft()
    task_update(acting_user=org.monitor, task=task, changes={"title": "Tên mới"}, expected_version=task.version)
    with pytest.raises(Conflict) as exc:
        task_update(acting_user=org.monitor, task=task, changes={"title": "Tên cũ hơn"}, expected_version=task.version)
    assert exc.value.message == ERR_STALE
    task.refresh_from_db()
    assert task.title == "Tên mới"


def test_only_drafts_are_edited(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    with pytest.raises(Conflict):
        task_update(acting_user=org.monitor, task=task, changes={"title": "Khác"})


def test_draft_references_must_be_visible(org, today):
    with pytest.raises(ValidationFailed) as exc:
        task_create(
            acting_user=org.phuxuan_head,
            owner_unit=org.phuxuan,
            fields={"title": "Việc của phường", "coordinating_units": [org.ancuu.pk]},
        )
    assert "coordinating_units" in exc.value.fields


def test_cancel_by_the_authority_with_a_reason(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    with pytest.raises(PermissionDeniedError):
        task_cancel(acting_user=org.btc_head, task=task, reason="Không cần nữa")
    with pytest.raises(ValidationFailed):
        task_cancel(acting_user=org.leader, task=task, reason="")
    task = task_cancel(acting_user=org.leader, task=task, reason="Nội dung đã được lồng ghép vào nhiệm vụ khác")
    assert task.state == TaskState.CANCELLED
    assert task.cancel_reason.startswith("Nội dung")


def test_extension_keeps_the_original_due_date(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    original = task.due_date
    new_due = original + datetime.timedelta(days=14)
    with pytest.raises(ValidationFailed):
        extension_request_create(acting_user=org.btc_head, task=task, new_due_date=original, reason="Chờ số liệu")
    request = extension_request_create(acting_user=org.btc_head, task=task, new_due_date=new_due, reason="Chờ số liệu")
    with pytest.raises(Conflict):
        extension_request_create(acting_user=org.btc_head, task=task, new_due_date=new_due, reason="Lần hai")
    with pytest.raises(PermissionDeniedError):
        extension_request_decide(acting_user=org.btc_head, request=request, approve=True)
    extension_request_decide(acting_user=org.leader, request=request, approve=True, note="Đồng ý")
    task.refresh_from_db()
    assert task.due_date == new_due
    assert task.original_due_date == original
    assert task.extension_count == 1
    with pytest.raises(Conflict):
        extension_request_decide(acting_user=org.leader, request=request, approve=False)


def test_reassignment_proposes_only_units_under_the_authority(org, today):
    fields = complete_fields(org, authority_unit=org.btc.pk, coordinating_units=[], supervising_leader=None)
    task = task_create(acting_user=org.btc_head, owner_unit=org.btc, fields=fields)
    task_issue(acting_user=org.btc_head, task=task)
    for outside in (org.office.pk, org.phuxuan.pk, 999_999):
        with pytest.raises(ValidationFailed) as exc:
            reassignment_request_create(acting_user=org.btc_head, task=task, proposed_unit_id=outside, reason="Lý do")
        assert "proposed_unit_id" in exc.value.fields
    reassignment_request_create(acting_user=org.btc_head, task=task, proposed_unit_id=org.btc_dept.pk, reason="Lý do")


def test_reassignment_moves_the_task_and_counts_bounces(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    office_head(org)  # Văn phòng needs a head to be handed the task
    request = reassignment_request_create(
        acting_user=org.btc_head, task=task, proposed_unit_id=org.office.pk, reason="Thuộc chức năng Văn phòng"
    )
    task.refresh_from_db()
    assert task.bounce_count == 1
    reassignment_request_decide(acting_user=org.leader, request=request, approve=True)
    task.refresh_from_db()
    assert task.lead_unit_id == org.office.pk
    assert task.state == TaskState.ISSUED
    assert not task.coordinating_units.filter(pk=org.office.pk).exists()
    assert task.responsible_person is None  # the new lead unit names its own when it accepts
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    # Two more bounces (products returned) flag the task as possible buck-passing (đùn đẩy).
    for _ in range(2):
        task.refresh_from_db()
        task_submit_and_return(org, task)
    task.refresh_from_db()
    assert task.bounce_count == 3
    assert task.is_buck_passing_suspect


def office_head(org) -> None:
    """The office's monitor also heads it as a unit (the test organisation gives Văn phòng no unit head)."""
    from sauro.org.choices import Role
    from sauro.org.models import Membership
    from sauro.org.services import membership_create

    if not Membership.objects.filter(person=org.monitor, unit=org.office, role=Role.UNIT_HEAD).exists():
        membership_create(
            acting_user=None, person=org.monitor, unit=org.office, role=Role.UNIT_HEAD, valid_from=org.START
        )


def task_submit_and_return(org, task: Task) -> None:
    office_head(org)
    if task.state == TaskState.ISSUED:
        with pytest.raises(ValidationFailed):
            task_accept(acting_user=org.monitor, task=task)
        task_accept(acting_user=org.monitor, task=task, responsible_person_id=org.monitor.pk)
        task.refresh_from_db()
        assert task.responsible_person_id == org.monitor.pk
    task_submit(acting_user=org.monitor, task=task, product_note="Sản phẩm")
    task_return(acting_user=org.leader, task=task, reason="Chưa đạt")


def test_merging_a_lead_unit_moves_its_open_tasks(org, make_draft):
    open_task = make_draft(lead_unit=org.ancuu.pk, responsible_person=org.ancuu_head.pk, coordinating_units=[])
    task_issue(acting_user=org.monitor, task=open_task)
    done = make_draft(lead_unit=org.ancuu.pk, responsible_person=org.ancuu_head.pk, coordinating_units=[])
    task_issue(acting_user=org.monitor, task=done)
    task_cancel(acting_user=org.leader, task=done, reason="Dừng")
    units_merge(acting_user=org.admin, predecessors=[org.ancuu], successor=org.phuxuan, on_date=TODAY)
    open_task.refresh_from_db()
    done.refresh_from_db()
    assert open_task.lead_unit_id == org.phuxuan.pk
    assert done.lead_unit_id == org.ancuu.pk  # history keeps the unit of the time
    assert TaskEvent.objects.filter(task=open_task, kind=EventKind.UNIT_SUCCEEDED).exists()
    assert audit_verify().ok
