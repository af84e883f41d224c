"""Every read of the organisation, through the visibility gate in ``org.access``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org import letterhead
from sauro.org.access import membership_rank, people_visible_to, units_visible_to, user_scope
from sauro.org.choices import ROLE_PRIORITY, Role, UnitKind
from sauro.org.letterhead import Letterhead
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.restructuring import PreviewGroup, succession_previews

ERR_UNIT_NOT_FOUND = "Không tìm thấy đơn vị."
ERR_PERSON_NOT_FOUND = "Không tìm thấy người này."
ERR_MEMBERSHIP_NOT_FOUND = "Không tìm thấy vai trò này."

# The levels of the tree ordered by their official order (``tree_order``); deeper units follow their parent by path.
TREE_ORDER_LEVELS = 5
# Among siblings, kinds come in the committee's order before ``sort_order`` (a unit added without one still lands
# among its kind): the standing bodies, the agencies, the party committees and the press, then wards and communes.
KIND_RANK = {
    UnitKind.COMMITTEE: 0,
    UnitKind.STANDING: 1,
    UnitKind.AGENCY: 2,
    UnitKind.DEPARTMENT: 2,
    UnitKind.PARTY_COMMITTEE: 3,
    UnitKind.PRESS: 4,
    UnitKind.WARD: 5,
    UnitKind.COMMUNE: 5,
}


def _at_level(level: int, field: str, output: IntegerField | CharField) -> Case:
    """The ``field`` of the unit's ancestor at depth ``level`` (the unit itself at that depth); NULL above it."""
    whens = [
        When(depth=level + up, then=F("__".join(["parent"] * up + [field]))) for up in range(TREE_ORDER_LEVELS - level)
    ]
    return Case(*whens, default=None, output_field=output)


def _kind_rank_at_level(level: int) -> Case:
    whens = [
        When(**{"depth": level + up, "__".join(["parent"] * up + ["kind"]) + "__in": kinds}, then=Value(rank))
        for up in range(TREE_ORDER_LEVELS - level)
        for rank, kinds in _kinds_by_rank().items()
    ]
    return Case(*whens, default=None, output_field=IntegerField())


def _kinds_by_rank() -> dict[int, list[str]]:
    ranks: dict[int, list[str]] = {}
    for kind, rank in KIND_RANK.items():
        ranks.setdefault(rank, []).append(kind)
    return ranks


def _tree_order_keys() -> list[OrderBy]:
    """For each level k of the tree, the (kind, sort order, name, id) of the unit's ancestor at depth k, or of the
    unit itself at depth k; nothing (first) for a unit above that level, so a parent comes before its children."""
    keys: list[OrderBy] = []
    for level in range(TREE_ORDER_LEVELS):
        keys.append(_kind_rank_at_level(level).asc(nulls_first=True))
        for field, output in (("sort_order", IntegerField()), ("name", CharField()), ("id", IntegerField())):
            keys.append(_at_level(level, field, output).asc(nulls_first=True))
    return keys


def sibling_key(unit: Unit) -> tuple[int, int, str, int]:
    """``tree_order``'s rule for units of one parent, in Python (the tree page, a unit's children)."""
    return (KIND_RANK.get(UnitKind(unit.kind), 9), unit.sort_order, unit.name, unit.pk)


def tree_order_keys() -> list[OrderBy]:
    """``tree_order``'s keys, for a list that takes an ordering rather than a queryset (the admin's changelist)."""
    return [*_tree_order_keys(), F("path").asc()]


