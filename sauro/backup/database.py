"""The database's part of a backup, per vendor: a consistent copy with the facts the manifest records about it
(row counts per table, the journal head, the applied migrations), and putting a copy back.

- SQLite: Python's online backup API (``sqlite3.Connection.backup``) copies the live database page by page into a
  file; the facts are read from that copy, so they describe exactly what was copied. Restoring moves the copy into
  place (the database file named by ``DATABASE_URL`` / ``SAURO_VAR_DIR``).
- PostgreSQL: a read-only REPEATABLE READ transaction exports its snapshot, reads the facts and keeps the snapshot
  open while ``pg_dump --format=custom --snapshot=…`` dumps that same state. Restoring runs ``pg_restore`` into
  the (empty) database, in one transaction. Both programs run with an argument list, never a shell; a password
  goes through ``PGPASSWORD``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry, AuditHead
from sauro.org.models import Unit

SQLITE_MEMBER = "database/sauro.sqlite3"
POSTGRES_MEMBER = "database/sauro.pgdump"
VENDOR_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

ERR_VENDOR = "Cơ sở dữ liệu “{vendor}” chưa được hỗ trợ sao lưu và khôi phục (chỉ SQLite và PostgreSQL)."
ERR_IN_TRANSACTION = "Không sao lưu được từ bên trong một giao dịch cơ sở dữ liệu đang mở."
ERR_MEMORY_DB = "Cơ sở dữ liệu SQLite đang ở trong bộ nhớ: không có tệp nào để khôi phục vào."
ERR_PG_TOOL = "Không chạy được {program}: {problem}"
ERR_PG_FAILED = "{program} báo lỗi (mã thoát {code}): {stderr}"


class DatabaseStepError(Exception):
    pass


class _Cursor(Protocol):
    def execute(self, sql: str, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


@dataclass
class Snapshot:
    """A consistent copy of the database and the facts read from that same state."""

    path: Path
    member: str
    vendor: str
    counts: dict[str, int] = field(default_factory=dict)
    head: dict[str, Any] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)


def vendor() -> str:
    if connection.vendor not in VENDOR_LABELS:
        raise DatabaseStepError(ERR_VENDOR.format(vendor=connection.vendor))
    return connection.vendor


def member_for(vendor_name: str) -> str:
    return SQLITE_MEMBER if vendor_name == "sqlite" else POSTGRES_MEMBER


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: _Cursor, vendor_name: str) -> list[str]:
    if vendor_name == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    return [row[0] for row in cursor.fetchall()]


def _facts(cursor: _Cursor, vendor_name: str) -> tuple[dict[str, int], dict[str, Any], list[str]]:
    """Row counts per table, the journal head and the applied migrations, as this cursor sees them."""
    tables = _tables(cursor, vendor_name)
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 — a table name read from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    head: dict[str, Any] = {"last_seq": 0, "last_hash": None}
    head_table = AuditHead._meta.db_table
    if head_table in tables:
        cursor.execute(f"SELECT last_seq, last_hash FROM {_quote(head_table)} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
        if row is not None:
            head = {"last_seq": int(row[0]), "last_hash": row[1]}
    migrations: list[str] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return counts, head, migrations


def current_counts() -> dict[str, int]:
    """Row counts per table of the database this process is configured for."""
    with connection.cursor() as cursor:
        counts, _head, _migrations = _facts(cursor, vendor())
    return counts


# --- taking the copy ------------------------------------------------------------------------------------------------


def snapshot(directory: Path) -> Snapshot:
    """Copy the database into ``directory`` and read the facts of that copy."""
    name = vendor()
    if connection.in_atomic_block:
        raise DatabaseStepError(ERR_IN_TRANSACTION)
    if name == "sqlite":
        return _snapshot_sqlite(directory)
    return _snapshot_postgres(directory)


def _snapshot_sqlite(directory: Path) -> Snapshot:
    target = directory / "sauro.sqlite3"
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file: no write-ahead log beside it (the restored instance turns WAL on again).
        copy.execute("PRAGMA journal_mode=DELETE")
        counts, head, migrations = _facts(copy.cursor(), "sqlite")
    finally:
        copy.close()
    return Snapshot(target, SQLITE_MEMBER, "sqlite", counts, head, migrations)


def _pg_connection_args() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore and their environment (password, TLS settings)."""
    db = settings.DATABASES["default"]
    args = ["--no-password"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return args, env


def _dbname_arg() -> str:
    # --dbname=… keeps a name that starts with "-" from being read as an option.
    return f"--dbname={settings.DATABASES['default']['NAME']}"


def _run(program: str, argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(  # noqa: S603 — an argument list, no shell
            [program, *argv], env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
    except OSError as e:
        raise DatabaseStepError(ERR_PG_TOOL.format(program=program, problem=e.strerror or e)) from e
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise DatabaseStepError(ERR_PG_FAILED.format(program=program, code=done.returncode, stderr=stderr))


def _snapshot_postgres(directory: Path) -> Snapshot:
    target = directory / "sauro.pgdump"
    args, env = _pg_connection_args()
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        counts, head, migrations = _facts(cursor, "postgresql")
        # The transaction stays open while pg_dump reads the exported snapshot: the dump is the state counted above.
        _run(
            "pg_dump",
            [*args, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", _dbname_arg()],
            env,
        )
    return Snapshot(target, POSTGRES_MEMBER, "postgresql", counts, head, migrations)


# --- the instance restored into -------------------------------------------------------------------------------------


def data_present() -> dict[str, int]:
    """What the database already holds that a restore would overwrite: journal entries, accounts, units (only the
    tables that exist; an instance whose migrations ran but that holds nothing yet counts as empty)."""
    if connection.vendor == "sqlite" and not _in_memory() and not sqlite_target().exists():
        return {}  # no database file yet: nothing there, and none created by asking
    existing = set(connection.introspection.table_names())
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for label, model in (("mục nhật ký", AuditEntry), ("tài khoản", User), ("đơn vị", Unit)):
            table = model._meta.db_table
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 — a model's table name
                count = int(cursor.fetchone()[0])
                if count:
                    found[label] = count
    return found


def _in_memory() -> bool:
    name = str(settings.DATABASES["default"]["NAME"])
    return name in ("", ":memory:") or name.startswith("file:")


def sqlite_target() -> Path:
    if _in_memory():
        raise DatabaseStepError(ERR_MEMORY_DB)
    return Path(settings.DATABASES["default"]["NAME"])


def load(path: Path, vendor_name: str) -> None:
    """Put the copy at ``path`` in place of the (empty) database."""
    connection.close()
    if vendor_name == "sqlite":
        target = sqlite_target()
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(target.name + ".restoring")
        with open(path, "rb") as src, open(staged, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staged, target)
    else:
        args, env = _pg_connection_args()
        _run(
            "pg_restore",
            [
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                _dbname_arg(),
                str(path),
            ],
            env,
        )
    connection.close()
