"""Fuzz the "Thông báo" operations over real HTTP (bad input never causes a 500), as tests/api/test_schemathesis.py
does for the whole API; a few examples each so this stays quick, with notifications present to read and mark."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from sauro.accounts.services import api_token_create
from sauro.notifications.services import notify
from tests.api.checks import CHECKS
from tests.api.test_schemathesis import OPENAPI_SCHEMA
from tests.conftest import Org

schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(tag="Thông báo")


def test_the_tag_has_the_operations() -> None:
    tagged = {
        (method.upper(), path)
        for path, operations in OPENAPI_SCHEMA["paths"].items()
        for method, operation in operations.items()
        if "Thông báo" in operation.get("tags", [])
    }
    assert tagged == {
        ("GET", "/api/v1/notifications"),
        ("POST", "/api/v1/notifications/read-all"),
        ("GET", "/api/v1/notifications/preferences"),
        ("PUT", "/api/v1/notifications/preferences"),
        ("POST", "/api/v1/notifications/{notification_id}/read"),
    }


@schema.parametrize()
@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_notification_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, live_server: Any, transactional_db: None
) -> None:
    notify(recipients=[org.btc_head], kind="task_issued", title="Nhiệm vụ mới", url="/nhiem-vu/1/")
    _, secret = api_token_create(acting_user=org.btc_head, user=org.btc_head, name="schemathesis")
    excluded = [positive_data_acceptance] if case.query and "cursor" in case.query else []
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
