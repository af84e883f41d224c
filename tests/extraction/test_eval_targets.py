"""Issue 18's targets on the development set, measured as ``make eval-extract --check`` measures them: due date and
time kind ≥ 95 %, lead unit ≥ 90 %, authority ≥ 85 % (precision and recall). The matcher is the product's own over
the demo organisation, loaded in the test database."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from sauro.demo.loader import load_demo_organisation
from sauro.extraction import evaluate as ev
from sauro.extraction.units import UnitMatcher

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_extractor_meets_the_targets_on_the_development_set() -> None:
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
    report = ev.evaluate(ev.load_devset(), UnitMatcher.from_db())
    assert report.failures() == [], "\n" + ev.as_text(report)
