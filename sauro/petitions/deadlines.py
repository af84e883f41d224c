"""The statutory deadlines of a letter, from a rule book, on the working-day calendar (pure: no database).

The rule book (``models.DeadlineRule``, edited by administrators) is read by ``selectors.deadline_rules`` into
:class:`Rule` values; everything here is a function of those values, the letter's facts and a
:class:`~sauro.common.calendar.WorkCalendar`, so it can be tested with any rule book and any calendar.

Counting (issue 19, point 3):

- a period runs from an event (the receipt of the letter, or its acceptance — thụ lý) and starts **the day after**;
- a period in **working days** counts working days only, so its last day is a working day;
- a period in **days** counts every day; when its last day is a day off the deadline is the next working day
  (Bộ luật Dân sự 2015, Điều 148 khoản 5: ``WorkCalendar.deadline_on_or_after``);
- a **suspension** (tạm đình chỉ) pauses the clock: the days from its first to its last day (both included) are
  not counted, so the paused days are added back; a suspension not yet lifted stops the clock, and the deadline is
  unknown until it is;
- the **receipt date** decides which rules apply (each rule has effective dates), even for a period counted from
  the acceptance;
- among the rules in force for a kind and a deadline, a case takes the rule of its own complexity, else of the
  nearest lower one that has a rule (a "very complex" complaint gets the "complex" period), and a case in a remote
  area a rule for remote areas when one exists at that complexity.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence

from sauro.common.calendar import WorkCalendar
from sauro.petitions.choices import COMPLEXITY_ORDER, DEADLINE_KEY_ORDER, Complexity, CountedFrom, DayUnit

__all__ = [
    "ERR_ACCEPTED_BEFORE_RECEIVED",
    "ERR_AMBIGUOUS",
    "ERR_SUSPENSION_ORDER",
    "Deadlines",
    "Rule",
    "RuleBookError",
    "Suspension",
    "compute_deadlines",
    "period_end",
    "select_rules",
]

ERR_ACCEPTED_BEFORE_RECEIVED = "Ngày thụ lý ({accepted}) không thể trước ngày nhận đơn ({received})."
ERR_SUSPENSION_ORDER = "Thời gian tạm đình chỉ không hợp lệ: ngày kết thúc ({end}) trước ngày bắt đầu ({start})."
ERR_AMBIGUOUS = (
    "Bộ quy tắc thời hạn có nhiều quy tắc cùng áp dụng cho {kind} / {key} (mức độ {complexity}) ngày {day}: "
    "hãy sửa hiệu lực của các quy tắc này."
)
ERR_UNKNOWN_COMPLEXITY = "Mức độ phức tạp không hợp lệ: {value!r}."
ERR_COUNT = "Số ngày của một thời hạn phải từ 1 trở lên."

_ONE_DAY = datetime.timedelta(days=1)


class RuleBookError(ValueError):
    """The rule book is inconsistent (two rules claim the same case)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One line of the rule book: for letters of ``kind`` received from ``effective_from`` to ``effective_to`` (both
    included; open-ended when None), deadline ``key`` is ``count`` ``unit`` after ``counted_from``."""

    kind: str
    key: str
    count: int
    unit: str  # DayUnit
    counted_from: str  # CountedFrom
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    complexity: str = Complexity.NORMAL
    remote: bool = False
    version: str = ""

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the rule applies to a letter received on ``day``."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def describe(self) -> str:
        """The rule in words: "10 ngày làm việc kể từ ngày nhận đơn"."""
        return f"{self.count} {DayUnit(self.unit).label} kể từ {CountedFrom(self.counted_from).label}"


@dataclasses.dataclass(frozen=True, slots=True)
class Suspension:
    """The clock paused from ``start`` to ``end`` (both included); ``end`` is None while it is not yet resumed."""

    start: datetime.date
    end: datetime.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(ERR_SUSPENSION_ORDER.format(start=f"{self.start:%d/%m/%Y}", end=f"{self.end:%d/%m/%Y}"))

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclasses.dataclass(frozen=True, slots=True)
class Deadlines:
    """The deadlines that apply to a letter: ``due`` by key (in ``DEADLINE_KEY_ORDER``), the keys whose clock a
    suspension not yet resumed has stopped, and the rule behind each of them."""

    due: Mapping[str, datetime.date]
    stopped: tuple[str, ...]
    rules: Mapping[str, Rule]

    @property
    def version(self) -> str:
        """The rule book version(s) the deadlines were computed from ("2026.1"; several joined by ", ")."""
        return ", ".join(sorted({rule.version for rule in self.rules.values()}))


def _rank(complexity: str) -> int:
    try:
        return COMPLEXITY_ORDER.index(complexity)
    except ValueError:
        raise ValueError(ERR_UNKNOWN_COMPLEXITY.format(value=complexity)) from None


def select_rules(
    rules: Iterable[Rule],
    *,
    kind: str,
    received: datetime.date,
    complexity: str = Complexity.NORMAL,
    remote: bool = False,
) -> dict[str, Rule]:
    """The rule for each deadline of a letter of ``kind`` received on ``received``, in ``DEADLINE_KEY_ORDER``.

    For each key: the rules of the kind in force on the receipt date whose complexity is not above the case's (and,
    for a case not in a remote area, not written for remote areas); the most complex of them wins, and a rule for
    remote areas over a plain one. Two rules left equal are a fault of the rule book (``RuleBookError``).
    """
    case_rank = _rank(complexity)
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        if (
            rule.kind == kind
            and rule.in_force_on(received)
            and _rank(rule.complexity) <= case_rank
            and (remote or not rule.remote)
        ):
            by_key.setdefault(rule.key, []).append(rule)
    chosen: dict[str, Rule] = {}
    for key in DEADLINE_KEY_ORDER:
        candidates = by_key.get(key)
        if not candidates:
            continue
        best = max((_rank(r.complexity), r.remote) for r in candidates)
        top = [r for r in candidates if (_rank(r.complexity), r.remote) == best]
        if len(top) > 1:
            raise RuleBookError(
                ERR_AMBIGUOUS.format(kind=kind, key=key, complexity=top[0].complexity, day=f"{received:%d/%m/%Y}")
            )
        chosen[key] = top[0]
    return chosen


def period_end(
    calendar: WorkCalendar,
    event: datetime.date,
    count: int,
    unit: str,
    suspensions: Sequence[Suspension] = (),
) -> datetime.date | None:
    """The last day of a period of ``count`` ``unit`` (``DayUnit``) running from ``event``, the day after it first.

    Days inside a suspension are not counted; None when a suspension not yet resumed stops the clock first.
    """
    if count < 1:
        raise ValueError(ERR_COUNT)
    pauses = sorted((s for s in suspensions if s.end is None or s.end > event), key=lambda s: s.start)
    if not pauses:
        if unit == DayUnit.WORKING:
            return calendar.add_working_days(event, count)
        return calendar.deadline_on_or_after(event + count * _ONE_DAY)
    day, remaining = event, count
    while remaining:
        day += _ONE_DAY
        pause = next((p for p in pauses if p.covers(day)), None)
        if pause is not None:
            if pause.end is None:
                return None
            day = pause.end  # the paused days are not counted; counting goes on the day after the pause ends
            continue
        if unit == DayUnit.WORKING and not calendar.is_working_day(day):
            continue
        remaining -= 1
    return day if unit == DayUnit.WORKING else calendar.deadline_on_or_after(day)


def compute_deadlines(
    rules: Iterable[Rule],
    *,
    kind: str,
    received: datetime.date,
    calendar: WorkCalendar,
    accepted: datetime.date | None = None,
    complexity: str = Complexity.NORMAL,
    remote: bool = False,
    suspensions: Sequence[Suspension] = (),
) -> Deadlines:
    """The deadlines of a letter: every rule selected for it (``select_rules``) whose event is known — a period
    counted from the acceptance only once ``accepted`` is given."""
    if accepted is not None and accepted < received:
        raise ValueError(
            ERR_ACCEPTED_BEFORE_RECEIVED.format(accepted=f"{accepted:%d/%m/%Y}", received=f"{received:%d/%m/%Y}")
        )
    events = {CountedFrom.RECEIPT: received, CountedFrom.ACCEPTANCE: accepted}
    due: dict[str, datetime.date] = {}
    stopped: list[str] = []
    used: dict[str, Rule] = {}
    for key, rule in select_rules(rules, kind=kind, received=received, complexity=complexity, remote=remote).items():
        event = events.get(CountedFrom(rule.counted_from))
        if event is None:
            continue
        end = period_end(calendar, event, rule.count, rule.unit, suspensions)
        used[key] = rule
        if end is None:
            stopped.append(key)
        else:
            due[key] = end
    return Deadlines(due=due, stopped=tuple(stopped), rules=used)
