"""Tasks somebody can act on (issue 16, point 3): who acts for a unit (``org.access.acting_memberships``), which
units may lead a task or decide it (``tasks.access.unit_gaps``), refused alike by the page and the API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.org.models import Membership, Unit
from sauro.org.services import membership_end
from sauro.tasks import access, rules, selectors, services
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.forms import TaskForm
from sauro.tasks.models import Task
from tests.conftest import Org

from .conftest import TODAY, Clock

D = datetime.timedelta


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def fields(org: Org, **overrides: Any) -> dict[str, Any]:
    """A complete draft of Ban Tổ chức's head for their own Ban."""
    data: dict[str, Any] = {
        "title": "Rà soát quy chế làm việc của Ban Tổ chức",
        "content": "Rà soát, đề xuất sửa đổi quy chế làm việc của Ban nhiệm kỳ 2025 – 2030.",
        "lead_unit": org.btc.pk,
        "responsible_person": org.btc_head.pk,
        "due_date": TODAY + D(days=20),
        "product_kind": ProductKind.REPORT,
        "product_description": "Báo cáo kết quả rà soát kèm dự thảo quy chế",
        "authority_unit": org.city.pk,
    }
    data.update(overrides)
    return data


def api_body(org: Org, **overrides: Any) -> dict[str, Any]:
    data = fields(org)
    body = {
        "title": data["title"],
        "content": data["content"],
        "lead_unit_id": data["lead_unit"],
        "responsible_person_id": data["responsible_person"],
        "due_date": data["due_date"].isoformat(),
        "product_kind": "report",
        "product_description": data["product_description"],
        "authority_unit_id": data["authority_unit"],
    }
    body.update(overrides)
    return body


def submitted_task(org: Org) -> Task:
    """A task Ban Tổ chức's head issued with the committee itself (Thành ủy Huế) as its authority, submitted."""
    task = services.task_create(acting_user=org.btc_head, owner_unit=org.btc, fields=fields(org))
    task = services.task_issue(acting_user=org.btc_head, task=task)
    task = services.task_accept(acting_user=org.btc_head, task=task)
    services.task_submit(acting_user=org.btc_head, task=task, product_note="Đã rà soát xong")
    return Task.objects.get(pk=task.pk)


# --- who acts for the committee ---------------------------------------------------------------------------------


