"""Reads of the petitions domain. The rule book is reference data, like the working-day calendar: anyone may read it
(there is no letter, unit or person in it), so its reads take no user. Every read of the register — letters,
visits, reception days and the monthly figure of reception days — takes the user and goes through the domain's
gate (``petitions.access``): another unit's letter is a 404."""

from __future__ import annotations

import calendar as calendar_module
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from sauro.accounts.models import User
from sauro.common.calendar import current_calendar
from sauro.common.pagination import Key, Keyset, Page
from sauro.common.search_plan import read_search_page
from sauro.common.text import search_words
from sauro.org.access import subtree_ids
from sauro.org.choices import UnitKind
from sauro.org.models import Membership, Unit
from sauro.petitions.access import (
    letters_visible_to,
    reception_days_visible_to,
    receptions_visible_to,
    register_unit_ids,
)
from sauro.petitions.choices import Complexity, Decision, LetterState, ReceptionDayState
from sauro.petitions.deadlines import Deadlines, Rule, RuleBookError, Suspension, compute_deadlines
from sauro.petitions.duplicates import LinkedLetter, Proposal, linked_letters, proposals_for, visible_repeat_of
from sauro.petitions.models import DeadlineRule, Letter, Reception, ReceptionDay, SignerIdentity
from sauro.petitions.rules import kept_for_information
from sauro.tasks.choices import TaskState


def deadline_rules(*, kind: str | None = None) -> list[Rule]:
    """The rule book (of one kind of letter, or all), as the pure engine takes it: one query."""
    rows = DeadlineRule.objects.all()
    if kind is not None:
        rows = rows.filter(kind=kind)
    return [row.as_rule() for row in rows.order_by("kind", "key", "complexity", "remote", "effective_from")]


def letter_deadlines(
    *,
    kind: str,
    received: datetime.date,
    accepted: datetime.date | None = None,
    complexity: str = Complexity.NORMAL,
    remote: bool = False,
    suspensions: Sequence[Suspension] = (),
) -> Deadlines:
    """The statutory deadlines of a letter, from the rule book and the working-day calendar as they are now."""
    return compute_deadlines(
        deadline_rules(kind=kind),
        kind=kind,
        received=received,
        accepted=accepted,
        complexity=complexity,
        remote=remote,
        suspensions=suspensions,
        calendar=current_calendar(),
    )


# --- the register: every read through the gate (``petitions.access``) -------------------------------------------

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Latest received first; the id makes the order total (keyset pages).
LETTER_ORDER = Keyset("letters", Key("received_on", datetime.date, descending=True), Key("id", int, descending=True))
RECEPTION_ORDER = Keyset(
    "receptions", Key("received_on", datetime.date, descending=True), Key("id", int, descending=True)
)
RECEPTION_DAY_ORDER = Keyset(
    "reception_days", Key("day", datetime.date, descending=True), Key("id", int, descending=True)
)


def protected_expr(model: type[Letter] | type[Reception]) -> Exists:
    """Whether a letter's or visit's identity is kept in the encrypted store (issue 19, point 6), in SQL: annotated
    as ``identity_protected`` so a list masks it without a query per row (``identity.is_protected``)."""
    field = "letter" if model is Letter else "reception"
    return Exists(SignerIdentity.objects.filter(**{field: OuterRef("pk")}))


