"""What every app's forms share: the date-range message, the invalid-field marking, a service's refusal placed on
the form. One home (they were in ``tasks.forms``, imported from there by the petitions', meetings' and dashboard's
forms, and copied into ``directives.forms``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.common.errors import ServiceError

ERR_DATE_RANGE = _("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")


def mark_invalid(form: forms.Form) -> None:
    """``aria-invalid`` on the fields with errors, for screen readers and the red border."""
    for name, field in form.fields.items():
        if name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"


def add_service_errors(form: forms.Form, error: ServiceError, names: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to the fields it names (service name → form name), else above the form."""
    placed = False
    for name, message in error.fields.items():
        field = (names or {}).get(name, name)
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
    mark_invalid(form)
