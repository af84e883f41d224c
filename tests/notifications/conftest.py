"""Fixtures of the notification tests: people with e-mail addresses, notifications made quickly, jobs run at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sauro.accounts.models import User
from sauro.notifications.choices import EmailState, NotificationKind
from sauro.notifications.models import Notification
from tests.conftest import Org
from tests.monitoring.conftest import in_progress  # noqa: F401  (task fixtures, for the resolving tests)
from tests.tasks.conftest import make_draft, today  # noqa: F401

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
MakeNotification = Callable[..., Notification]


@pytest.fixture
def with_emails(org: Org) -> Org:
    """The org, everyone with an e-mail address (username@hue.gov.vn) except ``ancuu_officer``."""
    for user in User.objects.exclude(pk=org.ancuu_officer.pk):
        user.email = f"{user.username}@hue.gov.vn"
        user.save(update_fields=["email"])
    for name in vars(org):
        value = getattr(org, name)
        if isinstance(value, User):
            value.refresh_from_db()
    return org


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background jobs run at once, in the process (the worker is not running in tests)."""
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND, "QUEUES": ["default"]}}


@pytest.fixture
def make_notification(org: Org) -> MakeNotification:
    """A notification row written directly (no e-mail), for the read side: pages, API, pagination."""
    counter = iter(range(1, 10_000))

    def make(
        recipient: User,
        *,
        title: str | None = None,
        url: str = "/nhiem-vu/",
        read: bool = False,
        at: datetime.datetime | None = None,
        kind: str = NotificationKind.TASK_ISSUED,
        email_state: str = EmailState.NOT_NEEDED,
    ) -> Notification:
        from sauro.common import clock

        now = at or clock.now()
        return Notification.objects.create(
            recipient=recipient,
            kind=kind,
            title=title or f"Thông báo số {next(counter)}",
            body="Nội dung thông báo.",
            url=url,
            created_at=now,
            read_at=now if read else None,
            email_state=email_state,
        )

    return make
