"""API of the register: the list (gate, filters, keyset pages, the error shape) and registering a meeting."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from sauro.audit.models import AuditEntry
from sauro.meetings.models import Meeting
from tests.conftest import Org
from tests.directives.conftest import api_client

pytestmark = pytest.mark.usefixtures("today", "term")
D = datetime.date


def every_item(client: Client, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        response = client.get("/api/v1/meetings", {**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        out.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


def test_list_pages_filters_and_gate(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    made = [make_meeting(held_on=D(2026, 1, day), title=f"Giao ban {day}") for day in (5, 6, 7, 8, 9)]
    old = make_meeting(held_on=D(2025, 11, 3), kind="thematic")
    ward = make_meeting(held_on=D(2026, 2, 2), host_unit_id=org.phuxuan.pk, chair_id=org.phuxuan_head.pk, unit_ids=[])
    leader = api_client(org.leader)
    items = every_item(leader)
    assert [i["id"] for i in items] == [ward.pk, *[m.pk for m in reversed(made)], old.pk]
    first = next(i for i in items if i["id"] == made[0].pk)
    assert first == {
        "id": made[0].pk,
        "kind": "briefing",
        "kind_label": "Giao ban",
        "title": "Giao ban 5",
        "held_on": "2026-01-05",
        "starts_at": None,
        "host_unit_id": org.btc.pk,
        "host_unit_name": "Ban Tổ chức Thành ủy",
        "chair_id": org.btc_head.pk,
        "chair_name": "Lê Văn Tổ",
        "unit_ids": [org.btc_dept.pk],
        "duration_minutes": 90,
        "attendees": 25,
        "could_be_document": False,
        "document_note": "",
        "conclusion_id": None,
        "version": 1,
    }
    assert [i["id"] for i in every_item(leader, quarter="2025Q4")] == [old.pk]
    assert [i["id"] for i in every_item(leader, kind="thematic")] == [old.pk]
    assert {i["id"] for i in every_item(leader, unit_id=org.phuxuan.pk)} == {ward.pk}
    assert [i["id"] for i in every_item(api_client(org.phuxuan_head))] == [ward.pk]
    bad = leader.get("/api/v1/meetings", {"quarter": "2026Q5"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error"


def test_register_through_the_api(org: Org) -> None:
    body = {
        "kind": "standing",
        "title": "Họp Thường trực",
        "held_on": "2026-02-20",
        "starts_at": "14:30",
        "host_unit_id": org.standing.pk,
        "chair_id": org.leader.pk,
        "unit_ids": [org.btc.pk, org.office.pk],
        "duration_minutes": 150,
        "attendees": 9,
    }
    response = api_client(org.leader).post("/api/v1/meetings", body, content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    meeting = Meeting.objects.get()
    assert (out["id"], out["starts_at"], out["unit_ids"]) == (meeting.pk, "14:30", sorted([org.btc.pk, org.office.pk]))
    assert AuditEntry.objects.filter(action="meeting.create", object_id=str(meeting.pk)).exists()
    # An officer may not; a unit outside the ward head's view is unknown to them; a future day is refused.
    officer = api_client(org.btc_officer).post("/api/v1/meetings", body, content_type="application/json")
    assert officer.status_code == 403
    ward = api_client(org.phuxuan_head).post(
        "/api/v1/meetings", {**body, "host_unit_id": org.btc.pk}, content_type="application/json"
    )
    assert ward.status_code == 422
    assert "host_unit_id" in ward.json()["fields"]
    future = api_client(org.leader).post(
        "/api/v1/meetings", {**body, "held_on": "2026-03-03"}, content_type="application/json"
    )
    assert future.status_code == 422
    assert Meeting.objects.count() == 1
