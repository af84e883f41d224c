"""Helpers for task tests: a controllable clock and a complete draft."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from sauro.common import clock
from sauro.tasks.choices import ProductKind
from sauro.tasks.models import Task
from sauro.tasks.services import task_create

TODAY = datetime.date(2026, 3, 2)  # a Monday


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
        self.monkeypatch = monkeypatch
        self.set(day)

    def set(self, day: datetime.date) -> None:
        self.day = day
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        self.monkeypatch.setattr(clock, "today", lambda: day)
        self.monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, TODAY)


def complete_fields(org: Any, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2025 – 2030",
        "content": (
            "Rà soát danh sách quy hoạch cán bộ diện Ban Thường vụ quản lý, đề xuất bổ sung, đưa ra khỏi quy hoạch."
        ),
        "lead_unit": org.btc.pk,
        "coordinating_units": [org.office.pk],
        "responsible_person": org.btc_head.pk,
        "supervising_leader": org.leader.pk,
        "due_date": TODAY + datetime.timedelta(days=30),
        "product_kind": ProductKind.REPORT,
        "product_description": "Báo cáo kết quả rà soát kèm danh sách đề xuất",
        "authority_unit": org.standing.pk,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_draft(org: Any, today: Clock) -> Callable[..., Task]:
    def make(**overrides: Any) -> Task:
        return task_create(acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org, **overrides))

    return make
