"""Every write to proposals: read a directive's text into proposals, edit, drop, merge them, create them as draft
tasks. Each writes its journal entry (``sauro.audit``) in the same transaction.

Creating drafts goes through ``tasks.services.task_create`` (its own checks and journal entry), one transaction per
proposal: a proposal refused (a lead unit nobody acts for, a unit out of reach …) is reported with its reason and
stays open, the others are created.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.calendar import current_calendar
from sauro.common.errors import Conflict, PermissionDeniedError, ServiceError, ValidationFailed
from sauro.directives.models import Directive
from sauro.extraction.access import ERR_NO_PROPOSE_RIGHT, may_act_on_run, proposing_unit
from sauro.extraction.models import Proposal, ProposalRun, ProposalStatus, RunSource, TimeKind
from sauro.extraction.pipeline import propose
from sauro.extraction.textfile import text_of
from sauro.extraction.types import Item
from sauro.extraction.units import UnitMatcher
from sauro.org.access import units_visible_to
from sauro.tasks.choices import ProductKind, Recurrence
from sauro.tasks.models import Task
from sauro.tasks.services import task_create

MAX_TEXT = 200_000
MAX_TITLE = 300  # ``Task.title``

ERR_NO_TEXT = "Hãy dán nội dung văn bản hoặc chọn một tệp đính kèm (.docx, .pdf, .txt)."
ERR_TEXT_TOO_LONG = f"Nội dung quá dài (tối đa {MAX_TEXT:,} ký tự).".replace(",", ".")
ERR_ATTACHMENT_UNKNOWN = "Không tìm thấy tệp đính kèm đã chọn của văn bản này."
ERR_NOT_OPEN = "Đề xuất này đã được xử lý (đã bỏ hoặc đã tạo dự thảo)."
ERR_STALE = "Đề xuất đã được người khác sửa trong lúc bạn sửa. Hãy tải lại trang để xem thay đổi."
ERR_MERGE_SELF = "Hãy chọn một đề xuất khác để gộp."
ERR_MERGE_OTHER_RUN = "Chỉ gộp được các đề xuất của cùng một lượt đề xuất."
ERR_MERGE_LEAD = "Chỉ gộp được các đề xuất có cùng đơn vị chủ trì."
ERR_TITLE_REQUIRED = "Tên nhiệm vụ không được để trống."
ERR_TITLE_TOO_LONG = f"Tên nhiệm vụ tối đa {MAX_TITLE} ký tự."
ERR_UNIT_UNKNOWN = "Không tìm thấy đơn vị đã chọn."
ERR_PRODUCT_KIND = "Loại sản phẩm không hợp lệ."
ERR_UNKNOWN_FIELD = "Trường không được phép sửa: {name}."

EDITABLE = {"title", "lead", "coordinating", "product_kind", "product", "authority", "due_date"}


def _snapshot(p: Proposal) -> dict[str, Any]:
    return {
        "title": p.title,
        "lead_id": p.lead_id,
        "product_kind": p.product_kind,
        "product": p.product,
        "authority_id": p.authority_id,
        "due_date": p.due_date,
        "status": p.status,
        "task_id": p.task_id,
        "version": p.version,
    }


def _record(action: str, *, actor: User, proposal: Proposal, summary: str = "", before: Any = None) -> None:
    audit_record(
        acting_user=actor,
        action=action,
        obj=proposal,
        unit_id=proposal.run.owner_unit_id,
        summary=summary[:500],
        before=before,
        after=_snapshot(proposal),
    )


def _clip(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


# --- reading a text ---------------------------------------------------------------------------------------------


def source_text(
    *, directive: Directive, text: str | None = None, attachment_id: int | None = None
) -> tuple[str, str, Any]:
    """(source, text, attachment) for a run: the pasted text, else the attachment's text, else the directive's
    full text. A scanned PDF, an unreadable or unsupported file is a ``ServiceError`` saying so."""
    if text is not None and text.strip():
        if len(text) > MAX_TEXT:
            raise ValidationFailed(ERR_TEXT_TOO_LONG, fields={"text": ERR_TEXT_TOO_LONG})
        return RunSource.PASTED, text.replace("\r\n", "\n"), None
    if attachment_id is not None:
        attachment = directive.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise ValidationFailed(ERR_ATTACHMENT_UNKNOWN, fields={"attachment_id": ERR_ATTACHMENT_UNKNOWN})
        with attachment.file.open("rb") as handle:
            data = handle.read()
        return RunSource.ATTACHMENT, text_of(data, attachment.original_name), attachment
    if directive.full_text.strip():
        return RunSource.FULL_TEXT, directive.full_text, None
    raise ValidationFailed(ERR_NO_TEXT, fields={"text": ERR_NO_TEXT})


def extract_items(*, text: str, ref_date: datetime.date, collective: bool = False) -> list[Item]:
    """The items of ``text`` (nothing stored): for the raw-text API and for a run."""
    if len(text) > MAX_TEXT:
        raise ValidationFailed(ERR_TEXT_TOO_LONG, fields={"text": ERR_TEXT_TOO_LONG})
    matcher = UnitMatcher.from_db(ref_date)
    return propose(text, ref_date, matcher, collective=collective, calendar=current_calendar())


@transaction.atomic
def proposals_extract(
    *,
    acting_user: User,
    directive: Directive,
    text: str | None = None,
    attachment_id: int | None = None,
    collective: bool = False,
    ref_date: datetime.date | None = None,
) -> ProposalRun:
    """Read the text of (an already visible) ``directive`` into a new run of proposals, kept until acted on.

    Deadlines counted "from the document" count from ``ref_date``, by default the directive's date."""
    owner = proposing_unit(acting_user)
    if owner is None:
        raise PermissionDeniedError(ERR_NO_PROPOSE_RIGHT)
    source, body, attachment = source_text(directive=directive, text=text, attachment_id=attachment_id)
    ref = ref_date or directive.issued_on
    items = extract_items(text=body, ref_date=ref, collective=collective)
    run = ProposalRun.objects.create(
        directive=directive,
        owner_unit=owner,
        source=source,
        attachment=attachment,
        text=body,
        ref_date=ref,
        collective=collective,
        created_by=acting_user,
        created_at=clock.now(),
    )
    position = 0
    for item in items:
        for t in item.tasks:
            position += 1
            p = Proposal.objects.create(
                run=run,
                position=position,
                sentence=item.sentence,
                point=item.point or "",
                start=item.start,
                end=item.end,
                title=_clip(t.title),
                lead_id=t.lead.id if t.lead else None,
                lead_text=t.lead_text[:500],
                product_kind=t.product_kind or "",
                product=t.product,
                authority_id=t.authority.id if t.authority else None,
                authority_text=t.authority_text[:500],
                due_date=t.time.due,
                due_stated=t.time.stated,
                time_kind=t.time.kind,
                recurrence=t.time.recurrence or "",
                time_text=t.time.text[:500],
            )
            coordinating = [u.id for u in t.coordinating if not t.lead or u.id != t.lead.id]
            if coordinating:
                p.coordinating.set(coordinating)
    audit_record(
        acting_user=acting_user,
        action="proposal_run.create",
        obj=run,
        unit_id=owner.pk,
        summary=f"{position} đề xuất từ {RunSource(source).label.lower()}",
        after={"directive_id": directive.pk, "source": source, "proposals": position, "items": len(items)},
    )
    return run


