"""Fuzz the proposals operations over real HTTP as Văn phòng (who may propose), the way
tests/directives/test_schemathesis.py fuzzes the directive operations: no 5xx, only documented statuses, bodies as
documented, invalid data refused.

Reading a directive's text may rightly refuse schema-valid data with 422: an ``attachment_id`` that is not one of the
directive's files, or neither text nor attachment for a directive without a full text. ``positive_data_acceptance``
is not applied to that operation (``BUSINESS_RULES``, also used by the API-wide and directive-wide fuzzing)."""

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
from sauro.extraction.services import proposals_extract
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.extraction.proposals_setup import TEXT, TODAY

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(path_regex=r"proposals")

BUSINESS_RULES = {
    ("POST", "/api/v1/directives/{directive_id}/proposals"),
}


def test_the_fuzzed_schema_has_the_proposals_operations() -> None:
    operations = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}  # type: ignore[union-attr]
    assert operations == {
        ("POST", "/api/v1/directives/{directive_id}/proposals"),
        ("GET", "/api/v1/directives/{directive_id}/proposals"),
        ("POST", "/api/v1/directives/{directive_id}/proposals/create-drafts"),
        ("POST", "/api/v1/extraction/proposals"),
    }


@pytest.fixture
def directive_id(org: Org) -> int:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=TODAY.replace(year=2025))
    directive = directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="KL", issuer_code="TU", issuing_unit_id=org.city.pk, issued_on=TODAY, summary="KL", full_text=TEXT
        ),
    )
    proposals_extract(acting_user=org.monitor, directive=directive, text=TEXT)
    return directive.pk


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_proposals_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, directive_id: int, live_server: Any, transactional_db: None
) -> None:
    params = case.path_parameters
    if params and "directive_id" in params and case.meta and case.meta.generation.mode.is_positive:
        params["directive_id"] = directive_id
    _, secret = api_token_create(acting_user=org.monitor, user=org.monitor, name="schemathesis")
    excluded = [positive_data_acceptance] if (case.method.upper(), case.path) in BUSINESS_RULES else []
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS, excluded_checks=excluded
    )
