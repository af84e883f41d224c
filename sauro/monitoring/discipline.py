"""Update discipline per unit (PRODUCT §7): how many of the updates each unit owed were made on time, late, or
are still pending — what the league table of units reads.

One aggregate query over ``UpdateExpectation`` (index ``unit, due_on``), grouped by unit.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from django.db.models import Count, F, Q

from sauro.monitoring.models import UpdateExpectation


@dataclasses.dataclass(frozen=True)
class UnitDiscipline:
    """The updates a unit owed with a due date in the period: made on time, late (made after the due date, or
    still not made after it), or pending (not made, still within the window)."""

    unit_id: int
    expected: int
    on_time: int
    late: int
    pending: int

    @property
    def decided(self) -> int:
        """The expected updates whose outcome is known (on time or late)."""
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        """Share of the decided updates made on time; ``None`` when none is decided yet."""
        return self.on_time / self.decided if self.decided else None


def update_discipline(
    *, unit_ids: Iterable[int] | None, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> list[UnitDiscipline]:
    """Per unit (all units with expectations when ``unit_ids`` is ``None``; each listed unit otherwise, with zeros
    when it owed nothing), the updates due in ``[start, end]`` as seen on ``as_of``, in unit id order."""
    qs = UpdateExpectation.objects.filter(due_on__gte=start, due_on__lte=end)
    wanted = None if unit_ids is None else sorted(set(unit_ids))
    if wanted is not None:
        qs = qs.filter(unit_id__in=wanted)
    made = Q(fulfilled_on__isnull=False)
    open_ = Q(fulfilled_on__isnull=True)
    rows = (
        qs.order_by()
        .values("unit_id")
        .annotate(
            expected=Count("pk"),
            on_time=Count("pk", filter=made & Q(fulfilled_on__lte=F("due_on"))),
            late=Count("pk", filter=(made & Q(fulfilled_on__gt=F("due_on"))) | (open_ & Q(due_on__lt=as_of))),
            pending=Count("pk", filter=open_ & Q(due_on__gte=as_of)),
        )
        .order_by("unit_id")
    )
    found = {row["unit_id"]: UnitDiscipline(**row) for row in rows}
    if wanted is None:
        return list(found.values())
    return [found.get(pk) or UnitDiscipline(unit_id=pk, expected=0, on_time=0, late=0, pending=0) for pk in wanted]
