"""Server-rendered SVG bar charts (the CSP forbids inline styles and scripts, and no chart library is loaded):
geometry is computed here, colours come from CSS classes. Each chart has a table alternative in the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sauro.dashboard.stats import TaskStats

SEGMENTS = ("done_on_time", "done_late", "open_on_time", "open_overdue")  # bottom to top
PLOT_HEIGHT = 140
BAR_WIDTH = 28
BAR_GAP = 14
LEFT = 36
TOP = 10
BOTTOM = 34


@dataclass
class Segment:
    key: str
    y: int
    height: int
    count: int


@dataclass
class Bar:
    label: str
    x: int
    label_x: int
    stats: TaskStats
    url: str
    segments: list[Segment] = field(default_factory=list)
    total_y: int = 0


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    axis_y: int
    max_total: int
    ticks: list[tuple[int, int]]  # (value, y)


def bar_chart(key: str, title: str, points: list[tuple[str, TaskStats, str]]) -> Chart:
    """Stacked bars of the four states per point, scaled to the largest total."""
    max_total = max((s.total for _label, s, _url in points), default=0)
    scale = PLOT_HEIGHT / max_total if max_total else 0.0
    axis_y = TOP + PLOT_HEIGHT
    bars = []
    for i, (label, figures, url) in enumerate(points):
        x = LEFT + BAR_GAP // 2 + i * (BAR_WIDTH + BAR_GAP)
        bar = Bar(label=label, x=x, label_x=x + BAR_WIDTH // 2, stats=figures, url=url)
        y = float(axis_y)
        for seg in SEGMENTS:
            count = getattr(figures, seg)
            if not count:
                continue
            h = count * scale
            y -= h
            bar.segments.append(Segment(seg, round(y), max(round(h), 1), count))
        bar.total_y = round(y) - 4
        bars.append(bar)
    ticks = [(0, axis_y)]
    if max_total:
        ticks.append((max_total, TOP))
        if max_total >= 4:
            ticks.append((max_total // 2, round(axis_y - (max_total // 2) * scale)))
    width = LEFT + len(points) * (BAR_WIDTH + BAR_GAP) + 8
    return Chart(
        key=key,
        title=title,
        bars=bars,
        width=width,
        height=axis_y + BOTTOM,
        axis_y=axis_y,
        max_total=max_total,
        ticks=ticks,
    )
