"""A task's page (its six-clear panel, timeline, requests and the actions the user may take) and the view that
performs one action and, on refusal, shows the page again with the form and the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import Conflict, ServiceError
from sauro.common.forms import add_service_errors
from sauro.common.views import AuthenticatedRequest
from sauro.tasks import access, selectors
from sauro.tasks.choices import RequestState, SubmissionOutcome, TaskState
from sauro.tasks.forms import (
    ACTION_SERVICE_FIELDS,
)
from sauro.tasks.models import Task
from sauro.tasks.rules import CLEAR_LABELS, six_clears
from sauro.tasks.timeline import timeline_rows
from sauro.tasks.views.actions import ACTIONS, ActionPanel, Failure, page_annotations, page_extras
from sauro.tasks.views.lists import NAV_SECTION


def _render_detail(request: AuthenticatedRequest, task: Task, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    today = clock.today()
    coordinating = list(task.coordinating_units.all())
    officers = list(task.officers.all())
    extension_requests = list(task.extension_requests.select_related("requested_by", "decided_by"))
    reassignment_requests = list(
        task.reassignment_requests.select_related("requested_by", "decided_by", "from_unit", "proposed_unit")
    )
    pending_extension = next((r for r in extension_requests if r.state == RequestState.PENDING), None)
    pending_reassignment = next((r for r in reassignment_requests if r.state == RequestState.PENDING), None)
    permissions = access.allowed_actions(
        user,
        task,
        officer_ids={o.pk for o in officers},
        pending_extension=pending_extension is not None,
        pending_reassignment=pending_reassignment is not None,
    )
    names = list(permissions.actions)
    submissions = selectors.task_submissions(task=task)
    latest = submissions[0] if submissions else None
    pending_submission = latest if latest is not None and latest.outcome == SubmissionOutcome.PENDING else None
    returned = latest if task.state == TaskState.RETURNED and latest is not None else None
    details = {
        "decide_extension": pending_extension,
        "decide_reassignment": pending_reassignment,
        "approve": pending_submission,
        "return": pending_submission,
        "submit": returned,
    }
    panels = []
    for name in names:
        spec = ACTIONS[name]
        if failure is not None and failure.action == name:
            form = failure.form
        else:
            form = spec.form(None, user, task)
            form.prefix = name
        mine = failure if failure is not None and failure.action == name else None
        panels.append(ActionPanel(spec=spec, form=form, prefix=name, failure=mine, detail=details.get(name)))
    extras = page_extras(user, task, failure)
    panels += extras.panels
    step = access.next_step(
        user,
        task,
        actions=[*permissions.names, *(p.spec.name for p in panels)],
        submissions=submissions,
        officer_ids={o.pk for o in officers},
    )
    if step is not None and step.action:
        # The one step this person should take next is open (the first of its panels), the others folded.
        first = next((p for p in panels if p.spec.name == step.action), None)
        for p in panels:
            p.opened = p is first
    # The next step first; stopping the task last.
    panels.sort(key=lambda p: (p.spec.danger, not p.opened))
    if failure is not None and not any(p.failure is failure for p in panels):
        # Keep the refused form and its input even if the action is no longer offered.
        spec = ACTIONS[failure.action]
        panels.insert(0, ActionPanel(spec=spec, form=failure.form, prefix=failure.action, failure=failure))
    clears = six_clears(task, issue_date=task.issued_on or today, coordinating_unit_ids={u.pk for u in coordinating})
    subtasks = list(selectors.task_subtasks(user=user, task=task))
    context = {
        "task": task,
        "coordinating": coordinating,
        "officers": officers,
        "clears": clears,
        "checklist": clears.checklist(),
        "subtasks": subtasks,
        "rollup": selectors.task_rollup_progress(task=task) if subtasks else None,
        "timeline": timeline_rows(user, task),
        "submissions": submissions,
        "next_step": step,
        "extension_requests": extension_requests,
        "reassignment_requests": reassignment_requests,
        "panels": panels,
        "sections": extras.sections,
        "closing_sections": extras.closing,
        "permissions": permissions,
        "failure": failure,
        "nav_section": NAV_SECTION,
    }
    status = failure.status if failure is not None else 200
    return render(request, "tasks/detail.html", context, status=status)


def _page_task(user: User, task_id: int) -> Task:
    """The task as its page shows it: with what the page's extensions annotate (``page_annotations``)."""
    return selectors.task_get(user=user, task_id=task_id, annotations=page_annotations())


@login_required
@require_GET
def task_detail_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    return _render_detail(request, _page_task(request.user, task_id))


def _failure(action: str, form: forms.Form, exc: ServiceError) -> Failure:
    failure = Failure(action=action, form=form, message=exc.message, status=exc.status)
    if isinstance(exc, Conflict):
        failure.conflict = True
    if exc.code == "six_clears_incomplete":
        failure.gaps = [(CLEAR_LABELS.get(name, name), msg) for name, msg in exc.fields.items()]
    else:
        spec = ACTIONS.get(action)
        names = spec.service_fields if spec is not None and spec.service_fields is not None else ACTION_SERVICE_FIELDS
        add_service_errors(form, exc, dict(names))
    return failure


@login_required
@require_POST
def task_action_view(request: AuthenticatedRequest, task_id: int, action: str) -> HttpResponse:
    """Perform one action of a task's page; on refusal show the page again with the form and the reason."""
    if action not in ACTIONS:
        raise Http404
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    spec = ACTIONS[action]
    form = spec.form(request.POST, user, task)
    form.prefix = action
    if spec.multipart:
        form.files = request.FILES  # bound before validation: the factories take the posted data only
    if form.is_valid():
        try:
            message = spec.perform(user, task, form.cleaned_data)
        except ServiceError as exc:
            failure = _failure(action, form, exc)
        else:
            messages.success(request, message)
            return redirect("tasks:detail", task_id=task.pk)
    else:
        failure = Failure(action=action, form=form, message=_("Chưa thực hiện được: hãy sửa các mục được đánh dấu."))
    # Show the task as it is now: after a conflict it is not what the person saw.
    return _render_detail(request, _page_task(user, task_id), failure)
