"""Hot-spot early warning (điểm nóng; issue 19, point 7): the rules that flag a case, the periodic scan that stores
and notifies each flag once, and the reads of the flags (the list page, the API, the dashboard, the reports).

The rules, each a few SQL queries (filters and aggregates, never a loop over all letters). A letter is **live** when
it was received in the last ``SAURO_PETITIONS_RISE_WEEKS`` weeks or is still open (not decided, or its task not
done nor cancelled): old settled letters raise nothing.

- **(a) crowd** (``crowd``): a live letter signed by ``SAURO_PETITIONS_CROWD_PEOPLE`` people or more
  (``signer_count``); a visit of the reception register in the last weeks by that many people or more
  (``people_count``; the group's one visit is "the same content") — flagged with its letter when one was handed in.
  Letters an officer linked as the same matter (point 5, ``LetterLink``) count their signers together
  (``same_matter_people``).
- **(b) prolonged**: ``overdue``: a letter still open past its deadline — not yet decided when its statutory handling
  deadline (xử lý đơn, from the rule book and the working-day calendar) has passed, or its task (issued or still a
  draft) past the task's deadline. The statutory deadline is turned into one receipt-date cut-off per kind of letter
  and area (the deadline grows with the receipt date), so the test is a plain SQL comparison. ``repeat``: a letter that
  repeats a matter after a decision in force — marked by the duplicates' wiring (point 5, ``Letter.repeat_of``), read
  through ``repeat_filter`` / ``_is_repeat``.
- **(c) complex** (``complex``): a live letter on which the officer marked a criterion (``Letter.hotspot_marks``:
  nhiều hộ dân, đất đai, tôn giáo/dân tộc, báo chí quan tâm, dấu hiệu tụ tập đông người).
- **(d) rise** (``rise``): a commune's letters on a topic over the last ``SAURO_PETITIONS_RISE_WEEKS`` weeks (R) against
  the ``SAURO_PETITIONS_BASELINE_WEEKS`` weeks before (B): flagged when ``R ≥ SAURO_PETITIONS_RISE_MIN`` and
  ``R / rise_weeks ≥ SAURO_PETITIONS_RISE_FACTOR × B / baseline_weeks`` (the weekly means compared). One grouped
  query. Every letter of the register counts, whichever unit received it.

The **commune** of a flag is the letter's (or the visit's) commune where the matter arose, else its receiving unit when
that is a ward or commune; flags without one are listed but left out of the dashboard's grid.

``hotspot_scan(as_of=…)`` (the daily pass, ``petitions.jobs``) raises each new flag once — a row keyed by what it is
about (``HotSpot.key``) — with an audit entry and a notification to the heads of the commune and of the receiving
units and to Văn phòng (the monitors of their committee), in the same transaction; a second scan finds the key and
does nothing. A flag whose condition has gone (the overdue letter resolved, the rise subsided) is ended.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.calendar import current_calendar
from sauro.common.pagination import Key, Keyset, Page
from sauro.notifications.choices import NotificationKind
from sauro.notifications.services import notify
from sauro.org.access import subtree_ids
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.petitions.access import (
    hotspots_visible_to,
    letters_visible_to,
    receptions_visible_to,
    register_unit_ids,
)
from sauro.petitions.choices import (
    HotSpotMark,
    HotSpotReason,
    LetterKind,
    LetterState,
    PetitionKind,
    Topic,
)
from sauro.petitions.deadlines import RuleBookError, compute_deadlines
from sauro.petitions.models import HotSpot, Letter, LetterLink, Reception
from sauro.petitions.rules import UNHANDLED_SIGNERS
from sauro.petitions.selectors import deadline_rules, letter_list, letter_state_expr

LOCAL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)
OPEN_LETTER_STATES = (LetterState.RECEIVED, LetterState.ASSIGNING, LetterState.IN_HANDLING)
# Flags whose condition can go away (then ended); the others are events: once raised, they stay raised.
ENDING_REASONS = (HotSpotReason.OVERDUE, HotSpotReason.RISE)
HEAD_ROLES = (Role.UNIT_HEAD, Role.LEADER)
# How far back a receipt date is searched for the statutory handling deadline's cut-off.
CUTOFF_SEARCH_DAYS = 120


@dataclass(frozen=True)
class Thresholds:
    crowd_people: int
    rise_factor: float
    rise_min: int
    rise_weeks: int
    baseline_weeks: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            crowd_people=int(settings.SAURO_PETITIONS_CROWD_PEOPLE),
            rise_factor=float(settings.SAURO_PETITIONS_RISE_FACTOR),
            rise_min=int(settings.SAURO_PETITIONS_RISE_MIN),
            rise_weeks=int(settings.SAURO_PETITIONS_RISE_WEEKS),
            baseline_weeks=int(settings.SAURO_PETITIONS_BASELINE_WEEKS),
        )


@dataclass(frozen=True)
class Windows:
    """The recent window (the last ``rise_weeks`` weeks, today included) and the baseline before it."""

    recent_start: datetime.date
    end: datetime.date
    baseline_start: datetime.date

    @classmethod
    def of(cls, today: datetime.date, t: Thresholds) -> Windows:
        recent_start = today - datetime.timedelta(days=7 * t.rise_weeks - 1)
        return cls(recent_start, today, recent_start - datetime.timedelta(days=7 * t.baseline_weeks))


def place_expr(prefix: str = "") -> Coalesce:
    """Where the matter arose: the commune recorded, else the receiving unit when it is a ward or commune."""
    return Coalesce(
        F(f"{prefix}commune_id"),
        Case(When(**{f"{prefix}unit__kind__in": LOCAL_KINDS}, then=F(f"{prefix}unit_id")), default=Value(None)),
        output_field=IntegerField(),
    )


def _deadline_kind_expr() -> Case:
    return Case(When(kind=LetterKind.MIXED, then=F("main_kind")), default=F("kind"), output_field=CharField())


def _kept_q() -> Q:
    """``rules.kept_for_information`` in SQL: such a letter has no deadline."""
    if not getattr(settings, "SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS", True):
        return Q(pk__in=[])
    denunciation = Q(kind=PetitionKind.TO_CAO) | Q(kind=LetterKind.MIXED, main_kind=PetitionKind.TO_CAO)
    about_party = Q(against_party_member=True) | Q(topic=Topic.PARTY_MEMBERS)
    return denunciation & about_party & Q(signer_kind__in=sorted(UNHANDLED_SIGNERS))


def handling_cutoffs(today: datetime.date) -> dict[tuple[str, bool], datetime.date]:
    """Per (kind, remote area): the latest receipt date whose statutory handling deadline (xử lý đơn) is before
    ``today`` — a letter received then or earlier and still undecided is overdue. One query (the rule book); the
    deadline never decreases as the receipt date grows, so the first date found walking back is the cut-off."""
    rules = deadline_rules()
    cal = current_calendar()
    cutoffs: dict[tuple[str, bool], datetime.date] = {}
    for kind in PetitionKind.values:
        for remote in (False, True):
            day = today - datetime.timedelta(days=1)
            for _step in range(CUTOFF_SEARCH_DAYS):
                try:
                    due = compute_deadlines(rules, kind=kind, received=day, calendar=cal, remote=remote).due
                except RuleBookError:
                    break
                handling = due.get("handling")
                if handling is None:
                    break
                if handling < today:
                    cutoffs[(kind, remote)] = day
                    break
                day -= datetime.timedelta(days=1)
    return cutoffs


# --- the hooks left for the merger (duplicates, point 5) --------------------------------------------------------


def repeat_filter(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    """Point 5 → point 7 b: the letters of ``letters`` that repeat a matter after a decision in force (đơn kéo dài):
    those the duplicates' wiring marked with the earlier, answered letter (``Letter.repeat_of``, set at entry, on a
    link and when the earlier letter's answer is approved: ``petitions.duplicates``)."""
    return letters.filter(repeat_of__isnull=False)


