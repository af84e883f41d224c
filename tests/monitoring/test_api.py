"""API of monitoring: obstacles (raise, list with filters and age, answer), progress updates, delivery confidence;
the error contract of each (404 for what the caller cannot see, 403, 409, 422 naming the field), the keyset walk,
pinned query counts, and the monitoring fields on the task output."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sauro.common.errors import ValidationFailed
from sauro.monitoring import services
from sauro.monitoring.models import Obstacle, ProgressUpdate
from sauro.tasks import services as task_services
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock
from tests.tasks.test_api import api_client, assert_error, assert_not_found, post

D = datetime.timedelta
MakeTask = Callable[..., Task]

OBSTACLE_KEYS = {
    "id",
    "task",
    "lead_unit",
    "raised_by",
    "description",
    "proposal",
    "decider_unit",
    "waiting_on",
    "escalation_level",
    "escalation_label",
    "raised_on",
    "age_working_days",
    "response_due_on",
    "overdue",
    "state",
    "state_label",
    "answer",
    "answered_by",
    "answered_on",
}


def obstacle_body(org: Org, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "Một số đơn vị chưa gửi danh sách quy hoạch",
        "proposal": "Đề nghị Thường trực Thành ủy có văn bản đôn đốc",
        "decider_unit_id": org.standing.pk,
    }
    body.update(overrides)
    return body


def raise_obstacle(org: Org, task: Task, **overrides: Any) -> Obstacle:
    values: dict[str, Any] = {
        "acting_user": org.btc_officer,
        "task": task,
        "description": "Thiếu số liệu của các phường",
        "proposal": "Đề nghị Văn phòng đôn đốc",
        "decider_unit_id": org.btc.pk,
    }
    values.update(overrides)
    return services.obstacle_create(**values)


def walk(client: Client, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a keyset-paginated list, following next_cursor."""
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        response = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        out.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


# --- raising an obstacle ----------------------------------------------------------------------------------------


