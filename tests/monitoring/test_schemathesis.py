"""Fuzz the monitoring operations over real HTTP, against real rows (ARCHITECTURE rule 7).

As ``tests/tasks/test_schemathesis.py``: the database holds tasks in several states with obstacles (open, answered,
escalated), progress updates and confidence ratings, and a generated task or obstacle id is mapped onto one of them,
so that reads and actions reach real rows rather than stopping at a 404. The caller is the officer assigned to the
tasks for their own reports (obstacles, progress), the standing leader for answers, the monitoring office for
confidence and for the reads.

Schemathesis's default checks hold: no 5xx, only documented statuses, bodies as documented, invalid data refused
with a 4xx. "Valid data is accepted" is not checked where a business rule the schema cannot express may refuse
valid data with 422: the mandatory texts are left optional in the schemas on purpose (a blank one is answered by
the service's own message), and the body asked must be at or above the lead unit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Ok

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.common.api import MAX_DB_ID
from sauro.monitoring import services
from sauro.monitoring.api import TAG_OBSTACLES, TAG_PROGRESS
from sauro.monitoring.models import Obstacle
from sauro.tasks import services as task_services
from sauro.tasks.models import Task
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, complete_fields

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(tag=[TAG_OBSTACLES, TAG_PROGRESS])

# (method, path) of the operations whose valid data a business rule may still refuse with 422.
BUSINESS_RULES = {
    ("POST", f"{API_ROOT}tasks/{{task_id}}/obstacles"),
    ("POST", f"{API_ROOT}obstacles/{{obstacle_id}}/answer"),
    ("POST", f"{API_ROOT}tasks/{{task_id}}/progress"),
}


def test_the_monitoring_operations_are_fuzzed() -> None:
    paths = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        paths.add((result.ok().method.upper(), result.ok().path))
    assert ("GET", f"{API_ROOT}obstacles") in paths
    assert ("POST", f"{API_ROOT}tasks/{{task_id}}/confidence") in paths
    assert paths >= BUSINESS_RULES
    assert len(paths) == 9


@pytest.fixture
def seeded(org: Org, today: Clock, transactional_db: None) -> dict[str, list[int]]:
    """Tasks, obstacles, updates and ratings (once per operation: every example shares them); their ids."""

    def draft(**overrides: Any) -> Task:
        return task_services.task_create(
            acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org, **overrides)
        )

    def working(title: str) -> Task:
        task = task_services.task_issue(acting_user=org.monitor, task=draft(title=title))
        return task_services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])

    def obstacle(task: Task, decider: int) -> int:
        return services.obstacle_create(
            acting_user=org.btc_officer,
            task=task,
            description="Thiếu số liệu của các phường",
            proposal="Đề nghị Văn phòng đôn đốc",
            decider_unit_id=decider,
        ).pk

    first, second = working("Đang thực hiện"), working("Đang thực hiện, có vướng mắc")
    given = task_services.task_issue(acting_user=org.monitor, task=draft(title="Đã giao"))
    done = working("Hoàn thành")
    task_services.task_submit(acting_user=org.btc_head, task=done, product_note="Báo cáo")
    task_services.task_approve(acting_user=org.leader, task=done)
    open_ids = [obstacle(first, org.standing.pk), obstacle(second, org.city.pk)]
    answered = obstacle(second, org.standing.pk)
    services.obstacle_answer(acting_user=org.leader, obstacle=Obstacle.objects.get(pk=answered), answer="Đồng ý")
    escalated = obstacle(first, org.btc.pk)
    services.obstacle_escalate(obstacle_id=escalated, as_of=TODAY.replace(day=20))
    for task, percent in ((first, 30), (second, 50), (first, 40)):
        services.progress_update_create(acting_user=org.btc_officer, task=task, done="Đã làm", percent=percent)
    services.confidence_rate(acting_user=org.monitor, task=first, level="amber")
    return {
        "task_id": [t.pk for t in (first, second, given, done, draft(title="Dự thảo"))],
        "obstacle_id": [*open_ids, answered, escalated],
    }


def onto_real_rows(case: schemathesis.Case, ids: dict[str, list[int]]) -> None:
    """Map a well-formed generated id onto a real row (an ill-formed one is left alone: it is the test)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    params = case.path_parameters or {}
    for name in ("task_id", "obstacle_id"):
        value = params.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DB_ID:
            params[name] = ids[name][value % len(ids[name])]


def actor(org: Org, case: schemathesis.Case) -> User:
    method, path = case.operation.method.upper(), case.operation.path
    if method == "POST" and path.endswith(("/obstacles", "/progress")):
        return org.btc_officer
    if method == "POST" and path.endswith("/answer"):
        return org.leader
    return org.monitor


@schema.parametrize()
@settings(
    max_examples=4,  # per operation and phase (the coverage phase adds its boundary cases): the run stays short
    deadline=None,
    database=None,  # nothing written under the source tree
    suppress_health_check=list(HealthCheck),
)
def test_monitoring_api_survives_fuzzing(
    case: schemathesis.Case,
    org: Org,
    seeded: dict[str, list[int]],
    live_server: Any,
    transactional_db: None,
) -> None:
    onto_real_rows(case, seeded)
    user = actor(org, case)
    _, secret = api_token_create(acting_user=user, user=user, name="schemathesis")
    excluded = []
    if (case.operation.method.upper(), case.operation.path) in BUSINESS_RULES:
        excluded.append(positive_data_acceptance)
    if case.query and "cursor" in case.query:
        # A cursor is opaque: only values the API issued are valid (see tests/api/test_schemathesis.py).
        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
