"""Độ khẩn of a directive: chosen on the form and through the API (Thường by default), refused when unknown,
recorded in the journal, and shown — the level in the facts, a badge for the urgent ones in the header and the list."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common.errors import ValidationFailed
from sauro.directives.choices import Urgency
from sauro.directives.forms import DirectiveForm
from sauro.directives.models import Directive
from sauro.directives.services import DirectiveInput, directive_update
from tests.conftest import Org
from tests.directives.conftest import MakeDirective, api_client
from tests.directives.test_views import form_data, html

ClientFor = Callable[[User], Client]

BADGES = {"urgent": "Khẩn", "very_urgent": "Thượng khẩn", "flash": "Hỏa tốc"}


def badges(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<span class="badge badge--urgency badge--urgency-([a-z_]+)">([^<]+)</span>', page)


# --- service -------------------------------------------------------------------------------------------------


def test_service_defaults_to_normal_and_records_the_level(org: Org, make: MakeDirective) -> None:
    plain = make()
    assert plain.urgency == Urgency.NORMAL
    flash = make(kind="CV", summary="Về việc ứng phó mưa lũ", urgency="flash")
    flash.refresh_from_db()
    assert flash.urgency == "flash"
    entry = AuditEntry.objects.filter(action="directive.create", object_id=str(flash.pk)).get()
    assert entry.after["urgency"] == "flash"

    updated = directive_update(
        acting_user=org.monitor,
        directive=plain,
        expected_version=1,
        data=DirectiveInput.from_directive(plain, urgency=Urgency.URGENT),
    )
    assert (updated.urgency, updated.version) == ("urgent", 2)
    change = AuditEntry.objects.filter(action="directive.update", object_id=str(plain.pk)).get()
    assert (change.before["urgency"], change.after["urgency"]) == ("normal", "urgent")
    # A partial edit that does not name the level keeps it.
    kept = directive_update(
        acting_user=org.monitor,
        directive=updated,
        expected_version=2,
        data=DirectiveInput.from_directive(updated, summary="Trích yếu mới"),
    )
    assert kept.urgency == "urgent"


@pytest.mark.parametrize("value", ["", "khan", "URGENT", "Khẩn", "normal "])
def test_service_refuses_an_unknown_level(org: Org, make: MakeDirective, value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(urgency=value)
    assert set(caught.value.fields) == {"urgency"}
    assert caught.value.message.startswith("Độ khẩn phải là một trong: normal (Thường), urgent (Khẩn)")
    assert not Directive.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_form_offers_the_levels_with_thuong_selected(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.monitor), reverse("directives:create"))
    assert '<label for="id_urgency">Độ khẩn</label>' in page
    options = re.findall(r'<option value="(normal|urgent|very_urgent|flash)"( selected)?>([^<]+)</option>', page)
    assert options == [
        ("normal", " selected", "Thường"),
        ("urgent", "", "Khẩn"),
        ("very_urgent", "", "Thượng khẩn"),
        ("flash", "", "Hỏa tốc"),
    ]
    assert DirectiveForm(user=org.monitor).fields["urgency"].initial == Urgency.NORMAL


def test_register_and_edit_through_the_pages(org: Org, term: object, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    response = client.post(reverse("directives:create"), form_data(org, urgency="very_urgent"))
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.urgency == "very_urgent"

    edit_url = reverse("directives:edit", args=[directive.pk])
    page = html(client, edit_url)
    assert '<option value="very_urgent" selected>Thượng khẩn</option>' in page
    saved = client.post(edit_url, form_data(org, number="1", urgency="normal", version="1"))
    assert saved.status_code == 302
    directive.refresh_from_db()
    assert (directive.urgency, directive.version) == ("normal", 2)
    # A post without the field (not a browser) keeps the level; a new directive without it is Thường.
    client.post(edit_url, form_data(org, number="1", urgency="flash", version="2"))
    client.post(edit_url, form_data(org, number="1", summary="Sửa trích yếu", version="3"))
    directive.refresh_from_db()
    assert (directive.urgency, directive.summary, directive.version) == ("flash", "Sửa trích yếu", 4)
    client.post(reverse("directives:create"), form_data(org, kind="NQ"))
    assert Directive.objects.get(kind="NQ").urgency == "normal"


def test_the_form_refuses_an_unknown_level(org: Org, term: object, client_for: ClientFor) -> None:
    response = client_for(org.monitor).post(reverse("directives:create"), form_data(org, urgency="khan"))
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="id_urgency_error"><li>Hãy chọn một lựa chọn hợp lệ', page)
    assert not Directive.objects.exists()


def test_badges_in_the_header_and_the_list(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    plain = make(summary="Kết luận thường")
    made = {level: make(kind="CV", summary=f"Công văn {label}", urgency=level) for level, label in BADGES.items()}
    client = client_for(org.btc_head)  # a reader, not only the office

    page = html(client, reverse("directives:detail", args=[plain.pk]))
    assert badges(page) == []
    assert re.search(r"<dt>Độ khẩn</dt>\s*<dd>Thường</dd>", page)
    for level, label in BADGES.items():
        page = html(client, reverse("directives:detail", args=[made[level].pk]))
        header = page.split('<div class="page-header">')[1].split("</div>")[0]
        assert badges(header) == [(level, label)]
        assert re.search(rf"<dt>Độ khẩn</dt>\s*<dd>{label}</dd>", page)

    listing = html(client, reverse("directives:list"))
    assert sorted(badges(listing)) == sorted(BADGES.items())
    row = next(r for r in listing.split("<tr>") if "Công văn Hỏa tốc" in r)
    assert badges(row) == [("flash", "Hỏa tốc")]
    assert badges(next(r for r in listing.split("<tr>") if "Kết luận thường" in r)) == []


def test_stale_edit_names_the_level_that_changed(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    directive_update(
        acting_user=org.leader,
        directive=directive,
        expected_version=1,
        data=DirectiveInput.from_directive(directive, urgency="urgent"),
    )
    mine = form_data(org, number="1", urgency="flash", version="1")
    page = client_for(org.monitor).post(reverse("directives:edit", args=[directive.pk]), mine).content.decode()
    assert re.search(r"<th scope=\"row\">Độ khẩn</th><td>Khẩn</td><td>Hỏa tốc</td>", page)


# --- API -----------------------------------------------------------------------------------------------------

PAYLOAD = {"kind": "KL", "issuer_code": "TU", "issued_on": "2026-01-09", "summary": "Kết luận"}


def test_api_create_defaults_to_normal_and_takes_a_level(org: Org, term: object) -> None:
    client = api_client(org.monitor)
    plain = client.post(
        "/api/v1/directives", {**PAYLOAD, "issuing_unit_id": org.city.pk}, content_type="application/json"
    )
    assert plain.status_code == 201, plain.content
    assert (plain.json()["urgency"], plain.json()["urgency_label"]) == ("normal", "Thường")
    urgent = client.post(
        "/api/v1/directives",
        {**PAYLOAD, "issuing_unit_id": org.city.pk, "urgency": "very_urgent"},
        content_type="application/json",
    )
    assert urgent.status_code == 201, urgent.content
    assert (urgent.json()["urgency"], urgent.json()["urgency_label"]) == ("very_urgent", "Thượng khẩn")
    assert Directive.objects.get(pk=urgent.json()["id"]).urgency == "very_urgent"
    listed = {d["id"]: d["urgency"] for d in client.get("/api/v1/directives").json()["items"]}
    assert listed == {plain.json()["id"]: "normal", urgent.json()["id"]: "very_urgent"}


def test_api_edit_changes_or_keeps_the_level(org: Org, make: MakeDirective) -> None:
    directive = make()
    client = api_client(org.monitor)
    url = f"/api/v1/directives/{directive.pk}"
    changed = client.patch(url, {"version": 1, "urgency": "flash"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["urgency"], changed.json()["urgency_label"]) == ("flash", "Hỏa tốc")
    kept = client.patch(url, {"version": 2, "summary": "Trích yếu mới"}, content_type="application/json")
    assert kept.json()["urgency"] == "flash"
    nulled = client.patch(url, {"version": 3, "urgency": None}, content_type="application/json")
    assert nulled.status_code == 422 and set(nulled.json()["fields"]) == {"urgency"}
    assert client.get(url).json()["urgency"] == "flash"


@pytest.mark.parametrize("value", ["khan", "", "URGENT", 1, True, ["urgent"]])
def test_api_refuses_an_unknown_level(org: Org, make: MakeDirective, value: object) -> None:
    client = api_client(org.monitor)
    created = client.post(
        "/api/v1/directives",
        {**PAYLOAD, "issuing_unit_id": org.city.pk, "urgency": value},
        content_type="application/json",
    )
    assert created.status_code == 422, created.content
    assert set(created.json()["fields"]) == {"urgency"}
    directive = make()
    patched = client.patch(
        f"/api/v1/directives/{directive.pk}", {"version": 1, "urgency": value}, content_type="application/json"
    )
    assert patched.status_code == 422, patched.content
    assert set(patched.json()["fields"]) == {"urgency"}
    assert Directive.objects.get().urgency == "normal"


def test_openapi_lists_the_levels() -> None:
    from sauro.api import api

    schemas = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    assert schemas["Urgency"]["enum"] == ["normal", "urgent", "very_urgent", "flash"]
    assert "urgency" not in schemas["DirectiveIn"].get("required", [])
    assert {"urgency", "urgency_label"} <= set(schemas["DirectiveOut"]["required"])
