"""Pages of the reporting regime ("Báo cáo"): the duties of the user's units with their timeliness, one duty with
the form to send its report, the file download, and the quarterly review report download (.docx / .xlsx).

Reads through ``reports.selectors`` (another unit's duty is a 404); writes through ``reports.services``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest, render_page, stored_file_response
from sauro.org.models import Unit
from sauro.org.selectors import tree_order
from sauro.periods.regime import ReportPeriod, period, period_containing
from sauro.petitions.access import register_unit_ids
from sauro.reports import selectors, services
from sauro.reports.choices import ReportKind, Timeliness
from sauro.reports.drafts import duty_draft_text
from sauro.reports.forms import DutyFilterForm, PetitionsReportForm, QuarterlyForm, SubmitForm
from sauro.reports.petitions_report import petitions_download, petitions_report_units
from sauro.reports.quarterly import quarterly_docx, quarterly_xlsx, report_filename

NAV_SECTION = "reports"
PAGE_SIZE = 50
QUARTERS_OFFERED = 8
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    count: int
    url: str
    active: bool = False


# The count cards of the list, in order (each links to the list filtered by its status): the four timeliness
# states, then the late reporters together and what falls due within a week.
CARD_LABELS = {
    **{t.value: t.label for t in Timeliness},
    selectors.LATE_OR_MISSING: gettext_lazy("Gửi quá hạn hoặc chưa gửi"),
    selectors.DUE_SOON: gettext_lazy("Sắp đến hạn (7 ngày tới)"),
}


def quarter_choices() -> list[tuple[str, str]]:
    """The quarter containing today and the ones before it, newest first."""
    today = clock.today()
    current = period_containing(ReportKind.QUARTERLY, today)
    year, number = (current.year, current.number) if current else (today.year, (today.month - 1) // 3 + 1)
    choices: list[tuple[str, str]] = []
    for _i in range(QUARTERS_OFFERED):
        p: ReportPeriod = period(ReportKind.QUARTERLY, year, number)
        choices.append((p.key, p.label))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return choices


def _reported_units(request: AuthenticatedRequest) -> QuerySet[Unit]:
    """The active units whose reports the user sees, in tree order (the filter's and the quarterly form's)."""
    return tree_order(selectors.units_reported_by(request.user).filter(valid_to__isnull=True))


def _quarterly_form(request: AuthenticatedRequest, data: object = None) -> QuarterlyForm:
    return QuarterlyForm(data, units=_reported_units(request), quarters=quarter_choices())


def _list_context(
    request: AuthenticatedRequest,
    quarterly_form: QuarterlyForm,
    *,
    query: QueryDict | None = None,
    petitions_form: PetitionsReportForm | None = None,
) -> dict[str, Any]:
    """The list page: the duties of the filters in ``query`` (the request's), their count cards (each a link to the
    list of its status, the other filters kept) and the quarterly report's form."""
    user = request.user
    today = clock.today()
    query = request.GET if query is None else query
    form = DutyFilterForm(query or None, units=_reported_units(request))
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # A filter that is not valid (a unit the user does not see …) is shown with its error and not applied; the
        # others still are.
        data = form.cleaned_data
    unit = data.get("unit")
    base = selectors.DutyFilters(
        within_path=unit.path if unit else "", kind=data.get("kind") or "", year=data.get("year")
    )
    status = data.get("status") or ""
    duties = selectors.duty_list(user=user, as_of=today, filters=dataclasses.replace(base, status=status))
    counts = selectors.duty_counts(duties=selectors.duty_list(user=user, as_of=today, filters=base), as_of=today)
    kept = {name: query[name] for name in ("unit", "kind", "year") if data.get(name) and query.get(name)}
    list_url = reverse("reports:list")
    cards = [
        Card(key, str(label), counts[key], f"{list_url}?{urlencode({**kept, 'status': key})}", status == key)
        for key, label in CARD_LABELS.items()
    ]
    page = Paginator(duties, PAGE_SIZE).get_page(query.get("page"))
    return {
        "form": form,
        "cards": cards,
        "status": status,
        "page": page,
        "duties": page.object_list,
        "today": today,
        "quarterly_form": quarterly_form,
        "petitions_form": petitions_form or _petitions_form(request),
        "petitions_offered": bool(register_unit_ids(user)),
        "nav_section": NAV_SECTION,
    }


