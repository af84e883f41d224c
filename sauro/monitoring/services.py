"""Every write of monitoring: progress updates, obstacles and their answers and escalation, delivery confidence,
and the updates a lead unit owes.

Each write on a task locks the task row, records a timeline event (``task_record_event``, which also writes the
audit entry and lets ``monitoring.handlers`` notify people) in the same transaction.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.calendar import add_working_days, deadline_on_or_after
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.uploads import check_upload
from sauro.directives.choices import Urgency
from sauro.monitoring import access, conf, recipients
from sauro.monitoring.access import OBSTACLE_STATES, RATEABLE_STATES, UPDATABLE_STATES
from sauro.monitoring.choices import EscalationLevel, ExpectationReason, ObstacleState, ReminderKind
from sauro.monitoring.models import (
    ConfidenceRating,
    Obstacle,
    ProgressAttachment,
    ProgressUpdate,
    ReminderLog,
    UpdateExpectation,
)
from sauro.org.choices import UnitKind
from sauro.org.restructuring import Succession
from sauro.tasks import access as task_access
from sauro.tasks.choices import CONFIDENCE_ORDER, UPDATE_EVENT_KINDS, Confidence, EventKind, Trend
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import task_lock, task_mark_updated, task_record_event, task_save, task_snapshot

ERR_NOT_WORKER = "Chỉ người chịu trách nhiệm, cán bộ được phân công hoặc lãnh đạo đơn vị chủ trì mới được cập nhật."
ERR_NOT_UNDER_WAY = "Chỉ cập nhật được nhiệm vụ đang thực hiện (đã tiếp nhận, chưa gửi sản phẩm)."
ERR_NOT_OPEN_FOR_OBSTACLE = (
    "Chỉ nêu được khó khăn, vướng mắc khi nhiệm vụ đã được giao và chưa gửi sản phẩm (chờ tiếp nhận, đang thực "
    "hiện hoặc bị trả lại)."
)
ERR_DONE_REQUIRED = "Hãy nêu kết quả đã thực hiện trong kỳ."
ERR_PERCENT = "Tiến độ phải là số nguyên từ 0 đến 100."
ERR_INDICATOR = "Mỗi chỉ tiêu cần có tên và giá trị."
ERR_TOO_MANY_INDICATORS = "Mỗi lần cập nhật có tối đa 20 chỉ tiêu."
ERR_INDICATOR_NOT_FINITE = (
    "Giá trị của chỉ tiêu phải là một số hữu hạn hoặc một đoạn chữ (không nhận NaN, Infinity, 1e999)."
)
ERR_TOO_MANY_FILES = "Mỗi lần cập nhật có tối đa 10 tệp đính kèm."
ERR_DESCRIPTION_REQUIRED = "Hãy mô tả khó khăn, vướng mắc."
ERR_PROPOSAL_REQUIRED = (
    "Hãy nêu đề xuất, kiến nghị hướng giải quyết: khó khăn, vướng mắc phải kèm đề xuất mới gửi được."
)
ERR_DECIDER_REQUIRED = "Hãy chọn cấp được đề nghị cho ý kiến."
ERR_DECIDER_BELOW = "Cấp được đề nghị cho ý kiến phải là đơn vị chủ trì hoặc cấp trên của đơn vị chủ trì."
ERR_ANSWER_REQUIRED = "Hãy nhập ý kiến trả lời."
ERR_NOT_ANSWERER = "Chỉ lãnh đạo của cấp được đề nghị (hoặc cấp trên) mới trả lời được khó khăn, vướng mắc này."
ERR_ALREADY_ANSWERED = "Khó khăn, vướng mắc này đã được trả lời."
ERR_NOT_MONITOR = "Chỉ Văn phòng (bộ phận theo dõi, tổng hợp) mới đánh giá khả năng hoàn thành nhiệm vụ."
ERR_LEVEL = "Mức đánh giá không hợp lệ."
ERR_TREND = "Xu hướng không hợp lệ."
ERR_NOT_RATEABLE = "Chỉ đánh giá được nhiệm vụ đang thực hiện."

MAX_INDICATORS = 20
MAX_FILES = 10


# Journal keys of the rows a monitoring write changes, beside the task's snapshot: ``<app>.<model>.<field>``, named
# on the journal page by the field's Vietnamese label (``audit.views``).
UPDATE = "monitoring.progressupdate."
FILE = "monitoring.progressattachment."
OBSTACLE = "monitoring.obstacle."
RATING = "monitoring.confidencerating."


def _obstacle_state(obstacle: Obstacle) -> dict[str, Any]:
    """An obstacle as the journal keeps it: where it stands, who must answer now and by when, the answer."""
    return {
        f"{OBSTACLE}id": obstacle.pk,
        f"{OBSTACLE}state": obstacle.state,
        f"{OBSTACLE}waiting_on": obstacle.waiting_on.name,
        f"{OBSTACLE}escalation_level": obstacle.escalation_level,
        f"{OBSTACLE}response_due_on": obstacle.response_due_on,
        f"{OBSTACLE}answer": obstacle.answer,
    }


def _clean(text: str | None) -> str:
    return (text or "").strip()


# --- progress updates -----------------------------------------------------------------------------------


def not_finite(value: Any) -> bool:
    """Whether an indicator's value is, or reads as, a number that is not finite: NaN, an infinity, or a number too
    large for a float (``1e999``). Values are stored as text, so a text is refused only when it spells one."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return False
    return isinstance(value, float) and not math.isfinite(value)


