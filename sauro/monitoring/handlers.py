"""What follows from a task's timeline event (``tasks.signals.task_event_recorded``), in the same transaction.
The handlers only call services (writes) and ``recipients`` (reads):

- the update bookkeeping (``services.update_bookkeeping``): an update by the people working on the task stamps
  ``last_update_on`` (``tasks.services.task_mark_updated``) and fulfils what the lead unit owed; an event that asks
  the unit to report opens an expected update (update discipline);
- the notifications the event makes moot, resolved for everyone they were sent to (``_resolve``: a product decided,
  an obstacle answered, a request decided, the task done or cancelled), before
- the in-app notifications (and their e-mail copies, sent after commit) to the people the event concerns.
Reminders and escalations of stuck tasks are notified by the reminder pass itself (``monitoring.reminders``).

``on_tasks_handed_over`` (``tasks.signals.tasks_handed_over``) tells a unit's head, once per handover, which tasks a
person who left the unit handed to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from sauro.accounts.models import User
from sauro.common import clock
from sauro.monitoring import recipients
from sauro.monitoring.services import update_bookkeeping
from sauro.notifications.choices import NotificationKind
from sauro.notifications.services import notify, resolve_for, subject_key
from sauro.tasks.choices import UPDATE_EVENT_KINDS, Confidence, EventKind, TaskState
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task, TaskEvent

if TYPE_CHECKING:
    from sauro.org.departures import Departure


def task_url(task: Task, anchor: str = "") -> str:
    url = reverse("tasks:detail", args=[task.pk])
    return f"{url}#{anchor}" if anchor else url


def on_task_event(sender: Any, *, task: Task, event: TaskEvent, **kwargs: Any) -> None:
    update_bookkeeping(task=task, event=event)
    _resolve(task, event)
    _notify(task, event)


HANDOVER_TITLE = (
    "Đ/c {person} đã thôi giữ vai trò tại {unit} từ ngày {day:%d/%m/%Y}: {n} nhiệm vụ được chuyển cho đồng chí theo dõi"
)
# The most tasks a handover notification names (the count is always complete).
HANDOVER_LIST_LIMIT = 20


def on_tasks_handed_over(sender: Any, *, departure: Departure, head: User, tasks: list[Task], **kwargs: Any) -> None:
    """One notification to the head for the whole handover, naming the tasks; it links to the task when there is one,
    to the head's own tasks when there are several."""
    names = [f"- {t.title}" for t in tasks[:HANDOVER_LIST_LIMIT]]
    if len(tasks) > HANDOVER_LIST_LIMIT:
        names.append(f"… và {len(tasks) - HANDOVER_LIST_LIMIT} nhiệm vụ khác")
    notify(
        recipients=[head],
        kind=NotificationKind.TASKS_HANDED_OVER,
        title=HANDOVER_TITLE.format(
            person=departure.person.get_full_name(),
            unit=departure.unit.name,
            day=departure.first_day_gone,
            n=len(tasks),
        ),
        body="\n".join(names),
        url=task_url(tasks[0]) if len(tasks) == 1 else reverse("tasks:mine"),
        task_id=tasks[0].pk if len(tasks) == 1 else None,
        subject=subject_key("membership", departure.membership_id),
        actor=departure.acting_user,
    )


N = NotificationKind
# Reminders about the task's date and pace: moot once it is done, cancelled or handed to another unit.
_REMINDERS = (N.DUE_SOON, N.DUE_TODAY, N.OVERDUE, N.NO_UPDATE, N.STUCK)
# Everything that asked someone to act on the task.
_TASK_ACTIONS = (N.TASK_ISSUED, N.TASK_ACCEPTED, N.TASK_SUBMITTED, N.TASK_RETURNED, N.REQUEST_NEW, *_REMINDERS)
_OBSTACLE_OPEN = (N.OBSTACLE_RAISED, N.OBSTACLE_ESCALATED)
_REQUEST_SUBJECT = {EventKind.EXTENSION_DECIDED: "extension", EventKind.REASSIGNMENT_DECIDED: "reassignment"}
_REQUEST_ASKED = {EventKind.EXTENSION_REQUESTED: "extension", EventKind.REASSIGNMENT_REQUESTED: "reassignment"}


