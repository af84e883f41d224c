"""Who sees and who acts in monitoring (ARCHITECTURE rule 2): an obstacle, its task's progress and confidence are a
404 — not a 403 — on every endpoint for whoever cannot see the task; the bodies an obstacle is addressed to see it
(even when its task is secret to them); the bodies that may be asked; who may answer and who may rate."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from sauro.accounts.models import User
from sauro.api import api
from sauro.monitoring import access, services
from sauro.monitoring.api import TAG_OBSTACLES, TAG_PROGRESS
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.tasks.conftest import TODAY
from tests.tasks.test_api import api_client, assert_not_found

MakeTask = Callable[..., Task]
API_ROOT = reverse("api:api-root")

# A well-formed body for every write, so that only visibility can refuse it.
BODIES: dict[str, dict[str, Any]] = {
    "obstacles": {"description": "Vướng mắc", "proposal": "Đề xuất", "decider_unit_id": 0},
    "answer": {"answer": "Đồng ý"},
    "progress": {"done": "Đã làm", "percent": 10},
    "confidence": {"level": "red"},
}


def monitoring_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the monitoring tags, read from the OpenAPI schema."""
    schema = api.get_openapi_schema(path_prefix=API_ROOT)
    out = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if {TAG_OBSTACLES, TAG_PROGRESS} & set(operation.get("tags", [])):
                out.append((method.upper(), path))
    return sorted(out)


def test_the_monitoring_operations_are_all_here() -> None:
    assert monitoring_operations() == sorted(
        [
            ("GET", f"{API_ROOT}obstacles"),
            ("GET", f"{API_ROOT}obstacles/{{obstacle_id}}"),
            ("POST", f"{API_ROOT}obstacles/{{obstacle_id}}/answer"),
            ("GET", f"{API_ROOT}tasks/{{task_id}}/obstacles"),
            ("POST", f"{API_ROOT}tasks/{{task_id}}/obstacles"),
            ("GET", f"{API_ROOT}tasks/{{task_id}}/progress"),
            ("POST", f"{API_ROOT}tasks/{{task_id}}/progress"),
            ("GET", f"{API_ROOT}tasks/{{task_id}}/confidence"),
            ("POST", f"{API_ROOT}tasks/{{task_id}}/confidence"),
        ]
    )


@pytest.mark.parametrize("who", ["ancuu_officer", "ancuu_head", "phuxuan_head"])
def test_another_unit_gets_404_from_every_endpoint(org: Org, in_progress: MakeTask, who: str) -> None:
    task = in_progress()
    obstacle = services.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Thiếu số liệu",
        proposal="Đề nghị Văn phòng đôn đốc",
        decider_unit_id=org.btc.pk,
    )
    services.progress_update_create(acting_user=org.btc_officer, task=task, done="Đã làm", percent=30)
    services.confidence_rate(acting_user=org.monitor, task=task, level="amber")
    client = api_client(getattr(org, who))
    checked = 0
    for method, path in monitoring_operations():
        url = path.format(task_id=task.pk, obstacle_id=obstacle.pk)
        if "{" not in path:
            # The list: the obstacle is simply not in it, whatever the filters.
            for params in ({}, {"state": "open"}, {"unit_id": org.btc.pk}, {"overdue": "true"}):
                assert client.get(url, params).json()["items"] == [], params
            continue
        body = dict(BODIES[path.rstrip("/").rsplit("/", 1)[-1]]) if method == "POST" else None
        if body and "decider_unit_id" in body:
            body["decider_unit_id"] = org.btc.pk
        response = client.post(url, body, content_type="application/json") if body else client.get(url)
        assert_not_found(response)
        checked += 1
    assert checked == 8
    # Nothing was written by the refused calls.
    assert (Obstacle.objects.count(), ProgressUpdate.objects.count(), ConfidenceRating.objects.count()) == (1, 1, 1)
    assert Obstacle.objects.get().is_open


def test_an_unknown_obstacle_or_task_is_the_same_404(org: Org, in_progress: MakeTask) -> None:
    client = api_client(org.leader)
    assert_not_found(client.get("/api/v1/obstacles/987654"))
    assert_not_found(client.post("/api/v1/obstacles/987654/answer", {"answer": "x"}, content_type="application/json"))
    assert_not_found(client.get("/api/v1/tasks/987654/progress"))
    assert_not_found(client.get("/api/v1/tasks/987654/confidence"))


def test_the_body_asked_sees_an_obstacle_of_a_secret_task_it_cannot_otherwise_see(
    org: Org, in_progress: MakeTask
) -> None:
    task = in_progress(classification="secret", supervising_leader=None)
    obstacle = services.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Vướng mắc về nhân sự",
        proposal="Đề nghị Thường trực cho ý kiến",
        decider_unit_id=org.standing.pk,
    )
    leader = api_client(org.leader)
    assert_not_found(leader.get(f"/api/v1/tasks/{task.pk}"))
    assert_not_found(leader.get(f"/api/v1/tasks/{task.pk}/progress"))
    assert leader.get(f"/api/v1/obstacles/{obstacle.pk}").status_code == 200
    assert [o["id"] for o in leader.get("/api/v1/obstacles").json()["items"]] == [obstacle.pk]
    response = leader.post(
        f"/api/v1/obstacles/{obstacle.pk}/answer", {"answer": "Đồng ý"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    # The inspection committee sees the whole committee, but neither is named on the secret task nor was asked.
    inspector = api_client(org.inspector)
    assert_not_found(inspector.get(f"/api/v1/obstacles/{obstacle.pk}"))
    assert inspector.get("/api/v1/obstacles").json()["items"] == []


def test_the_bodies_that_may_be_asked(org: Org, in_progress: MakeTask, make_draft: MakeTask) -> None:
    task = in_progress()
    assert set(access.decider_choices(task)) == {org.btc, org.city, org.standing}
    ward = make_draft(lead_unit=org.phuxuan.pk, responsible_person=org.phuxuan_head.pk, coordinating_units=[])
    assert set(access.decider_choices(ward)) == {org.phuxuan, org.city, org.standing}
    assert not access.decider_choices(make_draft(lead_unit=None)).exists()


def test_who_may_answer(org: Org, in_progress: MakeTask) -> None:
    obstacle = services.obstacle_create(
        acting_user=org.btc_officer,
        task=in_progress(),
        description="Vướng mắc",
        proposal="Đề xuất",
        decider_unit_id=org.btc.pk,
    )
    yes: list[User] = [org.leader, org.btc_head]
    no: list[User] = [org.btc_officer, org.monitor, org.phuxuan_head, org.ancuu_head, org.inspector, org.admin]
    assert [access.may_answer(u, obstacle, TODAY) for u in yes] == [True] * len(yes)
    assert [access.may_answer(u, obstacle, TODAY) for u in no] == [False] * len(no)
    # Before the head took office, or once the person left: no.
    assert not access.may_answer(org.btc_head, obstacle, datetime.date(2025, 1, 1))


def test_who_may_rate_confidence(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    assert access.may_rate_confidence(org.monitor, task)
    for user in (org.leader, org.btc_head, org.btc_officer, org.inspector, org.admin):
        assert not access.may_rate_confidence(user, task)
