"""The daily reminder pass (PRODUCT §7): reminders before the due date, on the day and daily when overdue;
"no update for N working days" nudges; tasks stuck in a hand-off state (issued and not accepted, returned and not
reworked, submitted and not decided) escalated to who must act — the lead unit's head, or the authority for a
product awaiting its decision — then to the monitoring office; unanswered obstacles moved up.

``run_reminders(as_of=day)`` is one pass for one day; the daily pass (``daily.jobs``) and ``sauro remind`` run
it. It sends nothing on a day off.

At most once: every reminder inserts its ``ReminderLog`` row (task, kind, day, subject) in its own transaction,
together with its notifications and whatever else it writes (an expected update, a timeline event). The unique key
decides: when the insert fails, another run already sent that reminder — the transaction rolls back and the
reminder is skipped. A pass run twice, or by two processes at once, therefore sends each reminder once.

Overdue tasks still with the people working on them are reminded to them and the lead unit's heads every working day;
after ``SAURO_OVERDUE_ESCALATION_DAYS`` (N) working days overdue the supervising leader is told (without one, who
decides for the authority), after 2N the monitoring office (Văn phòng), each once per deadline in force.

Once per spell: a "no update" nudge is sent again only after a new update has started a new quiet spell, a
stuck task is escalated (to each level) once per stay in its state, and an overdue task once per deadline in force
(an extension that runs out in its turn starts a new lateness); the reminder log tells.

Candidates are chosen in SQL on indexed columns (state with deadline, state_since or last_update_on) and read in
keyset chunks; recipients are looked up once per chunk (officers) or once per unit (heads, monitors).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import add_working_days, is_working_day, working_days_between
from sauro.monitoring import conf, recipients
from sauro.monitoring.choices import ExpectationReason, ObstacleState, ReminderKind
from sauro.monitoring.models import Obstacle, ReminderLog
from sauro.monitoring.services import obstacle_escalate, update_expectation_open
from sauro.notifications.choices import NotificationKind
from sauro.notifications.services import notify
from sauro.org.models import Unit
from sauro.tasks.choices import EventKind, TaskState
from sauro.tasks.models import Task
from sauro.tasks.services import task_lock, task_record_event

logger = logging.getLogger(__name__)

# Tasks still with the people working on them: reminded of their due date (a submitted product is with the
# authority, so its workers are not reminded).
DUE_STATES = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED)
# Tasks on which the workers are expected to report progress.
UPDATABLE_STATES = (TaskState.IN_PROGRESS, TaskState.RETURNED)
CHUNK = 500
TASK_FIELDS = (
    "id",
    "title",
    "state",
    "due_date",
    "deadline",
    "lead_unit_id",
    "responsible_person_id",
    "state_since",
    "authority_unit_id",
    "supervising_leader_id",
)
# The states in which a task waits on someone to hand it on: the lead unit to accept it (issued) or to rework it
# (returned), the authority to decide on the product (submitted). A task in progress is doing its work, however
# long its due date; its silence is caught by the "no update" nudge and its lateness by the overdue reminders.
STUCK_STATES = (TaskState.ISSUED, TaskState.RETURNED, TaskState.SUBMITTED)


@dataclasses.dataclass
class ReminderResult:
    """What one pass did: reminders sent per kind, obstacles moved up, and reminders another run had already sent
    (or that failed and will be retried by the next pass)."""

    day: datetime.date
    skipped_day_off: bool = False
    sent: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(ReminderKind.values, 0))
    already_sent: int = 0
    failed: int = 0

    @property
    def obstacles_escalated(self) -> int:
        return self.sent[ReminderKind.OBSTACLE_ESCALATION]

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def count(self, kind: str) -> int:
        return self.sent[kind]


def _fmt(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def _due_text(task: Task) -> str:
    text = f"Thời hạn: {_fmt(task.due_date)}"
    if task.deadline and task.deadline != task.due_date:
        text += f" (trùng ngày nghỉ, hạn cuối là ngày làm việc {_fmt(task.deadline)})"
    return text + "."


def _quiet_since() -> Greatest:
    """The first day of the current quiet spell: the last update by the workers (or, before any, acceptance or
    issue), or the day the task entered its current state when later (a returned product starts a new spell)."""
    last = Coalesce("last_update_on", "accepted_on", "issued_on", "state_since")
    since = Coalesce("state_since", "last_update_on", "accepted_on", "issued_on")
    return Greatest(last, since)


class _Pass:
    def __init__(self, as_of: datetime.date) -> None:
        self.as_of = as_of
        self.result = ReminderResult(day=as_of)
        self._heads: dict[int, set[int]] = {}
        self._office_monitors: dict[int, tuple[Unit | None, set[int]]] = {}
        self._officers: dict[int, set[int]] = {}
        self._leaders: dict[int, set[int]] = {}

    # --- lookups, cached for the pass ----------------------------------------------------------------------

    def heads(self, unit_id: int | None) -> set[int]:
        if unit_id is None:
            return set()
        if unit_id not in self._heads:
            self._heads[unit_id] = recipients.unit_heads(unit_id, self.as_of)
        return self._heads[unit_id]

    def office(self, unit_id: int | None) -> tuple[Unit | None, set[int]]:
        if unit_id is None:
            return None, set()
        if unit_id not in self._office_monitors:
            unit = Unit.objects.filter(pk=unit_id).first()
            office = recipients.monitoring_office(unit, self.as_of) if unit is not None else None
            self._office_monitors[unit_id] = (office, recipients.monitors(office, self.as_of))
        return self._office_monitors[unit_id]

    def leaders(self, task: Task) -> set[int]:
        """The supervising leader (lãnh đạo phụ trách) while active; without one, who decides for the authority."""
        if task.pk not in self._leaders:
            leader = task.supervising_leader_id
            if leader and User.objects.filter(pk=leader, is_active=True).exists():
                self._leaders[task.pk] = {leader}
            else:
                self._leaders[task.pk] = recipients.authority_people(task, self.as_of)
        return self._leaders[task.pk]

    def workers(self, task: Task) -> set[int]:
        """The responsible person and the officers; the lead unit's heads when nobody is named yet."""
        people = set(self._officers.get(task.pk, ()))
        if task.responsible_person_id:
            people.add(task.responsible_person_id)
        return people or set(self.heads(task.lead_unit_id))

    def chunks(self, qs: QuerySet[Task]) -> Iterator[Task]:
        """The tasks of ``qs`` in primary-key order, read in keyset chunks; the officers of each chunk in one
        query."""
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not batch:
                return
            last = batch[-1].pk
            self._officers = defaultdict(set)
            pairs = Task.officers.through.objects.filter(task_id__in=[t.pk for t in batch])
            for task_id, user_id in pairs.values_list("task_id", "user_id"):
                self._officers[task_id].add(user_id)
            yield from batch

    # --- one reminder ------------------------------------------------------------------------------------------

    def send(
        self,
        task: Task,
        *,
        kind: str,
        subject: str = "",
        people: Callable[[Task], set[int]],
        notification: str,
        title: str | Callable[[Task], str],
        body: str | Callable[[Task], str],
        lock: Callable[[Task], Task | None] | None = None,
        also: Callable[[Task], None] | None = None,
    ) -> bool:
        """Send one reminder at most once: the log row, the notifications and ``also`` commit together, or not at
        all. ``lock`` (for reminders that write on the task) locks the task row and returns it re-read, or
        ``None`` when the task no longer qualifies."""
        try:
            with transaction.atomic():
                if lock is not None:
                    locked = lock(task)
                    if locked is None:
                        return False
                    task = locked
                log = ReminderLog.objects.create(
                    task_id=task.pk, kind=kind, day=self.as_of, subject=subject, created_at=clock.now()
                )
                if also is not None:
                    also(task)
                sent = notify(
                    recipients=people(task),
                    kind=notification,
                    title=title(task) if callable(title) else title,
                    body=body(task) if callable(body) else body,
                    url=reverse("tasks:detail", args=[task.pk]),
                    task_id=task.pk,
                )
                if sent:
                    log.recipients = min(len(sent), 32767)
                    log.save(update_fields=["recipients"])
        except IntegrityError:
            key = {"task_id": task.pk, "kind": kind, "day": self.as_of, "subject": subject}
            if ReminderLog.objects.filter(**key).exists():  # another run sent it: the unique key at work
                self.result.already_sent += 1
            else:  # pragma: no cover - any other integrity error is a fault: logged, retried by the next pass
                logger.exception("Không gửi được lượt nhắc %s của nhiệm vụ %s ngày %s.", kind, task.pk, self.as_of)
                self.result.failed += 1
            return False
        except DatabaseError:  # e.g. a deadlock: logged; the next pass tries again
            logger.exception("Không gửi được lượt nhắc %s của nhiệm vụ %s ngày %s.", kind, task.pk, self.as_of)
            self.result.failed += 1
            return False
        self.result.sent[kind] += 1
        return True

    # --- the kinds -----------------------------------------------------------------------------------------------

    def due(self) -> None:
        open_tasks = Task.objects.filter(state__in=DUE_STATES).only(*TASK_FIELDS)
        for k in conf.reminder_days_before():
            for task in self.chunks(open_tasks.filter(deadline=add_working_days(self.as_of, k))):
                self.send(
                    task,
                    kind=ReminderKind.DUE_BEFORE,
                    subject=str(k),
                    people=self.workers,
                    notification=NotificationKind.DUE_SOON,
                    title=f"Còn {k} ngày làm việc đến hạn: {task.title}",
                    body=f"{_due_text(task)} Hãy hoàn thành và gửi sản phẩm đúng hạn.",
                )
        for task in self.chunks(open_tasks.filter(deadline=self.as_of)):
            self.send(
                task,
                kind=ReminderKind.DUE_TODAY,
                people=self.workers,
                notification=NotificationKind.DUE_TODAY,
                title=f"Đến hạn hôm nay: {task.title}",
                body=f"{_due_text(task)} Hôm nay là hạn cuối để hoàn thành và gửi sản phẩm.",
            )
        for task in self.chunks(open_tasks.filter(deadline__lt=self.as_of)):
            late = working_days_between(task.deadline or self.as_of, self.as_of)
            self.send(
                task,
                kind=ReminderKind.OVERDUE,
                people=lambda t: self.workers(t) | self.heads(t.lead_unit_id),
                notification=NotificationKind.OVERDUE,
                title=f"Quá hạn {late} ngày làm việc: {task.title}",
                body=f"{_due_text(task)} Nhiệm vụ chưa hoàn thành, đã quá hạn {late} ngày làm việc.",
            )

    def no_update(self) -> None:
        n = conf.no_update_days()
        if n <= 0:
            return
        cut = add_working_days(self.as_of, -n)
        nudged = ReminderLog.objects.filter(
            task_id=OuterRef("pk"), kind=ReminderKind.NO_UPDATE, day__gt=OuterRef("quiet_since")
        )
        qs = (
            Task.objects.filter(state__in=UPDATABLE_STATES)
            .filter(Q(last_update_on__lte=cut) | Q(last_update_on__isnull=True))  # index (state, last_update_on)
            .annotate(quiet_since=_quiet_since())
            .filter(quiet_since__lte=cut)
            .exclude(Exists(nudged))
            .only(*TASK_FIELDS, "last_update_on", "accepted_on", "issued_on")
        )

        def lock(task: Task) -> Task | None:
            locked = task_lock(task.pk)
            quiet = max(
                filter(None, [locked.last_update_on or locked.accepted_on or locked.issued_on, locked.state_since]),
                default=None,
            )
            if locked.state not in UPDATABLE_STATES or quiet is None or quiet > cut:
                return None  # updated (or moved on) meanwhile
            locked.quiet_since = quiet  # type: ignore[attr-defined]
            return locked

        def expect(task: Task) -> None:
            expectation = update_expectation_open(task=task, reason=ExpectationReason.NUDGED, day=self.as_of)
            task.update_due_on = expectation.due_on if expectation else None  # type: ignore[attr-defined]

        def body(task: Task) -> str:
            quiet = task.quiet_since  # type: ignore[attr-defined]
            text = f"Lần cập nhật gần nhất: {_fmt(quiet)}, đã {working_days_between(quiet, self.as_of)} ngày làm việc."
            due = getattr(task, "update_due_on", None)
            if due:
                text += f" Đề nghị cập nhật tiến độ thực hiện chậm nhất ngày {_fmt(due)}."
            return text

        for task in self.chunks(qs):
            days = working_days_between(task.quiet_since, self.as_of)  # type: ignore[attr-defined]
            self.send(
                task,
                kind=ReminderKind.NO_UPDATE,
                people=self.workers,
                notification=NotificationKind.NO_UPDATE,
                title=f"Đã {days} ngày làm việc chưa cập nhật tiến độ: {task.title}",
                body=body,
                lock=lock,
                also=expect,
            )

    def stuck(self) -> None:
        m = conf.stuck_days()
        if m <= 0:
            return
        for kind, days in ((ReminderKind.STUCK_HEAD, m), (ReminderKind.STUCK_OFFICE, 2 * m)):
            self._stuck(kind, add_working_days(self.as_of, -days))

    def _stuck(self, kind: str, cut: datetime.date) -> None:
        # A log after the day the task entered its state belongs to this stay (none can fall on that day itself).
        escalated = ReminderLog.objects.filter(task_id=OuterRef("pk"), kind=kind, day__gt=OuterRef("state_since"))
        qs = (
            Task.objects.filter(state__in=STUCK_STATES, state_since__lte=cut)
            .exclude(Exists(escalated))
            .only(*TASK_FIELDS)
        )
        to_office = kind == ReminderKind.STUCK_OFFICE

        def lock(task: Task) -> Task | None:
            locked = task_lock(task.pk)
            if locked.state != task.state or locked.state_since != task.state_since:
                return None  # moved on meanwhile
            return locked

        def people(task: Task) -> set[int]:
            if to_office:
                return self.office(task.lead_unit_id)[1]
            if task.state == TaskState.SUBMITTED:  # the product waits on the authority's decision
                return recipients.authority_people(task, self.as_of)
            return self.heads(task.lead_unit_id)

        def what(task: Task) -> tuple[int, str]:
            return working_days_between(task.state_since or self.as_of, self.as_of), str(TaskState(task.state).label)

        def body(task: Task) -> str:
            days, label = what(task)
            return (
                f"Nhiệm vụ ở trạng thái “{label}” từ ngày {_fmt(task.state_since)}, đã {days} ngày làm việc chưa "
                f"chuyển bước. Đề nghị chỉ đạo, đôn đốc xử lý."
            )

        def record(task: Task) -> None:
            days, label = what(task)
            if to_office:
                office = self.office(task.lead_unit_id)[0]
                to = office.name if office else "Văn phòng (chưa xác định)"
            elif task.state == TaskState.SUBMITTED:
                to = "cấp có thẩm quyền"
            else:
                to = f"lãnh đạo {task.lead_unit.name}" if task.lead_unit else "lãnh đạo đơn vị chủ trì"
            task_record_event(
                task,
                kind=EventKind.ESCALATED,
                actor=None,
                note=f"Nhiệm vụ ở trạng thái “{label}” đã {days} ngày làm việc chưa chuyển bước; báo cáo {to}.",
                data={"reminder": kind, "state": task.state, "state_since": str(task.state_since), "days": days},
            )

        for task in self.chunks(qs):
            days, label = what(task)
            self.send(
                task,
                kind=kind,
                people=people,
                notification=NotificationKind.STUCK,
                title=f"Nhiệm vụ chậm chuyển bước ({days} ngày làm việc ở trạng thái “{label}”): {task.title}",
                body=body,
                lock=lock,
                also=record,
            )

    def overdue_escalation(self) -> None:
        n = conf.overdue_escalation_days()
        if n <= 0:
            return
        for kind, days in ((ReminderKind.OVERDUE_LEADER, n), (ReminderKind.OVERDUE_OFFICE, 2 * n)):
            self._overdue_escalation(kind, add_working_days(self.as_of, -days))

    def _overdue_escalation(self, kind: str, cut: datetime.date) -> None:
        """Tasks still with their workers and overdue by at least the level's working days (deadline on or before
        ``cut``), told to the supervising leader or to Văn phòng once per deadline in force: a log after the
        deadline belongs to this lateness (none can fall on the deadline itself, the task is not late then), so a
        deadline moved by an extension that runs out in its turn is reported again."""
        escalated = ReminderLog.objects.filter(task_id=OuterRef("pk"), kind=kind, day__gt=OuterRef("deadline"))
        qs = (
            Task.objects.filter(state__in=DUE_STATES, deadline__lte=cut)  # index (state, deadline)
            .exclude(Exists(escalated))
            .only(*TASK_FIELDS)
        )
        to_office = kind == ReminderKind.OVERDUE_OFFICE

        def lock(task: Task) -> Task | None:
            locked = task_lock(task.pk)
            if locked.state not in DUE_STATES or locked.deadline is None or locked.deadline > cut:
                return None  # finished, submitted or extended meanwhile
            return locked

        def people(task: Task) -> set[int]:
            if to_office:
                return self.office(task.lead_unit_id)[1]
            return self.leaders(task)

        def late(task: Task) -> int:
            return working_days_between(task.deadline or self.as_of, self.as_of)

        def to(task: Task) -> str:
            if to_office:
                office = self.office(task.lead_unit_id)[0]
                return office.name if office else "Văn phòng (chưa xác định)"
            if task.supervising_leader_id and task.supervising_leader_id in self.leaders(task):
                return "lãnh đạo phụ trách"
            return "lãnh đạo cấp có thẩm quyền (nhiệm vụ chưa có lãnh đạo phụ trách)"

        def body(task: Task) -> str:
            lead = task.lead_unit.name if task.lead_unit_id and task.lead_unit else "đơn vị chủ trì"
            return (
                f"{_due_text(task)} Nhiệm vụ do {lead} chủ trì chưa hoàn thành, đã quá hạn {late(task)} ngày làm "
                f"việc (trạng thái “{TaskState(task.state).label}”). Đề nghị chỉ đạo, đôn đốc xử lý."
            )

        def record(task: Task) -> None:
            days = late(task)
            task_record_event(
                task,
                kind=EventKind.ESCALATED,
                actor=None,
                note=f"Nhiệm vụ đã quá hạn {days} ngày làm việc (hạn {_fmt(task.deadline)}); báo cáo {to(task)}.",
                data={"reminder": kind, "state": task.state, "deadline": str(task.deadline), "days": days},
            )

        level = "Văn phòng" if to_office else "lãnh đạo phụ trách"
        for task in self.chunks(qs):
            self.send(
                task,
                kind=kind,
                people=people,
                notification=NotificationKind.OVERDUE,
                title=lambda t: f"Quá hạn {late(t)} ngày làm việc, báo cáo {level}: {t.title}",
                body=body,
                lock=lock,
                also=record,
            )

    def obstacles(self) -> None:
        due = Obstacle.objects.filter(state=ObstacleState.OPEN, response_due_on__lt=self.as_of)
        for obstacle_id in list(due.order_by("pk").values_list("pk", flat=True)):
            try:
                moved = obstacle_escalate(obstacle_id=obstacle_id, as_of=self.as_of)
            except DatabaseError:  # e.g. a deadlock with an answer given at that moment: the next pass retries
                logger.exception("Không chuyển được khó khăn, vướng mắc %s lên cấp trên.", obstacle_id)
                self.result.failed += 1
                continue
            if moved is not None:
                self.result.sent[ReminderKind.OBSTACLE_ESCALATION] += 1


def run_reminders(*, as_of: datetime.date) -> ReminderResult:
    """One reminder pass for ``as_of``: nothing on a day off; safe to run twice or in two processes at once."""
    work = _Pass(as_of)
    if not is_working_day(as_of):
        work.result.skipped_day_off = True
        return work.result
    work.due()
    work.no_update()
    work.stuck()
    work.overdue_escalation()
    work.obstacles()
    r = work.result
    logger.info(
        "Lượt nhắc việc ngày %s: %s lượt nhắc, %s đã gửi từ trước, %s lỗi.", as_of, r.total, r.already_sent, r.failed
    )
    return r
