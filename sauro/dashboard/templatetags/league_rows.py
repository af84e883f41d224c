"""The league table's rows (``dashboard/overview.html``) drawn in Python (``common.rows``: why, and the helpers),
with the markup the template had (``tests/dashboard/test_league_rows.py`` compares them). A city's table has a row
per child unit, each of a dozen cells: as template code it was most of the page's rendering time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sauro.common.rows import esc
from sauro.common.text import number

if TYPE_CHECKING:
    from sauro.dashboard.periods import Period
    from sauro.dashboard.views import LeagueLine

register = template.Library()

LEAGUE_ROW = """<tr data-unit="{pk}"{own}>
  <td class="dash-rank">{rank}</td>
  <th scope="row" class="dash-unit">
    {unit}
    {former}
  </th>
  <td class="num"><a href="{l_total}" data-figure="total">{total}</a></td>
  <td class="num">{rate}</td>
  <td>
    <span class="dash-trend dash-trend--{direction}">
      {trend}
    </span>
  </td>
  <td class="num dash-detail"><a href="{l_done_on_time}" data-figure="done_on_time">{done_on_time}</a></td>
  <td class="num dash-detail"><a href="{l_done_late}" data-figure="done_late">{done_late}</a></td>
  <td class="num dash-detail"><a href="{l_open_on_time}" data-figure="open_on_time">{open_on_time}</a></td>
  <td class="num"><a class="{bad}" href="{l_open_overdue}" data-figure="open_overdue">{open_overdue}</a></td>
  <td class="num">{late_reports}</td>
  <td class="num">{updates}</td>
  <td class="num">{obstacles}</td>
</tr>"""


# The figures whose cells link to their tasks (``LeagueLine.links``).
FIGURES = ("total", "done_on_time", "done_late", "open_on_time", "open_overdue")


def _n(value: object) -> str:
    """A figure as the template printed it (``{{ value }}``: localised, so 12,5 for 12.5)."""
    return esc(localize(value))


@register.simple_tag
def league_rows(lines: Iterable[LeagueLine], period: Period) -> SafeString:
    """The ``<tr>`` of each line of the league table (``dashboard.views.LeagueLine``: a ``stats.LeagueRow`` and the
    links behind its figures) for ``period``: a unit's name opens its own dashboard for the same period."""
    words = {
        "own": _("%(name)s (trực tiếp chủ trì)"),
        "former": esc(_("đã giải thể, sáp nhập")),
        "up": _("tăng %(d)s điểm"),
        "down": _("giảm %(d)s điểm"),
        "flat": esc(_("không đổi")),
        "none": esc(_("chưa đủ số liệu")),
    }
    span = f"&amp;period={esc(period.kind)}"
    if period.kind == "custom":
        span += f"&amp;from={period.start:%Y-%m-%d}&amp;to={period.end:%Y-%m-%d}"
    span += f"&amp;as_of={period.as_of:%Y-%m-%d}"
    rows = []
    for line in lines:
        r, links, s = line.row, line.links, line.row.stats
        name = esc(r.unit.name)
        # The parent's own tasks: the translation is trusted, the name escaped.
        unit = words["own"] % {"name": name} if r.is_parent else f'<a href="?unit={int(r.unit.pk)}{span}">{name}</a>'
        direction = r.trend_direction
        if direction in ("up", "down"):
            arrow = "▲" if direction == "up" else "▼"
            trend = f'<span aria-hidden="true">{arrow}</span> {words[direction] % {"d": _n(r.trend_size)}}'
        elif direction == "flat":
            trend = f'<span aria-hidden="true">■</span> {words["flat"]}'
        else:
            trend = words["none"]
        rate = "—" if s.on_time_rate is None else f"{_n(s.on_time_rate)}%"
        days = r.obstacle_response_days
        rows.append(
            LEAGUE_ROW.format(
                pk=int(r.unit.pk),
                own=' class="dash-own"' if r.is_parent else "",
                rank="—" if r.is_parent else _n(r.rank),
                unit=unit,
                former=f'<span class="badge badge--former">{words["former"]}</span>' if r.unit.valid_to else "",
                total=number(s.total),
                rate=rate,
                direction=esc(direction),
                trend=trend,
                done_on_time=number(s.done_on_time),
                done_late=number(s.done_late),
                open_on_time=number(s.open_on_time),
                open_overdue=number(s.open_overdue),
                bad="dash-bad" if s.open_overdue else "",
                late_reports=_n(r.late_reports),
                updates=f"{_n(r.updates_late)}/{_n(r.updates_expected)}" if r.updates_expected else "—",
                obstacles="—" if days is None else f'{_n(days)} <span class="muted">({_n(r.obstacles)})</span>',
                **{f"l_{key}": esc(links[key]) for key in FIGURES},
            )
        )
    return SafeString("\n".join(rows))
