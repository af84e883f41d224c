"""gunicorn's own refusals (414, 431, 400: the request never reaches Django) are the API's JSON error shape.

A real gunicorn is started with the production configuration (``sauro.common.gunicorn_conf``, as ``sauro serve``
does; ``tests/common/test_serve.py`` runs the whole command) on a fresh data directory, and spoken to over a plain
socket: an over-long URL under /api/, over-large headers, a request line that is not HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from sauro.common.api import ErrorOut
from tests.common.test_serve import PROJECT_DIR, SCRUBBED_ENV, free_port, get

START_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["SAURO_VAR_DIR"] = str(tmp_path / "var")
    log = tmp_path / "gunicorn.log"
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:sauro.common.gunicorn_conf"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out, start_new_session=True)  # noqa: S603
    try:
        started = time.monotonic()
        while time.monotonic() - started < START_TIMEOUT:
            assert proc.poll() is None, log.read_text()
            try:
                status, _ = get(f"http://127.0.0.1:{port}/api/v1/khong-co/")
            except OSError:
                status = 0
            if status == 404:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"gunicorn never answered\n{log.read_text()}")
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the whole answer (gunicorn closes the connection after an error)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def assert_json_error(answer: tuple[int, dict[str, str], bytes], status: int, code: str) -> None:
    got_status, headers, body = answer
    assert got_status == status, body
    assert headers["content-type"] == "application/json; charset=utf-8", headers
    assert int(headers["content-length"]) == len(body)
    error = ErrorOut.model_validate(json.loads(body))
    assert error.code == code and error.fields == {}
    assert error.message and "<" not in error.message


def test_a_too_long_api_url_is_json_414(server: int) -> None:
    path = "/api/v1/tasks?q=" + "a" * 10_000
    answer = exchange(server, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert_json_error(answer, 414, "uri_too_long")


def test_too_large_headers_are_json_431(server: int) -> None:
    headers = f"Host: localhost\r\nX-Big: {'b' * 20_000}\r\n"
    answer = exchange(server, f"GET /api/v1/me HTTP/1.1\r\n{headers}\r\n".encode())
    assert_json_error(answer, 431, "headers_too_large")
    many = "".join(f"X-H{i}: {i}\r\n" for i in range(200))
    answer = exchange(server, f"GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n{many}\r\n".encode())
    assert_json_error(answer, 431, "headers_too_large")


def test_a_malformed_request_is_json_400(server: int) -> None:
    answer = exchange(server, b"GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n")
    assert_json_error(answer, 400, "bad_request")
    answer = exchange(server, b"GET /api/v1/me HTTP/9.9\r\nHost: localhost\r\n\r\n")
    assert_json_error(answer, 400, "bad_request")


def test_requests_within_the_limits_still_reach_django(server: int) -> None:
    status, _headers, body = exchange(
        server, b"GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    assert status == 401 and json.loads(body)["code"] == "unauthenticated"
