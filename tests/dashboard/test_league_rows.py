"""The league table draws its rows in Python (``dashboard.templatetags.league_rows``): the markup is the one the
template drew (kept in ``former_league_rows.html``) for every kind of row — the parent's own tasks, a closed unit,
a rate and a trend in each direction or unknown, decimals written the Vietnamese way, figures in thousands, no
updates owed, no obstacles — in a quarter and in a custom period, and every name is escaped."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.template import engines

from sauro.dashboard.periods import Period
from sauro.dashboard.stats import LeagueRow, TaskStats
from sauro.dashboard.views import LeagueLine
from sauro.org.models import Unit

HERE = Path(__file__).parent
KEYS = ("total", "done_on_time", "done_late", "open_on_time", "open_overdue", "ongoing")


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def _spaces(markup: str) -> str:
    return " ".join(markup.split())


def _stats(on_time: int, late: int, open_on_time: int, overdue: int) -> TaskStats:
    return TaskStats.from_counts(
        {"done_on_time": on_time, "done_late": late, "open_on_time": open_on_time, "open_overdue": overdue}
    )


def _line(pk: int, name: str, now: TaskStats, before: TaskStats, **extra: object) -> LeagueLine:
    fields: dict[str, object] = {
        "late_reports": 0,
        "updates_expected": 0,
        "updates_late": 0,
        "update_on_time_rate": None,
        "obstacles": 0,
        "obstacle_response_days": None,
        "rank": pk,
    }
    fields.update(extra)
    unit = Unit(pk=pk, name=name, valid_to=fields.pop("valid_to", None))  # type: ignore[misc]
    row = LeagueRow(unit=unit, stats=now, previous=before, **fields)  # type: ignore[arg-type]
    return LeagueLine(row=row, links={k: f"/nhiem-vu/?unit={pk}&reporting={k}&as_of=2026-03-13" for k in KEYS})


def _lines() -> list[LeagueLine]:
    return [
        _line(1, "Phường An Cựu", _stats(2, 1, 0, 1), _stats(1, 1, 0, 0), late_reports=2),  # 50 → 50: flat
        _line(2, 'Xã <Phú> & "Vang"', _stats(3, 0, 1, 0), _stats(1, 2, 0, 0), updates_expected=4, updates_late=1),
        _line(3, "Ban Tổ chức", _stats(1, 2, 0, 0), _stats(2, 0, 0, 0), obstacles=3, obstacle_response_days=2.5),
        _line(4, "Thuận Hóa", _stats(1234, 56, 7, 0), TaskStats.empty(), obstacles=1, obstacle_response_days=4.0),
        _line(5, "Huyện cũ", TaskStats.empty(), TaskStats.empty(), valid_to=datetime.date(2025, 7, 1)),
        _line(9, "Thành ủy", _stats(1, 0, 0, 2), _stats(0, 1, 0, 0), is_parent=True),
    ]


def test_league_rows_are_those_of_the_former_template() -> None:
    lines = _lines()
    day = datetime.date
    quarter = Period(
        "quarter", day(2025, 12, 15), day(2026, 3, 14), day(2026, 3, 13), day(2025, 9, 15), day(2025, 12, 14)
    )
    custom = Period("custom", day(2026, 1, 1), day(2026, 2, 28), day(2026, 2, 28), day(2025, 11, 1), day(2025, 12, 31))
    directions = {line.row.trend_direction for line in lines}
    assert directions == {"up", "down", "flat", "none"}
    for period in (quarter, custom):
        ours = render("{% load league_rows %}{% league_rows lines period %}", lines=lines, period=period)
        former = render((HERE / "former_league_rows.html").read_text(encoding="utf-8"), lines=lines, period=period)
        assert _spaces(ours) == _spaces(former)
    ours = render("{% load league_rows %}{% league_rows lines period %}", lines=lines, period=quarter)
    assert "Xã &lt;Phú&gt; &amp; &quot;Vang&quot;" in ours and "<Phú>" not in ours
    assert "1.234" in ours and "2,5" in ours  # thousands and decimals as Vietnamese write them
    assert "&amp;from=" not in ours
    assert "&amp;from=2026-01-01&amp;to=2026-02-28" in render(
        "{% load league_rows %}{% league_rows lines period %}", lines=lines, period=custom
    )
