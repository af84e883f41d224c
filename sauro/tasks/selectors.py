"""Every read of tasks, through the visibility gate; reporting states computed in SQL.

Reporting state of a task as of a day D (PRODUCT §6), for issued tasks only — what the task was *on D*, whatever
happened since (issue 20: the report of a past day is the same whenever it is made):
- ``ongoing`` for tasks without a due date that are reviewed periodically (thường xuyên);
- ``done_on_time`` / ``done_late`` when its product was approved on or before D (``approved_on``: a task becomes
  done on the day of approval; the completion day stands in for a task made done without one), its completion day
  (the accepted product's submission) compared with the deadline in force on D (extensions granted on or before D;
  the original is kept on the task);
- otherwise ``open_overdue`` when D is after the deadline in force on D, else ``open_on_time``.
Drafts, tasks issued after D and tasks cancelled on or before D have no reporting state (NULL).
The deadline is the due date moved to the next working day when it falls on a day off (Civil Code Art. 148(5)).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Expression,
    F,
    Field,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.search_plan import read_search_page
from sauro.common.text import search_words
from sauro.org.access import subtree_ids
from sauro.org.choices import Role
from sauro.org.models import Unit
from sauro.org.restructuring import PREVIEW_LIST_LIMIT, PreviewGroup
from sauro.org.selectors import person_memberships, tree_order
from sauro.tasks import summary
from sauro.tasks.access import lead_filter, sees_every_normal_task, tasks_visible_to
from sauro.tasks.choices import OPEN_STATES, ReportingState, RequestState, TaskState
from sauro.tasks.models import (
    SUMMARISED,
    UNSUMMARISED,
    DoneTaskMonth,
    ExtensionRequest,
    ReassignmentRequest,
    Submission,
    SubmissionFile,
    Task,
    TaskEvent,
)

if TYPE_CHECKING:
    from sauro.directives.models import Directive

ERR_TASK_NOT_FOUND = "Không tìm thấy nhiệm vụ."


class _LastGranted(Expression):
    """``column`` (``new_deadline`` or ``new_due_date``) of the last extension granted to the row's task on or before
    ``day`` that set it (NULL when none did): a correlated sub-query on ``(task, state, decided_on)``.

    Written out here rather than built as a ``Subquery``: Django copies and compiles a ``Subquery`` again at every
    reference, and a past day's period refers to the due date and the deadline in force five times in each part of
    the dashboards' ``UNION ALL`` (thirty sub-queries for the league table's previous quarter, 8% of the city
    dashboard's Python work). The task's id is compiled as any column, so the outer table's alias is the query's."""

    ALIAS = "granted"

    def __init__(self, column: str, day: datetime.date) -> None:
        if column not in ("new_deadline", "new_due_date"):
            raise ValueError(column)
        super().__init__(output_field=DateField())
        self.column, self.day = column, day
        self.task: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.task]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.task,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        task_sql, task_params = compiler.compile(self.task)
        meta = ExtensionRequest._meta
        quote = connection.ops.quote_name

        def col(name: str) -> str:
            return f"{self.ALIAS}.{quote(str(cast('Field[Any, Any]', meta.get_field(name)).column))}"

        # The names come from the model's meta, the values are parameters.
        table, wanted = f"{quote(meta.db_table)} {self.ALIAS}", col(self.column)
        sql = (
            f"(SELECT {wanted} FROM {table} WHERE {col('task')} = {task_sql} AND {col('state')} = %s"  # noqa: S608
            f" AND {col('decided_on')} <= %s AND {wanted} IS NOT NULL ORDER BY {col('decided_on')} DESC,"
            f" {col('id')} DESC LIMIT 1)"
        )
        day = connection.ops.adapt_datefield_value(self.day)
        return sql, (*task_params, RequestState.APPROVED.value, day)


def deadline_in_force(as_of: datetime.date) -> Case | F:
    """The deadline in force on ``as_of``: today's is the stored one; a past day looks at extension history —
    only for the tasks ever extended (``extension_count`` goes up with each approved extension, in the same
    transaction): the others' is their original deadline, without a look-up per row."""
    if as_of >= clock.today():
        return F("deadline")
    return Case(
        When(extension_count=0, then=F("original_deadline")),
        default=Coalesce(_LastGranted("new_deadline", as_of), F("original_deadline")),
        output_field=DateField(),
    )