def _indicators(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for item in raw:
        if not_finite(item.get("value")):
            raise ValidationFailed(ERR_INDICATOR_NOT_FINITE, fields={"indicators": ERR_INDICATOR_NOT_FINITE})
        name = _clean(str(item.get("name") or ""))
        value = _clean(str(item.get("value") if item.get("value") is not None else ""))
        unit = _clean(str(item.get("unit") or ""))
        if not name and not value and not unit:
            continue
        if not name or not value:
            raise ValidationFailed(ERR_INDICATOR, fields={"indicators": ERR_INDICATOR})
        rows.append({"name": name[:200], "value": value[:100], "unit": unit[:50]})
    if len(rows) > MAX_INDICATORS:
        raise ValidationFailed(ERR_TOO_MANY_INDICATORS, fields={"indicators": ERR_TOO_MANY_INDICATORS})
    return rows


@transaction.atomic
def progress_update_create(
    *,
    acting_user: User,
    task: Task,
    done: str,
    percent: int,
    next_steps: str = "",
    indicators: Iterable[Mapping[str, Any]] = (),
    files: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """Report progress: what was done this period (required), what comes next, percent, indicators, files."""
    task = task_lock(task)
    today = clock.today()
    if not task_access.works_on(acting_user, task, today):
        raise PermissionDeniedError(ERR_NOT_WORKER)
    if task.state not in UPDATABLE_STATES:
        raise Conflict(ERR_NOT_UNDER_WAY, code="wrong_state")
    before = {**task_snapshot(task), "progress": task.progress}
    done = _clean(done)
    errors: dict[str, str] = {}
    if not done:
        errors["done"] = ERR_DONE_REQUIRED
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = ERR_PERCENT
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    rows = _indicators(indicators)
    if len(files) > MAX_FILES:
        raise ValidationFailed(ERR_TOO_MANY_FILES, fields={"files": ERR_TOO_MANY_FILES})
    checked = [(upload, check_upload(upload)) for upload in files]
    if task.lead_unit_id is None:  # pragma: no cover - a task under way has a lead unit (six clears)
        raise Conflict(ERR_NOT_UNDER_WAY, code="wrong_state")
    update = ProgressUpdate.objects.create(
        task=task,
        author=acting_user,
        unit_id=task.lead_unit_id,
        created_at=clock.now(),
        recorded_on=today,
        done=done,
        next_steps=_clean(next_steps),
        percent=percent,
        indicators=rows,
    )
    for upload, info in checked:
        attachment = ProgressAttachment(
            update=update, original_name=info.name, size=info.size, content_type=info.content_type
        )
        attachment.file.save(f"{uuid.uuid4().hex}{info.extension}", upload, save=False)
        attachment.save()
    before_progress = task.progress
    task.progress = percent
    task_save(task, ["progress"])
    task_record_event(
        task,
        kind=EventKind.PROGRESS,
        actor=acting_user,
        note=done,
        data={"update_id": update.pk, "percent": percent, "previous_percent": before_progress},
        before=before,
        after={
            **task_snapshot(task),
            "progress": percent,
            f"{UPDATE}id": update.pk,
            f"{UPDATE}done": update.done,
            f"{UPDATE}next_steps": update.next_steps,
            **({f"{UPDATE}indicators": rows} if rows else {}),
            **({f"{FILE}original_name": [info.name for _upload, info in checked]} if checked else {}),
        },
    )
    return update


# --- obstacles ------------------------------------------------------------------------------------------


def _response_due(day: datetime.date) -> datetime.date:
    return add_working_days(deadline_on_or_after(day), conf.obstacle_response_days())


@transaction.atomic
def obstacle_create(
    *, acting_user: User, task: Task, description: str, proposal: str, decider_unit_id: int | None
) -> Obstacle:
    """Report a difficulty with its proposal (both mandatory) to a body at or above the lead unit."""
    task = task_lock(task)
    today = clock.today()
    if not task_access.works_on(acting_user, task, today):
        raise PermissionDeniedError(ERR_NOT_WORKER)
    if task.state not in OBSTACLE_STATES:
        raise Conflict(ERR_NOT_OPEN_FOR_OBSTACLE, code="wrong_state")
    description, proposal = _clean(description), _clean(proposal)
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = ERR_DESCRIPTION_REQUIRED
    if not proposal:
        errors["proposal"] = ERR_PROPOSAL_REQUIRED
    decider = None
    if decider_unit_id is None:
        errors["decider_unit_id"] = ERR_DECIDER_REQUIRED
    else:
        decider = access.decider_choices(task).filter(pk=decider_unit_id).first()
        if decider is None:
            errors["decider_unit_id"] = ERR_DECIDER_BELOW
    if errors:
        message = errors.get("proposal") or next(iter(errors.values()))
        raise ValidationFailed(message, code="obstacle_invalid", fields=errors)
    if decider is None or task.lead_unit_id is None:  # pragma: no cover - refused above; an issued task has one
        raise ValidationFailed(ERR_DECIDER_REQUIRED, fields={"decider_unit_id": ERR_DECIDER_REQUIRED})
    obstacle = Obstacle.objects.create(
        task=task,
        raised_by=acting_user,
        lead_unit_id=task.lead_unit_id,
        raised_at=clock.now(),
        raised_on=today,
        description=description,
        proposal=proposal,
        decider_unit=decider,
        waiting_on=decider,
        response_due_on=_response_due(today),
    )
    snapshot = task_snapshot(task)
    task_record_event(
        task,
        kind=EventKind.OBSTACLE_RAISED,
        actor=acting_user,
        note=description,
        data={"obstacle_id": obstacle.pk, "decider_unit_id": decider.pk, "proposal": proposal[:2000]},
        before=snapshot,
        after={
            **snapshot,
            f"{OBSTACLE}description": description,
            f"{OBSTACLE}proposal": proposal,
            f"{OBSTACLE}decider_unit": decider.name,
            **_obstacle_state(obstacle),
        },
    )
    return obstacle


@transaction.atomic
def obstacle_answer(*, acting_user: User, obstacle: Obstacle, answer: str) -> Obstacle:
    """The body asked (or a level above it) answers; the lead unit then owes an update."""
    task = task_lock(obstacle.task_id)
    obstacle = Obstacle.objects.select_for_update().select_related("decider_unit", "waiting_on").get(pk=obstacle.pk)
    if obstacle.state != ObstacleState.OPEN:
        raise Conflict(ERR_ALREADY_ANSWERED, code="obstacle_answered")
    today = clock.today()
    if not access.may_answer(acting_user, obstacle, today):
        raise PermissionDeniedError(ERR_NOT_ANSWERER)
    answer = _clean(answer)
    if not answer:
        raise ValidationFailed(ERR_ANSWER_REQUIRED, fields={"answer": ERR_ANSWER_REQUIRED})
    before = {**task_snapshot(task), **_obstacle_state(obstacle)}
    obstacle.state = ObstacleState.ANSWERED
    obstacle.answer = answer
    obstacle.answered_by = acting_user
    obstacle.answered_at = clock.now()
    obstacle.answered_on = today
    obstacle.save(update_fields=["state", "answer", "answered_by", "answered_at", "answered_on"])
    task_record_event(
        task,
        kind=EventKind.OBSTACLE_ANSWERED,
        actor=acting_user,
        note=answer,
        data={"obstacle_id": obstacle.pk},
        before=before,
        after={**task_snapshot(task), **_obstacle_state(obstacle), f"{OBSTACLE}answered_on": today},
    )
    return obstacle


def _next_level(obstacle: Obstacle, day: datetime.date) -> tuple[int, Any] | None:
    """Where an unanswered obstacle goes next: one level above the body asked, then the monitoring office.

    A standing body (Thường trực) already acts for its committee, whose leaders are its own members: there is no
    level above it to ask, so its unanswered obstacles go straight to the monitoring office."""
    office = recipients.monitoring_office(obstacle.decider_unit, day)
    if obstacle.escalation_level == EscalationLevel.DECIDER and obstacle.decider_unit.kind != UnitKind.STANDING:
        parent = obstacle.decider_unit.parent
        if parent is not None and parent.valid_to is None and parent.pk != (office.pk if office else None):
            return EscalationLevel.ONE_UP, parent
    if obstacle.escalation_level < EscalationLevel.OFFICE and office is not None:
        return EscalationLevel.OFFICE, office
    return None


@transaction.atomic
def obstacle_escalate(*, obstacle_id: int, as_of: datetime.date) -> Obstacle | None:
    """Move an obstacle unanswered past its response date one level up (then to the monitoring office), with a
    new response date. Returns the obstacle if it moved; ``None`` when there is nothing to do — already answered,
    not yet due, already at the top, or already moved today by another run (the row lock and the reminder log
    make a second, concurrent run a no-op). Locks the task before the obstacle, in the same order as
    ``obstacle_answer``, so an answer given while the pass runs waits instead of deadlocking."""
    task_id = Obstacle.objects.filter(pk=obstacle_id).values_list("task_id", flat=True).first()
    if task_id is None:
        return None
    task = task_lock(task_id)
    locked = Obstacle.objects.select_for_update(of=("self",)).select_related("decider_unit__parent", "waiting_on")
    obstacle = locked.get(pk=obstacle_id)
    if obstacle.state != ObstacleState.OPEN or as_of <= obstacle.response_due_on:
        return None
    target = _next_level(obstacle, as_of)
    if target is None:
        return None
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                task_id=obstacle.task_id,
                kind=ReminderKind.OBSTACLE_ESCALATION,
                day=as_of,
                subject=f"obstacle:{obstacle.pk}",
                created_at=clock.now(),
            )
    except IntegrityError:
        return None
    level, unit = target
    before = {**task_snapshot(task), **_obstacle_state(obstacle)}
    obstacle.escalation_level = level
    obstacle.waiting_on = unit
    obstacle.escalated_on = as_of
    obstacle.response_due_on = _response_due(as_of)
    obstacle.save(update_fields=["escalation_level", "waiting_on", "escalated_on", "response_due_on"])
    task_record_event(
        task,
        kind=EventKind.OBSTACLE_ESCALATED,
        actor=None,
        note=f"Quá hạn trả lời; chuyển đến {unit.name}.",
        data={"obstacle_id": obstacle.pk, "level": level, "unit_id": unit.pk},
        before=before,
        after={**task_snapshot(task), **_obstacle_state(obstacle)},
    )
    return obstacle


# --- delivery confidence --------------------------------------------------------------------------------


def _trend(previous: str, level: str) -> str:
    if not previous:
        return Trend.STABLE
    a, b = CONFIDENCE_ORDER.index(Confidence(previous)), CONFIDENCE_ORDER.index(Confidence(level))
    return Trend.IMPROVING if b < a else Trend.WORSENING if b > a else Trend.STABLE


@transaction.atomic
def confidence_rate(
    *, acting_user: User, task: Task, level: str, trend: str | None = None, note: str = ""
) -> ConfidenceRating:
    """The monitoring office rates whether the task will be delivered. Without a trend, it is taken from the
    previous rating (better, same, worse); the history is kept."""
    task = task_lock(task)
    if not access.may_rate_confidence(acting_user, task):
        raise PermissionDeniedError(ERR_NOT_MONITOR)
    if task.state not in RATEABLE_STATES:
        raise Conflict(ERR_NOT_RATEABLE, code="wrong_state")
    if level not in Confidence.values:
        raise ValidationFailed(ERR_LEVEL, fields={"level": ERR_LEVEL})
    if trend and trend not in Trend.values:
        raise ValidationFailed(ERR_TREND, fields={"trend": ERR_TREND})
    trend = trend or _trend(task.confidence, level)
    before = {
        **task_snapshot(task),
        "confidence": task.confidence,
        "confidence_trend": task.confidence_trend,
        "confidence_on": task.confidence_on,
    }
    rating = ConfidenceRating.objects.create(
        task=task,
        level=level,
        trend=trend,
        note=_clean(note),
        rated_by=acting_user,
        rated_at=clock.now(),
        rated_on=clock.today(),
    )
    previous = task.confidence
    task.confidence, task.confidence_trend, task.confidence_on = level, trend, rating.rated_on
    task_save(task, ["confidence", "confidence_trend", "confidence_on"])
    task_record_event(
        task,
        kind=EventKind.CONFIDENCE_RATED,
        actor=acting_user,
        note=rating.note,
        data={"rating_id": rating.pk, "level": level, "trend": trend, "previous": previous},
        before=before,
        after={
            **task_snapshot(task),
            "confidence": level,
            "confidence_trend": trend,
            "confidence_on": rating.rated_on,
            f"{RATING}id": rating.pk,
            f"{RATING}note": rating.note,
        },
    )
    return rating


# --- update discipline ----------------------------------------------------------------------------------


def is_urgent(task: Task) -> bool:
    if task.directive_id is None:
        return False
    from sauro.directives.models import Directive

    urgency = Directive.objects.filter(pk=task.directive_id).values_list("urgency", flat=True).first()
    return urgency not in (None, Urgency.NORMAL)


def update_expectation_open(*, task: Task, reason: str, day: datetime.date) -> UpdateExpectation | None:
    """The lead unit now owes an update on ``task``, due within the update window. Called inside the caller's
    transaction (the task services through ``handlers``, the reminder pass for a nudge)."""
    if task.lead_unit_id is None:
        return None
    start = deadline_on_or_after(day)
    due = add_working_days(start, conf.update_window_days(urgent=is_urgent(task)))
    return UpdateExpectation.objects.create(
        task=task, unit_id=task.lead_unit_id, reason=reason, opened_on=day, due_on=due
    )


# The events after which the lead unit owes an update, and why.
OPENS_EXPECTATION = {
    EventKind.ISSUED: ExpectationReason.ISSUED,
    EventKind.RETURNED: ExpectationReason.RETURNED,
    EventKind.OBSTACLE_ANSWERED: ExpectationReason.OBSTACLE_ANSWERED,
}


def update_bookkeeping(*, task: Task, event: TaskEvent) -> None:
    """What a timeline event changes in the update discipline, inside the event's transaction (called by
    ``handlers`` for every event): an update by the people working on the task stamps it and fulfils what the lead
    unit owed; an event that asks the unit to report opens an expected update; a task that finished, stopped or
    went to another unit owes nothing more (the new lead unit owes one afresh)."""
    day = clock.today()
    if event.kind in UPDATE_EVENT_KINDS:
        task_mark_updated(task=task, day=day)
        update_expectations_fulfil(task=task, day=day)
    reason = OPENS_EXPECTATION.get(EventKind(event.kind))
    if event.kind == EventKind.REASSIGNMENT_DECIDED and event.data.get("approved"):
        reason = ExpectationReason.ISSUED  # issued afresh to the new lead unit
        update_expectations_drop(task=task)
    if reason is not None:
        update_expectation_open(task=task, reason=reason, day=day)
    if event.kind in {EventKind.CANCELLED, EventKind.APPROVED}:
        update_expectations_drop(task=task)


def update_expectations_fulfil(*, task: Task, day: datetime.date) -> int:
    return UpdateExpectation.objects.filter(task=task, fulfilled_on__isnull=True).update(fulfilled_on=day)


def update_expectations_drop(*, task: Task) -> int:
    """A task that stopped or finished owes nothing more."""
    return UpdateExpectation.objects.filter(task=task, fulfilled_on__isnull=True).delete()[0]


# --- restructuring --------------------------------------------------------------------------------------


def monitoring_move_to_successor(succession: Succession) -> int:
    """Registered with org.restructuring: open obstacles addressed to, or raised by, a merged unit, and the updates
    it still owes, go to its successor (answered obstacles keep the unit of their time)."""
    old, new = succession.predecessor, succession.successor
    moved = 0
    for obstacle in (
        Obstacle.objects.select_for_update()
        .filter(state=ObstacleState.OPEN)
        .filter(Q(decider_unit=old) | Q(waiting_on=old) | Q(lead_unit=old))
    ):
        before = {"decider_unit_id": obstacle.decider_unit_id, "waiting_on_id": obstacle.waiting_on_id}
        for name in ("decider_unit", "waiting_on", "lead_unit"):
            if getattr(obstacle, f"{name}_id") == old.pk:
                setattr(obstacle, name, new)
        obstacle.save(update_fields=["decider_unit", "waiting_on", "lead_unit"])
        audit_record(
            acting_user=succession.acting_user,
            action="obstacle.unit_succeeded",
            obj=obstacle,
            unit_id=new.pk,
            summary=f"“{old.name}” sáp nhập vào “{new.name}”",
            before=before,
            after={"decider_unit_id": obstacle.decider_unit_id, "waiting_on_id": obstacle.waiting_on_id},
        )
        moved += 1
    moved += UpdateExpectation.objects.filter(unit=old, fulfilled_on__isnull=True).update(unit=new)
    return moved
