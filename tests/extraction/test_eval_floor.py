"""The extractor on the development set (``eval/extraction/*.jsonl``), measured as ``make eval-extract`` measures it.

Issue 18's targets hold: due date and time kind ≥ 95 %, lead unit ≥ 90 %, authority ≥ 85 %, precision and recall
alike (``evaluate.TARGETS``); a change that brings one below fails here, with the table. Two figures the issue does not
target are held as floors a few points below what was measured on 07/12/2026 (task found: 100 % / 99 %; proposals
that need no edit: 64 %), so that they do not slip unseen either. The rules were written against this set: the
held-out set (``eval/extraction/heldout``, labelled blind) tells how they do on sentences they have not seen.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from sauro.extraction import evaluate as ev
from sauro.extraction.units import UnitMatcher

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# field → (precision, recall) floors of what the issue does not target.
FLOORS: dict[str, tuple[float, float]] = {"task": (0.95, 0.95)}
NO_EDIT_FLOOR = 0.60


@pytest.mark.django_db
def test_the_extractor_meets_the_issue_targets_on_the_development_set() -> None:
    from sauro.demo.loader import load_demo_organisation

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
    report = ev.evaluate(ev.load_devset(), UnitMatcher.from_db())
    table = "\n" + ev.as_text(report)
    assert report.failures() == [], table
    for name, (precision, recall) in FLOORS.items():
        count = report.counts[name]
        assert count.precision is not None and count.precision >= precision, f"{name} precision{table}"
        assert count.recall is not None and count.recall >= recall, f"{name} recall{table}"
    assert (report.no_edit_share or 0) >= NO_EDIT_FLOOR, table
