"""Pages of directives: the list, a directive, registering and editing, attachments.

Reads go through ``directives.selectors`` (another unit's directive is a 404 here exactly as in the API); writes
through ``directives.services``. Registering, editing and attachments are for Văn phòng and leaders (403 for
others, after the 404 of an invisible directive).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sauro.common import clock
from sauro.common.errors import Conflict, ServiceError, ValidationFailed
from sauro.common.replica import read_only_page
from sauro.common.text import search_words
from sauro.common.uploads import ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES, human_size
from sauro.common.views import AuthenticatedRequest, render_page, stored_file_response
from sauro.directives import selectors, services
from sauro.directives.access import can_manage_terms, can_register_directives
from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.forms import (
    SERVICE_FIELDS,
    AttachmentForm,
    DirectiveFilterForm,
    DirectiveForm,
    TermCloseForm,
    TermForm,
)
from sauro.directives.models import Directive
from sauro.directives.numbering import ISSUER_CODE_RE
from sauro.directives.panels import TASKS_PANEL, after_create_options, after_create_url, detail_panels
from sauro.directives.services import DirectiveInput
from sauro.org.access import units_visible_to

NAV_SECTION = "directives"


def _require_registrar(request: AuthenticatedRequest) -> None:
    if not can_register_directives(request.user):
        raise PermissionDenied


def _paragraphs(text: str) -> list[str]:
    """The full text as paragraphs: texts pasted from Word have one line per paragraph, so every line is one."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- list ----------------------------------------------------------------------------------------------------


@read_only_page
@login_required
def directive_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = DirectiveFilterForm(request.GET)
    filters = form.filters()
    page = selectors.directive_page(
        user=request.user, filters=filters, cursor=form.cursor or None, limit=selectors.PAGE_SIZE
    )
    parent = None
    if filters.parent_id is not None:
        try:
            parent = selectors.directive_get(user=request.user, directive_id=filters.parent_id)
        except Http404:
            parent = None
    context = {
        "form": form,
        "directives": page.items,
        "next_cursor": page.next_cursor,
        "is_first_page": not form.cursor,
        "parent": parent,
        "can_register": can_register_directives(request.user),
        "search": filters.text,
        "marked": search_words(filters.text),
    }
    if filters.text:
        context["found"] = selectors.directive_count(user=request.user, filters=filters)
    return render_page(request, "directives/list.html", context, partial_template_name="directives/_list.html")


# --- detail --------------------------------------------------------------------------------------------------


@login_required
def directive_detail_view(request: AuthenticatedRequest, directive_id: int) -> HttpResponse:
    user = request.user
    directive = selectors.directive_get(user=user, directive_id=directive_id)
    panels = detail_panels(request, directive)
    context = {
        "directive": directive,
        "ancestry": selectors.directive_ancestors(user=user, directive=directive),
        "children": selectors.directive_children(user=user, directive=directive),
        "attachments": selectors.directive_attachments(directive=directive),
        "paragraphs": _paragraphs(directive.full_text),
        "panels": panels,
        "has_tasks_panel": any(p.name == TASKS_PANEL for p in panels),
        "can_edit": can_register_directives(user),
        "upload_form": AttachmentForm(),
        "accept": ACCEPT_ATTRIBUTE,
        "max_size": human_size(MAX_UPLOAD_BYTES),
        "nav_section": NAV_SECTION,
    }
    return render_page(request, "directives/detail.html", context)


# --- registering and editing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    number: int | None
    number_symbol: str = ""
    term_name: str = ""
    problem: str = ""


def _proposal(
    request: AuthenticatedRequest, kind: str, issuer_code: str, unit_id: int | None, day: datetime.date | None
) -> Proposal:
    """The proposed number for what the form holds; a reason instead when there is none (no term …)."""
    if not kind or not issuer_code:
        return Proposal(number=None)
    try:
        proposal = selectors.directive_number_proposal(
            user=request.user, kind=kind, issuer_code=issuer_code, issuing_unit_id=unit_id, issued_on=day
        )
    except ServiceError as exc:
        return Proposal(number=None, problem=exc.message)
    return Proposal(
        number=proposal.parts.number, number_symbol=proposal.parts.number_symbol, term_name=proposal.term.name
    )


def _form_context(request: AuthenticatedRequest, form: DirectiveForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "issuer_codes": selectors.issuer_code_suggestions(user=request.user),
        "nav_section": NAV_SECTION,
        **extra,
    }


