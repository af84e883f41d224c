"""``sauro serve [--setup]``: the production web server (gunicorn) and the background worker (db_worker).

This is what ``make run`` starts. With ``--setup`` it first migrates the database, loads the Huế demo (only
once) and collects the static files. Both servers run as child processes from the same virtualenv, each in
its own process group; SIGINT/SIGTERM (Ctrl-C) is forwarded to both, and if either stops on its own the
other is stopped too and the command exits non-zero. Nothing it started outlives it. A repeated SIGTERM is the same
stop (``make`` forwards the SIGTERM it got, however late a loaded machine delivers it; a process manager that wants
it dead sends SIGKILL); only a second Ctrl-C (SIGINT) later than ``REPEAT_WINDOW`` seconds forces the stop (SIGKILL to
the children).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from sauro.common.errors import ServiceError
from sauro.daily.jobs import ensure_audit_checkpoints, ensure_nightly_backup
from sauro.org.choices import Role

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_TIMEOUT = 20.0  # seconds the children get to stop before they are killed
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.2
# A second SIGINT this soon after the first is the same Ctrl-C delivered twice (a terminal's Ctrl-C reaches every
# process of the foreground group), not a second Ctrl-C. Only a later one forces the stop. A repeated SIGTERM never
# does: `make run` forwards the SIGTERM it receives to us, and on a loaded machine that copy can come seconds later.
REPEAT_WINDOW = 1.5


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _die_with_parent() -> None:  # pragma: no cover — runs in the child between fork and exec
    """Linux: have the kernel send SIGTERM to the child if ``serve`` itself is killed (even with SIGKILL)."""
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    label: str
    proc: subprocess.Popen[bytes]

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signum)

    def kill_group(self) -> None:
        """SIGKILL whatever is left of the child's process group (e.g. gunicorn workers of a dead master)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


