"""Every read of tasks, through the visibility gate; reporting states computed in SQL.

Reporting state of a task as of a day D (PRODUCT §6), for issued tasks only:
- ``ongoing`` for tasks without a due date that are reviewed periodically (thường xuyên);
- ``done_on_time`` / ``done_late`` when its accepted product was submitted on or before D, compared with the
  deadline in force (extensions approved before completion count, the original is kept on the task);
- otherwise ``open_overdue`` when D is after the deadline in force on D, else ``open_on_time``.
Drafts, tasks issued after D and tasks cancelled on or before D have no reporting state (NULL).
The deadline is the due date moved to the next working day when it falls on a day off (Civil Code Art. 148(5)).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.text import fold
from sauro.org.models import Unit
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import ReportingState, RequestState, TaskState
from sauro.tasks.models import ExtensionRequest, Task, TaskEvent

ERR_TASK_NOT_FOUND = "Không tìm thấy nhiệm vụ."


def deadline_in_force(as_of: datetime.date) -> Coalesce | F:
    """The deadline in force on ``as_of``: today's is the stored one; a past day looks at extension history."""
    if as_of >= clock.today():
        return F("deadline")
    granted = (
        ExtensionRequest.objects.filter(
            task=OuterRef("pk"), state=RequestState.APPROVED, decided_on__lte=as_of, new_deadline__isnull=False
        )
        .order_by("-decided_on", "-id")
        .values("new_deadline")[:1]
    )
    return Coalesce(Subquery(granted, output_field=DateField()), F("original_deadline"), output_field=DateField())


def reporting_state_expr(as_of: datetime.date) -> Case:
    done_by_then = Q(state=TaskState.DONE, completed_on__lte=as_of)
    return Case(
        When(Q(state=TaskState.DRAFT) | Q(issued_on__isnull=True) | Q(issued_on__gt=as_of), then=Value(None)),
        When(state=TaskState.CANCELLED, cancelled_on__lte=as_of, then=Value(None)),
        When(is_ongoing=True, then=Value(ReportingState.ONGOING.value)),
        When(done_by_then & Q(completed_on__lte=F("deadline")), then=Value(ReportingState.DONE_ON_TIME.value)),
        When(done_by_then, then=Value(ReportingState.DONE_LATE.value)),
        When(deadline_at__lt=as_of, then=Value(ReportingState.OPEN_OVERDUE.value)),
        default=Value(ReportingState.OPEN_ON_TIME.value),
        output_field=CharField(),
    )


def with_reporting_state(qs: QuerySet[Task], as_of: datetime.date | None = None) -> QuerySet[Task]:
    """Annotate ``reporting_state``, ``deadline_at`` (in force on the day) and ``days_late`` in SQL."""
    day = as_of or clock.today()
    qs = qs.annotate(deadline_at=deadline_in_force(day)).annotate(reporting_state=reporting_state_expr(day))
    return qs


@dataclass
class TaskFilters:
    """What a task list can be narrowed by; every field optional. Kept in the URL by the pages."""

    q: str = ""
    unit_id: int | None = None  # lead unit and everything below it
    lead_unit_id: int | None = None  # exactly this lead unit
    states: list[str] = field(default_factory=list)
    reporting_states: list[str] = field(default_factory=list)
    due_after: datetime.date | None = None
    due_before: datetime.date | None = None
    directive_id: int | None = None
    responsible_person_id: int | None = None
    officer_id: int | None = None
    parent_id: int | None = None
    top_level_only: bool = False
    as_of: datetime.date | None = None


SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "title": ("title", "id"),
    "-updated": ("-updated_at", "-id"),
    "-issued": ("-issued_on", "-id"),
}
DEFAULT_SORT = "due"