def due_in_force(as_of: datetime.date) -> Case | F:
    """The due date in force on ``as_of`` (which period a task belongs to, as ``deadline_in_force`` for the
    deadline): today's is the stored one; on a past day the last extension granted by then, else the original."""
    if as_of >= clock.today():
        return F("due_date")
    return Case(
        When(extension_count=0, then=F("due_date")),
        default=Coalesce(_LastGranted("new_due_date", as_of), F("original_due_date"), F("due_date")),
        output_field=DateField(),
    )


def done_by(as_of: datetime.date) -> Q:
    """Done on ``as_of``: approved on or before it (a task made done without an approval day: completed by then)."""
    return Q(state=TaskState.DONE) & (Q(approved_on__lte=as_of) | Q(approved_on__isnull=True, completed_on__lte=as_of))


def reporting_state_expr(as_of: datetime.date) -> Case:
    """The reporting state on ``as_of`` (module docstring); reads the ``deadline_at`` annotation
    (``deadline_in_force(as_of)``, see ``with_reporting_state``)."""
    done_by_then = done_by(as_of)
    return Case(
        When(Q(state=TaskState.DRAFT) | Q(issued_on__isnull=True) | Q(issued_on__gt=as_of), then=Value(None)),
        When(state=TaskState.CANCELLED, cancelled_on__lte=as_of, then=Value(None)),
        When(is_ongoing=True, then=Value(ReportingState.ONGOING.value)),
        When(done_by_then & Q(completed_on__lte=F("deadline_at")), then=Value(ReportingState.DONE_ON_TIME.value)),
        When(done_by_then, then=Value(ReportingState.DONE_LATE.value)),
        When(deadline_at__lt=as_of, then=Value(ReportingState.OPEN_OVERDUE.value)),
        default=Value(ReportingState.OPEN_ON_TIME.value),
        output_field=CharField(),
    )


def reporting_prefilter(states: list[str] | tuple[str, ...], as_of: datetime.date) -> Q:
    """Conditions on stored columns that a task in one of ``states`` on ``as_of`` must meet, so that indexes such
    as (state, deadline) narrow the rows before ``reporting_state_expr`` decides. Only for today or later: on a
    past day a task done or extended since then was in another state, and nothing is narrowed."""
    if as_of < clock.today() or not states:
        return Q()
    implied = {
        ReportingState.OPEN_OVERDUE.value: Q(state__in=OPEN_STATES, deadline__lt=as_of),
        ReportingState.OPEN_ON_TIME.value: Q(state__in=OPEN_STATES),
        ReportingState.DONE_ON_TIME.value: Q(state=TaskState.DONE),
        ReportingState.DONE_LATE.value: Q(state=TaskState.DONE),
        ReportingState.ONGOING.value: Q(is_ongoing=True),
    }
    q = Q(pk__in=[])
    for s in states:
        if s not in implied:
            return Q()
        q |= implied[s]
    return q


def open_overdue_on(as_of: datetime.date) -> Q | None:
    """From today on, "open and overdue on ``as_of``" as conditions on stored columns: exactly what the reporting
    state's ``CASE`` says when the deadline in force is the stored one, but which PostgreSQL can estimate. Given the
    ``CASE`` it guessed a few rows where there were thousands (the dashboard's overdue list, at 100,000 tasks, joined
    them to every unit in a nested loop: 60 ms instead of 2). ``None`` for a past day."""
    if as_of < clock.today():
        return None
    return Q(state__in=OPEN_STATES, issued_on__lte=as_of, is_ongoing=False, deadline__lt=as_of)


# Which part of a period a task counts in (``in_period``): due in the period (or open at its start, due after it), or
# carried over from an earlier one — shown apart ("nhiệm vụ kỳ trước chuyển sang").
CURRENT, CARRIED = "current", "carried"


