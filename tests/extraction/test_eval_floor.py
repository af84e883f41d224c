"""The extractor on the development set (``eval/extraction/*.jsonl``), measured as ``make eval-extract`` measures it.

Issue 18's targets (due date and time kind ≥ 95 %, lead unit ≥ 90 %, authority ≥ 85 %) are NOT met yet: ``make
eval-extract`` prints the figures and exits non-zero below them, and docs/extraction.md keeps the table. Until they
are, this test holds the figures measured when the reader was merged (07/12/2026) as a floor, a few points below
them, so that a change that makes the reading worse fails here. Raise the floors as the reader improves; when the
targets hold, assert ``report.failures() == []`` instead.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from sauro.extraction import evaluate as ev
from sauro.extraction.units import UnitMatcher

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# field → (precision, recall) measured minus a margin; None: not held.
FLOORS: dict[str, tuple[float | None, float | None]] = {
    "task": (0.82, 0.58),
    "lead": (0.80, 0.72),
    "time_kind": (0.80, 0.56),
    "due": (0.50, 0.32),
    "authority": (None, 0.25),
}
NO_EDIT_FLOOR = 0.55


@pytest.mark.django_db
def test_the_extractor_does_not_fall_below_its_measured_floor() -> None:
    from sauro.demo.loader import load_demo_organisation

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
    report = ev.evaluate(ev.load_devset(), UnitMatcher.from_db())
    table = "\n" + ev.as_text(report)
    for name, (precision, recall) in FLOORS.items():
        count = report.counts[name]
        if precision is not None:
            assert count.precision is not None and count.precision >= precision, f"{name} precision{table}"
        if recall is not None:
            assert count.recall is not None and count.recall >= recall, f"{name} recall{table}"
    assert (report.no_edit_share or 0) >= NO_EDIT_FLOOR, table
