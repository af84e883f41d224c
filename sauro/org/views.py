"""Pages of the organisation: the unit tree, a unit, a person.

Every read goes through ``org.selectors`` (or, for people, the ``org.access`` gate), so another unit's data
is a 404 here exactly as in the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.replica import read_only_page
from sauro.common.text import fold
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.org import selectors, services
from sauro.org.access import can_manage_org
from sauro.org.choices import Role, UnitKind
from sauro.org.forms import (
    MembershipChangeForm,
    MembershipCreateForm,
    MembershipEndForm,
    MergeForm,
    MoveForm,
    RenameForm,
)
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
        "can_manage": can_manage_org(request.user),
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
        "can_manage": can_manage_org(user),
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


# --- the office's pages: restructuring and memberships (``access.can_manage_org``) ----------------------------------
#
# Each restructuring is sent twice: without ``confirm`` the page shows what would happen (nothing changes); the
# preview page holds the same values in hidden inputs and a confirm button, and the service checks them again.


def _require_manager(request: AuthenticatedRequest) -> None:
    if not can_manage_org(request.user):
        raise PermissionDenied


def _managed_unit(request: AuthenticatedRequest, unit_id: int) -> Unit:
    """The unit of a management page: 404 when the user does not see it, 403 when they may not manage it."""
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    _require_manager(request)
    return unit


def _confirmed(request: AuthenticatedRequest) -> bool:
    return request.POST.get("confirm") == "1"


def _form_page(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    response = render_page(request, template, {"nav_section": "org", **context})
    if invalid:
        response.status_code = 422
    return response


def _preview_page(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    return render_page(request, "org/restructure_preview.html", {"nav_section": "org", **context})


@login_required
def unit_rename_view(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    unit = _managed_unit(request, unit_id)
    base = {"unit": unit, "operation": "rename", "title": _("Đổi tên đơn vị")}
    if request.method != "POST":
        return _form_page(request, "org/restructure_form.html", {**base, "form": RenameForm(unit=unit)})
    form = RenameForm(request.POST, unit=unit)
    if request.POST.get("back") == "1":
        return _form_page(request, "org/restructure_form.html", {**base, "form": form})
    if form.is_valid():
        name, on_date = form.cleaned_data["name"], form.cleaned_data["on_date"]
        try:
            if _confirmed(request):
                services.unit_rename(acting_user=request.user, unit=unit, new_name=name, on_date=on_date)
                messages.success(request, _("Đã đổi tên đơn vị thành “%(name)s”.") % {"name": " ".join(name.split())})
                return redirect("org:unit_detail", unit_id=unit.pk)
            services.unit_rename_check(unit=unit, new_name=name, on_date=on_date)
        except ServiceError as exc:
            form.refuse(exc)
        else:
            return _preview_page(
                request, {**base, "form": form, "new_name": " ".join(name.split()), "on_date": on_date}
            )
    form.mark_invalid()
    return _form_page(request, "org/restructure_form.html", {**base, "form": form}, invalid=True)


@login_required
def unit_move_view(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    unit = _managed_unit(request, unit_id)
    base = {"unit": unit, "operation": "move", "title": _("Chuyển đơn vị sang đơn vị cấp trên khác")}
    if request.method != "POST":
        form = MoveForm(user=request.user, unit=unit)
        return _form_page(request, "org/restructure_form.html", {**base, "form": form})
    form = MoveForm(request.POST, user=request.user, unit=unit)
    if request.POST.get("back") == "1":
        return _form_page(request, "org/restructure_form.html", {**base, "form": form})
    if form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            if _confirmed(request):
                services.unit_move(acting_user=request.user, unit=unit, new_parent=parent)
                messages.success(
                    request, _("Đã chuyển “%(unit)s” về trực thuộc “%(parent)s”.") % {"unit": unit, "parent": parent}
                )
                return redirect("org:unit_detail", unit_id=unit.pk)
            services.unit_move_check(unit=unit, new_parent=parent)
        except ServiceError as exc:
            form.refuse(exc)
        else:
            moving = selectors.move_preview(unit=unit)
            return _preview_page(request, {**base, "form": form, "parent": parent, "moving_units": moving})
    form.mark_invalid()
    return _form_page(request, "org/restructure_form.html", {**base, "form": form}, invalid=True)


@login_required
def units_merge_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_manager(request)
    base = {"unit": None, "operation": "merge", "title": _("Sáp nhập đơn vị")}
    if request.method != "POST":
        initial = {}
        first = request.GET.get("don_vi", "")
        if first.isdigit() and len(first) < 12:
            initial["predecessors"] = [int(first)]
        form = MergeForm(user=request.user, initial=initial)
        return _form_page(request, "org/restructure_form.html", {**base, "form": form})
    form = MergeForm(request.POST, user=request.user)
    if request.POST.get("back") == "1":
        return _form_page(request, "org/restructure_form.html", {**base, "form": form})
    if form.is_valid():
        olds: list[Unit] = list(form.cleaned_data["predecessors"])
        successor: Unit = form.cleaned_data["successor"]
        on_date = form.cleaned_data["on_date"]
        try:
            if _confirmed(request):
                services.units_merge(acting_user=request.user, predecessors=olds, successor=successor, on_date=on_date)
                messages.success(
                    request,
                    _("Đã sáp nhập %(names)s vào “%(successor)s”.")
                    % {"names": ", ".join(f"“{u.name}”" for u in olds), "successor": successor.name},
                )
                return redirect("org:unit_detail", unit_id=successor.pk)
            services.units_merge_check(predecessors=olds, successor=successor, on_date=on_date)
        except ServiceError as exc:
            form.refuse(exc)
        else:
            preview = selectors.merge_preview(predecessors=olds, on_date=on_date)
            context = {**base, "form": form, "predecessors": olds, "successor": successor, "on_date": on_date}
            return _preview_page(request, {**context, "preview": preview})
    form.mark_invalid()
    return _form_page(request, "org/restructure_form.html", {**base, "form": form}, invalid=True)


@login_required
def unit_staff_view(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    """A unit's people and roles, current and coming, with the forms to add, change and end them."""
    unit = _managed_unit(request, unit_id)
    if unit.valid_to is not None:
        messages.error(request, services.ERR_UNIT_INACTIVE.format(name=unit.name))
        return redirect("org:unit_detail", unit_id=unit.pk)
    if request.method == "POST":
        form = MembershipCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.membership_create(
                    acting_user=request.user,
                    person=data["person"],
                    unit=unit,
                    role=data["role"],
                    position=" ".join(data["position"].split()),
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                )
            except ServiceError as exc:
                form.refuse(exc)
            else:
                messages.success(
                    request,
                    _("Đã giao vai trò “%(role)s” tại đơn vị cho %(person)s.")
                    % {"role": Role(data["role"]).label, "person": data["person"].get_full_name()},
                )
                return redirect("org:unit_staff", unit_id=unit.pk)
        form.mark_invalid()
    else:
        form = MembershipCreateForm(user=request.user)
    context = {
        "unit": unit,
        "form": form,
        "memberships": _by_role(selectors.unit_memberships_current_and_future(user=request.user, unit=unit)),
        "today": clock.today(),
    }
    return _form_page(request, "org/unit_staff.html", context, invalid=request.method == "POST")


