"""``make bench-petitions`` (issue 19, point 10) at a small size: the seed, its resumption, and every row of the table
measured (PostgreSQL only: it loads with COPY)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from bench import petitions
from sauro.petitions.models import HotSpot, Letter, LetterKey, Reception

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="loads with COPY: PostgreSQL (CI runs both)"),
]
LETTERS = 400


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test database, which the bench reaches by name on ``BENCH_DATABASE_URL``'s server."""
    s = connection.settings_dict
    server = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/postgres"
    monkeypatch.setenv("BENCH_DATABASE_URL", server)
    petitions.ensure_organisation()
    yield str(s["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_petitions_seed")


def test_the_seed_loads_every_table_the_scenarios_read_and_resumes(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = petitions.ensure_seed(database, LETTERS, 3, keys=True, reseed=False)
    assert Letter.objects.count() == LETTERS
    assert Reception.objects.count() == LETTERS // petitions.LETTERS_PER_VISIT
    # Every letter has its keys, computed with the installation's scheme and secret; the first scan was run and
    # recorded what it raised (a few hundred letters over ten years may raise nothing).
    assert LetterKey.objects.values("letter").distinct().count() == LETTERS
    assert state["letters"] == f"{LETTERS}:3" and state["keys"] == petitions.keys_version() and "scan" in state
    assert json.loads(state["scan"])["raised"] == HotSpot.objects.count()
    # A denunciation's signer is not in the letter's columns (point 6).
    assert not Letter.objects.filter(kind="to_cao").exclude(signer_name="").exists()
    # Every letter's search text is folded as the letter's own save folds it, and the search's trigram index, dropped
    # for the load, is there again: the search row times what an officer's search reads.
    assert all(x.search_text == x.folded_search_text() != "" for x in Letter.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'petitions_letter'")
        assert "letter_search_trgm" in {name for (name,) in cursor.fetchall()}

    # Run again with the same size: nothing is seeded again; an interrupted step (here the keys) is done again alone.
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("seeded again")

    monkeypatch.setattr(petitions, "seed_letters", refuse)
    monkeypatch.setattr(petitions, "seed_visits", refuse)
    monkeypatch.setattr(petitions, "first_scan", refuse)
    assert petitions.ensure_seed(database, LETTERS, 3, keys=True, reseed=False) == state
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_petitions_seed WHERE step = 'keys'")
    assert petitions.ensure_seed(database, LETTERS, 3, keys=True, reseed=False)["keys"] == petitions.keys_version()
    assert LetterKey.objects.values("letter").distinct().count() == LETTERS


def test_every_scenario_is_measured_against_its_budget(database: str, tmp_path: Path) -> None:
    state = petitions.ensure_seed(database, LETTERS, 3, keys=True, reseed=False)
    rows = petitions.measure(3, with_keys=True, scan_runs=1)
    assert [r.key for r in rows] == list(petitions.BUDGET_MS)
    assert all(r.p50 is not None and r.p95 is not None and r.p95 >= r.p50 for r in rows)
    duplicates = next(r for r in rows if r.key == "duplicates")
    assert duplicates.note.startswith("đơn gốc trong 5 gợi ý")
    assert duplicates.note != "đơn gốc trong 5 gợi ý: 0%"  # the lookup finds the letters the queries were made from
    search = next(r for r in rows if r.key == "search")
    assert "`/don-thu/?q=khu công nghiệp`" in search.what  # the register's page with its search box
    # The seed's letters hold the term (the demo's templates name the industrial zone): the page timed finds some.
    assert Letter.objects.filter(search_text__contains="khu cong nghiep").exists()

    args = argparse.Namespace(letters=LETTERS, database=database, runs=3)
    text = f"{petitions.header(args, state, (1.0, 1.0))}\n\n{petitions.table(rows)}"
    assert f"{LETTERS:,} letters" in text and "reference Python loop" in text and "reference SQL" in text
    assert "| hotspot_scan |" in text and "| 30,000 |" in text
    doc = tmp_path / "page.md"
    doc.write_text(f"# Page\n\n{petitions.DOCS_BEGIN}\nold\n{petitions.DOCS_END}\n\nAfter.\n", encoding="utf-8")
    petitions.write_docs(doc, text)
    written = doc.read_text(encoding="utf-8")
    assert "old" not in written and text in written and written.endswith("After.\n")


def test_without_keys_the_lookup_says_it_was_left_out(database: str) -> None:
    petitions.ensure_seed(database, 60, 4, keys=False, reseed=False)
    assert not LetterKey.objects.exists()
    rows = petitions.measure(1, with_keys=False, scan_runs=1)
    duplicates = next(r for r in rows if r.key == "duplicates")
    assert duplicates.p50 is None and "--no-keys" in duplicates.note
