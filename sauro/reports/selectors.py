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


@dataclass(frozen=True)
class DutyFilters:
    unit_id: int | None = None
    kind: str = ""
    year: int | None = None


def duty_list(*, user: User, as_of: datetime.date, filters: DutyFilters | None = None) -> QuerySet[ReportDuty]:
    """Visible duties, newest due first, annotated with ``timeliness`` as of ``as_of``."""
    f = filters or DutyFilters()
    qs = duties_visible_to(user).select_related("unit")
    if f.unit_id is not None:
        qs = qs.filter(unit_id=f.unit_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year is not None:
        qs = qs.filter(due_on__year=f.year)
    return qs.annotate(timeliness=timeliness_expr(as_of)).order_by("-due_on", "unit__path", "kind", "id")


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


def succession_preview(predecessors: list[Unit], on_date: datetime.date) -> list[PreviewGroup]:
    """What ``services.report_duties_move_to_successor`` would move: the pending report duties of ``predecessors``
    (registered with ``org.restructuring``)."""
    names = {u.pk: u.name for u in predecessors}
    duties = ReportDuty.objects.filter(unit_id__in=list(names), state=DutyState.PENDING).order_by("due_on", "pk")
    count = duties.count()
    items = [(str(d), names[d.unit_id]) for d in duties[:PREVIEW_LIST_LIMIT]]
    return [PreviewGroup(label="Nghĩa vụ báo cáo chưa gửi", count=count, items=items, order=30)]
