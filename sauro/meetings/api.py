"""API of the register of meetings: the list (keyset pages, filtered by unit subtree, quarter and kind) and
registering a meeting. Reads go through ``meetings.selectors``, writes through ``meetings.services``."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sauro.common.api import (
    NO_NUL_PATTERN,
    ApiDate,
    ApiId,
    auth_user,
    cursor_param,
    error_responses,
    limit_param,
)
from sauro.common.errors import ValidationFailed
from sauro.meetings import selectors, services
from sauro.meetings.choices import MeetingKind
from sauro.meetings.models import MAX_ATTENDEES, MAX_DURATION_MINUTES, Meeting
from sauro.meetings.services import MeetingInput
from sauro.periods.regime import RegimeError

router = Router(tags=["Hội họp"])

MAX_TITLE = 500
MAX_NOTE = 5000
MAX_UNITS = 200
QUARTER_PATTERN = r"^(19[0-9]{2}|[2-9][0-9]{3})Q[1-4]$"  # the years the reporting regime knows
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

QUARTER_PARAM = Query(
    None, pattern=QUARTER_PATTERN, description="Quý của chế độ báo cáo, dạng 2026Q1 (từ 15/12/2025 đến 14/03/2026)."
)
UNIT_PARAM = Query(None, description="Đơn vị chủ trì (kể cả các đơn vị trực thuộc).")


class MeetingOut(Schema):
    id: int
    kind: MeetingKind = Field(description="Loại cuộc họp.")
    kind_label: str
    title: str = Field(description="Nội dung cuộc họp.")
    held_on: datetime.date = Field(description="Ngày họp.")
    starts_at: str | None = Field(description="Giờ bắt đầu, HH:MM (null nếu không ghi).")
    host_unit_id: int = Field(description="Đơn vị chủ trì.")
    host_unit_name: str
    chair_id: int = Field(description="Người chủ trì.")
    chair_name: str
    unit_ids: list[int] = Field(description="Các đơn vị tham dự.")
    duration_minutes: int = Field(description="Thời lượng, phút.")
    attendees: int = Field(description="Số người dự.")
    could_be_document: bool = Field(description="Có thể thay bằng văn bản.")
    document_note: str
    conclusion_id: int | None = Field(description="Thông báo kết luận (văn bản chỉ đạo), null nếu chưa có.")
    version: int

    @classmethod
    def from_meeting(cls, m: Meeting) -> MeetingOut:
        return cls(
            id=m.pk,
            kind=MeetingKind(m.kind),
            kind_label=str(m.get_kind_display()),
            title=m.title,
            held_on=m.held_on,
            starts_at=m.starts_at.strftime("%H:%M") if m.starts_at else None,
            host_unit_id=m.host_unit_id,
            host_unit_name=m.host_unit.name,
            chair_id=m.chair_id,
            chair_name=m.chair.get_full_name(),
            unit_ids=sorted(u.pk for u in m.units.all()),
            duration_minutes=m.duration_minutes,
            attendees=m.attendees,
            could_be_document=m.could_be_document,
            document_note=m.document_note,
            conclusion_id=m.conclusion_id,
            version=m.version,
        )


class MeetingPageOut(Schema):
    items: list[MeetingOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class MeetingIn(Schema):
    kind: MeetingKind = Field(description="Loại cuộc họp.")
    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=NO_NUL_PATTERN, description="Nội dung cuộc họp.")
    held_on: ApiDate = Field(description="Ngày họp (không sau hôm nay).")
    starts_at: str | None = Field(None, pattern=TIME_PATTERN, description="Giờ bắt đầu, HH:MM.")
    host_unit_id: ApiId = Field(description="Đơn vị chủ trì (trong phạm vi bạn được xem).")
    chair_id: ApiId = Field(description="Người chủ trì (trong phạm vi bạn được xem).")
    unit_ids: list[ApiId] = Field(default_factory=list, max_length=MAX_UNITS, description="Các đơn vị tham dự.")
    duration_minutes: int = Field(ge=1, le=MAX_DURATION_MINUTES, description="Thời lượng, phút.")
    attendees: int = Field(ge=1, le=MAX_ATTENDEES, description="Số người dự.")
    could_be_document: bool = Field(False, description="Có thể thay bằng văn bản.")
    document_note: str = Field(
        "", max_length=MAX_NOTE, pattern=NO_NUL_PATTERN, description="Vì sao có thể thay bằng văn bản."
    )


@router.get(
    "/meetings",
    response={200: MeetingPageOut, **error_responses(401, 422)},
    summary="Danh sách cuộc họp",
    description=(
        "Cuộc họp bạn được xem (theo đơn vị chủ trì), mới nhất trước. Phân trang bằng con trỏ: gọi lại với "
        "cursor = next_cursor cho đến khi next_cursor là null."
    ),
)
def meeting_list(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    quarter: str | None = QUARTER_PARAM,
    kind: MeetingKind | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(selectors.PAGE_SIZE),
) -> MeetingPageOut:
    start = end = None
    if quarter:
        try:
            start, end, _label = selectors.quarter_window(quarter)
        except RegimeError as exc:
            raise ValidationFailed(str(exc), fields={"quarter": str(exc)}) from exc
    filters = selectors.MeetingFilters(unit_id=unit_id, kind=kind or "", date_from=start, date_to=end)
    page = selectors.meeting_page(user=auth_user(request), filters=filters, cursor=cursor, limit=limit)
    return MeetingPageOut(items=[MeetingOut.from_meeting(m) for m in page.items], next_cursor=page.next_cursor)


@router.post(
    "/meetings",
    response={201: MeetingOut, **error_responses(400, 401, 403, 422)},
    summary="Vào sổ cuộc họp",
    description=(
        "Dành cho Văn phòng, lãnh đạo và lãnh đạo đơn vị chủ trì. Cuộc họp phải đã diễn ra; đơn vị, người chủ trì "
        "ngoài phạm vi bạn được xem bị từ chối (422)."
    ),
)
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    user = auth_user(request)
    data = payload.model_dump()
    raw_time = data.pop("starts_at", None)
    starts_at = datetime.time.fromisoformat(raw_time) if raw_time else None
    meeting = services.meeting_create(acting_user=user, data=MeetingInput(**data, starts_at=starts_at))
    return Status(201, MeetingOut.from_meeting(selectors.meeting_get(user=user, meeting_id=meeting.pk)))