def _is_repeat(letter: Letter) -> bool:
    """Whether one letter is a repeat after a decision in force: ``repeat_filter`` on it."""
    return repeat_filter(Letter.objects.filter(pk=letter.pk)).exists()


def same_matter_people(letter_ids: Iterable[int]) -> dict[int, int]:
    """Point 5 → point 7 a: per letter, the signers of the other letters an officer linked to it as the same matter
    (``LetterLink``, either way), to add to its own signers for the crowd rule. One query."""
    ids = set(letter_ids)
    if not ids:
        return {}
    people: dict[int, int] = {}
    links = LetterLink.objects.filter(Q(letter_id__in=ids) | Q(duplicate_of_id__in=ids)).values_list(
        "letter_id", "duplicate_of_id", "letter__signer_count", "duplicate_of__signer_count"
    )
    for letter_id, earlier_id, letter_people, earlier_people in links:
        if letter_id in ids:
            people[letter_id] = people.get(letter_id, 0) + (earlier_people or 1)
        if earlier_id in ids:
            people[earlier_id] = people.get(earlier_id, 0) + (letter_people or 1)
    return people


# --- detection ----------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    key: str
    reason: str
    commune_id: int | None
    topic: str
    letter_ids: set[int] = field(default_factory=set)
    reception_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    detail: str = ""
    people: int | None = None
    recent: int | None = None
    baseline: int | None = None


