"""Restructuring (PRODUCT §3): an open obstacle and the updates owed by a merged unit go to its successor."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sauro.audit.models import AuditEntry
from sauro.monitoring.models import Obstacle, UpdateExpectation
from sauro.monitoring.services import obstacle_answer, obstacle_create
from sauro.org.services import units_merge
from sauro.tasks import services as task_services
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import Clock


def _ward_task(org: Org, make_draft: Callable[..., Task]) -> Task:
    task = make_draft(lead_unit=org.phuxuan.pk, responsible_person=org.phuxuan_head.pk, coordinating_units=[])
    task_services.task_issue(acting_user=org.monitor, task=task)
    return task_services.task_accept(acting_user=org.phuxuan_head, task=task)


def test_an_open_obstacle_follows_the_merged_ward_and_an_answered_one_keeps_its_history(
    org: Org, today: Clock, make_draft: Callable[..., Task]
) -> None:
    task = _ward_task(org, make_draft)
    still_open = obstacle_create(
        acting_user=org.phuxuan_head,
        task=task,
        description="Chưa có mẫu biểu tổng hợp",
        proposal="Đề nghị dùng mẫu của Văn phòng Thành ủy",
        decider_unit_id=org.phuxuan.pk,
    )
    answered = obstacle_create(
        acting_user=org.phuxuan_head,
        task=task,
        description="Thiếu kinh phí tổ chức hội nghị",
        proposal="Đề nghị bố trí từ nguồn dự phòng của phường",
        decider_unit_id=org.phuxuan.pk,
    )
    obstacle_answer(acting_user=org.phuxuan_head, obstacle=answered, answer="Đồng ý bố trí từ nguồn dự phòng")
    owed = UpdateExpectation.objects.filter(task=task, unit=org.phuxuan, fulfilled_on__isnull=True)
    assert owed.exists()  # the answer asks the ward for an update

    today.set(today.day + datetime.timedelta(days=7))
    merged = units_merge(
        acting_user=org.admin,
        predecessors=[org.phuxuan, org.ancuu],
        on_date=today.day,
        new_code="P-PHUXUAN-MOI",
        new_name="Đảng ủy phường Phú Xuân (mới)",
        new_kind=org.phuxuan.kind,
        parent=org.city,
    )

    moved = Obstacle.objects.get(pk=still_open.pk)
    assert (moved.decider_unit_id, moved.waiting_on_id, moved.lead_unit_id) == (merged.pk, merged.pk, merged.pk)
    kept = Obstacle.objects.get(pk=answered.pk)
    assert (kept.decider_unit_id, kept.lead_unit_id) == (org.phuxuan.pk, org.phuxuan.pk)
    assert not UpdateExpectation.objects.filter(unit=org.phuxuan, fulfilled_on__isnull=True).exists()
    assert UpdateExpectation.objects.filter(task=task, unit=merged, fulfilled_on__isnull=True).exists()
    assert AuditEntry.objects.filter(action="obstacle.unit_succeeded", object_id=str(still_open.pk)).count() == 1
