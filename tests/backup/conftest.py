"""Instances for the backup tests: the one the suite's test database is (the source), and fresh empty ones (the
targets) — each a ``SAURO_VAR_DIR`` and, on PostgreSQL, a database of its own that the fixture creates and drops.

``sauro backup`` and ``sauro restore`` run as real subprocesses against them. The suite's SQLite test database lives
in memory, where no other process can see it: ``Instance.publish`` copies it into the source's database file first
(on PostgreSQL the subprocess reads the test database itself, so the tests use ``transactional_db``: committed rows).
Counts and checksums are read here straight from the database and the directories, not through the code under test.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from sauro.audit.keys import forget_cached_key, new_key_text, write_key_file
from sauro.audit.models import AuditEntry
from sauro.petitions import identity_keys
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)

# Variables of the environment the tests run in that would point a subprocess elsewhere.
CLEARED = (
    "DATABASE_URL",
    "SECRET_KEY",
    "SAURO_AUDIT_KEY",
    "SAURO_AUDIT_KEY_FILE",
    "SAURO_PETITIONS_IDENTITY_KEY",
    "SAURO_PETITIONS_IDENTITY_KEY_FILE",
    "SAURO_AUDIT_CHECKPOINT_FILE",
    "SAURO_BACKUP_DIR",
    "SAURO_BACKUP_PASSPHRASE",
)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pg_params() -> dict[str, Any]:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }


def _pg_url(name: str) -> str:
    p = _pg_params()
    auth = quote(p["user"] or "") + (":" + quote(p["password"]) if p["password"] else "")
    host = p["host"] or "127.0.0.1"
    port = f":{p['port']}" if p["port"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(name)}"


@dataclass
class Instance:
    var_dir: Path
    pg_name: str | None  # the PostgreSQL database, or None on SQLite

    @property
    def sqlite_file(self) -> Path:
        return self.var_dir / "sauro.sqlite3"

    @property
    def database_url(self) -> str:
        return _pg_url(self.pg_name) if self.pg_name else f"sqlite:///{self.sqlite_file}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env.update(
            SAURO_VAR_DIR=str(self.var_dir),
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="sauro.settings",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def run(self, *args: str | Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """``sauro ARGS`` in a subprocess configured for this instance."""
        return subprocess.run(  # noqa: S603 — a fixed argument list
            [sys.executable, "-m", "sauro.cli", *map(str, args)],
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    # --- what the instance holds, read directly ------------------------------------------------------------------
    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.pg_name:
            with psycopg.connect(**_pg_params(), dbname=self.pg_name) as conn:
                return list(conn.execute(sql).fetchall())
        if not self.sqlite_file.exists():
            return []
        conn = sqlite3.connect(self.sqlite_file)
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()

    def tables(self) -> list[str]:
        if self.pg_name:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        return [row[0] for row in self._query(sql)]

    def counts(self) -> dict[str, int]:
        return {t: int(self._query(f'SELECT COUNT(*) FROM "{t}"')[0][0]) for t in self.tables()}  # noqa: S608

    def files(self) -> dict[str, str]:
        """SHA-256 of every file under the instance's media directory, by relative path."""
        root = self.var_dir / "media"
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def source(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Instance]:
    """The instance the suite's test database is: uploads, the audit key and the checkpoint file under its var dir."""
    var_dir = tmp_path / "source"
    media = var_dir / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
    }
    settings.SAURO_AUDIT_KEY_FILE = var_dir / "audit_key"
    settings.SAURO_AUDIT_CHECKPOINT_FILE = var_dir / "audit" / "checkpoints.log"
    var_dir.mkdir()
    # The audit key, as the keyed journal keeps it (the tests write checkpoints once their data is in).
    write_key_file(var_dir / "audit_key", new_key_text())
    forget_cached_key()
    # The key of the denouncers' identities (petitions, point 6), where the instance keeps it by default.
    settings.SAURO_PETITIONS_IDENTITY_KEY_FILE = var_dir / "petitions_identity_key"
    identity_keys.write_key_file(var_dir / "petitions_identity_key", identity_keys.new_key_text())
    yield Instance(var_dir, connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None)


def publish(instance: Instance) -> None:
    """Make the test database visible to a subprocess run for ``instance`` (SQLite: copy it into its file)."""
    if instance.pg_name:
        return
    connection.ensure_connection()
    copy = sqlite3.connect(instance.sqlite_file)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


@pytest.fixture
def fresh_target(tmp_path: Path) -> Iterator[Instance]:
    """An empty instance: a new var dir and, on PostgreSQL, a new empty database (dropped afterwards)."""
    var_dir = tmp_path / "target"
    if connection.vendor != "postgresql":
        yield Instance(var_dir, None)
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**_pg_params(), dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Instance(var_dir, name)
    finally:
        with psycopg.connect(**_pg_params(), dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def journal_length() -> int:
    return AuditEntry.objects.count()