def _live(today: datetime.date, w: Windows) -> QuerySet[Letter]:
    return Letter.objects.annotate(state=letter_state_expr(), place=place_expr()).filter(
        Q(received_on__gte=w.recent_start, received_on__lte=today) | Q(state__in=OPEN_LETTER_STATES)
    )


def _letter_finding(reason: str, row: dict[str, Any], detail: str, **extra: Any) -> Finding:
    return Finding(
        key=f"{reason}:L{row['pk']}",
        reason=reason,
        commune_id=row["place"],
        topic=row["topic"],
        letter_ids={row["pk"]},
        unit_ids={row["unit_id"]},
        detail=detail,
        **extra,
    )


def detect(today: datetime.date, t: Thresholds | None = None) -> list[Finding]:
    """Every flag the rules raise on ``today``; about eight queries whatever the number of letters."""
    t = t or Thresholds.from_settings()
    w = Windows.of(today, t)
    findings: list[Finding] = []
    fields = ("pk", "place", "topic", "unit_id")

    # (a) crowd: letters signed by many, then visits of many.
    crowd: dict[int, Finding] = {}
    for row in _live(today, w).filter(signer_count__gte=t.crowd_people).values(*fields, "signer_count"):
        crowd[row["pk"]] = _letter_finding(
            HotSpotReason.CROWD,
            row,
            _("Đơn có %(n)d người cùng ký.") % {"n": row["signer_count"]},
            people=row["signer_count"],
        )
    # Letters an officer linked as the same matter count their signers together: two letters of three are six people.
    linked = _live(today, w).filter(Q(duplicate_links__isnull=False) | Q(duplicated_by__isnull=False)).distinct()
    linked_rows = {row["pk"]: row for row in linked.values(*fields, "signer_count")}
    for pk, more in same_matter_people(linked_rows).items():
        if pk in crowd:
            crowd[pk].people = (crowd[pk].people or 0) + more
        elif linked_rows[pk]["signer_count"] + more >= t.crowd_people:
            people = linked_rows[pk]["signer_count"] + more
            crowd[pk] = _letter_finding(
                HotSpotReason.CROWD,
                linked_rows[pk],
                _("Đơn cùng nội dung với các đơn đã liên kết: %(n)d người cùng ký.") % {"n": people},
                people=people,
            )
    visits = (
        Reception.objects.filter(received_on__gte=w.recent_start, received_on__lte=today)
        .filter(people_count__gte=t.crowd_people)
        .annotate(place=Coalesce(place_expr(), place_expr("letter__"), output_field=IntegerField()))
        .values("pk", "place", "unit_id", "people_count", "letter_id", "letter__topic", "letter__unit_id")
        .order_by("pk")
    )
    for row in visits:
        detail = _("Đoàn %(n)d người đến trình bày cùng một nội dung.") % {"n": row["people_count"]}
        letter_id = row["letter_id"]
        if letter_id is not None:
            found = crowd.get(letter_id)
            if found is None:
                found = crowd[letter_id] = Finding(
                    key=f"{HotSpotReason.CROWD}:L{letter_id}",
                    reason=HotSpotReason.CROWD,
                    commune_id=row["place"],
                    topic=row["letter__topic"] or "",
                    letter_ids={letter_id},
                    unit_ids={row["letter__unit_id"]},
                    detail=detail,
                    people=row["people_count"],
                )
            else:
                found.people = max(found.people or 0, row["people_count"])
            found.reception_ids.add(row["pk"])
            found.unit_ids.add(row["unit_id"])
        else:
            findings.append(
                Finding(
                    key=f"{HotSpotReason.CROWD}:R{row['pk']}",
                    reason=HotSpotReason.CROWD,
                    commune_id=row["place"],
                    topic="",
                    reception_ids={row["pk"]},
                    unit_ids={row["unit_id"]},
                    detail=detail,
                    people=row["people_count"],
                )
            )
    findings.extend(crowd.values())

    # (b) prolonged: open past the deadline, or a repeat after a decision in force.
    cutoffs = handling_cutoffs(today)
    undecided_late = Q(pk__in=[])
    for (kind, remote), cutoff in cutoffs.items():
        undecided_late |= Q(dk=kind, remote=remote, received_on__lte=cutoff)
    task_late = Q(task__deadline__lt=today) | Q(task__deadline__isnull=True, task__due_date__lt=today)
    overdue = (
        Letter.objects.annotate(state=letter_state_expr(), place=place_expr(), dk=_deadline_kind_expr())
        .filter(
            (Q(state=LetterState.RECEIVED) & ~_kept_q() & undecided_late)
            | (Q(state__in=[LetterState.ASSIGNING, LetterState.IN_HANDLING]) & task_late)
        )
        .values(*fields, "task__deadline", "task__due_date")
    )
    for row in overdue:
        due = row["task__deadline"] or row["task__due_date"]
        if due is not None:
            detail = _("Nhiệm vụ giải quyết đơn đã quá hạn (hạn %(day)s) mà chưa hoàn thành.") % {
                "day": f"{due:%d/%m/%Y}"
            }
        else:
            detail = _("Đơn chưa được xử lý khi đã quá thời hạn xử lý đơn theo quy định.")
        findings.append(_letter_finding(HotSpotReason.OVERDUE, row, detail))
    for row in repeat_filter(_live(today, w)).values(*fields):
        findings.append(
            _letter_finding(HotSpotReason.REPEAT, row, _("Đơn tái diễn sau quyết định giải quyết đã có hiệu lực."))
        )

    # (c) complex: criteria marked by the officer.
    labels = dict(HotSpotMark.choices)
    for row in _live(today, w).exclude(hotspot_marks="").values(*fields, "hotspot_marks"):
        marks = ", ".join(str(labels.get(m, m)) for m in row["hotspot_marks"].split(",") if m)
        findings.append(
            _letter_finding(HotSpotReason.COMPLEX, row, _("Cán bộ đánh dấu vụ việc phức tạp: %(m)s.") % {"m": marks})
        )

    # (d) rise: a commune's letters on a topic against its own baseline (one grouped query).
    findings.extend(_rises(today, t, w))
    return findings


