"""The proposals page of a directive (``/van-ban/<id>/de-xuat/``) and the panel linking to it from the directive's
page (``directives.panels``).

The page reads a text (pasted, an attachment, or the directive's full text) into proposals, shows the text with
each source sentence highlighted (``<mark>``, the text escaped by the template) beside the proposals, each with its
inline edit form and six-clear checklist; the proposals are dropped, merged, and created as draft tasks from here.
Every write goes through ``extraction.services``; who may is ``extraction.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sauro.common.errors import ServiceError, ValidationFailed
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.directives import selectors as directive_selectors
from sauro.directives.models import Directive
from sauro.directives.panels import DetailPanel
from sauro.extraction import selectors, services
from sauro.extraction.access import may_propose
from sauro.extraction.checklist import ClearLine, checklist
from sauro.extraction.forms import MergeForm, ProposalForm, RunForm
from sauro.extraction.models import Proposal, ProposalRun, ProposalStatus
from sauro.tasks.access import may_draft

NAV_SECTION = "directives"
PROPOSALS_PANEL = "proposals"


@dataclass
class Segment:
    """A stretch of the run's text; ``mark`` is the id of the highlighted source sentence, or ""."""

    text: str
    mark: str = ""


@dataclass
class ProposalCard:
    proposal: Proposal
    mark: str
    clears: list[ClearLine]
    open_count: int
    form: ProposalForm | None
    merge_form: MergeForm | None


def _mark_id(start: int, end: int) -> str:
    return f"cau-{start}-{end}"


def segments(text: str, ranges: list[tuple[int, int]]) -> list[Segment]:
    """``text`` cut at the source sentences' ranges (overlapping ranges joined), each sentence a marked segment."""
    out: list[Segment] = []
    pos = 0
    for start, end in sorted(set(ranges)):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], _mark_id(start, end)))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def _mark_of(marks: list[str], start: int) -> str:
    """The mark holding the character ``start`` (or the first after it)."""
    for mark in marks:
        _, first, last = mark.split("-")
        if int(first) <= start < int(last) or int(first) >= start:
            return mark
    return ""


def _page_url(directive_id: int, anchor: str = "") -> str:
    url = reverse("extraction:proposals", args=[directive_id])
    return f"{url}#{anchor}" if anchor else url


def _require_proposer(request: AuthenticatedRequest) -> None:
    if not may_propose(request.user):
        raise PermissionDenied


def _cards(
    request: AuthenticatedRequest, run: ProposalRun, bound: dict[int, ProposalForm] | None = None
) -> tuple[list[ProposalCard], list[Segment]]:
    proposals = selectors.run_proposals(run=run)
    units = [(u.pk, u.name) for u in selectors.unit_choices(user=request.user)]
    shown = [p for p in proposals if p.status != ProposalStatus.DROPPED]
    # A merged proposal spans both sentences; the text marks each range once, the cards link to the first sentence.
    text_segments = segments(run.text, [(p.start, p.end) for p in shown])
    marks = [s.mark for s in text_segments if s.mark]
    cards = []
    for p in proposals:
        mark = _mark_of(marks, p.start) if p.status != ProposalStatus.DROPPED else ""
        is_open = p.status == ProposalStatus.OPEN
        others = [
            (o.pk, o.title[:80]) for o in proposals if o.pk != p.pk and o.status == "open" and o.lead_id == p.lead_id
        ]
        clears = checklist(p)
        cards.append(
            ProposalCard(
                proposal=p,
                mark=mark,
                clears=clears,
                open_count=sum(1 for c in clears if not c.holds),
                form=(bound or {}).get(p.pk) or (ProposalForm(units=units, proposal=p) if is_open else None),
                merge_form=MergeForm(others=others, prefix=f"m{p.pk}") if is_open and others else None,
            )
        )
    return cards, text_segments


