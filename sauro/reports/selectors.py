"""Every read of the reporting app, through its visibility gate.

Visibility of duties and submissions: committee-wide roles (leader, monitor, inspector, admin) see those of
every unit of their committee; a unit head or officer sees those of their own unit(s) and the units below —
not those of the bodies above them, nor of a sibling unit (404).

Timeliness of a duty as of a day (all in SQL, ``timeliness_expr``):
- **on time**: submitted on or before that day, on or before its due day;
- **late**: submitted on or before that day, after its due day;
- **missing**: not submitted by that day and its due day is before that day;
- **not due**: not submitted yet and its due day is that day or later (not counted as expected).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.http import Http404

from sauro.accounts.models import User
from sauro.org.access import user_scope
from sauro.org.models import Unit
from sauro.org.restructuring import PREVIEW_LIST_LIMIT, PreviewGroup
from sauro.reports.choices import DutyState, Timeliness
from sauro.reports.models import ReportDuty, ReportRegime, ReportSubmission


def _duty_scope(user: User) -> Q:
    scope = user_scope(user)
    q = Q(pk__in=[])
    for p in scope.subtree_paths:
        q |= Q(unit__path__startswith=p)
    return q


def duties_visible_to(user: User) -> QuerySet[ReportDuty]:
    """The visibility gate for report duties (see the module docstring)."""
    if user_scope(user).is_empty:
        return ReportDuty.objects.none()
    return ReportDuty.objects.filter(_duty_scope(user))


def timeliness_expr(as_of: datetime.date) -> Case:
    """The duty's ``Timeliness`` as of ``as_of``, as an SQL expression."""
    return Case(
        When(
            submitted_on__isnull=False,
            submitted_on__lte=as_of,
            submitted_on__gt=F("due_on"),
            then=Value(Timeliness.LATE),
        ),
        When(submitted_on__isnull=False, submitted_on__lte=as_of, then=Value(Timeliness.ON_TIME)),
        When(due_on__lt=as_of, then=Value(Timeliness.MISSING)),
        default=Value(Timeliness.NOT_DUE),
        output_field=CharField(),
    )


# A status of the list's filter beyond the four of ``Timeliness``: sent late or not sent and overdue (the late
# reporters), and not sent yet with its due day within ``DUE_SOON_DAYS`` days.
LATE_OR_MISSING = "late_or_missing"
DUE_SOON = "due_soon"
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class DutyFilters:
    unit_id: int | None = None  # exactly this unit
    within_path: str = ""  # the path of a unit: it and every unit below it
    kind: str = ""
    year: int | None = None
    status: str = ""  # a ``Timeliness`` value, ``LATE_OR_MISSING`` or ``DUE_SOON``


def status_filter(status: str, as_of: datetime.date) -> Q:
    """The duties in ``status`` on ``as_of``, on the ``timeliness`` annotation (``duty_list``)."""
    if status == LATE_OR_MISSING:
        return Q(timeliness__in=[Timeliness.LATE, Timeliness.MISSING])
    if status == DUE_SOON:
        return Q(timeliness=Timeliness.NOT_DUE, due_on__lte=as_of + datetime.timedelta(days=DUE_SOON_DAYS))
    if status in Timeliness.values:
        return Q(timeliness=status)
    return Q()


