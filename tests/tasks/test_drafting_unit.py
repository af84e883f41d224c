"""One drafting unit for a person, whatever the door: the page and the API draft a new task in the same unit
(issue 15: a unit head who is also an office monitor drafted for Văn phòng on the page and for Ban Tổ chức over the
API)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from sauro.org.choices import Role
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import Clock
from tests.tasks.test_views import form_data


def test_the_page_and_the_api_draft_in_the_same_unit(org: Org, today: Clock) -> None:
    # The deputy head of Ban Tổ chức, who also follows tasks for the committee in Văn phòng.
    deputy = org.person("phoban.btc", "Ngô Văn Phó", org.btc, Role.UNIT_HEAD)
    org.also(deputy, org.office, Role.MONITOR)
    client = Client()
    client.force_login(deputy)

    page = client.post(reverse("tasks:create"), {**form_data(org, title="Từ trang"), "intent": "save"})
    assert page.status_code == 302, page.content
    api = client.post("/api/v1/tasks", json.dumps({"title": "Từ API"}), content_type="application/json")
    assert api.status_code == 201, api.content

    owners: dict[str, Any] = dict(Task.objects.values_list("title", "owner_unit__code"))
    assert owners["Từ trang"] == owners["Từ API"], owners


def test_one_person_meets_one_unit_in_the_header_the_api_the_dashboard_and_a_new_draft(org: Org, today: Clock) -> None:
    """An Cựu's head is also an officer of Ủy ban Kiểm tra (a higher unit on the same floor of the tree): their
    highest role is in An Cựu, so the header, ``/api/v1/me``, the dashboard's default unit and a new draft all
    take An Cựu (``org.access.membership_rank``), where the dashboard used to open on the shorter path."""
    client = Client()
    client.force_login(org.ancuu_head)

    me = client.get("/api/v1/me").json()
    assert me["primary_unit"]["unit_code"] == "P-ANCUU", me
    assert "Đảng ủy phường An Cựu" in client.get(reverse("home")).content.decode()
    dashboard = client.get("/api/v1/stats/dashboard").json()
    assert dashboard["unit_id"] == org.ancuu.pk, dashboard
    draft = client.post("/api/v1/tasks", json.dumps({"title": "Bản nháp"}), content_type="application/json")
    assert draft.status_code == 201, draft.content
    assert Task.objects.get(title="Bản nháp").owner_unit_id == org.ancuu.pk