def _render(
    request: AuthenticatedRequest,
    directive: Directive,
    *,
    run_form: RunForm | None = None,
    bound: dict[int, ProposalForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    attachments = selectors.readable_attachments(directive=directive)
    run = selectors.latest_run(user=request.user, directive=directive)
    cards, text_segments = _cards(request, run, bound) if run is not None else ([], [])
    context: dict[str, Any] = {
        "directive": directive,
        "run_form": run_form or RunForm(attachments=[(a.pk, a.original_name) for a in attachments]),
        "has_full_text": bool(directive.full_text.strip()),
        "run": run,
        "cards": cards,
        "segments": text_segments,
        "open_count": sum(1 for c in cards if c.proposal.status == ProposalStatus.OPEN),
        "created": [c.proposal for c in cards if c.proposal.status == ProposalStatus.CREATED],
        "nav_section": NAV_SECTION,
    }
    response = render_page(request, "extraction/proposals.html", context)
    response.status_code = status
    return response


@login_required
def proposals_view(request: AuthenticatedRequest, directive_id: int) -> HttpResponse:
    directive = directive_selectors.directive_get(user=request.user, directive_id=directive_id)
    _require_proposer(request)
    if request.method != "POST":
        return _render(request, directive)
    attachments = [(a.pk, a.original_name) for a in selectors.readable_attachments(directive=directive)]
    form = RunForm(request.POST, attachments=attachments)
    if form.is_valid():
        try:
            run = services.proposals_extract(
                acting_user=request.user,
                directive=directive,
                text=form.cleaned_data["text"],
                attachment_id=form.cleaned_data["attachment"],
                collective=form.cleaned_data["collective"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            count = selectors.proposal_count(run=run)
            if count:
                messages.success(
                    request, ngettext("Đã đề xuất %(n)d nhiệm vụ.", "Đã đề xuất %(n)d nhiệm vụ.", count) % {"n": count}
                )
            else:
                messages.warning(request, _("Không tìm thấy câu nào giao việc trong văn bản."))
            return HttpResponseRedirect(_page_url(directive.pk, "de-xuat"))
    return _render(request, directive, run_form=form, status=422)


def _proposal(request: AuthenticatedRequest, directive_id: int, proposal_id: int) -> tuple[Directive, Proposal]:
    directive = directive_selectors.directive_get(user=request.user, directive_id=directive_id)
    _require_proposer(request)
    return directive, selectors.proposal_get(user=request.user, directive=directive, proposal_id=proposal_id)


@login_required
@require_POST
def proposal_edit_view(request: AuthenticatedRequest, directive_id: int, proposal_id: int) -> HttpResponse:
    directive, proposal = _proposal(request, directive_id, proposal_id)
    units = [(u.pk, u.name) for u in selectors.unit_choices(user=request.user)]
    form = ProposalForm(request.POST, units=units, prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            services.proposal_update(
                acting_user=request.user,
                proposal=proposal,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu đề xuất."))
            return HttpResponseRedirect(_page_url(directive.pk, f"de-xuat-{proposal.pk}"))
    return _render(request, directive, bound={proposal.pk: form}, status=422)


@login_required
@require_POST
def proposal_drop_view(request: AuthenticatedRequest, directive_id: int, proposal_id: int) -> HttpResponse:
    directive, proposal = _proposal(request, directive_id, proposal_id)
    try:
        services.proposal_drop(acting_user=request.user, proposal=proposal)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã bỏ đề xuất “%(title)s”.") % {"title": proposal.title[:100]})
    return HttpResponseRedirect(_page_url(directive.pk, "de-xuat"))


@login_required
@require_POST
def proposal_merge_view(request: AuthenticatedRequest, directive_id: int, proposal_id: int) -> HttpResponse:
    directive, proposal = _proposal(request, directive_id, proposal_id)
    raw = request.POST.get(f"m{proposal.pk}-into") or request.POST.get("into") or ""
    if not raw.isdigit():
        messages.error(request, _("Hãy chọn đề xuất để gộp."))
        return HttpResponseRedirect(_page_url(directive.pk, f"de-xuat-{proposal.pk}"))
    try:
        into = selectors.proposal_get(user=request.user, directive=directive, proposal_id=int(raw))
        merged = services.proposal_merge(acting_user=request.user, proposal=proposal, into=into)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_page_url(directive.pk, f"de-xuat-{proposal.pk}"))
    messages.success(request, _("Đã gộp hai đề xuất."))
    return HttpResponseRedirect(_page_url(directive.pk, f"de-xuat-{merged.pk}"))


@login_required
@require_POST
def proposals_create_view(request: AuthenticatedRequest, directive_id: int) -> HttpResponse:
    directive = directive_selectors.directive_get(user=request.user, directive_id=directive_id)
    _require_proposer(request)
    run = selectors.latest_run(user=request.user, directive=directive)
    if run is None:
        messages.error(request, _("Chưa có đề xuất nào để tạo nhiệm vụ."))
        return HttpResponseRedirect(_page_url(directive.pk))
    result = services.proposals_create_drafts(acting_user=request.user, run=run)
    if result.created:
        n = len(result.created)
        messages.success(
            request, ngettext("Đã tạo %(n)d nhiệm vụ dự thảo.", "Đã tạo %(n)d nhiệm vụ dự thảo.", n) % {"n": n}
        )
    for proposal, exc in result.failed:
        detail = "; ".join(exc.fields.values()) if exc.fields else exc.message
        messages.error(
            request,
            _("Chưa tạo được “%(title)s”: %(why)s") % {"title": proposal.title[:100], "why": detail},
        )
    if not result.created and not result.failed:
        messages.info(request, _("Không còn đề xuất nào chờ xử lý."))
    return HttpResponseRedirect(_page_url(directive.pk, "da-tao" if result.created else "de-xuat"))


# --- the panel on the directive's page ---------------------------------------------------------------------------


def directive_proposals_panel(request: AuthenticatedRequest, directive: Directive) -> DetailPanel | None:
    """The link "Đề xuất nhiệm vụ từ văn bản" on a directive's page, with how many proposals wait, for those who
    draft tasks (registered by the extraction app)."""
    if not may_draft(request.user):
        return None
    run = selectors.latest_run(user=request.user, directive=directive)
    waiting = selectors.open_count(run=run) if run is not None else 0
    return DetailPanel("extraction/_directive_panel.html", {"run": run, "waiting": waiting})
