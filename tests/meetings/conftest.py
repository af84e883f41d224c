"""Helpers for the register of meetings: the committee's term (so that a conclusion can be numbered), a meeting
registered through the service, and a task taken from a conclusion, issued on a given day."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sauro.directives.models import Directive
from sauro.directives.services import term_create
from sauro.meetings.models import Meeting
from sauro.meetings.services import MeetingInput, meeting_create
from sauro.tasks.models import Task
from sauro.tasks.services import task_create, task_issue
from tests.conftest import Org
from tests.tasks.conftest import Clock, complete_fields, today  # noqa: F401  (fixture re-exported for this package)

TERM_START = datetime.date(2025, 10, 1)


@pytest.fixture
def term(org: Org) -> None:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=TERM_START)


def meeting_input(org: Org, **overrides: Any) -> MeetingInput:
    fields: dict[str, Any] = {
        "kind": "briefing",
        "title": "Giao ban công tác xây dựng Đảng",
        "held_on": datetime.date(2026, 2, 10),
        "host_unit_id": org.btc.pk,
        "chair_id": org.btc_head.pk,
        "duration_minutes": 90,
        "attendees": 25,
        "unit_ids": [org.btc_dept.pk],
    }
    fields.update(overrides)
    return MeetingInput(**fields)


@pytest.fixture
def make_meeting(org: Org) -> Callable[..., Meeting]:
    def make(acting_user: Any = None, **overrides: Any) -> Meeting:
        return meeting_create(acting_user=acting_user or org.monitor, data=meeting_input(org, **overrides))

    return make


@pytest.fixture
def issue_task(org: Org, today: Clock) -> Callable[..., Task]:  # noqa: F811  (the fixture above)
    """A task taken from ``directive`` and issued on ``day`` (the clock set to that day, then put back)."""

    def issue(directive: Directive, day: datetime.date | None, title: str = "Nhiệm vụ từ kết luận") -> Task:
        back = today.day
        if day is not None:
            today.set(day)
        fields = complete_fields(org, title=title, directive=directive.pk, due_date=datetime.date(2026, 12, 31))
        task = task_create(acting_user=org.monitor, owner_unit=org.office, fields=fields)
        if day is not None:
            task = task_issue(acting_user=org.monitor, task=task)
        today.set(back)
        return task

    return issue