def in_period(
    qs: QuerySet[Task],
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    *,
    ongoing: bool = False,
    spill: bool = True,
) -> QuerySet[Task]:
    """The tasks of ``qs`` that belong to the period ``[start, end]`` read as of ``as_of`` (its cut-off), annotated
    with ``period_part`` (``CURRENT`` or ``CARRIED``). Issued on or before ``as_of``, and (the Government Office's
    practice, issue 20):

    (i) due in the period — the due date in force on ``as_of`` (``due_in_force``) within ``[start, end]``;
    (ii) carried over (``CARRIED``): due before ``start`` and not done before it (approved on or after ``start``,
         or still open), not ongoing;
    (iii) due after ``end``, not ongoing, and not done (approved) or cancelled before ``start``, whichever period
         issued it: "chưa hoàn thành – trong hạn" while open, "hoàn thành đúng hạn" once done.

    ``ongoing``: the ongoing tasks (thường xuyên) too, whatever their due date. ``spill=False``: (i) only (the
    trends, by month of due date). Seen before the period begins (``as_of`` < ``start``), only (i). Each task is in at
    most one part; its reporting state is read as of ``as_of``."""
    qs = qs.filter(issued_on__isnull=False, issued_on__lte=as_of)
    if as_of >= clock.today():
        due = "due_date"
    else:
        qs = qs.annotate(due_at=due_in_force(as_of))
        due = "due_at"
    # Each reference to the due date is written out in full in the SQL; on a past day that is a CASE with a sub-query
    # (``due_in_force``), which Django compiles again at every reference. So (i) is one BETWEEN, and (ii) and (iii)
    # — due before the period or after it, on the same conditions — are one: "has a due date" (a due date in the
    # period already counts by (i)).
    member = Q(**{f"{due}__range": (start, end)})
    if spill and as_of >= start:  # a period not begun on ``as_of`` has nothing carried into it or issued in it
        before = start - datetime.timedelta(days=1)
        # Carried over (due before the period), or not yet due at its end (issued in it, or issued before it): in both,
        # not done or cancelled before the period.
        member |= (
            Q(**{f"{due}__isnull": False}, is_ongoing=False)
            & ~done_by(before)
            & ~Q(state=TaskState.CANCELLED, cancelled_on__lte=before)
        )
    if ongoing:
        member |= Q(is_ongoing=True)
    part = Case(
        When(Q(**{f"{due}__lt": start}, is_ongoing=False), then=Value(CARRIED)),
        default=Value(CURRENT),
        output_field=CharField(),
    )
    return qs.filter(member).annotate(period_part=part)


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
    focus_only: bool = False  # only the tasks marked "trọng tâm"
    as_of: datetime.date | None = None
    # The tasks of a reporting period (``in_period``: due in it, carried over, issued in it and due later) as of
    # ``as_of``: what a dashboard's or a report's figure counts. Both ends or neither.
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


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
    for word in search_words(f.q):
        qs = qs.filter(search_text__contains=word)
    qs = led_within(qs, user, f.unit_id)
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
        # A sub-query rather than a join: no duplicate rows, so no DISTINCT (which a page's id sub-query cannot have).
        assigned = Task.officers.through.objects.filter(user_id=f.officer_id).values("task_id")
        qs = qs.filter(Q(pk__in=assigned) | Q(responsible_person_id=f.officer_id))
    if f.parent_id is not None:
        qs = qs.filter(parent_id=f.parent_id)
    if f.top_level_only:
        qs = qs.filter(parent__isnull=True)
    if f.focus_only:
        qs = qs.filter(is_focus=True)
    if f.period_start is not None and f.period_end is not None:
        qs = in_period(qs, f.period_start, f.period_end, f.as_of or clock.today())
    qs = listed(qs, f.as_of)
    if f.reporting_states:
        day = f.as_of or clock.today()
        exact = open_overdue_on(day) if f.reporting_states == [ReportingState.OPEN_OVERDUE] else None
        if exact is not None:
            qs = qs.filter(exact)
        else:
            qs = qs.filter(reporting_prefilter(f.reporting_states, day))
            qs = qs.filter(reporting_state__in=f.reporting_states)  # type: ignore[misc]  # an annotation
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return qs.order_by(*order)


