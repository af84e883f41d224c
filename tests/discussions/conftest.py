"""Fixtures for discussion tests: a task in progress of Ban Tổ chức, a fixed clock, files kept under tmp_path."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sauro.common import clock
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_issue
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def moment(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Set "now" to 2 March 2026, 09:00 UTC plus ``minutes``."""

    def at(minutes: int = 0) -> None:
        value = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "now", lambda: value)

    at(0)
    return at


@pytest.fixture
def task(org: Any, make_draft: Callable[..., Task], moment: Any) -> Task:  # noqa: F811
    """In progress: issued by Văn phòng to Ban Tổ chức, accepted by its head (responsible) with the Ban's officer
    assigned; Thường trực decides; Văn phòng coordinates; the Secretary supervises."""
    issued = task_issue(acting_user=org.monitor, task=make_draft())
    return task_accept(acting_user=org.btc_head, task=issued, officer_ids=[org.btc_officer.pk])
