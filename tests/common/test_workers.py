"""Several workers share the job queue without running a job twice (issue 16, point 9; docs/operations.md).

Two real ``sauro db_worker`` processes poll one database; once both are up, 60 jobs are queued at once, each
appending its number and its worker's process id to a file. Every job must appear exactly once, and both workers
must have run some. django-tasks-db claims a job in a transaction with ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL and an exclusive transaction on SQLite; this test holds it to that.

On a database of its own (a temporary SQLite file, or a PostgreSQL database made and dropped here), so that the
workers in other processes see what is queued.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
JOBS = 60
WORKERS = 2
TIMEOUT = 120.0
WORKER = [sys.executable, "-m", "sauro.cli", "db_worker", "--interval", "0.05", "--no-startup-delay"]


@pytest.fixture
def queue_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database for the queue: SQLite beside the test, or a new PostgreSQL database."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        return
    params = connection.settings_dict
    host, port, user = params["HOST"] or "127.0.0.1", params["PORT"] or "5432", params["USER"] or "postgres"
    base = str(params["NAME"]).removeprefix("test_")
    name = f"{base}_workers_{os.getpid()}"[:63]
    server = {"host": host, "port": port, "user": user, "password": params["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL", "TASKS_BACKEND", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        SAURO_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="test-workers-secret-key",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def _sauro(*argv: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "sauro.cli", *argv], cwd=ROOT, env=env, check=True, timeout=TIMEOUT)  # noqa: S603


def _wait_until_started(workers: list[subprocess.Popen[str]]) -> None:
    """Read each worker's log until it says it is polling the queue."""
    waiting = selectors.DefaultSelector()
    for worker in workers:
        assert worker.stderr is not None
        os.set_blocking(worker.stderr.fileno(), False)
        waiting.register(worker.stderr, selectors.EVENT_READ, worker)
    started: set[int] = set()
    deadline = time.monotonic() + TIMEOUT
    while len(started) < len(workers):
        assert time.monotonic() < deadline, "the workers did not start"
        for key, _ in waiting.select(timeout=1.0):
            worker = key.data
            text = key.fileobj.read() or ""  # type: ignore[union-attr]
            assert worker.poll() is None, f"a worker stopped: {text}"
            if "Starting worker" in text:
                started.add(worker.pid)
                waiting.unregister(key.fileobj)
    waiting.close()


def test_two_workers_run_every_job_exactly_once(queue_database: str, tmp_path: Path) -> None:
    env = _env(queue_database, tmp_path)
    _sauro("migrate", "django_tasks_database", "--noinput", "-v", "0", env=env)
    marker = tmp_path / "ran.txt"
    marker.touch()

    workers = [
        subprocess.Popen(  # noqa: S603 — fixed argv
            [*WORKER, "--worker-id", f"test-worker-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    try:
        _wait_until_started(workers)
        subprocess.run(  # noqa: S603 — fixed argv
            [sys.executable, "-m", "tests.common.worker_jobs", str(marker), str(JOBS)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=TIMEOUT,
        )
        deadline = time.monotonic() + TIMEOUT
        while len(marker.read_text().splitlines()) < JOBS:
            assert time.monotonic() < deadline, f"only {len(marker.read_text().splitlines())} of {JOBS} jobs ran"
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(0.1)
        time.sleep(1.0)  # a job run twice would show up now
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    lines = [line.split() for line in marker.read_text().splitlines()]
    runs = Counter(int(number) for number, _ in lines)
    assert sorted(runs) == list(range(JOBS))
    assert [number for number, times in runs.items() if times != 1] == []
    by_worker = Counter(pid for _, pid in lines)
    assert set(by_worker) == {str(w.pid) for w in workers}, f"not every worker ran jobs: {by_worker}"
