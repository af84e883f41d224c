"""Recurring tasks (nhiệm vụ định kỳ): one issued template, one issued instance per period.

A template is an issued task with ``recurrence`` set (monthly, quarterly, yearly) and a concrete due day:
``recurrence_day`` (1–31) and, for quarterly tasks, ``recurrence_month`` as the month of the quarter (1–3) or, for
yearly tasks, the month of the year (1–12). A template with no ``recurrence_day`` is due on the last day of its
month; a quarterly one with no month, in the last month of the quarter; a yearly one with no month, in December.

For each period an instance is created by the system as the lead unit would receive any task: a draft copied from
the template (its six clears, the title followed by the period, e.g. "… (tháng 3/2026)") written by
``task_create`` with the template's drafter as acting user, then issued by ``task_issue`` — so the six clears are
checked again (a responsible person who has left makes the instance stay a draft, visible to the drafting unit
with its gap named) and each step has its timeline event and audit entry.

The due date of an instance is the due day in the period's due month, clamped to the month's length (the 31st is
28 or 29 February), then moved to the next working day if it falls on a day off (Bộ luật Dân sự Điều 148 khoản 5,
``common.calendar.deadline_on_or_after``): a due day of 17 February 2026 (Tết) becomes 23 February 2026.

Never twice: the database holds at most one instance per (template, period) (the unique constraint
``task_one_instance_per_period``). Each instance is written in its own transaction; two workers creating the same
instance at once both try, one insert waits for the other's commit and fails with ``IntegrityError``, its
savepoint is rolled back and it counts as already there.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import deadline_on_or_after
from sauro.common.errors import ServiceError
from sauro.tasks.choices import OPEN_STATES, Recurrence
from sauro.tasks.models import Task
from sauro.tasks.services import task_create, task_issue

logger = logging.getLogger(__name__)

ROMAN_QUARTERS = ("I", "II", "III", "IV")
TITLE_MAX_LENGTH = Task._meta.get_field("title").max_length or 300
RECURRING = (Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY)
PERIODS_PER_YEAR: dict[str, int] = {Recurrence.MONTHLY: 12, Recurrence.QUARTERLY: 4, Recurrence.YEARLY: 1}
ERR_NOT_RECURRING = "Nhiệm vụ không lặp lại theo kỳ."
ERR_BAD_PERIOD_KEY = "Kỳ “{key}” không hợp lệ."


@dataclass(frozen=True, order=True)
class Period:
    """One period of a recurrence: a month (index 1–12), a quarter (1–4) or a year (index 1)."""

    recurrence: str
    year: int
    index: int

    def __post_init__(self) -> None:
        last = PERIODS_PER_YEAR.get(self.recurrence)
        if last is None:
            raise ValueError(ERR_NOT_RECURRING)
        if not (1 <= self.index <= last and 1 <= self.year <= 9999):
            raise ValueError(ERR_BAD_PERIOD_KEY.format(key=f"{self.year}/{self.index}"))

    @classmethod
    def containing(cls, recurrence: str, day: datetime.date) -> Period:
        if recurrence == Recurrence.MONTHLY:
            return cls(recurrence, day.year, day.month)
        if recurrence == Recurrence.QUARTERLY:
            return cls(recurrence, day.year, (day.month - 1) // 3 + 1)
        if recurrence == Recurrence.YEARLY:
            return cls(recurrence, day.year, 1)
        raise ValueError(ERR_NOT_RECURRING)

    @classmethod
    def from_key(cls, recurrence: str, key: str) -> Period:
        """The period of ``period_key``: ``2026-03``, ``2026Q1`` or ``2026``."""
        try:
            if recurrence == Recurrence.MONTHLY:
                year, month = key.split("-")
                period = cls(recurrence, int(year), int(month))
            elif recurrence == Recurrence.QUARTERLY:
                year, quarter = key.split("Q")
                period = cls(recurrence, int(year), int(quarter))
            elif recurrence == Recurrence.YEARLY:
                period = cls(recurrence, int(key), 1)
            else:
                raise ValueError(ERR_NOT_RECURRING)
        except ValueError as e:
            raise ValueError(ERR_BAD_PERIOD_KEY.format(key=key)) from e
        if period.key != key:
            raise ValueError(ERR_BAD_PERIOD_KEY.format(key=key))
        return period

    @property
    def key(self) -> str:
        if self.recurrence == Recurrence.MONTHLY:
            return f"{self.year:04d}-{self.index:02d}"
        if self.recurrence == Recurrence.QUARTERLY:
            return f"{self.year:04d}Q{self.index}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """How the period is written in a title: ``tháng 3/2026``, ``quý I/2026``, ``năm 2026``."""
        if self.recurrence == Recurrence.MONTHLY:
            return f"tháng {self.index}/{self.year}"
        if self.recurrence == Recurrence.QUARTERLY:
            return f"quý {ROMAN_QUARTERS[self.index - 1]}/{self.year}"
        return f"năm {self.year}"

    @property
    def months(self) -> tuple[int, ...]:
        if self.recurrence == Recurrence.MONTHLY:
            return (self.index,)
        if self.recurrence == Recurrence.QUARTERLY:
            first = (self.index - 1) * 3 + 1
            return (first, first + 1, first + 2)
        return tuple(range(1, 13))

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> datetime.date:
        month = self.months[-1]
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def next(self) -> Period:
        return Period.containing(self.recurrence, self.last_day + datetime.timedelta(days=1))


def period_key(recurrence: str, day: datetime.date) -> str:
    """The key of the period containing ``day``: ``2026-03`` (monthly), ``2026Q1`` (quarterly), ``2026`` (yearly)."""
    return Period.containing(recurrence, day).key


def _due_month(template: Task, period: Period) -> int:
    if period.recurrence == Recurrence.MONTHLY:
        return period.index
    if period.recurrence == Recurrence.QUARTERLY:
        month_of_quarter = min(max(template.recurrence_month or 3, 1), 3)
        return period.months[month_of_quarter - 1]
    return min(max(template.recurrence_month or 12, 1), 12)


def nominal_due_date(template: Task, period: Period | str) -> datetime.date:
    """The template's due day in the period, clamped to the month's length (before the working-day rule)."""
    if isinstance(period, str):
        period = Period.from_key(template.recurrence, period)
    month = _due_month(template, period)
    last = calendar.monthrange(period.year, month)[1]
    day = min(template.recurrence_day or last, last)
    return datetime.date(period.year, month, day)


def instance_due_date(template: Task, period: Period | str) -> datetime.date:
    """The due date of the template's instance for ``period`` (a ``Period`` or its key).

    The due day clamped to the month (31 → 28/29 February, 30 April …), then moved to the next working day when
    it is a day off.
    """
    return deadline_on_or_after(nominal_due_date(template, period))


def instance_title(template: Task, period: Period) -> str:
    suffix = f" ({period.label})"
    return template.title[: TITLE_MAX_LENGTH - len(suffix)].rstrip() + suffix


def _active_person(person: User | None) -> int | None:
    return person.pk if person is not None and person.is_active else None


def instance_fields(template: Task, period: Period, due_date: datetime.date) -> dict[str, Any]:
    """The draft fields of an instance: the template's six clears, its source, and the period's due date."""
    return {
        "title": instance_title(template, period),
        "content": template.content,
        "source_paragraph": template.source_paragraph,
        "directive": template.directive_id,
        "weight": template.weight,
        "classification": template.classification,
        # rõ người, rõ trách nhiệm. A person or unit no longer active is left out: the instance then stays a draft
        # with that gap named (or simply goes without an optional officer or coordinator).
        "responsible_person": _active_person(template.responsible_person),
        "supervising_leader": _active_person(template.supervising_leader),
        "lead_unit": template.lead_unit_id,
        "coordinating_units": [u.pk for u in template.coordinating_units.all() if u.valid_to is None],
        "officers": [p.pk for p in template.officers.all() if p.is_active],
        "cleared_people": [p.pk for p in template.cleared_people.all() if p.is_active],
        # rõ thời gian: a concrete date, not the template's cadence
        "due_date": due_date,
        "is_ongoing": False,
        "review_cadence": "",
        "recurrence": "",
        # rõ sản phẩm, rõ thẩm quyền
        "product_kind": template.product_kind,
        "product_description": template.product_description,
        "authority_unit": template.authority_unit_id,
    }


@dataclass
class GenerationResult:
    """What one run did: instances issued, instances left as drafts (a clear no longer holds), failures."""

    created: list[int] = field(default_factory=list)
    left_as_draft: list[int] = field(default_factory=list)
    already_there: int = 0
    skipped: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.created) + len(self.left_as_draft)


def due_templates(as_of: datetime.date) -> list[Task]:
    """Issued recurring templates whose period containing ``as_of`` has no instance yet (one query + prefetch)."""
    missing = Q(pk__in=[])
    for recurrence in RECURRING:
        key = period_key(recurrence, as_of)
        has_instance = Task.objects.filter(recurrence_template=OuterRef("pk"), period_key=key)
        missing |= Q(recurrence=recurrence) & ~Q(Exists(has_instance))
    return list(
        Task.objects.filter(
            missing,
            recurrence_template__isnull=True,
            state__in=OPEN_STATES,
            issued_on__lte=as_of,
        )
        .select_related("owner_unit", "created_by", "responsible_person", "supervising_leader")
        .prefetch_related("coordinating_units", "officers", "cleared_people")
        .order_by("id")
    )


def generate_for_template(
    template: Task, *, as_of: datetime.date, acting_user: User | None, result: GenerationResult
) -> Task | None:
    """Create and issue the instance of ``template`` for the period containing ``as_of``, if it is due."""
    period = Period.containing(template.recurrence, as_of)
    due = instance_due_date(template, period)
    # An instance whose due date has passed would be born overdue (and fail "rõ thời gian"): the next one will come.
    if due < clock.today() or (template.issued_on and due < template.issued_on):
        result.skipped += 1
        return None
    actor = acting_user or template.created_by
    issued = True
    try:
        # One transaction per instance. A lost race is harmless: the unique constraint refuses the twin's insert
        # (it waits for the winner's commit first), this transaction — with its audit entries — is rolled back,
        # and the run goes on with the next template.
        with transaction.atomic():
            instance = task_create(
                acting_user=actor,
                owner_unit=template.owner_unit,
                fields=instance_fields(template, period, due),
                recurrence_template=template,
                period_key=period.key,
            )
            try:
                with transaction.atomic():
                    instance = task_issue(acting_user=actor, task=instance)
            except ServiceError as e:
                # The draft stays, linked to its period: the drafting unit sees it with the gap named and issues it.
                logger.warning("Nhiệm vụ định kỳ %s (%s) còn ở dạng dự thảo: %s", instance.pk, period.key, e.message)
                issued = False
    except IntegrityError:
        result.already_there += 1
        return None
    except ServiceError as e:
        logger.warning("Không tạo được nhiệm vụ định kỳ từ nhiệm vụ %s (%s): %s", template.pk, period.key, e.message)
        result.failed.append((template.pk, e.message))
        return None
    (result.created if issued else result.left_as_draft).append(instance.pk)
    return instance


def run_generation(*, as_of: datetime.date, acting_user: User | None = None) -> GenerationResult:
    """Create the instances due for ``as_of``; see ``generate_instances``."""
    result = GenerationResult()
    for template in due_templates(as_of):
        generate_for_template(template, as_of=as_of, acting_user=acting_user, result=result)
    return result


def generate_instances(*, as_of: datetime.date, acting_user: User | None = None) -> int:
    """For every issued recurring template whose period containing ``as_of`` has no instance, create it.

    The acting user is ``acting_user`` or, by default, the template's drafter. Safe to run any number of times, by
    any number of workers at once. Returns how many instances were created (issued, or left as drafts when a clear
    no longer holds).
    """
    return run_generation(as_of=as_of, acting_user=acting_user).count
