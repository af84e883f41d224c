"""The Huế demo loaded once per test process, then put back from a copy of the database for each later journey.

Loading the demo lives a year through the services (a minute or two); a browser journey flushes the database after
it (it commits: the live server must see its data), so each journey that needs the demo used to load it again. The
first journey of a process loads it as before; ``take`` then copies every table, and later journeys ``restore``
the copy, which is the same rows the load wrote (ids, journal, triggers' summaries and all), in a second or two.

- SQLite (the tests' in-memory database): SQLite's online backup, to a private in-memory database and back.
- PostgreSQL: each table's rows with ``COPY … TO STDOUT`` (text format, exact), put back after one ``TRUNCATE`` of
  every table with triggers off (``session_replication_role = replica``: the copy already holds what the triggers
  wrote), then each sequence set past its table's largest id.

Anything else falls back to loading the demo (``None`` from ``take``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class Snapshot:
    vendor: str
    data: Any


def _tables(cursor: Any) -> list[str]:
    return sorted(t for t in connection.introspection.table_names(cursor) if t != "django_migrations")


def take() -> Snapshot | None:
    """A copy of every table of the default database as it is now, or ``None`` for a database it cannot copy."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot("sqlite", copy)
    if connection.vendor == "postgresql":
        rows: dict[str, bytes] = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in _tables(cursor):
                quoted = connection.ops.quote_name(table)
                with raw.copy(f"COPY {quoted} TO STDOUT") as out:
                    rows[table] = b"".join(bytes(block) for block in out)
        return Snapshot("postgresql", rows)
    return None


def restore(snapshot: Snapshot) -> None:
    """Put the database back as it was when ``snapshot`` was taken (whatever a journey since wrote or flushed)."""
    if snapshot.vendor == "sqlite":
        connection.ensure_connection()
        snapshot.data.backup(connection.connection)
    else:
        tables: dict[str, bytes] = snapshot.data
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            present = _tables(cursor)
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in present))
            raw = cursor.cursor
            for table, data in tables.items():
                with raw.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as into:
                    into.write(data)
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    # The content types' ids are the copy's again (a flush had them made anew).
    ContentType.objects.clear_cache()
