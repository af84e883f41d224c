"""A task marked "trọng tâm" (focus): set on the draft form and the API, journalled as an edit, shown as a badge on
the task's page and in the list, and a filter of the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from sauro.audit.models import AuditEntry
from sauro.tasks.choices import EventKind
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import task_issue
from tests.conftest import Org
from tests.tasks.test_api import api_client, patch, post
from tests.tasks.test_views import form_data, get, text_of

MakeDraft = Callable[..., Task]
BADGE = 'class="badge task-flag task-flag--focus"'


def test_the_form_marks_a_draft_focus_and_the_edit_is_journalled(
    org: Org, make_draft: MakeDraft, client_for: Any
) -> None:
    task = make_draft(title="Xây dựng đề án sắp xếp tổ chức bộ máy")
    client = client_for(org.monitor)
    markup = get(client, reverse("tasks:edit", args=[task.pk]))
    assert 'name="is_focus"' in markup and "Nhiệm vụ trọng tâm" in markup
    entries = AuditEntry.objects.count()
    response = client.post(
        reverse("tasks:edit", args=[task.pk]),
        {**form_data(org, title=task.title), "is_focus": "on", "version": task.version, "intent": "save"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_focus
    event = TaskEvent.objects.filter(task=task).latest("at", "id")
    assert event.kind == EventKind.EDITED and "is_focus" in event.data["fields"]
    assert AuditEntry.objects.count() > entries
    # The badge on its page.
    detail = get(client, reverse("tasks:detail", args=[task.pk]))
    assert BADGE in detail and "Trọng tâm" in text_of(detail)


def test_the_list_shows_the_badge_and_filters_focus_tasks(org: Org, make_draft: MakeDraft, client_for: Any) -> None:
    focus = task_issue(acting_user=org.monitor, task=make_draft(title="Nhiệm vụ trọng tâm của quý", is_focus=True))
    other = task_issue(acting_user=org.monitor, task=make_draft(title="Nhiệm vụ thông thường của quý"))
    client = client_for(org.leader)
    everything = get(client, reverse("tasks:list"))
    assert focus.title in everything and other.title in everything
    assert everything.count(BADGE) == 1
    only = get(client, reverse("tasks:list") + "?focus=on")
    assert focus.title in only and other.title not in only


def test_the_api_sets_and_shows_focus(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    client = api_client(org.monitor)
    assert client.get(f"/api/v1/tasks/{task.pk}").json()["is_focus"] is False
    body = patch(client, f"/api/v1/tasks/{task.pk}", {"is_focus": True, "version": task.version}).json()
    assert body["is_focus"] is True
    assert Task.objects.get(pk=task.pk).is_focus
    # null is refused: a task is focus or not.
    response = patch(client, f"/api/v1/tasks/{task.pk}", {"is_focus": None, "version": body["version"]})
    assert response.status_code == 422
    created = post(client, "/api/v1/tasks", {"title": "Dự thảo trọng tâm", "is_focus": True})
    assert created.status_code == 201, created.content
    assert created.json()["is_focus"] is True


def test_the_dashboard_counts_focus_tasks_under_way_and_links_to_them(
    org: Org, make_draft: MakeDraft, client_for: Any
) -> None:
    focus = task_issue(acting_user=org.monitor, task=make_draft(title="Nhiệm vụ trọng tâm của quý", is_focus=True))
    make_draft(title="Dự thảo trọng tâm chưa giao", is_focus=True)  # a draft is not under way
    task_issue(acting_user=org.monitor, task=make_draft(title="Nhiệm vụ thông thường của quý"))
    client = client_for(org.leader)
    response = client.get(reverse("dashboard:overview"))
    card = next(c for c in response.context["cards"] if c.key == "focus")
    assert card.count == 1 and card.label == "Trọng tâm đang thực hiện"
    listed = get(client, card.url)
    assert focus.title in listed and "Nhiệm vụ thông thường của quý" not in listed
    assert "Dự thảo trọng tâm chưa giao" not in listed


def _under_way(org: Org, make_draft: MakeDraft, **overrides: Any) -> Task:
    from sauro.tasks.services import task_accept

    task = task_issue(acting_user=org.monitor, task=make_draft(**overrides))
    return task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])


def test_the_authority_flags_an_issued_task_on_its_page_and_the_timeline_and_journal_say_so(
    org: Org, make_draft: MakeDraft, client_for: Any
) -> None:
    task = _under_way(org, make_draft, title="Đề án sắp xếp tổ chức bộ máy cơ quan tham mưu")
    client = client_for(org.leader)  # a leader of Thường trực, the task's authority
    page = get(client, reverse("tasks:detail", args=[task.pk]))
    assert reverse("tasks:set_focus", args=[task.pk]) in page and "Đánh dấu trọng tâm" in page
    entries = AuditEntry.objects.filter(action="task.focus_changed").count()
    response = client.post(
        reverse("tasks:set_focus", args=[task.pk]), {"set_focus-is_focus": "on", "set_focus-note": "Theo kết luận"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_focus
    entry = AuditEntry.objects.filter(action="task.focus_changed").latest("seq")
    assert AuditEntry.objects.filter(action="task.focus_changed").count() == entries + 1
    assert entry.before["is_focus"] is False and entry.after["is_focus"] is True
    detail = text_of(get(client, reverse("tasks:detail", args=[task.pk])))
    assert "Đánh dấu nhiệm vụ trọng tâm" in detail and "Trọng tâm" in detail
    # Taking the flag off is the same form without the box.
    client.post(reverse("tasks:set_focus", args=[task.pk]), {"set_focus-note": ""})
    task.refresh_from_db()
    assert not task.is_focus
    assert "Bỏ đánh dấu trọng tâm" in text_of(get(client, reverse("tasks:detail", args=[task.pk])))


def test_the_officer_doing_the_task_may_not_flag_it(org: Org, make_draft: MakeDraft, client_for: Any) -> None:
    task = _under_way(org, make_draft)
    client = client_for(org.btc_officer)
    assert reverse("tasks:set_focus", args=[task.pk]) not in get(client, reverse("tasks:detail", args=[task.pk]))
    response = client.post(reverse("tasks:set_focus", args=[task.pk]), {"set_focus-is_focus": "on"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert not task.is_focus


def test_the_api_flags_an_issued_task_and_refuses_a_finished_one(org: Org, make_draft: MakeDraft) -> None:
    from sauro.tasks.services import task_approve, task_submit

    task = _under_way(org, make_draft)
    monitor = api_client(org.monitor)  # Văn phòng, the issuing side
    assert "set_focus" in monitor.get(f"/api/v1/tasks/{task.pk}").json()["allowed_actions"]
    assert "set_focus" not in api_client(org.btc_officer).get(f"/api/v1/tasks/{task.pk}").json()["allowed_actions"]
    body = post(monitor, f"/api/v1/tasks/{task.pk}/focus", {"is_focus": True}).json()
    assert body["is_focus"] is True
    assert TaskEvent.objects.filter(task=task, kind=EventKind.FOCUS_CHANGED).count() == 1
    # Flagging it again changes nothing and writes nothing.
    post(monitor, f"/api/v1/tasks/{task.pk}/focus", {"is_focus": True})
    assert TaskEvent.objects.filter(task=task, kind=EventKind.FOCUS_CHANGED).count() == 1
    refused = post(api_client(org.btc_officer), f"/api/v1/tasks/{task.pk}/focus", {"is_focus": False})
    assert refused.status_code == 403
    task_submit(acting_user=org.btc_officer, task=task, product_note="Đề án", confirmed=True)
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))
    done = post(monitor, f"/api/v1/tasks/{task.pk}/focus", {"is_focus": False})
    assert done.status_code == 409
    assert Task.objects.get(pk=task.pk).is_focus
