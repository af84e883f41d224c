"""Pages of the organisation: the unit tree, a unit, a person.

Every read goes through ``org.selectors`` (or, for people, the ``org.access`` gate), so another unit's data
is a 404 here exactly as in the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from sauro.common.replica import read_only_page
from sauro.common.text import fold
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.org import selectors
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit

# A flat list at least this long (the 40 communes and wards) is shown in two columns on wide screens.
COLUMNS_FROM = 10
FORMER_GROUP_LABEL = _("Đơn vị đã sáp nhập, giải thể")
KIND_ORDER = {kind.value: i for i, kind in enumerate(UnitKind)}
# Members are listed as an official expects: leaders first, then the rest in the order of the roles.
ROLE_ORDER = {role.value: i for i, role in enumerate(Role)}


@dataclass
class TreeGroup:
    """Children of one tree item shown together, under a heading when they are grouped by kind."""

    label: str
    items: list[TreeItem]
    columns: bool = False


@dataclass
class TreeItem:
    """A unit as the tree page shows it."""

    unit: Unit
    member_count: int
    successor: Unit | None
    expanded: bool
    search_text: str
    groups: list[TreeGroup] = field(default_factory=list)
    show_kind: bool = True

    @property
    def is_former(self) -> bool:
        return self.unit.valid_to is not None


def _tree_items(
    nodes: Iterable[selectors.TreeNode], by_id: dict[int, Unit], *, top: bool, show_kind: bool = True
) -> list[TreeItem]:
    return [
        TreeItem(
            unit=node.unit,
            member_count=node.member_count,
            successor=by_id.get(node.unit.successor_id) if node.unit.successor_id else None,
            expanded=top,
            search_text=fold(" ".join(filter(None, [node.unit.name, node.unit.short_name, node.unit.code]))),
            groups=_tree_groups(node.children, by_id),
            show_kind=show_kind,
        )
        for node in nodes
    ]


def _tree_groups(children: list[selectors.TreeNode], by_id: dict[int, Unit]) -> list[TreeGroup]:
    """Children grouped by kind (agencies, Party committees, wards, communes …) when they are of several
    kinds, and former units apart at the end; a single kind stays one group without a heading."""
    if not children:
        return []
    active = [c for c in children if c.unit.valid_to is None]
    former = [c for c in children if c.unit.valid_to is not None]
    kinds = sorted({c.unit.kind for c in active}, key=lambda k: KIND_ORDER.get(k, len(KIND_ORDER)))
    groups: list[TreeGroup] = []
    if len(kinds) == 1 and not former:
        items = _tree_items(active, by_id, top=False)
        groups.append(TreeGroup(label="", items=items))
    else:
        labels = dict(UnitKind.choices)
        for kind in kinds:
            members = [c for c in active if c.unit.kind == kind]
            items = _tree_items(members, by_id, top=False, show_kind=False)
            groups.append(TreeGroup(label=str(labels.get(kind, kind)), items=items))
    if former:
        groups.append(TreeGroup(label=str(FORMER_GROUP_LABEL), items=_tree_items(former, by_id, top=False)))
    for group in groups:
        group.columns = len(group.items) >= COLUMNS_FROM and not any(i.groups for i in group.items)
    return groups


def _by_role(memberships: Iterable[Membership]) -> list[Membership]:
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, len(ROLE_ORDER)), m.person.full_name))


def _walk(nodes: Iterable[selectors.TreeNode]) -> Iterable[selectors.TreeNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


@read_only_page
@login_required
def unit_tree_view(request: AuthenticatedRequest) -> HttpResponse:
    include_former = request.GET.get("former") == "1"
    roots = selectors.unit_tree(user=request.user, include_former=include_former)
    by_id = {node.unit.pk: node.unit for node in _walk(roots)}
    context = {
        "items": _tree_items(roots, by_id, top=True),
        "unit_count": len(by_id),
        "include_former": include_former,
    }
    return render_page(request, "org/unit_tree.html", context, partial_template_name="org/_unit_tree.html")


@login_required
def unit_detail_view(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = selectors.unit_get(user=user, unit_id=unit_id)
    relatives = selectors.unit_relatives(user=user, unit=unit)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(user=user, unit=unit),
        "children": relatives.children,
        "predecessors": relatives.predecessors,
        "successor": relatives.successor,
        "former_names": selectors.unit_former_names(unit=unit),
        "members": _by_role(selectors.unit_members(user=user, unit=unit)),
        "former_members": list(selectors.unit_former_members(user=user, unit=unit)),
        "nav_section": "org",
    }
    return render_page(request, "org/unit_detail.html", context)


@login_required
def person_detail_view(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    context = {
        "person": person,
        "memberships": list(selectors.person_memberships(user=request.user, person=person)),
        "is_self": person.pk == request.user.pk,
        "nav_section": "org",
    }
    return render_page(request, "org/person_detail.html", context)
