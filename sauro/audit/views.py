"""The audit journal page: inspectors and administrators only (everyone else gets a 404)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sauro.audit.actions import action_label
from sauro.audit.forms import AuditFilterForm, journaled_model, object_type_label
from sauro.audit.models import AuditEntry
from sauro.audit.selectors import audit_anchor_status, audit_entry_page
from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest, is_partial_request, render_page

# Object types with a page of their own, and the URL name that shows one.
OBJECT_PAGES = {
    "org.unit": ("org:unit_detail", "unit_id"),
    "accounts.user": ("org:person_detail", "person_id"),
    "directives.directive": ("directives:detail", "directive_id"),
    "tasks.task": ("tasks:detail", "task_id"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class JournalRow:
    """An entry as the page shows it: Vietnamese labels, a link to the object, the changed fields."""

    entry: AuditEntry
    action_label: str
    object_type_label: str
    object_url: str
    changes: list[Change]


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        # get_field knows attnames too ("parent_id" is the field "parent").
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


_PHRASE_ORDER = ("name", "value", "unit")


def _show(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    """A snapshot value as an official reads it: choice labels, dates as dd/mm/yyyy, Có/Không."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if len(value) == 10 else value
        except ValueError:
            return value
    if isinstance(value, list):  # file names, indicator rows: one item after the other
        return "; ".join(_show(item) for item in value) or "—"
    if isinstance(value, dict):  # an indicator row ({"name", "value", "unit"}): its values as a phrase
        # PostgreSQL's jsonb keeps keys in its own order (shortest first), so the phrase is ordered here.
        known = [key for key in _PHRASE_ORDER if key in value]
        keys = known + sorted(key for key in value if key not in _PHRASE_ORDER)
        return " ".join(_show(value[key]) for key in keys if value[key] not in (None, "")) or "—"
    return json.dumps(value, ensure_ascii=False)


def _label(model: type[models.Model] | None, key: str) -> tuple[str, models.Field[Any, Any] | None]:
    """The Vietnamese name of a snapshot key and its field: a field of the entry's own model (``progress``), or of
    another row the same write changed, keyed ``<app>.<model>.<field>`` (``monitoring.obstacle.answer`` →
    "Khó khăn, vướng mắc: ý kiến trả lời"); the key itself when neither."""
    field = _model_field(model, key)
    if field is not None:
        return str(capfirst(field.verbose_name)), field
    object_type, dot, name = key.rpartition(".")
    other = journaled_model(object_type) if dot else None
    field = _model_field(other, name)
    if other is None or field is None:
        return key, None
    return f"{capfirst(other._meta.verbose_name)}: {field.verbose_name}", field


def _changes(object_type: str, before: Any, after: Any) -> list[Change]:
    """Field-by-field before/after, for the usual dict snapshots; anything else as one row."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [Change(field="", before=_show(before), after=_show(after), changed=before != after)]
    model = journaled_model(object_type)
    old, new = before or {}, after or {}
    rows = []
    for key in list(old) + [k for k in new if k not in old]:
        label, field = _label(model, key)
        rows.append(
            Change(
                field=label,
                before=_show(old.get(key), field) if before is not None else "",
                after=_show(new.get(key), field) if after is not None else "",
                changed=before is not None and after is not None and old.get(key) != new.get(key),
            )
        )
    return rows


def _object_url(entry: AuditEntry) -> str:
    page = OBJECT_PAGES.get(entry.object_type)
    if page is None or not entry.object_id.isdigit():
        return ""
    url_name, kwarg = page
    return reverse(url_name, kwargs={kwarg: int(entry.object_id)})


def _row(entry: AuditEntry) -> JournalRow:
    return JournalRow(
        entry=entry,
        action_label=action_label(entry.action),
        object_type_label=object_type_label(entry.object_type),
        object_url=_object_url(entry),
        changes=_changes(entry.object_type, entry.before, entry.after),
    )


@read_only_page
@login_required
def audit_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = audit_entry_page(user=request.user, filters=form.filters(), position=form.position)
    context = {
        "form": form,
        "rows": [_row(e) for e in page.entries],
        "next_before": page.next_cursor,
        "is_first_page": form.position is None,
    }
    if not is_partial_request(request):  # the whole page: also the checkpoints and the last check of the chain
        context["anchors"] = audit_anchor_status(user=request.user)
    return render_page(request, "audit/list.html", context, partial_template_name="audit/_journal.html")
