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
