from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from sauro.audit.admin_audit import AuditedModelAdmin
from sauro.petitions.models import DeadlineRule

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
