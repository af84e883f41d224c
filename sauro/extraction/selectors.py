"""Reads of proposals: the latest run of a directive the user may act on, its proposals, one proposal.

The directive is already visible (``directives.selectors.directive_get``); runs are gated by
``extraction.access.may_act_on_run``: a proposal outside is a 404, as one that does not exist.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sauro.accounts.models import User
from sauro.directives.models import Directive, DirectiveAttachment
from sauro.extraction.access import may_act_on_run
from sauro.extraction.models import Proposal, ProposalRun, ProposalStatus
from sauro.org.access import units_visible_to
from sauro.org.models import Unit

ERR_PROPOSAL_NOT_FOUND = "Không tìm thấy đề xuất."
READABLE_EXTENSIONS = (".docx", ".pdf", ".txt")
MAX_RUNS_LOOKED_AT = 50


def latest_run(*, user: User, directive: Directive) -> ProposalRun | None:
    """The newest run of ``directive`` the user may act on, or None."""
    runs = (
        ProposalRun.objects.filter(directive=directive)
        .select_related("owner_unit", "created_by", "attachment")
        .order_by("-created_at", "-id")[:MAX_RUNS_LOOKED_AT]
    )
    decided: dict[int, bool] = {}  # per unit: the runs of one unit ask the drafting right once
    for run in runs:
        if run.owner_unit_id not in decided:
            decided[run.owner_unit_id] = may_act_on_run(user, run)
        if decided[run.owner_unit_id]:
            return run
    return None


def run_proposals(*, run: ProposalRun) -> list[Proposal]:
    return list(
        run.proposals.select_related("lead", "authority", "task").prefetch_related(
            Prefetch("coordinating", queryset=Unit.objects.order_by("name"))
        )
    )


def open_count(*, run: ProposalRun) -> int:
    return run.proposals.filter(status=ProposalStatus.OPEN).count()


def proposal_count(*, run: ProposalRun) -> int:
    return run.proposals.count()


def proposal_get(*, user: User, directive: Directive, proposal_id: int) -> Proposal:
    """A proposal of ``directive`` in a run the user may act on, or 404."""
    proposal = (
        Proposal.objects.select_related("run", "run__owner_unit", "run__directive", "lead", "authority")
        .filter(pk=proposal_id, run__directive=directive)
        .first()
    )
    if proposal is None or not may_act_on_run(user, proposal.run):
        raise Http404(ERR_PROPOSAL_NOT_FOUND)
    return proposal


def readable_attachments(*, directive: Directive) -> list[DirectiveAttachment]:
    """The attachments of an (already visible) directive whose text the extractor reads."""
    return [
        a
        for a in directive.attachments.order_by("uploaded_at", "id")
        if a.original_name.lower().endswith(READABLE_EXTENSIONS)
    ]


def unit_choices(*, user: User) -> QuerySet[Unit]:
    """The units a proposal may name: those in force the user sees."""
    return units_visible_to(user).filter(valid_to__isnull=True).order_by("path")
