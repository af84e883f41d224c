"""Demo tasks for the Huế demo: about three hundred tasks of 2026 (``data/tasks.json``), lived through the services.

What is there: the tasks of the January 2026 conclusion (the seed directive, Thông báo số 01-TB/TU), each with the
sentence of the conclusion it comes from; tasks of the Action Program and the agencies' plans, a few split into
sub-tasks for departments; the communes' own tasks; recurring templates (the monthly report of each agency, a
quarterly and a yearly report) and their instances, made by ``tasks.recurrence`` on the first working day of each
month; every state, extensions granted and refused, products sent back, one task pushed between units three times.

How: every write goes through the services (``task_create``, ``task_issue`` … ``extension_request_decide``) with the
clock set to the day of the step (``clock_at``), steps of all tasks taken in date order from January to the clock's
today, so timelines, completion dates, the rows' own times and the audit journal are what the real use would have
left. Steps after today are not taken: what is due later stays open. The data says who does what and when; this
module only takes the steps. Idempotent: nothing is done if any task exists.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import itertools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import transaction

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.demo.paths import DATA_DIR
from sauro.demo.timing import DAY_STARTS, clock_at
from sauro.org.models import Unit
from sauro.tasks.choices import RequestState
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task
from sauro.tasks.recurrence import run_generation
from sauro.tasks.services import (
    extension_request_create,
    extension_request_decide,
    reassignment_request_create,
    reassignment_request_decide,
    task_accept,
    task_approve,
    task_cancel,
    task_create,
    task_issue,
    task_return,
    task_submit,
)

TASKS_FILE = DATA_DIR / "tasks.json"
SEED = 20260109  # the date of the notice of conclusions the demo is built around (seeds the recurring instances)
SECONDS_BETWEEN_STEPS = 150  # steps of one day are spread over the working day, in the order they happen
ERR_MISSING = "Dữ liệu mẫu nhiệm vụ cần {what} “{name}” của dữ liệu mẫu tổ chức; hãy nạp lại dữ liệu mẫu."

# The organisation, as the demo loader names it (used by the monitoring demo and the tests).
AGENCIES = ("VPTU", "BTCTU", "UBKTTU", "BTGDVTU", "BNCTU", "TCT", "DUCQD", "DUUBND", "BHUE")
STANDING = "TTTU"  # Thường trực Thành ủy: the authority for the agencies' tasks
STANDING_APPROVER = "pbtthuongtruc"

DRAFT, ISSUED, IN_PROGRESS, SUBMITTED, RETURNED, DONE, CANCELLED = (
    "draft",
    "issued",
    "in_progress",
    "submitted",
    "returned",
    "done",
    "cancelled",
)


def agency_acceptor(code: str) -> str:
    """Who heads the agency as a unit (the office's chief holds the monitor role, his deputy the unit's)."""
    return {"VPTU": "vptu.pho1", "BTCTU": "bantochuc"}.get(code, f"{code.lower()}.truong")


@dataclass(frozen=True)
class Extension:
    to: datetime.date
    granted: bool
    reason: str


@dataclass(frozen=True)
class Recurring:
    every: str
    day: int
    month: int | None


@dataclass(frozen=True)
class Spec:
    """One demo task and the course it takes (see ``about`` in ``data/tasks.json``)."""

    key: str
    title: str
    content: str
    product_kind: str
    product: str
    owner: str
    lead: str
    authority: str
    drafter: str
    responsible: str
    acceptor: str
    approver: str
    issue_on: datetime.date | None
    due: datetime.date | None
    supervisor: str | None = None
    coordinating: tuple[str, ...] = ()
    officers: tuple[str, ...] = ()
    directive: str = ""
    source: str = ""  # the sentence itself (the data names it by key)
    parent: str = ""
    outcome: str = DONE
    late: int = 0
    early: int = 2
    return_reasons: tuple[str, ...] = ()
    extension: Extension | None = None
    bounce_to: tuple[str, ...] = ()
    keep_ahead: bool = False
    ongoing: str = ""
    recurrence: Recurring | None = None
    cancel_reason: str = ""
    focus: bool = False
    omit: tuple[str, ...] = ()
    drafted_before: int = 0
    accept_after: int = 1
    approve_after: int = 1


@dataclass(frozen=True)
class TasksData:
    year: int
    drafted_on: datetime.date
    directives: dict[str, tuple[str, str]]
    product_refs: dict[str, str]
    sentences: dict[str, str]
    specs: tuple[Spec, ...]


def _spec(row: dict[str, Any], sentences: dict[str, str]) -> Spec:
    known = {f.name for f in fields(Spec)}
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"Unknown fields in demo task {row.get('key')}: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name, value in row.items():
        if name in ("issue_on", "due"):
            value = datetime.date.fromisoformat(value) if value else None
        elif name in ("coordinating", "officers", "bounce_to", "omit", "return_reasons"):
            value = tuple(value)
        elif name == "extension":
            value = Extension(datetime.date.fromisoformat(value["to"]), bool(value["granted"]), value["reason"])
        elif name == "recurrence":
            value = Recurring(value["every"], int(value["day"]), value["month"])
        elif name == "source":
            value = sentences[value]
        values[name] = value
    return Spec(**values)


@functools.cache
def tasks_data() -> TasksData:
    raw: dict[str, Any] = json.loads(TASKS_FILE.read_text(encoding="utf-8"))
    sentences: dict[str, str] = raw["sentences"]
    return TasksData(
        year=int(raw["year"]),
        drafted_on=datetime.date.fromisoformat(raw["drafted_on"]),
        directives={key: (d["kind"], d["issuer"]) for key, d in raw["directives"].items()},
        product_refs=raw["product_refs"],
        sentences=sentences,
        specs=tuple(_spec(row, sentences) for row in raw["tasks"]),
    )


def seed_sentences() -> tuple[str, ...]:
    """The sentences of the January 2026 conclusion that demo tasks quote."""
    return tuple(tasks_data().sentences.values())


@dataclass
class DemoTasksResult:
    created: bool
    tasks: int = 0
    seconds: float = 0.0
    skipped_reason: str = ""


@dataclass
class _Directory:
    """The demo's units and people, fetched once; a missing one is named in Vietnamese."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Directory:
        return cls(
            units={u.code: u for u in Unit.objects.filter(valid_to__isnull=True)},
            users={u.username: u for u in User.objects.filter(is_active=True)},
        )

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise LookupError(ERR_MISSING.format(what="đơn vị", name=code)) from None

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise LookupError(ERR_MISSING.format(what="tài khoản", name=username)) from None


