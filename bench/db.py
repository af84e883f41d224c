"""The benchmark's PostgreSQL: where the server is, creating the database, and facts about the machine."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The PostgreSQL server (user, password, host, port) from ``BENCH_DATABASE_URL``, else the local default."""
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_SERVER_URL


def database_url(database: str) -> str:
    """The URL of ``database`` on the benchmark's server (the path of ``BENCH_DATABASE_URL`` is replaced)."""
    parts = urlsplit(server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def ensure_database(database: str) -> bool:
    """Create ``database`` when it does not exist; True when it was created."""
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if found:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        return True


def connect(database: str) -> psycopg.Connection:
    """An autocommit connection for reads (parameters, floors)."""
    return psycopg.connect(database_url(database), autocommit=True)


def count_tasks(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT count(*) FROM tasks_task").fetchone()
    return int(row[0]) if row else 0


def user_exists(conn: psycopg.Connection, username: str) -> bool:
    return conn.execute("SELECT 1 FROM accounts_user WHERE username = %s", [username]).fetchone() is not None


def table_exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class Machine:
    cores: int
    ram_mb: int
    cpu: str
    python: str
    postgresql: str
    tasks: int
    database: str
    # The machine's speed on two fixed workloads (best of 5, ms; lower is faster), so that figures from different
    # machines of the same kind can be compared: the same code was measured 2.5 times slower on one than on another.
    python_reference_ms: float = 0.0
    sql_reference_ms: float = 0.0
    shared_buffers: str = "?"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        return (
            f"{self.cores} cores ({self.cpu}), {self.ram_mb / 1024:.1f} GB RAM, PostgreSQL {self.postgresql}, "
            f"Python {self.python}; database {self.database}: {self.tasks:,} tasks\n"
            f"Speed: reference Python loop {self.python_reference_ms:.0f} ms, "
            f"reference SQL {self.sql_reference_ms:.0f} ms (best of {REFERENCE_RUNS}, lower is faster); "
            f"PostgreSQL shared_buffers {self.shared_buffers}"
        )


REFERENCE_RUNS = 5
# Fixed workloads of a few hundred milliseconds: one Python process, one PostgreSQL backend.
PYTHON_REFERENCE_LOOP = 3_000_000
SQL_REFERENCE = "SELECT sum(i) FROM generate_series(1, 1000000) AS i"


def _best_ms(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REFERENCE_RUNS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def _python_reference() -> int:
    total = 0
    for i in range(PYTHON_REFERENCE_LOOP):
        total += i
    return total


def _meminfo_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(conn: psycopg.Connection, database: str) -> Machine:
    row = conn.execute("SHOW server_version").fetchone()
    return Machine(
        cores=os.cpu_count() or 0,
        ram_mb=_meminfo_mb(),
        cpu=_cpu_model(),
        python=sys.version.split()[0],
        postgresql=str(row[0]) if row else "?",
        tasks=count_tasks(conn),
        database=database,
        python_reference_ms=_best_ms(_python_reference),
        sql_reference_ms=_best_ms(lambda: conn.execute(SQL_REFERENCE).fetchone()),
        shared_buffers=str(buffers[0]) if (buffers := conn.execute("SHOW shared_buffers").fetchone()) else "?",
    )
