"""The journal page's filter form and the Vietnamese names of actions and object types."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sauro.audit.actions import ACTION_LABELS, VERB_LABELS, action_label, journaled_models
from sauro.audit.selectors import AUDIT_ORDER, AuditFilters
from sauro.common.fields import DateField
from sauro.common.forms import ERR_DATE_RANGE
from sauro.common.pagination import BadCursor
from sauro.common.widgets import DateInput


def journaled_model(object_type: str) -> type[models.Model] | None:
    return journaled_models().get(object_type)


def object_type_label(object_type: str) -> str:
    model = journaled_model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def action_choices() -> list[tuple[str, str]]:
    codes = set(ACTION_LABELS)
    for model in journaled_models().values():
        codes.update(f"{model._meta.model_name}.{verb}" for verb in VERB_LABELS)
    return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1].lower())


def object_type_choices() -> list[tuple[str, str]]:
    return sorted(((t, object_type_label(t)) for t in journaled_models()), key=lambda c: c[1].lower())


class AuditFilterForm(forms.Form):
    """The journal's filters, read from the query string (a GET form: a filtered view is a shareable URL)."""

    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    object_type = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    date_from = DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    date_to = DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Nội dung"), required=False, max_length=200)
    before = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", str(_("Tất cả")))
        self.fields["action"].choices = [everything, *action_choices()]  # type: ignore[attr-defined]
        self.fields["object_type"].choices = [everything, *object_type_choices()]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Tìm trong tóm tắt, tên đối tượng")
        self.fields["actor"].widget.attrs["placeholder"] = _("Họ và tên")
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"

    def clean_before(self) -> tuple[Any, ...] | None:
        """The page's cursor, decoded (``AUDIT_ORDER``); a forged one is an error and the first page is shown."""
        before = self.cleaned_data.get("before") or ""
        if not before:
            return None
        try:
            return AUDIT_ORDER.decode(before)
        except BadCursor as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ERR_DATE_RANGE)
        return data

    def filters(self) -> AuditFilters:
        """The filters from the fields that are valid; an invalid field filters nothing (its error is shown)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            actor=(data.get("actor") or "").strip(),
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=(data.get("q") or "").strip(),
        )

    @property
    def position(self) -> tuple[Any, ...] | None:
        """Where the page starts (the decoded ``before`` cursor), or ``None`` for the first page."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        position: tuple[Any, ...] | None = self.cleaned_data.get("before")
        return position

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return any([f.actor, f.action, f.object_type, f.date_from, f.date_to, f.text])
