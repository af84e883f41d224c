"""Reads of read-only pages from a real PostgreSQL streaming replica (issue 16, point 9; docs/operations.md).

The test makes a standby of the local cluster with ``pg_basebackup -R`` into a temporary folder, starts it on a
free port (as the ``postgres`` OS user when run as root: PostgreSQL refuses to run as root), and stops and removes
it afterwards. It proves where each read went by pausing the replica's replay: what the primary writes after that
exists only on the primary, so a page that shows the older state was served from the replica.

Needs replication connections from 127.0.0.1 (``.ci/run`` adds the pg_hba.conf line). Skipped on SQLite; on
PostgreSQL skipped when the server binaries or the replication rule are missing, except under ``CI`` where that is a
failure.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.common import replica as replica_module
from sauro.common.deployment import REPLICA
from sauro.common.replica import ReplicaReadsMiddleware, ReplicaRouter, read_only_page
from sauro.org.choices import UnitKind
from sauro.org.models import Unit
from sauro.org.services import unit_create, unit_rename
from tests.conftest import Org

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a streaming replica of PostgreSQL (CI runs both)"
)

WAIT_SECONDS = 60.0
BASEBACKUP_SECONDS = 900.0


def _unavailable(why: str) -> None:
    """Skip on a developer's machine without what the test needs; under CI that is a failure, never a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"the streaming-replica test cannot run under CI: {why}")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _primary_value(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


