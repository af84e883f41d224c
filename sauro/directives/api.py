"""API of directives: list, read, register, edit, propose the next number, attach files.

Every read goes through ``directives.selectors`` (another unit's directive is a 404, as one that does not exist);
every write through ``directives.services``, which refuse anyone but Văn phòng and leaders with 403 before
looking at the data sent.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from sauro.common.api import (
    NO_NUL_PATTERN,
    ApiDate,
    ApiId,
    ApiVersion,
    auth_user,
    cursor_param,
    error_responses,
    limit_param,
    optional_not_null,
)
from sauro.common.errors import ValidationFailed
from sauro.common.uploads import MAX_UPLOAD_BYTES, human_size
from sauro.directives import selectors, services
from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.models import DEFAULT_PLACE, Directive, DirectiveAttachment
from sauro.directives.numbering import ISSUER_CODE_INPUT_PATTERN, MAX_NUMBER
from sauro.directives.services import DirectiveInput

router = Router(tags=["Văn bản chỉ đạo"])

MAX_SUMMARY = 1000
MAX_FULL_TEXT = 200_000
MAX_SIGNER = 255
MAX_PLACE = 100
MAX_QUERY = 200

ERR_NOT_NULL = _("Trường này không được để trống (null).")

_URGENCY_DESCRIPTION = (
    "Độ khẩn: normal (Thường), urgent (Khẩn), very_urgent (Thượng khẩn), flash (Hỏa tốc). Nhiệm vụ từ văn bản khẩn "
    "phải được cập nhật ngay trong ngày làm việc."
)
_ISSUER_DESCRIPTION = "Ký hiệu cơ quan ban hành, phần sau dấu gạch chéo: TU, BTVTU, VPTU… (chữ thường được viết hoa)."


# Parameters declared once (a call in an argument default would run at import anyway; this says so).
DATE_FROM_PARAM = Query(None, description="Ban hành từ ngày.")
DATE_TO_PARAM = Query(None, description="Ban hành đến ngày.")
PARENT_PARAM = Query(None, description="Chỉ các văn bản cụ thể hóa văn bản này.")
FILE_PARAM = File(..., description="Tệp đính kèm.")


# --- schemas ----------------------------------------------------------------------------------------------------


class DirectiveAttachmentOut(Schema):
    id: int
    original_name: str = Field(description="Tên tệp khi tải lên.")
    size: int = Field(description="Dung lượng, byte.")
    content_type: str = Field(description="Kiểu nội dung do máy chủ nhận ra từ chính nội dung tệp.")
    uploaded_at: datetime.datetime
    download_url: str = Field(description="Trang tải tệp (cần phiên đăng nhập của trình duyệt).")

    @classmethod
    def from_attachment(cls, a: DirectiveAttachment) -> DirectiveAttachmentOut:
        return cls(
            id=a.pk,
            original_name=a.original_name,
            size=a.size,
            content_type=a.content_type,
            uploaded_at=a.uploaded_at,
            download_url=reverse("directives:attachment_download", args=[a.directive_id, a.pk]),
        )


class DirectiveOut(Schema):
    id: int
    kind: DirectiveKind = Field(description="Mã loại văn bản.")
    kind_label: str = Field(description="Tên loại văn bản.")
    number: int = Field(description="Số văn bản.")
    issuer_code: str = Field(description="Ký hiệu cơ quan ban hành.")
    symbol: str = Field(description="Số và ký hiệu, ví dụ 15-KL/TU.")
    number_symbol: str = Field(description="Như in trên văn bản, ví dụ Số 15-KL/TU.")
    issuing_unit_id: int = Field(description="Cơ quan ban hành.")
    issuing_unit_name: str
    term_id: int = Field(description="Nhiệm kỳ mà số văn bản thuộc về.")
    term_name: str
    issued_on: datetime.date = Field(description="Ngày ban hành.")
    place: str = Field(description="Địa danh.")
    signer: str = Field(description="Người ký: họ tên và chức vụ (có thể rỗng).")
    summary: str = Field(description="Trích yếu.")
    urgency: Urgency = Field(description=_URGENCY_DESCRIPTION)
    urgency_label: str = Field(description="Tên độ khẩn: Thường, Khẩn, Thượng khẩn, Hỏa tốc.")
    parent_id: int | None = Field(description="Văn bản cấp trên mà văn bản này cụ thể hóa (null nếu không có).")
    version: int = Field(description="Phiên bản; gửi lại khi sửa (PATCH) để tránh ghi đè thay đổi của người khác.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def fields_of(cls, d: Directive) -> dict[str, object]:
        return {
            "id": d.pk,
            "kind": DirectiveKind(d.kind),
            "kind_label": d.kind_label,
            "number": d.number,
            "issuer_code": d.issuer_code,
            "symbol": d.symbol,
            "number_symbol": d.number_symbol,
            "issuing_unit_id": d.issuing_unit_id,
            "issuing_unit_name": d.issuing_unit.name,
            "term_id": d.term_id,
            "term_name": d.term.name,
            "issued_on": d.issued_on,
            "place": d.place,
            "signer": d.signer,
            "summary": d.summary,
            "urgency": Urgency(d.urgency),
            "urgency_label": str(d.get_urgency_display()),
            "parent_id": d.parent_id,
            "version": d.version,
            "created_at": d.created_at,
            "updated_at": d.updated_at,
        }

    @classmethod
    def from_directive(cls, d: Directive) -> DirectiveOut:
        return cls.model_validate(cls.fields_of(d))


class DirectiveDetailOut(DirectiveOut):
    full_text: str = Field(description="Toàn văn.")
    attachments: list[DirectiveAttachmentOut]

    @classmethod
    def from_detail(cls, d: Directive) -> DirectiveDetailOut:
        attachments = [DirectiveAttachmentOut.from_attachment(a) for a in selectors.directive_attachments(directive=d)]
        return cls.model_validate({**cls.fields_of(d), "full_text": d.full_text, "attachments": attachments})


class DirectivePageOut(Schema):
    items: list[DirectiveOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class DirectiveIn(Schema):
    kind: DirectiveKind = Field(description="Mã loại văn bản.")
    number: int | None = Field(
        None, ge=1, le=MAX_NUMBER, description="Số văn bản; bỏ trống để hệ thống cấp số tiếp theo."
    )
    issuer_code: str = Field(pattern=ISSUER_CODE_INPUT_PATTERN, description=_ISSUER_DESCRIPTION)
    issuing_unit_id: ApiId = Field(description="Cơ quan ban hành (trong phạm vi bạn được xem).")
    issued_on: ApiDate = Field(description="Ngày ban hành (không sau hôm nay).")
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY, pattern=NO_NUL_PATTERN, description="Trích yếu.")
    urgency: Urgency = Field(Urgency.NORMAL, description=_URGENCY_DESCRIPTION)
    place: str = Field(DEFAULT_PLACE, min_length=1, max_length=MAX_PLACE, pattern=NO_NUL_PATTERN)
    signer: str = Field("", max_length=MAX_SIGNER, pattern=NO_NUL_PATTERN, description="Họ tên và chức vụ.")
    full_text: str = Field("", max_length=MAX_FULL_TEXT, pattern=NO_NUL_PATTERN, description="Toàn văn.")
    parent_id: ApiId | None = Field(None, description="Văn bản cấp trên mà văn bản này cụ thể hóa.")


class DirectivePatchIn(Schema):
    """Only the fields sent change; ``version`` is the one the client last read."""

    version: ApiVersion = Field(description="Phiên bản đã đọc; khác phiên bản hiện tại thì 409.")
    # Every field but parent_id may be left out, never null (422).
    kind: DirectiveKind | None = optional_not_null()
    number: int | None = optional_not_null(ge=1, le=MAX_NUMBER)
    issuer_code: str | None = optional_not_null(_ISSUER_DESCRIPTION, pattern=ISSUER_CODE_INPUT_PATTERN)
    issuing_unit_id: ApiId | None = optional_not_null()
    issued_on: ApiDate | None = optional_not_null()
    summary: str | None = optional_not_null(min_length=1, max_length=MAX_SUMMARY, pattern=NO_NUL_PATTERN)
    urgency: Urgency | None = optional_not_null(_URGENCY_DESCRIPTION)
    place: str | None = optional_not_null(min_length=1, max_length=MAX_PLACE, pattern=NO_NUL_PATTERN)
    signer: str | None = optional_not_null(max_length=MAX_SIGNER, pattern=NO_NUL_PATTERN)
    full_text: str | None = optional_not_null(max_length=MAX_FULL_TEXT, pattern=NO_NUL_PATTERN)
    parent_id: ApiId | None = Field(None, description="Gửi null để bỏ văn bản cấp trên.")


class NextNumberOut(Schema):
    kind: DirectiveKind
    issuer_code: str
    number: int = Field(description="Số đề xuất: số lớn nhất đã dùng cùng loại, cùng cơ quan trong nhiệm kỳ, cộng 1.")
    symbol: str
    number_symbol: str
    term_id: int
    term_name: str
    issuing_unit_id: int = Field(description="Cơ quan ban hành dùng để xác định nhiệm kỳ.")


# --- operations -------------------------------------------------------------------------------------------------


@router.get(
    "/directives",
    response={200: DirectivePageOut, **error_responses(401, 422)},
    summary="Danh sách văn bản chỉ đạo",
    description=(
        "Văn bản bạn được xem, mới nhất trước (theo ngày ban hành). q tìm không phân biệt hoa thường, có dấu hay "
        "không dấu trong số ký hiệu, loại, trích yếu và người ký; nếu q là một số ký hiệu (15-KL/TU) thì tìm đúng "
        "văn bản đó. Phân trang bằng con trỏ: gọi lại với cursor = next_cursor cho đến khi next_cursor là null."
    ),
)
def directive_list(
    request: HttpRequest,
    q: str | None = Query(None, max_length=MAX_QUERY, pattern=NO_NUL_PATTERN, description="Từ khóa tìm kiếm."),
    kind: DirectiveKind | None = None,
    issuer_code: str | None = Query(None, max_length=20, pattern=NO_NUL_PATTERN, description="Ký hiệu cơ quan."),
    issuing_unit_id: ApiId | None = None,
    year: int | None = Query(None, ge=1900, le=2999, description="Năm ban hành."),
    date_from: ApiDate | None = DATE_FROM_PARAM,
    date_to: ApiDate | None = DATE_TO_PARAM,
    parent_id: ApiId | None = PARENT_PARAM,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(selectors.PAGE_SIZE),
) -> DirectivePageOut:
    filters = selectors.DirectiveFilters(
        text=q or "",
        kind=kind or "",
        issuer_code=issuer_code or "",
        issuing_unit_id=issuing_unit_id,
        year=year,
        date_from=date_from,
        date_to=date_to,
        parent_id=parent_id,
    )
    page = selectors.directive_page(user=auth_user(request), filters=filters, cursor=cursor, limit=limit)
    return DirectivePageOut(items=[DirectiveOut.from_directive(d) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/directives/next-number",
    response={200: NextNumberOut, **error_responses(401, 403, 422)},
    summary="Số văn bản tiếp theo",
    description=(
        "Số hệ thống đề xuất cho văn bản mới: số thứ tự chạy từ 01 theo từng loại văn bản, từng cơ quan ban hành "
        "trong mỗi nhiệm kỳ. Nhiệm kỳ là của cấp ủy gần nhất (từ cơ quan ban hành trở lên) bao gồm ngày ban hành "
        "(mặc định hôm nay). Không truyền issuing_unit_id thì dùng đơn vị có mã trùng ký hiệu cơ quan, nếu không có "
        "thì cấp ủy của bạn. Chỉ dành cho người đăng ký văn bản (403 với người khác)."
    ),
)
def directive_next_number(
    request: HttpRequest,
    kind: DirectiveKind,
    issuer_code: str = Query(..., pattern=ISSUER_CODE_INPUT_PATTERN, description=_ISSUER_DESCRIPTION),
    issued_on: ApiDate | None = None,
    issuing_unit_id: ApiId | None = None,
) -> NextNumberOut:
    proposal = selectors.directive_number_proposal(
        user=auth_user(request),
        kind=kind,
        issuer_code=issuer_code,
        issuing_unit_id=issuing_unit_id,
        issued_on=issued_on,
    )
    parts = proposal.parts
    return NextNumberOut(
        kind=parts.kind,
        issuer_code=parts.issuer_code,
        number=parts.number,
        symbol=parts.symbol,
        number_symbol=parts.number_symbol,
        term_id=proposal.term.pk,
        term_name=proposal.term.name,
        issuing_unit_id=proposal.unit.pk,
    )


@router.get(
    "/directives/{directive_id}",
    response={200: DirectiveDetailOut, **error_responses(401, 404, 422)},
    summary="Một văn bản chỉ đạo",
    description="Đầy đủ thông tin, toàn văn và tệp đính kèm. Văn bản ngoài phạm vi bạn được xem trả về 404.",
)
def directive_detail(request: HttpRequest, directive_id: ApiId) -> DirectiveDetailOut:
    directive = selectors.directive_get(user=auth_user(request), directive_id=directive_id)
    return DirectiveDetailOut.from_detail(directive)


@router.post(
    "/directives",
    response={201: DirectiveDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Đăng ký văn bản chỉ đạo",
    description=(
        "Dành cho Văn phòng và lãnh đạo. Bỏ trống number để nhận số tiếp theo; số đã dùng (cùng loại, cùng cơ quan, "
        "cùng nhiệm kỳ) bị từ chối với code number_taken và thông báo nêu văn bản đang dùng số đó."
    ),
)
def directive_create(request: HttpRequest, payload: DirectiveIn) -> Status[DirectiveDetailOut]:
    directive = services.directive_create(acting_user=auth_user(request), data=DirectiveInput(**payload.model_dump()))
    return Status(201, DirectiveDetailOut.from_detail(directive))


@router.patch(
    "/directives/{directive_id}",
    response={200: DirectiveDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Sửa văn bản chỉ đạo",
    description=(
        "Chỉ các trường gửi lên thay đổi. version là phiên bản bạn đã đọc: nếu người khác đã sửa sau đó, yêu cầu bị "
        "từ chối với 409 (code stale_version) và không gì bị ghi; đọc lại văn bản rồi gửi lại."
    ),
)
def directive_update(request: HttpRequest, directive_id: ApiId, payload: DirectivePatchIn) -> DirectiveDetailOut:
    user = auth_user(request)
    directive = selectors.directive_get(user=user, directive_id=directive_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = {name: str(ERR_NOT_NULL) for name, value in changes.items() if value is None and name != "parent_id"}
    if nulls:
        raise ValidationFailed(str(ERR_NOT_NULL), fields=nulls)
    updated = services.directive_update(
        acting_user=user,
        directive=directive,
        expected_version=payload.version,
        data=DirectiveInput.from_directive(directive, **changes),
    )
    return DirectiveDetailOut.from_detail(updated)


@router.post(
    "/directives/{directive_id}/attachments",
    response={201: DirectiveAttachmentOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Đính kèm tệp vào văn bản",
    description=(
        f"Gửi multipart/form-data với trường file. Tối đa {human_size(MAX_UPLOAD_BYTES)} mỗi tệp; nhận PDF, Word "
        "(.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), ảnh JPG, PNG. Nội dung tệp phải đúng loại "
        "mà phần mở rộng cho biết (tệp đổi tên bị từ chối). Dành cho Văn phòng và lãnh đạo."
    ),
)
def directive_attachment_create(
    request: HttpRequest, directive_id: ApiId, file: UploadedFile = FILE_PARAM
) -> Status[DirectiveAttachmentOut]:
    user = auth_user(request)
    directive = selectors.directive_get(user=user, directive_id=directive_id)
    attachment = services.directive_attach_file(acting_user=user, directive=directive, upload=file)
    return Status(201, DirectiveAttachmentOut.from_attachment(attachment))


@router.delete(
    "/directives/{directive_id}/attachments/{attachment_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    summary="Gỡ tệp đính kèm",
    description="Dành cho Văn phòng và lãnh đạo.",
)
def directive_attachment_delete(request: HttpRequest, directive_id: ApiId, attachment_id: ApiId) -> Status[None]:
    user = auth_user(request)
    attachment = selectors.directive_attachment_get(user=user, directive_id=directive_id, attachment_id=attachment_id)
    services.directive_remove_attachment(acting_user=user, attachment=attachment)
    return Status(204, None)
