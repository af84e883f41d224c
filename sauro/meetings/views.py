"""Pages of the register of meetings: the list (with the quarter's figures), a meeting, registering and editing,
deleting, and recording its conclusion — which registers a directive (Thông báo kết luận) and leads to the
directive's page, where its tasks are proposed and drafted.

Reads go through ``meetings.selectors`` (another unit's meeting is a 404); writes through ``meetings.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sauro.common.errors import Conflict, ServiceError
from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.directives.models import Directive
from sauro.directives.panels import DetailPanel
from sauro.meetings import access, selectors, services
from sauro.meetings.forms import ConclusionForm, LinkConclusionForm, MeetingFilterForm, MeetingForm
from sauro.meetings.models import Meeting

NAV_SECTION = "meetings"


@read_only_page
@login_required
def meeting_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = MeetingFilterForm(request.GET, user=user)
    filters = form.filters()
    page = selectors.meeting_page(user=user, filters=filters, cursor=form.cursor or None, limit=selectors.PAGE_SIZE)
    start, end, label = form.figures_quarter()
    figures = selectors.meeting_figures(user=user, unit_id=form.unit_id, start=start, end=end)
    context = {
        "form": form,
        "meetings": page.items,
        "next_cursor": page.next_cursor,
        "is_first_page": not form.cursor,
        "figures": figures,
        "figures_label": label,
        "can_record": access.may_record(user),
        "nav_section": NAV_SECTION,
    }
    return render_page(request, "meetings/list.html", context)


def _detail_context(request: AuthenticatedRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_edit = access.may_record(user, meeting.host_unit)
    context: dict[str, Any] = {
        "meeting": meeting,
        "can_edit": can_edit,
        "can_write_conclusion": meeting.conclusion_id is None and access.may_write_conclusion(user, meeting),
        "nav_section": NAV_SECTION,
    }
    if meeting.conclusion_id is None and can_edit:
        if context["can_write_conclusion"]:
            context.setdefault("conclusion_form", ConclusionForm(meeting=meeting))
        choices = selectors.linkable_conclusions(user=user, meeting=meeting)
        context["link_form"] = LinkConclusionForm(choices=choices, meeting=meeting)
    context.update(extra)
    return context


@login_required
def meeting_detail_view(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return render_page(request, "meetings/detail.html", _detail_context(request, meeting))


@login_required
def meeting_create_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not access.may_record(user):
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingForm(request.POST, user=user)
        if form.is_valid():
            try:
                meeting = services.meeting_create(acting_user=user, data=form.to_input())
            except ServiceError as exc:  # a refusal of the data, or a host unit the user does not act for
                form.add_service_errors(exc)
            else:
                messages.success(request, "Đã vào sổ cuộc họp.")
                return redirect("meetings:detail", meeting_id=meeting.pk)
    else:
        form = MeetingForm(user=user)
    status = 422 if request.method == "POST" else 200
    response = render_page(request, "meetings/form.html", {"form": form, "meeting": None, "nav_section": NAV_SECTION})
    response.status_code = status
    return response


@login_required
def meeting_edit_view(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    if not access.may_record(user, meeting.host_unit):
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingForm(request.POST, user=user, instance=meeting)
        if form.is_valid():
            try:
                services.meeting_update(
                    acting_user=user,
                    meeting=meeting,
                    expected_version=form.cleaned_data.get("version") or meeting.version,
                    data=form.to_input(),
                )
            except ServiceError as exc:
                if isinstance(exc, Conflict):
                    form.add_error(None, exc.message)
                else:
                    form.add_service_errors(exc)
            else:
                messages.success(request, "Đã lưu cuộc họp.")
                return redirect("meetings:detail", meeting_id=meeting.pk)
    else:
        form = MeetingForm(user=user, instance=meeting)
    context = {"form": form, "meeting": meeting, "nav_section": NAV_SECTION}
    response = render_page(request, "meetings/form.html", context)
    if request.method == "POST":
        response.status_code = 422
    return response


@require_POST
@login_required
def meeting_delete_view(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    if not access.may_record(user, meeting.host_unit):
        raise PermissionDenied
    try:
        services.meeting_delete(acting_user=user, meeting=meeting)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", meeting_id=meeting.pk)
    messages.success(request, "Đã xóa cuộc họp khỏi sổ.")
    return redirect("meetings:list")


@require_POST
@login_required
def conclusion_create_view(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    """ "Ghi thông báo kết luận": register the notice and go to its page, where its tasks are proposed."""
    user = request.user
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    if not access.may_write_conclusion(user, meeting):
        raise PermissionDenied
    form = ConclusionForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            directive = services.meeting_record_conclusion(
                acting_user=user,
                meeting=meeting,
                data=form.to_input(),
                expected_version=form.cleaned_data.get("version") or None,
            )
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Đã ghi {directive} là thông báo kết luận của cuộc họp. "
                "Đề xuất và giao các nhiệm vụ từ thông báo ngay trên trang này.",
            )
            return redirect("directives:detail", directive_id=directive.pk)
    response = render_page(request, "meetings/detail.html", _detail_context(request, meeting, conclusion_form=form))
    response.status_code = 422
    return response


@require_POST
@login_required
def conclusion_link_view(request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
    """Link a notice already registered as the meeting's conclusion."""
    user = request.user
    meeting = selectors.meeting_get(user=user, meeting_id=meeting_id)
    if not access.may_record(user, meeting.host_unit):
        raise PermissionDenied
    choices = selectors.linkable_conclusions(user=user, meeting=meeting)
    form = LinkConclusionForm(request.POST, choices=choices, meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_link_conclusion(
                acting_user=user,
                meeting=meeting,
                directive_id=form.cleaned_data["directive"],
                expected_version=form.cleaned_data.get("version") or None,
            )
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Đã gắn thông báo kết luận cho cuộc họp.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    response = render_page(request, "meetings/detail.html", _detail_context(request, meeting, link_form=form))
    response.status_code = 422
    return response


def directive_meeting_panel(request: AuthenticatedRequest, directive: Directive) -> DetailPanel | None:
    """The meeting a notice concludes, on the notice's page (``directives.panels``); nothing for another directive
    or a meeting the user does not see."""
    meeting = selectors.meeting_concluded_by(user=request.user, directive=directive)
    if meeting is None:
        return None
    return DetailPanel("meetings/_directive_panel.html", {"meeting": meeting})
