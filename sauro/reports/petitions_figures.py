"""The figures of the petitions report (issue 19, point 8): citizens received and letters received, classified,
decided and resolved in a reporting month or quarter, for a unit and the units below it, as a user sees them.

**Every figure is an SQL aggregate through the petitions gate** (``petitions.access``: ``letters_visible_to``,
``receptions_visible_to``, and ``petitions.selectors.secretary_days`` for the Secretaries' reception days): a
count per kind, source, topic and commune is one grouped query, whatever the number of letters; no letter is read
into Python. Another unit's letters never count: a ward's report is built from what its people see.

What counts, over the period's data cut-off window (``periods.regime``: month m = the 15th of the month before → the
14th of m; quarter = the 15th of the month before it → the 14th of its last month, as the quarterly review report
and the dashboard count):

- **letters** received in the window (``received_on``) by the unit or a unit below it, or forwarded to one of them,
  or whose task one of them leads (a letter the city forwards to a ward counts once in the city's report and in the
  ward's);
- **in competence**: those recorded as within the receiving body's competence (``in_competence``);
- **decisions**: not yet decided, handled here, forwarded, guided back, kept for information;
- **resolution**, for the letters that became a six-clear task (handled here or forwarded to a unit of the
  organisation), from the task's reporting state on ``as_of`` (``tasks.selectors.with_reporting_state``, the same
  as the dashboard's): resolved on time, resolved late, pending within the deadline (a task still being assigned
  counts here), pending and overdue; and stopped (the task cancelled);
- **visits** received in the window by the unit's registers, the people who came, the **crowd delegations**
  (đoàn đông người: recorded as a group, or five people or more — Thông tư 04/2021/TT-TTCP) and the visits a
  leader received;
- **the Secretaries' reception days** held in the window, against the number required for the months it spans.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum

from sauro.accounts.models import User
from sauro.org.choices import UnitKind
from sauro.org.models import Unit
from sauro.periods.choices import ReportKind
from sauro.periods.regime import ReportPeriod
from sauro.petitions.access import letters_visible_to, receptions_visible_to
from sauro.petitions.choices import Decision, LetterKind, LetterSource, ReceiverKind, Topic
from sauro.petitions.models import Letter, Reception
from sauro.petitions.selectors import SecretaryDays, secretary_days
from sauro.tasks.choices import ReportingState, TaskState
from sauro.tasks.models import Task
from sauro.tasks.selectors import with_reporting_state

# A crowd delegation (đoàn đông người): five people or more (Thông tư 04/2021/TT-TTCP, Điều 2), or a visit the
# office recorded as a group.
DELEGATION_MIN_PEOPLE = 5
MONTHS_IN: dict[str, int] = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3}
NO_COMMUNE = "Chưa xác định phường, xã"
# The bodies a quarterly review report speaks of petitions for even when there were none (the others: only when
# their subtree received someone or something).
REGISTER_KINDS = (UnitKind.COMMITTEE, UnitKind.PARTY_COMMITTEE, UnitKind.WARD, UnitKind.COMMUNE)


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: what (its label), how many letters (and visits, for the communes)."""

    label: str
    letters: int
    visits: int = 0


@dataclass
class PetitionFigures:
    unit: Unit
    period: ReportPeriod
    as_of: datetime.date
    received: int = 0
    in_competence: int = 0
    undecided: int = 0
    handled_here: int = 0
    forwarded: int = 0
    forwarded_outside: int = 0
    guided: int = 0
    kept: int = 0
    with_task: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_on_time: int = 0
    pending_overdue: int = 0
    stopped: int = 0
    visits: int = 0
    people: int = 0
    delegations: int = 0
    delegation_people: int = 0
    leader_visits: int = 0
    by_kind: list[Line] = field(default_factory=list)
    by_source: list[Line] = field(default_factory=list)
    by_topic: list[Line] = field(default_factory=list)
    by_commune: list[Line] = field(default_factory=list)
    visits_by_kind: list[Line] = field(default_factory=list)
    secretaries: list[SecretaryDays] = field(default_factory=list)

    @property
    def resolved(self) -> int:
        return self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_on_time + self.pending_overdue

    @property
    def out_of_competence(self) -> int:
        return self.received - self.in_competence

    @property
    def secretary_days_held(self) -> int:
        return sum(r.held for r in self.secretaries)

    @property
    def secretary_days_required(self) -> int:
        return sum(r.required for r in self.secretaries)

    @property
    def is_empty(self) -> bool:
        return not (self.received or self.visits or self.secretary_days_held)


