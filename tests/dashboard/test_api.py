"""GET /api/v1/stats/tasks: exactly ``dashboard.stats.task_stats``; 404 for an invisible unit; 422 for a bad range.
"The current quarter" is the reporting regime's quarter (its data cut-off window, 15/12/2025 – 14/3/2026 for
quarter I of 2026)."""

from __future__ import annotations

import dataclasses

from sauro.dashboard import stats

from .conftest import AS_OF, END, START

URL = "/api/v1/stats/tasks"


def test_contract_equals_task_stats(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    response = client_for(org.leader).get(
        URL, {"unit_id": org.city.pk, "from": "2025-12-15", "to": "2026-03-14", "as_of": "2026-03-13"}
    )
    assert response.status_code == 200
    body = response.json()
    figures = stats.task_stats(user=org.leader, unit_id=org.city.pk, start=START, end=END, as_of=AS_OF)
    assert body == {
        "unit_id": org.city.pk,
        "from": "2025-12-15",
        "to": "2026-03-14",
        "as_of": "2026-03-13",
        **dataclasses.asdict(figures),
    }
    assert (body["total"], body["open_overdue"], body["on_time_rate"]) == (6, 2, 16.7)


def test_defaults_current_quarter_as_of_today(world, client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for(world.org.leader).get(URL).json()
    assert (body["unit_id"], body["from"], body["to"], body["as_of"]) == (
        None,
        "2025-12-15",
        "2026-03-14",
        "2026-03-13",
    )
    assert body["total"] == 6
    # A past range is seen on its last day.
    past = client_for(world.org.leader).get(URL, {"from": "2025-09-15", "to": "2025-12-14"}).json()
    assert (past["as_of"], past["total"], past["done_on_time"], past["done_late"]) == ("2025-12-14", 2, 1, 1)


def test_invisible_unit_is_404_and_bad_range_422(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.ancuu_head)
    assert client.get(URL, {"unit_id": org.phuxuan.pk}).status_code == 404
    assert client.get(URL, {"unit_id": 987654}).status_code == 404
    mine = client.get(URL, {"unit_id": org.ancuu.pk}).json()
    assert (mine["total"], mine["open_overdue"]) == (2, 1)
    # Everything they may see is their ward only.
    assert client.get(URL).json()["total"] == 2
    bad = client.get(URL, {"from": "2026-03-14", "to": "2025-12-15"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "Ngày kết thúc (to) phải bằng hoặc sau ngày bắt đầu (from)."
    assert client.get(URL, {"from": "2026-13-01"}).status_code == 422


def test_requires_authentication(db, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 401


def test_in_the_openapi_schema(db, client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert operation["tags"] == ["Thống kê"]
    assert {p["name"] for p in operation["parameters"]} == {"unit_id", "from", "to", "as_of"}


def test_one_bound_is_completed_by_its_quarter(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.org.leader)
    only_to = client.get(URL, {"to": "2025-11-30"}).json()
    assert (only_to["from"], only_to["to"], only_to["as_of"]) == ("2025-09-15", "2025-11-30", "2025-11-30")
    only_from = client.get(URL, {"from": "2026-02-01"}).json()
    assert (only_from["from"], only_from["to"], only_from["as_of"]) == ("2026-02-01", "2026-03-14", "2026-03-13")
    # The regime quarter turns on the 15th: 15/12/2025 is in quarter I of 2026, 14/12/2025 in quarter IV of 2025.
    assert client.get(URL, {"to": "2025-12-15"}).json()["from"] == "2025-12-15"
    assert client.get(URL, {"to": "2025-12-14"}).json()["from"] == "2025-09-15"
    assert client.get(URL, {"from": "2025-12-14"}).json()["to"] == "2025-12-14"
    # A lone bound in a year the reporting regime does not know.
    far = client.get(URL, {"from": "9999-12-20"})
    assert (far.status_code, far.json()["fields"]) == (422, {"from": "Năm không hợp lệ: 10000."})
    assert client.get(URL, {"to": "0935-01-01"}).status_code == 422
