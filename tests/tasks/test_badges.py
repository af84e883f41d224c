"""The task rows and flags tags and the row's date filter draw exactly what the templates they replace drew."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.template import engines

from sauro.directives.models import Directive, Term
from sauro.tasks.choices import BUCK_PASSING_THRESHOLD, Classification
from sauro.tasks.models import Task
from sauro.tasks.selectors import task_list
from sauro.tasks.services import task_issue
from sauro.tasks.templatetags.task_badges import dmy
from tests.conftest import Org

from .conftest import TODAY, Clock

MakeDraft = Callable[..., Task]

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


# tasks/_table.html's rows before the task_rows tag; its include of tasks/_flags.html drew FLAGS_TEMPLATE.
ROWS_TEMPLATE = (Path(__file__).parent / "former_task_rows.html").read_text(encoding="utf-8")


def _spaces(markup: str) -> str:
    return " ".join(markup.split())


@pytest.mark.django_db
def test_rows_are_those_of_the_former_template(org: Org, make_draft: MakeDraft, today: Clock) -> None:
    term = Term.objects.create(committee=org.city, starts_on=datetime.date(2020, 10, 1), name="Nhiệm kỳ 2020 – 2025")
    conclusion = Directive.objects.create(
        kind="KL", number=5, issuer_code="TU", issuing_unit=org.city, term=term, issued_on=TODAY, summary="Kết luận"
    )
    make_draft(title="Rà soát <quy hoạch> & bổ sung", directive=conclusion.pk)
    make_draft(title="Thường xuyên", due_date=None, is_ongoing=True, review_cadence="monthly")
    make_draft(title="Chưa có hạn", due_date=None, lead_unit=None, responsible_person=None)
    issued = task_issue(acting_user=org.monitor, task=make_draft(title="Đã giao"))
    Task.objects.filter(pk=issued.pk).update(
        extension_count=2, bounce_count=BUCK_PASSING_THRESHOLD, confidence="amber", confidence_trend="worsening"
    )
    secret = make_draft(title="Mật", classification=Classification.SECRET)
    Task.objects.filter(pk=secret.pk).update(extension_count=1, confidence="green")
    tasks = list(task_list(user=org.monitor))
    assert len(tasks) == 5
    former = ROWS_TEMPLATE.replace('{% include "tasks/_flags.html" %}', FLAGS_TEMPLATE.removeprefix("{% load i18n %}"))
    ours = render("{% load task_badges %}{% task_rows tasks %}", tasks=tasks)
    assert _spaces(ours) == _spaces(render(former, tasks=tasks))
    for fragment in ("&lt;quy hoạch&gt; &amp;", "Kết luận số 05-KL/TU", "gia hạn 2 lần", "Nghi đùn đẩy", "Chưa có"):
        assert fragment in ours
