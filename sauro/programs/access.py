"""The visibility gate for work programs (ARCHITECTURE rule 2) and who may write them.

A unit's programs are visible to whoever sees the unit's tasks: holders of a committee-wide role (leader, monitor,
inspector, admin) see every program of their committee; a unit head or officer sees the programs of their unit and
the units below it — not those of the units above or beside it. Anything else is a 404.

Who writes: monitors and leaders of the committee (for any unit of it), and the head or a leader of the unit itself
— the same people who may draft the unit's tasks (``tasks.access.may_draft_for``).
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.org.access import user_scope
from sauro.org.choices import Role
from sauro.org.models import Membership, Unit
from sauro.org.selectors import tree_order
from sauro.programs.models import WorkProgram


def _subtree_q(paths: tuple[str, ...], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def program_units_visible_to(user: User) -> QuerySet[Unit]:
    """The units whose programs the user may see (their subtrees, never the chain above)."""
    scope = user_scope(user)
    if not scope.subtree_paths:
        return Unit.objects.none()
    return Unit.objects.filter(_subtree_q(scope.subtree_paths))


def programs_visible_to(user: User) -> QuerySet[WorkProgram]:
    """Every program the user may see; the one gate for pages and exports."""
    if not user.is_authenticated or not user.is_active:
        return WorkProgram.objects.none()
    scope = user_scope(user)
    if not scope.subtree_paths:
        return WorkProgram.objects.none()
    return WorkProgram.objects.filter(_subtree_q(scope.subtree_paths, "unit__path"))


def may_write_program(user: User, unit: Unit, day: datetime.date) -> bool:
    """Monitors and leaders of the committee; the head or a leader of the unit itself."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = user_scope(user)
    if scope.has_role(Role.MONITOR, Role.LEADER) and any(unit.path.startswith(p) for p in scope.committee_paths):
        return True
    return (
        Membership.objects.active_on(day)
        .filter(person=user, unit=unit, role__in=(Role.UNIT_HEAD, Role.LEADER))
        .exists()
    )


def writable_units(user: User, day: datetime.date) -> QuerySet[Unit]:
    """Active units the user may create programs for (for the form's choices)."""
    scope = user_scope(user)
    active = Unit.objects.filter(valid_to__isnull=True)
    q = Q(pk__in=[])
    if scope.has_role(Role.MONITOR, Role.LEADER):
        q |= _subtree_q(scope.committee_paths)
    own = Membership.objects.active_on(day).filter(person=user, role__in=(Role.UNIT_HEAD, Role.LEADER))
    q |= Q(pk__in=own.values("unit_id"))
    return tree_order(active.filter(q))
