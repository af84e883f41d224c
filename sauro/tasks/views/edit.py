"""The draft form: a new task (or sub-task), editing a draft (a stale edit shows what changed meanwhile and keeps
what was typed), and its htmx fragments (the pickers of the chosen lead unit, the live six-clear checklist).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sauro.common import clock
from sauro.common.errors import Conflict, ServiceError, ValidationFailed
from sauro.common.forms import add_service_errors
from sauro.common.views import AuthenticatedRequest
from sauro.org.models import Unit
from sauro.tasks import access, selectors, services
from sauro.tasks.access import draft_owner, may_edit
from sauro.tasks.choices import TaskState
from sauro.tasks.forms import (
    TaskForm,
    initial_from_task,
)
from sauro.tasks.models import Task
from sauro.tasks.rules import CLEAR_LABELS, SixClears, six_clears
from sauro.tasks.views.lists import NAV_SECTION

# --- drafting -----------------------------------------------------------------------------------------------


def _parent(request: AuthenticatedRequest) -> Task | None:
    raw = request.POST.get("parent") if request.method == "POST" else request.GET.get("parent")
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return selectors.task_get(user=request.user, task_id=int(raw))


def _checklist(form: TaskForm, owner: Unit) -> SixClears:
    today = clock.today()
    if form.is_bound:
        task, coordinating = form.unsaved_task(owner)
        return six_clears(task, issue_date=today, coordinating_unit_ids=coordinating)
    if form.instance is not None:
        initial = form.initial.get("coordinating_units") or []
        return six_clears(form.instance, issue_date=today, coordinating_unit_ids=set(initial))
    authority = form.initial.get("authority_unit")
    task = Task(owner_unit=owner, title="", authority_unit=authority if isinstance(authority, Unit) else None)
    return six_clears(task, issue_date=today, coordinating_unit_ids=set())


def _form_context(form: TaskForm, owner: Unit, **extra: Any) -> dict[str, Any]:
    clears = _checklist(form, owner)
    return {
        "form": form,
        "owner": owner,
        "parent": form.parent,
        "clears": clears,
        "checklist": clears.checklist(),
        "nav_section": NAV_SECTION,
        **extra,
    }


def _after_save(request: AuthenticatedRequest, task: Task, *, issue: bool, version: int | None) -> HttpResponse:
    """After a draft is saved: issue it if asked; a refusal to issue brings the person back to the draft."""
    if not issue:
        messages.success(request, _("Đã lưu dự thảo nhiệm vụ."))
        return redirect("tasks:detail", task_id=task.pk)
    try:
        services.task_issue(acting_user=request.user, task=task, expected_version=version)
    except ValidationFailed as exc:
        gaps = "; ".join(f"{CLEAR_LABELS.get(k, k)}: {v}" for k, v in exc.fields.items())
        messages.warning(
            request,
            _("Đã lưu dự thảo nhưng chưa giao được. %(reason)s %(gaps)s") % {"reason": exc.message, "gaps": gaps},
        )
        return redirect("tasks:edit", task_id=task.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("tasks:detail", task_id=task.pk)
    messages.success(request, _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.lead_unit})
    return redirect("tasks:detail", task_id=task.pk)


@login_required
def task_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """A new draft; ``?directive=<id>`` takes the source directive, ``?parent=<id>`` makes it a sub-task."""
    user = request.user
    parent = _parent(request)
    owner = draft_owner(user, parent=parent)
    if owner is None or not access.may_draft_for(user, owner, clock.today()):
        raise PermissionDenied
    if request.method == "POST":
        form = TaskForm(request.POST, user=user, parent=parent)
        if form.is_valid():
            try:
                task = services.task_create(
                    acting_user=user, owner_unit=owner, parent=parent, fields=form.service_fields()
                )
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                return _after_save(request, task, issue=request.POST.get("intent") == "issue", version=task.version)
    else:
        form = TaskForm(user=user, parent=parent, initial=_initial_for_new(request, parent))
    return render(request, "tasks/form.html", _form_context(form, owner, task=None))


def _initial_for_new(request: AuthenticatedRequest, parent: Task | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"classification": "normal"}
    if parent is not None:
        initial.update(
            directive=parent.directive_id,
            source_paragraph=parent.source_paragraph,
            authority_unit=parent.lead_unit_id,
            supervising_leader=None,
            due_date=parent.due_date,
            product_kind=parent.product_kind,
        )
    raw = request.GET.get("directive", "")
    if raw.isdigit() and len(raw) < 12:
        initial["directive"] = int(raw)  # the form's choices are the visible directives: anything else is dropped
    return initial


@dataclass(frozen=True)
class FieldChange:
    label: str
    current: str
    yours: str


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | tuple | QuerySet):
        return ", ".join(str(v) for v in value)
    return str(value)


def _key(value: Any) -> Any:
    """A value reduced for comparison: objects to ids, collections to sorted ids, empty to None."""
    if isinstance(value, list | tuple | QuerySet):
        return sorted(_key(v) for v in value)
    value = getattr(value, "pk", value)
    return None if value in ("", None) else value


def _changes_since(form: TaskForm, current: Task) -> list[FieldChange]:
    """The fields whose saved value now differs from what the person typed (shown beside the 409 message)."""
    if form.errors:
        return []
    saved = initial_from_task(current)
    rows = []
    for name, bound in form.fields.items():
        if name == "version" or name not in saved:
            continue
        typed = form.cleaned_data.get(name)
        if _key(typed) == _key(saved[name]):
            continue
        if isinstance(bound, forms.ModelMultipleChoiceField):
            before: Any = list(current.coordinating_units.all())
        elif isinstance(bound, forms.ModelChoiceField):
            before = getattr(current, name)
        elif isinstance(bound, forms.ChoiceField):
            labels = {str(k): v for k, v in cast(list[tuple[Any, Any]], bound.choices)}
            before, typed = labels.get(str(saved[name]), saved[name]), labels.get(str(typed), typed)
        else:
            before = saved[name]
        rows.append(FieldChange(label=str(bound.label), current=_shown(before), yours=_shown(typed)))
    return rows


@login_required
def task_edit_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    if not may_edit(user, task):
        raise PermissionDenied
    if task.state != TaskState.DRAFT:
        messages.info(request, services.ERR_NOT_A_DRAFT)
        return redirect("tasks:detail", task_id=task.pk)
    conflict: Conflict | None = None
    changes: list[FieldChange] = []
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, user=user, instance=task)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            issue = request.POST.get("intent") == "issue"
            try:
                edits = form.changes()
                if edits:
                    task = services.task_update(acting_user=user, task=task, changes=edits, expected_version=version)
                    version = task.version
                elif version is not None and version != task.version and not issue:
                    raise Conflict(services.ERR_STALE, code="stale_version")
            except Conflict as exc:
                # Keep everything the person typed; take the current version so that saving again overwrites
                # knowingly, and show what changed meanwhile.
                conflict, status = exc, exc.status
                current = selectors.task_get(user=user, task_id=task_id)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = TaskForm(data, user=user, instance=current)
                form.is_valid()
                changes = _changes_since(form, current)
                task = current
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                return _after_save(request, task, issue=issue, version=version)
    else:
        form = TaskForm(user=user, instance=task)
    context = _form_context(form, task.owner_unit, task=task, conflict=conflict, changes=changes)
    return render(request, "tasks/form.html", context, status=status)


def _form_for_fragment(request: AuthenticatedRequest, data: QueryDict) -> tuple[TaskForm, Unit | None]:
    """The draft form rebuilt from a fragment request (htmx), with the draft or parent it is about."""
    user = request.user
    instance = parent = None
    task_raw, parent_raw = str(data.get("task") or ""), str(data.get("parent") or "")
    if task_raw.isdigit() and len(task_raw) < 12:
        instance = selectors.task_get(user=user, task_id=int(task_raw))
    if parent_raw.isdigit() and len(parent_raw) < 12:
        parent = selectors.task_get(user=user, task_id=int(parent_raw))
    form = TaskForm(data, user=user, instance=instance, parent=parent)
    return form, form.owner


@login_required
@require_GET
def lead_options_view(request: AuthenticatedRequest) -> HttpResponse:
    """The responsible-person and authority pickers for the chosen lead unit (htmx, swapped out of band)."""
    form, _owner = _form_for_fragment(request, request.GET)
    response = render(request, "tasks/_lead_options.html", {"form": form})
    # The live checklist listens for this to check the draft again with the new choices.
    response["HX-Trigger-After-Settle"] = "tasks-options-loaded"
    return response


@login_required
@require_POST
def six_clears_check_view(request: AuthenticatedRequest) -> HttpResponse:
    """The six-clear checklist of the draft being typed (an unsaved task: nothing is written)."""
    form, owner = _form_for_fragment(request, request.POST)
    if owner is None:
        raise PermissionDenied
    clears = _checklist(form, owner)
    return render(request, "tasks/_six_clears.html", {"clears": clears, "checklist": clears.checklist(), "live": True})
