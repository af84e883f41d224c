from django.contrib import admin
from django.http import HttpRequest

from sauro.programs.models import WorkProgram, WorkProgramItem


class ReadOnlyAdmin(admin.ModelAdmin):
    """Programs and items change only through programs.services (rights, versions and the journal); the admin shows
    them for reference."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkProgram)
class WorkProgramAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "year", "quarter", "state")
    list_filter = ("year", "quarter", "state")
    list_select_related = ("unit",)
    search_fields = ("title",)


@admin.register(WorkProgramItem)
class WorkProgramItemAdmin(ReadOnlyAdmin):
    list_display = ("key", "program", "month", "quarter", "lead_unit", "due_date", "task")
    list_select_related = ("program", "lead_unit", "task")
    search_fields = ("content", "key")
