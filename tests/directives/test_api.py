"""API of directives: list with filters and cursor pages, detail, register, edit with versions, the next number —
with Vietnamese errors and pinned query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sauro.directives.models import Directive
from tests.conftest import Org
from tests.directives.conftest import DAY, MakeDirective, api_client


def items(client: Client, **params: Any) -> list[dict[str, Any]]:
    """Every page of /directives, following next_cursor."""
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        response = client.get("/api/v1/directives", {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        out.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


def test_detail_shape(org: Org, make: MakeDirective) -> None:
    parent = make(kind="CTr", summary="Chương trình hành động")
    directive = make(signer="Phạm Văn A, Phó Bí thư", full_text="Đoạn một.\n\nĐoạn hai.", parent_id=parent.pk)
    body = api_client(org.phuxuan_head).get(f"/api/v1/directives/{directive.pk}").json()
    assert {k: v for k, v in body.items() if k not in {"created_at", "updated_at"}} == {
        "id": directive.pk,
        "kind": "KL",
        "kind_label": "Kết luận",
        "number": 1,
        "issuer_code": "TU",
        "symbol": "01-KL/TU",
        "number_symbol": "Số 01-KL/TU",
        "issuing_unit_id": org.city.pk,
        "issuing_unit_name": "Thành ủy Huế",
        "term_id": directive.term_id,
        "term_name": "Nhiệm kỳ 2025 – 2030",
        "issued_on": "2026-01-09",
        "place": "Huế",
        "signer": "Phạm Văn A, Phó Bí thư",
        "summary": "Kết luận hội nghị giao ban các cơ quan Đảng quý IV năm 2025",
        "urgency": "normal",
        "urgency_label": "Thường",
        "parent_id": parent.pk,
        "version": 1,
        "full_text": "Đoạn một.\n\nĐoạn hai.",
        "attachments": [],
    }


def test_list_filters_and_pages(org: Org, make: MakeDirective) -> None:
    for i in range(5):
        make(summary=f"Kết luận số {i}", issued_on=DAY - datetime.timedelta(days=i))
    make(kind="TB", summary="Thông báo kết luận hội nghị")
    client = api_client(org.leader)
    everything = items(client, limit=2)
    assert len(everything) == 6
    assert [d["issued_on"] for d in everything] == sorted((d["issued_on"] for d in everything), reverse=True)
    assert "full_text" not in everything[0]
    assert [d["summary"] for d in items(client, q="thong bao ket luan")] == ["Thông báo kết luận hội nghị"]
    assert [d["symbol"] for d in items(client, q="Số 03-KL/TU")] == ["03-KL/TU"]
    assert [d["kind"] for d in items(client, kind="TB")] == ["TB"]
    assert len(items(client, issuer_code="tu", year=2026)) == 6
    assert len(items(client, date_from="2026-01-08", date_to="2026-01-09")) == 3
    assert items(client, date_from="2026-02-01", date_to="2026-01-01") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "XX"}, "kind"),
        ({"year": "1800"}, "year"),
        ({"date_from": "09/01/2026"}, "date_from"),
        ({"date_to": "0"}, "date_to"),  # pydantic alone would read a Unix time
        ({"date_to": "2026-01-01T00:00:00"}, "date_to"),
        ({"parent_id": "0"}, "parent_id"),
        ({"q": "a\x00b"}, "q"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "gia-mao"}, "cursor"),
    ],
)
def test_bad_list_parameters_are_422(org: Org, params: dict[str, str], field: str) -> None:
    response = api_client(org.leader).get("/api/v1/directives", params)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {field}


def test_list_query_count_does_not_grow(
    org: Org, make: MakeDirective, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = api_client(org.btc_head)
    make()
    client.get("/api/v1/directives")
    # The token, the user's scope, every unit's path (the gate's tasks rule), the page (one query) — whatever the
    # number of rows.
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/directives").json()["items"]) == 1
    for i in range(20):
        make(
            summary=f"Kết luận {i}",
            issuing_unit_id=org.btc.pk if i % 2 else org.city.pk,
            issuer_code="BTCTU" if i % 2 else "TU",
        )
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/directives").json()["items"]) == 21


def test_register_proposes_the_number(org: Org, make: MakeDirective) -> None:
    make(number=14)
    client = api_client(org.monitor)
    proposed = client.get("/api/v1/directives/next-number", {"kind": "KL", "issuer_code": "tu"})
    assert proposed.status_code == 200, proposed.content
    assert proposed.json() == {
        "kind": "KL",
        "issuer_code": "TU",
        "number": 15,
        "symbol": "15-KL/TU",
        "number_symbol": "Số 15-KL/TU",
        "term_id": Directive.objects.get().term_id,
        "term_name": "Nhiệm kỳ 2025 – 2030",
        "issuing_unit_id": org.city.pk,
    }
    payload = {
        "kind": "KL",
        "issuer_code": "TU",
        "issuing_unit_id": org.city.pk,
        "issued_on": "2026-01-09",
        "summary": "Kết luận của Ban Thường vụ",
    }
    created = client.post("/api/v1/directives", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["number_symbol"] == "Số 15-KL/TU"
    assert created.json()["place"] == "Huế"

    duplicate = client.post("/api/v1/directives", {**payload, "number": 15}, content_type="application/json")
    assert duplicate.status_code == 422
    body = duplicate.json()
    assert body["code"] == "number_taken"
    assert body["message"].startswith("Số 15-KL/TU đã được dùng cho kết luận “Kết luận của Ban Thường vụ”")
    assert body["fields"] == {"number": body["message"]}


def test_register_is_for_the_office_and_leaders(org: Org, make: MakeDirective) -> None:
    payload = {
        "kind": "KL",
        "issuer_code": "TU",
        "issuing_unit_id": org.city.pk,
        "issued_on": "2026-01-09",
        "summary": "X",
    }
    for user in (org.btc_head, org.inspector, org.admin):
        response = api_client(user).post("/api/v1/directives", payload, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert "Chỉ Văn phòng" in response.json()["message"]
    assert (
        api_client(org.btc_head).get("/api/v1/directives/next-number", {"kind": "KL", "issuer_code": "TU"}).status_code
        == 403
    )
    assert not Directive.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"kind": "XX"}, "kind"),
        ({"issuer_code": "T/U"}, "issuer_code"),
        ({"issued_on": "2027-01-01"}, "issued_on"),
        ({"issued_on": "2025-09-01"}, "issued_on"),
        ({"issued_on": 0}, "issued_on"),
        ({"number": 0}, "number"),
        ({"issuing_unit_id": 987654}, "issuing_unit_id"),
        ({"parent_id": 987654}, "parent_id"),
        ({"full_text": "a\x00"}, "full_text"),
    ],
)
def test_register_errors_name_the_field(org: Org, term: object, change: dict[str, Any], field: str) -> None:
    payload = {
        "kind": "KL",
        "issuer_code": "TU",
        "issuing_unit_id": org.city.pk,
        "issued_on": "2026-01-09",
        "summary": "X",
    }
    response = api_client(org.monitor).post(
        "/api/v1/directives", {**payload, **change}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]


def test_patch_with_version(org: Org, make: MakeDirective) -> None:
    directive = make()
    client = api_client(org.monitor)
    url = f"/api/v1/directives/{directive.pk}"
    ok = client.patch(url, {"version": 1, "summary": "Trích yếu mới"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert (ok.json()["summary"], ok.json()["version"], ok.json()["number"]) == ("Trích yếu mới", 2, 1)

    stale = client.patch(url, {"version": 1, "summary": "Từ bản cũ"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["fields"] == {"version": "Phiên bản hiện tại là 2."}
    assert stale.json()["message"].startswith("Văn bản này đã được sửa (thành phiên bản 2)")
    assert client.get(url).json()["summary"] == "Trích yếu mới"

    nulled = client.patch(url, {"version": 2, "summary": None}, content_type="application/json")
    assert nulled.status_code == 422 and set(nulled.json()["fields"]) == {"summary"}
    parent = make(kind="CTr", summary="Chương trình")
    linked = client.patch(url, {"version": 2, "parent_id": parent.pk}, content_type="application/json")
    assert linked.json()["parent_id"] == parent.pk
    unlinked = client.patch(url, {"version": 3, "parent_id": None}, content_type="application/json")
    assert unlinked.json()["parent_id"] is None

    missing_version = client.patch(url, {"summary": "X"}, content_type="application/json")
    assert missing_version.status_code == 422 and set(missing_version.json()["fields"]) == {"version"}
    assert (
        api_client(org.btc_head).patch(url, {"version": 4, "summary": "X"}, content_type="application/json").status_code
        == 403
    )
    assert (
        api_client(org.phuxuan_head)
        .patch(
            f"/api/v1/directives/{make(issuing_unit_id=org.btc.pk, issuer_code='BTCTU').pk}",
            {"version": 1, "summary": "X"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


@pytest.mark.parametrize("directive_id", ["abc", "0", "-3", str(2**63), "1.5"])
def test_bad_ids_are_422_not_500(org: Org, directive_id: str) -> None:
    response = api_client(org.leader).get(f"/api/v1/directives/{directive_id}")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"directive_id"}


def test_openapi_documents_the_operations() -> None:
    from sauro.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/directives"])
    assert {"get", "patch"} <= set(paths["/api/v1/directives/{directive_id}"])
    assert "get" in paths["/api/v1/directives/next-number"]
    assert "post" in paths["/api/v1/directives/{directive_id}/attachments"]
    assert "delete" in paths["/api/v1/directives/{directive_id}/attachments/{attachment_id}"]