def _rises(today: datetime.date, t: Thresholds, w: Windows) -> list[Finding]:
    grouped = (
        Letter.objects.annotate(place=place_expr())
        .filter(place__isnull=False, received_on__gte=w.baseline_start, received_on__lte=today)
        .values("place", "topic")
        .annotate(
            recent=Count("pk", filter=Q(received_on__gte=w.recent_start)),
            base=Count("pk", filter=Q(received_on__lt=w.recent_start)),
        )
        .annotate(
            excess=ExpressionWrapper(
                F("recent") * Value(float(t.baseline_weeks)) - F("base") * Value(float(t.rise_factor * t.rise_weeks)),
                output_field=FloatField(),
            )
        )
        .filter(recent__gte=t.rise_min, excess__gte=-1e-9)
        .order_by("place", "topic")
    )
    rows = {(r["place"], r["topic"]): (r["recent"], r["base"]) for r in grouped}
    if not rows:
        return []
    found: dict[tuple[int, str], Finding] = {}
    for (place, topic), (recent, base) in rows.items():
        if base:
            ratio = recent * t.baseline_weeks / (base * t.rise_weeks)
            detail = _(
                "%(r)d đơn trong %(w)d tuần gần nhất, gấp %(x)s lần mức trung bình của %(b)d tuần trước đó (%(n)d đơn)."
            ) % {
                "r": recent,
                "w": t.rise_weeks,
                "x": f"{ratio:.1f}".replace(".", ","),
                "b": t.baseline_weeks,
                "n": base,
            }
        else:
            detail = _("%(r)d đơn trong %(w)d tuần gần nhất; %(b)d tuần trước đó không có đơn nào.") % {
                "r": recent,
                "w": t.rise_weeks,
                "b": t.baseline_weeks,
            }
        found[(place, topic)] = Finding(
            key=f"{HotSpotReason.RISE}:{place}:{topic}",
            reason=HotSpotReason.RISE,
            commune_id=place,
            topic=topic,
            detail=detail,
            recent=recent,
            baseline=base,
        )
    pairs = Q(pk__in=[])
    for place, topic in rows:
        pairs |= Q(place=place, topic=topic)
    letters = (
        Letter.objects.annotate(place=place_expr())
        .filter(received_on__gte=w.recent_start, received_on__lte=today)
        .filter(pairs)
        .values_list("pk", "place", "topic", "unit_id")
    )
    for pk, place, topic, unit_id in letters:
        f = found[(place, topic)]
        f.letter_ids.add(pk)
        f.unit_ids.add(unit_id)
    return list(found.values())


# --- raising and notifying (the periodic scan) --------------------------------------------------------------------


@dataclass
class ScanResult:
    raised: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    already: int = 0


