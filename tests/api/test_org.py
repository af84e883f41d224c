"""API of the organisation: units and people through the visibility gate, with pinned query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create, user_create
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.services import membership_create, units_merge
from tests.conftest import PASSWORD, START, Org

ALL_CODES = {"TU", "TTTU", "VPTU", "BTCTU", "BTCTU-TCCB", "UBKTTU", "P-PHUXUAN", "P-ANCUU"}


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def assert_not_found(response: Any) -> None:
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}


def people(client: Client, **params: Any) -> list[dict[str, Any]]:
    """Every page of /people, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/people", query)
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination does not end")


# --- units ------------------------------------------------------------------------------------------------------


def test_a_commune_head_sees_their_commune_and_the_chain_above_only(org: Org) -> None:
    client = api_client(org.phuxuan_head)
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    codes = [u["code"] for u in response.json()]
    assert set(codes) == {"TU", "P-PHUXUAN"}
    assert "P-ANCUU" not in codes

    assert client.get(f"/api/v1/units/{org.phuxuan.pk}").json()["code"] == "P-PHUXUAN"
    assert_not_found(client.get(f"/api/v1/units/{org.ancuu.pk}"))
    assert_not_found(client.get(f"/api/v1/units/{org.btc.pk}"))
    # An id that exists nowhere looks exactly the same.
    assert_not_found(client.get("/api/v1/units/987654"))


def test_the_leader_sees_every_unit_in_tree_order(org: Org) -> None:
    response = api_client(org.leader).get("/api/v1/units")
    units = response.json()
    assert {u["code"] for u in units} == ALL_CODES
    # Tree order: a parent always comes before its children, and the order is stable.
    seen: set[int] = set()
    for unit in units:
        assert unit["parent_id"] is None or unit["parent_id"] in seen
        seen.add(unit["id"])
    assert api_client(org.leader).get("/api/v1/units").json() == units


def test_unit_fields(org: Org) -> None:
    unit = api_client(org.leader).get(f"/api/v1/units/{org.btc_dept.pk}").json()
    assert unit == {
        "id": org.btc_dept.pk,
        "code": "BTCTU-TCCB",
        "name": "Phòng Tổ chức cán bộ",
        "short_name": "",
        "kind": "department",
        "parent_id": org.btc.pk,
        "depth": 2,
        "valid_from": START.isoformat(),
        "valid_to": None,
        "successor_id": None,
    }


def test_unit_filters(org: Org) -> None:
    client = api_client(org.leader)
    wards = client.get("/api/v1/units", {"kind": UnitKind.WARD}).json()
    assert {u["code"] for u in wards} == {"P-PHUXUAN", "P-ANCUU"}

    units_merge(
        acting_user=None,
        predecessors=[org.phuxuan, org.ancuu],
        on_date=datetime.date(2025, 9, 1),
        new_code="P-MOI",
        new_name="Đảng ủy phường Mới",
        new_kind=UnitKind.WARD,
    )
    current = {u["code"] for u in client.get("/api/v1/units", {"kind": "ward"}).json()}
    assert current == {"P-MOI"}
    everything = client.get("/api/v1/units", {"kind": "ward", "include_former": "true"}).json()
    assert {u["code"] for u in everything} == {"P-MOI", "P-PHUXUAN", "P-ANCUU"}
    former = next(u for u in everything if u["code"] == "P-ANCUU")
    assert former["valid_to"] == "2025-08-31"
    assert former["successor_id"] == Unit.objects.get(code="P-MOI").pk


@pytest.mark.parametrize(
    ("params", "field"),
    [({"kind": "tinh"}, "kind"), ({"include_former": "co-le"}, "include_former")],
)
def test_bad_unit_filters_are_422(org: Org, params: dict[str, str], field: str) -> None:
    response = api_client(org.leader).get("/api/v1/units", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {field}


@pytest.mark.parametrize("unit_id", ["abc", "0", "-3", str(2**63), "1.5", "2.0", "1e3"])
def test_bad_unit_ids_are_422_not_500(org: Org, unit_id: str) -> None:
    response = api_client(org.leader).get(f"/api/v1/units/{unit_id}")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"unit_id"}


@pytest.mark.parametrize("unit_id", ["2.0", "3355767809534632.0", "1e3"])
def test_an_id_written_as_a_decimal_is_refused_in_a_query_too(org: Org, unit_id: str) -> None:
    # Found by schemathesis: pydantic read "2.0" as 2, so a list filtered by it answered 200.
    response = api_client(org.leader).get("/api/v1/programs", {"unit_id": unit_id})
    assert response.status_code == 422
    assert response.json()["fields"] == {"unit_id": "Phải là một số nguyên."}


# --- people -----------------------------------------------------------------------------------------------------


def test_a_commune_head_cannot_list_another_communes_people(org: Org) -> None:
    client = api_client(org.phuxuan_head)
    assert_not_found(client.get("/api/v1/people", {"unit_id": org.ancuu.pk}))
    names = {p["username"] for p in people(client)}
    assert "phuxuan" in names
    assert not names & {"ancuu", "cv.ancuu", "bantochuc"}


