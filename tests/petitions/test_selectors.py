"""The register's reads: the gate (who sees which letter, visit, reception day) and the month's figure of the
Secretaries' reception days."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauro.petitions import access, selectors, services
from sauro.petitions.services import ReceptionDayInput
from tests.conftest import Org
from tests.petitions.conftest import forward_to_ancuu, letter_input, name_secretaries, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db


def visible(user: object) -> set[int]:
    return set(access.letters_visible_to(user).values_list("pk", flat=True))  # type: ignore[arg-type]


def test_who_sees_a_letter(org: Org, today: Clock) -> None:
    office = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    ward = services.letter_create(acting_user=org.ancuu_head, data=letter_input(org, unit_id=org.ancuu.pk))
    # Committee-wide readers see every letter; the administrator (only that role) sees none.
    for reader in (org.monitor, org.leader, org.inspector):
        assert visible(reader) == {office.pk, ward.pk}
    assert visible(org.admin) == set()
    # A unit's people see their unit's letters only — not the chain above: a ward never sees the city's register.
    assert visible(org.btc_officer) == {office.pk}  # an officer of Văn phòng too
    assert visible(org.btc_head) == set()
    assert visible(org.ancuu_head) == {ward.pk}
    assert visible(org.phuxuan_head) == set()
    # Forwarded to Phú Xuân: its people see it from then on.
    services.letter_decide(
        acting_user=org.monitor,
        letter=office,
        data=forward_to_ancuu(org, forward_unit_id=org.phuxuan.pk, officer_id=org.phuxuan_head.pk),
    )
    assert visible(org.phuxuan_head) == {office.pk}
    assert visible(org.ancuu_head) == {ward.pk}


def test_visits_and_reception_days_follow_the_register(org: Org, today: Clock) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org))
    assert set(access.receptions_visible_to(org.btc_officer)) == {visit}
    assert set(access.receptions_visible_to(org.inspector)) == {visit}
    assert not access.receptions_visible_to(org.phuxuan_head).exists()
    assert access.may_register(org.phuxuan_head, org.phuxuan)
    assert not access.may_register(org.phuxuan_head, org.city)
    assert not access.may_register(org.inspector)


def held(org: Org, unit_id: int, leader_id: int, day: datetime.date, state: str = "held") -> None:
    services.reception_day_create(
        acting_user=None, data=ReceptionDayInput(unit_id=unit_id, leader_id=leader_id, day=day, state=state)
    )


def test_the_months_figure_counts_the_secretaries_held_days(org: Org, today: Clock, settings: object) -> None:
    name_secretaries(org)
    feb = datetime.date(2026, 2, 1)
    held(org, org.city.pk, org.leader.pk, feb + datetime.timedelta(days=9))
    held(org, org.ancuu.pk, org.ancuu_head.pk, feb + datetime.timedelta(days=4))
    held(org, org.ancuu.pk, org.ancuu_head.pk, feb + datetime.timedelta(days=18))
    held(org, org.phuxuan.pk, org.phuxuan_head.pk, feb + datetime.timedelta(days=5))
    held(org, org.phuxuan.pk, org.phuxuan_head.pk, feb + datetime.timedelta(days=12), state="cancelled")
    # A deputy's day does not count for the Secretary; a day of another month neither.
    held(org, org.phuxuan.pk, org.ancuu_officer.pk, feb + datetime.timedelta(days=6))
    held(org, org.phuxuan.pk, org.phuxuan_head.pk, datetime.date(2026, 1, 30))
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.reception_day_figures(user=org.monitor, year=2026, month=2)
    assert len(queries) <= 5
    rows = {r.unit_id: r for r in figures.rows}
    assert set(rows) == {org.city.pk, org.ancuu.pk, org.phuxuan.pk}
    assert (rows[org.city.pk].held, rows[org.city.pk].required, rows[org.city.pk].met) == (1, 1, True)
    assert rows[org.city.pk].secretaries == ("Nguyễn Văn Bí",)
    assert (rows[org.ancuu.pk].held, rows[org.ancuu.pk].met) == (2, True)
    assert (rows[org.phuxuan.pk].held, rows[org.phuxuan.pk].planned, rows[org.phuxuan.pk].met) == (1, 1, False)
    assert [r.unit_id for r in figures.missed] == [org.phuxuan.pk]
    # The thresholds are settings.
    settings.SAURO_PETITIONS_COMMUNE_SECRETARY_DAYS = 1  # type: ignore[attr-defined]
    settings.SAURO_PETITIONS_CITY_SECRETARY_DAYS = 2  # type: ignore[attr-defined]
    figures = selectors.reception_day_figures(user=org.monitor, year=2026, month=2)
    assert [r.unit_id for r in figures.missed] == [org.city.pk]
    # A ward's head sees their own ward's row only.
    mine = selectors.reception_day_figures(user=org.ancuu_head, year=2026, month=2)
    assert [r.unit_id for r in mine.rows] == [org.ancuu.pk]


def test_likely_duplicates_finds_nothing_in_an_empty_register(org: Org, today: Clock) -> None:
    # What it proposes once letters exist: tests/petitions/test_duplicates.py.
    assert selectors.likely_duplicates({"summary": "Kiến nghị", "signer_name": "Nguyễn Thị Lành"}, org.monitor) == []
