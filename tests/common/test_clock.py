"""The clock (issue 4, point 7): business code asks ``common.clock`` for the day and the time, so tests and demos
can run at any date; ``SAURO_TODAY`` runs the whole product at a chosen day."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

import sauro
from sauro.common import clock

SOURCE = Path(sauro.__file__).parent
# Calls that read the real time. Allowed only in the clock itself, in the working-day override table's cache
# stamp (a technical "changed at" that must be real time so other processes see the change) and in the session's
# refresh stamp (compared with the session store's own expiry, which is real time).
FORBIDDEN = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("timezone", "now"),
    ("time", "time"),
}
# These read the real time only when called without a moment to convert.
FORBIDDEN_WITHOUT_ARGUMENT = {("timezone", "localdate"), ("timezone", "localtime")}
ALLOWED = {
    ("common/clock.py", "timezone.now"),
    ("common/clock.py", "timezone.localdate"),
    ("workdays/models.py", "timezone.now"),
    ("common/middleware.py", "timezone.now"),
}


def _calls_to_real_time(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
            key = (name, node.func.attr)
            if key in FORBIDDEN or (key in FORBIDDEN_WITHOUT_ARGUMENT and not node.args and not node.keywords):
                found.append(f"{name}.{node.func.attr}")
    return found


def test_no_business_code_reads_the_real_time_but_the_clock() -> None:
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(SOURCE).as_posix()
        for call in _calls_to_real_time(path):
            if (relative, call) not in ALLOWED:
                offenders.append(f"{relative}: {call}()")
    assert offenders == [], "Use sauro.common.clock instead of: " + ", ".join(offenders)


def test_the_scanner_finds_a_direct_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime\nfrom django.utils import timezone\nx = datetime.date.today()\ny = timezone.now()\n"
        "z = timezone.localdate()\nconverted = timezone.localdate(y)\n"
    )
    assert sorted(_calls_to_real_time(sample)) == ["date.today", "timezone.localdate", "timezone.now"]


def test_without_a_fixed_day_the_clock_is_the_real_time(settings: pytest.FixtureRequest) -> None:
    settings.SAURO_TODAY = ""
    before = timezone.now()
    now = clock.now()
    assert before <= now <= timezone.now()
    assert clock.today() == timezone.localdate(now)


def test_a_fixed_day_moves_the_whole_product_to_that_day(settings: pytest.FixtureRequest) -> None:
    settings.SAURO_TODAY = "2026-03-31"
    now = clock.now()
    assert clock.today() == datetime.date(2026, 3, 31)
    assert timezone.localtime(now).date() == datetime.date(2026, 3, 31)
    # The time of day is the real one, so events of the day keep their order.
    real = timezone.localtime(timezone.now()).time().replace(tzinfo=None)
    shown = timezone.localtime(now).time().replace(tzinfo=None)
    day = datetime.date(2026, 1, 1)
    gap = abs((datetime.datetime.combine(day, real) - datetime.datetime.combine(day, shown)).total_seconds())
    assert min(gap, 86400 - gap) < 60


def test_the_day_is_cut_in_vietnam_not_in_utc(settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SAURO_TODAY = ""
    late_evening_utc = datetime.datetime(2026, 3, 1, 18, 30, tzinfo=datetime.UTC)  # 01:30 on 2 March in Huế
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
    assert clock.today() == datetime.date(2026, 3, 2)
