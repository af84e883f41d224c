"""The development set of issue 18 (``eval/extraction/*.jsonl``) is well-formed: every line parses, every unit code
exists in the deployed (demo) organisation, every sentence says where it was published, ids are unique, and there
are enough sentences (the issue asks for at least 150 across the files; this helper's file holds at least 90)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings

from sauro.common.calendar import deadline_on_or_after
from sauro.demo.loader import load_demo_organisation
from sauro.extraction import evaluate as ev
from sauro.org.models import Unit

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MIN_FILE = {"devset-1.jsonl": 90}
MIN_TOTAL = 150  # the floor, across every file of the set


@pytest.fixture(scope="module")
def cases() -> list[ev.Case]:
    return ev.load_devset()


def test_every_file_parses_and_ids_are_unique(cases: list[ev.Case]) -> None:
    assert cases, "eval/extraction/*.jsonl is empty"
    assert len({c.id for c in cases}) == len(cases)


def test_enough_sentences(cases: list[ev.Case]) -> None:
    per_file = Counter(c.file for c in cases)
    for name, minimum in MIN_FILE.items():
        assert per_file[name] >= minimum, f"{name}: {per_file[name]} câu"
    assert len(cases) >= MIN_TOTAL


def test_sentences_without_task_measure_precision(cases: list[ev.Case]) -> None:
    """About a fifth of the sentences assign nothing (narrative, results), so spurious proposals are counted."""
    share = sum(1 for c in cases if not c.tasks) / len(cases)
    assert 0.15 <= share <= 0.6


def test_every_line_names_its_source_and_the_sentence_is_clean(cases: list[ev.Case]) -> None:
    for c in cases:
        assert len(c.source) >= 20, c.id
        assert c.sentence == c.sentence.strip() and "\n" not in c.sentence, c.id
        for task in c.tasks:
            if task.time_kind == "recurring":
                assert task.recurrence, c.id
            if task.lead is None:
                assert task.lead_text is not None, c.id


@pytest.mark.django_db
def test_every_unit_code_exists_in_the_demo_organisation(cases: list[ev.Case]) -> None:
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
    codes = set(Unit.objects.filter(valid_to__isnull=True).values_list("code", flat=True))
    unknown = sorted(
        {
            (c.id, code)
            for c in cases
            for t in c.tasks
            for code in (t.lead, t.authority, *t.coordinating)
            if code is not None and code not in codes
        }
    )
    assert unknown == []


@pytest.mark.django_db
def test_labelled_deadlines_fall_on_working_days(cases: list[ev.Case]) -> None:
    """The guide moves a deadline on a day off to the next working day: a labelled due date is a working day."""
    moved = [
        (c.id, t.due.isoformat())
        for c in cases
        for t in c.tasks
        if t.time_kind == "date" and t.due is not None and deadline_on_or_after(t.due) != t.due
    ]
    assert moved == []


def test_due_dates_are_not_before_the_document(cases: list[ev.Case]) -> None:
    early = [(c.id, t.due.isoformat()) for c in cases for t in c.tasks if t.due is not None and t.due < c.ref]
    assert early == []