def _initial_for_new(request: AuthenticatedRequest) -> tuple[dict[str, Any], Proposal]:
    """Defaults of a new directive: issued today by the top unit the user sees (the committee), under its code,
    with the number proposed for them."""
    top = units_visible_to(request.user).filter(valid_to__isnull=True).order_by("depth", "path").first()
    code = top.code if top is not None and ISSUER_CODE_RE.match(top.code) else ""
    today = clock.today()
    kind = DirectiveKind.NQ.value
    proposal = _proposal(request, kind, code, top.pk if top else None, today)
    initial = {
        "kind": kind,
        "issuing_unit": top.pk if top else None,
        "issuer_code": code,
        "issued_on": today,
        "number": proposal.number,
        "proposed": proposal.number,
    }
    return initial, proposal


@login_required
def directive_create_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_registrar(request)
    if request.method == "POST":
        form = DirectiveForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                directive = services.directive_create(acting_user=request.user, data=form.to_input())
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã đăng ký %(directive)s.") % {"directive": directive})
                # A next step another app offered (``panels.register_after_create``), when ticked.
                then = after_create_url(request.POST.get("then", ""), directive)
                return HttpResponseRedirect(then) if then else redirect("directives:detail", directive_id=directive.pk)
        form.finish()
        proposal = _proposal_for_form(request, request.POST)
    else:
        initial, proposal = _initial_for_new(request)
        form = DirectiveForm(user=request.user, initial=initial)
    context = _form_context(
        request,
        form,
        proposal=proposal,
        directive=None,
        live_number=True,
        then_options=after_create_options(),
        then_chosen=request.POST.getlist("then") if request.method == "POST" else [],
    )
    return render(request, "directives/form.html", context)


@login_required
def directive_edit_view(request: AuthenticatedRequest, directive_id: int) -> HttpResponse:
    directive = selectors.directive_get(user=request.user, directive_id=directive_id)
    _require_registrar(request)
    conflict: Conflict | None = None
    current: Directive | None = None
    if request.method == "POST":
        form = DirectiveForm(request.POST, user=request.user, instance=directive)
        if form.is_valid():
            try:
                updated = services.directive_update(
                    acting_user=request.user,
                    directive=directive,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.to_input(),
                )
            except Conflict as exc:
                # Keep everything the person typed; take the current version so that saving again overwrites
                # knowingly, and show what changed meanwhile.
                conflict, current = exc, selectors.directive_get(user=request.user, directive_id=directive_id)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = DirectiveForm(data, user=request.user, instance=current)
                form.is_valid()
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu %(directive)s.") % {"directive": updated})
                return redirect("directives:detail", directive_id=updated.pk)
        form.finish()
    else:
        form = DirectiveForm(user=request.user, instance=directive)
    context = _form_context(
        request,
        form,
        directive=directive,
        conflict=conflict,
        changes=_changes_since(form, current) if current is not None else [],
        proposal=Proposal(number=None),
    )
    return render(request, "directives/form.html", context)


@dataclass(frozen=True)
class FieldChange:
    label: str
    current: str
    yours: str


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "kind":
        return str(DirectiveKind(value).label)
    if name == "urgency":
        return str(Urgency(value).label)
    if name == "number":
        return f"{value:02d}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _changes_since(form: DirectiveForm, current: Directive) -> list[FieldChange]:
    """The fields whose saved value now differs from what the person typed (shown beside the 409 message)."""
    if not hasattr(form, "cleaned_data") or form.errors:
        return []
    typed, saved = form.to_input(), DirectiveInput.from_directive(current)
    parent = form.cleaned_data.get("parent")
    names = {
        "issuing_unit_id": (current.issuing_unit.name, form.cleaned_data["issuing_unit"].name),
        "parent_id": (str(current.parent or "—"), str(parent or "—")),
        "full_text": (_("(nội dung đã lưu)"), _("(nội dung bạn nhập)")),
    }
    rows: list[FieldChange] = []
    for field in dataclasses.fields(DirectiveInput):
        before, after = getattr(saved, field.name), getattr(typed, field.name)
        if field.name in {"summary", "place", "signer"}:
            after = " ".join(after.split())
        elif field.name == "issuer_code":
            after = after.strip().upper()
        elif field.name == "full_text":
            after = after.replace("\r\n", "\n").strip()
        if before == after or (field.name == "number" and after is None):
            continue
        shown = names.get(field.name) or (_shown(field.name, before), _shown(field.name, after))
        label = form.fields[SERVICE_FIELDS.get(field.name, field.name)].label
        rows.append(FieldChange(label=str(label), current=shown[0], yours=shown[1]))
    return rows


