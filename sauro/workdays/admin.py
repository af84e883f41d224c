from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sauro.audit.admin_audit import AuditedModelAdmin
from sauro.workdays.models import WorkdayOverride

WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)

# Vietnamese write day/month/year; Django's "vi" locale defines no input formats and would read 04/03/2026
# as 3 April. ISO comes first for the admin's date picker.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedModelAdmin):
    """The page where administrators record each year's holiday decisions (changes are journalled)."""

    list_display = ("date", "weekday", "is_working_day", "name", "citing_document", "updated_at")
    list_display_links = ("date", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name", "citing_document", "note")
    ordering = ("-date",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("date", "is_working_day", "name", "citing_document", "note", "created_at", "updated_at")

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj: WorkdayOverride) -> str:
        return str(WEEKDAY_NAMES[obj.date.weekday()])

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.DateField):
            field.input_formats = DATE_INPUT_FORMATS
        return field
