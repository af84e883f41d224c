"""Fuzz the meeting operations over real HTTP as Văn phòng (who may write), as tests/directives/test_schemathesis.py
does for directives: no 5xx, only documented statuses, bodies as documented, invalid data refused.

Schema-valid data a business rule refuses is rightly a 422 for ``POST /meetings`` (a unit or person outside the
caller's view, a day in the future, a unit not yet founded on the day): ``positive_data_acceptance`` is not applied
to it (nor to a generated cursor); every other check still runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings

from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.common import clock
from sauro.meetings.services import meeting_create
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.meetings.conftest import meeting_input

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(path_regex=r"/meetings")

BUSINESS_RULES = {("POST", "/api/v1/meetings")}


def test_the_fuzzed_schema_has_the_meeting_operations() -> None:
    operations = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}  # type: ignore[union-attr]
    assert operations == {("GET", "/api/v1/meetings"), ("POST", "/api/v1/meetings")}


@pytest.fixture
def meetings(org: Org) -> None:
    meeting_create(acting_user=org.monitor, data=meeting_input(org, held_on=clock.today()))


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_meeting_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, meetings: None, live_server: Any, transactional_db: None
) -> None:
    _, secret = api_token_create(acting_user=org.monitor, user=org.monitor, name="schemathesis")
    excluded = []
    if (case.method.upper(), case.path) in BUSINESS_RULES or (case.query and "cursor" in case.query):
        from schemathesis.checks import positive_data_acceptance

        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
