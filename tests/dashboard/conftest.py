"""A hand-counted world for the dashboard: tasks in every reporting state across the miniature Huế, built through
the task services with the controllable clock.

The period is the reporting regime's quarter I of 2026 (its data cut-off window 15/12/2025 – 14/3/2026, PRODUCT §8),
seen on AS_OF = Friday 13/3/2026; the previous period is quarter IV of 2025 (15/9 – 14/12/2025).

| task | lead unit | due | what happens | state on AS_OF |
|---|---|---|---|---|
| A | Ban Tổ chức | 10/3 | done 10/3 | done_on_time |
| B | Phòng TCCB (under Ban Tổ chức) | 10/3 | done 12/3 | done_late |
| C | An Cựu | 14/3 (the window's last day) | — | open_on_time |
| D | An Cựu | 6/3 | — | open_overdue |
| E | Ban Tổ chức | — (ongoing) | — | ongoing |
| F | Ban Tổ chức | 14/3 | cancelled 5/3 | not counted |
| G | Ban Tổ chức | 14/3 | draft | not counted |
| H | Phú Xuân | 12/3 | — | open_overdue |
| I | Ban Tổ chức | 15/4 | — | outside the period (quarter II) |
| J | Phú Xuân | 9/3 → 14/3 | extension asked 5/3, approved 11/3 | open_on_time |
| P1 | Ban Tổ chức | 10/12/2025 | done 5/12/2025 | previous period, on time |
| P2 | An Cựu | 10/12/2025 | done 12/12/2025 | previous period, late |
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sauro.org.choices import Role
from sauro.tasks.models import Task
from sauro.tasks.services import (
    extension_request_create,
    extension_request_decide,
    task_accept,
    task_approve,
    task_cancel,
    task_issue,
    task_submit,
)
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)

D = datetime.date
START, END = D(2025, 12, 15), D(2026, 3, 14)
PREV_START, PREV_END = D(2025, 9, 15), D(2025, 12, 14)
AS_OF = D(2026, 3, 13)


@dataclass
class World:
    org: Any
    tasks: dict[str, Task]

    def ids(self, *names: str) -> set[int]:
        return {self.tasks[n].pk for n in names}


def _ward(org: Any, unit: Any, head: Any) -> dict[str, Any]:
    return {"lead_unit": unit.pk, "responsible_person": head.pk, "coordinating_units": []}


@pytest.fixture
def world(org: Any, make_draft: Callable[..., Task], today: Any) -> World:  # noqa: F811
    tasks: dict[str, Task] = {}

    def issue(name: str, **fields: Any) -> Task:
        task = task_issue(acting_user=org.monitor, task=make_draft(title=f"{name} — nhiệm vụ kiểm thử", **fields))
        tasks[name] = task
        return task

    def finish(task: Task, head: Any, day: D) -> None:
        task_accept(acting_user=head, task=task)
        today.set(day)
        task_submit(acting_user=head, task=task, product_note="Sản phẩm")
        task_approve(acting_user=org.leader, task=task)

    dept_head = org.person("truongphong.tccb", "Ngô Văn Phòng", org.btc_dept, Role.UNIT_HEAD)
    # The previous period.
    today.set(D(2025, 11, 3))
    p1 = issue("P1", due_date=D(2025, 12, 10))
    p2 = issue("P2", due_date=D(2025, 12, 10), **_ward(org, org.ancuu, org.ancuu_head))
    finish(p1, org.btc_head, D(2025, 12, 5))
    today.set(D(2025, 11, 3))
    finish(p2, org.ancuu_head, D(2025, 12, 12))

    # The period, issued on 2/3/2026.
    day = D(2026, 3, 2)
    today.set(day)
    a = issue("A", due_date=D(2026, 3, 10))
    b = issue(
        "B",
        due_date=D(2026, 3, 10),
        lead_unit=org.btc_dept.pk,
        responsible_person=org.btc_officer.pk,
        coordinating_units=[],
    )
    issue("C", due_date=D(2026, 3, 14), **_ward(org, org.ancuu, org.ancuu_head))
    issue("D", due_date=D(2026, 3, 6), **_ward(org, org.ancuu, org.ancuu_head))
    issue("E", due_date=None, is_ongoing=True, review_cadence="quarterly")
    f = issue("F", due_date=D(2026, 3, 14))
    tasks["G"] = make_draft(title="G — nhiệm vụ kiểm thử", due_date=D(2026, 3, 14))
    issue("H", due_date=D(2026, 3, 12), **_ward(org, org.phuxuan, org.phuxuan_head))
    issue("I", due_date=D(2026, 4, 15))
    j = issue("J", due_date=D(2026, 3, 9), **_ward(org, org.phuxuan, org.phuxuan_head))
    task_accept(acting_user=org.btc_head, task=a)
    task_accept(acting_user=dept_head, task=b)
    today.set(D(2026, 3, 5))
    task_cancel(acting_user=org.leader, task=f, reason="Không còn phù hợp")
    # J's extension is asked before its deadline (asked after it, it is refused) and granted after it.
    request = extension_request_create(
        acting_user=org.phuxuan_head, task=j, new_due_date=D(2026, 3, 14), reason="Chờ ý kiến các ban"
    )
    today.set(D(2026, 3, 10))
    task_submit(acting_user=org.btc_head, task=a, product_note="Sản phẩm")
    task_approve(acting_user=org.leader, task=a)
    today.set(D(2026, 3, 11))
    extension_request_decide(acting_user=org.leader, request=request, approve=True)
    today.set(D(2026, 3, 12))
    task_submit(acting_user=dept_head, task=b, product_note="Sản phẩm")
    task_approve(acting_user=org.leader, task=b)
    today.set(AS_OF)
    for name in tasks:
        tasks[name].refresh_from_db()
    return World(org=org, tasks=tasks)