def _recipients(unit_ids: set[int], day: datetime.date) -> set[int]:
    """The heads (and leaders) of the commune and the receiving units, and Văn phòng: the monitors of their
    committees (the nearest committee at or above each unit)."""
    units = list(Unit.objects.filter(pk__in=unit_ids))
    if not units:
        return set()
    above = {pk for u in units for pk in (*u.ancestor_ids, u.pk)}
    committees = list(
        Unit.objects.filter(pk__in=above, kind=UnitKind.COMMITTEE).order_by("-depth").values_list("pk", "path")
    )
    paths = set()
    for u in units:
        for _pk, path in committees:
            if u.path.startswith(path):
                paths.add(path)
                break
    who = Q(unit_id__in=sorted(unit_ids), role__in=HEAD_ROLES)
    for path in sorted(paths):
        who |= Q(role=Role.MONITOR, unit__path__startswith=path, unit__valid_to__isnull=True)
    return set(
        Membership.objects.active_on(day).filter(who, person__is_active=True).values_list("person_id", flat=True)
    )


def _title(spot: HotSpot) -> str:
    where = spot.commune.name if spot.commune else _("chưa rõ phường, xã")
    topic = f", {spot.get_topic_display().lower()}" if spot.topic else ""
    return _("Cảnh báo điểm nóng: %(reason)s — %(where)s%(topic)s") % {
        "reason": spot.get_reason_display(),
        "where": where,
        "topic": topic,
    }


@transaction.atomic
def hotspot_raise(*, acting_user: User | None, finding: Finding, as_of: datetime.date) -> HotSpot:
    """Store one flag, with its audit entry, and notify the commune's and the receiving units' heads and Văn phòng
    (once: the flag's ``key`` is unique, and ``notified_at`` records the notification)."""
    now = clock.now()
    key = finding.key if finding.reason != HotSpotReason.RISE else f"{finding.key}:{as_of.isoformat()}"
    spot = HotSpot.objects.create(
        key=key,
        reason=finding.reason,
        commune_id=finding.commune_id,
        topic=finding.topic,
        detail=finding.detail[:300],
        people=finding.people,
        recent=finding.recent,
        baseline=finding.baseline,
        raised_on=as_of,
        raised_at=now,
    )
    if finding.letter_ids:
        spot.letters.set(sorted(finding.letter_ids))
    if finding.reception_ids:
        spot.receptions.set(sorted(finding.reception_ids))
    spot = HotSpot.objects.select_related("commune").get(pk=spot.pk)
    title = _title(spot)
    units = set(finding.unit_ids)
    if finding.commune_id is not None:
        units.add(finding.commune_id)
    # A notification links only to what its recipient may open: the commune's head is told when the flag rests on a
    # letter or visit their unit sees (received by or forwarded to it); the receiving unit's head and Văn phòng are.
    people = User.objects.filter(pk__in=sorted(_recipients(units, as_of)))
    recipients = [p for p in people if hotspots_visible_to(p).filter(pk=spot.pk).exists()]
    notify(
        recipients=recipients,
        kind=NotificationKind.HOTSPOT,
        title=title,
        body=spot.detail,
        url=reverse("petitions:hotspot_detail", args=[spot.pk]),
        subject=f"hotspot:{spot.pk}",
    )
    spot.notified_at = now
    spot.save(update_fields=["notified_at"])
    audit_record(
        acting_user=acting_user,
        action="hotspot.raise",
        obj=spot,
        unit_id=finding.commune_id,
        summary=title[:500],
        after={
            "key": spot.key,
            "reason": spot.reason,
            "commune_id": spot.commune_id,
            "topic": spot.topic,
            "letters": sorted(finding.letter_ids),
            "receptions": sorted(finding.reception_ids),
            "detail": spot.detail,
        },
    )
    return spot


@transaction.atomic
def hotspot_end(*, acting_user: User | None, spot: HotSpot, as_of: datetime.date) -> HotSpot:
    """End a flag whose condition has gone (the letter resolved, the rise subsided); it stays in the list."""
    locked = HotSpot.objects.select_for_update().get(pk=spot.pk)
    if locked.ended_on is not None:
        return locked
    locked.ended_on = as_of
    locked.save(update_fields=["ended_on"])
    audit_record(
        acting_user=acting_user,
        action="hotspot.end",
        obj=locked,
        unit_id=locked.commune_id,
        summary=f"Hết cảnh báo: {locked}"[:500],
        before={"ended_on": None},
        after={"ended_on": as_of},
    )
    return locked