def test_people_of_a_unit_carry_their_role_there(org: Org) -> None:
    # The BTC officer also heads the phường Phú Xuân (two units, two roles).
    membership_create(acting_user=None, person=org.btc_officer, unit=org.phuxuan, role=Role.OFFICER, valid_from=START)
    client = api_client(org.leader)
    in_phuxuan = {p["username"]: p for p in people(client, unit_id=org.phuxuan.pk)}
    assert set(in_phuxuan) == {"phuxuan", "chuyenvien.btc"}
    assert in_phuxuan["phuxuan"] == {
        "id": org.phuxuan_head.pk,
        "username": "phuxuan",
        "full_name": "Võ Văn Phú",
        "role": "unit_head",
        "unit_id": org.phuxuan.pk,
    }
    assert in_phuxuan["chuyenvien.btc"]["role"] == "officer"
    assert in_phuxuan["chuyenvien.btc"]["unit_id"] == org.phuxuan.pk


def test_people_without_a_unit_carry_their_primary_role(org: Org) -> None:
    membership_create(acting_user=None, person=org.btc_officer, unit=org.btc, role=Role.UNIT_HEAD, valid_from=START)
    everyone = {p["username"]: p for p in people(api_client(org.leader))}
    assert {"bithu", "vanphong", "admin", "cv.ancuu"} <= set(everyone)
    assert everyone["bithu"]["role"] == "leader"
    assert everyone["admin"]["role"] == "admin"
    assert everyone["chuyenvien.btc"]["role"] == "unit_head"
    assert everyone["chuyenvien.btc"]["unit_id"] == org.btc.pk


def test_a_role_in_an_invisible_unit_is_not_shown(org: Org) -> None:
    # The An Cựu head also works as an officer in Ban Tổ chức. The BTC head sees them, but only as that officer:
    # their higher role in An Cựu (a unit the BTC head may not see) is not revealed.
    membership_create(acting_user=None, person=org.ancuu_head, unit=org.btc, role=Role.OFFICER, valid_from=START)
    seen = {p["username"]: p for p in people(api_client(org.btc_head))}
    assert seen["ancuu"]["role"] == "officer"
    assert seen["ancuu"]["unit_id"] == org.btc.pk
    assert "cv.ancuu" not in seen
    # The leader sees the higher role.
    assert {p["username"]: p for p in people(api_client(org.leader))}["ancuu"]["role"] == "unit_head"


def test_people_pagination_walks_everyone_once_in_name_order(org: Org) -> None:
    for i in range(7):
        person = user_create(acting_user=None, username=f"nguoi{i}", full_name="Nguyễn Văn An", password=PASSWORD)
        membership_create(acting_user=None, person=person, unit=org.phuxuan, role=Role.OFFICER, valid_from=START)
    client = api_client(org.leader)
    whole = client.get("/api/v1/people", {"limit": 500}).json()
    assert whole["next_cursor"] is None
    paged = people(client, limit=3)
    assert [p["id"] for p in paged] == [p["id"] for p in whole["items"]]
    assert len({p["id"] for p in paged}) == len(paged) == User.objects.filter(is_active=True).count()
    # Same full name: the username breaks the tie.
    twins = [p["username"] for p in paged if p["full_name"] == "Nguyễn Văn An"]
    assert twins == sorted(twins)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "rác"},
        {"cursor": "x" * 1001},
        {"limit": 0},
        {"limit": 501},
        {"limit": "nhiều"},
        {"unit_id": "abc"},
        {"unit_id": 2**64},
    ],
)
def test_bad_people_parameters_are_422(org: Org, params: dict[str, Any]) -> None:
    response = api_client(org.leader).get("/api/v1/people", params)
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == set(params)


def test_a_forged_cursor_is_refused(org: Org) -> None:
    client = api_client(org.leader)
    cursor = client.get("/api/v1/people", {"limit": 1}).json()["next_cursor"]
    assert cursor
    forged = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    response = client.get("/api/v1/people", {"limit": 1, "cursor": forged})
    assert response.status_code == 422
    message = "Con trỏ phân trang không hợp lệ. Hãy tải lại trang đầu của danh sách."
    assert response.json()["fields"] == {"cursor": message}


# --- query counts -----------------------------------------------------------------------------------------------


def add_people(org: Org, count: int) -> None:
    for i in range(count):
        person = user_create(acting_user=None, username=f"them{i}", full_name=f"Người {i}", password=PASSWORD)
        membership_create(acting_user=None, person=person, unit=org.phuxuan, role=Role.OFFICER, valid_from=START)
        membership_create(acting_user=None, person=person, unit=org.btc_dept, role=Role.OFFICER, valid_from=START)


# Token lookup, scope, (unit check), the page itself; plus the last_used_at touch on a token's first use.
@pytest.mark.parametrize("extra", [0, 30])
def test_people_list_query_count_does_not_grow(org: Org, django_assert_max_num_queries: Any, extra: int) -> None:
    add_people(org, extra)
    client = api_client(org.btc_head)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/people").status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/people", {"unit_id": org.btc_dept.pk})
    assert len(response.json()["items"]) == extra + 2  # the department's officer and head


@pytest.mark.parametrize("extra", [0, 30])
def test_unit_queries_are_constant(org: Org, django_assert_max_num_queries: Any, extra: int) -> None:
    add_people(org, extra)
    client = api_client(org.leader)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/units").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/units/{org.phuxuan.pk}").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/me").status_code == 200