def _bind_address(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _connect_host(host: str) -> str:
    """Where to probe (and what to show) for a listening address: the wildcard means this machine."""
    host = host.strip("[]")
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def _url(host: str, port: int) -> str:
    shown = _connect_host(host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


class Command(BaseCommand):
    help = (
        "Chạy máy chủ web (gunicorn) và tiến trình nền (db_worker). "
        "Với --setup: cập nhật cơ sở dữ liệu, nạp dữ liệu mẫu Huế (một lần) và thu thập tệp tĩnh trước."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop_signal: int | None = None
        self._stop_received: int | None = None  # the signal that asked for the stop, named in the message
        self._stop_at = 0.0
        self._children: list[Child] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--setup",
            action="store_true",
            help="Trước khi chạy: migrate, nạp dữ liệu mẫu (nếu chưa có), collectstatic.",
        )
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="Địa chỉ lắng nghe (mặc định: $HOST hoặc 127.0.0.1).",
        )
        parser.add_argument(
            "--port", type=int, default=_env_int("PORT", 8000), help="Cổng (mặc định: $PORT hoặc 8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=_env_int("WEB_CONCURRENCY", 2),
            help="Số tiến trình web của gunicorn (mặc định: $WEB_CONCURRENCY hoặc 2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        host: str = options["host"]
        port: int = options["port"]
        workers: int = max(1, options["workers"])
        if not 0 < port < 65536:
            raise CommandError(f"Cổng không hợp lệ: {port}.")
        self._check_port_free(host, port)
        if options["setup"]:
            try:
                self._setup()
            except KeyboardInterrupt:
                raise CommandError("Đã hủy khi đang chuẩn bị.", returncode=130) from None
        # The worker runs the daily jobs (recurring tasks, reminders, the nightly backup) from self-renewing chains;
        # start them once.
        call_command("tasks", "schedule", verbosity=0)
        call_command("remind", "--schedule", verbosity=0)
        ensure_audit_checkpoints()  # and the audit journal's checkpoints, every SAURO_AUDIT_CHECKPOINT_MINUTES
        ensure_nightly_backup()  # the first archive is the coming night's (SAURO_BACKUP_DIR)
        connections.close_all()

        self._stop_signal = self._stop_received = None
        self._stop_at = 0.0
        self._children = []
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        failed: tuple[str, int] | None = None
        try:
            self._spawn("Máy chủ web (gunicorn)", self._gunicorn_argv(host, port, workers))
            self._spawn("Tiến trình nền (db_worker)", [sys.executable, "-m", "sauro.cli", "db_worker", "--no-reload"])
            if self._wait_until_listening(host, port, self._children[0]):
                self._announce(host, port, time.monotonic() - started)
            failed = self._supervise()
        finally:
            self._stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None:
            raise CommandError(failed[0], returncode=failed[1])
        self.stdout.write("Đã dừng máy chủ web và tiến trình nền.")

    @staticmethod
    def _gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:sauro.common.gunicorn_conf",
            "--bind",
            _bind_address(host, port),
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "sauro.wsgi:application",
        ]

    @staticmethod
    def _check_port_free(host: str, port: int) -> None:
        """Refuse early and clearly when the port is taken (e.g. `make run` already running elsewhere)."""
        try:
            infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise CommandError(f"Không dùng được địa chỉ “{host}”: {e}.") from None
        family, socktype, proto, _canon, address = infos[0]
        with socket.socket(family, socktype, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
            try:
                probe.bind(address)
            except OSError:
                raise CommandError(
                    f"Cổng {port} trên {host} đang được dùng. Dừng chương trình kia hoặc chọn cổng khác: --port …"
                ) from None

    # --- setup ---------------------------------------------------------------------------------------
    def _setup(self) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Cập nhật cấu trúc cơ sở dữ liệu (migrate)…")
        call_command("migrate", interactive=False, verbosity=0)
        # The loader directly rather than `demo load`: the demo logins are printed once, when the server is up.
        from sauro.demo.loader import ERR_DEMO_CONFLICT, load_demo

        try:
            result = load_demo(progress=self.stdout.write)
        except ServiceError as e:
            raise CommandError(ERR_DEMO_CONFLICT.format(message=e.message)) from e
        if result.created:
            self.stdout.write(
                f"Đã nạp dữ liệu mẫu Huế: {result.units} đơn vị, {result.people} người trong {result.seconds:.1f} giây."
            )
        else:
            self.stdout.write("Dữ liệu mẫu Huế đã có sẵn: giữ nguyên.")
        self._seal_old_journal()
        self.stdout.write("Thu thập tệp tĩnh (collectstatic)…")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.flush()

    def _seal_old_journal(self) -> None:
        """A journal written before the key existed (plain SHA-256) is sealed with the key once, as
        ``sauro audit upgrade`` does; a damaged one is left as it is and named, and the server still starts."""
        from sauro.audit.checkpoints import anchored
        from sauro.audit.upgrade import UpgradeError, audit_upgrade

        if anchored():
            return
        try:
            result = audit_upgrade()
        except UpgradeError as e:
            self.stderr.write(f"Nhật ký hệ thống chưa được khóa: {e} Hãy chạy `sauro audit verify`.")
            return
        if result.plain:
            self.stdout.write(f"Đã khóa nhật ký hệ thống bằng khóa nhật ký: {result.resealed} mục.")

    # --- children ------------------------------------------------------------------------------------
    def _spawn(self, label: str, argv: list[str]) -> Child:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
        self.stdout.flush()
        proc = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
            argv,
            env=env,
            start_new_session=True,  # its own process group: the terminal's Ctrl-C reaches only us, we forward it
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        child = Child(label=label, proc=proc)
        self._children.append(child)
        return child

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stop_signal is None:
            self._stop_signal = self._stop_received = signum
            self._stop_at = time.monotonic()
            return
        if (
            self._stop_signal == signal.SIGKILL
            or signum != signal.SIGINT
            or time.monotonic() - self._stop_at < REPEAT_WINDOW
        ):
            return  # the first stop delivered twice (make, the process group), a manager's SIGTERM, or already forced
        # A second Ctrl-C while stopping: do not wait for a graceful shutdown (said by ``_stop``; no output here,
        # a handler may run in the middle of another write).
        self._stop_signal = signal.SIGKILL
        for child in self._children:
            child.kill_group()

    def _wait_until_listening(self, host: str, port: int, web: Child) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        target = _connect_host(host)
        while time.monotonic() < deadline:
            if self._stop_signal is not None or not web.running:
                return False
            try:
                with socket.create_connection((target, port), timeout=1):
                    return True
            except OSError:
                time.sleep(POLL_INTERVAL)
        self.stderr.write(f"Máy chủ web chưa nhận kết nối sau {READY_TIMEOUT:.0f} giây.")
        return False

    def _announce(self, host: str, port: int, seconds: float) -> None:
        from sauro.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, demo_present

        lines = ["", f"Sáu Rõ đang chạy tại {_url(host, port)}  (khởi động trong {seconds:.1f} giây)"]
        try:
            has_demo = demo_present()
        except DatabaseError:
            has_demo = False
        finally:
            connections.close_all()
        if has_demo:
            lines.append(f"Tài khoản mẫu — mật khẩu chung: {DEMO_PASSWORD}")
            for login in DEMO_LOGINS:
                lines.append(f"  {login.username:<16} {Role(login.role).label:<20} {login.description}")
        lines += ["Nhấn Ctrl+C để dừng.", ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

    def _supervise(self) -> tuple[str, int] | None:
        """Wait for a stop signal (→ None) or for a child to die on its own (→ message and exit code)."""
        while True:
            if self._stop_received is not None:
                name = signal.Signals(self._stop_received).name
                self.stdout.write(f"Nhận tín hiệu {name}: đang dừng máy chủ web và tiến trình nền…")
                self.stdout.flush()
                return None
            for child in self._children:
                code = child.proc.poll()
                if code is not None:
                    return (f"{child.label} đã dừng bất thường (mã thoát {code}); đã dừng các tiến trình còn lại.", 1)
            time.sleep(POLL_INTERVAL)

    def _stop(self) -> None:
        """Forward the stop signal (SIGINT or SIGTERM as received; else SIGTERM) to every running child, wait,
        then clear out whatever is left in the children's process groups."""
        signum = self._stop_signal if self._stop_signal in (signal.SIGINT, signal.SIGTERM) else signal.SIGTERM
        for child in self._children:
            if child.running:
                child.signal(signum)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self._children:
            try:
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{child.label} không dừng sau {STOP_TIMEOUT:.0f} giây: buộc dừng.")
                child.kill_group()
                child.proc.wait()
            child.kill_group()
        if self._stop_signal == signal.SIGKILL:
            self.stderr.write("Nhận tín hiệu dừng lần hai: đã buộc dừng máy chủ web và tiến trình nền.")
