"""The demo's petitions register, on one load of the demo's organisation and petitions (rolled back afterwards; the
rest of the demo — tasks, monitoring, reports — is not needed here and is loaded by ``tests/demo``): the letters of
``data/petitions.json`` with their tasks, an address under a former ward's name mapped to today's ward, the rule of
anonymous denunciations, last month's figure naming a Secretary who did not hold enough days; the year of
petitions (``sauro.demo.petitions_year``) with its planted crowd case, rising topic and prolonged case; and loading
again adds nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.demo.loader import load_demo_organisation
from sauro.demo.petitions import _data, load_demo_petitions
from sauro.demo.petitions_year import (
    CITY_MISSED_MONTH,
    CROWD_COMMUNE,
    PROLONGED_NAME,
    RISING_COMMUNE,
    _month_start,
)
from sauro.org.models import Unit
from sauro.petitions import selectors
from sauro.petitions.models import Letter, Reception, ReceptionDay
from sauro.tasks.choices import TaskState

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
        load_demo_petitions()
        yield
        transaction.set_rollback(True)


def json_letters(user: User) -> list[Letter]:
    summaries = [raw["summary"] for raw in _data()["letters"]]
    return list(selectors.letter_list(user=user).filter(summary__in=summaries))


def test_the_letters_and_their_tasks(demo: None, db: None) -> None:
    office = User.objects.get(username="vanphong")
    letters = json_letters(office)
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
    # The ward that handles its own complaint sees it; Văn phòng's that do not involve it are not its.
    ancuu = User.objects.get(username="ancuu.bithu")
    assert [x.commune.code for x in json_letters(ancuu) if x.commune] == ["P-ANCUU"]
    unit = Unit.objects.get(code="P-ANCUU")
    for letter in selectors.letter_list(user=ancuu):
        assert unit.pk in (letter.unit_id, letter.forward_unit_id, letter.task.lead_unit_id if letter.task else None)
    decided = AuditEntry.objects.filter(action="letter.decide", object_id__in=[str(x.pk) for x in letters])
    assert decided.filter(actor__username="vanphong").count() == 3


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
    # Most wards and communes met last month's two days; a few fell short.
    assert sum(r.met for r in rows.values()) >= 30 and not all(r.met for r in rows.values())


def test_a_year_of_reception_days(demo: None, db: None) -> None:
    leader = User.objects.get(username="bithu")
    today = clock.today()
    city_met = {}
    short = 0
    for back in range(2, 12):
        first = _month_start(today, back)
        rows = {
            Unit.objects.get(pk=r.unit_id).code: r
            for r in selectors.reception_day_figures(user=leader, year=first.year, month=first.month).rows
        }
        city_met[back] = rows["TU"].met
        short += sum(1 for code, r in rows.items() if code != "TU" and not r.met)
    # The city Secretary received once a month but one month (the shortfall the figure shows).
    assert [back for back, met in city_met.items() if not met] == [-CITY_MISSED_MONTH]
    # Forty Secretaries over ten months: mostly two days a month, some months short.
    assert 10 <= short <= 100
    assert ReceptionDay.objects.filter(day__gt=today, state="planned").exists()


def test_a_year_of_letters(demo: None, db: None) -> None:
    office = User.objects.get(username="vanphong")
    letters = selectors.letter_list(user=office)
    assert 300 <= letters.count() <= 600
    assert 150 <= Reception.objects.count() <= 500
    oldest = letters.order_by("received_on").values_list("received_on", flat=True).first()
    assert oldest is not None and oldest >= _month_start(clock.today(), 12)
    states = Counter(letters.values_list("state", flat=True))
    assert set(states) >= {"received", "in_handling", "answered", "forwarded", "guided", "kept"}
    assert Counter(letters.values_list("topic", flat=True)).keys() >= {"land", "compensation", "environment"}
    # Tasks made from letters: answered on time mostly, some late, some still open.
    tasks = [x.task for x in letters.filter(task__isnull=False)]
    done = [t for t in tasks if t.state == TaskState.DONE]
    late = [t for t in done if t.submitted_on and t.submitted_on > t.due_date]
    assert len(done) >= 0.6 * len(tasks) and 0 < len(late) < 0.4 * len(done)
    assert any(t.state != TaskState.DONE for t in tasks)
    # Addresses name wards and communes under their names from before the 2025 merger too.
    assert letters.filter(address__contains="quận Thuận Hóa").exists()


def test_the_planted_cases(demo: None, db: None) -> None:
    today = clock.today()
    # (a) a crowd case: a group of six or more and a letter of five signers or more on the same matter, one ward.
    crowd = Reception.objects.get(commune__code=CROWD_COMMUNE, people_count__gte=6, is_group=True)
    signed = Letter.objects.get(commune__code=CROWD_COMMUNE, signer_count__gte=5)
    assert signed.summary == crowd.summary and (today - signed.received_on).days <= 30
    # (b) a rising topic: environment in Phú Bài, last 4 weeks ≥ 5 and ≥ twice the mean of the 12 weeks before.
    environment = Letter.objects.filter(commune__code=RISING_COMMUNE, topic="environment")
    recent = environment.filter(received_on__gt=today - datetime.timedelta(weeks=4)).count()
    before = environment.filter(
        received_on__gt=today - datetime.timedelta(weeks=16), received_on__lte=today - datetime.timedelta(weeks=4)
    ).count()
    assert recent >= 5 and recent >= 2 * (before / 3) and before >= 1
    # (c) a prolonged case: the same complaint again after the answer.
    first, again = Letter.objects.filter(signer_name=PROLONGED_NAME).order_by("received_on")
    assert first.task is not None and first.task.state == TaskState.DONE
    assert first.task.completed_on is not None and first.task.completed_on < again.received_on
    assert again.summary.startswith(first.summary) and again.address == first.address and not again.decision


def test_loading_again_adds_nothing(demo: None, db: None) -> None:
    before = Letter.objects.count()
    assert load_demo_petitions().letters == 0
    assert Letter.objects.count() == before
