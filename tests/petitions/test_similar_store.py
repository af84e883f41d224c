"""The duplicate search over a database table (``petitions.similar_store.SqlKeyStore``): the same answers as in
memory, on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator, Sequence

import pytest
from django.db import connection

from sauro.bench.petitions_dupes import generate, resolver
from sauro.petitions.similar import LetterRecord, SimilarityIndex
from sauro.petitions.similar_store import SqlKeyStore
from tests.petitions.test_similar import ORIGINAL, REWORDED, UNRELATED

pytestmark = pytest.mark.django_db
TABLE = "petitions_test_letterkey"


@pytest.fixture
def table() -> Iterator[str]:
    """The table docs/petitions.md specifies for the letters' app, created here for the test only."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q(TABLE)} ({q('letter_id')} BIGINT NOT NULL, {q('key')} BIGINT NOT NULL)")
        cursor.execute(f"CREATE INDEX {q(TABLE + '_key')} ON {q(TABLE)} ({q('key')}, {q('letter_id')})")
    yield TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {q(TABLE)}")


def _sql_index(records: dict[Hashable, LetterRecord]) -> SimilarityIndex:
    def load(ids: Sequence[Hashable]) -> list[LetterRecord]:
        return [records[i] for i in ids if i in records]

    store = SqlKeyStore(load=load, resolver=resolver(), table=TABLE)
    return SimilarityIndex(store, resolver=resolver())


def _numbered(record: LetterRecord, number: int) -> LetterRecord:
    return LetterRecord(**{**record.__dict__, "id": number})


def test_the_table_gives_the_same_candidates_as_memory(table: str) -> None:
    letters = generate(400, seed=3)
    records = {letter.record.id: letter.record for letter in letters}
    sql, memory = _sql_index(records), SimilarityIndex(resolver=resolver())
    for record in records.values():
        sql.add(record)
        memory.add(record)
    assert len(sql) == len(memory) == 400
    proposed = 0
    for record in records.values():
        expected = memory.similar(record)
        assert sql.similar(record) == expected, record.id
        proposed += len(expected)
    assert proposed > 60  # the set has near-duplicates: the comparison compared something


def test_adding_and_removing_a_letter_in_the_table(table: str) -> None:
    records = {1: _numbered(ORIGINAL, 1), 2: _numbered(UNRELATED, 2), 3: _numbered(REWORDED, 3)}
    index = _sql_index(records)
    index.add(records[1])
    index.add(records[2])
    assert [c.id for c in index.similar(records[3])] == [1]
    index.add(records[3])
    index.add(records[3])  # again (an edited letter): its keys are replaced, not doubled
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE letter_id = 3")  # noqa: S608
        rows = cursor.fetchone()[0]
    assert rows == len(set(index.sketch(records[3]).keys))
    assert [c.id for c in index.similar(records[1])] == [3]
    index.remove(3)
    assert index.similar(records[1]) == []
    assert len(index) == 2


def test_many_keys_are_asked_in_chunks(table: str) -> None:
    store = SqlKeyStore(load=lambda ids: [], table=table)
    index = SimilarityIndex(store)
    item = index.add(_numbered(ORIGINAL, 7))
    keys = [*range(1, 2000), *item.keys]
    assert store.matches(keys) == {7: len(set(item.keys))}
    assert store.sizes(keys) == dict.fromkeys(item.keys, 1)
    assert store.sizes(keys, cap=5) == dict.fromkeys(item.keys, 1)


def test_a_capped_count_stops_at_the_cap_in_the_table_and_in_memory(table: str) -> None:
    """A key many letters share is counted up to the cap (the search only needs "more than BUCKET_CAP"); a rarer one
    exactly; an unknown key not at all — the same in the table as in memory."""
    sql = SqlKeyStore(load=lambda ids: [], table=table)
    memory = SimilarityIndex().store
    for number in range(1, 13):
        item = SimilarityIndex().sketch(_numbered(ORIGINAL, number))
        common, rare = item.keys[0], item.keys[1]
        keys = (common, rare) if number <= 3 else (common,)
        kept = dataclasses.replace(item, content_keys=keys, fact_keys=(), sender_keys=())
        sql.put(kept)
        memory.put(kept)
    for store in (sql, memory):
        assert store.sizes([common, rare, 99]) == {common: 12, rare: 3}
        assert store.sizes([common, rare, 99], cap=5) == {common: 5, rare: 3}
        assert store.sizes([common, rare], cap=12) == {common: 12, rare: 3}
