"""Fuzz the statistics operations over real HTTP (ARCHITECTURE rule 7): no 5xx, only documented statuses, bodies as
documented (``tests/api/checks.py``), over the dashboard tests' world of tasks in every reporting state, so that the
figures, rates, league table and trends are real numbers held to their schemas, not zeros and nulls. "Valid data is
accepted" is not checked: a range with ``from`` after ``to`` is well-formed for the schema yet refused with 422, as is
a day whose period or trend the reporting regime does not know; a unit outside the caller's view is a 404."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.common.api import MAX_DB_ID
from sauro.dashboard.api import TAG_STATS
from tests.api.checks import CHECKS

from .conftest import World

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(tag=[TAG_STATS])


@schema.parametrize()
@settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_stats_api_survives_fuzzing(
    case: schemathesis.Case, world: World, live_server: Any, transactional_db: None
) -> None:
    org = world.org
    query = case.query or {}
    value = query.get("unit_id")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DB_ID:
        query["unit_id"] = [org.city.pk, org.btc.pk, org.ancuu.pk][value % 3]
    # The standing leader sees every unit: the league table and the trends are filled.
    _, secret = api_token_create(acting_user=org.leader, user=org.leader, name="schemathesis")
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {secret}"},
        checks=CHECKS,
        excluded_checks=[positive_data_acceptance],
    )
