"""The petitions API: a letter registered, read with its deadlines and state, decided into a task; visits, reception
days and the month's figure; another unit's letter a 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.petitions import services
from sauro.petitions.services import ReceptionDayInput
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, letter_input, name_secretaries
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
ROOT = "/api/v1/petitions"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_letter_through_the_api(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    body = {
        "unit_id": org.office.pk,
        "source": "email",
        "signer_kind": "one",
        "signer_name": "Lê Văn Bình",
        "kind": "khieu_nai_1",
        "topic": "compensation",
        "summary": "Khiếu nại quyết định bồi thường khi thu hồi đất.",
        "address": "Tổ 3, phường An Cựu",
        "received_on": "2026-02-26",
        "accepted_on": "2026-03-02",
    }
    created = post(client, f"{ROOT}/letters", body)
    assert created.status_code == 201, created.content
    letter = created.json()
    assert (letter["state"], letter["commune_id"], letter["kept_for_information"]) == ("received", org.ancuu.pk, False)
    keys = {d["key"]: d["due"] for d in letter["deadlines"]}
    # Received before 1/7/2026: acceptance within 10 days (Sunday 8 March → Monday 9); resolution 30 days.
    assert keys == {"acceptance": "2026-03-09", "resolution": "2026-04-01"}
    decided = post(
        client,
        f"{ROOT}/letters/{letter['id']}/decision",
        {
            "decision": "forward",
            "forward_unit_id": org.ancuu.pk,
            "document_number": "125-CV/VPTU",
            "officer_id": org.ancuu_head.pk,
            "product": "decision",
            "authority_unit_id": org.standing.pk,
            "version": letter["version"],
        },
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "in_handling" and decided.json()["task_id"]
    task = client.get(f"/api/v1/tasks/{decided.json()['task_id']}").json()
    assert (task["due_date"], task["product_kind"]) == ("2026-04-01", "decision")
    again = post(client, f"{ROOT}/letters/{letter['id']}/decision", {"decision": "keep"})
    assert again.status_code == 409
    listed = client.get(f"{ROOT}/letters?state=in_handling").json()
    assert [x["id"] for x in listed["items"]] == [letter["id"]]
    # Another ward sees nothing of it.
    other = client_for(org.phuxuan_head)
    assert other.get(f"{ROOT}/letters/{letter['id']}").status_code == 404
    assert other.get(f"{ROOT}/letters").json()["items"] == []


def test_refusals_name_the_field_in_vietnamese(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    refused = post(
        client,
        f"{ROOT}/letters",
        {
            "unit_id": org.office.pk,
            "source": "post",
            "signer_kind": "one",
            "kind": "mixed",
            "topic": "land",
            "summary": "Nhiều nội dung.",
            "signer_name": "A",
            "received_on": "2026-02-26",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"main_kind": services.ERR_MAIN_KIND}


def test_visits_reception_days_and_the_figure(org: Org, today: Clock, client_for: ClientFor) -> None:
    name_secretaries(org)
    client = client_for(org.ancuu_head)
    visit = post(
        client,
        f"{ROOT}/receptions",
        {
            "unit_id": org.ancuu.pk,
            "received_on": "2026-02-26",
            "receiver_kind": "leader",
            "receiving_leader_id": org.ancuu_head.pk,
            "citizen_name": "Hồ Thị Sen",
            "summary": "Phản ánh ô nhiễm tiếng ồn.",
            "kind": "phan_anh",
            "guidance": "answered",
        },
    )
    assert visit.status_code == 201, visit.content
    for day in ("2026-02-12", "2026-02-26"):
        made = post(
            client,
            f"{ROOT}/reception-days",
            {"unit_id": org.ancuu.pk, "leader_id": org.ancuu_head.pk, "day": day, "state": "held"},
        )
        assert made.status_code == 201, made.content
    assert len(client.get(f"{ROOT}/reception-days").json()["items"]) == 2
    assert [r["id"] for r in client.get(f"{ROOT}/receptions").json()["items"]] == [visit.json()["id"]]
    services.reception_day_create(
        acting_user=org.monitor,
        data=ReceptionDayInput(unit_id=org.phuxuan.pk, leader_id=org.phuxuan_head.pk, day=RECEIVED),
    )
    figures = client_for(org.monitor).get(f"{ROOT}/reception-days/figures?month=2026-02").json()
    assert figures["month"] == "2026-02"
    rows = {u["unit_id"]: u for u in figures["units"]}
    assert rows[org.ancuu.pk]["held"] == 2 and rows[org.ancuu.pk]["met"]
    assert (rows[org.phuxuan.pk]["held"], rows[org.phuxuan.pk]["planned"]) == (0, 1)
    assert org.phuxuan.pk in figures["missed"] and org.ancuu.pk not in figures["missed"]
    assert client.get(f"{ROOT}/reception-days/figures?month=2026-13").status_code == 422
    # A letter the service refuses to a reader: 403.
    assert post(client_for(org.inspector), f"{ROOT}/letters", {**_letter(org)}).status_code == 403


def _letter(org: Org) -> dict[str, Any]:
    data = letter_input(org).__dict__.copy()
    data["received_on"] = data["received_on"].isoformat()
    return {k: v for k, v in data.items() if v not in (None, "")}
