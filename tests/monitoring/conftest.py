"""Fixtures for monitoring tests: the task fixtures (a controllable clock, complete drafts) shared with tasks."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_issue
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)


@pytest.fixture
def make_task(org: Any, make_draft: Callable[..., Task], today: Any) -> Callable[..., Task]:  # noqa: F811
    """A task of the Ban Tổ chức issued on ``on`` (default: the clock's day) and, unless ``accept=False``, accepted
    the same day with ``org.btc_officer`` as responsible person; other keywords are draft fields."""

    def make(*, on: datetime.date | None = None, accept: bool = True, **fields: Any) -> Task:
        if on is not None:
            today.set(on)
        task = task_issue(acting_user=org.monitor, task=make_draft(**fields))
        if accept:
            task = task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_officer.pk)
        return task

    return make


@pytest.fixture
def in_progress(org: Any, make_draft: Callable[..., Task]) -> Callable[..., Task]:  # noqa: F811
    """A task in progress: issued by the monitoring office to Ban Tổ chức, accepted by its head (the responsible
    person) with ``org.btc_officer`` assigned as officer; keywords are draft fields."""

    def make(**fields: Any) -> Task:
        task = task_issue(acting_user=org.monitor, task=make_draft(**fields))
        return task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])

    return make
