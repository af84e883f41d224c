"""Correcting the register through the API: ``PATCH /api/v1/petitions/letters/{id}`` and
``PATCH /api/v1/petitions/receptions/{id}`` change only the fields sent, through the services (journalled), with the
version the client read: a stale one is a 409 that writes nothing, a missing one a 422; another unit's is a 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.petitions.models import Letter, Reception
from sauro.petitions.services import letter_create, reception_create
from tests.conftest import Org
from tests.petitions.conftest import letter_input, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
ROOT = "/api/v1/petitions"


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_a_letter_is_corrected_field_by_field(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = letter_create(acting_user=org.monitor, data=letter_input(org))
    client = client_for(org.monitor)
    url = f"{ROOT}/letters/{letter.pk}"
    read = client.get(url).json()
    assert {d["key"] for d in read["deadlines"]} == {"handling"}
    # Accepted, and complex: the fields sent change, the rest stays; the deadlines follow.
    changed = patch(
        client,
        url,
        {"version": read["version"], "kind": "khieu_nai_1", "accepted_on": "2026-03-02", "complexity": "complex"},
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["kind"], body["accepted_on"], body["complexity"], body["version"]) == (
        "khieu_nai_1",
        "2026-03-02",
        "complex",
        read["version"] + 1,
    )
    assert (body["summary"], body["signer_name"], body["commune_id"]) == (
        read["summary"],
        read["signer_name"],
        read["commune_id"],
    )
    assert {d["key"] for d in body["deadlines"]} == {"acceptance", "resolution"}
    entry = AuditEntry.objects.get(action="letter.update")
    assert entry.before["complexity"] == "normal" and entry.after["complexity"] == "complex"
    # null clears what may be cleared.
    cleared = patch(client, url, {"version": body["version"], "accepted_on": None})
    assert cleared.status_code == 200 and cleared.json()["accepted_on"] is None


def test_a_stale_or_missing_version_writes_nothing(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = letter_create(acting_user=org.monitor, data=letter_input(org))
    client = client_for(org.monitor)
    url = f"{ROOT}/letters/{letter.pk}"
    assert patch(client, url, {"version": 1, "summary": "Bản đầu."}).status_code == 200
    stale = patch(client, url, {"version": 1, "summary": "Bản của người thứ hai."})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert "version" in stale.json()["fields"]
    missing = patch(client, url, {"summary": "Không có phiên bản."})
    assert missing.status_code == 422 and "version" in missing.json()["fields"]
    assert Letter.objects.get(pk=letter.pk).summary == "Bản đầu."


def test_refusals_name_their_field(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = letter_create(acting_user=org.monitor, data=letter_input(org))
    client = client_for(org.monitor)
    url = f"{ROOT}/letters/{letter.pk}"
    nulled = patch(client, url, {"version": 1, "summary": None})
    assert nulled.status_code == 422 and "summary" in nulled.json()["fields"]
    several = patch(client, url, {"version": 1, "signer_kind": "several"})
    assert several.status_code == 422 and "signer_count" in several.json()["fields"]
    future = patch(client, url, {"version": 1, "received_on": "2026-03-03"})
    assert future.status_code == 422 and "received_on" in future.json()["fields"]
    assert Letter.objects.get(pk=letter.pk).version == 1


def test_only_those_who_register_may_correct(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = letter_create(acting_user=org.monitor, data=letter_input(org))
    reception = reception_create(acting_user=org.monitor, data=reception_input(org))
    body = {"version": 1, "summary": "Sửa."}
    # The ward does not see Văn phòng's register; the inspector sees it and may not write in it.
    ward, inspector = client_for(org.phuxuan_head), client_for(org.inspector)
    assert patch(ward, f"{ROOT}/letters/{letter.pk}", body).status_code == 404
    assert patch(ward, f"{ROOT}/receptions/{reception.pk}", body).status_code == 404
    assert ward.get(f"{ROOT}/receptions/{reception.pk}").status_code == 404
    assert patch(inspector, f"{ROOT}/letters/{letter.pk}", body).status_code == 403
    assert patch(inspector, f"{ROOT}/receptions/{reception.pk}", body).status_code == 403
    assert Letter.objects.get(pk=letter.pk).version == 1 and Reception.objects.get(pk=reception.pk).version == 1


def test_a_visit_is_read_and_corrected(org: Org, today: Clock, client_for: ClientFor) -> None:
    reception = reception_create(acting_user=org.monitor, data=reception_input(org))
    client = client_for(org.monitor)
    url = f"{ROOT}/receptions/{reception.pk}"
    read = client.get(url).json()
    assert (read["citizen_name"], read["people_count"], read["version"]) == ("Trần Văn Hòa", 6, 1)
    changed = patch(client, url, {"version": 1, "people_count": 8, "outcome": "Đã hướng dẫn gửi đơn."})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["people_count"], changed.json()["outcome"], changed.json()["version"]) == (
        8,
        "Đã hướng dẫn gửi đơn.",
        2,
    )
    assert changed.json()["representatives"] == read["representatives"]
    # A group needs its representatives: refused on the field; a stale version: 409.
    refused = patch(client, url, {"version": 2, "representatives": ""})
    assert refused.status_code == 422 and "representatives" in refused.json()["fields"]
    assert patch(client, url, {"version": 1, "people_count": 9}).status_code == 409
    assert Reception.objects.get(pk=reception.pk).people_count == 8
    assert AuditEntry.objects.filter(action="reception.update").count() == 1