def hotspot_scan(*, as_of: datetime.date | None = None) -> ScanResult:
    """One pass of the early warning for ``as_of`` (default today): raise and notify the new flags, end those whose
    condition has gone. Idempotent: a flag already raised is found by its key and left alone."""
    today = as_of or clock.today()
    findings = detect(today)
    result = ScanResult()
    current = {f.key for f in findings}
    known = set(HotSpot.objects.filter(key__in=sorted(current)).values_list("key", flat=True))
    open_rises = {
        f"{HotSpotReason.RISE}:{c}:{t}": pk
        for pk, c, t in HotSpot.objects.filter(reason=HotSpotReason.RISE, ended_on__isnull=True).values_list(
            "pk", "commune_id", "topic"
        )
    }
    for finding in findings:
        if finding.key in known or finding.key in open_rises:
            result.already += 1
            continue
        try:
            spot = hotspot_raise(acting_user=None, finding=finding, as_of=today)
        except IntegrityError:  # a concurrent scan raised it first
            result.already += 1
            continue
        result.raised.append(spot.pk)
    gone = HotSpot.objects.filter(reason__in=ENDING_REASONS, ended_on__isnull=True, raised_on__lt=today)
    for spot in gone:
        live_key = (
            spot.key if spot.reason != HotSpotReason.RISE else f"{HotSpotReason.RISE}:{spot.commune_id}:{spot.topic}"
        )
        if live_key not in current:
            hotspot_end(acting_user=None, spot=spot, as_of=today)
            result.ended.append(spot.pk)
    return result


# --- reads (through the gate: ``access.hotspots_visible_to``) ------------------------------------------------------

PAGE_SIZE = 50
HOTSPOT_ORDER = Keyset(
    "hotspots", Key("raised_at", datetime.datetime, descending=True), Key("id", int, descending=True)
)


@dataclass(frozen=True)
class HotSpotFilters:
    commune_id: int | None = None
    topic: str = ""
    reason: str = ""
    include_ended: bool = False


def hotspot_list(*, user: User, filters: HotSpotFilters | None = None) -> QuerySet[HotSpot]:
    """Visible flags matching ``filters`` (open ones unless ``include_ended``), with the number of their letters the
    user sees (``letter_count``)."""
    f = filters or HotSpotFilters()
    qs = hotspots_visible_to(user)
    if not f.include_ended:
        qs = qs.filter(ended_on__isnull=True)
    if f.commune_id is not None:
        qs = qs.filter(commune_id=f.commune_id)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    if f.reason:
        qs = qs.filter(reason=f.reason)
    seen = HotSpot.letters.through.objects.filter(
        hotspot_id=OuterRef("pk"), letter__in=letters_visible_to(user).values("pk")
    )
    counted = seen.order_by().values("hotspot_id").annotate(n=Count("pk")).values("n")  # type: ignore[misc]
    # The communes come in a second query (``prefetch_related``), not joined: a join to the units, planned before
    # the page is cut, ran once per flag of the whole list (with no statistics on the flags, a nested loop over
    # every unit for each of them).
    return qs.annotate(letter_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)).prefetch_related(
        "commune"
    )


