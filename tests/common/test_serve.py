"""``sauro serve --setup`` end to end: a fresh data directory, a real gunicorn and worker, Ctrl-C, no orphans."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240.0  # migrate + demo load + collectstatic on a slow CI machine
STOP_TIMEOUT = 60.0
# Settings read from the environment that must not leak from the developer's shell into the server under test;
# above all DATABASE_URL: the server must use its own SQLite file, never the database the suite runs against.
SCRUBBED_ENV = ("DATABASE_URL", "DEBUG", "TASKS_BACKEND", "SAURO_PLAIN_STATIC", "HOST", "PORT", "WEB_CONCURRENCY")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — a local http URL
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def process_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state, command line), from /proc."""
    table: dict[int, tuple[int, str, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # The command name in parentheses may itself contain spaces or parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], cmdline)
    return table


def descendants(pid: int) -> dict[int, str]:
    table = process_table()
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _state, cmdline) in table.items():
            if ppid == parent and child not in found:
                found[child] = cmdline
                frontier.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """The pids that still exist as running (non-zombie) processes."""
    table = process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def test_serve_setup_runs_web_and_worker_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["SAURO_VAR_DIR"] = str(tmp_path / "var")
    out_path, err_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    base = f"http://127.0.0.1:{port}"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "sauro.cli", "serve", "--setup", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    started = time.monotonic()

    def logs() -> str:
        return f"\n--- stdout ---\n{out_path.read_text()}\n--- stderr ---\n{err_path.read_text()}"

    try:
        status = 0
        while time.monotonic() - started < START_TIMEOUT:
            assert proc.poll() is None, f"serve exited early with {proc.returncode}{logs()}"
            try:
                status, _ = get(f"{base}/dang-nhap/")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, f"the login page never answered{logs()}"
        startup_seconds = time.monotonic() - started

        # A collected, hashed static file is served by WhiteNoise under DEBUG off.
        manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["admin/css/base.css"]
        assert hashed != "admin/css/base.css"
        status, body = get(f"{base}/static/{hashed}")
        assert status == 200 and len(body) > 1000
        # DEBUG is off: an unknown page is the plain 404, not Django's debug page.
        status, body = get(f"{base}/khong-ton-tai/")
        assert status == 404 and b"URLconf" not in body

        # The announcement waits for the server; give stdout a moment to be flushed.
        deadline = time.monotonic() + 10
        while "Nhấn Ctrl+C để dừng" not in out_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        printed = out_path.read_text()
        assert f"{base}/" in printed, logs()
        assert "sauro-demo" in printed and "pbtthuongtruc" in printed and "kiemtra" in printed

        children = descendants(proc.pid)
        commands = " ".join(children.values())
        assert "gunicorn" in commands and "db_worker" in commands, children
        assert len(children) >= 4, children  # gunicorn master + 2 workers + the task worker

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_TIMEOUT) == 0, logs()
        deadline = time.monotonic() + 10
        while alive(set(children)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(set(children)), f"left running: {alive(set(children))}{logs()}"
        assert "Đã dừng máy chủ web và tiến trình nền" in out_path.read_text()
        print(f"serve --setup answered after {startup_seconds:.1f} s")
    finally:
        # On a failed assertion: stop the server the ordinary way, and by force only if that does not work
        # (its children also get SIGTERM from the kernel when it dies, see serve._die_with_parent).
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