@read_only_page
@login_required
@require_GET
def duty_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The duties of the user's units (newest due first) with their timeliness today, and the quarterly report."""
    context = _list_context(request, _quarterly_form(request))
    return render_page(request, "reports/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def duty_detail_view(request: AuthenticatedRequest, duty_id: int) -> HttpResponse:
    """One duty: its period, due day and timeliness, what was sent, and — for the unit head — the form to send."""
    user = request.user
    today = clock.today()
    duty = selectors.duty_get(user=user, duty_id=duty_id, as_of=today)
    may_submit = services.heads_unit(user, duty.unit, today)
    status = 200
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied  # they see the duty (else duty_get was a 404) but do not head its unit
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.report_submit(
                    acting_user=user,
                    duty=duty,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as e:
                form.add_error(None, e.message)
                for name, message in e.fields.items():
                    if name in form.fields and message != e.message:
                        form.add_error(name, message)
                status = e.status
            else:
                messages.success(request, _("Đã gửi %(report)s.") % {"report": duty})
                return redirect("reports:duty", duty_id=duty.pk)
        else:
            status = 422
    else:
        form = SubmitForm(initial={"text": duty_draft_text(user=user, duty=duty), "version": duty.version})
    context = {
        "duty": duty,
        "submissions": selectors.duty_submissions(duty=duty),
        "form": form if may_submit else None,
        "nav_section": NAV_SECTION,
    }
    response = render_page(request, "reports/detail.html", context)
    response.status_code = status
    return response


@login_required
@require_GET
def submission_file_view(request: AuthenticatedRequest, submission_id: int) -> FileResponse:
    submission = selectors.submission_get(user=request.user, submission_id=submission_id)
    if not submission.file:
        raise Http404
    return stored_file_response(
        submission.file,
        name=submission.original_name,
        content_type=submission.content_type,
        missing=_("Không tìm thấy tệp báo cáo."),
    )


@read_only_page
@login_required
@require_GET
def quarterly_view(request: AuthenticatedRequest) -> HttpResponse:
    """The quarterly review report of a visible unit as a download; the list page with the error otherwise."""
    if not request.GET:
        # Opened without choosing (a bookmark, the address typed): the page with the form, nothing reported missing.
        return render_page(request, "reports/list.html", _list_context(request, _quarterly_form(request)))
    form = _quarterly_form(request, request.GET)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit", "").isdigit():
            raise Http404  # a unit the user may not see is indistinguishable from none
        response = render_page(request, "reports/list.html", _list_context(request, form, query=QueryDict()))
        response.status_code = 400
        return response
    unit, quarter, fmt = form.cleaned_data["unit"], form.cleaned_data["quarter"], form.cleaned_data["format"]
    as_of = form.cleaned_data["as_of"] or clock.today()
    if fmt == "docx":
        body, content_type = quarterly_docx(user=request.user, unit=unit, quarter=quarter, as_of=as_of), DOCX_TYPE
    else:
        body, content_type = quarterly_xlsx(user=request.user, unit=unit, quarter=quarter, as_of=as_of), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    filename = report_filename(unit, quarter, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the petitions report (issue 19, point 8) ---------------------------------------------------------------------

MONTHS_OFFERED = 12


def petitions_period_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The reporting months and quarters up to the one containing today, newest first, grouped."""
    today = clock.today()
    month = period_containing(ReportKind.MONTHLY, today)
    year, number = (month.year, month.number) if month else (today.year, today.month)
    months: list[tuple[str, str]] = []
    for _i in range(MONTHS_OFFERED):
        p = period(ReportKind.MONTHLY, year, number)
        months.append((p.key, p.label))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return [(str(_("Tháng")), months), (str(_("Quý")), quarter_choices())]


def _petitions_form(request: AuthenticatedRequest, data: object = None) -> PetitionsReportForm:
    units = tree_order(petitions_report_units(request.user))
    return PetitionsReportForm(data, units=units, periods=petitions_period_choices())


@read_only_page
@login_required
@require_GET
def petitions_report_view(request: AuthenticatedRequest) -> HttpResponse:
    """The petitions report of a unit whose register the user reads, as a download (.docx or .xlsx); the list page
    with the error otherwise; another unit is a 404."""
    if not request.GET:
        return render_page(request, "reports/list.html", _list_context(request, _quarterly_form(request)))
    form = _petitions_form(request, request.GET)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit", "").isdigit():
            raise Http404
        context = _list_context(request, _quarterly_form(request), query=QueryDict(), petitions_form=form)
        response = render_page(request, "reports/list.html", context)
        response.status_code = 400
        return response
    unit, key, fmt = form.cleaned_data["unit"], form.cleaned_data["period"], form.cleaned_data["format"]
    return petitions_download(user=request.user, unit=unit, period=key, fmt=fmt)
