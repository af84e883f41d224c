"""Server-rendered SVG bar charts (the CSP forbids inline styles and scripts, and no chart library is loaded):
geometry is computed here, colours come from CSS classes. Each chart has a table alternative in the page.

A point's label ``T3/2026`` or ``Q1/2026`` is drawn on two lines under its bar: the month or quarter (``T3``), and
the year under the first bar and wherever the year changes — one label of 7 characters per 42-pixel bar collided
with its neighbours. When bars are too many for their short labels, only every n-th is drawn (the year always).
The plot leaves room above the tallest bar for its value."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sauro.dashboard.stats import TaskStats

SEGMENTS = ("done_on_time", "done_late", "open_on_time", "open_overdue")  # bottom to top
PLOT_HEIGHT = 140
BAR_WIDTH = 28
BAR_GAP = 14
LEFT = 36
TOP = 24  # headroom: the tallest bar's value label is drawn above it
VALUE_GAP = 5  # between a bar's top and its value label's baseline
BOTTOM = 40  # two lines of labels under the axis
LABEL_LINE_1, LABEL_LINE_2 = 15, 29  # their baselines below the axis
CHAR_WIDTH = 7  # a generous width of one character of an 11-pixel label
LABEL_PADDING = 6


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
    short: str = ""  # the first line under the bar ("T3"), "" when thinned out
    group: str = ""  # the second line ("2026"), only where it changes


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
    label_y: int = 0
    group_y: int = 0


def split_label(label: str) -> tuple[str, str]:
    """``T3/2026`` → (``T3``, ``2026``); a label without a slash has no group."""
    short, _sep, group = label.partition("/")
    return short, group


def label_step(labels: list[str]) -> int:
    """Draw every n-th short label so that neighbours do not touch: n = 1 while the longest fits its bar's slot."""
    widest = max((len(s) for s in labels), default=0) * CHAR_WIDTH + LABEL_PADDING
    return max(1, math.ceil(widest / (BAR_WIDTH + BAR_GAP)))


def bar_chart(key: str, title: str, points: list[tuple[str, TaskStats, str]]) -> Chart:
    """Stacked bars of the four states per point, scaled to the largest total."""
    max_total = max((s.total for _label, s, _url in points), default=0)
    scale = PLOT_HEIGHT / max_total if max_total else 0.0
    axis_y = TOP + PLOT_HEIGHT
    parts = [split_label(label) for label, _s, _url in points]
    step = label_step([short for short, _group in parts])
    bars = []
    previous_group = None
    for i, (label, figures, url) in enumerate(points):
        x = LEFT + BAR_GAP // 2 + i * (BAR_WIDTH + BAR_GAP)
        short, group = parts[i]
        bar = Bar(
            label=label,
            x=x,
            label_x=x + BAR_WIDTH // 2,
            stats=figures,
            url=url,
            short=short if i % step == 0 else "",
            group=group if group != previous_group else "",
        )
        previous_group = group
        y = float(axis_y)
        for seg in SEGMENTS:
            count = getattr(figures, seg)
            if not count:
                continue
            h = count * scale
            y -= h
            bar.segments.append(Segment(seg, round(y), max(round(h), 1), count))
        bar.total_y = round(y) - VALUE_GAP
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
        label_y=axis_y + LABEL_LINE_1,
        group_y=axis_y + LABEL_LINE_2,
    )
