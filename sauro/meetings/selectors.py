"""Every read of the register of meetings, through its gate (``access.meetings_visible_to``), and its figures:
meetings per host unit in a period against the same period a year before, and the share of conclusions whose tasks
were all issued within ``CONCLUSION_ISSUE_WORKING_DAYS`` working days of the notice (``common.calendar``).

The figures are two grouped aggregates whatever the number of meetings or tasks (no query per row), so the
dashboard (``dashboard.views``, above) and the list page can show them on every load."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from sauro.accounts.models import User
from sauro.common import calendar, clock
from sauro.common.pagination import Key, Keyset, Page
from sauro.directives.access import directives_visible_to
from sauro.directives.models import Directive
from sauro.meetings.access import meetings_visible_to
from sauro.meetings.choices import CONCLUSION_ISSUE_WORKING_DAYS
from sauro.meetings.models import Meeting
from sauro.meetings.services import LINKABLE_KINDS
from sauro.org.access import subtree_ids
from sauro.org.models import Unit
from sauro.periods import regime
from sauro.periods.choices import ReportKind
from sauro.tasks.choices import TaskState

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Latest first; the id makes the order total (keyset pages).
MEETING_ORDER = Keyset("meetings", Key("held_on", datetime.date, descending=True), Key("id", int, descending=True))


@dataclass(frozen=True)
class MeetingFilters:
    """What a list filters on; empty values do not filter. ``unit_id`` is the host unit with the units below it;
    ``date_from``/``date_to`` bound the day of the meeting (a quarter is turned into its window by
    ``quarter_window``)."""

    unit_id: int | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def quarter_window(key: str) -> tuple[datetime.date, datetime.date, str]:
    """The reporting regime's quarter ``2026Q1`` (its cut-off window, 15/12 – 14/03) and its label; a
    ``regime.RegimeError`` with a Vietnamese message for a bad key."""
    year, number = regime.parse_quarter(key)
    start, end, _key, label = regime.window(ReportKind.QUARTERLY, year, number)
    return start, end, label


def quarter_key_of(day: datetime.date) -> str:
    """The key (``2026Q1``) of the regime's quarter holding ``day``."""
    year, month = regime.reporting_month(day)
    return f"{year}Q{(month - 1) // 3 + 1}"


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year before (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _filtered(user: User, filters: MeetingFilters | None) -> QuerySet[Meeting]:
    qs = meetings_visible_to(user)
    f = filters or MeetingFilters()
    ids = subtree_ids(user, f.unit_id)
    if ids:
        qs = qs.filter(host_unit_id__in=ids)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from is not None:
        qs = qs.filter(held_on__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(held_on__lte=f.date_to)
    return qs


def meeting_list(*, user: User, filters: MeetingFilters | None = None) -> QuerySet[Meeting]:
    """Visible meetings matching ``filters``, with what a list row shows (host unit, chair, conclusion)."""
    return _filtered(user, filters).select_related("host_unit", "chair", "conclusion")


def meeting_page(
    *, user: User, filters: MeetingFilters | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Meeting]:
    """One page of ``meeting_list`` after ``cursor`` (keyset on the day and id; a forged cursor is ``BadCursor``).
    The participating units come in one more query for the page."""
    qs = meeting_list(user=user, filters=filters).prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by("path"))
    )
    return MEETING_ORDER.page(qs, cursor=cursor, limit=limit)


def meeting_get(*, user: User, meeting_id: int) -> Meeting:
    """A visible meeting, or 404 (another unit's meeting is indistinguishable from one that does not exist)."""
    meeting = (
        meetings_visible_to(user)
        .select_related("host_unit", "chair", "conclusion", "created_by")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("path")))
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meeting_concluded_by(*, user: User, directive: Directive) -> Meeting | None:
    """The visible meeting whose conclusion ``directive`` is, if any (one indexed query)."""
    return meetings_visible_to(user).select_related("host_unit").filter(conclusion=directive).first()


# --- figures ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitMeetings:
    """One host unit's meetings in the period and in the same period a year before."""

    unit_id: int
    unit_name: str
    count: int
    last_year: int
    minutes: int
    could_be_document: int

    @property
    def change(self) -> int:
        return self.count - self.last_year


@dataclass(frozen=True)
class ConclusionFigures:
    """The conclusions recorded for the period's meetings: ``on_time`` had every task issued within the working
    days allowed; ``late`` had that window pass with a task not issued in it (or no task at all); ``pending`` are
    still inside their window. ``share`` is on time / (on time + late), a percentage; ``None`` with nothing
    settled."""

    total: int
    on_time: int
    late: int
    pending: int

    @property
    def share(self) -> int | None:
        settled = self.on_time + self.late
        return round(100 * self.on_time / settled) if settled else None