class Standby:
    """A hot standby of the cluster the test database lives in, in a temporary folder on a free port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sauro-replica-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres: list[str] = []
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self.owner = pwd.getpwnam("postgres")
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        major = int(_primary_value("SHOW server_version_num")) // 10000
        self.bin = Path(f"/usr/lib/postgresql/{major}/bin")
        if not (self.bin / "pg_basebackup").exists():
            found = shutil.which("pg_basebackup")
            if found is None:
                _unavailable(f"no PostgreSQL {major} server binaries (pg_basebackup, pg_ctl)")
            self.bin = Path(found).parent

    def run(self, *argv: str, timeout: float = WAIT_SECONDS) -> None:
        command = [*self.as_postgres, str(self.bin / argv[0]), *argv[1:]]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)  # noqa: S603 — fixed argv

    def write(self, name: str, text: str) -> None:
        path = self.data / name
        path.write_text(text)
        if self.owner is not None:
            os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        path.chmod(0o600)

    def start(self, primary: dict[str, Any]) -> None:
        host, port, user = primary["HOST"] or "127.0.0.1", str(primary["PORT"] or 5432), primary["USER"] or "postgres"
        # -R: standby.signal and primary_conninfo; -c fast: checkpoint now rather than spread over minutes.
        backup = ["-D", str(self.data), "-R", "-X", "stream", "-c", "fast"]
        # It copies the whole cluster (other databases too, e.g. a benchmark's): allow for a large one.
        self.run("pg_basebackup", "-h", host, "-p", port, "-U", user, *backup, timeout=BASEBACKUP_SECONDS)
        # A hot standby needs at least the primary's values of these.
        at_least = {
            name: _primary_value(f"SHOW {name}")
            for name in (
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction",
            )
        }
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "logging_collector": "off",
            "fsync": "off",
            **at_least,
        }
        self.write("postgresql.conf", "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self.write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self.write("pg_ident.conf", "")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        log = self.root / "log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else ""


@pytest.fixture
def replica(transactional_db: None) -> Iterator[Standby]:
    """The standby, registered as the ``replica`` database for the test (after pytest-django set up the test
    database, which the standby copies), then unregistered, stopped and removed."""
    rules = _primary_value(
        "SELECT count(*) FROM pg_hba_file_rules "
        "WHERE 'replication' = ANY(database) AND (type = 'local' OR address = '127.0.0.1')"
    )
    if not rules:
        _unavailable("pg_hba.conf allows no replication connection from 127.0.0.1 (.ci/run adds one)")
    standby = Standby()
    primary = connections["default"].settings_dict
    try:
        try:
            standby.start(primary)
        except subprocess.SubprocessError as exc:
            pytest.fail(f"the standby did not start: {exc} {getattr(exc, 'stderr', '')!r}\n{standby.log()}")
        connections.settings[REPLICA] = {**primary, "HOST": "127.0.0.1", "PORT": str(standby.port)}
        # Connect now: the test case pytest-django set up before this alias existed would refuse to open it later.
        connections[REPLICA].connect()
        yield standby
    finally:
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
        standby.stop()


def _replica_value(sql: str, params: list[Any] | None = None) -> Any:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _primary_value("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + WAIT_SECONDS
    while not _replica_value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        assert time.monotonic() < deadline, "the replica did not catch up with the primary"
        time.sleep(0.05)


def _pause_replay() -> None:
    _replica_value("SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + WAIT_SECONDS
    while _replica_value("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause its replay"
        time.sleep(0.05)


@pytest.mark.postgres
@postgres_only
def test_read_only_pages_read_from_the_replica_and_writes_go_to_the_primary(org: Org, replica: Standby) -> None:
    # A row written on the primary appears on the replica.
    ward = unit_create(
        acting_user=None, code="P-THUAN", name="Đảng ủy phường Thuận Hóa", kind=UnitKind.WARD, parent=org.city,
        valid_from=org.START,
    )  # fmt: skip
    _caught_up()
    assert Unit.objects.using(REPLICA).get(pk=ward.pk).name == "Đảng ủy phường Thuận Hóa"
    assert _replica_value("SELECT pg_is_in_recovery()") is True

    client = Client()
    client.force_login(org.monitor)
    _caught_up()

    # Replay paused: what the primary writes now exists only there, and the ward's old name only on the replica.
    _pause_replay()
    unit_rename(acting_user=None, unit=ward, new_name="Đảng ủy phường Thuận An", on_date=org.START_NEXT)
    unit_create(
        acting_user=None, code="P-MOI", name="Đảng ủy phường Vỹ Dạ", kind=UnitKind.WARD, parent=org.city,
        valid_from=org.START,
    )  # fmt: skip

    # The unit tree is a read-only page: served from the replica, it shows the replica's state.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        tree = client.get(reverse("org:unit_tree"))
    assert tree.status_code == 200
    page = tree.content.decode()
    assert "Đảng ủy phường Thuận Hóa" in page
    assert "Đảng ủy phường Thuận An" not in page
    assert "Đảng ủy phường Vỹ Dạ" not in page
    assert len(on_replica) > 0
    # …but never the login's tables: the session and the user are read from the primary.
    login_tables = ('FROM "django_session"', 'FROM "accounts_user"', 'FROM "axes_')
    assert not [q["sql"] for q in on_replica.captured_queries if any(t in q["sql"] for t in login_tables)]

    # A page that is not marked reads the primary: the unit's page shows its new name.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        detail = client.get(reverse("org:unit_detail", args=[ward.pk]))
    assert detail.status_code == 200
    assert "Đảng ủy phường Thuận An" in detail.content.decode()
    assert len(on_replica) == 0

    # A write path goes to the primary (the standby refuses writes: it would fail there).
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        saved = client.post(reverse("notifications:preferences"), {"email_mode": "digest"})
    assert saved.status_code in {200, 302}
    assert len(on_replica) == 0
    org.monitor.refresh_from_db()

    # Replay resumed: the replica catches up and the read-only page shows the primary's state.
    _replica_value("SELECT pg_wal_replay_resume()::text")
    _caught_up()
    page = client.get(reverse("org:unit_tree")).content.decode()
    assert "Đảng ủy phường Thuận An" in page
    assert "Đảng ủy phường Vỹ Dạ" in page


@pytest.fixture
def replica_alias(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """A ``replica`` alias (never connected: these tests only route), reachable while the list holds True."""
    reachable = [True]

    def ensure_connection() -> None:
        if not reachable[0]:
            raise OperationalError("connection refused")

    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", ensure_connection)
    monkeypatch.setattr(replica_module, "_unreachable_until", [0.0])
    try:
        yield reachable
    finally:
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _route(method: str, view: Callable[[HttpRequest], HttpResponse]) -> None:
    """One request through the middleware, as Django drives it (process_view just before the view)."""

    def handler(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = ReplicaReadsMiddleware(handler)
    middleware(getattr(RequestFactory(), method)("/"))


def test_router_keeps_writes_and_login_tables_on_the_primary(replica_alias: list[bool]) -> None:
    router = ReplicaRouter()
    seen: list[tuple[str, str | None]] = []

    @read_only_page
    def page(request: HttpRequest) -> HttpResponse:
        seen.append(("unit", router.db_for_read(Unit)))
        seen.append(("session", router.db_for_read(Session)))
        seen.append(("write", router.db_for_write(Unit)))
        seen.append(("unit after the write", router.db_for_read(Unit)))
        return HttpResponse()

    def plain(request: HttpRequest) -> HttpResponse:
        seen.append(("unmarked", router.db_for_read(Unit)))
        return HttpResponse()

    _route("get", page)
    assert seen == [("unit", REPLICA), ("session", None), ("write", "default"), ("unit after the write", None)]
    seen.clear()
    _route("post", page)
    assert seen[0] == ("unit", None)
    seen.clear()
    _route("get", plain)
    assert seen == [("unmarked", None)]
    assert router.db_for_read(Unit) is None  # outside any request: the worker, the commands


def test_an_unreachable_replica_sends_marked_pages_to_the_primary(replica_alias: list[bool]) -> None:
    router = ReplicaRouter()
    seen: list[str | None] = []

    @read_only_page
    def page(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Unit))
        return HttpResponse()

    replica_alias[0] = False
    _route("get", page)
    replica_alias[0] = True
    _route("get", page)  # not tried again at once
    replica_module._unreachable_until[0] = 0.0  # RETRY_SECONDS later
    _route("get", page)
    assert seen == [None, None, REPLICA]
