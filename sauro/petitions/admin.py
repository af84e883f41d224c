from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from sauro.audit.admin_audit import AuditedModelAdmin
from sauro.petitions.access import letters_visible_to, reception_days_visible_to, receptions_visible_to
from sauro.petitions.models import DeadlineRule, IntakeRequest, Letter, Reception, ReceptionDay

# Vietnamese write day/month/year (as the override table's page does); ISO first for the admin's date picker.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin):
    """The rule book of statutory deadlines, edited by administrators (every change is journalled)."""

    list_display = (
        "kind",
        "key",
        "complexity",
        "remote",
        "count",
        "unit",
        "counted_from",
        "effective_from",
        "effective_to",
        "version",
    )
    list_filter = ("kind", "key", "complexity", "remote", "version")
    search_fields = ("version", "basis")
    ordering = ("kind", "key", "complexity", "remote", "effective_from")
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "kind",
        "key",
        "complexity",
        "remote",
        "count",
        "unit",
        "counted_from",
        "effective_from",
        "effective_to",
        "version",
        "basis",
        "created_at",
        "updated_at",
    )

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.DateField):
            field.input_formats = DATE_INPUT_FORMATS
        return field


# --- the register, for reference --------------------------------------------------------------------------------


class RegisterAdmin(admin.ModelAdmin):
    """The register (letters, visits, reception days, requests of the intake API) changes only through
    ``petitions.services`` — rights, validation, versions, the decision's task and the journal — so the admin only
    shows it, and only what the register's gate (``petitions.access``) lets the user read: a letter holds citizens'
    personal data, and an administrator who keeps no register sees none of it here either."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def visible(self, request: HttpRequest) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.visible(request).select_related(*self.list_select_related)  # type: ignore[misc]


@admin.register(Letter)
class LetterAdmin(RegisterAdmin):
    list_display = ("__str__", "unit", "kind", "topic", "source", "signer_name", "received_on", "decision", "task")
    list_filter = ("kind", "topic", "source", "decision", "signer_kind", "received_on")
    search_fields = ("summary", "signer_name", "address", "incoming_number")
    list_select_related = ("unit", "task")
    date_hierarchy = "received_on"

    def visible(self, request: HttpRequest) -> QuerySet[Any]:
        return letters_visible_to(request.user)  # type: ignore[arg-type]


@admin.register(Reception)
class ReceptionAdmin(RegisterAdmin):
    list_display = ("__str__", "unit", "received_on", "receiver_kind", "kind", "people_count", "guidance")
    list_filter = ("kind", "receiver_kind", "guidance", "competence", "is_group", "received_on")
    search_fields = ("citizen_name", "summary", "representatives", "document_number")
    list_select_related = ("unit",)
    date_hierarchy = "received_on"

    def visible(self, request: HttpRequest) -> QuerySet[Any]:
        return receptions_visible_to(request.user)  # type: ignore[arg-type]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(RegisterAdmin):
    list_display = ("__str__", "unit", "leader", "day", "state")
    list_filter = ("state", "day")
    search_fields = ("leader__full_name", "unit__name", "note")
    list_select_related = ("unit", "leader")
    date_hierarchy = "day"

    def visible(self, request: HttpRequest) -> QuerySet[Any]:
        return reception_days_visible_to(request.user)  # type: ignore[arg-type]


@admin.register(IntakeRequest)
class IntakeRequestAdmin(RegisterAdmin):
    list_display = ("__str__", "letter", "user", "service_code", "created_at")
    list_filter = ("service_code", "created_at")
    search_fields = ("idempotency_key", "service_code")
    list_select_related = ("letter", "user")

    def visible(self, request: HttpRequest) -> QuerySet[Any]:
        return IntakeRequest.objects.filter(letter__in=letters_visible_to(request.user))  # type: ignore[arg-type]
