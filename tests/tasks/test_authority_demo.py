"""Who may lead and who may decide a task, over every unit of the demo organisation (issue 16, point 3).

For every issuing unit × every unit as lead × every unit as authority, the rule the services apply
(``tasks.access.unit_gaps``, then the six clears at issue) accepts exactly the combinations this file expects from
the organisation alone: a lead unit that is not the committee itself and someone acts for; an authority that is the
issuing unit or governs it, someone acts for, and is at or above the lead unit. For every accepted lead and
authority, someone is offered the actions (``allowed_actions``); and every unit, as authority once, carries a task
through the full services from draft to approval.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.demo.loader import AGENCIES, ROOT_CODE, commune_specs, load_demo_organisation
from sauro.org.access import units_acted_for
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.tasks import access, services
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.models import Task

from .conftest import TODAY, Clock

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every unit of the demo, by code, known without a database (the parameters of the exhaustive test).
DEMO_CODES = (
    ROOT_CODE,
    "TTTU",
    "BTVTU",
    *(
        code
        for agency in AGENCIES
        for code in (agency.code, *(f"{agency.code}-{d.suffix}" for d in agency.departments))
    ),
    *(spec.code for spec in commune_specs()),
)
# Who acts for a unit, as PRODUCT §2 says it: leaders and heads (deputies included) of the unit; for the committee
# itself, the leaders of its standing bodies (Thường trực, Ban Thường vụ).
ACTING = {Role.LEADER, Role.UNIT_HEAD}


@dataclass(frozen=True)
class DemoOrg:
    units: dict[str, Unit]
    # code → the usernames acting for the unit, from the memberships (not from the rule under test)
    actors: dict[str, set[str]]
    people: dict[str, User]
    # unit id → the ids of the units at or above it (``_is_at_or_above``)
    above: dict[int, frozenset[int]]


def _is_at_or_above(upper: Unit, lower: Unit) -> bool:
    """``upper`` is ``lower``, an ancestor of it, or a standing body of a committee ``lower`` belongs to."""
    chain = [int(part) for part in lower.path.strip("/").split("/")]
    if upper.pk in chain:
        return True
    return upper.kind == UnitKind.STANDING and upper.parent_id in chain


@pytest.fixture(scope="module")
def demo_org(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoOrg]:
    """The demo's organisation only (units, people, roles), loaded once for the module and rolled back after."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
        units = {u.code: u for u in Unit.objects.filter(valid_to__isnull=True)}
        by_pk = {u.pk: u for u in units.values()}
        actors: dict[str, set[str]] = {code: set() for code in units}
        memberships = Membership.objects.filter(valid_to__isnull=True, person__is_active=True).select_related(
            "person", "unit"
        )
        for m in memberships:
            if m.role not in ACTING:
                continue
            actors[m.unit.code].add(m.person.username)
            parent = by_pk.get(m.unit.parent_id or 0)
            if m.unit.kind == UnitKind.STANDING and parent is not None and parent.kind == UnitKind.COMMITTEE:
                actors[parent.code].add(m.person.username)
        people = {p.username: p for p in User.objects.all()}
        above = {
            lower.pk: frozenset(u.pk for u in units.values() if _is_at_or_above(u, lower)) for lower in units.values()
        }
        yield DemoOrg(units=units, actors=actors, people=people, above=above)
        transaction.set_rollback(True)


def test_the_codes_are_the_demos_units(demo_org: DemoOrg, db: None) -> None:
    assert set(DEMO_CODES) == set(demo_org.units)
    # The committee itself is acted for by its standing bodies' leaders: the two secretaries among them.
    assert {"bithu", "pbtthuongtruc"} <= demo_org.actors[ROOT_CODE]
    assert {"vanphong", "bantochuc", "admin", "kiemtra"}.isdisjoint(demo_org.actors[ROOT_CODE])


def expected_gaps(org: DemoOrg, owner: Unit, lead: Unit, authority: Unit) -> set[str]:
    gaps = set()
    if lead.kind == UnitKind.COMMITTEE or not org.actors[lead.code]:
        gaps.add("lead_unit")
    if authority.pk not in org.above[owner.pk] or not org.actors[authority.code]:
        gaps.add("authority_unit")
    return gaps


@pytest.mark.parametrize("owner_code", DEMO_CODES)
def test_every_lead_and_authority_for_an_issuing_unit(
    demo_org: DemoOrg, owner_code: str, today: Clock, db: None
) -> None:
    """The services' rule (``unit_gaps``, and the six clears' "at or above the lead unit") accepts exactly the
    combinations expected, for this issuing unit × every lead unit × every authority."""
    units = list(demo_org.units.values())
    acted_for = units_acted_for(units, TODAY)
    assert acted_for == {u.pk for u in units if demo_org.actors[u.code]}
    owner = demo_org.units[owner_code]
    for lead in units:
        for authority in units:
            gaps = access.unit_gaps(owner_unit=owner, lead=lead, authority=authority, day=TODAY, acted_for=acted_for)
            expected = expected_gaps(demo_org, owner, lead, authority)
            assert set(gaps) == expected, (owner.code, lead.code, authority.code, gaps)
            issuable = not gaps and authority.governs(lead)
            assert issuable == (not expected and authority.pk in demo_org.above[lead.pk]), (lead.code, authority.code)


