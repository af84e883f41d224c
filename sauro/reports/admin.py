from __future__ import annotations

from django.contrib import admin

from sauro.audit.admin_audit import AuditedModelAdmin
from sauro.reports.models import ReportRegime


@admin.register(ReportRegime)
class ReportRegimeAdmin(AuditedModelAdmin):
    """The reporting regime: which report kinds which units owe, and the working days to the due day (changes are
    journalled). Duties are generated from it by the daily pass."""

    list_display = ("kind", "scope", "committee", "due_working_days", "active", "note")
    list_filter = ("kind", "scope", "active")
    fields = ("kind", "scope", "committee", "due_working_days", "active", "note")
