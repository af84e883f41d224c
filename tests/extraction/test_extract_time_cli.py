"""``sauro extract time "TEXT" --ref YYYY-MM-DD --json``: one time expression, printed as ``TimeSpec.as_json()``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db  # the working-day calendar reads the override table


def run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("extract", "time", *args, stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_a_deadline_on_a_sunday_moves_to_monday() -> None:
    assert run("Hoàn thành trước ngày 15/3/2026.", "--ref", "2026-01-10", "--json") == {
        "kind": "date",
        "due": "2026-03-16",
        "recurrence": None,
        "text": "trước ngày 15/3/2026",
        "stated": "2026-03-15",
    }


def test_the_eve_of_tet_follows_the_decided_holiday() -> None:
    # 2025: Tết holiday decided from Monday 27 January, so the last working day before it is Friday 24.
    result = run("trước Tết Nguyên đán", "--ref", "2024-12-01", "--json")
    assert (result["kind"], result["due"], result["stated"]) == ("date", "2025-01-24", None)


def test_recurring_and_unclear() -> None:
    assert run("định kỳ 6 tháng một lần", "--ref", "2026-01-10", "--json") == {
        "kind": "recurring",
        "due": None,
        "recurrence": "half_yearly",
        "text": "định kỳ 6 tháng một lần",
        "stated": None,
    }
    assert run("Quán triệt Nghị quyết 57-NQ/TW ngày 22/12/2024", "--ref", "2026-01-10", "--json") == {
        "kind": "unclear",
        "due": None,
        "recurrence": None,
        "text": "",
        "stated": None,
    }


def test_a_bad_reference_day_is_refused() -> None:
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        run("trước 15/3", "--ref", "15/3/2026", "--json")


def test_a_database_not_yet_migrated_is_named_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import CommandError
    from django.db import OperationalError

    from sauro.extraction.management.commands import extract

    def missing_table(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such table: workdays_workdayoverride")

    monkeypatch.setattr(extract, "parse_time", missing_table)
    with pytest.raises(CommandError, match="sauro migrate"):
        call_command("extract", "time", "trước ngày 15/3/2026", "--ref", "2026-01-07", "--json")
