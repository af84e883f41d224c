"""Fuzz the task operations over real HTTP, against real tasks in every state (ARCHITECTURE rule 7).

As ``tests/api/test_schemathesis.py``, but the database holds tasks (drafts, issued, in progress, submitted, done,
with pending requests) and a generated task or request id is mapped onto one of them, so that reads and actions
reach real rows rather than stopping at a 404. The caller is the head of the lead unit for its own steps (accept,
submit, ask for an extension or a reassignment), the standing leader otherwise (drafts, issues, decides).

Schemathesis's default checks hold: no 5xx, only documented statuses, bodies as documented, invalid data refused
with a 4xx. "Valid data is accepted" is not checked where a business rule the schema cannot express may refuse
valid data with 422: issuing an unclear draft (six clears), officers outside the lead unit, a new due date not
after the current one, a reassignment to the same unit.
"""

from __future__ import annotations

import datetime
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
from sauro.tasks import services
from sauro.tasks.models import Task
from tests.api.checks import CHECKS
from tests.conftest import Org

from .conftest import TODAY, Clock, complete_fields

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(tag="Nhiệm vụ")

# (method, path) of the operations whose valid data a business rule may still refuse with 422.
BUSINESS_RULES = {
    ("POST", f"{API_ROOT}tasks/{{task_id}}/issue"),
    ("POST", f"{API_ROOT}tasks/{{task_id}}/accept"),
    ("POST", f"{API_ROOT}tasks/{{task_id}}/extension-requests"),
    ("POST", f"{API_ROOT}tasks/{{task_id}}/reassignment-requests"),
}


def test_the_task_operations_are_fuzzed() -> None:
    paths = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        paths.add(result.ok().path)
    assert f"{API_ROOT}tasks" in paths
    assert f"{API_ROOT}extension-requests/{{request_id}}/decide" in paths
    assert {path for _, path in BUSINESS_RULES} <= paths


@pytest.fixture
def seeded(org: Org, today: Clock, transactional_db: None) -> dict[str, list[int]]:
    """Tasks in every state and pending requests (once per operation: every example shares them); their ids."""

    def draft(**overrides: Any) -> Task:
        return services.task_create(
            acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org, **overrides)
        )

    def issue(task: Task) -> Task:
        return services.task_issue(acting_user=org.monitor, task=task)

    def accept(task: Task) -> Task:
        return services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])

    unclear = services.task_create(acting_user=org.leader, owner_unit=org.standing, fields={"title": "Chỉ có tên"})
    clear = draft(title="Dự thảo đủ 6 rõ")
    undated = draft(title="Dự thảo chưa có thời hạn", due_date=None)
    given = issue(draft(title="Đã giao"))
    working = accept(issue(draft(title="Đang thực hiện")))
    submitted = accept(issue(draft(title="Chờ duyệt")))
    services.task_submit(acting_user=org.btc_officer, task=submitted, product_note="Báo cáo kết quả")
    done = accept(issue(draft(title="Hoàn thành")))
    services.task_submit(acting_user=org.btc_head, task=done, product_note="Báo cáo")
    services.task_approve(acting_user=org.leader, task=done)
    extension = services.extension_request_create(
        acting_user=org.btc_head, task=working, new_due_date=TODAY + datetime.timedelta(days=90), reason="Chờ số liệu"
    )
    reassignment = services.reassignment_request_create(
        acting_user=org.btc_head, task=given, proposed_unit_id=org.ubkt.pk, reason="Đúng chức năng của UBKT"
    )
    ward = issue(
        draft(
            title="Việc của phường",
            lead_unit=org.phuxuan.pk,
            responsible_person=org.phuxuan_head.pk,
            coordinating_units=[],
        )
    )
    return {
        "task_id": [t.pk for t in (unclear, clear, undated, given, working, submitted, done, ward)],
        "extension": [extension.pk],
        "reassignment": [reassignment.pk],
    }


def onto_real_rows(case: schemathesis.Case, ids: dict[str, list[int]]) -> None:
    """Map a well-formed generated id onto a real row (an ill-formed one is left alone: it is the test)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return  # the id may be what makes the request invalid
    params = case.path_parameters or {}
    value = params.get("task_id", params.get("request_id"))
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DB_ID:
        return
    if "task_id" in params:
        params["task_id"] = ids["task_id"][value % len(ids["task_id"])]
    elif "extension-requests" in case.operation.path:
        params["request_id"] = ids["extension"][0]
    else:
        params["request_id"] = ids["reassignment"][0]


def actor(org: Org, case: schemathesis.Case) -> User:
    """The lead unit's head for the lead unit's own steps; the standing leader (drafter, authority) otherwise."""
    path = case.operation.path
    if path.endswith(("/accept", "/submit")) or (
        path.endswith("-requests") and case.operation.method.upper() == "POST"
    ):
        return org.btc_head
    return org.leader


@schema.parametrize()
@settings(
    max_examples=5,  # per operation and phase (the coverage phase adds its boundary cases): the run stays short
    deadline=None,
    database=None,  # nothing written under the source tree
    suppress_health_check=list(HealthCheck),
)
def test_task_api_survives_fuzzing(
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
