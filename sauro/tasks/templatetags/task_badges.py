"""The badges and flags of a task (state, reporting state, delivery confidence, buck-passing, secret) as template
tags, and a cheap date filter for its rows.

A list renders three badges and the flags per row: as ``{% include %}`` templates they cost more than the row
itself. The markup stays the one the ``tasks/_*_badge.html`` and ``tasks/_flags.html`` templates used (they now call
these tags); labels come from the choices, so the words are the same everywhere.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import template
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from sauro.tasks.choices import Classification, Confidence, ReportingState, TaskState, Trend

if TYPE_CHECKING:
    from sauro.tasks.models import Task

register = template.Library()

TREND_ARROWS = {Trend.IMPROVING.value: "↗", Trend.WORSENING.value: "↘", Trend.STABLE.value: "→"}


def _label(choices: type[models.TextChoices], value: str) -> str:
    return _choice_label(choices, value, get_language())


@functools.lru_cache(maxsize=256)
def _choice_label(choices: type[models.TextChoices], value: str, language: str | None) -> str:
    # Kept per language: resolving a lazy label through the catalogue costs more than the rest of a badge.
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.simple_tag
def state_badge(state: str) -> SafeString:
    return format_html('<span class="badge task-state task-state--{}">{}</span>', state, _label(TaskState, state))


@register.simple_tag
def reporting_badge(rs: str | None) -> SafeString:
    if not rs:
        return format_html('<span class="muted">—</span>')
    return format_html('<span class="badge task-report task-report--{}">{}</span>', rs, _label(ReportingState, rs))


@register.simple_tag
def trend_label(trend: str | None) -> str:
    """ "↗ Cải thiện" …; empty without a trend."""
    if not trend or trend not in TREND_ARROWS:
        return ""
    return f"{TREND_ARROWS[trend]} {_label(Trend, trend)}"


@register.simple_tag
def confidence_badge(level: str | None, trend: str | None = None, long: bool = False) -> SafeString:
    """Delivery confidence as rated by the office: the colour name is the text (never colour alone)."""
    if not level:
        return SafeString("")
    prefix = _("Khả năng hoàn thành:") + " " if long else ""
    arrow = trend_label(trend)
    trend_html = format_html(' <span class="confidence-trend">{}</span>', arrow) if arrow else ""
    return format_html(
        '<span class="badge confidence confidence--{}" title="{}">{}{}{}</span>',
        level,
        _("Khả năng hoàn thành (Văn phòng đánh giá)"),
        prefix,
        _label(Confidence, level),
        trend_html,
    )


@register.simple_tag
def task_flags(task: Task) -> SafeString:
    """ "Nghi đùn đẩy" for a task passed back and forth, "Mật" for a secret one; each after a space."""
    bounce: SafeString | str = ""
    if task.is_buck_passing_suspect:
        n = task.bounce_count
        title = ngettext("Đã bị đẩy qua lại %(n)s lần", "Đã bị đẩy qua lại %(n)s lần", n) % {"n": n}
        bounce = format_html(
            ' <span class="badge task-flag task-flag--bounce" title="{}">{}</span>', title, _("Nghi đùn đẩy")
        )
    secret: SafeString | str = ""
    if task.classification == Classification.SECRET:
        secret = format_html(' <span class="badge task-flag task-flag--secret">{}</span>', _("Mật"))
    return format_html("{}{}", bounce, secret)


@register.filter
def dmy(day: datetime.date | None) -> str:
    """``27/11/2026``: what ``|date:"d/m/Y"`` gives for a date, without its per-call format lookups."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


@register.simple_tag
def task_rows(tasks: Iterable[Task]) -> SafeString:
    """The ``<tr>`` of each task of tasks/_table.html, drawn in Python: a list page shows 50 rows, and as template
    code each cost more (its link, badges, flags and dates) than the query that read it. Same markup as the
    template had (tests/tasks/test_badges.py compares them)."""
    labels = (_("Nhiệm vụ"), _("Đơn vị chủ trì"), _("Người chịu trách nhiệm"), _("Thời hạn"), _("Trạng thái"))
    l_task, l_lead, l_person, l_due, l_state = labels
    l_report = _("Tình hình thực hiện")
    ongoing, no_due = _("Thường xuyên"), format_html('<span class="muted">{}</span>', _("Chưa có"))
    rows = []
    for t in tasks:
        if t.is_ongoing:
            due: SafeString | str = ongoing
        elif t.due_date:
            due = format_html('<time datetime="{}">{}</time>', t.due_date.isoformat(), dmy(t.due_date))
        else:
            due = no_due
        extended: SafeString | str = ""
        if t.extension_count:
            n = t.extension_count
            times = ngettext("gia hạn %(n)s lần", "gia hạn %(n)s lần", n) % {"n": n}
            extended = format_html('<span class="meta">{}</span>', times)
        directive = format_html('<span class="meta">{}</span>', t.directive) if t.directive_id else ""
        rows.append(
            format_html(
                ROW,
                l_task=l_task,
                url=reverse("tasks:detail", args=[t.pk]),
                title=t.title,
                flags=task_flags(t),
                directive=directive,
                l_lead=l_lead,
                lead=(t.lead_unit.name if t.lead_unit else "") or "—",
                l_person=l_person,
                person=(t.responsible_person.get_full_name() if t.responsible_person else "") or "—",
                l_due=l_due,
                due=due,
                extended=extended,
                l_state=l_state,
                state=state_badge(t.state),
                l_report=l_report,
                report=reporting_badge(getattr(t, "reporting_state", None)),
                confidence=confidence_badge(t.confidence, t.confidence_trend),
            )
        )
    return format_html_join("\n", "{}", ((row,) for row in rows))


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