Step = tuple[datetime.date, int, Callable[[], None]]


class _Year:
    """Every step of every demo task, taken in date order with the clock set to the step's day."""

    def __init__(self, now: datetime.date, people: _Directory, directives: dict[str, int], data: TasksData) -> None:
        self.now = now
        self.people = people
        self.directives = directives
        self.data = data
        self.cal: WorkCalendar = current_calendar()
        self.heap: list[Step] = []
        self.order = itertools.count()
        self.steps_on: dict[datetime.date, int] = {}
        self.tasks: dict[str, Task] = {}
        self.template_specs: dict[int, Spec] = {}
        self.refs: dict[tuple[str, str], int] = {}

    # dates
    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def snap(self, day: datetime.date) -> datetime.date:
        return self.cal.deadline_on_or_after(day)

    def at(self, day: datetime.date, action: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (day, next(self.order), action))

    def run(self) -> None:
        while self.heap:
            day, _, action = heapq.heappop(self.heap)
            if day > self.now:
                break
            n = self.steps_on.get(day, 0)
            self.steps_on[day] = n + 1
            start = datetime.datetime.combine(day, DAY_STARTS)
            moment = (start + datetime.timedelta(seconds=n * SECONDS_BETWEEN_STEPS)).time()
            with clock_at(day, moment):
                action()

    # the course of one task
    def fields(self, spec: Spec, due: datetime.date | None) -> dict[str, Any]:
        unit = self.people.unit
        user = self.people.user
        values: dict[str, Any] = {
            "title": spec.title,
            "content": spec.content,
            "source_paragraph": spec.source,
            "directive": self.directives.get(spec.directive),
            "lead_unit": unit(spec.lead).pk,
            "coordinating_units": [unit(c).pk for c in spec.coordinating if c != spec.lead],
            "responsible_person": user(spec.responsible).pk,
            "supervising_leader": user(spec.supervisor).pk if spec.supervisor else None,
            "product_kind": spec.product_kind,
            "product_description": spec.product,
            "authority_unit": unit(spec.authority).pk,
            "due_date": due,
        }
        if spec.focus:
            values["is_focus"] = True
        if spec.ongoing:
            values.update(is_ongoing=True, review_cadence=spec.ongoing, due_date=None)
        if spec.recurrence:
            r = spec.recurrence
            values.update(recurrence=r.every, recurrence_day=r.day, recurrence_month=r.month)
        for name in spec.omit:
            values.pop(name, None)
        return values

    def plan(self, spec: Spec) -> None:
        due = spec.due
        if spec.keep_ahead and due is not None:
            due = max(due, self.wd(self.now, 15))
        if spec.issue_on is None:  # a draft still waiting for its gaps to be filled
            self.at(min(self.snap(self.data.drafted_on), self.now), lambda: self.create(spec, due))
            return
        issue = self.snap(spec.issue_on)
        # A sub-task is drafted the day it is given (its parent must already be under way).
        created = issue if spec.parent else self.wd(issue, -spec.drafted_before)
        self.at(created, lambda: self.create(spec, due))
        if spec.outcome == DRAFT:
            return
        self.at(issue, lambda: self.issue(spec))
        t = issue
        for proposed in spec.bounce_to:
            t = self.wd(t, 2)
            self.at(t, functools.partial(self.propose_reassignment, spec, proposed))
            t = self.wd(t, 2)
            self.at(t, lambda: self.refuse_reassignment(spec))
        if spec.outcome == ISSUED:
            return
        t = self.wd(t, spec.accept_after)
        accepted = t
        self.at(t, lambda: self.accept(spec))
        if spec.recurrence:
            return
        deadline = self.snap(due) if due else None
        if spec.extension and deadline is not None:
            extension = spec.extension
            ask = max(self.wd(deadline, -4), self.wd(accepted, 1))
            self.at(ask, lambda: self.ask_extension(spec, extension))
            self.at(self.wd(ask, 2), lambda: self.decide_extension(spec, extension.granted))
            if extension.granted:
                deadline = self.snap(extension.to)
        if spec.outcome == IN_PROGRESS or deadline is None:
            return
        if spec.outcome == CANCELLED:
            self.at(self.wd(accepted, 10), lambda: self.cancel(spec))
            return
        final = self.wd(deadline, spec.late) if spec.late else self.wd(deadline, -spec.early)
        rounds = len(spec.return_reasons)
        first = self.wd(final, -5 * rounds) if rounds else final
        first = max(first, self.wd(accepted, 1))
        t = first
        for reason in spec.return_reasons:
            self.at(t, lambda: self.submit(spec))
            t = self.wd(t, 2)
            self.at(t, functools.partial(self.send_back, spec, reason))
            t = self.wd(t, 3)
        if spec.outcome == RETURNED:
            return
        final = max(final, t)
        self.at(final, lambda: self.submit(spec))
        if spec.outcome == SUBMITTED:
            return
        self.at(self.wd(final, spec.approve_after), lambda: self.approve(spec))

    # the services, as the people concerned
    def create(self, spec: Spec, due: datetime.date | None) -> None:
        parent = self.tasks[spec.parent] if spec.parent else None
        task = task_create(
            acting_user=self.people.user(spec.drafter),
            owner_unit=self.people.unit(spec.owner),
            parent=parent,
            fields=self.fields(spec, due),
        )
        self.tasks[spec.key] = task
        if spec.recurrence:
            self.template_specs[task.pk] = spec

    def issue(self, spec: Spec) -> None:
        task_issue(acting_user=self.people.user(spec.drafter), task=self.tasks[spec.key])

    def accept(self, spec: Spec, task: Task | None = None) -> None:
        officers = [self.people.user(o).pk for o in spec.officers]
        task_accept(
            acting_user=self.people.user(spec.acceptor), task=task or self.tasks[spec.key], officer_ids=officers
        )

    def product_ref(self, spec: Spec, issuer: str) -> str:
        code = self.data.product_refs.get(spec.product_kind)
        if code is None:
            return ""
        n = self.refs.get((code, issuer), 0) + 1
        self.refs[(code, issuer)] = n
        return f"Số {n:02d}-{code}/{issuer}" if code != "DT" else f"Dự thảo lần {n} – {issuer}"

    def submit(self, spec: Spec, task: Task | None = None) -> None:
        task = task or self.tasks[spec.key]
        issuer = spec.lead.split("-")[0] if not spec.lead.startswith(("P-", "X-")) else "ĐU"
        task_submit(
            acting_user=self.people.user(spec.responsible),
            task=task,
            product_note=f"{spec.product}.",
            product_ref=self.product_ref(spec, issuer),
        )

    def approve(self, spec: Spec, task: Task | None = None) -> None:
        task_approve(
            acting_user=self.people.user(spec.approver),
            task=task or self.tasks[spec.key],
            note="Thống nhất nội dung sản phẩm.",
        )

    def send_back(self, spec: Spec, reason: str) -> None:
        task_return(acting_user=self.people.user(spec.approver), task=self.tasks[spec.key], reason=reason)

    def cancel(self, spec: Spec) -> None:
        task_cancel(acting_user=self.people.user(spec.approver), task=self.tasks[spec.key], reason=spec.cancel_reason)

    def ask_extension(self, spec: Spec, extension: Extension) -> None:
        extension_request_create(
            acting_user=self.people.user(spec.responsible),
            task=self.tasks[spec.key],
            new_due_date=extension.to,
            reason=extension.reason,
        )

    def decide_extension(self, spec: Spec, granted: bool) -> None:
        request = ExtensionRequest.objects.get(task=self.tasks[spec.key], state=RequestState.PENDING)
        note = "Đồng ý gia hạn; không gia hạn thêm." if granted else "Không đồng ý gia hạn; khẩn trương hoàn thành."
        extension_request_decide(
            acting_user=self.people.user(spec.approver), request=request, approve=granted, note=note
        )

    def propose_reassignment(self, spec: Spec, proposed: str) -> None:
        reason = {
            "UBKTTU": "Nội dung đơn liên quan trách nhiệm của đảng viên; đề nghị Ủy ban Kiểm tra Thành ủy chủ trì.",
        }.get(proposed, "Vụ việc phát sinh trên địa bàn phường; đề nghị Đảng ủy phường chủ trì giải quyết.")
        reassignment_request_create(
            acting_user=self.people.user(spec.acceptor),
            task=self.tasks[spec.key],
            proposed_unit_id=self.people.unit(proposed).pk,
            reason=reason,
        )

    def refuse_reassignment(self, spec: Spec) -> None:
        request = ReassignmentRequest.objects.get(task=self.tasks[spec.key], state=RequestState.PENDING)
        reassignment_request_decide(
            acting_user=self.people.user(spec.approver),
            request=request,
            approve=False,
            note="Nội dung thuộc chức năng của đơn vị chủ trì hiện tại; đơn vị được đề nghị tham gia phối hợp.",
        )

    # recurring tasks: the system makes the month's instances; the agencies then report
    def generate(self) -> None:
        result = run_generation(as_of=clock.today())
        for instance in Task.objects.filter(pk__in=result.created).order_by("id"):
            template_id = instance.recurrence_template_id
            spec = self.template_specs.get(template_id) if template_id else None
            if spec is not None:
                self.plan_instance(spec, instance)

    def plan_instance(self, spec: Spec, instance: Task) -> None:
        rng = random.Random(f"{SEED}-{spec.key}-{instance.period_key}")  # noqa: S311 — demo data
        issued = instance.issued_on or clock.today()
        deadline = instance.deadline or self.snap(instance.due_date or issued)
        accepted = self.wd(issued, rng.choice((1, 1, 2)))
        self.at(accepted, lambda: self.accept(spec, instance))
        roll = rng.random()
        if deadline.month == 11 and deadline.year == self.data.year and roll < 0.3:
            return  # this month's report is still being written
        if roll < 0.12:
            submitted = self.wd(deadline, rng.randint(1, 4))
        else:
            submitted = max(self.wd(deadline, -rng.randint(0, 3)), self.wd(accepted, 1))
        self.at(submitted, lambda: self.submit(spec, instance))
        self.at(self.wd(submitted, rng.choice((1, 2))), lambda: self.approve(spec, instance))