@dataclass(frozen=True)
class MeetingFigures:
    start: datetime.date
    end: datetime.date
    last_start: datetime.date
    last_end: datetime.date
    units: list[UnitMeetings]
    conclusions: ConclusionFigures

    @property
    def count(self) -> int:
        return sum(u.count for u in self.units)

    @property
    def last_year(self) -> int:
        return sum(u.last_year for u in self.units)

    @property
    def hours(self) -> float:
        return round(sum(u.minutes for u in self.units) / 60, 1)

    @property
    def could_be_document(self) -> int:
        return sum(u.could_be_document for u in self.units)


def meeting_counts(
    *, user: User, unit_id: int | None, start: datetime.date, end: datetime.date
) -> tuple[list[UnitMeetings], datetime.date, datetime.date]:
    """Visible meetings per host unit (``unit_id``'s subtree; every visible one for ``None``) held in
    ``[start, end]`` and in the same days a year before: one grouped query. Units with a meeting in either period
    only, most meetings first."""
    last_start, last_end = year_before(start), year_before(end)
    current = Q(held_on__gte=start, held_on__lte=end)
    previous = Q(held_on__gte=last_start, held_on__lte=last_end)
    rows = (
        _filtered(user, MeetingFilters(unit_id=unit_id))
        .filter(current | previous)
        .order_by()
        .values("host_unit_id", "host_unit__name")
        .annotate(
            count=Count("id", filter=current),
            last_year=Count("id", filter=previous),
            minutes=Sum("duration_minutes", filter=current),
            could_be_document=Count("id", filter=current & Q(could_be_document=True)),
        )
    )
    units = [
        UnitMeetings(
            unit_id=r["host_unit_id"],
            unit_name=r["host_unit__name"],
            count=r["count"],
            last_year=r["last_year"],
            minutes=r["minutes"] or 0,
            could_be_document=r["could_be_document"],
        )
        for r in rows
    ]
    units.sort(key=lambda u: (-u.count, -u.last_year, u.unit_name))
    return units, last_start, last_end


def conclusion_figures(
    *,
    user: User,
    unit_id: int | None,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> ConclusionFigures:
    """How the conclusions of the visible meetings held in ``[start, end]`` turned into issued tasks: per
    conclusion, its tasks (those taken from the notice, ``Task.directive``; a draft stopped before it was issued does
    not count) and when the last was issued, in one grouped query; the deadline is ``CONCLUSION_ISSUE_WORKING_DAYS``
    working days after the notice's date (weekends, holidays and the override table skipped)."""
    today = today or clock.today()
    dropped = Q(conclusion__tasks__state=TaskState.CANCELLED, conclusion__tasks__issued_on__isnull=True)
    rows = (
        _filtered(user, MeetingFilters(unit_id=unit_id, date_from=start, date_to=end))
        .filter(conclusion__isnull=False)
        .order_by()
        .values("conclusion_id", "conclusion__issued_on")
        .annotate(
            tasks=Count("conclusion__tasks", filter=~dropped),
            issued=Count("conclusion__tasks", filter=Q(conclusion__tasks__issued_on__isnull=False)),
            last_issued=Max("conclusion__tasks__issued_on"),
        )
    )
    cal = calendar.current_calendar()
    on_time = late = pending = total = 0
    for r in rows:
        total += 1
        deadline = cal.add_working_days(r["conclusion__issued_on"], CONCLUSION_ISSUE_WORKING_DAYS)
        all_issued = r["tasks"] > 0 and r["issued"] >= r["tasks"]
        if all_issued and r["last_issued"] <= deadline:
            on_time += 1
        elif today > deadline or (r["last_issued"] is not None and r["last_issued"] > deadline):
            late += 1
        else:
            pending += 1
    return ConclusionFigures(total=total, on_time=on_time, late=late, pending=pending)


def meeting_figures(
    *,
    user: User,
    unit_id: int | None,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> MeetingFigures:
    """Both figures for one unit subtree and period (the dashboard's, or the list's quarter)."""
    units, last_start, last_end = meeting_counts(user=user, unit_id=unit_id, start=start, end=end)
    conclusions = conclusion_figures(user=user, unit_id=unit_id, start=start, end=end, today=today)
    return MeetingFigures(start, end, last_start, last_end, units, conclusions)


def linkable_conclusions(*, user: User, meeting: Meeting, limit: int = 200) -> list[tuple[int, str]]:
    """Notices the user may link as the meeting's conclusion: Thông báo and Kết luận issued by its host unit (or,
    for a standing body, its committee) on or after the meeting, concluding no meeting yet; newest first."""
    issuers = [meeting.host_unit_id]
    if meeting.host_unit.parent_id is not None:
        issuers.append(meeting.host_unit.parent_id)
    rows = (
        directives_visible_to(user)
        .filter(kind__in=LINKABLE_KINDS, issued_on__gte=meeting.held_on, issuing_unit_id__in=issuers)
        .filter(meetings__isnull=True)
        .order_by("-issued_on", "-id")[:limit]
    )
    return [(d.pk, f"{d.number_symbol} ngày {d.issued_on:%d/%m/%Y} — {d.summary[:120]}") for d in rows]