def hotspot_page(
    *, user: User, filters: HotSpotFilters | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[HotSpot]:
    """One page of ``hotspot_list``, latest raised first (keyset; a forged cursor is ``BadCursor``): one query."""
    return HOTSPOT_ORDER.page(hotspot_list(user=user, filters=filters), cursor=cursor, limit=limit)


def hotspot_get(*, user: User, hotspot_id: int) -> HotSpot:
    """A visible flag, or 404 (another unit's flag is indistinguishable from none)."""
    spot = hotspot_list(user=user, filters=HotSpotFilters(include_ended=True)).filter(pk=hotspot_id).first()
    if spot is None:
        raise Http404
    return spot


def hotspot_letters(*, user: User, spot: HotSpot) -> QuerySet[Letter]:
    """The drill-down: the flag's letters the user sees, with their state (as the letters' list shows them)."""
    return letter_list(user=user).filter(hotspots=spot)


def hotspot_receptions(*, user: User, spot: HotSpot) -> QuerySet[Reception]:
    return receptions_visible_to(user).filter(hotspots=spot).select_related("unit")


# --- the dashboard: hot spots by commune and topic, with a trend ----------------------------------------------------

DASHBOARD_LIMIT = 12
SPARK_W, SPARK_H = 64, 18


@dataclass(frozen=True)
class HotSpotTrend:
    """One commune and topic with open flags: how many flags of each reason, the letters of each of the last
    ``rise_weeks`` weeks (oldest first) against the weekly mean of the baseline weeks before."""

    commune_id: int
    commune_name: str
    topic: str
    reasons: tuple[tuple[str, str, int], ...]  # (code, label, flags)
    weeks: tuple[int, ...]
    baseline: int
    baseline_weeks: int
    first_raised: datetime.date

    @property
    def topic_label(self) -> str:
        return str(dict(Topic.choices).get(self.topic, "—")) if self.topic else "—"

    @property
    def recent(self) -> int:
        return sum(self.weeks)

    @property
    def baseline_mean(self) -> float:
        """The baseline's letters per week."""
        return self.baseline / self.baseline_weeks if self.baseline_weeks else 0.0

    @property
    def ratio(self) -> float | None:
        """Recent weekly mean over the baseline's (``None`` when the baseline is empty)."""
        mean = self.baseline_mean
        return (self.recent / len(self.weeks)) / mean if mean and self.weeks else None

    @property
    def spark_points(self) -> str:
        """The weekly counts as an SVG polyline's points (no script, no CDN)."""
        top = max([*self.weeks, self.baseline_mean, 1.0])
        step = SPARK_W / max(len(self.weeks) - 1, 1)
        return " ".join(
            f"{i * step:.1f},{SPARK_H - 2 - (v / top) * (SPARK_H - 4):.1f}" for i, v in enumerate(self.weeks)
        )

    @property
    def spark_baseline_y(self) -> str:
        top = max([*self.weeks, self.baseline_mean, 1.0])
        return f"{SPARK_H - 2 - (self.baseline_mean / top) * (SPARK_H - 4):.1f}"


def hotspot_trends(
    *, user: User, unit_id: int | None, today: datetime.date, limit: int = DASHBOARD_LIMIT
) -> list[HotSpotTrend]:
    """Open flags the user sees in ``unit_id``'s subtree, grouped by commune and topic, with the letters of the last
    weeks one by one and the baseline (counted among the letters the user sees): **one query** (none for a user who
    reads no register)."""
    if not register_unit_ids(user):
        return []
    t = Thresholds.from_settings()
    w = Windows.of(today, t)
    qs = hotspots_visible_to(user).filter(ended_on__isnull=True, commune__isnull=False)
    ids = subtree_ids(user, unit_id)
    if ids:
        qs = qs.filter(commune_id__in=ids)
    reasons = {f"r_{r}": Count("pk", filter=Q(reason=r)) for r in HotSpotReason.values}
    # The communes and topics with the most open flags first (``limit`` of them) ...
    flags = (
        qs.values("commune_id", "commune__name", "topic")
        .annotate(flags=Count("pk"), first=Min("raised_on"), **reasons)
        .order_by("-flags", "commune__name", "topic")[:limit]
    )
    # ... and the letters the user sees of the baseline and recent weeks, read once, counted for those communes and
    # topics week by week (a subquery per flag and period read the whole window again for each: 180 ms at 100,000
    # letters and 86 flags, growing with both).
    window = (
        letters_visible_to(user)
        .annotate(place=place_expr())
        .filter(received_on__gte=w.baseline_start, received_on__lte=w.end)
        .values("place", "topic", "received_on")
    )
    periods = [("base", w.baseline_start, w.recent_start - datetime.timedelta(days=1))]
    for i in range(t.rise_weeks):
        start = w.recent_start + datetime.timedelta(days=7 * i)
        periods.append((f"w{i}", start, start + datetime.timedelta(days=6)))
    rows = _counted_by_group(flags, window, periods)
    labels = dict(HotSpotReason.choices)
    return [
        HotSpotTrend(
            commune_id=r["commune_id"],
            commune_name=r["commune__name"],
            topic=r["topic"],
            reasons=tuple((c, str(labels[c]), r[f"r_{c}"]) for c in HotSpotReason.values if r[f"r_{c}"]),
            weeks=tuple(r[f"w{i}"] for i in range(t.rise_weeks)),
            baseline=r["base"],
            baseline_weeks=t.baseline_weeks,
            # A raw statement's day: a date on PostgreSQL, its ISO text on SQLite.
            first_raised=r["first"]
            if isinstance(r["first"], datetime.date)
            else datetime.date.fromisoformat(r["first"]),
        )
        for r in rows
    ]


def _counted_by_group(
    groups: QuerySet[Any], letters: QuerySet[Any], periods: list[tuple[str, datetime.date, datetime.date]]
) -> list[dict[str, Any]]:
    """The rows of ``groups`` (values with ``commune_id`` and ``topic``, in their order) each with, per named period,
    the number of ``letters`` (values with ``place``, ``topic``, ``received_on``) of its commune and topic received in
    it: one statement, both querysets compiled as they are (their gates and filters); the letters are read once and
    counted by commune and topic, then joined to the groups."""
    group_sql, group_params = groups.query.sql_with_params()
    letter_sql, letter_params = letters.query.sql_with_params()
    q = connection.ops.quote_name
    shown = ", ".join(f"g.{q(c)}" for c in [*groups.query.values_select, *groups.query.annotation_select])
    day = q("received_on")
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {day} BETWEEN %s AND %s) AS {q(name)}" for name, _s, _e in periods)
    counted = ", ".join(f"COALESCE(c.{q(name)}, 0) AS {q(name)}" for name, _s, _e in periods)
    sql = (
        f"WITH g AS ({group_sql}), l AS ({letter_sql}), "  # noqa: S608 — compiled querysets, quoted names
        f"c AS (SELECT {q('place')}, {q('topic')}, {counts} FROM l GROUP BY {q('place')}, {q('topic')}) "
        f"SELECT {shown}, {counted} FROM g LEFT JOIN c "
        f"ON c.{q('place')} = g.{q('commune_id')} AND c.{q('topic')} = g.{q('topic')} "
        f"ORDER BY g.{q('flags')} DESC, g.{q('commune__name')}, g.{q('topic')}"
    )
    params = [*group_params, *letter_params, *(d for _name, start, end in periods for d in (start, end))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- the reports (point 8): the flags raised in a period ------------------------------------------------------------


@dataclass(frozen=True)
class HotSpotRow:
    """One commune and topic with flags raised in the period: the reasons, the letters behind them (counted once),
    the flags, and the first day one was raised."""

    commune_name: str
    topic_label: str
    reasons: tuple[str, ...]
    letter_count: int
    flag_count: int
    first_raised: datetime.date

    def __str__(self) -> str:
        """The line the petitions report prints."""
        topic = f", lĩnh vực {self.topic_label.lower()}" if self.topic_label and self.topic_label != "—" else ""
        return (
            f"{self.commune_name}{topic}: {'; '.join(r.lower() for r in self.reasons)} "
            f"({self.letter_count} đơn, {self.flag_count} cảnh báo; từ ngày {self.first_raised:%d/%m/%Y})."
        )


def hotspot_rows(
    *, user: User, start: datetime.date, end: datetime.date, within: Unit | None = None
) -> list[HotSpotRow]:
    """The flags raised from ``start`` to ``end`` (both included) that the user sees, by commune and topic (flags
    without a commune under "chưa rõ phường, xã"): two grouped queries. For the petitions report (point 8): ``within``
    keeps the flags of that unit's subtree — arisen in a commune of it, or resting on a letter or visit its registers
    hold."""
    qs = hotspots_visible_to(user).filter(raised_on__gte=start, raised_on__lte=end)
    if within is not None:
        inside = HotSpot.objects.filter(
            Q(commune__path__startswith=within.path)
            | Q(letters__unit__path__startswith=within.path)
            | Q(receptions__unit__path__startswith=within.path)
        )
        qs = qs.filter(pk__in=inside.values("pk"))
    grouped = (
        qs.values("commune_id", "commune__name", "topic", "reason")
        .annotate(flags=Count("pk"), first=Min("raised_on"))
        .order_by()
    )
    letters = (
        HotSpot.letters.through.objects.filter(hotspot__in=qs.values("pk"))
        .filter(letter__in=letters_visible_to(user).values("pk"))
        .values("hotspot__commune_id", "hotspot__topic")
        .annotate(n=Count("letter_id", distinct=True))
        .order_by()
    )
    letter_counts: dict[tuple[int | None, str], int] = {
        (r["hotspot__commune_id"], r["hotspot__topic"]): r["n"] for r in letters
    }
    labels = dict(HotSpotReason.choices)
    topics = dict(Topic.choices)
    acc: dict[tuple[int | None, str], dict[str, Any]] = defaultdict(
        lambda: {"name": "", "reasons": set(), "flags": 0, "first": None}
    )
    for r in grouped:
        a = acc[(r["commune_id"], r["topic"])]
        a["name"] = r["commune__name"] or _("chưa rõ phường, xã")
        a["reasons"].add(r["reason"])
        a["flags"] += r["flags"]
        a["first"] = r["first"] if a["first"] is None else min(a["first"], r["first"])
    order = {code: i for i, code in enumerate(HotSpotReason.values)}
    rows = [
        HotSpotRow(
            commune_name=a["name"],
            topic_label=str(topics.get(topic, "—")) if topic else "—",
            reasons=tuple(str(labels[c]) for c in sorted(a["reasons"], key=order.__getitem__)),
            letter_count=letter_counts.get((commune, topic), 0),
            flag_count=a["flags"],
            first_raised=a["first"],
        )
        for (commune, topic), a in acc.items()
    ]
    return sorted(rows, key=lambda r: (-r.flag_count, r.commune_name, r.topic_label))