def _first_working_days(year: _Year) -> list[datetime.date]:
    """The first working day of each month of the demo year up to today: when the worker makes the instances."""
    days = [year.snap(datetime.date(year.data.year, month, 1)) for month in range(1, 13)]
    return [day for day in days if day <= year.now]


def _directive_ids(data: TasksData) -> dict[str, int]:
    from sauro.directives.models import Directive

    found: dict[str, int] = {}
    for key, (kind, issuer) in data.directives.items():
        pk = (
            Directive.objects.filter(kind=kind, issuer_code=issuer, number=1)
            .order_by("-issued_on")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            found[key] = pk
    return found


def load_demo_tasks(progress: Callable[[str], None] | None = None) -> DemoTasksResult:
    """Load the demo tasks in one transaction; does nothing if any task exists or the demo organisation is missing."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    with transaction.atomic():
        if Task.objects.exists():
            return DemoTasksResult(created=False, skipped_reason="Đã có nhiệm vụ: giữ nguyên.")
        if not Unit.objects.filter(code="TU").exists():
            return DemoTasksResult(created=False, skipped_reason="Chưa có tổ chức mẫu (Thành ủy Huế, mã TU).")
        data = tasks_data()
        year = _Year(clock.today(), _Directory.load(), _directive_ids(data), data)
        templates = sum(1 for spec in data.specs if spec.recurrence)
        say(
            f"Đang tạo nhiệm vụ mẫu năm {data.year}: {len(data.specs)} nhiệm vụ và các kỳ của {templates} nhiệm vụ "
            "định kỳ, qua từng bước giao, tiếp nhận, gửi và duyệt sản phẩm…"
        )
        for spec in data.specs:
            year.plan(spec)
        for day in _first_working_days(year):
            year.at(day, year.generate)
        year.run()
        count = Task.objects.count()
    seconds = time.monotonic() - started
    say(f"Đã tạo {count} nhiệm vụ mẫu trong {seconds:.1f} giây.")
    return DemoTasksResult(created=True, tasks=count, seconds=seconds)
