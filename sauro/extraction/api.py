"""API of proposals: read a directive's text (or a raw text) into proposed draft tasks, read them back, create them
as drafts.

The directive goes through ``directives.selectors`` (another unit's directive is a 404); who may propose is
``extraction.access`` (403 for whoever drafts no tasks); writes go through ``extraction.services``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from sauro.common import clock
from sauro.common.api import NO_NUL_PATTERN, ApiDate, ApiId, auth_user, error_responses
from sauro.common.errors import PermissionDeniedError
from sauro.directives import selectors as directive_selectors
from sauro.extraction import selectors, services
from sauro.extraction.access import ERR_NO_PROPOSE_RIGHT, may_propose
from sauro.extraction.checklist import open_clears
from sauro.extraction.models import Proposal, ProposalRun
from sauro.extraction.services import MAX_TEXT
from sauro.org.models import Unit
from sauro.tasks.api import ObjectIn

router = Router(tags=["Đề xuất nhiệm vụ từ văn bản"])

_CLEARS_DESCRIPTION = (
    "Các mục “6 rõ” còn thiếu: person (rõ người), work (rõ việc), time (rõ thời gian), responsibility (rõ trách "
    "nhiệm), product (rõ sản phẩm), authority (rõ thẩm quyền)."
)


# --- schemas ----------------------------------------------------------------------------------------------------


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


class TimeOut(Schema):
    kind: str = Field(description="date, recurring, ongoing, relative hoặc unclear.")
    due: datetime.date | None = Field(description="Thời hạn (ngày làm việc).")
    recurrence: str | None = Field(description="weekly, monthly, quarterly, half_yearly, yearly hoặc null.")
    text: str = Field(description="Cụm từ chỉ thời gian như trong văn bản.")
    stated: datetime.date | None = Field(description="Ngày văn bản ghi khi thời hạn đã được dời sang ngày làm việc.")


class TaskProposalOut(Schema):
    title: str
    lead: UnitRefOut | None
    lead_text: str
    coordinating: list[UnitRefOut]
    product_kind: str | None
    product: str
    authority: UnitRefOut | None
    authority_text: str
    time: TimeOut
    open_clears: list[str] = Field(description=_CLEARS_DESCRIPTION)


class SentenceItemOut(Schema):
    sentence: str = Field(description="Câu giao việc trong văn bản.")
    point: str | None = Field(description="Điểm đánh số chứa câu (ví dụ 2.1), hoặc null.")
    start: int = Field(description="Vị trí bắt đầu của câu trong văn bản (ký tự).")
    end: int = Field(description="Vị trí kết thúc của câu trong văn bản (ký tự).")
    tasks: list[TaskProposalOut]


class StoredTaskProposalOut(TaskProposalOut):
    id: int = Field(description="Mã đề xuất.")
    status: str = Field(description="open (chờ xử lý), dropped (đã bỏ), created (đã tạo dự thảo).")
    version: int
    task_id: int | None = Field(description="Nhiệm vụ dự thảo đã tạo từ đề xuất.")


class StoredSentenceItemOut(SentenceItemOut):
    tasks: list[StoredTaskProposalOut]  # type: ignore[assignment]


class RunOut(Schema):
    id: int
    directive_id: int
    source: str = Field(description="pasted (nội dung dán vào), attachment (tệp đính kèm), full_text (toàn văn).")
    attachment_id: int | None
    ref_date: datetime.date = Field(description="Ngày dùng để tính các thời hạn tương đối.")
    created_at: datetime.datetime
    items: list[StoredSentenceItemOut]


class ProposalsOut(Schema):
    run: RunOut | None = Field(description="Lượt đề xuất mới nhất của đơn vị bạn; null nếu chưa có.")


class SentenceItemsOut(Schema):
    items: list[SentenceItemOut]


class RunIn(ObjectIn):
    """Nguồn văn bản để đề xuất: nội dung dán vào, hoặc một tệp đính kèm, hoặc (bỏ trống cả hai) toàn văn đã nhập."""

    text: str | None = Field(
        None, max_length=MAX_TEXT, pattern=NO_NUL_PATTERN, description="Nội dung văn bản (dán vào)."
    )
    attachment_id: ApiId | None = Field(None, description="Hoặc tệp đính kèm của văn bản (.docx, .pdf, .txt).")
    collective: StrictBool = Field(False, description="Tách chủ thể chung thành nhiệm vụ cho từng đơn vị.")
    ref_date: ApiDate | None = Field(None, description="Ngày tính thời hạn tương đối; mặc định ngày ban hành.")


class TextIn(ObjectIn):
    """Một đoạn văn bản để đọc (không lưu)."""

    text: str = Field(..., min_length=1, max_length=MAX_TEXT, pattern=NO_NUL_PATTERN)
    ref_date: ApiDate | None = Field(None, description="Ngày tính thời hạn tương đối; mặc định hôm nay.")
    collective: StrictBool = Field(False, description="Tách chủ thể chung thành nhiệm vụ cho từng đơn vị.")


class CreateDraftsIn(ObjectIn):
    """Các đề xuất cần tạo thành nhiệm vụ dự thảo."""

    proposal_ids: list[ApiId] | None = Field(
        None, max_length=500, description="Chỉ các đề xuất này; bỏ trống để tạo mọi đề xuất chờ xử lý."
    )


class CreatedOut(Schema):
    proposal_id: int
    task_id: int
    task_url: str


class FailedOut(Schema):
    proposal_id: int
    code: str
    message: str
    fields: dict[str, str]


class CreateDraftsOut(Schema):
    created: list[CreatedOut]
    failed: list[FailedOut]


# --- conversions ------------------------------------------------------------------------------------------------


def _unit(u: Unit | None) -> dict[str, Any] | None:
    return {"id": u.pk, "code": u.code, "name": u.name} if u is not None else None


def proposal_json(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "status": p.status,
        "version": p.version,
        "task_id": p.task_id,
        "title": p.title,
        "lead": _unit(p.lead),
        "lead_text": p.lead_text,
        "coordinating": [_unit(u) for u in p.coordinating.all()],
        "product_kind": p.product_kind or None,
        "product": p.product,
        "authority": _unit(p.authority),
        "authority_text": p.authority_text,
        "time": {
            "kind": p.time_kind,
            "due": p.due_date,
            "recurrence": p.recurrence or None,
            "text": p.time_text,
            "stated": p.due_stated,
        },
        "open_clears": open_clears(p),
    }


def run_json(run: ProposalRun) -> dict[str, Any]:
    """The run as items (one per source sentence, in order) with their stored proposals."""
    items: list[dict[str, Any]] = []
    for p in selectors.run_proposals(run=run):
        key = (p.sentence, p.point or None, p.start, p.end)
        if not items or (items[-1]["sentence"], items[-1]["point"], items[-1]["start"], items[-1]["end"]) != key:
            items.append(
                {"sentence": p.sentence, "point": p.point or None, "start": p.start, "end": p.end, "tasks": []}
            )
        items[-1]["tasks"].append(proposal_json(p))
    return {
        "id": run.pk,
        "directive_id": run.directive_id,
        "source": run.source,
        "attachment_id": run.attachment_id,
        "ref_date": run.ref_date,
        "created_at": run.created_at,
        "items": items,
    }


def _require_proposer(request: HttpRequest) -> Any:
    user = auth_user(request)
    if not may_propose(user):
        raise PermissionDeniedError(ERR_NO_PROPOSE_RIGHT)
    return user


# --- operations -------------------------------------------------------------------------------------------------


@router.post(
    "/directives/{directive_id}/proposals",
    response={201: RunOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Đề xuất nhiệm vụ từ văn bản",
    description=(
        "Đọc nội dung văn bản (text), hoặc tệp đính kèm của văn bản (attachment_id: .docx, .pdf, .txt), hoặc toàn văn "
        "đã nhập (bỏ trống cả hai), tách các điểm, các câu giao việc và đề xuất nhiệm vụ dự thảo; lượt đề xuất được "
        "lưu với văn bản cho đến khi được xử lý. PDF bản quét không có lớp chữ bị từ chối (400, code scanned_pdf). "
        "Dành cho người soạn nhiệm vụ (403 với người khác)."
    ),
)
def proposals_run(request: HttpRequest, directive_id: ApiId, payload: RunIn) -> Status[RunOut]:
    user = auth_user(request)
    directive = directive_selectors.directive_get(user=user, directive_id=directive_id)
    _require_proposer(request)
    run = services.proposals_extract(
        acting_user=user,
        directive=directive,
        text=payload.text,
        attachment_id=payload.attachment_id,
        collective=payload.collective,
        ref_date=payload.ref_date,
    )
    return Status(201, RunOut.model_validate(run_json(run)))


@router.get(
    "/directives/{directive_id}/proposals",
    response={200: ProposalsOut, **error_responses(401, 403, 404, 422)},
    summary="Các đề xuất nhiệm vụ của văn bản",
    description="Lượt đề xuất mới nhất của đơn vị bạn cho văn bản, với trạng thái từng đề xuất.",
)
def proposals_get(request: HttpRequest, directive_id: ApiId) -> ProposalsOut:
    user = auth_user(request)
    directive = directive_selectors.directive_get(user=user, directive_id=directive_id)
    _require_proposer(request)
    run = selectors.latest_run(user=user, directive=directive)
    return ProposalsOut.model_validate({"run": run_json(run) if run is not None else None})


@router.post(
    "/directives/{directive_id}/proposals/create-drafts",
    response={200: CreateDraftsOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Tạo nhiệm vụ dự thảo từ các đề xuất",
    description=(
        "Mỗi đề xuất chờ xử lý của lượt mới nhất (hoặc các đề xuất trong proposal_ids) trở thành một nhiệm vụ dự "
        "thảo của đơn vị bạn, gắn với văn bản và điểm của văn bản, qua đúng các kiểm tra khi tạo dự thảo. Đề xuất "
        "không tạo được được nêu trong failed với lý do và vẫn chờ xử lý; các đề xuất khác vẫn được tạo."
    ),
)
def proposals_create_drafts(request: HttpRequest, directive_id: ApiId, payload: CreateDraftsIn) -> CreateDraftsOut:
    user = auth_user(request)
    directive = directive_selectors.directive_get(user=user, directive_id=directive_id)
    _require_proposer(request)
    run = selectors.latest_run(user=user, directive=directive)
    if run is None:
        return CreateDraftsOut(created=[], failed=[])
    result = services.proposals_create_drafts(acting_user=user, run=run, proposal_ids=payload.proposal_ids)
    return CreateDraftsOut(
        created=[
            CreatedOut(proposal_id=p.pk, task_id=t.pk, task_url=reverse("tasks:detail", args=[t.pk]))
            for p, t in result.created
        ],
        failed=[
            FailedOut(proposal_id=p.pk, code=exc.code, message=exc.message, fields=exc.fields)
            for p, exc in result.failed
        ],
    )


@router.post(
    "/extraction/proposals",
    response={200: SentenceItemsOut, **error_responses(400, 401, 403, 422)},
    summary="Đề xuất nhiệm vụ từ một đoạn văn bản",
    description=(
        "Đọc một đoạn văn bản bất kỳ và trả về các câu giao việc với nhiệm vụ đề xuất, không lưu gì. Dành cho người "
        "soạn nhiệm vụ."
    ),
)
def proposals_from_text(request: HttpRequest, payload: TextIn) -> SentenceItemsOut:
    _require_proposer(request)
    items = services.extract_items(
        text=payload.text, ref_date=payload.ref_date or clock.today(), collective=payload.collective
    )
    return SentenceItemsOut.model_validate({"items": [item.as_json() for item in items]})
