"""Programs and items: who may write, what is refused, version conflicts, the audit journal, items and tasks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.programs import services
from sauro.programs.access import programs_visible_to
from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.programs.services import ItemInput
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.rules import six_clears

pytestmark = pytest.mark.django_db


def item(program: WorkProgram, by: Any, **kw: Any) -> WorkProgramItem:
    data = {"key": "1", "content": "Tổng kết công tác tổ chức xây dựng Đảng năm 2025", **kw}
    return services.item_create(acting_user=by, program=program, data=ItemInput(**data))


# --- programs ---------------------------------------------------------------------------------------------------


def test_program_create_defaults_title_and_audits(org: Any, program: WorkProgram) -> None:
    assert program.title == "Chương trình công tác năm 2026 của Ban Tổ chức Thành ủy"
    assert program.period_label == "Năm 2026"
    entry = AuditEntry.objects.filter(action="workprogram.create").get()
    assert entry.object_id == str(program.pk)
    assert entry.unit_id_snapshot == org.btc.pk


def test_one_program_per_unit_and_period(org: Any, program: WorkProgram, make_program: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_program()
    assert exc.value.message == "Ban Tổ chức Thành ủy đã có chương trình công tác năm 2026."
    q1 = make_program(quarter=1)
    assert q1.period_label == "Quý I/2026"
    with pytest.raises(ValidationFailed, match="quý I năm 2026"):
        make_program(quarter=1)
    make_program(quarter=2)
    make_program(year=2027)


@pytest.mark.parametrize(
    ("who", "unit", "allowed"),
    [
        ("monitor", "btc", True),
        ("leader", "phuxuan", True),
        ("btc_head", "btc", True),
        ("btc_head", "btc_dept", False),  # a head writes their own unit's program only (like drafting tasks)
        ("btc_officer", "btc_dept", False),
        ("inspector", "btc", False),
        ("phuxuan_head", "phuxuan", True),
    ],
)
def test_who_may_create(org: Any, today: Any, who: str, unit: str, allowed: bool) -> None:
    user, target = getattr(org, who), getattr(org, unit)
    if allowed:
        services.program_create(acting_user=user, unit_id=target.pk, year=2026)
    else:
        with pytest.raises(PermissionDeniedError):
            services.program_create(acting_user=user, unit_id=target.pk, year=2026)


def test_another_units_program_cannot_be_created(org: Any, today: Any) -> None:
    with pytest.raises(ValidationFailed, match="Không tìm thấy cơ quan, đơn vị"):
        services.program_create(acting_user=org.phuxuan_head, unit_id=org.ancuu.pk, year=2026)


def test_bad_year_and_quarter(org: Any, today: Any) -> None:
    with pytest.raises(ValidationFailed, match="Năm phải từ 2000 đến 2100"):
        services.program_create(acting_user=org.monitor, unit_id=org.btc.pk, year=1999)
    with pytest.raises(ValidationFailed, match="Quý phải từ 1 đến 4"):
        services.program_create(acting_user=org.monitor, unit_id=org.btc.pk, year=2026, quarter=5)


def test_program_update_with_version(org: Any, program: WorkProgram) -> None:
    updated = services.program_update(
        acting_user=org.btc_head, program=program, expected_version=1, title="CTCT 2026", state="approved"
    )
    assert (updated.title, updated.state, updated.version) == ("CTCT 2026", "approved", 2)
    with pytest.raises(Conflict):
        services.program_update(acting_user=org.monitor, program=program, expected_version=1, title="X", state="draft")
    assert WorkProgram.objects.get(pk=program.pk).title == "CTCT 2026"


def test_visibility_gate(org: Any, make_program: Any) -> None:
    btc = make_program(unit=org.btc)
    dept = make_program(unit=org.btc_dept)
    ward = make_program(unit=org.phuxuan)
    city = make_program(unit=org.city)
    assert set(programs_visible_to(org.inspector)) == {btc, dept, ward, city}  # committee-wide role
    assert set(programs_visible_to(org.btc_head)) == {btc, dept}  # the unit's subtree
    assert set(programs_visible_to(org.btc_officer)) == {dept}
    assert set(programs_visible_to(org.phuxuan_head)) == {ward}  # not the city's, not An Cựu's
    assert set(programs_visible_to(org.ancuu_officer)) == set()


# --- items ------------------------------------------------------------------------------------------------------


def test_item_create_update_delete(org: Any, program: WorkProgram) -> None:
    it = item(program, org.btc_head, month=5, lead_unit_id=org.btc.pk, product="Báo cáo")
    assert it.quarter == 2  # derived from the month
    assert it.position == 1
    updated = services.item_update(
        acting_user=org.btc_head,
        item=it,
        expected_version=1,
        data=ItemInput(key="1", content="Nội dung mới", month=6, quarter=2),
    )
    assert (updated.content, updated.month, updated.version) == ("Nội dung mới", 6, 2)
    with pytest.raises(Conflict):
        services.item_update(
            acting_user=org.btc_head, item=it, expected_version=1, data=ItemInput(key="1", content="Cũ")
        )
    services.item_delete(acting_user=org.btc_head, item=it)
    assert not WorkProgramItem.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="workprogramitem").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["workprogramitem.create", "workprogramitem.update", "workprogramitem.delete"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"key": " "}, "STT/mã mục không được để trống."),
        ({"content": "  "}, "Nội dung công việc không được để trống."),
        ({"month": 13}, "Tháng phải từ 1 đến 12."),
        ({"quarter": 0}, "Quý phải từ 1 đến 4."),
        ({"month": 5, "quarter": 3}, "Tháng 5 thuộc quý 2, không phải quý 3."),
        ({"product_kind": "xyz"}, "Loại sản phẩm không hợp lệ."),
    ],
)
def test_item_refusals(org: Any, program: WorkProgram, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        item(program, org.btc_head, **kw)
    assert exc.value.message == message


def test_item_key_unique_and_quarterly_program_bounds(org: Any, make_program: Any) -> None:
    q2 = make_program(quarter=2)
    item(q2, org.monitor, month=4)
    with pytest.raises(ValidationFailed, match="Chương trình đã có mục “1”"):
        item(q2, org.monitor)
    with pytest.raises(ValidationFailed, match="Tháng 7 không thuộc quý 2 của chương trình"):
        item(q2, org.monitor, key="2", month=7)


def test_item_lead_unit_must_be_visible(org: Any, make_program: Any) -> None:
    ward = make_program(unit=org.phuxuan, by=org.phuxuan_head)
    with pytest.raises(ValidationFailed, match="Không tìm thấy cơ quan, đơn vị"):
        item(ward, org.phuxuan_head, lead_unit_id=org.ancuu.pk)


def test_officer_may_not_write_items(org: Any, program: WorkProgram) -> None:
    with pytest.raises(PermissionDeniedError):
        item(program, org.btc_officer)


# --- items and tasks --------------------------------------------------------------------------------------------


def test_item_becomes_a_prefilled_draft(org: Any, program: WorkProgram) -> None:
    it = item(
        program,
        org.btc_head,
        content="Rà soát quy hoạch cán bộ diện Ban Thường vụ quản lý\nchi tiết kèm theo",
        month=4,
        lead_unit_id=org.btc_dept.pk,
        product="Báo cáo kết quả rà soát",
        product_kind=ProductKind.REPORT,
    )
    task = services.item_create_task(acting_user=org.btc_head, item=it)
    assert task.state == TaskState.DRAFT
    assert task.title == "Rà soát quy hoạch cán bộ diện Ban Thường vụ quản lý"
    assert task.content.endswith("chi tiết kèm theo")
    assert task.owner_unit == org.btc
    assert task.lead_unit == org.btc_dept
    assert task.product_kind == ProductKind.REPORT
    assert task.product_description == "Báo cáo kết quả rà soát"
    assert task.due_date == datetime.date(2026, 4, 30)  # the end of the item's month
    it.refresh_from_db()
    assert it.task == task
    assert it.version == 2
    clears = six_clears(task, issue_date=datetime.date(2026, 3, 2))
    assert {"person", "authority"} <= set(clears.missing)  # a draft: the checklist names what is still missing
    with pytest.raises(Conflict, match="đã gắn với nhiệm vụ"):
        services.item_create_task(acting_user=org.btc_head, item=it)
    assert AuditEntry.objects.filter(action="workprogramitem.create_task").count() == 1
    assert AuditEntry.objects.filter(action="task.created", object_id=str(task.pk)).count() == 1


@pytest.mark.parametrize(
    ("kw", "due"),
    [
        ({"due_date": datetime.date(2026, 6, 15), "month": 5}, datetime.date(2026, 6, 15)),
        ({"month": 2}, datetime.date(2026, 2, 28)),
        ({"quarter": 3}, datetime.date(2026, 9, 30)),
        ({}, None),
    ],
)
def test_task_due_date_from_item(org: Any, program: WorkProgram, kw: dict[str, Any], due: Any) -> None:
    it = item(program, org.btc_head, **kw)
    assert services.item_create_task(acting_user=org.btc_head, item=it).due_date == due


def test_link_and_unlink_a_visible_task(org: Any, program: WorkProgram, make_draft: Any) -> None:
    it = item(program, org.btc_head)
    mine = services.item_create_task(acting_user=org.btc_head, item=item(program, org.btc_head, key="2"))
    linked = services.item_link_task(acting_user=org.btc_head, item=it, task_id=mine.pk)
    assert linked.task == mine
    unlinked = services.item_link_task(acting_user=org.btc_head, item=it, task_id=None)
    assert unlinked.task is None
    # A draft of Văn phòng is not visible to Ban Tổ chức's head: refused as unknown.
    other = make_draft()
    with pytest.raises(ValidationFailed, match="Không tìm thấy nhiệm vụ"):
        services.item_link_task(acting_user=org.btc_head, item=it, task_id=other.pk)