def test_the_committees_standing_body_decides_a_task_whose_authority_is_the_committee(
    org: Org, today: Clock, client_for: Any
) -> None:
    task = submitted_task(org)
    assert task.authority_unit == org.city
    # The one rule: the Bí thư (a leader of Thường trực) is offered the decisions, on the API and on the page.
    detail = api_client(org.leader).get(f"/api/v1/tasks/{task.pk}")
    assert detail.status_code == 200
    assert {"approve", "return", "cancel"} <= set(detail.json()["allowed_actions"])
    page = client_for(org.leader).get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:approve", args=[task.pk]) in page and reverse("tasks:cancel", args=[task.pk]) in page
    # Nobody else: the office's monitor, the Ban's head, the inspector, the admin.
    for other in (org.monitor, org.btc_head, org.inspector, org.admin):
        assert not {"approve", "cancel"} & set(
            api_client(other).get(f"/api/v1/tasks/{task.pk}").json()["allowed_actions"]
        )
    response = api_client(org.leader).post(f"/api/v1/tasks/{task.pk}/approve", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Task.objects.get(pk=task.pk).state == TaskState.DONE


def test_the_standing_body_cancels_an_issued_task_of_the_committee(org: Org, today: Clock) -> None:
    task = services.task_create(acting_user=org.btc_head, owner_unit=org.btc, fields=fields(org))
    task = services.task_issue(acting_user=org.btc_head, task=task)
    with pytest.raises(PermissionDeniedError):
        services.task_cancel(acting_user=org.admin, task=task, reason="Không còn cần thiết")
    services.task_cancel(acting_user=org.leader, task=task, reason="Không còn cần thiết")
    assert Task.objects.get(pk=task.pk).state == TaskState.CANCELLED


def test_a_leader_whose_role_ended_no_longer_acts_for_the_committee(org: Org, today: Clock) -> None:
    task = submitted_task(org)
    membership = Membership.objects.get(person=org.leader, unit=org.standing)
    membership_end(acting_user=None, membership=membership, valid_to=TODAY - D(days=1))
    assert not access.acts_for_authority(org.leader, task, TODAY)


# --- which units may lead, which may decide -----------------------------------------------------------------------


def test_the_committee_itself_cannot_lead_a_task(org: Org, today: Clock, client_for: Any) -> None:
    message = access.ERR_LEAD_COMMITTEE.format(name=org.city.name)
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(acting_user=org.btc_head, owner_unit=org.btc, fields=fields(org, lead_unit=org.city.pk))
    assert exc.value.fields == {"lead_unit": message}
    response = api_client(org.btc_head).post(
        "/api/v1/tasks", api_body(org, lead_unit_id=org.city.pk), "application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"lead_unit_id": message}
    # The page does not offer it, and refuses it when posted.
    form = TaskForm(user=org.monitor)
    assert org.city not in form.fields["lead_unit"].queryset  # type: ignore[attr-defined]
    data = {**fields(org, lead_unit=org.city.pk), "classification": "normal"}
    page = client_for(org.btc_head).post(reverse("tasks:create"), {k: str(v) for k, v in data.items()})
    assert page.status_code == 200 and 'aria-invalid="true"' in page.content.decode()
    assert not Task.objects.exists()


def test_the_authority_is_the_issuing_unit_or_above_it(org: Org, today: Clock, client_for: Any) -> None:
    # Văn phòng issues for the committee: Ban Tổ chức (a sibling) cannot decide its task; Thường trực can.
    message = access.ERR_AUTHORITY_OUT_OF_REACH.format(owner=org.office.name)
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(
            acting_user=org.monitor, owner_unit=org.office, fields=fields(org, authority_unit=org.btc.pk)
        )
    assert exc.value.fields == {"authority_unit": message}
    response = api_client(org.monitor).post(
        "/api/v1/tasks", api_body(org, authority_unit_id=org.btc.pk), "application/json"
    )
    assert response.status_code == 422 and response.json()["fields"] == {"authority_unit_id": message}
    # Ban Tổ chức's head: a department below the Ban cannot decide the Ban's task.
    below = access.ERR_AUTHORITY_OUT_OF_REACH.format(owner=org.btc.name)
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(
            acting_user=org.btc_head,
            owner_unit=org.btc,
            fields=fields(org, lead_unit=org.btc_dept.pk, authority_unit=org.btc_dept.pk),
        )
    assert exc.value.fields == {"authority_unit": below}
    draft = services.task_create(
        acting_user=org.monitor, owner_unit=org.office, fields=fields(org, authority_unit=None)
    )
    response = api_client(org.monitor).patch(
        f"/api/v1/tasks/{draft.pk}", {"authority_unit_id": org.btc.pk, "version": draft.version}, "application/json"
    )
    assert response.status_code == 422 and response.json()["fields"] == {"authority_unit_id": message}
    # The page offers exactly the units at or above both the lead unit and the issuing unit, and refuses the rest.
    form = TaskForm(user=org.monitor, initial={"lead_unit": org.btc.pk})
    assert set(form.fields["authority_unit"].queryset) == {org.city, org.standing}  # type: ignore[attr-defined]
    form = TaskForm(user=org.btc_head, initial={"lead_unit": org.btc_dept.pk})
    assert set(form.fields["authority_unit"].queryset) == {org.city, org.btc}  # type: ignore[attr-defined]
    data = {**fields(org, authority_unit=org.btc.pk), "classification": "normal"}
    page = client_for(org.monitor).post(reverse("tasks:create"), {k: str(v) for k, v in data.items()})
    assert page.status_code == 200 and 'aria-invalid="true"' in page.content.decode()
    assert list(Task.objects.values_list("pk", flat=True)) == [draft.pk]


def test_a_unit_nobody_acts_for_can_neither_lead_nor_decide(org: Org, today: Clock) -> None:
    # Văn phòng has a monitor but no unit head in this organisation: nobody would accept or decide for it.
    message = access.ERR_AUTHORITY_NOBODY.format(name=org.office.name)
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(
            acting_user=org.monitor,
            owner_unit=org.office,
            fields=fields(
                org, lead_unit=org.office.pk, responsible_person=org.monitor.pk, authority_unit=org.office.pk
            ),
        )
    assert exc.value.fields == {
        "lead_unit": access.ERR_LEAD_NOBODY.format(name=org.office.name),
        "authority_unit": message,
    }
    # An Cựu's secretary leaves: the draft led by An Cựu can no longer be issued (rõ trách nhiệm names why).
    draft = services.task_create(
        acting_user=org.monitor,
        owner_unit=org.office,
        fields=fields(
            org, lead_unit=org.ancuu.pk, responsible_person=org.ancuu_officer.pk, authority_unit=org.standing.pk
        ),
    )
    head = Membership.objects.get(person=org.ancuu_head, unit=org.ancuu)
    membership_end(acting_user=None, membership=head, valid_to=TODAY - D(days=1))
    with pytest.raises(ValidationFailed) as exc:
        services.task_issue(acting_user=org.monitor, task=draft)
    assert exc.value.fields == {"responsibility": access.ERR_LEAD_NOBODY.format(name=org.ancuu.name)}
    assert rules.six_clears(draft, issue_date=TODAY).missing["responsibility"] == exc.value.fields["responsibility"]
    with pytest.raises(ValidationFailed):
        services.task_update(acting_user=org.monitor, task=draft, changes={"lead_unit": org.ancuu.pk})


def test_a_task_is_not_handed_to_a_unit_nobody_acts_for(org: Org, today: Clock) -> None:
    task = services.task_create(
        acting_user=org.monitor, owner_unit=org.office, fields=fields(org, authority_unit=org.standing.pk)
    )
    task = services.task_issue(acting_user=org.monitor, task=task)
    candidates = set(selectors.reassignment_candidates(Task.objects.get(pk=task.pk)))
    assert org.office not in candidates and org.city not in candidates and org.ancuu in candidates
    for unit in (org.office, org.city):
        with pytest.raises(ValidationFailed) as exc:
            services.reassignment_request_create(
                acting_user=org.btc_head, task=task, proposed_unit_id=unit.pk, reason="Thuộc chức năng đơn vị khác"
            )
        assert "proposed_unit_id" in exc.value.fields
    services.reassignment_request_create(
        acting_user=org.btc_head, task=task, proposed_unit_id=org.ancuu.pk, reason="Thuộc chức năng của phường"
    )


def test_who_acts_for_a_unit(org: Org, today: Clock) -> None:
    from sauro.org.access import acting_memberships, units_acted_for

    def actors(unit: Unit) -> set[str]:
        return {m.person.username for m in acting_memberships([unit], TODAY).select_related("person")}

    assert actors(org.city) == {"bithu"}  # the standing body's leader; not the admin who sits in the committee
    assert actors(org.btc) == {"bantochuc"}
    assert actors(org.office) == set()  # the monitor is not the unit's head
    assert units_acted_for([org.city, org.standing, org.office, org.btc, org.ubkt], TODAY) == {
        org.city.pk,
        org.standing.pk,
        org.btc.pk,
        org.ubkt.pk,
    }
    org.leader.is_active = False
    org.leader.save(update_fields=["is_active"])
    assert actors(org.city) == set()
