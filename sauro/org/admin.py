from django.contrib import admin

from sauro.org.models import Membership, Unit, UnitName
from sauro.org.selectors import tree_order_keys


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
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to", "successor")
    list_filter = ("kind",)
    search_fields = ("code", "name")

    def get_ordering(self, request):
        # The official order, as every list of units (org.selectors.tree_order), not the model's ``path``.
        return tree_order_keys()


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "role", "position", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("person__full_name", "person__username", "unit__name")
    list_select_related = ("person", "unit")


@admin.register(UnitName)
class UnitNameAdmin(ReadOnlyAdmin):
    list_display = ("unit", "name", "valid_from", "valid_to")