def tree_order(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """``units`` in the committee's official order: each unit followed by its children, siblings by their order
    (their kind's place, ``KIND_RANK``, then ``Unit.sort_order``: the standing bodies, the agencies in their order,
    then the wards and communes) and name.
    Every unit list and picker is ordered by this (not by ``path``, whose ids sort as text: "/1/10/" before
    "/1/5/")."""
    return units.order_by(*_tree_order_keys(), "path")


def unit_list(*, user: User, include_former: bool = False, kind: str | None = None) -> QuerySet[Unit]:
    """Visible units in the official tree order (``tree_order``)."""
    qs = units_visible_to(user)
    if not include_former:
        qs = qs.filter(valid_to__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return tree_order(qs)


@dataclass
class TreeNode:
    unit: Unit
    member_count: int
    children: list[TreeNode]


def unit_tree(*, user: User, include_former: bool = False) -> list[TreeNode]:
    """The visible units as a forest, with active member counts, in two queries whatever the size."""
    today = clock.today()
    active = Q(memberships__valid_from__lte=today) & (
        Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today)
    )
    units = list(
        unit_list(user=user, include_former=include_former).annotate(
            member_count=Count("memberships__person", filter=active, distinct=True)
        )
    )
    nodes = {u.pk: TreeNode(unit=u, member_count=u.member_count, children=[]) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        node = nodes[u.pk]
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: sibling_key(n.unit))
    roots.sort(key=lambda n: sibling_key(n.unit))
    return roots


def unit_get(*, user: User, unit_id: int) -> Unit:
    """One visible unit, or 404 (never 403: the existence of another unit's data is not revealed)."""
    unit = units_visible_to(user).select_related("parent", "successor").filter(pk=unit_id).first()
    if unit is None:
        raise Http404(ERR_UNIT_NOT_FOUND)
    return unit


def unit_ancestors(*, user: User, unit: Unit) -> list[Unit]:
    ids = unit.ancestor_ids
    found = {u.pk: u for u in units_visible_to(user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


@dataclass
class UnitRelatives:
    """The units around one unit that its page shows: children, units merged into it, its successor."""

    children: list[Unit]
    predecessors: list[Unit]
    successor: Unit | None


def unit_relatives(*, user: User, unit: Unit) -> UnitRelatives:
    """Children (former ones last), predecessors and successor of an already visible unit, in one gated query."""
    related_q = Q(parent=unit) | Q(successor=unit)
    if unit.successor_id:
        related_q |= Q(pk=unit.successor_id)
    related = list(unit_list(user=user, include_former=True).filter(related_q))
    return UnitRelatives(
        children=sorted(
            (u for u in related if u.parent_id == unit.pk),
            key=lambda u: (u.valid_to is not None, *sibling_key(u)),
        ),
        predecessors=sorted((u for u in related if u.successor_id == unit.pk), key=lambda u: u.name),
        successor=next((u for u in related if u.pk == unit.successor_id), None),
    )


def unit_former_names(*, unit: Unit) -> list[UnitName]:
    """Former names of an already visible unit, newest first."""
    return list(UnitName.objects.filter(unit=unit).order_by("-valid_from"))


def unit_members(*, user: User, unit: Unit, on_date: datetime.date | None = None) -> QuerySet[Membership]:
    """Memberships of ``unit`` active on ``on_date`` (default today), if the user may see the unit."""
    unit_get(user=user, unit_id=unit.pk)
    day = on_date or clock.today()
    return (
        Membership.objects.active_on(day)
        .filter(unit=unit)
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def unit_former_members(*, user: User, unit: Unit) -> QuerySet[Membership]:
    unit_get(user=user, unit_id=unit.pk)
    return (
        Membership.objects.filter(unit=unit, valid_to__lt=clock.today())
        .select_related("person")
        .order_by("-valid_to", "person__full_name")
    )


def unit_name_on(*, unit: Unit, day: datetime.date) -> str:
    """The name the unit carried on ``day`` (history shows the name at the time)."""
    former = UnitName.objects.filter(unit=unit, valid_from__lte=day, valid_to__gte=day).first()
    return former.name if former else unit.name


def person_get(*, user: User, person_id: int) -> User:
    """One person the user may see (deactivated accounts included, for history), or 404."""
    person = people_visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise Http404(ERR_PERSON_NOT_FOUND)
    return person


def people_list(*, user: User, unit_id: int | None = None) -> QuerySet[User]:
    """Visible people; with ``unit_id``, those holding an active role in that (visible) unit.

    Each person is annotated, in the same query, with ``role`` and ``role_unit_id``: their highest-ranked
    active role (in ``unit_id`` when given), only among units the caller may see.
    """
    qs = people_visible_to(user).filter(is_active=True)
    if unit_id is not None:
        unit_get(user=user, unit_id=unit_id)
        today = clock.today()
        qs = User.objects.filter(
            pk__in=Membership.objects.active_on(today).filter(unit_id=unit_id).values("person_id"),
            is_active=True,
        )
    rank = Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(ROLE_PRIORITY)],
        default=Value(len(ROLE_PRIORITY)),
        output_field=IntegerField(),
    )
    memberships = Membership.objects.active_on(clock.today()).filter(person=OuterRef("pk"))
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    else:
        # A role held in a unit the caller may not see is not theirs to learn.
        memberships = memberships.filter(unit__in=units_visible_to(user))
    best = memberships.annotate(rank=rank).order_by("rank", "unit__depth", "unit__path")
    return qs.annotate(
        role=Subquery(best.values("role")[:1]),
        role_unit_id=Subquery(best.values("unit_id")[:1]),
    ).order_by("full_name", "username")


def person_memberships(*, user: User, person: User, on_date: datetime.date | None = None) -> QuerySet[Membership]:
    day = on_date or clock.today()
    return (
        Membership.objects.active_on(day)
        .filter(person=person, unit__in=units_visible_to(user))
        .select_related("unit")
        .order_by("unit__path")
    )


def primary_membership(*, user: User) -> Membership | None:
    """The membership shown in the header and by ``GET /api/v1/me``: the first in ``access.membership_rank``."""
    memberships = list(
        Membership.objects.active_on(clock.today()).filter(person=user).select_related("unit").order_by("unit__depth")
    )
    if not memberships:
        return None
    return min(memberships, key=membership_rank)


def user_roles(*, user: User) -> frozenset[str]:
    return user_scope(user).roles


# --- system look-ups by id (no visibility gate: the caller has already checked what it names) -----------------


def units_with_ids(ids: Iterable[int]) -> QuerySet[Unit]:
    """The units of ``ids``, in tree order (a form's choices prepared elsewhere, the units named on a timeline)."""
    return tree_order(Unit.objects.filter(pk__in=list(ids)))


def unit_names(ids: Iterable[int]) -> dict[int, str]:
    """Each unit's current name by id (one query)."""
    return dict(Unit.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def people_with_ids(ids: Iterable[int]) -> QuerySet[User]:
    """The people of ``ids`` (a picker's accepted values: the ids it offered)."""
    return User.objects.filter(pk__in=list(ids))


def units_governing(lead: Unit, within: QuerySet[Unit] | None = None) -> list[Unit]:
    """The active units that govern ``lead`` (``Unit.governs``): the lead unit, the units above it and the standing
    bodies of those committees, in ``within``'s order (default: every active unit, in tree order). One query: the
    one rule for a task's authority (``tasks.forms``) and the bodies an obstacle is put to
    (``monitoring.access.decider_choices``)."""
    units = within if within is not None else tree_order(Unit.objects.filter(valid_to__isnull=True))
    chain = [*lead.ancestor_ids, lead.pk]
    near = units.filter(Q(pk__in=chain) | Q(kind=UnitKind.STANDING, parent_id__in=chain))
    return [u for u in near if u.governs(lead)]


# --- managing the organisation (Văn phòng, the administrator: ``access.can_manage_org``) -------------------------


def unit_head(unit: Unit, day: datetime.date, *, excluding: User | None = None) -> User | None:
    """Who heads ``unit`` on ``day``, as the pickers list heads: a leader (``Role.LEADER``) first, then a unit head;
    among several, the longest in the role. A unit with no head in force answers with the nearest ancestor's head.
    ``excluding`` is left out (the person whose work is being handed over). A system lookup: no visibility gate."""
    rank = Case(When(role=Role.LEADER, then=Value(0)), default=Value(1), output_field=IntegerField())
    heads = (
        Membership.objects.active_on(day)
        .filter(role__in=[Role.LEADER, Role.UNIT_HEAD], person__is_active=True, unit__valid_to__isnull=True)
        .select_related("person")
        .annotate(rank=rank)
        .order_by("-unit__depth", "rank", "valid_from", "person_id")
    )
    if excluding is not None:
        heads = heads.exclude(person=excluding)
    first = heads.filter(unit_id__in=[unit.pk, *unit.ancestor_ids]).first()
    return first.person if first is not None else None


def managed_units(*, user: User) -> QuerySet[Unit]:
    """The active units a manager may restructure or staff: the visible ones (their committee), in tree order."""
    return unit_list(user=user)


def membership_get(*, user: User, membership_id: int) -> Membership:
    """One membership in a unit the user sees, or 404."""
    m = (
        Membership.objects.select_related("person", "unit")
        .filter(pk=membership_id, unit__in=units_visible_to(user))
        .first()
    )
    if m is None:
        raise Http404(ERR_MEMBERSHIP_NOT_FOUND)
    return m


def unit_memberships_current_and_future(*, user: User, unit: Unit) -> QuerySet[Membership]:
    """The memberships of ``unit`` not yet ended (today's and those starting later), for the staffing page."""
    unit_get(user=user, unit_id=unit.pk)
    today = clock.today()
    return (
        Membership.objects.filter(unit=unit)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("person")
        .order_by("valid_from", "person__full_name")
    )


@dataclass
class RestructuringPreview:
    """Everything a restructuring would move, shown before it is confirmed: the people whose roles pass to the
    successor, the units put under it, and what each higher app's handler would move (``restructuring``'s
    previews: tasks, program items, report duties …), each with its full count."""

    memberships: list[Membership]
    units: list[Unit]
    groups: list[PreviewGroup]

    @property
    def total(self) -> int:
        return len(self.memberships) + len(self.units) + sum(g.count for g in self.groups)


def merge_preview(*, predecessors: list[Unit], on_date: datetime.date) -> RestructuringPreview:
    """What ``services.units_merge`` would move from ``predecessors`` on ``on_date``; reads only."""
    ids = [u.pk for u in predecessors]
    memberships = list(
        Membership.objects.active_on(on_date)
        .filter(unit_id__in=ids)
        .select_related("person", "unit")
        .order_by("unit__path", "role", "person__full_name")
    )
    children = list(Unit.objects.filter(parent_id__in=ids, valid_to__isnull=True).select_related("parent"))
    groups = [g for preview in succession_previews().values() for g in preview(predecessors, on_date)]
    return RestructuringPreview(
        memberships=memberships, units=children, groups=sorted(groups, key=lambda g: (g.order, g.label))
    )


def move_preview(*, unit: Unit) -> list[Unit]:
    """The units that move with ``unit`` (its whole subtree, itself first), in tree order."""
    return list(Unit.objects.filter(path__startswith=unit.path, valid_to__isnull=True).order_by("path"))


def move_targets(*, user: User, unit: Unit) -> QuerySet[Unit]:
    """The units ``unit`` may be put under: the active visible ones outside its own subtree."""
    return managed_units(user=user).exclude(path__startswith=unit.path)


def staffable_people(*, user: User) -> QuerySet[User]:
    """The active people a manager may give a role: those they see, and accounts holding no role anywhere yet
    (a new colleague's account, made in the administration, before their first role)."""
    visible = people_visible_to(user).filter(is_active=True).values("pk")
    return (
        User.objects.filter(Q(pk__in=visible) | Q(memberships__isnull=True), is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def unit_letterhead(unit: Unit) -> Letterhead:
    """How ``unit``'s documents show their author (``org.letterhead``): the fields the office keeps on the unit, or,
    while ``doc_name`` is blank, the defaults computed from its name and kind (``signer_name`` as kept either way)."""
    if unit.doc_name:
        return Letterhead(
            superior=unit.doc_superior,
            name=unit.doc_name,
            symbol=unit.doc_symbol or unit.code,
            place=unit.doc_place or letterhead.DEFAULT_PLACE,
            signer_on_behalf=unit.signer_on_behalf,
            signer_title=unit.signer_title,
            signer_name=unit.signer_name,
            archive=unit.doc_archive,
        )
    d = letterhead_defaults(unit)
    return Letterhead(
        superior=d["doc_superior"],
        name=d["doc_name"],
        symbol=d["doc_symbol"],
        place=d["doc_place"],
        signer_on_behalf=d["signer_on_behalf"],
        signer_title=d["signer_title"],
        signer_name=unit.signer_name,
        archive=d["doc_archive"],
    )


def letterhead_defaults(unit: Unit) -> dict[str, str]:
    """The letterhead fields computed from ``unit``'s name and kind, its parent and its root committee."""
    ids = unit.ancestor_ids
    above = {u.pk: u for u in Unit.objects.filter(pk__in=ids[:1] + ids[-1:])} if ids else {}
    root = above.get(ids[0]) if ids else None
    parent = above.get(ids[-1]) if ids else None
    return letterhead.defaults(
        name=unit.name,
        kind=unit.kind,
        code=unit.code,
        is_root=not ids,
        parent_name=parent.name if parent else "",
        parent_kind=parent.kind if parent else "",
        committee_name=root.name if root else unit.name,
    )