def letter_state_expr() -> Case:
    """A letter's state (``LetterState``) in SQL, from its decision and its task's state: never stored, so it follows
    the task (issued, answered, stopped) without a copy to keep in step."""
    return Case(
        When(decision="", then=Value(LetterState.RECEIVED)),
        When(decision=Decision.KEEP, then=Value(LetterState.KEPT)),
        When(decision=Decision.GUIDE, then=Value(LetterState.GUIDED)),
        When(task__isnull=True, then=Value(LetterState.FORWARDED)),
        When(task__state=TaskState.DRAFT, then=Value(LetterState.ASSIGNING)),
        When(task__state=TaskState.DONE, then=Value(LetterState.ANSWERED)),
        When(task__state=TaskState.CANCELLED, then=Value(LetterState.STOPPED)),
        default=Value(LetterState.IN_HANDLING),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class LetterFilters:
    """What the letters' list filters on; empty values do not filter. ``unit_id``: the receiving unit with the
    units below it; ``commune_id``: where the matter arose; ``q``: a search box, each of whose words
    (``common.text.search_words``, without diacritics or case) the letter's ``search_text`` must contain."""

    q: str = ""
    unit_id: int | None = None
    commune_id: int | None = None
    kind: str = ""
    topic: str = ""
    state: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _listed(qs: QuerySet[Letter]) -> QuerySet[Letter]:
    """What a row of the list shows besides the letter: whether its identity is protected, its units and task."""
    listed = qs.annotate(identity_protected=protected_expr(Letter))
    return listed.select_related("unit", "commune", "forward_unit", "task")


def letter_list(*, user: User, filters: LetterFilters | None = None) -> QuerySet[Letter]:
    """Visible letters matching ``filters``, annotated with their ``state``, with what a row shows."""
    f = filters or LetterFilters()
    qs = letters_visible_to(user).annotate(state=letter_state_expr())
    # The search box: each folded word in the folded text (trigram index on PostgreSQL; ``letter_page`` reads it).
    for word in search_words(f.q):
        qs = qs.filter(search_text__contains=word)
    ids = subtree_ids(user, f.unit_id)
    if ids:
        qs = qs.filter(unit_id__in=ids)
    if f.commune_id is not None:
        qs = qs.filter(commune_id=f.commune_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.date_from is not None:
        qs = qs.filter(received_on__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(received_on__lte=f.date_to)
    return _listed(qs)


def _search_rows(ordered: QuerySet[Letter], limit: int) -> list[Letter]:
    """The first ``limit`` letters of a search (``ordered``: ``letter_list`` with a ``q``, in the register's order,
    its keyset condition applied).

    On two levels: the page's ids are chosen from the letters alone, then only those rows are joined to their units
    and task; read by ``common.search_plan.read_search_page``, which walks the receipt-date index
    (``letter_received_desc``) when gathering every match of a common word through the trigram index takes too long."""
    rows = LETTER_ORDER.order(
        _listed(Letter.objects.annotate(state=letter_state_expr())).filter(pk__in=ordered.values("pk")[:limit])
    )
    return read_search_page(rows)


def letter_page(
    *, user: User, filters: LetterFilters | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Letter]:
    """One page of ``letter_list`` after ``cursor`` (keyset on the receipt day and id; a forged cursor is
    ``BadCursor``): one query (a search on PostgreSQL: up to three, ``_search_rows``)."""
    qs = letter_list(user=user, filters=filters)
    if filters is not None and search_words(filters.q):
        return LETTER_ORDER.page(qs, cursor=cursor, limit=limit, fetch=_search_rows)
    return LETTER_ORDER.page(qs, cursor=cursor, limit=limit)


def letter_get(*, user: User, letter_id: int) -> Letter:
    """A visible letter with its state, or 404 (another unit's letter is indistinguishable from none)."""
    letter = (
        letters_visible_to(user)
        .annotate(state=letter_state_expr(), identity_protected=protected_expr(Letter))
        .select_related("unit", "commune", "subject_unit", "forward_unit", "task", "task__lead_unit", "created_by")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        raise Http404
    return letter


def letter_of_task_expr() -> Subquery:
    """The id of the letter a task was made for, as an expression on a task query (the task page's extension: it tells
    whether there is one, without reading it; the letter itself is read through the gate, ``letter_of_task``)."""
    return Subquery(Letter.objects.filter(task_id=OuterRef("pk")).values("pk")[:1])


def letter_of_task(*, user: User, task_id: int) -> Letter | None:
    """The letter a task was made for, if the user sees it (one indexed query): the task page names it."""
    return letters_visible_to(user).select_related("unit").filter(task_id=task_id).first()


def letter_deadlines_of(letter: Letter) -> Deadlines:
    """A letter's statutory deadlines (``letter_deadlines`` of its facts); none for a letter kept for information
    by ``rules.kept_for_information`` or received before the book starts."""
    if kept_for_information(
        kind=letter.kind,
        main_kind=letter.main_kind,
        signer_kind=letter.signer_kind,
        topic=letter.topic,
        against_party_member=letter.against_party_member,
    ):
        return Deadlines(due={}, stopped=(), rules={})
    try:
        return letter_deadlines(
            kind=letter.deadline_kind,
            received=letter.received_on,
            accepted=letter.accepted_on,
            complexity=letter.complexity,
            remote=letter.remote,
        )
    except RuleBookError:
        return Deadlines(due={}, stopped=(), rules={})


def likely_duplicates(letter_fields: Mapping[str, Any], user: User) -> list[Proposal]:
    """The letters the entry form (and ``POST /api/v1/petitions/letters/duplicates``) proposes as likely duplicates
    of the one being entered (issue 19, point 5): among the letters ``user`` sees (``access.letters_visible_to``),
    at most five, best first, each with ``letter_id``, ``label`` and ``reason`` ("cùng người gửi, cùng nội dung").

    ``letter_fields``: the fields typed (``LetterForm.duplicate_fields``: ``signer_name``, ``signer_address``,
    ``summary``, ``address``, ``commune_id``, ``received_on``…). The search is ``duplicates.proposals_for``."""
    return proposals_for(letter_fields, user)


def letter_links(*, user: User, letter: Letter) -> list[LinkedLetter]:
    """The letters linked to ``letter`` as duplicates, either way, that ``user`` sees (two queries)."""
    return linked_letters(user, letter)


def letter_repeat_of(*, user: User, letter: Letter) -> Letter | None:
    """The earlier letter ``letter`` repeats after its decision took effect (đơn kéo dài), if ``user`` sees it."""
    return visible_repeat_of(user, letter)


def letter_visits(*, user: User, letter: Letter) -> list[Reception]:
    """The visits ``letter`` was handed in at, among those ``user`` sees."""
    return list(receptions_visible_to(user).filter(letter=letter).order_by("received_on", "pk"))


@dataclass(frozen=True)
class ReceptionFilters:
    unit_id: int | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def reception_list(*, user: User, filters: ReceptionFilters | None = None) -> QuerySet[Reception]:
    f = filters or ReceptionFilters()
    qs = receptions_visible_to(user)
    ids = subtree_ids(user, f.unit_id)
    if ids:
        qs = qs.filter(unit_id__in=ids)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from is not None:
        qs = qs.filter(received_on__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(received_on__lte=f.date_to)
    return qs.annotate(identity_protected=protected_expr(Reception)).select_related(
        "unit", "receiving_leader", "commune"
    )


def reception_page(
    *, user: User, filters: ReceptionFilters | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Reception]:
    return RECEPTION_ORDER.page(reception_list(user=user, filters=filters), cursor=cursor, limit=limit)


def reception_get(*, user: User, reception_id: int) -> Reception:
    reception = (
        receptions_visible_to(user)
        .annotate(identity_protected=protected_expr(Reception))
        .select_related("unit", "receiving_leader", "reception_day", "commune", "letter", "created_by")
        .filter(pk=reception_id)
        .first()
    )
    if reception is None:
        raise Http404
    return reception


def reception_day_page(
    *,
    user: User,
    unit_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page[ReceptionDay]:
    qs = reception_days_visible_to(user)
    ids = subtree_ids(user, unit_id)
    if ids:
        qs = qs.filter(unit_id__in=ids)
    if date_from is not None:
        qs = qs.filter(day__gte=date_from)
    if date_to is not None:
        qs = qs.filter(day__lte=date_to)
    return RECEPTION_DAY_ORDER.page(qs.select_related("unit", "leader"), cursor=cursor, limit=limit)


def reception_day_get(*, user: User, day_id: int) -> ReceptionDay:
    day = reception_days_visible_to(user).select_related("unit", "leader").filter(pk=day_id).first()
    if day is None:
        raise Http404
    return day


def reception_days_on(*, user: User, unit_id: int, day: datetime.date) -> list[ReceptionDay]:
    """The unit's reception days on ``day`` (for a visit received on it)."""
    return list(reception_days_visible_to(user).filter(unit_id=unit_id, day=day).select_related("leader"))


# --- the monthly figure of reception days ------------------------------------------------------------------------

# A Secretary is the person whose position (chức vụ) in the unit — for the city, in its standing bodies — starts
# with this title ("Bí thư Thành ủy", "Bí thư Đảng ủy phường Phú Xuân"); a "Phó Bí thư" does not.
SECRETARY_TITLE = "Bí thư"
LOCAL_UNIT_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)


@dataclass(frozen=True)
class SecretaryDays:
    """One committee's, ward's or commune's reception days in a month: those its Secretary held against the
    number required (``required``, from the settings), the days planned, and who the Secretary was."""

    unit_id: int
    unit_name: str
    unit_kind: str
    secretaries: tuple[str, ...]
    held: int
    planned: int
    required: int

    @property
    def met(self) -> bool:
        return self.held >= self.required


@dataclass(frozen=True)
class ReceptionDayFigures:
    year: int
    month: int
    start: datetime.date
    end: datetime.date
    rows: list[SecretaryDays]

    @property
    def missed(self) -> list[SecretaryDays]:
        """Who did not hold the days required (the list the dashboard shows)."""
        return [r for r in self.rows if not r.met]


def required_days(kind: str) -> int:
    """Reception days a month the Secretary of a unit of ``kind`` must hold (settings, docs/petitions.md)."""
    if kind == UnitKind.COMMITTEE:
        return int(settings.SAURO_PETITIONS_CITY_SECRETARY_DAYS)
    return int(settings.SAURO_PETITIONS_COMMUNE_SECRETARY_DAYS)


def previous_month(day: datetime.date) -> tuple[int, int]:
    """The month before ``day``'s, as (year, month): the last month whose reception days are all known."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def month_window(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    end = datetime.date(year, month, calendar_module.monthrange(year, month)[1])
    return start, end


def reception_day_figures(*, user: User, year: int, month: int, unit_id: int | None = None) -> ReceptionDayFigures:
    """Per committee, ward and commune whose register the user reads (in force during the month; within
    ``unit_id``'s subtree when given, as on the dashboard): the reception days held by its Secretary in the month
    against the number required, the days planned, and the Secretary's name. Three queries whatever the number of
    units (the units, the Secretaries, the grouped days)."""
    start, end = month_window(year, month)
    rows = secretary_days(user=user, start=start, end=end, unit_id=unit_id)
    return ReceptionDayFigures(year=year, month=month, start=start, end=end, rows=rows)


def secretary_days(
    *, user: User, start: datetime.date, end: datetime.date, unit_id: int | None = None, months: int = 1
) -> list[SecretaryDays]:
    """``reception_day_figures``'s rows over any window from ``start`` to ``end`` (both included) that spans
    ``months`` months (a reporting month or quarter: the number required is the monthly one times ``months``)."""
    ids = register_unit_ids(user)
    subtree = subtree_ids(user, unit_id)
    if subtree:
        ids = sorted(set(ids) & set(subtree))
    if not ids:
        return []
    units = list(
        Unit.objects.filter(pk__in=ids, kind__in=[UnitKind.COMMITTEE, *LOCAL_UNIT_KINDS], valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .filter(Q(kind__in=LOCAL_UNIT_KINDS) | Q(parent__isnull=True))
        .order_by("path")
    )
    unit_ids = [u.pk for u in units]
    if not unit_ids:
        return []
    committees = [u.pk for u in units if u.kind == UnitKind.COMMITTEE]
    secretaries: dict[int, dict[int, str]] = {pk: {} for pk in unit_ids}
    rows = (
        Membership.objects.filter(valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .filter(position__startswith=SECRETARY_TITLE)
        .filter(Q(unit_id__in=unit_ids) | Q(unit__kind=UnitKind.STANDING, unit__parent_id__in=committees))
        .values_list("unit_id", "unit__parent_id", "unit__kind", "person_id", "person__full_name")
    )
    for unit_id, parent_id, kind, person_id, name in rows:
        target = parent_id if kind == UnitKind.STANDING else unit_id
        if target in secretaries:
            secretaries[target][person_id] = name
    counts = (
        ReceptionDay.objects.filter(unit_id__in=unit_ids, day__gte=start, day__lte=end)
        .order_by()
        .values("unit_id", "leader_id")
        .annotate(
            held=Count("id", filter=Q(state=ReceptionDayState.HELD)),
            planned=Count("id", filter=~Q(state=ReceptionDayState.CANCELLED)),
        )
    )
    held: dict[int, int] = {}
    planned: dict[int, int] = {}
    for row in counts:
        if row["leader_id"] in secretaries.get(row["unit_id"], {}):
            held[row["unit_id"]] = held.get(row["unit_id"], 0) + row["held"]
            planned[row["unit_id"]] = planned.get(row["unit_id"], 0) + row["planned"]
    figures = [
        SecretaryDays(
            unit_id=u.pk,
            unit_name=u.name,
            unit_kind=u.kind,
            secretaries=tuple(sorted(secretaries[u.pk].values())),
            held=held.get(u.pk, 0),
            planned=planned.get(u.pk, 0),
            required=required_days(u.kind) * months,
        )
        for u in units
    ]
    return figures
