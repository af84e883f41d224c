from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from sauro.audit.admin_audit import AuditedModelAdmin
from sauro.org.access import can_manage_org
from sauro.org.letterhead import LETTERHEAD_FIELDS
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.selectors import tree_order_keys
from sauro.org.services import unit_letterhead_set


class ReadOnlyAdmin(admin.ModelAdmin):
    """Units and memberships change only through org.services (restructuring moves obligations and
    writes the journal); the admin shows them for reference."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    """The tree, names and dates of a unit are read-only here (they change through the org pages' restructuring);
    the office keeps its letterhead — header lines, symbol, place, signer, where the copy is kept — which the
    quarterly report prints (``org.letterhead``). A save goes through ``org.services.unit_letterhead_set`` and is
    journalled as ``unit.letterhead``."""

    list_display = ("code", "name", "kind", "parent", "doc_symbol", "doc_place", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "parent", "valid_from", "valid_to", "successor")}),
        ("Thể thức văn bản (Hướng dẫn 36-HD/VPTW)", {"fields": LETTERHEAD_FIELDS}),
    )
    readonly_fields = ("code", "name", "kind", "parent", "valid_from", "valid_to", "successor")

    def get_ordering(self, request):
        # The official order, as every list of units (org.selectors.tree_order), not the model's ``path``.
        return tree_order_keys()

    def _office(self, request: HttpRequest) -> bool:
        """The office and the administrators (``org.access.can_manage_org``) keep the letterhead, staff or not by
        Django's own permissions."""
        user = request.user
        return bool(user.is_active and user.is_staff and can_manage_org(user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._office(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._office(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._office(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool) -> None:
        unit_letterhead_set(
            acting_user=request.user,  # type: ignore[arg-type]
            unit=obj,  # type: ignore[arg-type]
            values={name: form.cleaned_data[name] for name in LETTERHEAD_FIELDS if name in form.cleaned_data},
        )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "role", "position", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("person__full_name", "person__username", "unit__name")
    list_select_related = ("person", "unit")


@admin.register(UnitName)
class UnitNameAdmin(ReadOnlyAdmin):
    list_display = ("unit", "name", "valid_from", "valid_to")