def _resolve(task: Task, event: TaskEvent) -> None:
    """The notifications whose reason this event took away are resolved for all their recipients, whoever acted
    (another leader's decision or answer clears everyone's notice of it)."""
    kind, by = event.kind, event.actor
    if kind == EventKind.ACCEPTED:
        resolve_for(task_id=task.pk, kinds=[N.TASK_ISSUED], by=by, reason="Nhiệm vụ đã được tiếp nhận, phân công")
    elif kind == EventKind.SUBMITTED:
        resolve_for(task_id=task.pk, kinds=[N.TASK_RETURNED], by=by, reason="Sản phẩm đã được gửi lại")
    elif kind == EventKind.RETURNED:
        resolve_for(task_id=task.pk, kinds=[N.TASK_SUBMITTED], by=by, reason="Sản phẩm đã bị trả lại")
    elif kind == EventKind.APPROVED:
        resolve_for(task_id=task.pk, kinds=[*_TASK_ACTIONS, *_OBSTACLE_OPEN], by=by, reason="Sản phẩm đã được duyệt")
    elif kind == EventKind.CANCELLED:
        resolve_for(
            task_id=task.pk, kinds=[*_TASK_ACTIONS, *_OBSTACLE_OPEN], by=by, reason="Nhiệm vụ đã dừng thực hiện"
        )
    elif kind in _REQUEST_SUBJECT:
        approved = bool(event.data.get("approved"))
        request_id = event.data.get("request_id")
        if request_id is not None:
            resolve_for(
                subject=subject_key(_REQUEST_SUBJECT[EventKind(kind)], int(request_id)),
                kinds=[N.REQUEST_NEW],
                by=by,
                reason="Đề nghị đã được đồng ý" if approved else "Đề nghị không được đồng ý",
            )
        if approved and kind == EventKind.EXTENSION_DECIDED:
            resolve_for(task_id=task.pk, kinds=[N.DUE_SOON, N.DUE_TODAY, N.OVERDUE], by=by, reason="Đã được gia hạn")
        elif approved:
            resolve_for(
                task_id=task.pk,
                kinds=[N.TASK_ISSUED, N.TASK_ACCEPTED, N.TASK_RETURNED, *_REMINDERS],
                by=by,
                reason="Nhiệm vụ đã chuyển cho đơn vị chủ trì khác",
            )
    elif kind in {EventKind.OBSTACLE_ANSWERED, EventKind.OBSTACLE_ESCALATED}:
        obstacle_id = event.data.get("obstacle_id")
        if obstacle_id is not None:
            answered = kind == EventKind.OBSTACLE_ANSWERED
            resolve_for(
                subject=subject_key("obstacle", int(obstacle_id)),
                kinds=_OBSTACLE_OPEN,
                by=by,
                reason="Khó khăn, vướng mắc đã được trả lời" if answered else "Đã chuyển lên cấp trên cho ý kiến",
            )
    if kind in UPDATE_EVENT_KINDS or kind == EventKind.PROGRESS:
        resolve_for(task_id=task.pk, kinds=[N.NO_UPDATE], by=by, reason="Tiến độ đã được cập nhật")
    if kind in {EventKind.PROGRESS, EventKind.SUBMITTED, EventKind.OBSTACLE_RAISED}:
        # The people assigned have taken the work up: "you are assigned" asks nothing more of them.
        resolve_for(task_id=task.pk, kinds=[N.TASK_ACCEPTED], by=by, reason="Đã bắt đầu thực hiện")


