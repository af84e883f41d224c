"""Two people acting on one task at the same moment: exactly one wins, the other gets a conflict (409)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from sauro.common.errors import Conflict
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_issue, task_return, task_submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL (CI runs both)"
    ),
]


def test_approve_and_return_at_once_exactly_one_wins(org, make_draft):
    task = make_draft()
    task_issue(acting_user=org.monitor, task=task)
    task_accept(acting_user=org.btc_head, task=task)
    task_submit(acting_user=org.btc_head, task=task, product_note="Báo cáo")

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(fn, **kwargs):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            fn(task=Task.objects.get(pk=task.pk), **kwargs)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=act, args=(task_approve,), kwargs={"acting_user": org.leader}),
        threading.Thread(target=act, args=(task_return,), kwargs={"acting_user": org.leader, "reason": "Chưa đạt"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    task.refresh_from_db()
    assert task.state in {TaskState.DONE, TaskState.RETURNED}
    assert task.submissions.exclude(outcome="pending").count() == 1