def _candidates(org: DemoOrg, unit: Unit) -> list[User]:
    """Every person holding a role in ``unit`` or a unit above it (a few dozen at most), the unit's own first."""
    rows = Membership.objects.filter(unit_id__in=org.above[unit.pk]).values_list("person__username", "unit_id")
    ordered = sorted(set(rows), key=lambda row: (row[1] != unit.pk, row[0]))
    return list({org.people[username]: None for username, _ in ordered})


def _holder(org: DemoOrg, unit: Unit, task: Task, action: str) -> User | None:
    """Someone the one rule (``allowed_actions``) offers ``action`` on ``task``, among ``_candidates``."""
    for person in _candidates(org, unit):
        offered = access.allowed_actions(
            person, task, officer_ids=set(), pending_extension=False, pending_reassignment=False
        )
        if action in offered.actions:
            return person
    return None


def test_someone_acts_for_every_accepted_lead_and_authority(demo_org: DemoOrg, today: Clock, db: None) -> None:
    units = list(demo_org.units.values())
    acted_for = units_acted_for(units, TODAY)
    leads = [u for u in units if not access.lead_gap(u, acted_for)]
    authorities = [u for u in units if any(not access.authority_gap(u, o, acted_for) for o in units)]
    assert leads and len(authorities) == len(units)  # every demo unit may decide some issuer's task
    for lead in leads:
        issued = Task(state=TaskState.ISSUED, lead_unit=lead, authority_unit=lead, owner_unit=lead)
        assert _holder(demo_org, lead, issued, "accept") is not None, lead.code
    for authority in authorities:
        submitted = Task(state=TaskState.SUBMITTED, lead_unit=authority, authority_unit=authority, owner_unit=authority)
        for action in ("approve", "cancel"):
            assert _holder(demo_org, authority, submitted, action) is not None, (authority.code, action)
    # The committee itself: its secretaries decide; the office, Ban Tổ chức, the inspectors and the admin do not.
    root = demo_org.units[ROOT_CODE]
    submitted = Task(state=TaskState.SUBMITTED, lead_unit=demo_org.units["BTCTU"], authority_unit=root, owner_unit=root)
    for username, may in {"bithu": True, "pbtthuongtruc": True, "vanphong": False, "bantochuc": False}.items():
        offered = access.allowed_actions(
            demo_org.people[username], submitted, officer_ids=set(), pending_extension=False, pending_reassignment=False
        )
        assert ("approve" in offered.actions) is may and ("cancel" in offered.actions) is may, username
    assert not access.allowed_actions(
        demo_org.people["admin"], submitted, officer_ids=set(), pending_extension=False, pending_reassignment=False
    ).actions


@pytest.mark.parametrize("authority_code", DEMO_CODES)
def test_every_unit_as_authority_carries_a_task_to_approval(
    demo_org: DemoOrg, authority_code: str, today: Clock, db: None
) -> None:
    """Through the full services: the office drafts and issues a task whose authority is this unit (led by the unit
    itself, or by Ban Tổ chức when it is the committee), its lead unit's head accepts, its responsible person submits,
    and the authority approves — each step by a person ``allowed_actions`` offers it to."""
    authority = demo_org.units[authority_code]
    lead = demo_org.units["BTCTU"] if authority.kind == UnitKind.COMMITTEE else authority
    # The issuing unit: the authority itself (any unit is within its own reach); the office drafts for it.
    drafter = demo_org.people["vanphong"]
    head = _holder(demo_org, lead, Task(state=TaskState.ISSUED, lead_unit=lead, authority_unit=authority), "accept")
    assert head is not None
    task = services.task_create(
        acting_user=drafter,
        owner_unit=authority,
        fields={
            "title": f"Rà soát quy chế làm việc ({authority.code})",
            "content": "Rà soát, đề xuất sửa đổi quy chế làm việc của đơn vị nhiệm kỳ 2025 – 2030.",
            "lead_unit": lead.pk,
            "responsible_person": head.pk,
            "due_date": TODAY + datetime.timedelta(days=30),
            "product_kind": ProductKind.REPORT,
            "product_description": "Báo cáo kết quả rà soát kèm dự thảo quy chế sửa đổi",
            "authority_unit": authority.pk,
        },
    )
    task = services.task_issue(acting_user=drafter, task=task)
    task = services.task_accept(acting_user=head, task=task)
    services.task_submit(acting_user=head, task=task, product_note="Báo cáo đã hoàn thành")
    task = Task.objects.select_related("lead_unit", "authority_unit").get(pk=task.pk)
    decider = _holder(demo_org, authority, task, "approve")
    assert decider is not None
    assert (
        "cancel"
        in access.allowed_actions(
            decider, task, officer_ids=set(), pending_extension=False, pending_reassignment=False
        ).actions
    )
    task = services.task_approve(acting_user=decider, task=task)
    assert task.state == TaskState.DONE
    if authority.kind == UnitKind.COMMITTEE:
        assert decider.username in demo_org.actors[ROOT_CODE]
