"""The trend charts' geometry: labels under the bars do not collide, and the tallest bar's value is not clipped."""

from __future__ import annotations

from sauro.dashboard.charts import BAR_GAP, BAR_WIDTH, CHAR_WIDTH, bar_chart
from sauro.dashboard.stats import TaskStats

FONT_SIZE = 11  # px, .dash-value / .dash-label in sauro.css


def figures(total: int) -> TaskStats:
    return TaskStats.from_counts({"done_on_time": total})


def points(labels: list[str], totals: list[int]) -> list[tuple[str, TaskStats, str]]:
    return [(label, figures(n), f"/nhiem-vu/?q={i}") for i, (label, n) in enumerate(zip(labels, totals, strict=True))]


def test_quarter_labels_are_two_lines_with_the_year_where_it_changes() -> None:
    labels = [f"Q{q}/{y}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    chart = bar_chart("quarterly", "Theo quý", points(labels, [0, 0, 0, 0, 66, 41, 98, 48]))
    assert [b.short for b in chart.bars] == ["Q1", "Q2", "Q3", "Q4"] * 2
    assert [b.group for b in chart.bars] == ["2025", "", "", "", "2026", "", "", ""]
    assert [b.label for b in chart.bars] == labels  # the whole label stays for the link and its tooltip
    # Drawn labels are narrower than the distance between bars: no "Q1/2025Q2/2025".
    widths = [len(b.short) * CHAR_WIDTH for b in chart.bars]
    assert max(widths) < BAR_WIDTH + BAR_GAP
    assert chart.label_y > chart.axis_y and chart.group_y >= chart.label_y + FONT_SIZE
    assert chart.group_y <= chart.height


def test_the_tallest_bars_value_is_inside_the_drawing() -> None:
    chart = bar_chart("monthly", "Theo tháng", points([f"T{m}/2026" for m in range(1, 13)], list(range(1, 13))))
    tallest = chart.bars[-1]
    assert tallest.segments[-1].y >= 0
    assert tallest.total_y - FONT_SIZE >= 0  # the text's top, a baseline minus its size, is not cut off
    assert tallest.total_y < tallest.segments[-1].y  # above its bar


def test_labels_are_thinned_when_bars_are_too_many_for_them() -> None:
    labels = [f"Tuần {w}/2026" for w in range(1, 25)]
    chart = bar_chart("weekly", "Theo tuần", points(labels, [1] * 24))
    drawn = [i for i, b in enumerate(chart.bars) if b.short]
    assert 1 < len(drawn) < len(labels)
    step = drawn[1] - drawn[0]
    assert step * (BAR_WIDTH + BAR_GAP) > len("Tuần 10") * CHAR_WIDTH
    assert [b.group for b in chart.bars].count("2026") == 1
