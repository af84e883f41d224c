"""The demo's petitions register, on one load of the whole demo (rolled back afterwards): letters with their tasks,
an address under a former ward's name mapped to today's ward, the rule of anonymous denunciations, last month's
figure naming a Secretary who did not hold enough days, and loading again adds nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.demo.loader import load_demo
from sauro.demo.petitions import load_demo_petitions
from sauro.org.models import Unit
from sauro.petitions import selectors
from sauro.petitions.models import Letter, Reception

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def test_the_letters_and_their_tasks(demo: None, db: None) -> None:
    office = User.objects.get(username="vanphong")
    letters = list(selectors.letter_list(user=office))
    assert len(letters) == 5
    states = sorted(str(x.state) for x in letters)  # type: ignore[attr-defined]
    assert states == ["guided", "in_handling", "in_handling", "kept", "received"]
    forwarded = next(x for x in letters if x.decision == "forward")
    # "Tổ 7, phường Thủy Biều, quận Thuận Hóa": a ward merged into Thủy Xuân in 2025.
    assert forwarded.commune is not None and forwarded.commune.code == "P-THUYXUAN"
    assert forwarded.task is not None and forwarded.task.lead_unit_id == forwarded.commune.pk
    assert forwarded.task.due_date == selectors.letter_deadlines_of(forwarded).due["handling"]
    kept = next(x for x in letters if x.decision == "keep")
    assert kept.task_id is None and selectors.letter_deadlines_of(kept).due == {}
    # The ward that handles its own complaint sees it; Văn phòng's are not its.
    ancuu = User.objects.get(username="ancuu.bithu")
    assert [x.commune.code for x in selectors.letter_list(user=ancuu) if x.commune] == ["P-ANCUU"]
    assert AuditEntry.objects.filter(action="letter.decide", actor__username="vanphong").count() == 3


def test_last_months_reception_days(demo: None, db: None) -> None:
    leader = User.objects.get(username="bithu")
    today = clock.today()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    figures = selectors.reception_day_figures(user=leader, year=last.year, month=last.month)
    rows = {Unit.objects.get(pk=r.unit_id).code: r for r in figures.rows}
    assert len(rows) == 41  # the city and the 40 wards and communes
    assert rows["TU"].met and rows["P-ANCUU"].met
    assert rows["P-PHUXUAN"].held == 1 and not rows["P-PHUXUAN"].met
    assert rows["P-THUYXUAN"].held == 0  # the deputy's day does not count for the Secretary
    assert rows["P-ANCUU"].secretaries and Reception.objects.filter(people_count=6, is_group=True).exists()


def test_loading_again_adds_nothing(demo: None, db: None) -> None:
    before = Letter.objects.count()
    assert load_demo_petitions().letters == 0
    assert Letter.objects.count() == before
