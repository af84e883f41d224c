"""Notifications in the admin: read-only, for support ("did the reminder go out? was the e-mail sent?").

They are written only by ``notifications.services`` (and read by their recipient); nobody edits them here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sauro.notifications.models import Notification, NotificationPreference


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "email_state", "emailed_at")
    list_filter = ("kind", "email_state")
    search_fields = ("title", "recipient__full_name", "recipient__username")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient", "task")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "email_mode", "updated_at")
    list_filter = ("email_mode",)
    search_fields = ("user__full_name", "user__username")
    list_select_related = ("user",)
