"""The badges and flags of a task (state, reporting state, delivery confidence, buck-passing, secret) as template
tags, and a cheap date filter for its rows.

A list renders three badges and the flags per row: as ``{% include %}`` templates they cost more than the row
itself. The markup stays the one the ``tasks/_*_badge.html`` and ``tasks/_flags.html`` templates used (they now call
these tags); labels come from the choices, so the words are the same everywhere.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sauro.tasks.choices import Classification, Confidence, ReportingState, TaskState, Trend

if TYPE_CHECKING:
    from sauro.tasks.models import Task

register = template.Library()

TREND_ARROWS = {Trend.IMPROVING.value: "↗", Trend.WORSENING.value: "↘", Trend.STABLE.value: "→"}


def _label(choices: type[models.TextChoices], value: str) -> str:
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
        return format_html("")
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