def _letters(user: User, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Letter]:
    within = (
        Q(unit__path__startswith=unit.path)
        | Q(forward_unit__path__startswith=unit.path)
        | Q(task__lead_unit__path__startswith=unit.path)
    )
    return letters_visible_to(user).filter(within, received_on__gte=start, received_on__lte=end)


def _receptions(user: User, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Reception]:
    return receptions_visible_to(user).filter(
        unit__path__startswith=unit.path, received_on__gte=start, received_on__lte=end
    )


def _lines(counts: dict[Any, int], choices: Any) -> list[Line]:
    """Every choice in its declared order, with zeros (a clerk's table lists every kind), then any other value."""
    lines = [Line(str(label), counts.get(value, 0)) for value, label in choices.choices]
    lines += [Line(str(value), n) for value, n in counts.items() if value not in choices.values]
    return lines


def _add(counts: dict[Any, int], key: Any, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def petition_figures(
    *, user: User, unit: Unit, period: ReportPeriod, as_of: datetime.date | None = None
) -> PetitionFigures:
    """The period's figures for ``unit`` and the units below it, as ``user`` sees them; the states on ``as_of``
    (default: the cut-off end). Six queries, whatever the number of letters and visits."""
    start, end = period.cutoff_start, period.cutoff_end
    day = as_of or end
    f = PetitionFigures(unit=unit, period=period, as_of=day)
    # A day inside the period (the report of a running month) counts what was received until then.
    last = min(end, day)
    letters = _letters(user, unit, start, last)
    # One grouped query gives every count of the letters: per kind × source × topic × commune (at most a few
    # thousand groups whatever the number of letters), each group with its conditional counts, summed here.
    letter_counts = {
        "received": Count("id"),
        "in_competence": Count("id", filter=Q(in_competence=True)),
        "undecided": Count("id", filter=Q(decision="")),
        "handled_here": Count("id", filter=Q(decision=Decision.HANDLE)),
        "forwarded": Count("id", filter=Q(decision=Decision.FORWARD)),
        "forwarded_outside": Count("id", filter=Q(decision=Decision.FORWARD, task__isnull=True)),
        "guided": Count("id", filter=Q(decision=Decision.GUIDE)),
        "kept": Count("id", filter=Q(decision=Decision.KEEP)),
        "with_task": Count("id", filter=Q(task__isnull=False)),
        "stopped": Count("id", filter=Q(task__state=TaskState.CANCELLED, task__cancelled_on__lte=day)),
    }
    kinds: dict[str, int] = {}
    sources: dict[str, int] = {}
    topics: dict[str, int] = {}
    letters_at: dict[int | None, int] = {}
    named: dict[int | None, str] = {None: NO_COMMUNE}
    letter_groups = letters.order_by().values("kind", "source", "topic", "commune_id", "commune__name")
    for row in cast(Iterable[dict[str, Any]], letter_groups.annotate(**letter_counts)):
        for name in letter_counts:
            setattr(f, name, getattr(f, name) + row[name])
        _add(kinds, row["kind"], row["received"])
        _add(sources, row["source"], row["received"])
        _add(topics, row["topic"], row["received"])
        _add(letters_at, row["commune_id"], row["received"])
        named.setdefault(row["commune_id"], row["commune__name"])
    f.by_kind = _lines(kinds, LetterKind)
    f.by_source = _lines(sources, LetterSource)
    f.by_topic = _lines(topics, Topic)
    # The resolution follows each letter's task, in its reporting state on the day (as the dashboard counts tasks).
    tasks = with_reporting_state(Task.objects.filter(pk__in=letters.filter(task__isnull=False).values("task_id")), day)
    states = {
        row["reporting_state"]: row["n"]
        for row in tasks.order_by().values("reporting_state").annotate(n=Count("id"))  # type: ignore[misc]  # annotation
    }
    f.resolved_on_time = states.get(ReportingState.DONE_ON_TIME, 0)
    f.resolved_late = states.get(ReportingState.DONE_LATE, 0)
    # A task without a reporting state on the day is cancelled (stopped), or not issued yet (still being assigned:
    # pending, within its deadline).
    f.pending_on_time = states.get(ReportingState.OPEN_ON_TIME, 0) + states.get(None, 0) - f.stopped
    f.pending_overdue = states.get(ReportingState.OPEN_OVERDUE, 0)

    # The visits likewise: one grouped query per kind × commune.
    delegation = Q(is_group=True) | Q(people_count__gte=DELEGATION_MIN_PEOPLE)
    visit_counts = {
        "visits": Count("id"),
        "people": Sum("people_count"),
        "delegations": Count("id", filter=delegation),
        "delegation_people": Sum("people_count", filter=delegation),
        "leader_visits": Count("id", filter=Q(receiver_kind=ReceiverKind.LEADER)),
    }
    visit_kinds: dict[str, int] = {}
    visits_at: dict[int | None, int] = {}
    receptions = _receptions(user, unit, start, last)
    visit_groups = receptions.order_by().values("kind", "commune_id", "commune__name").annotate(**visit_counts)
    for row in cast(Iterable[dict[str, Any]], visit_groups):
        for name in visit_counts:
            setattr(f, name, getattr(f, name) + (row[name] or 0))
        _add(visit_kinds, row["kind"], row["visits"])
        _add(visits_at, row["commune_id"], row["visits"])
        named.setdefault(row["commune_id"], row["commune__name"])
    f.visits_by_kind = _lines(visit_kinds, LetterKind)

    communes: list[int | None] = sorted((k for k in {*letters_at, *visits_at} if k is not None), key=lambda k: named[k])
    if None in letters_at or None in visits_at:
        communes.append(None)
    f.by_commune = [Line(named[k], letters_at.get(k, 0), visits_at.get(k, 0)) for k in communes]

    f.secretaries = secretary_days(
        user=user, start=start, end=end, unit_id=unit.pk, months=MONTHS_IN.get(period.kind, 1)
    )
    return f


def _in_period(period: ReportPeriod) -> str:
    return "Trong tháng" if period.kind == ReportKind.MONTHLY else "Trong quý"


def summary_sentences(f: PetitionFigures) -> str:
    """The period's figures in a few Vietnamese sentences (the quarterly review report's item on tiếp dân, giải
    quyết đơn thư; the petitions report's opening)."""
    text = (
        f"{_in_period(f.period)}, {f.unit.name} đã tiếp {f.visits} lượt công dân ({f.people} người; "
        f"{f.delegations} đoàn đông người)"
    )
    if f.secretaries:
        text += (
            f"; các đồng chí Bí thư tiếp công dân định kỳ {f.secretary_days_held}/{f.secretary_days_required} "
            "buổi theo quy định"
        )
    text += f". Tiếp nhận {f.received} đơn, thư ({f.in_competence} đơn thuộc thẩm quyền)"
    if f.with_task:
        text += (
            f"; đã giải quyết {f.resolved} đơn ({f.resolved_on_time} đúng hạn, {f.resolved_late} quá hạn); đang "
            f"giải quyết {f.pending} đơn"
            + (f" ({f.pending_overdue} đơn quá hạn)" if f.pending_overdue else " (trong hạn)" if f.pending else "")
        )
        if f.stopped:
            text += f"; dừng giải quyết {f.stopped} đơn"
    others = [
        (f.forwarded_outside, "chuyển cơ quan có thẩm quyền ngoài hệ thống"),
        (f.guided, "hướng dẫn người gửi đơn"),
        (f.kept, "lưu theo dõi"),
        (f.undecided, "chưa xử lý"),
    ]
    parts = [f"{n} đơn {what}" for n, what in others if n > 0]
    if parts:
        text += "; " + ", ".join(parts)
    return text + "."


def quarterly_paragraph(*, user: User, unit: Unit, period: ReportPeriod, as_of: datetime.date) -> str:
    """The quarterly review report's item "tiếp dân, giải quyết đơn thư": the quarter's sentences; empty for a body
    that keeps no register (a Ban) when nothing was received in its subtree."""
    f = petition_figures(user=user, unit=unit, period=period, as_of=as_of)
    if f.is_empty and unit.kind not in REGISTER_KINDS:
        return ""
    return summary_sentences(f)
