"""The production server under test: gunicorn with ``sauro.common.gunicorn_conf`` on a free loopback port.

Started as ``sauro serve`` starts it (same config file, same WSGI app, sync workers, whitenoise for static files,
DEBUG off), with the environment production needs: ``DATABASE_URL``, a ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``SAURO_TODAY``. The access log goes to a file. ``Server`` is a context manager: whatever happens, the whole
process group is gone when it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_DIR / "var" / "bench"
HOST = "127.0.0.1"
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    """Linux: the kernel sends SIGTERM to gunicorn's master if the benchmark dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_on_sigterm() -> None:
    """Turn SIGTERM (and SIGHUP) into SystemExit, so that the ``finally`` that stops the server runs."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def product_env(database_url: str, today: datetime.date, secret_key: str | None = None) -> dict[str, str]:
    """The environment of every product process the benchmark runs (server, migrate, seed, collectstatic)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sauro.settings",
            "DATABASE_URL": database_url,
            "SAURO_TODAY": today.isoformat(),
            "DEBUG": "0",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECRET_KEY": secret_key or os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "PYTHONUNBUFFERED": "1",
            # The benchmark's accounts (a city leader among them) have no second factor: one is not asked of any
            # role, as in `make run`. The second-factor middleware still runs on every request.
            "SAURO_2FA_ROLES": "",
        }
    )
    # Plain HTTP on loopback: no TLS proxy in front, so no secure cookies and no HTTPS redirect.
    env.pop("HTTPS", None)
    return env


def run_sauro(args: list[str], env: dict[str, str]) -> None:
    """``sauro <args>`` (Django management under our settings), its output streamed; raises on failure."""
    cmd = [sys.executable, "-m", "sauro.cli", *args]
    print(f"$ sauro {' '.join(args)}", flush=True)
    subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=True)


@dataclass
class Server:
    """gunicorn serving the product; ``with Server(...) as server:`` then ``server.base_url``."""

    database_url: str
    today: datetime.date
    workers: int = 2
    threads: int = 1
    label: str = "bench"
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def access_log(self) -> Path:
        return VAR_DIR / f"{self.label}-access.log"

    @property
    def error_log(self) -> Path:
        return VAR_DIR / f"{self.label}-error.log"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def describe(self) -> str:
        kind = "sync" if self.threads <= 1 else f"gthread × {self.threads} threads"
        return f"gunicorn -c python:sauro.common.gunicorn_conf, {self.workers} workers ({kind}), {self.base_url}"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.env = self.env or product_env(self.database_url, self.today)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:sauro.common.gunicorn_conf",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            "--log-level",
            "warning",
        ]
        if self.threads > 1:
            argv += ["--worker-class", "gthread", "--threads", str(self.threads)]
        argv.append("sauro.wsgi:application")
        for path in (self.access_log, self.error_log):
            path.write_text("")
        # The application's own log (Django's, on stderr) goes to the error log too, not into the results.
        with open(self.error_log, "ab") as stderr:
            self.proc = subprocess.Popen(  # fixed argv, no shell
                argv,
                env=self.env,
                cwd=PROJECT_DIR,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # its own process group: stop() kills master and workers together
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited during start-up:\n{self.error_tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.2)
                continue
            if len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {READY_TIMEOUT:.0f} s:\n{self.error_tail()}")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master process."""
        if self.proc is None:
            return []
        master = self.proc.pid
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    stat = f.read()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                pids.append(int(entry))
        return sorted(pids)

    def worker_rss_mb(self) -> dict[int, float]:
        """VmRSS of each worker, in MB."""
        result = {}
        for pid in self.worker_pids():
            with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        result[pid] = int(line.split()[1]) / 1024
        return result

    def error_tail(self, lines: int = 40) -> str:
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the process group, a grace period, then SIGKILL to whatever is left."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=STOP_TIMEOUT)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.proc = None
