"""API of work programs (read-only): the programs a user sees and one program with its items.

Reads go through ``programs.selectors``: another unit's program is a 404, as one that does not exist. Writing and
Excel import are done on the pages for now.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sauro.common.api import ApiId, auth_user, cursor_param, error_responses, limit_param
from sauro.common.pagination import Key, Keyset
from sauro.programs import selectors
from sauro.programs.models import MAX_YEAR, MIN_YEAR, WorkProgram, WorkProgramItem

router = Router(tags=["Chương trình công tác"])

# Newest year first, then newest program: a total order (keyset pagination).
_PROGRAM_ORDER = Keyset("programs.api", Key("year", int, descending=True), Key("id", int, descending=True))


class ProgramOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    quarter: int | None
    period: str
    title: str
    state: str
    version: int
    item_count: int
    task_count: int

    @classmethod
    def from_program(cls, p: WorkProgram, *, item_count: int, task_count: int) -> ProgramOut:
        return cls(
            id=p.pk,
            unit_id=p.unit_id,
            unit_name=p.unit.name,
            year=p.year,
            quarter=p.quarter,
            period=p.period_label,
            title=p.title,
            state=p.state,
            version=p.version,
            item_count=item_count,
            task_count=task_count,
        )


class ProgramPageOut(Schema):
    items: list[ProgramOut]
    next_cursor: str | None


class ItemOut(Schema):
    id: int
    key: str
    month: int | None
    quarter: int | None
    content: str
    lead_unit_id: int | None
    lead_unit_name: str
    coordinating: str
    product: str
    product_kind: str
    due_date: datetime.date | None
    notes: str
    task_id: int | None
    task_state: str | None
    version: int

    @classmethod
    def from_item(cls, i: WorkProgramItem) -> ItemOut:
        return cls(
            id=i.pk,
            key=i.key,
            month=i.month,
            quarter=i.quarter,
            content=i.content,
            lead_unit_id=i.lead_unit_id,
            lead_unit_name=i.lead_unit.name if i.lead_unit else "",
            coordinating=i.coordinating,
            product=i.product,
            product_kind=i.product_kind,
            due_date=i.due_date,
            notes=i.notes,
            task_id=i.task_id,
            task_state=i.task.state if i.task else None,
            version=i.version,
        )


class ProgramDetailOut(ProgramOut):
    program_items: list[ItemOut]


@router.get(
    "/programs",
    response={200: ProgramPageOut, **error_responses(401, 422)},
    summary="Danh sách chương trình công tác",
    description=(
        "Chương trình công tác năm, quý bạn được xem (của đơn vị bạn và các đơn vị trực thuộc; toàn cấp ủy với "
        "lãnh đạo, Văn phòng, Ủy ban Kiểm tra), năm mới nhất trước. Phân trang bằng con trỏ."
    ),
)
def program_list(
    request: HttpRequest,
    unit_id: ApiId | None = None,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="Năm của chương trình."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> ProgramPageOut:
    qs = selectors.program_list(user=auth_user(request), filters=selectors.ProgramFilters(unit_id=unit_id, year=year))
    page = _PROGRAM_ORDER.page(qs, cursor=cursor, limit=limit)
    return ProgramPageOut(
        items=[
            ProgramOut.from_program(p, item_count=getattr(p, "item_count", 0), task_count=getattr(p, "task_count", 0))
            for p in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/programs/{program_id}",
    response={200: ProgramDetailOut, **error_responses(401, 404, 422)},
    summary="Một chương trình công tác",
    description="Chương trình và các mục của nó, mỗi mục với nhiệm vụ đã gắn (nếu có). Ngoài phạm vi: 404.",
)
def program_detail(request: HttpRequest, program_id: ApiId) -> ProgramDetailOut:
    program = selectors.program_get(user=auth_user(request), program_id=program_id)
    items = list(selectors.program_items(program=program))
    base = ProgramOut.from_program(program, item_count=len(items), task_count=sum(1 for i in items if i.task_id))
    return ProgramDetailOut(**base.model_dump(), program_items=[ItemOut.from_item(i) for i in items])