@login_required
def membership_change_view(request: AuthenticatedRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(user=request.user, membership_id=membership_id)
    _require_manager(request)
    if request.method == "POST":
        form = MembershipChangeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.membership_change(
                    acting_user=request.user,
                    membership=membership,
                    role=data["role"],
                    position=data["position"],
                    on_date=data["on_date"],
                )
            except ServiceError as exc:
                form.refuse(exc)
            else:
                messages.success(
                    request, _("Đã thay đổi vai trò của %(person)s.") % {"person": membership.person.get_full_name()}
                )
                return redirect("org:unit_staff", unit_id=membership.unit_id)
        form.mark_invalid()
    else:
        form = MembershipChangeForm(initial={"role": membership.role, "position": membership.position})
    context = {"membership": membership, "unit": membership.unit, "form": form, "operation": "change"}
    return _form_page(request, "org/membership_form.html", context, invalid=request.method == "POST")


@login_required
def membership_end_view(request: AuthenticatedRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(user=request.user, membership_id=membership_id)
    _require_manager(request)
    if request.method == "POST":
        form = MembershipEndForm(request.POST)
        if form.is_valid():
            try:
                services.membership_end(
                    acting_user=request.user, membership=membership, valid_to=form.cleaned_data["valid_to"]
                )
            except ServiceError as exc:
                form.refuse(exc)
            else:
                messages.success(
                    request,
                    _("Đã kết thúc vai trò “%(role)s” của %(person)s.")
                    % {"role": membership.get_role_display(), "person": membership.person.get_full_name()},
                )
                return redirect("org:unit_staff", unit_id=membership.unit_id)
        form.mark_invalid()
    else:
        form = MembershipEndForm()
    context = {"membership": membership, "unit": membership.unit, "form": form, "operation": "end"}
    return _form_page(request, "org/membership_form.html", context, invalid=request.method == "POST")