def task_list(*, user: User, filters: TaskFilters | None = None, sort: str = DEFAULT_SORT) -> QuerySet[Task]:
    """Visible tasks matching ``filters``, annotated with their reporting state, in a stable order."""
    f = filters or TaskFilters()
    qs = tasks_visible_to(user)
    if f.q.strip():
        for word in fold(f.q).split()[:8]:
            qs = qs.filter(search_text__contains=word)
    if f.unit_id is not None:
        unit = Unit.objects.filter(pk=f.unit_id).only("path").first()
        qs = qs.filter(lead_unit__path__startswith=unit.path) if unit else qs.none()
    if f.lead_unit_id is not None:
        qs = qs.filter(lead_unit_id=f.lead_unit_id)
    if f.states:
        qs = qs.filter(state__in=f.states)
    if f.due_after is not None:
        qs = qs.filter(due_date__gte=f.due_after)
    if f.due_before is not None:
        qs = qs.filter(due_date__lte=f.due_before)
    if f.directive_id is not None:
        qs = qs.filter(directive_id=f.directive_id)
    if f.responsible_person_id is not None:
        qs = qs.filter(responsible_person_id=f.responsible_person_id)
    if f.officer_id is not None:
        qs = qs.filter(Q(officers=f.officer_id) | Q(responsible_person_id=f.officer_id)).distinct()
    if f.parent_id is not None:
        qs = qs.filter(parent_id=f.parent_id)
    if f.top_level_only:
        qs = qs.filter(parent__isnull=True)
    qs = with_reporting_state(qs, f.as_of)
    if f.reporting_states:
        qs = qs.filter(reporting_state__in=f.reporting_states)  # type: ignore[misc]  # an annotation
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return qs.select_related("lead_unit", "responsible_person", "directive").order_by(*order)


def task_get(*, user: User, task_id: int, as_of: datetime.date | None = None) -> Task:
    """One visible task with its reporting state, or 404 (never 403)."""
    task = (
        with_reporting_state(tasks_visible_to(user).filter(pk=task_id), as_of)
        .select_related(
            "lead_unit",
            "authority_unit",
            "owner_unit",
            "responsible_person",
            "supervising_leader",
            "directive",
            "parent",
            "created_by",
        )
        .first()
    )
    if task is None:
        raise Http404(ERR_TASK_NOT_FOUND)
    return task


def task_timeline(*, task: Task) -> QuerySet[TaskEvent]:
    """Events of an already visible task, oldest first."""
    return TaskEvent.objects.filter(task=task).select_related("actor").order_by("at", "id")


def task_subtasks(*, user: User, task: Task) -> QuerySet[Task]:
    return with_reporting_state(tasks_visible_to(user).filter(parent=task)).select_related(
        "lead_unit", "responsible_person"
    )


def task_rollup_progress(*, task: Task) -> int:
    """Weighted progress of a task over its sub-tasks (recursively); a leaf's own progress otherwise.

    One query per level of depth, whatever the number of sub-tasks.
    """
    level = list(
        Task.objects.filter(parent=task).exclude(state=TaskState.CANCELLED).values_list("id", "weight", "progress")
    )
    if not level:
        return 100 if task.state == TaskState.DONE else task.progress
    return _weighted(level)


def _weighted(rows: list[tuple[int, Decimal, int]]) -> int:
    """Weighted average of (id, weight, progress) rows, each replaced by its own sub-tasks' average if any."""
    children = Task.objects.filter(parent_id__in=[r[0] for r in rows]).exclude(state=TaskState.CANCELLED)
    by_parent: dict[int, list[tuple[int, Decimal, int]]] = {}
    for child_id, parent_id, weight, progress in children.values_list("id", "parent_id", "weight", "progress"):
        by_parent.setdefault(parent_id, []).append((child_id, weight, progress))
    total_weight = 0.0
    total = 0.0
    for row_id, weight, progress in rows:
        value = _weighted(by_parent[row_id]) if row_id in by_parent else progress
        total_weight += float(weight)
        total += float(weight) * value
    return round(total / total_weight) if total_weight else 0


def task_counts(*, user: User, filters: TaskFilters | None = None) -> dict[str, int]:
    """How many visible tasks are in each reporting state (one aggregate query)."""
    qs = task_list(user=user, filters=filters).order_by()
    rows = qs.values("reporting_state").annotate(n=Count("id", output_field=IntegerField()))  # type: ignore[misc]
    counts = {s.value: 0 for s in ReportingState}
    for row in rows:
        if row["reporting_state"] is not None:
            counts[row["reporting_state"]] = row["n"]
    return counts