# --- acting on proposals ----------------------------------------------------------------------------------------


def _lock(proposal: Proposal, *, acting_user: User, expected_version: int | None = None) -> Proposal:
    locked = (
        Proposal.objects.select_for_update(of=("self",)).select_related("run", "run__owner_unit").get(pk=proposal.pk)
    )
    if not may_act_on_run(acting_user, locked.run):
        raise PermissionDeniedError(ERR_NO_PROPOSE_RIGHT)
    if locked.status != ProposalStatus.OPEN:
        raise Conflict(ERR_NOT_OPEN, code="not_open")
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(ERR_STALE, code="stale_version")
    return locked


def _unit_id(acting_user: User, value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if not units_visible_to(acting_user).filter(pk=value, valid_to__isnull=True).exists():
        raise ValidationFailed(ERR_UNIT_UNKNOWN, fields={name: ERR_UNIT_UNKNOWN})
    return int(value)


@transaction.atomic
def proposal_update(
    *, acting_user: User, proposal: Proposal, changes: Mapping[str, Any], expected_version: int | None = None
) -> Proposal:
    """Edit an open proposal: ``title``, ``lead`` / ``authority`` (unit ids or None), ``coordinating`` (unit ids),
    ``product_kind``, ``product``, ``due_date``. A stale ``expected_version`` is a 409 and changes nothing."""
    p = _lock(proposal, acting_user=acting_user, expected_version=expected_version)
    before = _snapshot(p)
    for name in changes:
        if name not in EDITABLE:
            msg = ERR_UNKNOWN_FIELD.format(name=name)
            raise ValidationFailed(msg, fields={name: msg})
    if "title" in changes:
        title = " ".join((changes["title"] or "").split())
        if not title:
            raise ValidationFailed(ERR_TITLE_REQUIRED, fields={"title": ERR_TITLE_REQUIRED})
        if len(title) > MAX_TITLE:
            raise ValidationFailed(ERR_TITLE_TOO_LONG, fields={"title": ERR_TITLE_TOO_LONG})
        p.title = title
    if "lead" in changes:
        p.lead_id = _unit_id(acting_user, changes["lead"], "lead")
    if "authority" in changes:
        p.authority_id = _unit_id(acting_user, changes["authority"], "authority")
    if "product_kind" in changes:
        kind = changes["product_kind"] or ""
        if kind and kind not in ProductKind.values:
            raise ValidationFailed(ERR_PRODUCT_KIND, fields={"product_kind": ERR_PRODUCT_KIND})
        p.product_kind = kind
    if "product" in changes:
        p.product = (changes["product"] or "").strip()
    if "due_date" in changes:
        if changes["due_date"] != p.due_date:
            p.due_stated = None  # the person chose the day: no longer the text's
        p.due_date = changes["due_date"]
        if p.due_date is not None and p.time_kind == TimeKind.UNCLEAR:
            p.time_kind = TimeKind.DATE
    coordinating: list[int] | None = None
    if "coordinating" in changes:
        ids = sorted({int(i) for i in changes["coordinating"] or []})
        found = set(
            units_visible_to(acting_user).filter(pk__in=ids, valid_to__isnull=True).values_list("pk", flat=True)
        )
        if found != set(ids):
            raise ValidationFailed(ERR_UNIT_UNKNOWN, fields={"coordinating": ERR_UNIT_UNKNOWN})
        coordinating = ids
    p.version += 1
    p.save()
    if coordinating is not None:
        p.coordinating.set(coordinating)
    _record("proposal.update", actor=acting_user, proposal=p, summary=p.title, before=before)
    return p


@transaction.atomic
def proposal_drop(*, acting_user: User, proposal: Proposal, expected_version: int | None = None) -> Proposal:
    p = _lock(proposal, acting_user=acting_user, expected_version=expected_version)
    before = _snapshot(p)
    p.status = ProposalStatus.DROPPED
    p.version += 1
    p.save(update_fields=["status", "version"])
    _record("proposal.drop", actor=acting_user, proposal=p, summary=p.title, before=before)
    return p


@transaction.atomic
def proposal_merge(*, acting_user: User, proposal: Proposal, into: Proposal) -> Proposal:
    """Merge ``proposal`` into ``into`` (same run, same lead unit): titles and sentences joined, coordinating units
    united, the earlier deadline and whatever ``into`` lacks taken from ``proposal``; ``proposal`` is dropped."""
    if proposal.pk == into.pk:
        raise ValidationFailed(ERR_MERGE_SELF, fields={"into": ERR_MERGE_SELF})
    # Lock in id order: two people merging the same pair the other way round do not deadlock.
    first, second = sorted([proposal, into], key=lambda x: x.pk)
    locked = {
        first.pk: _lock(first, acting_user=acting_user),
        second.pk: _lock(second, acting_user=acting_user),
    }
    source, target = locked[proposal.pk], locked[into.pk]
    if source.run_id != target.run_id:
        raise ValidationFailed(ERR_MERGE_OTHER_RUN, fields={"into": ERR_MERGE_OTHER_RUN})
    if source.lead_id != target.lead_id:
        raise ValidationFailed(ERR_MERGE_LEAD, fields={"into": ERR_MERGE_LEAD})
    before = _snapshot(target)
    target.title = _clip(f"{target.title.rstrip(' .;')}; {source.title[:1].lower()}{source.title[1:]}")
    if source.sentence not in target.sentence:
        target.sentence = f"{target.sentence}\n{source.sentence}"
    target.start, target.end = min(target.start, source.start), max(target.end, source.end)
    if source.due_date and (target.due_date is None or source.due_date < target.due_date):
        target.due_date = source.due_date
        target.time_kind = source.time_kind
        target.time_text = source.time_text
    target.product_kind = target.product_kind or source.product_kind
    target.product = target.product or source.product
    target.authority_id = target.authority_id or source.authority_id
    target.version += 1
    target.save()
    target.coordinating.add(*[u for u in source.coordinating.all() if u.pk != target.lead_id])
    source_before = _snapshot(source)
    source.status = ProposalStatus.DROPPED
    source.version += 1
    source.save(update_fields=["status", "version"])
    _record(
        "proposal.merge",
        actor=acting_user,
        proposal=target,
        summary=f"Gộp đề xuất “{source.title[:200]}” vào “{target.title[:200]}”",
        before={"into": before, "merged": source_before},
    )
    return target


# --- creating drafts --------------------------------------------------------------------------------------------


@dataclass
class DraftsResult:
    created: list[tuple[Proposal, Task]] = field(default_factory=list)
    failed: list[tuple[Proposal, ServiceError]] = field(default_factory=list)


def task_fields(p: Proposal) -> dict[str, Any]:
    """What the draft task gets from a proposal: its directive and the point and sentence it came from."""
    source = f"Điểm {p.point}: {p.sentence}" if p.point else p.sentence
    fields: dict[str, Any] = {
        "title": p.title,
        "content": p.sentence,
        "source_paragraph": source,
        "directive": p.run.directive_id,
        "lead_unit": p.lead_id,
        "coordinating_units": [u.pk for u in p.coordinating.all() if u.pk != p.lead_id],
        "authority_unit": p.authority_id,
        "product_kind": p.product_kind,
        "product_description": p.product,
        "due_date": p.due_date,
        "is_ongoing": p.time_kind == TimeKind.ONGOING,
    }
    # A recurring duty the task model knows (monthly, quarterly, yearly) becomes a recurring draft; its day (and month)
    # in the period come from the first deadline when the text gives one, else the period's last day.
    if p.time_kind == TimeKind.RECURRING and p.recurrence in Recurrence.values and p.recurrence:
        fields["recurrence"] = p.recurrence
        if p.due_date is not None:
            fields["recurrence_day"] = p.due_date.day
            if p.recurrence == Recurrence.QUARTERLY:
                fields["recurrence_month"] = (p.due_date.month - 1) % 3 + 1
            elif p.recurrence == Recurrence.YEARLY:
                fields["recurrence_month"] = p.due_date.month
    return fields


def _create_one(acting_user: User, proposal: Proposal) -> Task:
    with transaction.atomic():
        p = _lock(proposal, acting_user=acting_user)
        before = _snapshot(p)
        task = task_create(acting_user=acting_user, owner_unit=p.run.owner_unit, fields=task_fields(p))
        p.status = ProposalStatus.CREATED
        p.task = task
        p.version += 1
        p.save(update_fields=["status", "task", "version"])
        _record("proposal.task_created", actor=acting_user, proposal=p, summary=task.title, before=before)
        return task


def proposals_create_drafts(
    *, acting_user: User, run: ProposalRun, proposal_ids: Iterable[int] | None = None
) -> DraftsResult:
    """Create every open proposal of ``run`` (or those of ``proposal_ids``) as a draft task of the run's unit, each
    in its own transaction: a refused proposal stays open and is reported with its reason."""
    if not may_act_on_run(acting_user, run):
        raise PermissionDeniedError(ERR_NO_PROPOSE_RIGHT)
    proposals = run.proposals.filter(status=ProposalStatus.OPEN).order_by("position", "id")
    if proposal_ids is not None:
        proposals = proposals.filter(pk__in=list(proposal_ids))
    result = DraftsResult()
    for proposal in list(proposals):
        try:
            task = _create_one(acting_user, proposal)
        except ServiceError as exc:
            result.failed.append((proposal, exc))
        else:
            proposal.refresh_from_db()
            result.created.append((proposal, task))
    return result
