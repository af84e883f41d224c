"""Pages of the petitions register: letters (``/don-thu/``: the list, a letter with its statutory deadlines and its
task, registering and correcting one, the decision), the reception register (``/tiep-cong-dan/``: the visits with
the month's reception days of the Secretaries, a visit, registering one) and the leaders' reception days
(``/tiep-cong-dan/lich-tiep/``).

Reads go through ``petitions.selectors`` (another unit's letter is a 404); writes through ``petitions.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauro.accounts.models import User
from sauro.common.errors import Conflict, ServiceError
from sauro.common.pagination import BadCursor
from sauro.common.replica import read_only_page
from sauro.common.text import search_words
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.petitions import access, hotspots, identity, links, selectors, services
from sauro.petitions.choices import DeadlineKey
from sauro.petitions.forms import (
    DecisionForm,
    DuplicateLinkForm,
    HotSpotFilterForm,
    LetterFilterForm,
    LetterForm,
    MonthForm,
    ReceptionDayForm,
    ReceptionDayStateForm,
    ReceptionForm,
)
from sauro.petitions.models import Letter, Reception
from sauro.petitions.rules import TASK_DEADLINE_KEYS
from sauro.tasks.models import Task
from sauro.tasks.views import Failure, TaskPageExtras, TaskPageSection, register_task_page_extension

NAV_SECTION = "petitions"


def _page(request: AuthenticatedRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    # The tab of the identity views (point 6) for Ủy ban Kiểm tra only (the scope is cached for the request).
    context = {"perms_identity_views": identity.may_list_identity_views(request.user), **context}
    response = render_page(request, template, {"nav_section": NAV_SECTION, **context})
    response.status_code = status
    return response


# --- letters --------------------------------------------------------------------------------------------------


@read_only_page
@login_required
def letter_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = LetterFilterForm(request.GET, user=user)
    filters = form.filters()
    page = selectors.letter_page(user=user, filters=filters, cursor=form.cursor or None)
    context = {
        "form": form,
        # The folded words searched, marked in each summary (``common.text.highlight``).
        "marked": search_words(filters.q),
        "letters": page.items,
        "next_cursor": page.next_cursor,
        "is_first_page": not form.cursor,
        "can_register": access.may_register(user),
    }
    return _page(request, "petitions/letter_list.html", context)


def _deadline_rows(letter: Letter) -> list[dict[str, Any]]:
    deadlines = selectors.letter_deadlines_of(letter)

    rows = []
    for key, day in deadlines.due.items():
        rule = deadlines.rules.get(key)
        rows.append(
            {
                "key": key,
                "label": DeadlineKey(key).label,
                "day": day,
                "rule": rule.describe() if rule else "",
                "task_due": key == _task_key(deadlines.due),
            }
        )
    return rows


def _task_key(due: Any) -> str:
    return next((k for k in TASK_DEADLINE_KEYS if k in due), "")


def _letter_context(request: AuthenticatedRequest, letter: Letter, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_decide = not letter.decision and access.may_decide(user, letter)
    context: dict[str, Any] = {
        "letter": letter,
        # The sender: decrypted (and journalled) only for who may see a denouncer's identity (point 6).
        "sender": identity.identity_reveal(acting_user=user, record=letter, channel="page"),
        "deadlines": _deadline_rows(letter),
        "kept_by_rule": services.is_kept_by_rule(letter),
        "can_edit": access.may_register(user, letter.unit),
        "can_decide": can_decide,
        # Issue 19, point 5: the letters linked as duplicates, and the earlier one it repeats after its decision.
        "linked_letters": selectors.letter_links(user=user, letter=letter),
        "repeat_of": selectors.letter_repeat_of(user=user, letter=letter),
        "visits": selectors.letter_visits(user=user, letter=letter),
    }
    if can_decide:
        context["decision_form"] = DecisionForm(user=user, letter=letter)
    context.update(extra)
    return context


@login_required
def letter_detail_view(request: AuthenticatedRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, letter_id=letter_id)
    return _page(request, "petitions/letter_detail.html", _letter_context(request, letter))


@login_required
def letter_create_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not access.may_register(user):
        raise PermissionDenied
    proposals: list[Any] = []
    chosen: list[int] = []
    # A letter handed in at a visit is registered from the visit's page (?luot_tiep=<id>): the form starts from the
    # visit's facts and the visit records the letter when it is saved.
    visit = _visit_for_letter(request)
    if visit is not None and visit.letter_id is not None:
        messages.info(request, _("Lượt tiếp này đã có đơn nhận khi tiếp."))
        return redirect("petitions:letter_detail", letter_id=visit.letter_id)
    if request.method == "POST":
        form = LetterForm(request.POST, user=user)
        if form.is_valid():
            # The near-duplicate search (issue 19, point 5): proposals shown before the letter is saved; it is saved
            # once the officer ticks the ones it repeats (linked to them) or confirms it is a new letter.
            proposals = selectors.likely_duplicates(form.duplicate_fields(), user)
            chosen = DuplicateLinkForm(request.POST, proposals=proposals).chosen()
            if not proposals or chosen or request.POST.get("confirm_new"):
                try:
                    letter = links.letter_create_linked(
                        acting_user=user, data=form.to_input(), duplicate_of_ids=chosen, from_reception=visit
                    )
                except ServiceError as exc:
                    form.add_service_errors(exc)
                else:
                    if chosen:
                        messages.success(
                            request, _("Đã vào sổ đơn thư. Đã liên kết với %(n)d đơn trùng.") % {"n": len(chosen)}
                        )
                    else:
                        messages.success(request, _("Đã vào sổ đơn thư."))
                    return redirect("petitions:letter_detail", letter_id=letter.pk)
    else:
        sender = _form_sender(user, visit, reveal=True) if visit is not None else None
        form = LetterForm(user=user, visit=visit, sender=sender)
    status = 422 if request.method == "POST" and (form.errors or not proposals) else 200
    context = {"form": form, "letter": None, "duplicates": proposals, "chosen": chosen, "visit": visit}
    return _page(request, "petitions/letter_form.html", context, status)


def _visit_for_letter(request: AuthenticatedRequest) -> Reception | None:
    """The visit named by ``luot_tiep`` (query string, or the form's hidden field): one the user sees (else 404) in a
    register they keep (else 403)."""
    raw = request.POST.get("luot_tiep") or request.GET.get("luot_tiep")
    if not raw:
        return None
    try:
        reception_id = int(raw)
    except ValueError:
        raise Http404 from None
    visit = selectors.reception_get(user=request.user, reception_id=reception_id)
    if not access.may_register(request.user, visit.unit):
        raise PermissionDenied
    return visit


@login_required
def letter_edit_view(request: AuthenticatedRequest, letter_id: int) -> HttpResponse:
    user = request.user
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    if not access.may_register(user, letter.unit):
        raise PermissionDenied
    if request.method == "POST":
        form = LetterForm(request.POST, user=user, instance=letter, sender=_form_sender(user, letter, reveal=False))
        if form.is_valid():
            try:
                services.letter_update(
                    acting_user=user,
                    letter=letter,
                    data=form.to_input(),
                    expected_version=form.cleaned_data.get("version") or letter.version,
                )
            except ServiceError as exc:
                if isinstance(exc, Conflict):
                    form.add_error(None, exc.message)
                else:
                    form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu đơn thư."))
                return redirect("petitions:letter_detail", letter_id=letter.pk)
    else:
        form = LetterForm(user=user, instance=letter, sender=_form_sender(user, letter, reveal=True))
    status = 422 if request.method == "POST" else 200
    return _page(request, "petitions/letter_form.html", {"form": form, "letter": letter, "duplicates": []}, status)


def _form_sender(user: User, record: Letter | Reception, *, reveal: bool) -> identity.IdentityShown | None:
    """The protected identity on an edit form: decrypted and journalled when the form is opened by who may see it
    (``reveal``), else only its state (the fields stay blank: left blank, the stored identity is kept)."""
    if not identity.is_protected(record):
        return None
    if reveal:
        return identity.identity_reveal(acting_user=user, record=record, channel="form")
    if access.may_see_identity(user, record):
        return identity.IdentityShown(identity.SHOWN, identity.Sender())
    return identity.IdentityShown(identity.HIDDEN, identity.Sender())


@require_POST
@login_required
def letter_decide_view(request: AuthenticatedRequest, letter_id: int) -> HttpResponse:
    user = request.user
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    if not access.may_decide(user, letter):
        raise PermissionDenied
    form = DecisionForm(request.POST, user=user, letter=letter)
    if form.is_valid():
        try:
            decided = services.letter_decide(
                acting_user=user,
                letter=letter,
                data=form.to_input(),
                expected_version=form.cleaned_data.get("version") or None,
            )
        except ServiceError as exc:
            if isinstance(exc, Conflict):
                form.add_error(None, exc.message)
            else:
                form.add_service_errors(exc)
        else:
            note = " Đã giao nhiệm vụ giải quyết." if decided.task_id else ""
            messages.success(request, f"Đã ghi hướng xử lý đơn.{note}")
            return redirect("petitions:letter_detail", letter_id=letter.pk)
    context = _letter_context(request, letter, decision_form=form)
    return _page(request, "petitions/letter_detail.html", context, 422)


# --- the reception register ------------------------------------------------------------------------------------


@read_only_page
@login_required
def reception_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = MonthForm(request.GET)
    year, month = form.year_month()
    page = selectors.reception_page(user=user, cursor=form.cursor or None)
    context = {
        "form": form,
        # Each visit with its citizen as a list shows it: "đã được giữ bí mật" for a denouncer (point 6).
        "receptions": [(r, identity.identity_listed(r)) for r in page.items],
        "next_cursor": page.next_cursor,
        "is_first_page": not form.cursor,
        "figures": selectors.reception_day_figures(user=user, year=year, month=month),
        "can_register": access.may_register(user),
    }
    return _page(request, "petitions/reception_list.html", context)


@login_required
def reception_detail_view(request: AuthenticatedRequest, reception_id: int) -> HttpResponse:
    reception = selectors.reception_get(user=request.user, reception_id=reception_id)
    context = {
        "reception": reception,
        "sender": identity.identity_reveal(acting_user=request.user, record=reception, channel="page"),
        "can_edit": access.may_register(request.user, reception.unit),
    }
    return _page(request, "petitions/reception_detail.html", context)


@login_required
def reception_create_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not access.may_register(user):
        raise PermissionDenied
    if request.method == "POST":
        form = ReceptionForm(request.POST, user=user)
        if form.is_valid():
            try:
                reception = services.reception_create(acting_user=user, data=form.to_input())
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã vào sổ tiếp công dân."))
                return redirect("petitions:reception_detail", reception_id=reception.pk)
    else:
        form = ReceptionForm(user=user)
    status = 422 if request.method == "POST" else 200
    return _page(request, "petitions/reception_form.html", {"form": form, "reception": None}, status)


@login_required
def reception_edit_view(request: AuthenticatedRequest, reception_id: int) -> HttpResponse:
    user = request.user
    reception = selectors.reception_get(user=user, reception_id=reception_id)
    if not access.may_register(user, reception.unit):
        raise PermissionDenied
    if request.method == "POST":
        form = ReceptionForm(
            request.POST, user=user, instance=reception, sender=_form_sender(user, reception, reveal=False)
        )
        if form.is_valid():
            try:
                services.reception_update(
                    acting_user=user,
                    reception=reception,
                    # The visit's reception day and letter stay as they were (not on the form).
                    data=form.to_input(reception_day_id=reception.reception_day_id, letter_id=reception.letter_id),
                    expected_version=form.cleaned_data.get("version") or reception.version,
                )
            except ServiceError as exc:
                if isinstance(exc, Conflict):
                    form.add_error(None, exc.message)
                else:
                    form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu lượt tiếp công dân."))
                return redirect("petitions:reception_detail", reception_id=reception.pk)
    else:
        form = ReceptionForm(user=user, instance=reception, sender=_form_sender(user, reception, reveal=True))
    status = 422 if request.method == "POST" else 200
    return _page(request, "petitions/reception_form.html", {"form": form, "reception": reception}, status)


# --- reception days -------------------------------------------------------------------------------------------


@login_required
def reception_day_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The leaders' reception days, newest first, and (for who keeps a register) the form to plan one."""
    user = request.user
    can_register = access.may_register(user)
    form = ReceptionDayForm(user=user) if can_register else None
    status = 200
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        form = ReceptionDayForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.reception_day_create(acting_user=user, data=form.to_input())
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã vào lịch ngày tiếp công dân."))
                return redirect("petitions:reception_days")
        status = 422
    after = request.GET.get("after") or None
    try:
        page = selectors.reception_day_page(user=user, cursor=after)
    except BadCursor:  # a forged or foreign cursor: the first page
        page = selectors.reception_day_page(user=user)
        after = None
    context = {
        "form": form,
        "days": page.items,
        "next_cursor": page.next_cursor,
        "is_first_page": not after,
        "can_register": can_register,
        "state_form": ReceptionDayStateForm(),
    }
    return _page(request, "petitions/reception_days.html", context, status)


@require_POST
@login_required
def reception_day_state_view(request: AuthenticatedRequest, day_id: int) -> HttpResponse:
    user = request.user
    day = selectors.reception_day_get(user=user, day_id=day_id)
    if not access.may_register(user, day.unit):
        raise PermissionDenied
    form = ReceptionDayStateForm(request.POST)
    if form.is_valid():
        try:
            services.reception_day_set_state(
                acting_user=user,
                day=day,
                state=form.cleaned_data["state"],
                expected_version=form.cleaned_data.get("version") or None,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi tình trạng ngày tiếp công dân."))
    else:
        messages.error(request, _("Tình trạng không hợp lệ."))
    return redirect("petitions:reception_days")


# --- who saw a denouncer's identity (point 6): Ủy ban Kiểm tra ------------------------------------------------------


@login_required
def identity_views_view(request: AuthenticatedRequest) -> HttpResponse:
    """Every view of a protected identity in the registers the inspector reads, latest first (from the journal)."""
    user = request.user
    if not identity.may_list_identity_views(user):
        raise PermissionDenied
    after = request.GET.get("after") or None
    try:
        page = identity.identity_views(user=user, cursor=after)
    except BadCursor:  # a forged or foreign cursor: the first page
        page = identity.identity_views(user=user)
        after = None
    rows = [{"entry": e, "record": identity.view_link(e), "channel": identity.channel_of(e)} for e in page.items]
    context = {"rows": rows, "next_cursor": page.next_cursor, "is_first_page": not after}
    return _page(request, "petitions/identity_views.html", context)


# --- the letter on its task's page ------------------------------------------------------------------------------


# The id of the letter a task was made for, annotated on the task page's query (only tells whether there is one: the
# letter itself is read through the letters' gate).
LETTER_MARK = "petitions_letter_id"


def task_page(user: User, task: Task, failure: Failure | None) -> TaskPageExtras:
    """The letter a task was made for, as a section of the task's page (nothing for another task, or a letter the
    user does not see)."""
    if getattr(task, LETTER_MARK, True) is None:
        return TaskPageExtras()  # the page's query found no letter made for this task: no query of our own
    letter = selectors.letter_of_task(user=user, task_id=task.pk)
    if letter is None:
        return TaskPageExtras()
    return TaskPageExtras(sections=[TaskPageSection("petitions/_task_section.html", {"letter": letter})])


def register() -> None:
    """Add the letter to the task page (called from ``PetitionsConfig.ready``): the task page names no app above it."""
    register_task_page_extension(
        "petitions",
        task_page,
        annotations={LETTER_MARK: selectors.letter_of_task_expr()},
    )


# --- hot spots (point 7) ----------------------------------------------------------------------------------------


@read_only_page
@login_required
def hotspot_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The map-free list of hot spots (``/diem-nong/``), filtered by commune, topic and reason; each row drills down to
    its letters."""
    user = request.user
    form = HotSpotFilterForm(request.GET, user=user)
    page = hotspots.hotspot_page(user=user, filters=form.filters(), cursor=form.cursor or None)
    context = {
        "form": form,
        "spots": page.items,
        "next_cursor": page.next_cursor,
        "is_first_page": not form.cursor,
    }
    return _page(request, "petitions/hotspot_list.html", context)


@login_required
def hotspot_detail_view(request: AuthenticatedRequest, hotspot_id: int) -> HttpResponse:
    user = request.user
    spot = hotspots.hotspot_get(user=user, hotspot_id=hotspot_id)
    context = {
        "spot": spot,
        "letters": list(hotspots.hotspot_letters(user=user, spot=spot)),
        "receptions": list(hotspots.hotspot_receptions(user=user, spot=spot)),
    }
    return _page(request, "petitions/hotspot_detail.html", context)
