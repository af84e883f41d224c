"""``sauro petitions deadlines``: the JSON it prints, its table, and its refusals (exit code 2, Vietnamese)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sauro.petitions.management.commands import petitions as command

pytestmark = pytest.mark.django_db  # the rule book and the working-day calendar are read from the database


def run(*args: str) -> str:
    out = StringIO()
    call_command("petitions", "deadlines", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(run(*args, "--json"))
    return result


def test_a_complaint_received_on_30_june_and_on_1_july_2026() -> None:
    assert run_json("--kind", "khieu_nai_1", "--received", "2026-06-30") == {
        "rules": "2026.1",
        "deadlines": {"acceptance": "2026-07-10"},
    }
    assert run_json("--kind", "khieu_nai_1", "--received", "2026-07-03") == {
        "rules": "2026.1",
        "deadlines": {"acceptance": "2026-07-14"},  # 7 working days; 10 calendar days would end on the 13th
    }


def test_the_resolution_only_with_an_acceptance() -> None:
    args = ("--kind", "khieu_nai_2", "--received", "2026-07-27", "--complexity", "complex", "--remote")
    assert run_json(*args)["deadlines"] == {"acceptance": "2026-08-05"}
    # 70 days from Monday 3 August: Monday 12 October.
    assert run_json(*args, "--accepted", "2026-08-03")["deadlines"] == {
        "acceptance": "2026-08-05",
        "resolution": "2026-10-12",
    }


def test_a_denunciation() -> None:
    result = run_json(
        "--kind", "to_cao", "--received", "2026-06-30", "--accepted", "2026-07-06", "--complexity", "very_complex"
    )
    assert result == {
        "rules": "2026.1",
        "deadlines": {
            "handling": "2026-07-09",
            "handling_max": "2026-07-14",
            "transfer": "2026-07-07",
            "resolution": "2026-08-05",
            "resolution_max": "2026-10-05",  # 90 days end on Sunday 4 October
        },
    }
    deadlines = run_json("--kind", "kien_nghi", "--received", "2026-06-30")["deadlines"]
    assert isinstance(deadlines, dict) and list(deadlines) == ["handling"]


def test_suspensions_on_the_command_line() -> None:
    args = ("--kind", "khieu_nai_1", "--received", "2026-07-27", "--accepted", "2026-08-03", "--json")
    assert json.loads(run(*args))["deadlines"]["resolution"] == "2026-09-03"
    paused = json.loads(run(*args, "--suspension", "2026-08-10:2026-08-19"))
    assert paused["deadlines"]["resolution"] == "2026-09-14"


def test_the_table_is_in_vietnamese() -> None:
    text = run("--kind", "to_cao", "--received", "2026-06-30", "--complexity", "complex")
    assert "Tố cáo, nhận ngày 30/06/2026" in text
    assert "Mức độ: Phức tạp" in text
    assert "Bộ quy tắc thời hạn: 2026.1" in text
    assert "Xử lý đơn" in text and "09/07/2026" in text and "Thứ Năm" in text
    assert "7 ngày làm việc kể từ ngày nhận đơn" in text
    assert "Chưa có ngày thụ lý" in text  # the resolution waits for --accepted
    text = run("--kind", "khieu_nai_1", "--received", "2026-06-30", "--accepted", "2026-07-02", "--remote")
    assert "30 ngày" not in text and "45 ngày kể từ ngày thụ lý" in text and "vùng sâu, vùng xa" in text
    assert "Chưa có ngày thụ lý" not in text


BAD_INPUTS = [
    (["--received", "2026-07-01"], "Thiếu --kind"),
    (["--kind", "khieu_nai_1"], "Thiếu --received"),
    (["--kind", "khieu_nai_3", "--received", "2026-07-01"], "Loại đơn không hợp lệ: “khieu_nai_3”"),
    (["--kind", "to_cao", "--received", "01/07/2026"], "Ngày không hợp lệ cho --received: “01/07/2026”"),
    (["--kind", "to_cao", "--received", "2026-07-01", "--accepted", "2026-02-30"], "Ngày không hợp lệ cho --accepted"),
    (["--kind", "to_cao", "--received", "2300-01-01"], "Ngày phải trong khoảng"),
    (["--kind", "to_cao", "--received", "2026-07-01", "--complexity", "hard"], "Mức độ phức tạp không hợp lệ"),
    (["--kind", "to_cao", "--received", "2026-07-02", "--accepted", "2026-07-01"], "không thể trước ngày nhận đơn"),
    (["--kind", "to_cao", "--received", "2026-07-01", "--suspension", "2026-07-05"], "tạm đình chỉ không hợp lệ"),
    (
        ["--kind", "to_cao", "--received", "2026-07-01", "--suspension", "2026-07-05:2026-07-04"],
        "trước ngày bắt đầu",
    ),
    (["--kind", "to_cao", "--received", "2018-12-31"], "không có quy tắc nào cho đơn Tố cáo nhận ngày 31/12/2018"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_exit_code_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        run(*args, "--json")
    assert refused.value.returncode == 2


def test_a_database_not_yet_migrated_is_named_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    def missing_table(**kwargs: object) -> None:
        raise OperationalError("no such table: petitions_deadlinerule")

    monkeypatch.setattr(command, "letter_deadlines", missing_table)
    with pytest.raises(CommandError, match="sauro migrate") as refused:
        run("--kind", "to_cao", "--received", "2026-07-01", "--json")
    assert refused.value.returncode == 1  # not the user's input


def test_the_console_command_exits_2_with_the_message_on_stderr(tmp_path: Path) -> None:
    # Refused before any database is opened: the subprocess needs none.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(SAURO_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    result = subprocess.run(  # noqa: S603 — a fixed argument list
        [sys.executable, "-m", "sauro.cli", "petitions", "deadlines", "--kind", "to_cao", "--received", "2026-13-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Ngày không hợp lệ cho --received: “2026-13-01”" in result.stderr
    assert result.stdout == ""
