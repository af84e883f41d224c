"""One stop signal stops ``sauro serve`` cleanly, also when it reaches the server twice at once (``make run``
forwards the SIGTERM it receives; a terminal's Ctrl-C reaches every process of the foreground group)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.common.test_serve import PROJECT_DIR, SCRUBBED_ENV, alive, descendants, free_port, get

START_TIMEOUT = 120.0
STOPPED_WITHIN = 10.0  # seconds: a clean stop of gunicorn and the worker takes about one
CLEAN_STOP = "Đã dừng máy chủ web và tiến trình nền"


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database shared by the runs below (no demo: the stop is what is tested)."""
    path = tmp_path_factory.mktemp("serve-stop") / "var"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sauro.cli", "migrate", "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env=_env(path),
        check=True,
        timeout=START_TIMEOUT,
    )
    return path


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["SAURO_VAR_DIR"] = str(var)
    env["WEB_CONCURRENCY"] = "1"
    env["SAURO_PLAIN_STATIC"] = "1"  # no collectstatic: the pages render without the manifest
    return env


def _serve_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "sauro.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


def _run_and_stop(
    tmp_path: Path, var: Path, argv: list[str], port: int, stop: Callable[[subprocess.Popen[bytes]], None]
) -> tuple[int, str, str, set[int]]:
    """Start ``argv`` in its own session, wait for the server, ``stop`` it; the exit code, stdout, stderr and
    what was left running of its children."""
    out_path, err_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(  # noqa: S603
            argv, cwd=PROJECT_DIR, env=_env(var), stdout=out, stderr=err, start_new_session=True
        )
    try:
        started = time.monotonic()
        # The announcement comes once gunicorn accepts connections.
        while "Nhấn Ctrl+C để dừng" not in out_path.read_text() and time.monotonic() - started < START_TIMEOUT:
            assert proc.poll() is None, f"exited early: {err_path.read_text()}"
            time.sleep(0.3)
        assert "Nhấn Ctrl+C để dừng" in out_path.read_text(), err_path.read_text()
        # And once a web worker has booted and answers (a stop during the boot waits for it to finish loading).
        status = 0
        while status != 404 and time.monotonic() - started < START_TIMEOUT:
            try:
                status, _ = get(f"http://127.0.0.1:{port}/khong-ton-tai/")
            except OSError:
                time.sleep(0.3)
        assert status == 404, err_path.read_text()
        children = set(descendants(proc.pid))
        stop(proc)
        code = proc.wait(timeout=STOPPED_WITHIN)
        deadline = time.monotonic() + 5
        while alive(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        return code, out_path.read_text(), err_path.read_text(), alive(children)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _assert_clean(out: str, err: str, left: set[int], received: str) -> None:
    assert f"Nhận tín hiệu {received}: đang dừng" in out, out + err
    assert CLEAN_STOP in out, out + err
    assert "SIGKILL" not in out + err
    assert "buộc dừng" not in out + err
    assert not left, f"left running: {left}"


def test_one_sigterm_stops_serve_cleanly(tmp_path: Path, var_dir: Path) -> None:
    port = free_port()
    code, out, err, left = _run_and_stop(
        tmp_path, var_dir, _serve_argv(port), port, lambda proc: proc.send_signal(signal.SIGTERM)
    )
    assert code == 0, out + err
    _assert_clean(out, err, left, "SIGTERM")


def test_ctrl_c_to_the_process_group_stops_serve_cleanly(tmp_path: Path, var_dir: Path) -> None:
    port = free_port()
    code, out, err, left = _run_and_stop(
        tmp_path, var_dir, _serve_argv(port), port, lambda proc: os.killpg(proc.pid, signal.SIGINT)
    )
    assert code == 0, out + err
    _assert_clean(out, err, left, "SIGINT")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_one_signal_to_make_run_stops_serve_cleanly(tmp_path: Path, var_dir: Path, signum: signal.Signals) -> None:
    """As under ``make run``: make and serve in one process group; make forwards the SIGTERM it gets, so serve
    receives it twice at once, which is still one clean stop."""
    port = free_port()
    makefile = tmp_path / "Makefile"
    command = " ".join(_serve_argv(port))
    makefile.write_text(f"run:\n\t{command}\n")
    code, out, err, left = _run_and_stop(
        tmp_path,
        var_dir,
        ["make", "--no-print-directory", "-f", str(makefile), "run"],
        port,
        lambda proc: os.killpg(proc.pid, signum),
    )
    # make itself ends by the signal it got, after serve has stopped.
    assert code in (0, -signum, 2), out + err
    _assert_clean(out, err, left, signum.name)


def test_a_late_repeated_sigterm_is_the_same_stop_and_a_second_ctrl_c_forces() -> None:
    """On a loaded machine the SIGTERM that ``make`` forwards can come seconds after the first: still one clean stop.
    A person pressing Ctrl-C again after the window wants it forced."""
    from sauro.web.management.commands.serve import REPEAT_WINDOW, Command

    command = Command()
    command._on_signal(signal.SIGTERM, None)
    command._stop_at -= REPEAT_WINDOW + 5
    command._on_signal(signal.SIGTERM, None)
    assert command._stop_signal == signal.SIGTERM

    command._on_signal(signal.SIGINT, None)
    assert command._stop_signal == signal.SIGKILL

    ctrl_c = Command()
    ctrl_c._on_signal(signal.SIGINT, None)
    ctrl_c._on_signal(signal.SIGINT, None)  # the same Ctrl-C reaching the process group twice
    assert ctrl_c._stop_signal == signal.SIGINT
