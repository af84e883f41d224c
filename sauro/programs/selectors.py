"""Every read of work programs, through the gate of ``programs.access`` (another unit's program is a 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from sauro.accounts.models import User
from sauro.org.models import Unit
from sauro.org.restructuring import PREVIEW_LIST_LIMIT, PreviewGroup
from sauro.programs.access import programs_visible_to
from sauro.programs.choices import ROMAN_QUARTERS
from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task

LINKABLE_TASKS_LIMIT = 200


@dataclass(frozen=True)
class ProgramFilters:
    unit_id: int | None = None
    year: int | None = None


def program_list(*, user: User, filters: ProgramFilters | None = None) -> QuerySet[WorkProgram]:
    f = filters or ProgramFilters()
    qs = programs_visible_to(user)
    if f.unit_id is not None:
        qs = qs.filter(unit_id=f.unit_id)
    if f.year is not None:
        qs = qs.filter(year=f.year)
    return (
        qs.select_related("unit")
        .annotate(
            item_count=Count("items", distinct=True),
            task_count=Count("items", filter=Q(items__task__isnull=False), distinct=True),
        )
        .order_by("-year", "quarter", "unit__sort_order", "unit__name", "id")
    )


def program_years(*, user: User) -> list[int]:
    return list(programs_visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def program_get(*, user: User, program_id: int) -> WorkProgram:
    program = programs_visible_to(user).select_related("unit", "created_by").filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def program_items(*, program: WorkProgram) -> QuerySet[WorkProgramItem]:
    return program.items.select_related("lead_unit", "task").order_by("quarter", "month", "position", "id")


def item_get(*, user: User, program_id: int, item_id: int) -> WorkProgramItem:
    program = program_get(user=user, program_id=program_id)
    item = program.items.select_related("lead_unit", "task").filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.program = program
    return item


@dataclass(frozen=True)
class ItemGroup:
    label: str
    items: list[WorkProgramItem]


def _group_label(item: WorkProgramItem) -> str:
    if item.month is not None:
        return f"Tháng {item.month}"
    if item.quarter is not None:
        return f"Quý {ROMAN_QUARTERS[item.quarter]} (không ghi tháng)"
    return "Không ghi tháng, quý"


def group_items(items: list[WorkProgramItem]) -> list[ItemGroup]:
    """Items grouped by month (then quarter-only, then undated), in the order ``program_items`` gives."""
    ordered = sorted(
        items,
        key=lambda i: (i.quarter is None, i.quarter or 0, i.month is None, i.month or 0, i.position, i.pk),
    )
    return [ItemGroup(label=label, items=list(group)) for label, group in groupby(ordered, key=_group_label)]


def linkable_tasks(*, user: User, item: WorkProgramItem) -> QuerySet[Task]:
    """Visible tasks an item may be linked to, those of its lead unit (else the program's unit) first."""
    unit_id = item.lead_unit_id or item.program.unit_id
    return (
        tasks_visible_to(user)
        .exclude(state=TaskState.CANCELLED)
        .filter(Q(lead_unit_id=unit_id) | Q(owner_unit_id=item.program.unit_id))
        .select_related("lead_unit")
        .order_by("-created_at", "-id")[:LINKABLE_TASKS_LIMIT]
    )


def succession_items(predecessors: list[Unit], on_date: datetime.date) -> QuerySet[WorkProgramItem]:
    """The program items a merge hands to the successor: those led by ``predecessors`` in programs of the merge's
    year or later (earlier programs are history and keep the unit of their time)."""
    return WorkProgramItem.objects.filter(
        lead_unit__in=[u.pk for u in predecessors], program__year__gte=on_date.year
    ).order_by("program__year", "program_id", "position", "pk")


def succession_preview(predecessors: list[Unit], on_date: datetime.date) -> list[PreviewGroup]:
    """What ``services.program_items_move_to_successor`` would move (registered with ``org.restructuring``)."""
    names = {u.pk: u.name for u in predecessors}
    items = succession_items(predecessors, on_date)
    count = items.count()
    listed = [
        (str(i), names.get(i.lead_unit_id or 0, ""))
        for i in items.only("key", "content", "lead_unit_id")[:PREVIEW_LIST_LIMIT]
    ]
    return [PreviewGroup(label="Mục chương trình công tác", count=count, items=listed, order=20)]
