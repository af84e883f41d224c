"""How a page of a text search is read on PostgreSQL: one home for the tasks' list and the letters' register.

PostgreSQL multiplies the selectivities of ANDed ``LIKE '%word%'`` conditions, so it always gathers every match
through the trigram index and sorts them: right for a rare term (a name), slow for a common one (tens of thousands
of matches in a million rows), where walking the list's order index finds the first page after a few thousand rows.
So the ordinary plan gets a short time limit; if it runs out, the page walks the index (bitmap and sequential scans
off) within its own limit; should that run out too (a rare term on a busy server), the ordinary plan runs without a
limit. Each read runs in a savepoint that drops its settings (docs/performance.md)."""

from __future__ import annotations

from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import Model, QuerySet
from psycopg.errors import QueryCanceled

M = TypeVar("M", bound=Model)

# How long the trigram index may take to gather a search's matches before the page walks the order's index instead,
# and how long that walk may take before the matches are gathered after all, however long that takes.
SEARCH_GATHER_TIMEOUT = "40ms"
SEARCH_WALK_TIMEOUT = "500ms"


def read_with(qs: QuerySet[M], *settings: str) -> list[M]:
    """``list(qs)`` with ``SET LOCAL`` settings, in a savepoint rolled back after the read (which drops them)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"SET LOCAL {setting}")
        rows = list(qs.all())
        transaction.set_rollback(True)
    return rows


def read_search_page(rows: QuerySet[M]) -> list[M]:
    """``list(rows)`` — a page of a text search in an order an index can walk — as the module says: the ordinary
    plan within ``SEARCH_GATHER_TIMEOUT``, then the index walk within ``SEARCH_WALK_TIMEOUT``, then the ordinary plan
    without a limit. Other databases: the plain read."""
    if connection.vendor != "postgresql":
        return list(rows)
    attempts = (
        (f"statement_timeout = '{SEARCH_GATHER_TIMEOUT}'",),
        ("enable_bitmapscan = off", "enable_seqscan = off", f"statement_timeout = '{SEARCH_WALK_TIMEOUT}'"),
    )
    for settings in attempts:
        try:
            return read_with(rows, *settings)
        except OperationalError as exc:
            if not isinstance(exc.__cause__, QueryCanceled):
                raise
    return list(rows)
