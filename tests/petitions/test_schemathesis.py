"""Fuzz the petitions operations over real HTTP as Văn phòng (who may write and decide), as
tests/meetings/test_schemathesis.py does: no 5xx, only documented statuses, bodies as documented, invalid data refused.

Schema-valid data a business rule refuses is rightly a 422 (a unit or person outside the caller's view, a day in the
future, a group without representatives, a decision without its task's officer…) or a 409 (a letter decided twice):
``positive_data_acceptance`` is not applied to the writes (nor to a generated cursor); every other check runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings

from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.petitions.services import letter_create
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.petitions.conftest import letter_input

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(path_regex=r"/petitions/")

BUSINESS_RULES = {
    ("POST", "/api/v1/petitions/letters"),
    ("POST", "/api/v1/petitions/letters/{letter_id}/decision"),
    ("POST", "/api/v1/petitions/receptions"),
    ("POST", "/api/v1/petitions/reception-days"),
    ("POST", "/api/v1/petitions/letters/{letter_id}/links"),  # a letter linked to itself, twice, or not seen
    # A correction: the version read moves with each one (409), and the facts' rules hold as on registering.
    ("PATCH", "/api/v1/petitions/letters/{letter_id}"),
    ("PATCH", "/api/v1/petitions/receptions/{reception_id}"),
}


def test_the_fuzzed_schema_has_the_petitions_operations() -> None:
    operations = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}  # type: ignore[union-attr]
    assert operations == BUSINESS_RULES | {
        ("GET", "/api/v1/petitions/letters"),
        ("GET", "/api/v1/petitions/letters/{letter_id}"),
        ("POST", "/api/v1/petitions/letters/duplicates"),
        ("GET", "/api/v1/petitions/receptions"),
        ("GET", "/api/v1/petitions/receptions/{reception_id}"),
        ("GET", "/api/v1/petitions/reception-days"),
        ("GET", "/api/v1/petitions/reception-days/figures"),
        ("GET", "/api/v1/petitions/hotspots"),
        ("GET", "/api/v1/petitions/hotspots/{hotspot_id}"),
    }


@pytest.fixture
def letters(org: Org) -> None:
    letter_create(acting_user=org.monitor, data=letter_input(org))


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_petitions_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, letters: None, live_server: Any, transactional_db: None
) -> None:
    _, secret = api_token_create(acting_user=org.monitor, user=org.monitor, name="schemathesis")
    excluded = []
    if (case.method.upper(), case.path) in BUSINESS_RULES or (case.query and "cursor" in case.query):
        from schemathesis.checks import positive_data_acceptance

        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
