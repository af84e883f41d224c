"""The list's filter choices at ten-year scale: recent directives and the chosen unit's people are offered, and any
directive or person the user may see is still accepted (links carry them) and shown as chosen."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.directives.models import Directive, Term
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_issue
from tests.conftest import Org

from .conftest import TODAY, Clock
from .test_views import get, row_count

ClientFor = Callable[[User], Client]
MakeDraft = Callable[..., Task]
LIST = reverse("tasks:list")


def select(markup: str, name: str) -> str:
    found = re.search(rf'<select name="{name}".*?</select>', markup, re.S)
    assert found, name
    return found.group(0)


def directive(org: Org, number: int, issued_on: datetime.date) -> Directive:
    term, _ = Term.objects.get_or_create(
        committee=org.city, starts_on=datetime.date(2020, 10, 1), defaults={"name": "Nhiệm kỳ 2020 – 2025"}
    )
    return Directive.objects.create(
        kind="KL", number=number, issuer_code="TU", issuing_unit=org.city, term=term, issued_on=issued_on,
        summary=f"Kết luận số {number}",
    )  # fmt: skip


def test_recent_directives_are_offered_and_an_old_one_is_accepted(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    old = directive(org, 1, TODAY - datetime.timedelta(days=3 * 365))
    recent = directive(org, 2, TODAY - datetime.timedelta(days=30))
    task_issue(acting_user=org.monitor, task=make_draft(directive=old.pk, title="Việc của kết luận cũ"))
    task_issue(acting_user=org.monitor, task=make_draft(directive=recent.pk, title="Việc của kết luận mới"))
    client = client_for(org.monitor)
    offered = select(get(client, LIST), "directive")
    assert f'value="{recent.pk}"' in offered and f'value="{old.pk}"' not in offered
    markup = get(client, f"{LIST}?directive={old.pk}")
    assert f'<option value="{old.pk}" selected>' in select(markup, "directive")
    assert row_count(markup) == 1 and "Việc của kết luận cũ" in markup


def test_the_chosen_units_people_are_offered_and_anyone_visible_is_accepted(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    task = task_issue(acting_user=org.monitor, task=make_draft(title="Việc của Ban Tổ chức"))
    task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_head.pk)
    client = client_for(org.monitor)
    people = select(get(client, f"{LIST}?unit={org.btc.pk}"), "person")
    assert f'value="{org.btc_head.pk}"' in people and f'value="{org.phuxuan_head.pk}"' not in people
    # Without a unit, the monitor is offered the people of their own unit; a link may still name anyone visible.
    own: Any = select(get(client, LIST), "person")
    assert f'value="{org.btc_head.pk}"' not in own
    markup = get(client, f"{LIST}?person={org.btc_head.pk}")
    assert f'<option value="{org.btc_head.pk}" selected>' in select(markup, "person")
    assert row_count(markup) == 1
