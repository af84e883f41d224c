"""Django admin changes go into the audit journal like every other write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from sauro.audit.services import audit_record


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name, None) for name in fields}


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit entry in the same transaction."""

    audit_fields: list[str] = []

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool) -> None:
        fields = self.audit_fields or [f.name for f in obj._meta.concrete_fields if f.name != "password"]
        before = None
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _snapshot(old, fields) if old is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                acting_user=request.user,  # type: ignore[arg-type]
                action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
                obj=obj,
                summary="Sửa qua trang quản trị" if change else "Tạo qua trang quản trị",
                before=before,
                after=_snapshot(obj, fields),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        fields = self.audit_fields or [f.name for f in obj._meta.concrete_fields if f.name != "password"]
        with transaction.atomic():
            before = _snapshot(obj, fields)
            repr_, pk = str(obj)[:255], str(obj.pk)
            super().delete_model(request, obj)
            audit_record(
                acting_user=request.user,  # type: ignore[arg-type]
                action=f"{obj._meta.model_name}.delete",
                object_type=obj._meta.label_lower,
                object_id=pk,
                object_repr=repr_,
                summary="Xóa qua trang quản trị",
                before=before,
            )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk delete would bypass delete_model and so the journal.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