def test_an_officer_raises_an_obstacle(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    response = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/obstacles", obstacle_body(org))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == OBSTACLE_KEYS | {"can_answer"}
    assert body["task"] == {"id": task.pk, "title": task.title}
    assert body["lead_unit"] == {"id": org.btc.pk, "name": org.btc.name}
    assert body["decider_unit"] == body["waiting_on"] == {"id": org.standing.pk, "name": "Thường trực Thành ủy"}
    assert body["raised_by"] == {"id": org.btc_officer.pk, "name": "Phạm Thị Chuyên"}
    assert (body["state"], body["state_label"]) == ("open", "Chờ trả lời")
    assert (body["escalation_level"], body["escalation_label"]) == (0, "Cấp được đề nghị")
    assert body["raised_on"] == TODAY.isoformat()
    assert body["response_due_on"] == "2026-03-09"  # 5 working days after Monday 2 March 2026
    assert (body["age_working_days"], body["overdue"], body["can_answer"]) == (0, False, False)
    assert (body["answer"], body["answered_by"], body["answered_on"]) == ("", None, None)
    assert Obstacle.objects.get().proposal == "Đề nghị Thường trực Thành ủy có văn bản đôn đốc"


@pytest.mark.parametrize(
    "change",
    [{"proposal": ""}, {"proposal": "   "}, {"proposal": None}, {"proposal": "__missing__"}],
    ids=["empty", "blank", "null", "missing"],
)
def test_an_obstacle_without_a_proposal_is_422_naming_proposal(
    org: Org, in_progress: MakeTask, change: dict[str, Any]
) -> None:
    task = in_progress()
    body = obstacle_body(org, **change)
    if body["proposal"] == "__missing__":
        del body["proposal"]
    response = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/obstacles", body)
    error = assert_error(response, 422, "obstacle_invalid", services.ERR_PROPOSAL_REQUIRED)
    assert error["fields"] == {"proposal": services.ERR_PROPOSAL_REQUIRED}
    assert not Obstacle.objects.exists()


def test_an_empty_body_names_every_missing_field(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    response = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/obstacles", {})
    error = assert_error(response, 422, "obstacle_invalid", services.ERR_PROPOSAL_REQUIRED)
    assert error["fields"] == {
        "description": services.ERR_DESCRIPTION_REQUIRED,
        "proposal": services.ERR_PROPOSAL_REQUIRED,
        "decider_unit_id": services.ERR_DECIDER_REQUIRED,
    }


@pytest.mark.parametrize("unit", ["btc_dept", "office", "phuxuan"])
def test_a_body_asked_below_or_beside_the_lead_unit_is_422(org: Org, in_progress: MakeTask, unit: str) -> None:
    task = in_progress()
    body = obstacle_body(org, decider_unit_id=getattr(org, unit).pk)
    response = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/obstacles", body)
    assert assert_error(response, 422, "obstacle_invalid")["fields"] == {"decider_unit_id": services.ERR_DECIDER_BELOW}


def test_raising_on_a_task_out_of_sight_out_of_role_or_out_of_state(
    org: Org, in_progress: MakeTask, make_draft: MakeTask
) -> None:
    task = in_progress()
    url = f"/api/v1/tasks/{task.pk}/obstacles"
    assert_not_found(post(api_client(org.ancuu_officer), url, obstacle_body(org)))
    assert_not_found(post(api_client(org.btc_officer), "/api/v1/tasks/999999/obstacles", obstacle_body(org)))
    assert_error(post(api_client(org.monitor), url, obstacle_body(org)), 403, "forbidden", services.ERR_NOT_WORKER)
    task_services.task_submit(acting_user=org.btc_head, task=task, product_note="Báo cáo kết quả")
    response = post(api_client(org.btc_head), url, obstacle_body(org))
    assert_error(response, 409, "wrong_state", services.ERR_NOT_OPEN_FOR_OBSTACLE)
    assert not Obstacle.objects.exists()
    # An issued task, not yet accepted, takes one.
    issued = task_services.task_issue(acting_user=org.monitor, task=make_draft())
    response = post(api_client(org.btc_head), f"/api/v1/tasks/{issued.pk}/obstacles", obstacle_body(org))
    assert response.status_code == 201, response.content
    assert Obstacle.objects.get().task_id == issued.pk


@pytest.mark.parametrize("body", ['"Một chuỗi"', "[1]", "null"])
def test_a_body_that_is_not_an_object_is_422(org: Org, in_progress: MakeTask, body: str) -> None:
    task = in_progress()
    client = api_client(org.btc_officer)
    response = client.post(f"/api/v1/tasks/{task.pk}/obstacles", body, content_type="application/json")
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"body"}


# --- the list of obstacles --------------------------------------------------------------------------------------


def test_the_list_filters_by_state_unit_and_overdue_oldest_first(
    org: Org, today: Clock, in_progress: MakeTask, make_draft: MakeTask
) -> None:
    task = in_progress()
    old = raise_obstacle(org, task, description="Cũ nhất")  # Monday 2 March, due Monday 9 March
    today.set(TODAY + D(days=1))
    answered = raise_obstacle(org, task, description="Đã trả lời")
    services.obstacle_answer(acting_user=org.leader, obstacle=answered, answer="Đồng ý")
    today.set(TODAY + D(days=8))  # Tuesday 10 March
    recent = raise_obstacle(org, task, description="Mới")
    ward = task_services.task_accept(
        acting_user=org.phuxuan_head,
        task=task_services.task_issue(
            acting_user=org.monitor,
            task=make_draft(lead_unit=org.phuxuan.pk, responsible_person=org.phuxuan_head.pk, coordinating_units=[]),
        ),
    )
    ward_obstacle = raise_obstacle(org, ward, acting_user=org.phuxuan_head, decider_unit_id=org.phuxuan.pk)
    client = api_client(org.leader)

    every = walk(client, "/api/v1/obstacles")
    assert [o["id"] for o in every] == [old.pk, answered.pk, recent.pk, ward_obstacle.pk]
    assert all(set(o) == OBSTACLE_KEYS for o in every)
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", state="open")] == [old.pk, recent.pk, ward_obstacle.pk]
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", state="answered")] == [answered.pk]
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", unit_id=org.btc.pk)] == [
        old.pk,
        answered.pk,
        recent.pk,
    ]
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", unit_id=org.phuxuan.pk)] == [ward_obstacle.pk]
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", overdue="true")] == [old.pk]
    assert [o["id"] for o in walk(client, "/api/v1/obstacles", overdue="true", state="answered")] == []

    by_id = {o["id"]: o for o in every}
    # Raised Monday 2 March, still open on Tuesday 10 March: 6 working days, past its response date.
    assert (by_id[old.pk]["age_working_days"], by_id[old.pk]["overdue"]) == (6, True)
    # Answered the day it was raised: its age stopped then.
    assert by_id[answered.pk]["age_working_days"] == 0
    assert by_id[answered.pk]["overdue"] is False
    assert (by_id[answered.pk]["answered_by"], by_id[answered.pk]["answer"]) == ("Nguyễn Văn Bí", "Đồng ý")
    assert by_id[answered.pk]["answered_on"] == (TODAY + D(days=1)).isoformat()
    assert (by_id[recent.pk]["age_working_days"], by_id[recent.pk]["overdue"]) == (0, False)


