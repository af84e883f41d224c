"""The visibility gate for units and people (ARCHITECTURE rule 2).

Who sees what:
- holders of a committee-wide role (leader, monitor, inspector, admin) see every unit of their committee
  (the root of the tree their unit belongs to) and everyone in it;
- a unit head or an officer sees their own unit(s) with everything below, and the chain of units above
  them (the bodies they answer to); nothing of a sibling unit, e.g. another commune.

Every page, API call, export and report takes units and people through ``units_visible_to`` and
``people_visible_to``; an object outside them is answered with 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.choices import (
    AUDIT_READER_ROLES,
    COMMITTEE_WIDE_ROLES,
    ORG_MANAGER_ROLES,
    ROLE_PRIORITY,
    Role,
    UnitKind,
)
from sauro.org.models import Membership, Unit


def membership_rank(membership: Membership) -> tuple[int, int, str]:
    """The one order of a person's memberships when one of them must stand for the person: their highest role
    (``ROLE_PRIORITY``), then the highest unit, then the unit's path. It picks the role shown in the header and by
    ``GET /api/v1/me`` (``selectors.primary_membership``), the unit a dashboard opens on (``home_unit_id``) and the
    unit a new task is drafted for (``tasks.access.drafting_unit``), so that a unit head of a Ban who is also an
    officer elsewhere meets the same unit everywhere."""
    role = Role(membership.role)
    rank = ROLE_PRIORITY.index(role) if role in ROLE_PRIORITY else len(ROLE_PRIORITY)
    return (rank, membership.unit.depth, membership.unit.path)


@dataclass(frozen=True)
class Scope:
    """What one user may see, computed once per request from their active memberships."""

    roles: frozenset[str] = frozenset()
    # Materialised paths whose whole subtree is visible.
    subtree_paths: tuple[str, ...] = ()
    # Units visible by themselves (the chain above the user's units).
    extra_unit_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = frozenset()
    # Root paths of the committees the user sees whole (committee-wide roles).
    committee_paths: tuple[str, ...] = ()
    # Paths of the units the user holds a unit-scoped role in (unit head, officer).
    unit_paths: tuple[str, ...] = ()
    # The unit a page about "my unit" opens on (``home_unit_id``): the committee of the user's highest role when it
    # is committee-wide, else the unit of that role (``membership_rank``).
    home_unit_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.subtree_paths and not self.extra_unit_ids

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


_CACHE_ATTR = "_sauro_scope"


def user_scope(user: User) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.active_on(clock.today())
        .filter(person=user, unit__valid_to__isnull=True)
        .select_related("unit")
        .only("role", "unit__id", "unit__path", "unit__depth")
    )
    home_unit_id: int | None = None
    if memberships:
        best = min(memberships, key=membership_rank)
        home_unit_id = (
            int(best.unit.path.strip("/").split("/")[0]) if best.role in COMMITTEE_WIDE_ROLES else best.unit_id
        )
    roles = frozenset(m.role for m in memberships)
    committees: set[str] = set()
    own_units: set[str] = set()
    extra: set[int] = set()
    for m in memberships:
        if m.role in COMMITTEE_WIDE_ROLES:
            root_id = m.unit.path.strip("/").split("/")[0]
            committees.add(f"/{root_id}/")
        else:
            own_units.add(m.unit.path)
            extra.update(m.unit.ancestor_ids)
    subtree = committees | own_units
    # Drop paths already covered by a shorter one, to keep the query small.
    paths = sorted(subtree, key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    scope = Scope(
        roles=roles,
        subtree_paths=tuple(kept),
        extra_unit_ids=frozenset(extra),
        unit_ids=frozenset(m.unit_id for m in memberships),
        committee_paths=tuple(sorted(committees)),
        unit_paths=tuple(sorted(own_units)),
        home_unit_id=home_unit_id,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


_PATHS_ATTR = "_sauro_unit_paths"


def unit_paths(user: User) -> dict[int, str]:
    """Every unit's materialised path by id (a few hundred rows), read once per request and kept on the user
    object like the scope: gates and aggregates turn path prefixes into lists of ids with it, which the planner
    can count, instead of joins on the unit table."""
    cached: dict[int, str] | None = getattr(user, _PATHS_ATTR, None)
    if cached is None:
        cached = dict(Unit.objects.values_list("pk", "path"))
        setattr(user, _PATHS_ATTR, cached)
    return cached


def ids_under(paths: dict[int, str], prefixes: tuple[str, ...] | list[str]) -> list[int]:
    """The ids of the units whose path starts with one of ``prefixes``, in id order."""
    return sorted(pk for pk, path in paths.items() if path.startswith(tuple(prefixes)))


def subtree_ids(user: User, unit_id: int | None) -> list[int] | None:
    """The units of ``unit_id``'s subtree, for a filter on tasks' lead unit: ``None`` when no unit is given (any
    task), ``[]`` when the subtree holds every unit (it filters nothing but the lead unit's presence, which lets an
    index answer alone), else their ids (``[-1]`` for an unknown unit: nothing)."""
    if unit_id is None:
        return None
    paths = unit_paths(user)
    path = paths.get(unit_id)
    if path is None:
        return [-1]
    ids = ids_under(paths, [path])
    return [] if len(ids) == len(paths) else ids


def _unit_filter(scope: Scope, prefix: str = "") -> Q:
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for p in scope.subtree_paths:
        q |= Q(**{f"{prefix}path__startswith": p})
    if scope.extra_unit_ids:
        q |= Q(**{f"{prefix}pk__in": sorted(scope.extra_unit_ids)})
    return q


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Every unit the user may see (including former units kept for history)."""
    scope = user_scope(user)
    if scope.is_empty:
        return Unit.objects.none()
    return Unit.objects.filter(_unit_filter(scope))