def duty_list(*, user: User, as_of: datetime.date, filters: DutyFilters | None = None) -> QuerySet[ReportDuty]:
    """Visible duties, newest due first, annotated with ``timeliness`` as of ``as_of``."""
    f = filters or DutyFilters()
    qs = duties_visible_to(user).select_related("unit")
    if f.unit_id is not None:
        qs = qs.filter(unit_id=f.unit_id)
    if f.within_path:
        qs = qs.filter(unit__path__startswith=f.within_path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year is not None:
        qs = qs.filter(due_on__year=f.year)
    qs = qs.annotate(timeliness=timeliness_expr(as_of))
    if f.status:
        qs = qs.filter(status_filter(f.status, as_of))
    return qs.order_by("-due_on", "unit__path", "kind", "id")


def duty_counts(*, duties: QuerySet[ReportDuty], as_of: datetime.date) -> dict[str, int]:
    """How many of ``duties`` (a ``duty_list`` without a status) are in each ``Timeliness``, late or missing, and
    due soon: one aggregate query."""
    soon = as_of + datetime.timedelta(days=DUE_SOON_DAYS)
    row = duties.order_by().aggregate(
        **{t.value: Count("id", filter=Q(timeliness=t.value)) for t in Timeliness},
        **{
            LATE_OR_MISSING: Count("id", filter=Q(timeliness__in=[Timeliness.LATE, Timeliness.MISSING])),
            DUE_SOON: Count("id", filter=Q(timeliness=Timeliness.NOT_DUE, due_on__lte=soon)),
        },
    )
    return {key: int(value or 0) for key, value in row.items()}


def duty_get(*, user: User, duty_id: int, as_of: datetime.date) -> ReportDuty:
    """One visible duty (``timeliness`` annotated), else 404."""
    duty = duty_list(user=user, as_of=as_of).filter(pk=duty_id).first()
    if duty is None:
        raise Http404
    return duty


def duty_submissions(*, duty: ReportDuty) -> QuerySet[ReportSubmission]:
    """The submissions of a duty already obtained through ``duty_get``."""
    return duty.submissions.select_related("submitted_by").order_by("-submitted_at", "-id")


def submission_get(*, user: User, submission_id: int) -> ReportSubmission:
    submission = (
        ReportSubmission.objects.filter(pk=submission_id, duty__in=duties_visible_to(user))
        .select_related("duty")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def regime_list() -> QuerySet[ReportRegime]:
    return ReportRegime.objects.select_related("committee").order_by("kind", "id")


@dataclass(frozen=True)
class UnitTimeliness:
    """Report timeliness of one unit over the duties due in a period, as of a day."""

    unit_id: int
    expected: int
    on_time: int
    late: int
    missing: int
    not_due: int

    @property
    def late_or_missing(self) -> int:
        return self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time * 100 / self.expected, 1) if self.expected else None


def report_timeliness(
    *, unit_ids: Iterable[int], start: datetime.date, end: datetime.date, as_of: datetime.date
) -> dict[int, UnitTimeliness]:
    """Per unit (exactly that unit), the duties due in ``[start, end]``: expected (on time + late + missing),
    on time, late, missing as of ``as_of`` (and not yet due apart). One grouped query. Every unit asked for is
    in the answer (zeros when it owed nothing). No visibility here: callers pass units the user may see."""
    ids = sorted(set(unit_ids))
    state = timeliness_expr(as_of)
    rows = (
        ReportDuty.objects.filter(unit_id__in=ids, due_on__gte=start, due_on__lte=end)
        .annotate(timeliness=state)
        .order_by()
        .values("unit_id")
        .annotate(
            on_time=Count("id", filter=Q(timeliness=Timeliness.ON_TIME)),
            late=Count("id", filter=Q(timeliness=Timeliness.LATE)),
            missing=Count("id", filter=Q(timeliness=Timeliness.MISSING)),
            not_due=Count("id", filter=Q(timeliness=Timeliness.NOT_DUE)),
        )
    )
    found = {
        r["unit_id"]: UnitTimeliness(
            unit_id=r["unit_id"],
            expected=r["on_time"] + r["late"] + r["missing"],
            on_time=r["on_time"],
            late=r["late"],
            missing=r["missing"],
            not_due=r["not_due"],
        )
        for r in rows
    }
    return {pk: found.get(pk) or UnitTimeliness(pk, 0, 0, 0, 0, 0) for pk in ids}


def late_report_counts(
    unit_ids: list[int], start: datetime.date, end: datetime.date, as_of: datetime.date
) -> dict[int, int]:
    """Late or missing reports per unit: the provider registered with the dashboard's league table."""
    return {
        pk: t.late_or_missing
        for pk, t in report_timeliness(unit_ids=unit_ids, start=start, end=end, as_of=as_of).items()
    }


def units_reported_by(user: User) -> QuerySet[Unit]:
    """Units whose reports the user may see (for choosing a unit)."""
    scope = user_scope(user)
    q = Q(pk__in=[])
    for p in scope.subtree_paths:
        q |= Q(path__startswith=p)
    return Unit.objects.filter(q)


@dataclass(frozen=True)
class DutiesDue:
    """The report duties of a unit and the units below it not sent on time: missing (overdue, not sent) and due
    within ``DUE_SOON_DAYS`` days; the first of both, the earliest due first."""

    missing: int
    due_soon: int
    rows: list[ReportDuty]


def duties_due(*, user: User, unit_path: str, as_of: datetime.date, limit: int) -> DutiesDue:
    """Two queries: the counts (``duty_counts``) and the rows. Each count is the list's of that status."""
    duties = duty_list(user=user, as_of=as_of, filters=DutyFilters(within_path=unit_path))
    counts = duty_counts(duties=duties, as_of=as_of)
    rows: list[ReportDuty] = []
    if counts[Timeliness.MISSING] or counts[DUE_SOON]:
        wanted = status_filter(Timeliness.MISSING, as_of) | status_filter(DUE_SOON, as_of)
        rows = list(duties.filter(wanted).order_by("due_on", "unit__path", "id")[:limit])
    return DutiesDue(missing=counts[Timeliness.MISSING], due_soon=counts[DUE_SOON], rows=rows)


def succession_preview(predecessors: list[Unit], on_date: datetime.date) -> list[PreviewGroup]:
    """What ``services.report_duties_move_to_successor`` would move: the pending report duties of ``predecessors``
    (registered with ``org.restructuring``)."""
    names = {u.pk: u.name for u in predecessors}
    duties = ReportDuty.objects.filter(unit_id__in=list(names), state=DutyState.PENDING).order_by("due_on", "pk")
    count = duties.count()
    items = [(str(d), names[d.unit_id]) for d in duties[:PREVIEW_LIST_LIMIT]]
    return [PreviewGroup(label="Nghĩa vụ báo cáo chưa gửi", count=count, items=items, order=30)]