def test_the_keyset_walk_visits_each_obstacle_once(org: Org, today: Clock, in_progress: MakeTask) -> None:
    task = in_progress()
    ids = []
    for i in range(7):
        today.set(TODAY + D(days=i // 3))  # several per day: the id breaks the ties
        ids.append(raise_obstacle(org, task, description=f"Vướng mắc {i}").pk)
    seen = [o["id"] for o in walk(api_client(org.monitor), "/api/v1/obstacles", limit=2)]
    assert seen == ids


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "closed"}, "state"),
        ({"overdue": "maybe"}, "overdue"),
        ({"unit_id": "0"}, "unit_id"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_list_parameters_are_422(org: Org, today: Clock, params: dict[str, str], field: str) -> None:
    response = api_client(org.monitor).get("/api/v1/obstacles", params)
    fields = assert_error(response, 422, "validation_error")["fields"]
    assert [name.split(".")[0] for name in fields] == [field]


@pytest.mark.parametrize("size", [3, 20])
def test_the_obstacle_list_runs_a_fixed_number_of_queries(
    org: Org, in_progress: MakeTask, django_assert_max_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    task = in_progress()
    for i in range(size):
        obstacle = raise_obstacle(org, task, description=f"Vướng mắc {i}")
        if i % 2:
            services.obstacle_answer(acting_user=org.btc_head, obstacle=obstacle, answer="Đã xử lý")
    client = api_client(org.leader)
    client.get("/api/v1/obstacles")  # the token's last use is written once a minute: not part of the count
    # The token, the caller's scope, the units' paths (task gate), the page, the calendar: whatever the number.
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/obstacles", {"limit": 100})
    assert len(response.json()["items"]) == size
    with django_assert_max_num_queries(6):  # + the unit of the filter
        response = client.get("/api/v1/obstacles", {"unit_id": org.btc.pk, "overdue": "true"})
    assert response.status_code == 200
    with django_assert_max_num_queries(6):  # the token, the scope, the units' paths, the task, the calendar, the list
        response = client.get(f"/api/v1/tasks/{task.pk}/obstacles")
    assert len(response.json()) == size


# --- one obstacle and its answer --------------------------------------------------------------------------------


def test_the_body_asked_answers_once(org: Org, in_progress: MakeTask) -> None:
    obstacle = raise_obstacle(org, in_progress(), decider_unit_id=org.standing.pk)
    leader = api_client(org.leader)
    detail = leader.get(f"/api/v1/obstacles/{obstacle.pk}").json()
    assert (detail["id"], detail["can_answer"]) == (obstacle.pk, True)
    assert api_client(org.btc_officer).get(f"/api/v1/obstacles/{obstacle.pk}").json()["can_answer"] is False

    url = f"/api/v1/obstacles/{obstacle.pk}/answer"
    response = post(leader, url, {"answer": "  "})
    assert assert_error(response, 422, "validation_error", services.ERR_ANSWER_REQUIRED)["fields"] == {
        "answer": services.ERR_ANSWER_REQUIRED
    }
    assert_error(post(leader, url, {}), 422, "validation_error", services.ERR_ANSWER_REQUIRED)
    refused = post(api_client(org.phuxuan_head), url, {"answer": "Đồng ý"})
    # The head of a ward sees nothing of Ban Tổ chức's task: 404 before any question of rights.
    assert_not_found(refused)
    assert_error(post(api_client(org.btc_officer), url, {"answer": "Đồng ý"}), 403, "forbidden")
    assert_error(post(api_client(org.monitor), url, {"answer": "Đồng ý"}), 403, "forbidden")

    response = post(leader, url, {"answer": "Đồng ý, giao Văn phòng ban hành văn bản đôn đốc"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["state_label"]) == ("answered", "Đã trả lời")
    assert (body["answered_by"], body["answered_on"]) == ("Nguyễn Văn Bí", TODAY.isoformat())
    assert body["answer"] == "Đồng ý, giao Văn phòng ban hành văn bản đôn đốc"
    assert body["can_answer"] is False
    again = post(leader, url, {"answer": "Lần nữa"})
    assert_error(again, 409, "obstacle_answered", services.ERR_ALREADY_ANSWERED)


def test_the_task_obstacles_list(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    first, second = raise_obstacle(org, task), raise_obstacle(org, task, description="Thứ hai")
    response = api_client(org.btc_head).get(f"/api/v1/tasks/{task.pk}/obstacles")
    assert response.status_code == 200
    assert [o["id"] for o in response.json()] == [first.pk, second.pk]


# --- progress updates -------------------------------------------------------------------------------------------


def test_an_officer_reports_progress_with_indicators(org: Org, today: Clock, in_progress: MakeTask) -> None:
    task = in_progress()
    client = api_client(org.btc_officer)
    body = {
        "done": "Đã tổng hợp danh sách của 12/20 đơn vị",
        "next_steps": "Dự thảo báo cáo",
        "percent": 60,
        "indicators": [
            {"name": "Số đơn vị đã gửi", "value": 12, "unit": "đơn vị"},
            {"name": "Tỷ lệ", "value": 60.0, "unit": "%"},
            {"name": "Ghi chú", "value": "đạt"},
            {"name": "", "value": "", "unit": ""},
        ],
    }
    response = post(client, f"/api/v1/tasks/{task.pk}/progress", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["percent"] == 60
    assert created["author"] == {"id": org.btc_officer.pk, "name": "Phạm Thị Chuyên"}
    assert created["indicators"] == [
        {"name": "Số đơn vị đã gửi", "value": "12", "unit": "đơn vị"},
        {"name": "Tỷ lệ", "value": "60", "unit": "%"},
        {"name": "Ghi chú", "value": "đạt", "unit": ""},
    ]
    assert created["attachments"] == []
    assert (created["task_id"], created["recorded_on"]) == (task.pk, TODAY.isoformat())
    detail = client.get(f"/api/v1/tasks/{task.pk}").json()
    assert (detail["progress"], detail["last_update_on"]) == (60, TODAY.isoformat())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"done": "  "}, "done"),
        ({"done": None}, "done"),
        ({"percent": 101}, "percent"),
        ({"percent": -1}, "percent"),
        ({"percent": None}, "percent"),
        ({"indicators": [{"name": "Số đơn vị", "value": ""}]}, "indicators"),
        ({"indicators": [{"name": "Cờ", "value": True}]}, "indicators"),
        ({"indicators": [{"name": f"C{i}", "value": i} for i in range(21)]}, "indicators"),
        # Numbers that are not finite (issue 16): the JSON reader takes NaN, Infinity and 1e999 (as inf).
        ({"indicators": [{"name": "Tỷ lệ", "value": float("nan")}]}, "indicators"),
        ({"indicators": [{"name": "Tỷ lệ", "value": float("inf")}]}, "indicators"),
        ({"indicators": [{"name": "Tỷ lệ", "value": float("-inf")}]}, "indicators"),
        ({"indicators": [{"name": "Tỷ lệ", "value": "NaN"}]}, "indicators"),
        ({"indicators": [{"name": "Tỷ lệ", "value": " 1e999 "}]}, "indicators"),
    ],
)
def test_a_bad_progress_update_is_422_naming_the_field(
    org: Org, in_progress: MakeTask, change: dict[str, Any], field: str
) -> None:
    task = in_progress()
    body = {"done": "Đã làm", "percent": 50, **change}
    response = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/progress", body)
    fields = assert_error(response, 422, "validation_error")["fields"]
    assert [name.split(".")[0] for name in fields] == [field]
    assert not ProgressUpdate.objects.exists()


def test_a_huge_number_written_in_the_body_is_refused(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    raw = '{"done": "Đã làm", "percent": 50, "indicators": [{"name": "Tỷ lệ", "value": 1e999}]}'
    response = api_client(org.btc_officer).post(
        f"/api/v1/tasks/{task.pk}/progress", raw, content_type="application/json"
    )
    fields = assert_error(response, 422, "validation_error")["fields"]
    assert fields == {"indicators.0.value": services.ERR_INDICATOR_NOT_FINITE}
    # Text that is not a number, and finite numbers, are kept as they were written.
    for value in ("đạt", "1e3", "-0.5"):
        body = {"done": "Đã làm", "percent": 50, "indicators": [{"name": "Tỷ lệ", "value": value}]}
        assert post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/progress", body).status_code == 201


def test_the_service_refuses_numbers_that_are_not_finite(org: Org, in_progress: MakeTask) -> None:
    # The page's form sends text: the service is where the rule lives.
    task = in_progress()
    for value in ("NaN", "inf", "-Infinity", "1e999"):
        with pytest.raises(ValidationFailed) as refused:
            services.progress_update_create(
                acting_user=org.btc_officer,
                task=task,
                done="Đã làm",
                percent=50,
                indicators=[{"name": "Tỷ lệ", "value": value, "unit": "%"}],
            )
        assert refused.value.fields == {"indicators": services.ERR_INDICATOR_NOT_FINITE}
    assert not ProgressUpdate.objects.exists()


def test_progress_out_of_sight_out_of_role_or_out_of_state(
    org: Org, in_progress: MakeTask, make_draft: MakeTask
) -> None:
    task = in_progress()
    body = {"done": "Đã làm", "percent": 50}
    assert_not_found(post(api_client(org.ancuu_officer), f"/api/v1/tasks/{task.pk}/progress", body))
    assert_error(post(api_client(org.leader), f"/api/v1/tasks/{task.pk}/progress", body), 403, "forbidden")
    issued = task_services.task_issue(acting_user=org.monitor, task=make_draft())
    assert_error(post(api_client(org.btc_head), f"/api/v1/tasks/{issued.pk}/progress", body), 409, "wrong_state")


def test_the_progress_history_is_newest_first_and_paginated(org: Org, today: Clock, in_progress: MakeTask) -> None:
    task = in_progress()
    ids = []
    for i in range(5):
        today.set(TODAY + D(days=i // 2))
        ids.append(
            services.progress_update_create(acting_user=org.btc_officer, task=task, done=f"Bước {i}", percent=i * 10).pk
        )
    seen = walk(api_client(org.leader), f"/api/v1/tasks/{task.pk}/progress", limit=2)
    assert [u["id"] for u in seen] == ids[::-1]
    assert [u["percent"] for u in seen] == [40, 30, 20, 10, 0]
    response = api_client(org.leader).get(f"/api/v1/tasks/{task.pk}/progress", {"cursor": "giả"})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"cursor"}


@pytest.mark.parametrize("size", [2, 12])
def test_the_progress_and_confidence_lists_run_a_fixed_number_of_queries(
    org: Org, in_progress: MakeTask, django_assert_max_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    task = in_progress()
    for i in range(size):
        author = org.btc_officer if i % 2 else org.btc_head
        services.progress_update_create(acting_user=author, task=task, done=f"Bước {i}", percent=i)
    client = api_client(org.leader)
    client.get(f"/api/v1/tasks/{task.pk}/progress")
    # The token, the scope, the units' paths, the task, the updates with their authors, their files.
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/tasks/{task.pk}/progress")
    assert len(response.json()["items"]) == size
    for i in range(size):
        services.confidence_rate(acting_user=org.monitor, task=task, level="amber" if i % 2 else "green")
    with django_assert_max_num_queries(5):  # the token, the scope, the units' paths, the task, the ratings
        response = client.get(f"/api/v1/tasks/{task.pk}/confidence")
    assert len(response.json()) == size


# --- delivery confidence ----------------------------------------------------------------------------------------


def test_the_office_rates_confidence_and_the_task_shows_it(org: Org, today: Clock, in_progress: MakeTask) -> None:
    task = in_progress()
    monitor = api_client(org.monitor)
    url = f"/api/v1/tasks/{task.pk}/confidence"
    first = post(monitor, url, {"level": "green_amber", "note": "Đúng kế hoạch"})
    assert first.status_code == 201, first.content
    assert first.json()["trend"] == "stable"
    today.set(TODAY + D(days=7))
    second = post(monitor, url, {"level": "amber_red"})
    assert second.status_code == 201
    body = second.json()
    assert (body["level"], body["level_label"], body["trend"], body["trend_label"]) == (
        "amber_red",
        "Vàng - đỏ",
        "worsening",
        "Xấu đi",
    )
    assert body["rated_by"] == {"id": org.monitor.pk, "name": "Trần Thị Văn"}
    told = post(monitor, url, {"level": "amber_red", "trend": "improving"}).json()
    assert told["trend"] == "improving"
    history = api_client(org.btc_head).get(url).json()
    assert [r["level"] for r in history] == ["amber_red", "amber_red", "green_amber"]
    assert history[-1]["note"] == "Đúng kế hoạch"
    shown = api_client(org.btc_head).get(f"/api/v1/tasks/{task.pk}").json()
    assert (shown["confidence"], shown["confidence_label"], shown["confidence_trend"]) == (
        "amber_red",
        "Vàng - đỏ",
        "improving",
    )
    listed = api_client(org.leader).get("/api/v1/tasks").json()["items"]
    assert [t["confidence"] for t in listed if t["id"] == task.pk] == ["amber_red"]


def test_a_task_never_rated_shows_no_confidence(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    shown = api_client(org.btc_head).get(f"/api/v1/tasks/{task.pk}").json()
    assert (shown["confidence"], shown["confidence_label"], shown["confidence_trend"]) == (None, None, None)
    assert shown["last_update_on"] == TODAY.isoformat()  # the acceptance is the unit's first update


def test_only_the_office_rates_and_only_known_levels(org: Org, in_progress: MakeTask, make_draft: MakeTask) -> None:
    task = in_progress()
    url = f"/api/v1/tasks/{task.pk}/confidence"
    for user in (org.leader, org.btc_head, org.btc_officer):
        assert_error(post(api_client(user), url, {"level": "red"}), 403, "forbidden", services.ERR_NOT_MONITOR)
    assert_not_found(post(api_client(org.ancuu_officer), url, {"level": "red"}))
    assert_not_found(api_client(org.ancuu_officer).get(url))
    monitor = api_client(org.monitor)
    for body, field in (({"level": "purple"}, "level"), ({}, "level"), ({"level": "red", "trend": "up"}, "trend")):
        assert [n.split(".")[0] for n in assert_error(post(monitor, url, body), 422, "validation_error")["fields"]] == [
            field
        ]
    draft = make_draft()
    assert_error(post(monitor, f"/api/v1/tasks/{draft.pk}/confidence", {"level": "red"}), 409, "wrong_state")