def people_visible_to(user: User) -> QuerySet[User]:
    """People the user may see: themselves and anyone holding a role in a unit whose members they may see.

    Members of the units above a unit-scoped user (their chain) are visible too: those are the leaders they
    answer to.
    """
    scope = user_scope(user)
    if scope.is_empty:
        return User.objects.filter(pk=user.pk) if user.is_authenticated else User.objects.none()
    unit_q = _unit_filter(scope, prefix="memberships__unit__")
    return User.objects.filter(Q(pk=user.pk) | unit_q).distinct()


def can_read_audit(user: User) -> bool:
    return user_scope(user).has_role(*AUDIT_READER_ROLES)


def can_manage_org(user: User) -> bool:
    """Văn phòng (monitor) and the administrator manage the organisation: restructuring, memberships and roles.
    The pages, their buttons and the services ask this one rule."""
    return user_scope(user).has_role(*ORG_MANAGER_ROLES)


def is_admin(user: User) -> bool:
    return user_scope(user).has_role(Role.ADMIN)


# --- who acts for a unit ----------------------------------------------------------------------------------

# The roles whose holders act for their unit: they receive its tasks as lead unit and decide as its authority.
ACTING_ROLES = (Role.LEADER, Role.UNIT_HEAD)
# Units that cannot lead a task: a committee as a whole (Thành ủy Huế) gives tasks to its bodies and units, it
# does not carry one out itself (its standing body or an agency leads instead).
NON_LEAD_KINDS = frozenset({UnitKind.COMMITTEE})


def _active_unit_on(day: datetime.date, prefix: str = "unit__") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def _acting(day: datetime.date) -> QuerySet[Membership]:
    """Memberships of active people holding an acting role (``ACTING_ROLES``) on ``day``, in a unit active then."""
    return Membership.objects.active_on(day).filter(_active_unit_on(day), role__in=ACTING_ROLES, person__is_active=True)


def acting_memberships(units: Iterable[Unit], day: datetime.date) -> QuerySet[Membership]:
    """The one rule of who acts for a unit on ``day`` — receives its tasks as lead unit, decides as its authority:
    an active person holding a leading role (``ACTING_ROLES``: leader, unit head) in the unit itself; for a committee
    (Thành ủy Huế, kind ``committee``) also in its standing bodies (Thường trực, Ban Thường vụ: the Bí thư, the
    Phó Bí thư and the members of the Ban Thường vụ act for the committee between its sessions). Only units active
    on ``day`` count. ``tasks.access.heads_lead_unit``/``acts_for_authority`` (and so ``allowed_actions`` and
    the services) ask it through ``acts_for``; ``acted_for_filter`` is the same rule as a filter on units."""
    units = list(units)
    committee_ids = [u.pk for u in units if u.kind == UnitKind.COMMITTEE]
    where = Q(unit_id__in=[u.pk for u in units])
    if committee_ids:
        where |= Q(unit__kind=UnitKind.STANDING, unit__parent_id__in=committee_ids)
    return _acting(day).filter(where)


def acts_for(user: User, unit: Unit | None, day: datetime.date) -> bool:
    """Whether ``user`` acts for ``unit`` on ``day`` (``acting_memberships``)."""
    if unit is None or not user.is_authenticated or not user.is_active:
        return False
    return acting_memberships([unit], day).filter(person=user).exists()


def acted_for_filter(day: datetime.date) -> Q:
    """A filter on units: those someone acts for on ``day`` (``acting_memberships``), in the query that lists them."""
    acting = _acting(day)
    own = Exists(acting.filter(unit_id=OuterRef("pk")))
    standing = Exists(acting.filter(unit__kind=UnitKind.STANDING, unit__parent_id=OuterRef("pk")))
    return Q(own) | (Q(kind=UnitKind.COMMITTEE) & Q(standing))


def units_acted_for(units: Iterable[Unit], day: datetime.date) -> set[int]:
    """The ids of those of ``units`` that someone acts for on ``day`` (one query): a unit with nobody
    (``acting_memberships``) can be neither a task's lead unit nor its authority."""
    ids = [u.pk for u in units]
    return set(Unit.objects.filter(acted_for_filter(day), pk__in=ids).values_list("pk", flat=True))
