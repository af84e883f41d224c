"""Memberships that follow an identity source's groups (the directory's, the single sign-on provider's): one rule
for both (docs/identity.md)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.models import Membership, Unit
from sauro.org.services import membership_create, membership_end

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Grant:
    """What one group gives: a role in a unit (by the unit's code), with a position."""

    unit_code: str
    role: str
    position: str = ""


def grant_table(raw: Mapping[str, Mapping[str, str]] | None) -> dict[str, Grant]:
    """A setting's mapping (group → ``{"unit", "role", "position"}``) keyed by the group in lower case."""
    return {
        name.strip().lower(): Grant(unit_code=g["unit"], role=g["role"], position=g.get("position", ""))
        for name, g in (raw or {}).items()
    }


def memberships_sync(*, user: User, table: Mapping[str, Grant], groups: Iterable[str]) -> None:
    """Give ``user`` the memberships ``table`` maps ``groups`` to (from today), and end, the day before, those the
    table manages (its units and roles) that the groups no longer give. Memberships in units and roles the table does
    not name — given by the office — are left alone. Each change is journalled by ``org.services``. Call inside a
    transaction."""
    today = clock.today()
    chosen = {table[g.strip().lower()] for g in groups if g.strip().lower() in table}
    units = {u.code: u for u in Unit.objects.filter(code__in=[g.unit_code for g in chosen])}
    wanted: dict[tuple[int, str], str] = {}
    for g in chosen:
        if g.unit_code not in units:
            logger.error("A group mapping names a unit code that does not exist: %s", g.unit_code)
            continue
        wanted[(units[g.unit_code].pk, g.role)] = g.position
    managed = {(g.unit_code, g.role) for g in table.values()}
    current = list(
        Membership.objects.filter(person=user, valid_from__lte=today).exclude(valid_to__lt=today).select_related("unit")
    )
    held = {(m.unit_id, m.role) for m in current}
    by_pk = {u.pk: u for u in units.values()}
    # The new memberships first: a role ended in a unit where the groups give another hands nothing over
    # (``org.services.membership_ended``), whereas leaving the unit hands the person's open tasks to its head.
    for (unit_id, role), position in sorted(wanted.items()):
        if (unit_id, role) not in held:
            membership_create(
                acting_user=None, person=user, unit=by_pk[unit_id], role=role, valid_from=today, position=position
            )
    for m in current:
        if (m.unit.code, m.role) in managed and (m.unit_id, m.role) not in wanted:
            end = max(m.valid_from, today - datetime.timedelta(days=1))
            membership_end(acting_user=None, membership=m, valid_to=end)
