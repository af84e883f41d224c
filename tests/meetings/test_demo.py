"""The demo's register of meetings, on one load of the whole demo (rolled back afterwards): this quarter and the
same quarter of last year both hold meetings, the January conference concludes with TB 01/TU, and loading again
adds nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.demo.loader import load_demo
from sauro.demo.meetings import load_demo_meetings
from sauro.meetings import selectors
from sauro.meetings.models import Meeting
from sauro.org.models import Unit

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def test_this_quarter_against_last_year(demo: None, db: None) -> None:
    leader = User.objects.get(username="bithu")
    start, end, _label = selectors.quarter_window(selectors.quarter_key_of(clock.today()))
    committee = Unit.objects.get(code="TU")
    figures = selectors.meeting_figures(user=leader, unit_id=committee.pk, start=start, end=end)
    assert figures.count >= 1
    assert figures.last_year > figures.count  # the demo shows fewer meetings than a year ago
    assert figures.could_be_document >= 1
    assert figures.conclusions.total >= 1


def test_the_january_conference_concludes_with_its_notice(demo: None, db: None) -> None:
    meeting = Meeting.objects.select_related("conclusion").get(title__startswith="Hội nghị giao ban các cơ quan Đảng")
    assert meeting.conclusion is not None and meeting.conclusion.symbol == "01-TB/TU"
    assert meeting.conclusion.tasks.exists()  # the seed's tasks: the share of conclusions has something to count
    assert AuditEntry.objects.filter(action="meeting.create", actor__username="vanphong").exists()


def test_loading_again_adds_nothing(demo: None, db: None) -> None:
    before = Meeting.objects.count()
    assert load_demo_meetings().created == 0
    assert Meeting.objects.count() == before