def _notify(task: Task, event: TaskEvent) -> None:
    day = clock.today()
    kind = event.kind
    actor = event.actor
    title = task.title
    who = event.actor_name or "Hệ thống"
    if kind == EventKind.ISSUED:
        notify(
            recipients=recipients.unit_heads(task.lead_unit_id, day) | recipients.workers(task),
            kind=NotificationKind.TASK_ISSUED,
            title=f"Nhiệm vụ mới: {title}",
            body=_due_line(task),
            url=task_url(task),
            task_id=task.pk,
            actor=actor,
        )
    elif kind == EventKind.ACCEPTED:
        notify(
            recipients=recipients.workers(task),
            kind=NotificationKind.TASK_ACCEPTED,
            title=f"Bạn được phân công thực hiện: {title}",
            body=_due_line(task),
            url=task_url(task),
            task_id=task.pk,
            actor=actor,
        )
    elif kind == EventKind.SUBMITTED:
        notify(
            recipients=recipients.authority_people(task, day),
            kind=NotificationKind.TASK_SUBMITTED,
            title=f"Sản phẩm chờ duyệt: {title}",
            body=f"{who} đã gửi sản phẩm: {event.note}",
            url=task_url(task, "thao-tac"),
            task_id=task.pk,
            actor=actor,
        )
    elif kind in {EventKind.APPROVED, EventKind.RETURNED, EventKind.CANCELLED}:
        n_kind, head = {
            EventKind.APPROVED: (NotificationKind.TASK_APPROVED, "Sản phẩm đã được duyệt"),
            EventKind.RETURNED: (NotificationKind.TASK_RETURNED, "Sản phẩm bị trả lại"),
            EventKind.CANCELLED: (NotificationKind.TASK_CANCELLED, "Nhiệm vụ dừng thực hiện"),
        }[EventKind(kind)]
        notify(
            recipients=recipients.workers(task) | recipients.unit_heads(task.lead_unit_id, day),
            kind=n_kind,
            title=f"{head}: {title}",
            body=f"{who}: {event.note}" if event.note else who,
            url=task_url(task),
            task_id=task.pk,
            actor=actor,
        )
    elif kind in {EventKind.EXTENSION_REQUESTED, EventKind.REASSIGNMENT_REQUESTED}:
        what = "gia hạn" if kind == EventKind.EXTENSION_REQUESTED else "điều chỉnh đơn vị chủ trì"
        notify(
            recipients=recipients.authority_people(task, day),
            kind=NotificationKind.REQUEST_NEW,
            title=f"Đề nghị {what} chờ quyết định: {title}",
            body=f"{who}: {event.note}",
            url=task_url(task, "thao-tac"),
            task_id=task.pk,
            subject=_request_subject(event),
            actor=actor,
        )
    elif kind in {EventKind.EXTENSION_DECIDED, EventKind.REASSIGNMENT_DECIDED}:
        what = "gia hạn" if kind == EventKind.EXTENSION_DECIDED else "điều chỉnh đơn vị chủ trì"
        verdict = "được đồng ý" if event.data.get("approved") else "không được đồng ý"
        people = recipients.workers(task) | recipients.unit_heads(task.lead_unit_id, day)
        model = ExtensionRequest if kind == EventKind.EXTENSION_DECIDED else ReassignmentRequest
        asked_by = recipients.requester(model, event.data.get("request_id"))
        if asked_by is not None:
            people.add(asked_by)  # whoever asked hears the answer, even once the task left their unit
        if kind == EventKind.REASSIGNMENT_DECIDED:
            people |= recipients.unit_heads(recipients.reassignment_from_unit(event.data.get("request_id")), day)
        if kind == EventKind.REASSIGNMENT_DECIDED and event.data.get("approved"):
            # The new lead unit receives the task as a new one, to accept and assign.
            new_heads = recipients.unit_heads(task.lead_unit_id, day)
            notify(
                recipients=new_heads,
                kind=NotificationKind.TASK_ISSUED,
                title=f"Nhiệm vụ được chuyển cho đơn vị chủ trì: {title}",
                body=_due_line(task),
                url=task_url(task),
                task_id=task.pk,
                actor=actor,
            )
            people -= new_heads
        notify(
            recipients=people,
            kind=NotificationKind.REQUEST_DECIDED,
            title=f"Đề nghị {what} {verdict}: {title}",
            body=f"{who}: {event.note}" if event.note else who,
            url=task_url(task),
            task_id=task.pk,
            actor=actor,
        )
    elif kind in {EventKind.OBSTACLE_RAISED, EventKind.OBSTACLE_ANSWERED, EventKind.OBSTACLE_ESCALATED}:
        _notify_obstacle(task, event)
    elif kind == EventKind.CONFIDENCE_RATED:
        level = Confidence(event.data["level"]).label
        notify(
            recipients=recipients.workers(task) | recipients.unit_heads(task.lead_unit_id, day),
            kind=NotificationKind.CONFIDENCE,
            title=f"Khả năng hoàn thành được đánh giá mức “{level}”: {title}",
            body=event.note,
            url=task_url(task),
            task_id=task.pk,
            actor=actor,
        )