def led_within(qs: QuerySet[Task], user: User, unit_id: int | None) -> QuerySet[Task]:
    """Tasks of ``qs`` led by ``unit_id`` or a unit below it (``org.access.subtree_ids``). The subtree is a list of
    unit ids read once per request: with the path only known at run time the planner guesses "one unit" and loops
    over the units, scanning the period once for each. A subtree holding every unit (the committee's) filters
    nothing but the lead unit's presence, so the due-date index alone can answer."""
    ids = subtree_ids(user, unit_id)
    if ids is None:
        return qs
    return qs.filter(lead_unit__isnull=False) if not ids else qs.filter(lead_unit_id__in=ids)


def listed(qs: QuerySet[Task], as_of: datetime.date | None = None) -> QuerySet[Task]:
    """What a list shows of each task besides its own columns: its reporting state on ``as_of`` (today by default),
    its lead unit, responsible person and directive."""
    return with_reporting_state(qs, as_of).select_related("lead_unit", "responsible_person", "directive")


def task_get(
    *, user: User, task_id: int, as_of: datetime.date | None = None, annotations: Mapping[str, Any] | None = None
) -> Task:
    """One visible task with its reporting state, or 404 (never 403); ``annotations`` are added to the same query
    (the task page's extensions: ``tasks.views.actions.page_annotations``)."""
    task = (
        with_reporting_state(tasks_visible_to(user).filter(pk=task_id), as_of)
        .annotate(**(annotations or {}))
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


def task_submissions(*, task: Task) -> list[Submission]:
    """The submissions of an already visible task, newest first, with who sent and decided and their files (two
    queries; the files' query only when there are submissions)."""
    return list(
        Submission.objects.filter(task=task)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("files")
        .order_by("-submitted_on", "-id")
    )


ERR_SUBMISSION_FILE_NOT_FOUND = "Không tìm thấy tệp sản phẩm."


def submission_file_get(*, user: User, file_id: int) -> SubmissionFile:
    """A file of a submitted product, to whoever sees its task (``tasks_visible_to``); 404 for anyone else."""
    found = (
        SubmissionFile.objects.filter(pk=file_id, submission__task__in=tasks_visible_to(user))
        .select_related("submission")
        .first()
    )
    if found is None:
        raise Http404(ERR_SUBMISSION_FILE_NOT_FOUND)
    return found


def task_subtasks(*, user: User, task: Task) -> QuerySet[Task]:
    return with_reporting_state(tasks_visible_to(user).filter(parent=task)).select_related(
        "lead_unit", "responsible_person"
    )


MAX_ROLLUP_DEPTH = 12  # levels of sub-tasks followed (the tree is far shallower)
_ROLLUP_FIELDS = ("id", "weight", "progress", "state")


def _rollup(top: list[tuple[int, Decimal, int, str]]) -> int:
    """Weighted average of ``top`` rows (id, weight, progress, state), each replaced by the roll-up of its own
    sub-tasks when it has any; cancelled sub-tasks are left out and a done leaf counts 100.

    The sub-task tree is read one query per level of depth, whatever the number of tasks.
    """
    rows: dict[int, tuple[Decimal, int, str]] = {pk: (w, p, st) for pk, w, p, st in top}
    children: dict[int, list[int]] = {}
    frontier = list(rows)
    for _depth in range(MAX_ROLLUP_DEPTH):
        if not frontier:
            break
        level = (
            Task.objects.filter(parent_id__in=frontier)
            .exclude(state=TaskState.CANCELLED)
            .values_list("parent_id", *_ROLLUP_FIELDS)
        )
        frontier = []
        for parent_id, pk, w, p, st in level:
            if pk in rows:  # pragma: no cover - a cycle; the tree forbids it
                continue
            rows[pk] = (w, p, st)
            children.setdefault(parent_id, []).append(pk)
            frontier.append(pk)

    def value(pk: int) -> float:
        kids = children.get(pk)
        if not kids:
            _weight, progress, state = rows[pk]
            return 100.0 if state == TaskState.DONE else float(progress)
        return average(kids)

    def average(ids: list[int]) -> float:
        total_weight = sum(float(rows[i][0]) for i in ids)
        if not total_weight:
            return 0.0
        return sum(float(rows[i][0]) * value(i) for i in ids) / total_weight

    return round(average([row[0] for row in top]))


def task_rollup_progress(*, task: Task) -> int:
    """Weighted progress of a task over its sub-tasks (recursively); a leaf's own progress otherwise."""
    level = list(Task.objects.filter(parent=task).exclude(state=TaskState.CANCELLED).values_list(*_ROLLUP_FIELDS))
    if not level:
        return 100 if task.state == TaskState.DONE else task.progress
    return _rollup(level)


def directive_rollup_progress(*, directive: Directive | int) -> int | None:
    """Weighted progress of a directive's issued top-level tasks, each counted as its sub-tasks' roll-up
    (cancelled tasks left out, a done leaf counts 100). ``None`` without any."""
    top = list(
        Task.objects.filter(directive=directive, parent__isnull=True)
        .exclude(state__in=[TaskState.DRAFT, TaskState.CANCELLED])
        .values_list(*_ROLLUP_FIELDS)
    )
    return _rollup(top) if top else None


def task_counts(*, user: User, filters: TaskFilters | None = None) -> dict[str, int]:
    """How many visible tasks are in each reporting state (one aggregate query)."""
    return reporting_counts(task_list(user=user, filters=filters))


# The key under which ``reporting_counts`` and ``list_counts`` count, when asked, the tasks without a reporting state
# (drafts, tasks cancelled or not yet issued on the day): with it, the counts add up to the whole list.
NO_REPORTING_STATE = "none"


def reporting_counts(tasks: QuerySet[Task], *, with_unstated: bool = False) -> dict[str, int]:
    """How many of ``tasks`` (a ``task_list``) are in each reporting state (one aggregate query); with
    ``with_unstated``, also those without one (``NO_REPORTING_STATE``), from the same query."""
    qs = tasks.order_by()
    rows = qs.values("reporting_state").annotate(n=Count("id", output_field=IntegerField()))  # type: ignore[misc]
    counts = {s.value: 0 for s in ReportingState}
    if with_unstated:
        counts[NO_REPORTING_STATE] = 0
    for row in rows:
        if row["reporting_state"] is not None:
            counts[row["reporting_state"]] = row["n"]
        elif with_unstated:
            counts[NO_REPORTING_STATE] = row["n"]
    return counts


def _summary_rows_filter(user: User, f: TaskFilters) -> Q | None:
    """The condition on the summary's rows (``DoneTaskMonth``) that matches the list of ``f``, or ``None`` when its
    count cards are better counted live: the list is narrowed by more than a due range of whole regime months and the
    committee's own subtree (every unit), or the reader does not see every normal task. A unit's subtree is counted
    live: its tasks are few, and its lead units' index finds them faster than the summary's parts would."""
    narrowed = (
        f.q.strip()
        or f.states
        or f.reporting_states
        or f.directive_id is not None
        or f.responsible_person_id is not None
        or f.officer_id is not None
        or f.parent_id is not None
        or f.top_level_only
        or f.lead_unit_id is not None
        or f.period_start is not None
    )
    if narrowed or not summary.available():
        return None
    # No due range, or one of whole regime months (the summary's rows are by regime month of the due date).
    start, end = f.due_after, f.due_before
    if (start is None) != (end is None) or (start and end and not summary.whole_months(start, end)):
        return None
    rows = Q(due_month__gte=summary.regime_month(start), due_month__lte=end) if start and end else Q()
    ids = subtree_ids(user, f.unit_id)
    if ids:  # a unit's subtree (or an unknown unit)
        return None
    if ids == []:  # every unit: the tasks with a lead unit (0 in the summary: none)
        rows &= Q(lead_unit_id__gt=0)
    return rows if sees_every_normal_task(user) else None


def list_counts(
    *, user: User, filters: TaskFilters, tasks: QuerySet[Task], with_unstated: bool = False
) -> dict[str, int]:
    """How many of ``tasks`` (the ``task_list`` of ``filters``, without a reporting-state filter) are in each
    reporting state: a list's count cards.

    A list of every unit's tasks, narrowed at most by a due range of whole regime months (a leader opening the list:
    ten years of tasks), seen by a reader who sees every normal task, is counted on PostgreSQL as the dashboards
    count (``tasks.summary``): the done tasks completed by the last regime month that ended by the day seen come from
    the maintained summary, the rest live — the tasks the summary does not count, the done tasks completed after that
    month and, without a due range, the tasks without a due date. One ``UNION ALL``. Any other list is counted live
    (``reporting_counts``). ``with_unstated``: the tasks without a reporting state too, read by the same query
    (``NO_REPORTING_STATE``; the summary only holds done tasks, which all have one)."""
    rows = _summary_rows_filter(user, filters)
    if rows is None:
        return reporting_counts(tasks, with_unstated=with_unstated)
    cut = summary.cut_off(filters.as_of or clock.today())
    done = DoneTaskMonth.objects.filter(rows, done_month__lte=cut)
    live = [tasks.filter(Q(due_date__isnull=False) & UNSUMMARISED), tasks.filter(SUMMARISED & summary.done_after(cut))]
    if filters.due_after is None:
        live.append(tasks.filter(due_date__isnull=True))
    first = done.annotate(reporting_state=summary.state_expr()).values("reporting_state").annotate(n=Sum("n"))
    parts = [
        qs.order_by().values("reporting_state").annotate(n=Count("id", output_field=IntegerField()))  # type: ignore[misc]
        for qs in live
    ]
    counts = {s.value: 0 for s in ReportingState}
    if with_unstated:
        counts[NO_REPORTING_STATE] = 0
    for row in first.order_by().union(*parts, all=True):
        if row["reporting_state"] is not None:
            counts[row["reporting_state"]] += row["n"]
        elif with_unstated:
            counts[NO_REPORTING_STATE] += row["n"]
    return counts


# --- a page of a list -------------------------------------------------------------------------------------------


def page_rows(
    ordered: QuerySet[Task],
    limit: int,
    *,
    shape: Callable[[QuerySet[Task]], QuerySet[Task]],
    as_of: datetime.date | None = None,
    text_search: bool = False,
    in_due_order: bool = False,
) -> list[Task]:
    """The first ``limit`` tasks of ``ordered`` (a ``task_list`` in the page's order, its keyset condition applied),
    read as ``shape`` says (columns, order, prefetches) with what ``listed`` adds.

    One statement on two levels: the page's ids are chosen from the tasks alone, then only those rows are joined to
    their lead unit, person and directive. Joined before the ``LIMIT``, PostgreSQL hashed the whole directive and
    people tables for fifty rows (three quarters of a one-unit list's SQL time).

    ``in_due_order``: the page is in the list's default order (due date, id), which the due-date index can walk: a
    text search in that order is read by ``common.search_plan.read_search_page`` (the ordinary plan within a short
    time limit, then the index walk, then the ordinary plan without one). In any other order every match has to be
    gathered anyway.
    """
    rows = shape(listed(Task.objects.filter(pk__in=ordered.values("pk")[:limit]), as_of))
    if not (text_search and in_due_order):
        return list(rows)
    return read_search_page(rows)


def reassignment_candidates(task: Task) -> QuerySet[Unit]:
    """The units the task could be handed to: active units the task's authority governs that may lead a task, but
    its lead unit.

    Not only the units the requester sees: a unit head sees no sibling agency, yet a sibling is the usual
    proposal; the authority, who sees them all, decides."""
    authority = task.authority_unit
    if authority is None:
        return Unit.objects.none()
    root = "/" + authority.path.strip("/").split("/")[0] + "/"
    candidates = Unit.objects.filter(valid_to__isnull=True, path__startswith=root).exclude(pk=task.lead_unit_id or 0)
    # Only units that may lead a task (``access.lead_filter``): someone there to receive it, not a committee.
    candidates = candidates.filter(lead_filter(clock.today()))
    ids = [u.pk for u in candidates.only("id", "path", "kind", "parent_id") if authority.governs(u)]
    return tree_order(Unit.objects.filter(pk__in=ids))


@dataclass
class UnitInbox:
    """What waits for the units a person heads (``unit_inbox``). The task lists are unordered querysets (the page
    orders them); the pending requests, oldest first, are read."""

    units: list[Unit]
    to_accept: QuerySet[Task]
    returned: QuerySet[Task]
    to_approve: QuerySet[Task]
    extensions: list[ExtensionRequest]
    reassignments: list[ReassignmentRequest]


def unit_inbox(*, user: User) -> UnitInbox:
    """The units the user heads (unit head or leader, active units) and what waits for them: tasks issued to them
    to accept, returned products to rework, products to approve and requests to decide as the authority; only tasks
    the user sees."""
    headed = [
        m.unit
        for m in person_memberships(user=user, person=user)
        if m.role in {Role.UNIT_HEAD, Role.LEADER} and m.unit.valid_to is None
    ]
    ids = [u.pk for u in headed]

    def in_state(state: str) -> QuerySet[Task]:
        return task_list(user=user, filters=TaskFilters(states=[state]))

    visible = tasks_visible_to(user).values("pk")
    pending = {"state": RequestState.PENDING, "task__authority_unit_id__in": ids, "task_id__in": visible}
    return UnitInbox(
        units=headed,
        to_accept=in_state(TaskState.ISSUED).filter(lead_unit_id__in=ids),
        returned=in_state(TaskState.RETURNED).filter(lead_unit_id__in=ids),
        to_approve=in_state(TaskState.SUBMITTED).filter(authority_unit_id__in=ids),
        extensions=list(
            ExtensionRequest.objects.filter(**pending).select_related("task", "requested_by").order_by("requested_at")
        ),
        reassignments=list(
            ReassignmentRequest.objects.filter(**pending)
            .select_related("task", "requested_by", "from_unit", "proposed_unit")
            .order_by("requested_at")
        ),
    )


# --- a person's desk (the overview page) -----------------------------------------------------------------------

# "Due soon" on the desk: open, on time, due within this many days.
DUE_SOON_DAYS = 7


@dataclass
class MyOpenTasks:
    """The open tasks a person carries (responsible or assigned, ``TaskFilters.officer_id``): how many are overdue,
    due within ``DUE_SOON_DAYS`` days, open in all; and the first of them by deadline."""

    overdue: int
    due_soon: int
    open: int
    soon_until: datetime.date
    rows: list[Task]


def my_open_tasks(*, user: User, limit: int) -> MyOpenTasks:
    """Two queries: the counts (one aggregate over the reporting states of the list ``?mine=on&state=open``), the
    first ``limit`` tasks by deadline. Each count is exactly a list's: overdue is ``reporting=open_overdue``, due
    soon ``reporting=open_on_time&due_to=<soon_until>``."""
    today = clock.today()
    soon_until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    mine = task_list(user=user, filters=TaskFilters(officer_id=user.pk, states=[str(s) for s in OPEN_STATES]))
    row = mine.order_by().aggregate(
        overdue=Count("id", filter=Q(reporting_state=ReportingState.OPEN_OVERDUE)),
        due_soon=Count("id", filter=Q(reporting_state=ReportingState.OPEN_ON_TIME, due_date__lte=soon_until)),
        open=Count("id"),
    )
    rows = list(mine.order_by(F("deadline").asc(nulls_last=True), "id")[:limit]) if row["open"] else []
    return MyOpenTasks(
        overdue=row["overdue"] or 0,
        due_soon=row["due_soon"] or 0,
        open=row["open"] or 0,
        soon_until=soon_until,
        rows=rows,
    )


@dataclass
class Decisions:
    """What waits for the units a person heads (``unit_inbox``'s rule): counts of tasks to accept, to rework and to
    approve, the first products to approve, and the pending extension and reassignment requests they decide."""

    to_accept: int
    returned: int
    to_approve: int
    approve_rows: list[Task]
    extensions: list[ExtensionRequest]
    reassignments: list[ReassignmentRequest]

    @property
    def requests(self) -> int:
        return len(self.extensions) + len(self.reassignments)

    @property
    def total(self) -> int:
        return self.to_accept + self.returned + self.to_approve + self.requests


def decisions_waiting(*, user: User, headed_unit_ids: list[int], limit: int) -> Decisions:
    """``unit_inbox``'s counts for the units of ``headed_unit_ids`` (active units the user heads or leads, from their
    memberships): one aggregate, the first products to approve, the pending requests (oldest first)."""
    ids = sorted(headed_unit_ids)
    waiting = task_list(
        user=user, filters=TaskFilters(states=[TaskState.ISSUED, TaskState.RETURNED, TaskState.SUBMITTED])
    ).filter(Q(lead_unit_id__in=ids) | Q(authority_unit_id__in=ids))
    row = waiting.order_by().aggregate(
        to_accept=Count("id", filter=Q(state=TaskState.ISSUED, lead_unit_id__in=ids)),
        returned=Count("id", filter=Q(state=TaskState.RETURNED, lead_unit_id__in=ids)),
        to_approve=Count("id", filter=Q(state=TaskState.SUBMITTED, authority_unit_id__in=ids)),
    )
    approve_rows: list[Task] = []
    if row["to_approve"]:
        to_approve = waiting.filter(state=TaskState.SUBMITTED, authority_unit_id__in=ids)
        approve_rows = list(to_approve.order_by(F("deadline").asc(nulls_last=True), "id")[:limit])
    visible = tasks_visible_to(user).values("pk")
    pending = {"state": RequestState.PENDING, "task__authority_unit_id__in": ids, "task_id__in": visible}
    return Decisions(
        to_accept=row["to_accept"] or 0,
        returned=row["returned"] or 0,
        to_approve=row["to_approve"] or 0,
        approve_rows=approve_rows,
        extensions=list(ExtensionRequest.objects.filter(**pending).select_related("task").order_by("requested_at")),
        reassignments=list(
            ReassignmentRequest.objects.filter(**pending)
            .select_related("task", "proposed_unit")
            .order_by("requested_at")
        ),
    )


@dataclass
class UnitOverdue:
    """The open overdue tasks led by a unit or a unit below it (the list ``?unit=<id>&reporting=open_overdue``)."""

    count: int
    rows: list[Task]


def unit_overdue(*, user: User, unit_id: int, limit: int) -> UnitOverdue:
    """Two queries: the count, the most overdue first."""
    overdue = task_list(user=user, filters=TaskFilters(unit_id=unit_id, reporting_states=[ReportingState.OPEN_OVERDUE]))
    count = overdue.count()
    rows = list(overdue.order_by("deadline", "id")[:limit]) if count else []
    return UnitOverdue(count=count, rows=rows)


def succession_preview(predecessors: list[Unit], on_date: datetime.date) -> list[PreviewGroup]:
    """What ``services.tasks_move_to_successor`` would move from ``predecessors``: their open tasks and drafts, as
    lead unit, authority, drafting unit or coordinating unit (registered with ``org.restructuring``)."""
    ids = [u.pk for u in predecessors]
    names = {u.pk: u.name for u in predecessors}
    live = [*OPEN_STATES, TaskState.DRAFT]
    where = (
        Q(lead_unit_id__in=ids)
        | Q(authority_unit_id__in=ids)
        | Q(owner_unit_id__in=ids)
        | Q(pk__in=Task.coordinating_units.through.objects.filter(unit_id__in=ids).values("task_id"))
    )
    tasks = Task.objects.filter(where, state__in=live).order_by("deadline", "pk")
    count = tasks.count()
    rows = tasks.values_list("title", "lead_unit_id", "authority_unit_id", "owner_unit_id")[:PREVIEW_LIST_LIMIT]
    items = [
        (title, names.get(lead) or names.get(authority) or names.get(owner) or "(phối hợp)")
        for title, lead, authority, owner in rows
    ]
    return [PreviewGroup(label="Nhiệm vụ đang thực hiện và dự thảo", count=count, items=items, order=10)]
