"""GET /api/v1/stats/tasks: exactly ``dashboard.stats.task_stats``; 404 for an invisible unit; 422 for a bad range.
"The current quarter" is the reporting regime's quarter (its data cut-off window, 15/12/2025 – 14/3/2026 for
quarter I of 2026)."""

from __future__ import annotations

import datetime

from sauro.dashboard import stats
from sauro.dashboard.api import _figures as api_figures

from .conftest import AS_OF, END, START

URL = "/api/v1/stats/tasks"
D = datetime.date


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
        **api_figures(figures),
    }
    assert (body["total"], body["open_overdue"], body["on_time_rate"], body["carried_over"]) == (7, 2, 14.3, 0)


def test_defaults_current_quarter_as_of_today(world, client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for(world.org.leader).get(URL).json()
    assert (body["unit_id"], body["from"], body["to"], body["as_of"]) == (
        None,
        "2025-12-15",
        "2026-03-14",
        "2026-03-13",
    )
    assert body["total"] == 7
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
    # A lone bound beyond the calendar's years (common.inputs), or whose quarter the reporting regime does not know.
    far = client.get(URL, {"from": "9999-12-20"})
    assert (far.status_code, far.json()["fields"]) == (
        422,
        {"from": "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2198."},
    )
    assert client.get(URL, {"to": "0935-01-01"}).status_code == 422


DASHBOARD_URL = "/api/v1/stats/dashboard"


def test_the_dashboard_api_gives_the_pages_figures(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    body = client_for(org.leader).get(DASHBOARD_URL, {"unit_id": org.city.pk, "as_of": "2026-03-13"}).json()
    assert (body["period"], body["from"], body["to"], body["as_of"]) == (
        "quarter",
        "2025-12-15",
        "2026-03-14",
        "2026-03-13",
    )
    assert (body["previous_from"], body["previous_to"]) == ("2025-09-15", "2025-12-14")
    figures = stats.task_stats(user=org.leader, unit_id=org.city.pk, start=START, end=END, as_of=AS_OF)
    assert body["totals"] == api_figures(figures)
    assert (body["totals"]["total"], body["totals"]["open_overdue"]) == (7, 2)
    league = stats.league_table(
        user=org.leader,
        parent_unit_id=org.city.pk,
        start=START,
        end=END,
        as_of=AS_OF,
        previous_start=D(2025, 9, 15),
        previous_end=D(2025, 12, 14),
    )
    assert [(u["unit_id"], u["rank"], u["stats"]["total"], u["trend"]) for u in body["units"]] == [
        (r.unit.pk, r.rank, r.stats.total, r.trend) for r in league
    ]
    btc = next(u for u in body["units"] if u["unit_id"] == org.btc.pk)
    # Ban Tổ chức's subtree: A on time, B late (its department); the previous quarter: P1 on time.
    assert (btc["stats"]["done_on_time"], btc["stats"]["done_late"], btc["previous"]["on_time_rate"]) == (1, 1, 100.0)
    assert btc["trend"] == -66.7  # 100% → 33.3%: A of A, B and I (issued in the quarter, due after it)
    assert len(body["months"]) == 12 and len(body["quarters"]) == 8
    assert body["quarters"][-1]["label"] == "Q1/2026"
    # The trends count by month of due date: I (issued in the quarter, due after it) is in the quarter's figures only.
    assert body["quarters"][-1]["stats"]["total"] == figures.total - 1
    assert sum(p["stats"]["total"] for p in body["months"][-3:]) == figures.total - 1


def test_the_dashboard_api_defaults_and_refusals(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    body = client_for(org.leader).get(DASHBOARD_URL).json()
    # The leader's committee, the regime quarter holding today.
    assert (body["unit_id"], body["label"], body["as_of"]) == (org.city.pk, "Quý I năm 2026", "2026-03-13")
    month = client_for(org.leader).get(DASHBOARD_URL, {"period": "month"}).json()
    assert (month["from"], month["to"]) == ("2026-02-15", "2026-03-14")
    head = client_for(org.ancuu_head)
    assert head.get(DASHBOARD_URL).json()["unit_id"] == org.ancuu.pk
    assert head.get(DASHBOARD_URL, {"unit_id": org.phuxuan.pk}).status_code == 404
    assert head.get(DASHBOARD_URL, {"period": "week"}).status_code == 422
    bad = head.get(DASHBOARD_URL, {"as_of": "1800-01-01"})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"as_of": "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2198."}
    # Within the calendar's years, but before the first day whose trend the reporting regime knows.
    early = head.get(DASHBOARD_URL, {"as_of": "1901-01-01"})
    assert early.json()["message"] == "Ngày tính đến phải từ 15/12/1902 đến 31/12/2198."
