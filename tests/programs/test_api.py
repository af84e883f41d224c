"""The read-only API of work programs: the gate (404), filters, pagination, the detail with items and tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.programs.services import ItemInput, item_create, item_create_task

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_list_is_gated_filtered_and_paginated(org: Any, make_program: Any) -> None:
    btc = make_program(unit=org.btc)
    old = make_program(unit=org.btc, year=2025)
    make_program(unit=org.ancuu)
    client = api_client(org.btc_head)
    body = client.get("/api/v1/programs").json()
    assert [p["id"] for p in body["items"]] == [btc.pk, old.pk]
    assert body["items"][0]["period"] == "Năm 2026" and body["items"][0]["unit_name"] == "Ban Tổ chức Thành ủy"
    assert [p["id"] for p in client.get("/api/v1/programs", {"year": 2025}).json()["items"]] == [old.pk]
    first = client.get("/api/v1/programs", {"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get("/api/v1/programs", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in second["items"]] == [old.pk] and second["next_cursor"] is None
    assert client.get("/api/v1/programs", {"cursor": "forged"}).status_code == 422


def test_detail_with_items_and_404_outside(org: Any, make_program: Any) -> None:
    program = make_program(unit=org.btc)
    item = item_create(acting_user=org.monitor, program=program, data=ItemInput(key="1", content="Việc A", month=3))
    item_create_task(acting_user=org.monitor, item=item)
    body = api_client(org.btc_head).get(f"/api/v1/programs/{program.pk}").json()
    assert body["item_count"] == 1 and body["task_count"] == 1
    [row] = body["program_items"]
    assert (row["key"], row["quarter"], row["task_state"]) == ("1", 1, "draft")
    response = api_client(org.phuxuan_head).get(f"/api/v1/programs/{program.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
