"""The badges and flags of a task (state, reporting state, delivery confidence, buck-passing, secret) as template
tags, and a cheap date filter for its rows.

A list renders three badges and the flags per row: as ``{% include %}`` templates they cost more than the row
itself. The markup stays the one the ``tasks/_*_badge.html`` and ``tasks/_flags.html`` templates used (they now call
these tags); labels come from the choices, so the words are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sauro.common.rows import RowUrl, cell_labels, dmy
from sauro.common.rows import choice_label as _label
from sauro.common.rows import esc as _esc
from sauro.common.text import highlight
from sauro.tasks.choices import Classification, Confidence, ReportingState, TaskState, Trend

if TYPE_CHECKING:
    from sauro.tasks.models import Task

register = template.Library()

TREND_ARROWS = {Trend.IMPROVING.value: "↗", Trend.WORSENING.value: "↘", Trend.STABLE.value: "→"}


def _state(state: str) -> str:
    return f'<span class="badge task-state task-state--{_esc(state)}">{_esc(_label(TaskState, state))}</span>'


def _reporting(rs: str | None) -> str:
    if not rs:
        return '<span class="muted">—</span>'
    return f'<span class="badge task-report task-report--{_esc(rs)}">{_esc(_label(ReportingState, rs))}</span>'


def _confidence(level: str | None, trend: str | None = None, long: bool = False) -> str:
    if not level:
        return ""
    prefix = _esc(_("Khả năng hoàn thành:") + " ") if long else ""
    arrow = trend_label(trend)
    trend_html = f' <span class="confidence-trend">{_esc(arrow)}</span>' if arrow else ""
    title = _esc(_("Khả năng hoàn thành (Văn phòng đánh giá)"))
    label = _esc(_label(Confidence, level))
    return (
        f'<span class="badge confidence confidence--{_esc(level)}" title="{title}">{prefix}{label}{trend_html}</span>'
    )


def _flags(task: Task) -> str:
    focus = ""
    if task.is_focus:
        title = _esc(_("Nhiệm vụ trọng tâm: được nêu trước trong báo cáo sơ kết"))
        focus = f' <span class="badge task-flag task-flag--focus" title="{title}">{_esc(_("Trọng tâm"))}</span>'
    bounce = ""
    if task.is_buck_passing_suspect:
        n = task.bounce_count
        title = ngettext("Đã bị đẩy qua lại %(n)s lần", "Đã bị đẩy qua lại %(n)s lần", n) % {"n": n}
        bounce = (
            f' <span class="badge task-flag task-flag--bounce" title="{_esc(title)}">{_esc(_("Nghi đùn đẩy"))}</span>'
        )
    secret = ""
    if task.classification == Classification.SECRET:
        secret = f' <span class="badge task-flag task-flag--secret">{_esc(_("Mật"))}</span>'
    return focus + bounce + secret


@register.simple_tag
def state_badge(state: str) -> SafeString:
    return SafeString(_state(state))


@register.simple_tag
def reporting_badge(rs: str | None) -> SafeString:
    return SafeString(_reporting(rs))


@register.simple_tag
def trend_label(trend: str | None) -> str:
    """ "↗ Cải thiện" …; empty without a trend."""
    if not trend or trend not in TREND_ARROWS:
        return ""
    return f"{TREND_ARROWS[trend]} {_label(Trend, trend)}"


@register.simple_tag
def confidence_badge(level: str | None, trend: str | None = None, long: bool = False) -> SafeString:
    """Delivery confidence as rated by the office: the colour name is the text (never colour alone)."""
    return SafeString(_confidence(level, trend, long))


@register.simple_tag
def task_flags(task: Task) -> SafeString:
    """ "Trọng tâm" for a focus task, "Nghi đùn đẩy" for a task passed back and forth, "Mật" for a secret one; each
    after a space."""
    return SafeString(_flags(task))


register.filter("dmy", dmy)


@register.simple_tag
def task_rows(tasks: Iterable[Task], marked: Sequence[str] = ()) -> SafeString:
    """The ``<tr>`` of each task of tasks/_table.html, drawn in Python: a list page shows 50 rows, and as template
    code each cost more (its link, badges, flags and dates) than the query that read it. Same markup as the
    template had (tests/tasks/test_badges.py compares them). Every value from the database is escaped here, once.
    ``marked``: the folded words of a search, marked in each title (``common.text.highlight``, which escapes)."""
    labels = {
        "l_task": _("Nhiệm vụ"),
        "l_lead": _("Đơn vị chủ trì"),
        "l_person": _("Người chịu trách nhiệm"),
        "l_due": _("Thời hạn"),
        "l_state": _("Trạng thái"),
        "l_report": _("Tình hình thực hiện"),
    }
    fixed = cell_labels(labels)
    ongoing, no_due = _esc(_("Thường xuyên")), f'<span class="muted">{_esc(_("Chưa có"))}</span>'
    url = RowUrl("tasks:detail")
    rows = []
    for t in tasks:
        if t.is_ongoing:
            due = ongoing
        elif t.due_date:
            due = f'<time datetime="{t.due_date.isoformat()}">{dmy(t.due_date)}</time>'
        else:
            due = no_due
        extended = ""
        if t.extension_count:
            n = t.extension_count
            times = ngettext("gia hạn %(n)s lần", "gia hạn %(n)s lần", n) % {"n": n}
            extended = f'<span class="meta">{_esc(times)}</span>'
        directive = f'<span class="meta">{_esc(t.directive)}</span>' if t.directive_id else ""
        rows.append(
            ROW.format(
                **fixed,
                url=url(t.pk),
                title=highlight(t.title, marked) if marked else _esc(t.title),
                flags=_flags(t),
                directive=directive,
                lead=_esc((t.lead_unit.name if t.lead_unit else "") or "—"),
                person=_esc((t.responsible_person.get_full_name() if t.responsible_person else "") or "—"),
                due=due,
                extended=extended,
                state=_state(t.state),
                report=_reporting(getattr(t, "reporting_state", None)),
                confidence=_confidence(t.confidence, t.confidence_trend),
            )
        )
    return SafeString("\n".join(rows))


ROW = """        <tr>
          <td data-label="{l_task}" class="task-title-cell">
            <div>
              <a class="task-title" href="{url}">{title}</a>{flags}
              {directive}
            </div>
          </td>
          <td data-label="{l_lead}">{lead}</td>
          <td data-label="{l_person}">{person}</td>
          <td data-label="{l_due}" class="nowrap">
            <div>
            {due}
            {extended}
            </div>
          </td>
          <td data-label="{l_state}">{state}</td>
          <td data-label="{l_report}"><div class="task-badges-cell">{report}{confidence}</div></td>
        </tr>"""
