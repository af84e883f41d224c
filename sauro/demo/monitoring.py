"""Demo monitoring for the Huế demo: progress updates, obstacles and their answers, delivery confidence.

What is there, on the demo tasks (``sauro.demo.tasks``) that are still open (the texts: ``data/monitoring.json``):
- most tasks under way carry one to four progress updates written by the people working on them, in Vietnamese and
  about the task's subject (counts of units, files, households … rising with the percent), some with indicators;
  a task whose product was sent back is updated with what was corrected;
- about one task under way in twelve has an obstacle with its proposal, addressed to the task's authority (or, for a
  commune's own task, to Thường trực Thành ủy, which acts for the commune's parent committee); about half are
  answered by a leader of the body asked, the rest are open — one still within its response time, the others past
  their response date (the daily reminder pass escalates them);
- the office (``vanphong``) rates delivery confidence on about three open tasks in ten, some twice (a trend);
- the browser journey's task: a task of Ban Tổ chức for Thường trực Thành ủy, in progress, with ``chuyenvien.btc``
  assigned (``JOURNEY_TITLE``; ``journey_task()`` finds it) and no obstacle yet.

How: every write goes through the services (``progress_update_create``, ``obstacle_create``, ``obstacle_answer``,
``confidence_rate``; the journey task through the task services) as the people concerned, with the clock set to the
day of the step (``sauro.demo.timing.clock_at``), every step taken in date order. A task's steps fall after its last
event of the task demo (its acceptance, return or submission) and before today, so timelines and the journal read as
real use would have left them. Deterministic (seeded RNG) for a given today; idempotent: nothing is done if any
progress update, obstacle or rating exists, or the journey task does.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.demo.paths import DATA_DIR
from sauro.demo.tasks import SEED as TASKS_SEED
from sauro.demo.tasks import STANDING, STANDING_APPROVER, agency_acceptor
from sauro.demo.timing import clock_at
from sauro.monitoring import conf
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate
from sauro.monitoring.services import confidence_rate, obstacle_answer, obstacle_create, progress_update_create
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.tasks.choices import CONFIDENCE_ORDER, Confidence, EventKind, ProductKind, TaskState
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import task_accept, task_create, task_issue

SEED = f"{TASKS_SEED}-monitoring"
MONITOR = "vanphong"
UPDATABLE = (TaskState.IN_PROGRESS, TaskState.RETURNED)
RATEABLE = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED)
OBSTACLE_SHARE = 0.08
RATED_SHARE = 0.30
RATED_TWICE_SHARE = 0.4
UPDATED_SHARE = 0.85

# --- What people write, by subject (``data/monitoring.json``) -----------------------------------------------------
# A stage of a task's work: the percent range reached, what was done, what comes next, and the indicators. Texts are
# ``str.format`` templates over the task's numbers (``Numbers``); a subject's stages are in the order work goes.


@dataclass(frozen=True)
class Stage:
    low: int
    high: int
    done: str
    next_steps: str = ""
    indicators: tuple[tuple[str, str, str], ...] = ()  # (name, value template, unit)


@dataclass(frozen=True)
class ObstacleText:
    description: str
    proposal: str
    answer: str


@dataclass(frozen=True)
class Subject:
    key: str
    words: tuple[str, ...]  # all must be in the title
    stages: tuple[Stage, ...]
    total: tuple[int, int] = (10, 20)  # the range of the task's count (units, files, households …)
    obstacle: ObstacleText | None = None


def _stage(raw: dict[str, Any]) -> Stage:
    indicators = tuple((i["name"], i["value"], i["unit"]) for i in raw.get("indicators", ()))
    return Stage(int(raw["low"]), int(raw["high"]), raw["done"], raw.get("next_steps", ""), indicators)


def _subject(raw: dict[str, Any]) -> Subject:
    obstacle = raw.get("obstacle")
    low, high = raw["total"]
    return Subject(
        key=raw["key"],
        words=tuple(raw["words"]),
        stages=tuple(_stage(s) for s in raw["stages"]),
        total=(int(low), int(high)),
        obstacle=ObstacleText(**obstacle) if obstacle else None,
    )


_DATA: dict[str, Any] = json.loads((DATA_DIR / "monitoring.json").read_text(encoding="utf-8"))
SUBJECTS: tuple[Subject, ...] = tuple(_subject(s) for s in _DATA["subjects"])
GENERIC = _subject(_DATA["generic"])
# A task whose product was sent back: what is corrected follows the reason given.
RETURN_FIXES: tuple[tuple[str, str], ...] = tuple((f["reason_has"], f["fix"]) for f in _DATA["return_fixes"])
RETURN_FIX_DEFAULT: str = _DATA["return_fix_default"]
RETURNED_STAGES = tuple(_stage(s) for s in _DATA["returned_stages"])
AFTER_ANSWER: str = _DATA["after_answer"]
AFTER_ANSWER_NEXT: str = _DATA["after_answer_next"]

# --- The browser journey's task ----------------------------------------------------------------------------------
_JOURNEY: dict[str, Any] = _DATA["journey"]
JOURNEY_TITLE: str = _JOURNEY["title"]
JOURNEY_OFFICER: str = _JOURNEY["officer"]
JOURNEY_LEAD: str = _JOURNEY["lead"]
JOURNEY_HEAD: str = _JOURNEY["head"]
JOURNEY_STAGES = tuple(_stage(s) for s in _JOURNEY["stages"])


def journey_task() -> Task | None:
    """The demo task of the obstacle journey: Ban Tổ chức leads, Thường trực Thành ủy decides, ``chuyenvien.btc``
    is assigned, it is in progress. Found by its title and those facts (its id differs from load to load)."""
    return (
        Task.objects.filter(
            title=JOURNEY_TITLE,
            state=TaskState.IN_PROGRESS,
            lead_unit__code=JOURNEY_LEAD,
            authority_unit__code=STANDING,
            officers__username=JOURNEY_OFFICER,
        )
        .order_by("id")
        .first()
    )


def subject_of(title: str) -> Subject:
    for subject in SUBJECTS:
        if all(word.lower() in title.lower() for word in subject.words):
            return subject
    return GENERIC


class Numbers(dict[str, Any]):
    """A task's numbers for the templates; ``part`` follows the percent of the stage being written."""

    @classmethod
    def draw(cls, subject: Subject, rng: random.Random) -> Numbers:
        total = rng.randint(*subject.total)
        letters = rng.randint(12, 40)
        return cls(
            total=total,
            letters=letters,
            visits=rng.randint(20, 60),
            dialog=rng.randint(3, 6),
            small=rng.randint(3, 7),
            items=rng.randint(28, 45),
            comments=rng.randint(8, 25),
            forms=rng.randint(300, 600),
            pages=total * rng.randint(25, 40),
            households=rng.randint(60, 180),
            points=rng.randint(4, 9),
            cases=rng.randint(6, 12),
            matters=rng.randint(3, 8),
            trial=rng.randint(1, 4),
            recovered=rng.randint(35, 60),
            pending=rng.randint(3, 6),
        )

    def at(self, percent: int) -> Numbers:
        """The numbers when ``percent`` is reached, written the Vietnamese way (8.036, not 8036)."""
        total = int(self["total"])
        part = min(total - 1, max(1, round(total * min(percent + 10, 100) / 100)))
        letters = int(self["letters"])
        solved = min(letters - 1, max(1, round(letters * percent / 100)))
        values = Numbers(
            self,
            part=part,
            solved=solved,
            checked=max(1, part - total // 10),
            signed=max(1, round(total * 0.6)),
            online=max(1, round(total * 0.45)),
            topics=max(1, min(5, round(5 * percent / 100))),
        )
        return Numbers({k: vn_number(v) if isinstance(v, int) else v for k, v in values.items()})


def vn_number(n: int) -> str:
    """``8036`` → ``8.036``: the dot groups thousands in Vietnamese."""
    return f"{n:,}".replace(",", ".")


def _indicators(stage: Stage, numbers: Numbers) -> list[dict[str, str]]:
    return [{"name": name, "value": value.format(**numbers), "unit": unit} for name, value, unit in stage.indicators]


# --- The plan ---------------------------------------------------------------------------------------------------


@dataclass
class DemoMonitoringResult:
    created: bool
    updates: int = 0
    obstacles: int = 0
    answered: int = 0
    ratings: int = 0
    journey_task_id: int | None = None
    seconds: float = 0.0
    skipped_reason: str = ""


Step = tuple[datetime.date, datetime.time, int, Callable[[], None]]


@dataclass
class _Open:
    """An open task as the task demo left it."""

    task: Task
    start: datetime.date  # the day of its last event: the monitoring steps come after it
    workers: list[str] = field(default_factory=list)


class _Monitoring:
    def __init__(self, today: datetime.date, rng: random.Random) -> None:
        self.today = today
        self.rng = rng
        self.cal: WorkCalendar = current_calendar()
        # The last working day before today: nothing is dated today (it may be morning yet).
        self.end = self.cal.add_working_days(today, -1)
        self.heap: list[Step] = []
        self.order = itertools.count()
        self.users: dict[str, User] = {}
        self.result = DemoMonitoringResult(created=True)
        self.obstacles: dict[int, Obstacle] = {}
        self.update_days: dict[int, list[datetime.date]] = {}

    # dates and people
    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def days(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The working days in ``[first, last]``."""
        out, day = [], self.cal.deadline_on_or_after(first)
        while day <= last:
            out.append(day)
            day = self.wd(day, 1)
        return out

    def user(self, username: str) -> User:
        user = self.users.get(username)
        if user is None:
            user = User.objects.get(username=username)
            self.users[username] = user
        return user

    def at(self, day: datetime.date, hour: int, action: Callable[[], None]) -> None:
        moment = datetime.time(hour, self.rng.randrange(0, 60, 5))
        heapq.heappush(self.heap, (day, moment, next(self.order), action))

    def run(self) -> None:
        while self.heap:
            day, moment, _, action = heapq.heappop(self.heap)
            with clock_at(day, moment):
                action()

    # what the task demo left open
    def open_tasks(self) -> list[_Open]:
        tasks = (
            Task.objects.filter(state__in=RATEABLE, recurrence="")
            .select_related("lead_unit__parent", "authority_unit", "responsible_person")
            .prefetch_related("officers")
            .annotate(last_event=Max("events__at"))
            .order_by("id")
        )
        out = []
        for task in tasks:
            last: datetime.datetime | None = task.last_event
            start = timezone.localdate(last) if last is not None else (task.state_since or self.today)
            workers = [task.responsible_person.username] if task.responsible_person else []
            workers += sorted(o.username for o in task.officers.all())
            out.append(_Open(task=task, start=start, workers=workers))
        return out

    # progress updates
    def plan_updates(
        self, item: _Open, count: int, stages: Sequence[Stage], numbers: Numbers, fmt: dict[str, str]
    ) -> None:
        window = self.days(self.wd(item.start, 1), self.end)
        count = min(count, len(stages), len(window))
        if count <= 0 or not item.workers:
            return
        chosen = sorted(self.rng.sample(range(len(stages)), count))
        # Most units report within two working days of the start; the rest of the updates spread to today.
        first = window[: min(2, len(window))] if self.rng.random() < 0.6 else window
        days = {self.rng.choice(first)}
        tries = 0
        while len(days) < count and tries < 100:
            days.add(self.rng.choice(window))
            tries += 1
        self.update_days[item.task.pk] = sorted(days)
        for day, index in zip(sorted(days), chosen, strict=False):
            stage = stages[index]
            percent = self.rng.randint(stage.low, stage.high)
            values = numbers.at(percent)
            author = item.workers[0] if len(item.workers) == 1 or self.rng.random() < 0.6 else item.workers[1]
            self.at(
                day,
                self.rng.choice((8, 9, 10, 14, 15)),
                self._update_action(item.task, author, stage, percent, values, fmt),
            )

    def _update_action(
        self, task: Task, author: str, stage: Stage, percent: int, values: Numbers, fmt: dict[str, str]
    ) -> Callable[[], None]:
        def act() -> None:
            # Never below what was reported before (a follow-up of an answered obstacle may have come first).
            current = Task.objects.filter(pk=task.pk).values_list("progress", flat=True).get()
            progress_update_create(
                acting_user=self.user(author),
                task=task,
                done=stage.done.format(**values, **fmt),
                next_steps=stage.next_steps.format(**values, **fmt),
                percent=max(percent, min(95, current + 2)),
                indicators=_indicators(stage, values),
            )
            self.result.updates += 1

        return act

    # obstacles
    def decider(self, task: Task) -> Unit:
        """The task's authority; for a commune's own task (authority = lead unit) the standing body of the parent
        committee, which decides for it."""
        authority = task.authority_unit
        lead = task.lead_unit
        if authority is not None and lead is not None and authority.pk != lead.pk:
            return authority
        parent = lead.parent if lead is not None else None
        standing = Unit.objects.filter(parent=parent, kind=UnitKind.STANDING, valid_to__isnull=True).order_by(
            "sort_order", "id"
        )
        found = standing.first()
        if found is None or parent is None:
            return authority or lead  # type: ignore[return-value]
        return found

    def answerer(self, unit: Unit) -> str:
        if unit.code == STANDING:
            return STANDING_APPROVER
        preferred = agency_acceptor(unit.code)
        heads = (
            Membership.objects.active_on(self.today)
            .filter(unit=unit, role__in=(Role.LEADER, Role.UNIT_HEAD), person__is_active=True)
            .order_by("person__username")
            .values_list("person__username", flat=True)
        )
        names = list(heads)
        return preferred if preferred in names else names[0]

    def plan_obstacle(self, item: _Open, text: ObstacleText, numbers: Numbers, outcome: str) -> bool:
        """Raise an obstacle on the task and, if ``outcome`` is "answered", answer it; "open" leaves it past its
        response date, "recent" raises it yesterday (still within the response time)."""
        task = item.task
        decider = self.decider(task)
        first = self.wd(item.start, 1)
        if outcome == "recent":
            raise_on = self.end
        elif outcome == "open":
            last = self.wd(self.today, -(conf.obstacle_response_days() + 3))
            window = self.days(first, last)
            if not window:
                return False
            raise_on = self.rng.choice(window[-25:])
        else:
            window = self.days(first, self.wd(self.end, -5))
            if not window:
                return False
            raise_on = self.rng.choice(window)
        if raise_on < first or not item.workers:
            return False
        self.obstacles[task.pk] = Obstacle()  # taken; the real one replaces it when raised
        lead = task.lead_unit
        level = "phường" if lead is not None and lead.kind == UnitKind.WARD else "xã"
        values = {**numbers.at(50), "decider": decider.name, "level": level}
        raiser = item.workers[0]
        description, proposal = text.description.format(**values), text.proposal.format(**values)

        def raise_it() -> None:
            obstacle = obstacle_create(
                acting_user=self.user(raiser),
                task=task,
                description=description,
                proposal=proposal,
                decider_unit_id=decider.pk,
            )
            self.obstacles[task.pk] = obstacle
            self.result.obstacles += 1

        self.at(raise_on, 10, raise_it)
        if outcome != "answered":
            return True
        answer_on = self.wd(raise_on, self.rng.choice((1, 2, 3, 4)))
        answer = text.answer.format(**values)
        answerer = self.answerer(decider)

        def answer_it() -> None:
            obstacle_answer(acting_user=self.user(answerer), obstacle=self.obstacles[task.pk], answer=answer)
            self.result.answered += 1

        self.at(answer_on, 16, answer_it)
        # The lead unit owes an update: given the next day or two, when that is not past today.
        follow = self.wd(answer_on, self.rng.choice((1, 2)))
        if follow <= self.end:
            stage = Stage(0, 0, AFTER_ANSWER, AFTER_ANSWER_NEXT)

            def follow_up() -> None:
                current = Task.objects.get(pk=task.pk).progress
                progress_update_create(
                    acting_user=self.user(raiser),
                    task=task,
                    done=stage.done.format(decider=decider.name),
                    next_steps=stage.next_steps,
                    percent=min(95, current + self.rng.randint(5, 10)),
                )
                self.result.updates += 1

            self.at(follow, 9, follow_up)
        return True

    # delivery confidence
    def plan_rating(self, item: _Open, twice: bool) -> None:
        window = self.days(self.wd(item.start, 1), self.end)
        if not window:
            return
        updates = self.update_days.get(item.task.pk, [])
        if twice and updates and updates[-1] > window[0]:
            # Before the last update and after it: the trend shows what the update changed.
            before = [d for d in window if d < updates[-1]]
            after = [d for d in window if d > updates[-1]] or [updates[-1]]
            dates = [self.rng.choice(before[-10:]), self.rng.choice(after[:10])]
        elif twice and len(window) >= 10:
            first = self.rng.choice(window[len(window) // 3 : -5])
            second = self.rng.choice([d for d in window if d >= self.wd(first, 5)])
            dates = [first, second]
        else:
            dates = [self.rng.choice(window[len(window) // 2 :])]
        for day in dates:
            self.at(day, 16, self._rate_action(item.task))

    def _rate_action(self, task: Task) -> Callable[[], None]:
        def act() -> None:
            current = Task.objects.select_related("lead_unit").get(pk=task.pk)
            level, note = assess(current, clock.today(), self.cal)
            confidence_rate(acting_user=self.user(MONITOR), task=current, level=level, note=note)
            self.result.ratings += 1

        return act

    # the journey's task
    def plan_journey(self) -> None:
        """Ban Tổ chức's task for Thường trực Thành ủy, with ``chuyenvien.btc`` assigned, a few weeks under way."""
        issue_on = self.wd(self.today, -28)
        created_on = self.wd(issue_on, -1)
        accepted_on = self.wd(issue_on, 1)
        due = self.wd(self.today, 20)
        units = {u.code: u for u in Unit.objects.filter(code__in=("VPTU", JOURNEY_LEAD, STANDING, "UBKTTU"))}
        from sauro.directives.models import Directive

        program = (
            Directive.objects.filter(kind="CTr", issuer_code="TU", number=1)
            .order_by("-issued_on")
            .values_list("pk", flat=True)
            .first()
        )
        holder: dict[str, Task] = {}

        def create() -> None:
            holder["task"] = task_create(
                acting_user=self.user(MONITOR),
                owner_unit=units["VPTU"],
                fields={
                    "title": JOURNEY_TITLE,
                    "content": _JOURNEY["content"],
                    "directive": program,
                    "lead_unit": units[JOURNEY_LEAD].pk,
                    "coordinating_units": [units["UBKTTU"].pk] if "UBKTTU" in units else [],
                    "responsible_person": self.user(JOURNEY_HEAD).pk,
                    "supervising_leader": self.user(STANDING_APPROVER).pk,
                    "product_kind": ProductKind.SUBMISSION,
                    "product_description": _JOURNEY["product"],
                    "authority_unit": units[STANDING].pk,
                    "due_date": due,
                },
            )
            self.result.journey_task_id = holder["task"].pk

        def issue() -> None:
            task_issue(acting_user=self.user(MONITOR), task=holder["task"])

        def accept() -> None:
            task_accept(
                acting_user=self.user(JOURNEY_HEAD),
                task=holder["task"],
                officer_ids=[self.user(JOURNEY_OFFICER).pk],
            )

        self.at(created_on, 9, create)
        self.at(issue_on, 9, issue)
        self.at(accepted_on, 9, accept)
        for day, stage in zip((self.wd(accepted_on, 2), self.wd(self.today, -4)), JOURNEY_STAGES, strict=True):
            percent = stage.high

            def update(stage: Stage = stage, percent: int = percent) -> None:
                progress_update_create(
                    acting_user=self.user(JOURNEY_OFFICER),
                    task=holder["task"],
                    done=stage.done,
                    next_steps=stage.next_steps,
                    percent=percent,
                    indicators=_indicators(stage, Numbers()),
                )
                self.result.updates += 1

            self.at(day, 15, update)

    # the whole plan
    def plan(self) -> None:
        rng = self.rng
        items = self.open_tasks()
        updatable = [i for i in items if i.task.state in UPDATABLE]
        numbers = {i.task.pk: Numbers.draw(subject_of(i.task.title), rng) for i in items}

        for item in updatable:
            if rng.random() > UPDATED_SHARE:
                continue  # a unit that has not reported (the reminders will nudge it)
            task = item.task
            fmt = {"product": task.get_product_kind_display().lower()}
            if task.state == TaskState.RETURNED:
                reason = (
                    TaskEvent.objects.filter(task=task, kind=EventKind.RETURNED)
                    .order_by("-at", "-id")
                    .values_list("note", flat=True)
                    .first()
                    or ""
                )
                fmt["fix"] = next((text for word, text in RETURN_FIXES if word in reason), RETURN_FIX_DEFAULT)
                self.plan_updates(item, rng.choice((1, 2, 2)), RETURNED_STAGES, numbers[task.pk], fmt)
            else:
                stages = subject_of(task.title).stages
                self.plan_updates(item, rng.choice((1, 2, 2, 3, 3, 4)), stages, numbers[task.pk], fmt)

        # Obstacles: on about one task under way in twelve, those with a subject-specific difficulty first.
        wanted = max(4, round(OBSTACLE_SHARE * len(updatable)))
        specific = [i for i in updatable if subject_of(i.task.title).obstacle is not None]
        rng.shuffle(specific)
        chosen = [i for i in specific if subject_of(i.task.title) is not GENERIC]
        chosen += [i for i in specific if i not in chosen]
        # One addressed to an agency over its department (not every obstacle goes to Thường trực Thành ủy).
        to_agency = next((i for i in chosen if _department_task(i.task)), None)
        if to_agency is not None:
            chosen.remove(to_agency)
            chosen.insert(0, to_agency)
        answered = (wanted + 1) // 2
        outcomes = ["answered"] * answered + ["recent"] + ["open"] * (wanted - answered - 1)
        # One obstacle per subject first (the same difficulty twice reads like a copy), then any.
        used: set[str] = set()
        planned = 0
        for distinct in (True, False):
            for item in chosen:
                subject = subject_of(item.task.title)
                if planned >= wanted or item.task.pk in self.obstacles or (distinct and subject.key in used):
                    continue
                text = subject.obstacle or GENERIC.obstacle
                if text is not None and self.plan_obstacle(item, text, numbers[item.task.pk], outcomes[planned]):
                    planned += 1
                    used.add(subject.key)

        # Confidence: the office rates about three open tasks in ten, some twice.
        rated = rng.sample(items, round(RATED_SHARE * len(items)))
        for item in sorted(rated, key=lambda i: i.task.pk):
            self.plan_rating(item, twice=rng.random() < RATED_TWICE_SHARE)

        self.plan_journey()


def _department_task(task: Task) -> bool:
    """A department's task for its agency: the authority is the lead unit's parent."""
    lead = task.lead_unit
    return lead is not None and lead.parent_id is not None and lead.parent_id == task.authority_unit_id


def assess(task: Task, day: datetime.date, cal: WorkCalendar) -> tuple[str, str]:
    """The office's reading of a task on ``day``: the confidence level and a note saying why."""
    if task.state == TaskState.SUBMITTED:
        return Confidence.GREEN, "Đã gửi sản phẩm, chờ thẩm quyền duyệt."
    if task.state == TaskState.ISSUED:
        waited = cal.working_days_between(task.issued_on or day, day)
        level = Confidence.AMBER if waited <= 10 else Confidence.AMBER_RED
        return level, f"Đơn vị chủ trì chưa tiếp nhận nhiệm vụ sau {waited} ngày làm việc."
    waiting = Obstacle.objects.filter(task=task, state=ObstacleState.OPEN).exists()
    progress = task.progress
    if task.deadline is None:
        if waiting:
            return Confidence.AMBER, "Đang chờ ý kiến về khó khăn, vướng mắc đơn vị đã báo cáo."
        return Confidence.GREEN, "Nhiệm vụ thường xuyên, đơn vị cập nhật đều."
    if day > task.deadline:
        late = cal.working_days_between(task.deadline, day)
        level = Confidence.RED if progress < 70 else Confidence.AMBER_RED
        return level, f"Quá hạn {late} ngày làm việc, tiến độ {progress}%; đề nghị đơn vị báo cáo thời hạn hoàn thành."
    start = task.accepted_on or task.issued_on or day
    span = max(1, cal.working_days_between(start, task.deadline))
    expected = round(100 * cal.working_days_between(start, day) / span)
    gap = expected - progress
    if gap <= -10:
        level, note = Confidence.GREEN, f"Tiến độ {progress}%, nhanh hơn thời gian đã qua (khoảng {expected}%)."
    elif gap <= 10:
        level, note = Confidence.GREEN, f"Tiến độ {progress}%, phù hợp thời gian đã qua (khoảng {expected}%)."
    elif gap <= 25:
        level, note = Confidence.GREEN_AMBER, f"Tiến độ {progress}%, chậm hơn thời gian đã qua (khoảng {expected}%)."
    elif gap <= 45:
        level, note = (
            Confidence.AMBER,
            f"Tiến độ {progress}% so với khoảng {expected}% thời gian đã qua; cần đẩy nhanh.",
        )
    else:
        level, note = Confidence.AMBER_RED, f"Tiến độ {progress}% so với khoảng {expected}% thời gian; nguy cơ trễ hạn."
    if waiting and level in (Confidence.GREEN, Confidence.GREEN_AMBER):
        level, note = Confidence.AMBER, f"{note} Đang chờ ý kiến về khó khăn, vướng mắc đã báo cáo."
    silent = cal.working_days_between(task.last_update_on or start, day)
    if silent > conf.no_update_days() and level != Confidence.RED:
        level = CONFIDENCE_ORDER[CONFIDENCE_ORDER.index(Confidence(level)) + 1]
        note = f"{note} Đã {silent} ngày làm việc chưa cập nhật tiến độ."
    return level, note


def load_demo_monitoring(progress: Callable[[str], None] | None = None) -> DemoMonitoringResult:
    """Load the demo monitoring in one transaction; does nothing if there is any already, or no demo tasks."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    with transaction.atomic():
        if (
            ProgressUpdate.objects.exists()
            or Obstacle.objects.exists()
            or ConfidenceRating.objects.exists()
            or Task.objects.filter(title=JOURNEY_TITLE).exists()
        ):
            return DemoMonitoringResult(created=False, skipped_reason="Đã có dữ liệu theo dõi: giữ nguyên.")
        needed = {MONITOR, STANDING_APPROVER, JOURNEY_HEAD, JOURNEY_OFFICER}
        if not Task.objects.exists() or User.objects.filter(username__in=needed).count() < len(needed):
            return DemoMonitoringResult(created=False, skipped_reason="Chưa có nhiệm vụ mẫu của dữ liệu mẫu Huế.")
        say("Đang tạo cập nhật tiến độ, khó khăn vướng mắc và đánh giá khả năng hoàn thành…")
        monitoring = _Monitoring(clock.today(), random.Random(SEED))  # noqa: S311 — demo data, not security
        monitoring.plan()
        monitoring.run()
        result = monitoring.result
    result.seconds = time.monotonic() - started
    say(
        f"Đã tạo {result.updates} cập nhật tiến độ, {result.obstacles} khó khăn vướng mắc ({result.answered} đã trả "
        f"lời), {result.ratings} đánh giá khả năng hoàn thành trong {result.seconds:.1f} giây."
    )
    return result
