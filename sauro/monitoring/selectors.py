"""Every read of monitoring, through the visibility gates (``tasks_visible_to``, ``obstacles_visible_to``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from sauro.accounts.models import User
from sauro.monitoring.access import obstacles_visible_to
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressAttachment, ProgressUpdate
from sauro.org.models import Unit
from sauro.tasks.models import Task

ERR_OBSTACLE_NOT_FOUND = "Không tìm thấy khó khăn, vướng mắc."


def progress_updates(*, task: Task) -> QuerySet[ProgressUpdate]:
    """Progress updates of an already visible task, newest first, with their authors and files."""
    return (
        ProgressUpdate.objects.filter(task=task)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )


def task_obstacles(*, task: Task) -> QuerySet[Obstacle]:
    """Obstacles of an already visible task, oldest first."""
    return (
        Obstacle.objects.filter(task=task)
        .select_related("raised_by", "decider_unit", "waiting_on", "answered_by")
        .order_by("raised_at", "id")
    )


def confidence_history(*, task: Task) -> QuerySet[ConfidenceRating]:
    return ConfidenceRating.objects.filter(task=task).select_related("rated_by").order_by("-rated_at", "-id")


@dataclass
class ObstacleFilters:
    state: str = ObstacleState.OPEN  # "" for all
    unit_id: int | None = None  # lead unit and everything below it
    waiting_on_id: int | None = None  # exactly this unit is asked now
    overdue_only: bool = False  # unanswered past the response date
    as_of: datetime.date | None = None


def obstacle_list(*, user: User, filters: ObstacleFilters | None = None) -> QuerySet[Obstacle]:
    """Visible obstacles, the oldest first (a leader answers what has waited longest)."""
    f = filters or ObstacleFilters()
    qs = obstacles_visible_to(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.unit_id is not None:
        unit = Unit.objects.filter(pk=f.unit_id).only("path").first()
        qs = qs.filter(lead_unit__path__startswith=unit.path) if unit else qs.none()
    if f.waiting_on_id is not None:
        qs = qs.filter(waiting_on_id=f.waiting_on_id)
    if f.overdue_only and f.as_of is not None:
        qs = qs.filter(state=ObstacleState.OPEN, response_due_on__lt=f.as_of)
    return qs.select_related("task", "lead_unit", "decider_unit", "waiting_on", "raised_by", "answered_by").order_by(
        "raised_on", "id"
    )


def obstacle_get(*, user: User, obstacle_id: int) -> Obstacle:
    obstacle = (
        obstacles_visible_to(user)
        .filter(pk=obstacle_id)
        .select_related("task", "lead_unit", "decider_unit", "waiting_on", "raised_by", "answered_by")
        .first()
    )
    if obstacle is None:
        raise Http404(ERR_OBSTACLE_NOT_FOUND)
    return obstacle


# --- pages (task page sections, attachments, the obstacles page) -------------------------------------------------


ERR_ATTACHMENT_NOT_FOUND = "Không tìm thấy tệp đính kèm."


def progress_attachment_get(*, user: User, attachment_id: int) -> ProgressAttachment:
    """A file of a progress update, to whoever sees its task; 404 for anyone else."""
    from sauro.tasks.access import tasks_visible_to

    attachment = (
        ProgressAttachment.objects.filter(pk=attachment_id, update__task__in=tasks_visible_to(user))
        .select_related("update")
        .first()
    )
    if attachment is None:
        raise Http404(ERR_ATTACHMENT_NOT_FOUND)
    return attachment


def obstacle_counts(*, qs: QuerySet[Obstacle], as_of: datetime.date) -> dict[str, int]:
    """How many of ``qs`` (already gated) are open, open past their response date, and answered: one query."""
    from django.db.models import Count, Q

    row = qs.order_by().aggregate(
        open=Count("id", filter=Q(state=ObstacleState.OPEN)),
        overdue=Count("id", filter=Q(state=ObstacleState.OPEN, response_due_on__lt=as_of)),
        answered=Count("id", filter=Q(state=ObstacleState.ANSWERED)),
    )
    return {key: int(value or 0) for key, value in row.items()}


@dataclass
class ObstaclesToAnswer:
    """The open obstacles waiting on one of the user's units (the page's ``?mine=on``): how many, how many past
    their response date, and the longest waiting."""

    count: int
    overdue: int
    rows: list[Obstacle]


def obstacles_to_answer(*, user: User, unit_ids: list[int], as_of: datetime.date, limit: int) -> ObstaclesToAnswer:
    """Two queries: the counts (``obstacle_counts``), the oldest ``limit``."""
    waiting = obstacle_list(user=user, filters=ObstacleFilters(state="", as_of=as_of)).filter(
        waiting_on_id__in=sorted(unit_ids)
    )
    counts = obstacle_counts(qs=waiting, as_of=as_of)
    rows = list(waiting.filter(state=ObstacleState.OPEN)[:limit]) if counts["open"] else []
    return ObstaclesToAnswer(count=counts["open"], overdue=counts["overdue"], rows=rows)
