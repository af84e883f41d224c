"""Fuzz the directive operations over real HTTP, as Văn phòng (who may write), the way tests/api/test_schemathesis.py
fuzzes the whole API as a unit head: no 5xx, only documented statuses, bodies as documented, invalid data refused.

Schema-valid data that a business rule refuses is rightly a 422 for the writing operations — a date outside every
term, a number already used, a unit outside the caller's view, a file whose content is not what its extension says:
no schema can express those. ``positive_data_acceptance`` is therefore not applied to those operations (and, as in
the API-wide test, not to a generated cursor); every other check still runs on them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.directives.services import DirectiveInput, directive_create, term_create
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.directives.conftest import DAY, TERM_START
from tests.extraction.test_proposals_schemathesis import BUSINESS_RULES as PROPOSAL_RULES

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(path_regex=r"/directives")

# Operations whose schema-valid input may still break a business rule (see the module docstring).
BUSINESS_RULES = {
    ("POST", "/api/v1/directives"),
    ("PATCH", "/api/v1/directives/{directive_id}"),
    ("GET", "/api/v1/directives/next-number"),
    ("POST", "/api/v1/directives/{directive_id}/attachments"),
}


def _operations() -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def test_the_fuzzed_schema_has_the_directive_operations() -> None:
    operations = {(case.method.upper(), case.path) for case in _operations()}
    assert operations > BUSINESS_RULES
    assert ("GET", "/api/v1/directives") in operations


@pytest.fixture
def directives(org: Org) -> None:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=TERM_START)
    for kind in ("NQ", "CTr", "KL"):
        directive_create(
            acting_user=org.monitor,
            data=DirectiveInput(kind=kind, issuer_code="TU", issuing_unit_id=org.city.pk, issued_on=DAY, summary=kind),
        )


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_directive_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, directives: None, live_server: Any, transactional_db: None
) -> None:
    _, secret = api_token_create(acting_user=org.monitor, user=org.monitor, name="schemathesis")
    excluded = []
    if (case.method.upper(), case.path) in BUSINESS_RULES | PROPOSAL_RULES or (case.query and "cursor" in case.query):
        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