def _proposal_for_form(request: AuthenticatedRequest, raw: Mapping[str, Any]) -> Proposal:
    """The proposal for what a (possibly invalid) submitted form holds."""
    unit_raw = str(raw.get("issuing_unit") or "")
    try:
        day = datetime.date.fromisoformat(str(raw.get("issued_on") or ""))
    except ValueError:
        day = None
    return _proposal(
        request,
        str(raw.get("kind") or ""),
        str(raw.get("issuer_code") or "").strip(),
        int(unit_raw) if unit_raw.isdigit() and len(unit_raw) < 18 else None,
        day,
    )


@login_required
@require_GET
def directive_number_view(request: AuthenticatedRequest) -> HttpResponse:
    """The number field again (htmx, when kind, issuer, unit or date change): the new proposed number replaces the
    one shown if the person had not typed their own."""
    _require_registrar(request)
    proposal = _proposal_for_form(request, request.GET)
    typed = str(request.GET.get("number") or "").strip()
    previous = str(request.GET.get("proposed") or "").strip()
    keep_typed = bool(typed) and typed != previous
    number = typed if keep_typed else (proposal.number or "")
    field_form = DirectiveForm(user=request.user, initial={"number": number, "proposed": proposal.number or ""})
    context = {"form": field_form, "proposal": proposal, "live": True}
    return render(request, "directives/_number_field.html", context)


# --- attachments ---------------------------------------------------------------------------------------------


def _attachments_url(directive_id: int) -> str:
    return reverse("directives:detail", args=[directive_id]) + "#tep-dinh-kem"


@login_required
@require_POST
def attachment_upload_view(request: AuthenticatedRequest, directive_id: int) -> HttpResponseRedirect:
    directive = selectors.directive_get(user=request.user, directive_id=directive_id)
    _require_registrar(request)
    form = AttachmentForm(request.POST, request.FILES)
    upload = request.FILES.get("file") if form.is_valid() else None
    try:
        attachment = services.directive_attach_file(acting_user=request.user, directive=directive, upload=upload)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đính kèm tệp “%(name)s”.") % {"name": attachment.original_name})
    return HttpResponseRedirect(_attachments_url(directive.pk))


@login_required
@require_POST
def attachment_delete_view(
    request: AuthenticatedRequest, directive_id: int, attachment_id: int
) -> HttpResponseRedirect:
    attachment = selectors.directive_attachment_get(
        user=request.user, directive_id=directive_id, attachment_id=attachment_id
    )
    _require_registrar(request)
    services.directive_remove_attachment(acting_user=request.user, attachment=attachment)
    messages.success(request, _("Đã gỡ tệp “%(name)s”.") % {"name": attachment.original_name})
    return HttpResponseRedirect(_attachments_url(directive_id))


@login_required
@require_GET
def attachment_download_view(request: AuthenticatedRequest, directive_id: int, attachment_id: int) -> FileResponse:
    """The file, to the people who may see the directive (404 for anyone else), always as a download."""
    attachment = selectors.directive_attachment_get(
        user=request.user, directive_id=directive_id, attachment_id=attachment_id
    )
    return stored_file_response(
        attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        missing=_("Không tìm thấy tệp đính kèm."),
    )


# --- committee terms (nhiệm kỳ): Văn phòng and the administrator declare and close them ---------------------------


def _require_term_manager(request: AuthenticatedRequest) -> None:
    if not can_manage_terms(request.user):
        raise PermissionDenied


@login_required
def terms_view(request: AuthenticatedRequest) -> HttpResponse:
    """The terms of the committees, and the form to declare one."""
    _require_term_manager(request)
    status = 200
    if request.method == "POST":
        form = TermForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                term = services.term_create(
                    acting_user=request.user,
                    committee=data["committee"],
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Đã khai báo %(term)s của %(committee)s.") % {"term": term, "committee": term.committee}
                )
                return redirect("directives:terms")
        status = 422
    else:
        form = TermForm(user=request.user)
    context = {"form": form, "terms": selectors.term_list(user=request.user), "nav_section": "org"}
    response = render_page(request, "directives/terms.html", context)
    response.status_code = status
    return response


@login_required
def term_close_view(request: AuthenticatedRequest, term_id: int) -> HttpResponse:
    term = selectors.term_get(user=request.user, term_id=term_id)
    _require_term_manager(request)
    status = 200
    if request.method == "POST":
        form = TermCloseForm(request.POST)
        if form.is_valid():
            try:
                services.term_close(acting_user=request.user, term=term, ends_on=form.cleaned_data["ends_on"])
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Đã kết thúc %(term)s của %(committee)s.") % {"term": term, "committee": term.committee},
                )
                return redirect("directives:terms")
        status = 422
    else:
        form = TermCloseForm()
    response = render_page(request, "directives/term_close.html", {"form": form, "term": term, "nav_section": "org"})
    response.status_code = status
    return response
