"""The duplicate search's keys in a database table (``petitions.similar.KeyStore``), on SQLite and PostgreSQL.

The table is the letters' app's (docs/petitions.md, "Duplicates": ``petitions_letterkey``, one row per key of a
letter, indexed on ``(key, letter_id)``); this module only reads and writes it, in plain portable SQL through Django's
connection, so it needs no model of its own. The sketches of candidate letters are rebuilt from the letters' own
fields (``load``: the letters' selector giving :class:`~sauro.petitions.similar.LetterRecord` values) — the texts are
the source of truth, the keys are derived and can be recomputed whenever ``similar.SCHEME`` changes.

Writes belong in the letter's service, inside its transaction (``SimilarityIndex.add`` after the letter is saved):
the keys are derived data, like the folded search columns, and are not journalled on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence

from django.db import connections, transaction

from sauro.petitions.similar import CommuneResolver, LetterRecord, Sketch, sketch

__all__ = ["SqlKeyStore"]


def _param(letter_id: Hashable) -> int | str:
    """A letter's id as a query parameter (the table's ids are integers; anything else goes as text)."""
    return letter_id if isinstance(letter_id, int | str) else str(letter_id)


# Keys per statement: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
_CHUNK = 900


class SqlKeyStore:
    """A :class:`~sauro.petitions.similar.KeyStore` over a table ``(letter_id, key)`` of the default database."""

    def __init__(
        self,
        *,
        load: Callable[[Sequence[Hashable]], Iterable[LetterRecord]],
        resolver: CommuneResolver | None = None,
        table: str = "petitions_letterkey",
        letter_column: str = "letter_id",
        using: str = "default",
    ) -> None:
        self.load = load
        self.resolver = resolver
        self.using = using
        ops = connections[using].ops
        self._table = ops.quote_name(table)
        self._letter = ops.quote_name(letter_column)
        self._key = ops.quote_name("key")

    def put(self, item: Sketch) -> None:
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            letter_id = _param(item.id)
            cursor.execute(f"DELETE FROM {self._table} WHERE {self._letter} = %s", [letter_id])  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {self._table} ({self._letter}, {self._key}) VALUES (%s, %s)",  # noqa: S608
                [(letter_id, key) for key in dict.fromkeys(item.keys)],
            )

    def remove(self, letter_id: Hashable) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._table} WHERE {self._letter} = %s", [_param(letter_id)])  # noqa: S608

    def _grouped(self, column: str, keys: Sequence[int]) -> Iterable[tuple[Hashable, int]]:
        keys = list(dict.fromkeys(keys))
        with connections[self.using].cursor() as cursor:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {column}, COUNT(*) FROM {self._table} "  # noqa: S608 — quoted names, bound values
                    f"WHERE {self._key} IN ({marks}) GROUP BY {column}",
                    chunk,
                )
                yield from cursor.fetchall()

    def matches(self, keys: Sequence[int]) -> Counter[Hashable]:
        hits: Counter[Hashable] = Counter()
        if len(set(keys)) <= _CHUNK:
            hits.update(dict(self._grouped(self._letter, keys)))
            return hits
        for letter_id, n in self._grouped(self._letter, keys):  # chunks: a letter may come back once per chunk
            hits[letter_id] += n
        return hits

    def sizes(self, keys: Iterable[int], cap: int | None = None) -> dict[int, int]:
        if cap is None:
            return {int(str(key)): n for key, n in self._grouped(self._key, list(keys))}
        return {int(str(key)): n for key, n in self._capped(list(dict.fromkeys(keys)), cap) if n}

    def _capped(self, keys: list[int], cap: int) -> Iterable[tuple[Hashable, int]]:
        """Each key with the number of its rows up to ``cap``: at most ``cap`` index entries read per key, where a
        plain ``COUNT(*) … GROUP BY`` reads every letter of a common key (hundreds of thousands at a million
        letters). ``VALUES`` names its column ``column1`` on SQLite and on PostgreSQL alike."""
        with connections[self.using].cursor() as cursor:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                values = ", ".join(["(%s)"] * len(chunk))
                cursor.execute(
                    f"SELECT v.column1, (SELECT COUNT(*) FROM (SELECT 1 FROM {self._table} t "  # noqa: S608
                    f"WHERE t.{self._key} = v.column1 LIMIT %s) AS s) FROM (VALUES {values}) AS v",
                    [cap, *chunk],
                )
                yield from cursor.fetchall()

    def sketches(self, ids: Sequence[Hashable]) -> list[Sketch]:
        by_id = {record.id: sketch(record, self.resolver, with_keys=False) for record in self.load(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def __len__(self) -> int:
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(DISTINCT {self._letter}) FROM {self._table}")  # noqa: S608
            return int(cursor.fetchone()[0])
