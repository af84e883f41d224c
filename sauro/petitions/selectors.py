"""Reads of the petitions domain. The rule book is reference data, like the working-day calendar: anyone may read it
(there is no letter, unit or person in it), so these reads take no user; the letters' reads will go through the
domain's visibility gate when the register comes."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from sauro.common.calendar import current_calendar
from sauro.petitions.choices import Complexity
from sauro.petitions.deadlines import Deadlines, Rule, Suspension, compute_deadlines
from sauro.petitions.models import DeadlineRule


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
