from django.contrib import admin
from django.http import HttpRequest

from sauro.directives.models import Directive, DirectiveAttachment, Term


class ReadOnlyAdmin(admin.ModelAdmin):
    """Directives, their files and terms change only through directives.services (numbering, visibility and the
    journal); the admin shows them for reference."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ("name", "committee", "starts_on", "ends_on")
    list_select_related = ("committee",)


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "issued_on", "issuing_unit", "term", "summary")
    list_filter = ("kind",)
    search_fields = ("search_text", "issuer_code")
    list_select_related = ("issuing_unit", "term")
    date_hierarchy = "issued_on"
    exclude = ("search_text",)


@admin.register(DirectiveAttachment)
class DirectiveAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "directive", "size", "content_type", "uploaded_at")
    list_select_related = ("directive",)
