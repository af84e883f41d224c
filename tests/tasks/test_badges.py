"""The task flags tag and the row's date filter draw exactly what the templates they replace drew."""

from __future__ import annotations

import datetime

import pytest
from django.template import engines

from sauro.tasks.choices import BUCK_PASSING_THRESHOLD, Classification
from sauro.tasks.models import Task
from sauro.tasks.templatetags.task_badges import dmy

# tasks/_flags.html before the task_flags tag.
FLAGS_TEMPLATE = (
    '{% load i18n %}{% if t.is_buck_passing_suspect %} <span class="badge task-flag task-flag--bounce" '
    'title="{% blocktranslate count n=t.bounce_count %}Đã bị đẩy qua lại {{ n }} lần{% plural %}Đã bị đẩy qua lại '
    '{{ n }} lần{% endblocktranslate %}">{% translate "Nghi đùn đẩy" %}</span>{% endif %}'
    '{% if t.classification == "secret" %} <span class="badge task-flag task-flag--secret">{% translate "Mật" %}'
    "</span>{% endif %}"
)


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("bounces", [0, 1, BUCK_PASSING_THRESHOLD, BUCK_PASSING_THRESHOLD + 4])
@pytest.mark.parametrize("classification", [Classification.NORMAL, Classification.SECRET])
def test_flags_are_those_of_the_former_template(bounces: int, classification: str) -> None:
    task = Task(title="x", bounce_count=bounces, classification=classification)
    ours = render("{% load task_badges %}{% task_flags t %}", t=task)
    assert ours == render(FLAGS_TEMPLATE, t=task)
    assert render('{% include "tasks/_flags.html" %}', t=task) == ours + "\n"  # the file ends with a newline, as before
    assert ("Nghi đùn đẩy" in ours) == (bounces >= BUCK_PASSING_THRESHOLD)
    assert ("Mật" in ours) == (classification == Classification.SECRET)


@pytest.mark.parametrize(
    "day", [datetime.date(2026, 11, 27), datetime.date(2026, 1, 5), datetime.date(2000, 12, 31), None]
)
def test_dmy_is_the_date_filter_with_d_m_y(day: datetime.date | None) -> None:
    assert render("{% load task_badges %}{{ d|dmy }}|{{ d.isoformat }}", d=day) == render(
        "{{ d|date:'d/m/Y' }}|{{ d|date:'Y-m-d' }}", d=day
    )
    assert dmy(day) == render('{{ d|date:"d/m/Y" }}', d=day)