def _notify_obstacle(task: Task, event: TaskEvent) -> None:
    day = clock.today()
    obstacle = recipients.obstacle_of_event(event.data["obstacle_id"])
    anchor = f"vuong-mac-{obstacle.pk}"
    if event.kind == EventKind.OBSTACLE_RAISED:
        notify(
            recipients=recipients.answerers(obstacle.waiting_on, day),
            kind=NotificationKind.OBSTACLE_RAISED,
            title=f"Khó khăn, vướng mắc cần cho ý kiến: {task.title}",
            body=f"{obstacle.description}\n\nĐề xuất: {obstacle.proposal}\n\nHạn trả lời: "
            f"{obstacle.response_due_on:%d/%m/%Y}",
            url=task_url(task, anchor),
            task_id=task.pk,
            subject=subject_key("obstacle", obstacle.pk),
            actor=event.actor,
        )
    elif event.kind == EventKind.OBSTACLE_ANSWERED:
        notify(
            recipients={obstacle.raised_by_id} | recipients.workers(task),
            kind=NotificationKind.OBSTACLE_ANSWERED,
            title=f"Khó khăn, vướng mắc đã được trả lời: {task.title}",
            body=f"{event.actor_name}: {obstacle.answer}",
            url=task_url(task, anchor),
            task_id=task.pk,
            subject=subject_key("obstacle", obstacle.pk),
            actor=event.actor,
        )
    else:
        notify(
            recipients=recipients.answerers(obstacle.waiting_on, day) | {obstacle.raised_by_id},
            kind=NotificationKind.OBSTACLE_ESCALATED,
            title=f"Khó khăn, vướng mắc quá hạn trả lời, chuyển đến {obstacle.waiting_on.name}: {task.title}",
            body=f"{obstacle.description}\n\nĐề xuất: {obstacle.proposal}\n\nHạn trả lời mới: "
            f"{obstacle.response_due_on:%d/%m/%Y}",
            url=task_url(task, anchor),
            task_id=task.pk,
            subject=subject_key("obstacle", obstacle.pk),
        )


def _request_subject(event: TaskEvent) -> str:
    request_id = event.data.get("request_id")
    if request_id is None:
        return ""
    return subject_key(_REQUEST_ASKED[EventKind(event.kind)], int(request_id))


def _due_line(task: Task) -> str:
    if task.state == TaskState.DRAFT:
        return ""
    if task.due_date:
        return f"Thời hạn: {task.due_date:%d/%m/%Y}. Đơn vị chủ trì: {task.lead_unit.name if task.lead_unit else '—'}."
    return "Nhiệm vụ thường xuyên."
