"""Fixtures for reporting tests: the task fixtures and a quarter's worth of tasks in every reporting state."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sauro.monitoring.services import obstacle_create
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_issue, task_submit
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)

D = datetime.date


@dataclass
class Quarter:
    """Tasks of Q1 2026 (cut-off 15 Dec 2025 → 14 Mar 2026) seen on 14 Mar 2026."""

    done_on_time: Task
    done_late: Task
    open_on_time: Task
    overdue_btc: Task
    overdue_ward: Task
    ongoing: Task
    next_quarter: Task
    as_of: datetime.date = datetime.date(2026, 3, 14)


@pytest.fixture
def quarter(org: Any, make_draft: Callable[..., Task], today: Any) -> Quarter:  # noqa: F811
    today.set(D(2026, 1, 5))

    def issue(head: Any = None, **fields: Any) -> Task:
        task = task_issue(acting_user=org.monitor, task=make_draft(**fields))
        head = head or org.btc_head
        return task_accept(acting_user=head, task=task, responsible_person_id=fields.get("responsible_person", head.pk))

    done_on_time = issue(title="Ban hành kế hoạch tổ chức hội nghị", due_date=D(2026, 2, 10))
    done_late = issue(title="Tổng hợp danh sách cán bộ quy hoạch", due_date=D(2026, 1, 20))
    open_on_time = issue(title="Xây dựng đề án tinh gọn bộ máy", due_date=D(2026, 3, 14))
    overdue_btc = issue(title="Rà soát tiêu chuẩn chức danh", due_date=D(2026, 3, 13))
    overdue_ward = issue(
        head=org.phuxuan_head,
        title="Kiện toàn chi bộ khu dân cư",
        due_date=D(2026, 2, 20),
        lead_unit=org.phuxuan.pk,
        coordinating_units=[],
        responsible_person=org.phuxuan_head.pk,
    )
    ongoing = issue(title="Theo dõi tình hình tư tưởng", is_ongoing=True, due_date=None, review_cadence="quarterly")
    next_q = issue(title="Sơ kết 6 tháng công tác tổ chức", due_date=D(2026, 4, 30))
    today.set(D(2026, 2, 5))
    task_submit(
        acting_user=org.btc_head, task=done_on_time, product_note="Kế hoạch số 12-KH/BTCTU", product_ref="12-KH"
    )
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=done_on_time.pk))
    today.set(D(2026, 1, 26))
    task_submit(acting_user=org.btc_head, task=done_late, product_note="Danh sách quy hoạch")
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=done_late.pk))
    today.set(D(2026, 3, 2))
    obstacle_create(
        acting_user=org.btc_head,
        task=Task.objects.get(pk=overdue_btc.pk),
        description="Chưa có hướng dẫn của Trung ương về tiêu chuẩn mới.",
        proposal="Đề nghị Thường trực Thành ủy cho phép áp dụng tạm tiêu chuẩn hiện hành.",
        decider_unit_id=org.standing.pk,
    )
    today.set(D(2026, 3, 14))
    return Quarter(
        done_on_time=done_on_time,
        done_late=done_late,
        open_on_time=open_on_time,
        overdue_btc=overdue_btc,
        overdue_ward=overdue_ward,
        ongoing=ongoing,
        next_quarter=next_q,
    )
