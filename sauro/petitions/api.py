"""API of the petitions register (``/api/v1/petitions/…``): letters (list, register, read with their statutory
deadlines and state, decide), visits of the reception register (list, register), the leaders' reception days
(list, plan or record) and the month's figure of the Secretaries' reception days.

Reads go through ``petitions.selectors`` (another unit's letter is a 404), writes through ``petitions.services``."""

from __future__ import annotations

import dataclasses
import datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from sauro.accounts.models import User
from sauro.common import clock
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
from sauro.petitions import hotspots, links, selectors, services
from sauro.petitions import identity as identity_store
from sauro.petitions.choices import (
    Competence,
    Complexity,
    DeadlineKey,
    Decision,
    Guidance,
    HotSpotMark,
    HotSpotReason,
    LetterKind,
    LetterProduct,
    LetterSource,
    LetterState,
    PetitionKind,
    ReceiverKind,
    ReceptionDayState,
    SignerKind,
    Topic,
)
from sauro.petitions.models import MAX_PEOPLE, MAX_SIGNERS, HotSpot, Letter, Reception, ReceptionDay

router = Router(tags=["Tiếp công dân, đơn thư"])

MAX_TEXT = 10_000
MONTH_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|219[0-7])-(0[1-9]|1[0-2])$"

LETTER_UNIT_PARAM = Query(None, description="Đơn vị nhận đơn (kể cả trực thuộc).")
COMMUNE_PARAM = Query(None, description="Phường, xã nơi phát sinh.")
UNIT_PARAM = Query(None, description="Đơn vị (kể cả trực thuộc).")
# The register's search box (``LetterFilters.q``): each word, without diacritics or case, must be in the letter.
MAX_QUERY = 200
Q_PARAM = Query(
    None,
    max_length=MAX_QUERY,
    pattern=NO_NUL_PATTERN,
    description=(
        "Tìm kiếm, có dấu hay không dấu, không phân biệt hoa thường: mỗi từ phải có trong số đến, nội dung, "
        "tên và địa chỉ người đứng đơn (trừ danh tính được giữ bí mật), nơi phát sinh, cơ quan chuyển đơn đến, "
        "cơ quan được chuyển đơn hoặc số văn bản."
    ),
)
MONTH_PARAM = Query(None, pattern=MONTH_PATTERN, description="Tháng, dạng YYYY-MM (mặc định tháng này).")


def _text(max_length: int, description: str, default: str = "") -> str:
    return Field(default, max_length=max_length, pattern=NO_NUL_PATTERN, description=description)


# --- letters ----------------------------------------------------------------------------------------------------

IDENTITY_FIELD = (
    "Danh tính người gửi. Với đơn, lượt tiếp tố cáo (hoặc nhiều nội dung): “đã được giữ bí mật” trong mọi danh sách "
    "và với người không được xem; chỉ GET một đơn trả danh tính thật cho cán bộ xử lý và lãnh đạo quyết định, và lượt "
    "xem được ghi nhật ký."
)
IDENTITY_STATE = (
    "open: không thuộc diện giữ bí mật; hidden: đã được giữ bí mật; shown: danh tính thật (lượt xem đã ghi nhật ký); "
    "unreadable: được xem nhưng không giải mã được (thiếu khóa)."
)


class IdentityState(StrEnum):
    OPEN = identity_store.OPEN
    HIDDEN = identity_store.HIDDEN
    SHOWN = identity_store.SHOWN
    UNREADABLE = identity_store.UNREADABLE


class LetterDeadlineOut(Schema):
    key: str = Field(
        description="Mã thời hạn: handling, handling_max, transfer, acceptance, resolution, resolution_max."
    )
    label: str
    due: datetime.date = Field(description="Hạn chót (ngày làm việc).")
    rule: str = Field(description="Quy tắc của bộ quy tắc thời hạn đã áp dụng.")


class LetterOut(Schema):
    id: int
    unit_id: int = Field(description="Đơn vị nhận đơn.")
    unit_name: str
    incoming_number: str
    source: LetterSource
    forwarded_by: str
    signer_kind: SignerKind
    signer_count: int
    signer_name: str = Field(description=IDENTITY_FIELD)
    signer_address: str = Field(description=IDENTITY_FIELD)
    identity: IdentityState = Field(description=IDENTITY_STATE)
    identity_message: str = Field(description="Khi identity là unreadable: vì sao không đọc được.")
    kind: LetterKind = Field(description="Phân loại theo nội dung.")
    kind_label: str
    main_kind: str = Field(description="Nội dung chính của đơn nhiều nội dung (rỗng nếu không).")
    summary: str
    topic: Topic
    subject_unit_id: int | None
    against_party_member: bool
    address: str
    commune_id: int | None = Field(description="Phường, xã nơi phát sinh (đơn vị hiện nay).")
    received_on: datetime.date
    accepted_on: datetime.date | None
    complexity: Complexity
    remote: bool
    eligible: bool
    in_competence: bool
    hotspot_marks: list[HotSpotMark] = Field(description="Dấu hiệu phức tạp cán bộ đã đánh dấu (cảnh báo điểm nóng).")
    decision: str = Field(description="Hướng xử lý (rỗng khi chưa xử lý): handle, forward, guide, keep.")
    decided_on: datetime.date | None
    forward_unit_id: int | None
    forward_body: str
    document_number: str
    task_id: int | None = Field(description="Nhiệm vụ giải quyết đơn (null nếu không có).")
    state: LetterState = Field(description="Tình trạng, suy ra từ hướng xử lý và trạng thái nhiệm vụ.")
    kept_for_information: bool = Field(
        description="Đơn tố cáo đảng viên nặc danh, mạo danh hoặc nhiều người ký: chỉ lưu để theo dõi, tham khảo."
    )
    version: int
    prolonged: bool = Field(
        False,
        description="Đơn kéo dài: gửi lại về vụ việc mà đơn trước đã được giải quyết xong trước ngày nhận đơn.",
    )

    @classmethod
    def of(cls, x: Letter, shown: identity_store.IdentityShown | None = None) -> LetterOut:
        shown = shown or identity_store.identity_listed(x)
        return cls(
            id=x.pk,
            unit_id=x.unit_id,
            unit_name=x.unit.name,
            incoming_number=x.incoming_number,
            source=LetterSource(x.source),
            forwarded_by=x.forwarded_by,
            signer_kind=SignerKind(x.signer_kind),
            signer_count=x.signer_count,
            signer_name=shown.sender.name,
            signer_address=shown.sender.address,
            identity=IdentityState(shown.state),
            identity_message=shown.message,
            kind=LetterKind(x.kind),
            kind_label=str(x.get_kind_display()),
            main_kind=x.main_kind,
            summary=x.summary,
            topic=Topic(x.topic),
            subject_unit_id=x.subject_unit_id,
            against_party_member=x.against_party_member,
            address=x.address,
            commune_id=x.commune_id,
            received_on=x.received_on,
            accepted_on=x.accepted_on,
            complexity=Complexity(x.complexity),
            remote=x.remote,
            eligible=x.eligible,
            in_competence=x.in_competence,
            hotspot_marks=[HotSpotMark(m) for m in x.hotspot_mark_list],
            decision=x.decision,
            decided_on=x.decided_on,
            forward_unit_id=x.forward_unit_id,
            forward_body=x.forward_body,
            document_number=x.document_number,
            task_id=x.task_id,
            state=LetterState(x.state),  # type: ignore[attr-defined]
            kept_for_information=services.is_kept_by_rule(x),
            version=x.version,
            prolonged=x.repeat_of_id is not None,
        )


class LetterLinkOut(Schema):
    letter_id: int = Field(description="Đơn liên kết.")
    label: str
    reason: str = Field(description="Lý do trùng (cùng người gửi, cùng nội dung, cùng địa bàn và vụ việc).")
    earlier: bool = Field(
        description="true: đơn này trùng với đơn liên kết (đơn trước); false: đơn liên kết trùng với đơn này."
    )
    linked_at: datetime.datetime


class LetterDetailOut(LetterOut):
    deadlines: list[LetterDeadlineOut] = Field(description="Thời hạn luật định áp dụng cho đơn.")
    repeat_of_id: int | None = Field(
        None, description="Đơn trước mà đơn này là đơn kéo dài (null nếu không, hoặc nếu bạn không được xem đơn đó)."
    )
    links: list[LetterLinkOut] = Field(default_factory=list, description="Các đơn đã liên kết là đơn trùng.")


class LetterPageOut(Schema):
    items: list[LetterOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class LetterIn(Schema):
    unit_id: ApiId = Field(description="Đơn vị nhận đơn (sổ của đơn vị).")
    source: LetterSource
    signer_kind: SignerKind
    signer_count: int = Field(1, ge=1, le=MAX_SIGNERS)
    signer_name: str = _text(255, "Họ tên người đứng đơn (bắt buộc trừ đơn nặc danh, mạo danh).")
    signer_address: str = _text(500, "Địa chỉ người đứng đơn.")
    forwarded_by: str = _text(255, "Cơ quan chuyển đơn đến (khi nguồn là forwarded).")
    kind: LetterKind
    main_kind: PetitionKind | None = Field(None, description="Nội dung chính, bắt buộc với đơn nhiều nội dung.")
    summary: str = Field(min_length=1, max_length=MAX_TEXT, pattern=NO_NUL_PATTERN, description="Tóm tắt nội dung.")
    topic: Topic
    subject_unit_id: ApiId | None = Field(None, description="Đơn vị bị khiếu nại, tố cáo, phản ánh.")
    against_party_member: bool = False
    address: str = _text(500, "Địa chỉ nơi phát sinh; tên phường, xã cũ được quy về đơn vị hiện nay.")
    commune_id: ApiId | None = Field(None, description="Phường, xã nơi phát sinh (bỏ trống: lấy theo địa chỉ).")
    received_on: ApiDate = Field(description="Ngày nhận đơn (không sau hôm nay).")
    accepted_on: ApiDate | None = Field(None, description="Ngày thụ lý.")
    complexity: Complexity = Complexity.NORMAL
    remote: bool = False
    eligible: bool = True
    in_competence: bool = True
    incoming_number: str = _text(40, "Số đến.")
    hotspot_marks: list[HotSpotMark] = Field(
        default_factory=list, max_length=len(HotSpotMark.values), description="Dấu hiệu phức tạp (cảnh báo điểm nóng)."
    )

    def to_input(self) -> services.LetterInput:
        data = self.model_dump()
        data["main_kind"] = data.get("main_kind") or ""
        data["hotspot_marks"] = tuple(str(m) for m in data.get("hotspot_marks") or ())
        return services.LetterInput(**data)


class DecisionIn(Schema):
    decision: Decision
    decided_on: ApiDate | None = Field(None, description="Ngày xử lý (mặc định hôm nay).")
    forward_unit_id: ApiId | None = Field(None, description="Đơn vị trong hệ thống được chuyển đơn (tạo nhiệm vụ).")
    forward_body: str = _text(255, "Cơ quan ngoài hệ thống được chuyển đơn (không tạo nhiệm vụ).")
    document_number: str = _text(60, "Số văn bản chuyển đơn, hướng dẫn.")
    note: str = _text(MAX_TEXT, "Ghi chú.")
    lead_unit_id: ApiId | None = Field(None, description="Đơn vị giải quyết khi thụ lý tại đơn vị.")
    officer_id: ApiId | None = Field(None, description="Cán bộ chịu trách nhiệm của nhiệm vụ giải quyết.")
    product: LetterProduct | None = Field(None, description="Sản phẩm của nhiệm vụ.")
    authority_unit_id: ApiId | None = Field(None, description="Cấp có thẩm quyền duyệt kết quả.")
    due_date: ApiDate | None = Field(None, description="Thời hạn (mặc định thời hạn luật định; không được sau).")
    version: ApiVersion | None = Field(None, description="Phiên bản đơn đã đọc (409 nếu đơn đã bị sửa).")


def _detail(user: User, letter_id: int, *, reveal: bool = False) -> LetterDetailOut:
    """A letter as the API gives it; with ``reveal`` (the read of one letter) its protected identity decrypted for
    who may see it, journalled (point 6); the answers to writes give it as lists do."""
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    deadlines = selectors.letter_deadlines_of(letter)
    shown = identity_store.identity_reveal(acting_user=user, record=letter, channel="api") if reveal else None
    base = LetterOut.of(letter, shown).model_dump()
    rows = [
        LetterDeadlineOut(
            key=key,
            label=str(DeadlineKey(key).label),
            due=due,
            rule=deadlines.rules[key].describe() if key in deadlines.rules else "",
        )
        for key, due in deadlines.due.items()
    ]
    repeat_of = selectors.letter_repeat_of(user=user, letter=letter)
    links = [
        LetterLinkOut(letter_id=x.letter_id, label=x.label, reason=x.reason, earlier=x.earlier, linked_at=x.linked_at)
        for x in selectors.letter_links(user=user, letter=letter)
    ]
    return LetterDetailOut(
        **base, deadlines=rows, repeat_of_id=repeat_of.pk if repeat_of is not None else None, links=links
    )


@router.get(
    "/petitions/letters",
    response={200: LetterPageOut, **error_responses(401, 422)},
    summary="Danh sách đơn thư",
    description=(
        "Đơn bạn được xem, mới nhận trước; q tìm theo từ (không dấu cũng được); received_from, received_to: ngày "
        "nhận đơn (kể cả hai ngày đó). Phân trang bằng con trỏ (next_cursor)."
    ),
)
def letter_list(
    request: HttpRequest,
    q: str | None = Q_PARAM,
    unit_id: ApiId | None = LETTER_UNIT_PARAM,
    commune_id: ApiId | None = COMMUNE_PARAM,
    kind: LetterKind | None = None,
    topic: Topic | None = None,
    state: LetterState | None = None,
    received_from: ApiDate | None = None,
    received_to: ApiDate | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(selectors.PAGE_SIZE),
) -> LetterPageOut:
    filters = selectors.LetterFilters(
        q=q or "",
        unit_id=unit_id,
        commune_id=commune_id,
        kind=kind or "",
        topic=topic or "",
        state=state or "",
        date_from=received_from,
        date_to=received_to,
    )
    page = selectors.letter_page(user=auth_user(request), filters=filters, cursor=cursor, limit=limit)
    return LetterPageOut(items=[LetterOut.of(x) for x in page.items], next_cursor=page.next_cursor)


@router.post(
    "/petitions/letters",
    response={201: LetterDetailOut, **error_responses(400, 401, 403, 422)},
    summary="Vào sổ đơn thư",
    description="Dành cho Văn phòng, lãnh đạo và cán bộ của đơn vị nhận đơn.",
)
def letter_create(request: HttpRequest, payload: LetterIn) -> Status[LetterDetailOut]:
    user = auth_user(request)
    letter = services.letter_create(acting_user=user, data=payload.to_input())
    return Status(201, _detail(user, letter.pk))


# --- likely duplicates (issue 19, point 5) ----------------------------------------------------------------------
# Declared before "letters/{letter_id}", whose pattern would otherwise take "letters/duplicates" (a 405).


class DuplicatesIn(Schema):
    """The letter being entered, as far as it is typed (its summary at least)."""

    summary: str = Field(min_length=1, max_length=MAX_TEXT, pattern=NO_NUL_PATTERN, description="Tóm tắt nội dung.")
    signer_name: str = _text(255, "Họ tên người đứng đơn.")
    signer_address: str = _text(500, "Địa chỉ người đứng đơn.")
    address: str = _text(500, "Địa chỉ nơi phát sinh; tên phường, xã cũ được quy về đơn vị hiện nay.")
    commune_id: ApiId | None = Field(None, description="Phường, xã nơi phát sinh (bỏ trống: lấy theo địa chỉ).")
    received_on: ApiDate | None = Field(None, description="Ngày nhận đơn.")
    letter_id: ApiId | None = Field(None, description="Đơn đã vào sổ đang sửa (không đề xuất chính nó).")


class DuplicateOut(Schema):
    letter_id: int
    label: str = Field(description="Đơn đề xuất: loại, ngày nhận, người gửi, đơn vị nhận.")
    reason: str = Field(description="Lý do, như cán bộ đọc: “cùng người gửi, cùng nội dung”.")
    reasons: list[str] = Field(description="Mã lý do: cung_nguoi_gui, cung_noi_dung, cung_dia_ban_vu_viec.")
    score: float = Field(description="Mức giống nhau, từ 0 đến 1 (xếp hạng).")
    received_on: datetime.date
    answered_on: datetime.date | None = Field(description="Ngày đơn đề xuất được giải quyết xong (nếu đã xong).")


class DuplicatesOut(Schema):
    items: list[DuplicateOut] = Field(description="Tối đa 5 đơn, giống nhất trước, trong các đơn bạn được xem.")


class LinkIn(Schema):
    duplicate_of_id: ApiId = Field(description="Đơn trước mà đơn này trùng lặp (trong phạm vi bạn được xem).")
    version: ApiVersion | None = Field(None, description="Phiên bản đơn đã đọc (409 nếu đơn đã bị sửa).")


@router.post(
    "/petitions/letters/duplicates",
    response={200: DuplicatesOut, **error_responses(400, 401, 422)},
    summary="Đơn có thể trùng",
    description=(
        "Các đơn đã vào sổ (bạn được xem) có thể trùng với đơn đang nhập: cùng người gửi, cùng nội dung (có dấu "
        "hoặc không dấu), cùng địa bàn và vụ việc; xếp hạng, kèm lý do."
    ),
)
def letter_duplicates(request: HttpRequest, payload: DuplicatesIn) -> DuplicatesOut:
    found = selectors.likely_duplicates(payload.model_dump(), auth_user(request))
    return DuplicatesOut(
        items=[
            DuplicateOut(
                letter_id=p.letter_id,
                label=p.label,
                reason=p.reason,
                reasons=list(p.reasons),
                score=p.score,
                received_on=p.received_on,
                answered_on=p.prolonged_from,
            )
            for p in found
        ]
    )


@router.post(
    "/petitions/letters/{letter_id}/links",
    response={201: LetterDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Liên kết đơn trùng",
    description=(
        "Ghi nhận đơn này trùng với một đơn trước (lý do do hệ thống so sánh). Nếu đơn trước đã được giải quyết xong "
        "trước ngày nhận đơn này, đơn này được đánh dấu là đơn kéo dài. Đã liên kết rồi: 409."
    ),
)
def letter_link(request: HttpRequest, letter_id: ApiId, payload: LinkIn) -> Status[LetterDetailOut]:
    user = auth_user(request)
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    links.letter_link_duplicate(
        acting_user=user, letter=letter, duplicate_of=payload.duplicate_of_id, expected_version=payload.version
    )
    return Status(201, _detail(user, letter_id))


@router.get(
    "/petitions/letters/{letter_id}",
    response={200: LetterDetailOut, **error_responses(401, 404, 422)},
    summary="Một đơn thư",
    description="Đơn, thời hạn luật định và tình trạng (theo nhiệm vụ giải quyết).",
)
def letter_get(request: HttpRequest, letter_id: ApiId) -> LetterDetailOut:
    return _detail(auth_user(request), letter_id, reveal=True)


@router.post(
    "/petitions/letters/{letter_id}/decision",
    response={200: LetterDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Quyết định hướng xử lý đơn",
    description=(
        "Thụ lý tại đơn vị hoặc chuyển cho đơn vị trong hệ thống thì giao một nhiệm vụ “6 rõ” (cán bộ, sản phẩm, "
        "thẩm quyền, thời hạn luật định). Mỗi đơn chỉ quyết định một lần (409)."
    ),
)
def letter_decide(request: HttpRequest, letter_id: ApiId, payload: DecisionIn) -> LetterDetailOut:
    user = auth_user(request)
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    data = payload.model_dump()
    version = data.pop("version", None)
    data["product"] = data.get("product") or ""
    services.letter_decide(
        acting_user=user, letter=letter, data=services.DecisionInput(**data), expected_version=version
    )
    return _detail(user, letter_id)


# --- receptions -------------------------------------------------------------------------------------------------


class ReceptionOut(Schema):
    id: int
    unit_id: int
    received_on: datetime.date
    receiver_kind: ReceiverKind
    receiving_leader_id: int | None
    reception_day_id: int | None
    citizen_name: str = Field(description=IDENTITY_FIELD)
    citizen_address: str = Field(description=IDENTITY_FIELD)
    id_number: str = Field(description=IDENTITY_FIELD)
    people_count: int
    is_group: bool
    representatives: str = Field(description=IDENTITY_FIELD)
    identity: IdentityState = Field(description=IDENTITY_STATE)
    summary: str
    kind: LetterKind
    handled_by: str
    competence: Competence
    guidance: Guidance
    document_number: str
    outcome: str
    commune_id: int | None
    letter_id: int | None
    version: int

    @classmethod
    def of(cls, r: Reception) -> ReceptionOut:
        shown = identity_store.identity_listed(r)
        return cls(
            id=r.pk,
            unit_id=r.unit_id,
            received_on=r.received_on,
            receiver_kind=ReceiverKind(r.receiver_kind),
            receiving_leader_id=r.receiving_leader_id,
            reception_day_id=r.reception_day_id,
            citizen_name=shown.sender.name,
            citizen_address=shown.sender.address,
            id_number=shown.sender.id_number,
            people_count=r.people_count,
            is_group=r.is_group,
            representatives=shown.sender.representatives if r.is_group or shown.hidden else "",
            identity=IdentityState(shown.state),
            summary=r.summary,
            kind=LetterKind(r.kind),
            handled_by=r.handled_by,
            competence=Competence(r.competence),
            guidance=Guidance(r.guidance),
            document_number=r.document_number,
            outcome=r.outcome,
            commune_id=r.commune_id,
            letter_id=r.letter_id,
            version=r.version,
        )


class ReceptionPageOut(Schema):
    items: list[ReceptionOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class ReceptionIn(Schema):
    unit_id: ApiId = Field(description="Đơn vị tiếp (sổ của đơn vị).")
    received_on: ApiDate = Field(description="Ngày tiếp (không sau hôm nay).")
    receiver_kind: ReceiverKind
    receiving_leader_id: ApiId | None = Field(None, description="Lãnh đạo tiếp (bắt buộc khi receiver_kind=leader).")
    reception_day_id: ApiId | None = Field(None, description="Ngày tiếp công dân định kỳ (tìm tự động nếu bỏ trống).")
    citizen_name: str = Field(min_length=1, max_length=255, pattern=NO_NUL_PATTERN)
    citizen_address: str = _text(500, "Địa chỉ.")
    id_number: str = _text(20, "Số CCCD/CMND.")
    people_count: int = Field(1, ge=1, le=MAX_PEOPLE)
    is_group: bool = False
    representatives: str = _text(500, "Người đại diện (bắt buộc với đoàn đông người).")
    summary: str = Field(min_length=1, max_length=MAX_TEXT, pattern=NO_NUL_PATTERN)
    kind: LetterKind
    handled_by: str = _text(500, "Cơ quan đã giải quyết.")
    competence: Competence = Competence.UNCLEAR
    guidance: Guidance
    document_number: str = _text(60, "Số văn bản hướng dẫn, chuyển đơn (bắt buộc khi chuyển).")
    outcome: str = _text(MAX_TEXT, "Kết quả tiếp.")
    commune_id: ApiId | None = Field(None, description="Phường, xã nơi phát sinh (bỏ trống: theo địa chỉ).")
    letter_id: ApiId | None = Field(None, description="Đơn nhận khi tiếp (đã vào sổ).")


@router.get(
    "/petitions/receptions",
    response={200: ReceptionPageOut, **error_responses(401, 422)},
    summary="Sổ tiếp công dân",
    description="Các lượt tiếp của những đơn vị bạn được xem, mới nhất trước.",
)
def reception_list(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(selectors.PAGE_SIZE),
) -> ReceptionPageOut:
    page = selectors.reception_page(
        user=auth_user(request), filters=selectors.ReceptionFilters(unit_id=unit_id), cursor=cursor, limit=limit
    )
    return ReceptionPageOut(items=[ReceptionOut.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.post(
    "/petitions/receptions",
    response={201: ReceptionOut, **error_responses(400, 401, 403, 422)},
    summary="Vào sổ tiếp công dân",
    description="Dành cho Văn phòng, lãnh đạo và cán bộ của đơn vị tiếp.",
)
def reception_create(request: HttpRequest, payload: ReceptionIn) -> Status[ReceptionOut]:
    user = auth_user(request)
    reception = services.reception_create(acting_user=user, data=services.ReceptionInput(**payload.model_dump()))
    return Status(201, ReceptionOut.of(reception))


# --- reception days ---------------------------------------------------------------------------------------------


class ReceptionDayOut(Schema):
    id: int
    unit_id: int
    leader_id: int
    leader_name: str
    day: datetime.date
    state: ReceptionDayState
    note: str
    version: int

    @classmethod
    def of(cls, d: ReceptionDay) -> ReceptionDayOut:
        return cls(
            id=d.pk,
            unit_id=d.unit_id,
            leader_id=d.leader_id,
            leader_name=d.leader.get_full_name(),
            day=d.day,
            state=ReceptionDayState(d.state),
            note=d.note,
            version=d.version,
        )


class ReceptionDayPageOut(Schema):
    items: list[ReceptionDayOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class ReceptionDayIn(Schema):
    unit_id: ApiId = Field(description="Thành ủy, đảng ủy phường hoặc xã.")
    leader_id: ApiId = Field(description="Lãnh đạo tiếp.")
    day: ApiDate
    state: ReceptionDayState = ReceptionDayState.PLANNED
    note: str = _text(500, "Ghi chú.")


class SecretaryDaysOut(Schema):
    unit_id: int
    unit_name: str
    secretaries: list[str] = Field(description="Bí thư của đơn vị trong tháng.")
    held: int = Field(description="Số ngày bí thư đã tiếp.")
    planned: int = Field(description="Số ngày theo lịch (không kể ngày hoãn, hủy).")
    required: int = Field(description="Số ngày quy định.")
    met: bool


class ReceptionDayFiguresOut(Schema):
    month: str = Field(description="Tháng, dạng YYYY-MM.")
    units: list[SecretaryDaysOut]
    missed: list[int] = Field(description="Đơn vị có bí thư chưa tiếp đủ số ngày quy định.")


@router.get(
    "/petitions/reception-days",
    response={200: ReceptionDayPageOut, **error_responses(401, 422)},
    summary="Lịch tiếp công dân của lãnh đạo",
    description="Ngày tiếp công dân của các đơn vị bạn được xem, mới nhất trước.",
)
def reception_day_list(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(selectors.PAGE_SIZE),
) -> ReceptionDayPageOut:
    page = selectors.reception_day_page(user=auth_user(request), unit_id=unit_id, cursor=cursor, limit=limit)
    return ReceptionDayPageOut(items=[ReceptionDayOut.of(d) for d in page.items], next_cursor=page.next_cursor)


@router.post(
    "/petitions/reception-days",
    response={201: ReceptionDayOut, **error_responses(400, 401, 403, 422)},
    summary="Vào lịch ngày tiếp công dân",
    description="Lập lịch (planned) hoặc ghi ngày đã tiếp (held, không sau hôm nay).",
)
def reception_day_create(request: HttpRequest, payload: ReceptionDayIn) -> Status[ReceptionDayOut]:
    user = auth_user(request)
    day = services.reception_day_create(acting_user=user, data=services.ReceptionDayInput(**payload.model_dump()))
    return Status(201, ReceptionDayOut.of(selectors.reception_day_get(user=user, day_id=day.pk)))


@router.get(
    "/petitions/reception-days/figures",
    response={200: ReceptionDayFiguresOut, **error_responses(401, 422)},
    summary="Số ngày tiếp công dân của bí thư trong tháng",
    description=(
        "Theo từng cấp ủy, đảng ủy phường, xã bạn được xem: số ngày bí thư đã tiếp so với số ngày quy định "
        "(Bí thư Thành ủy ít nhất 1 ngày, bí thư phường, xã ít nhất 2 ngày mỗi tháng; cấu hình được)."
    ),
)
def reception_day_figures(
    request: HttpRequest,
    month: str | None = MONTH_PARAM,
) -> ReceptionDayFiguresOut:
    if month:
        year, number = (int(part) for part in month.split("-"))
    else:
        today = clock.today()
        year, number = today.year, today.month
    figures = selectors.reception_day_figures(user=auth_user(request), year=year, month=number)
    return ReceptionDayFiguresOut(
        month=f"{year:04d}-{number:02d}",
        units=[
            SecretaryDaysOut(
                unit_id=r.unit_id,
                unit_name=r.unit_name,
                secretaries=list(r.secretaries),
                held=r.held,
                planned=r.planned,
                required=r.required,
                met=r.met,
            )
            for r in figures.rows
        ],
        missed=[r.unit_id for r in figures.missed],
    )


# --- hot spots (point 7) ----------------------------------------------------------------------------------------


class HotSpotOut(Schema):
    id: int
    reason: HotSpotReason = Field(
        description="Lý do: crowd (đông người), overdue (quá hạn chưa giải quyết), repeat (tái diễn sau quyết định đã "
        "có hiệu lực), complex (cán bộ đánh dấu phức tạp), rise (đơn tăng đột biến)."
    )
    reason_label: str
    commune_id: int | None = Field(description="Phường, xã nơi phát sinh (null nếu chưa rõ).")
    commune_name: str
    topic: Topic | None = Field(description="Lĩnh vực (null với đoàn đông người không có đơn).")
    detail: str = Field(description="Chi tiết cảnh báo, bằng tiếng Việt.")
    people: int | None = Field(description="Số người (đông người).")
    recent: int | None = Field(description="Số đơn trong các tuần gần nhất (đơn tăng đột biến).")
    baseline: int | None = Field(description="Số đơn trong các tuần trước đó (đơn tăng đột biến).")
    letter_count: int = Field(description="Số đơn của cảnh báo mà bạn được xem.")
    raised_on: datetime.date
    raised_at: datetime.datetime
    notified: bool = Field(description="Đã thông báo cho lãnh đạo đơn vị và Văn phòng.")
    ended_on: datetime.date | None = Field(description="Ngày hết cảnh báo (null: còn hiệu lực).")

    @classmethod
    def of(cls, x: HotSpot) -> HotSpotOut:
        return cls(
            id=x.pk,
            reason=HotSpotReason(x.reason),
            reason_label=str(x.get_reason_display()),
            commune_id=x.commune_id,
            commune_name=x.commune.name if x.commune else "",
            topic=Topic(x.topic) if x.topic else None,
            detail=x.detail,
            people=x.people,
            recent=x.recent,
            baseline=x.baseline,
            letter_count=x.letter_count,  # type: ignore[attr-defined]
            raised_on=x.raised_on,
            raised_at=x.raised_at,
            notified=x.notified_at is not None,
            ended_on=x.ended_on,
        )


class HotSpotPageOut(Schema):
    items: list[HotSpotOut]
    next_cursor: str | None


class HotSpotDetailOut(HotSpotOut):
    letters: list[LetterOut] = Field(description="Các đơn của cảnh báo mà bạn được xem.")
    reception_ids: list[int] = Field(description="Các lượt tiếp công dân của cảnh báo mà bạn được xem.")


@router.get(
    "/petitions/hotspots",
    response={200: HotSpotPageOut, **error_responses(401, 422)},
    summary="Danh sách điểm nóng",
    description=(
        "Cảnh báo sớm điểm nóng đơn thư bạn được xem (theo đơn, lượt tiếp bạn được xem), mới nhất trước; mặc định chỉ "
        "cảnh báo còn hiệu lực. Phân trang bằng con trỏ (next_cursor)."
    ),
)
def hotspot_list(
    request: HttpRequest,
    commune_id: ApiId | None = COMMUNE_PARAM,
    topic: Topic | None = None,
    reason: HotSpotReason | None = None,
    include_ended: bool = Query(False, description="Kể cả cảnh báo đã hết."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(hotspots.PAGE_SIZE),
) -> HotSpotPageOut:
    filters = hotspots.HotSpotFilters(
        commune_id=commune_id, topic=topic or "", reason=reason or "", include_ended=include_ended
    )
    page = hotspots.hotspot_page(user=auth_user(request), filters=filters, cursor=cursor, limit=limit)
    return HotSpotPageOut(items=[HotSpotOut.of(x) for x in page.items], next_cursor=page.next_cursor)


@router.get(
    "/petitions/hotspots/{hotspot_id}",
    response={200: HotSpotDetailOut, **error_responses(401, 404, 422)},
    summary="Một điểm nóng",
    description="Cảnh báo và các đơn, lượt tiếp của nó mà bạn được xem.",
)
def hotspot_get(request: HttpRequest, hotspot_id: ApiId) -> HotSpotDetailOut:
    user = auth_user(request)
    spot = hotspots.hotspot_get(user=user, hotspot_id=hotspot_id)
    letters = [LetterOut.of(x) for x in hotspots.hotspot_letters(user=user, spot=spot)]
    visits = [r.pk for r in hotspots.hotspot_receptions(user=user, spot=spot)]
    return HotSpotDetailOut(**HotSpotOut.of(spot).model_dump(), letters=letters, reception_ids=visits)


# --- corrections (PATCH) -------------------------------------------------------------------------------------------

ERR_NOT_NULL = _("Không được gửi null cho trường này; bỏ trường đi nếu không sửa.")
# The fields a PATCH may clear with null; every other field may be left out, never null (422).
LETTER_NULLABLE = frozenset({"main_kind", "subject_unit_id", "commune_id", "accepted_on"})
RECEPTION_NULLABLE = frozenset({"receiving_leader_id", "reception_day_id", "commune_id", "letter_id"})
VERSION_DESCRIPTION = "Phiên bản đã đọc; khác phiên bản hiện tại thì 409 (stale_version) và không gì bị ghi."


def _patch_text(max_length: int, description: str | None = None, min_length: int = 0) -> Any:
    return optional_not_null(description, min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN)


def _changes(payload: Schema, nullable: frozenset[str]) -> dict[str, Any]:
    """The fields sent (without ``version``); a null where null clears nothing is refused on its field."""
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = {name: str(ERR_NOT_NULL) for name, value in changes.items() if value is None and name not in nullable}
    if nulls:
        raise ValidationFailed(str(ERR_NOT_NULL), fields=nulls)
    return changes


class LetterPatchIn(Schema):
    """Only the fields sent change; ``version`` is the one the client last read. The receiving unit does not
    change."""

    version: ApiVersion = Field(description=VERSION_DESCRIPTION)
    source: LetterSource | None = optional_not_null()
    signer_kind: SignerKind | None = optional_not_null()
    signer_count: int | None = optional_not_null(ge=1, le=MAX_SIGNERS)
    signer_name: str | None = _patch_text(255, "Họ tên người đứng đơn.")
    signer_address: str | None = _patch_text(500, "Địa chỉ người đứng đơn.")
    forwarded_by: str | None = _patch_text(255, "Cơ quan chuyển đơn đến.")
    kind: LetterKind | None = optional_not_null()
    main_kind: PetitionKind | None = Field(None, description="Nội dung chính (đơn nhiều nội dung); null để bỏ.")
    summary: str | None = _patch_text(MAX_TEXT, "Tóm tắt nội dung.", min_length=1)
    topic: Topic | None = optional_not_null()
    subject_unit_id: ApiId | None = Field(None, description="Đơn vị bị khiếu nại, tố cáo, phản ánh; null để bỏ.")
    against_party_member: bool | None = optional_not_null()
    address: str | None = _patch_text(
        500, "Địa chỉ nơi phát sinh (phường, xã đã chọn vẫn giữ; gửi commune_id null để lấy lại theo địa chỉ)."
    )
    commune_id: ApiId | None = Field(None, description="Phường, xã nơi phát sinh; null: lấy theo địa chỉ.")
    received_on: ApiDate | None = optional_not_null("Ngày nhận đơn (không sau hôm nay).")
    accepted_on: ApiDate | None = Field(None, description="Ngày thụ lý; null để bỏ.")
    complexity: Complexity | None = optional_not_null()
    remote: bool | None = optional_not_null()
    eligible: bool | None = optional_not_null()
    in_competence: bool | None = optional_not_null()
    incoming_number: str | None = _patch_text(40, "Số đến.")


def letter_input_of(letter: Letter, **changes: Any) -> services.LetterInput:
    """A letter's facts as ``services.letter_update`` takes them, with ``changes`` applied."""
    values = {f.name: getattr(letter, f.name) for f in dataclasses.fields(services.LetterInput)}
    values.update(changes)
    values["main_kind"] = values.get("main_kind") or ""
    return services.LetterInput(**values)


@router.patch(
    "/petitions/letters/{letter_id}",
    response={200: LetterDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Sửa đơn thư",
    description=(
        "Chỉ các trường gửi lên thay đổi (ngày thụ lý, mức độ phức tạp… làm thay đổi thời hạn luật định; thời hạn "
        "của nhiệm vụ đã giao thì không). version là phiên bản bạn đã đọc: nếu người khác đã sửa sau đó, yêu cầu bị "
        "từ chối với 409 (code stale_version); đọc lại đơn rồi gửi lại. Không đổi được đơn vị nhận đơn."
    ),
)
def letter_update(request: HttpRequest, letter_id: ApiId, payload: LetterPatchIn) -> LetterDetailOut:
    user = auth_user(request)
    letter = selectors.letter_get(user=user, letter_id=letter_id)
    changes = _changes(payload, LETTER_NULLABLE)
    services.letter_update(
        acting_user=user, letter=letter, data=letter_input_of(letter, **changes), expected_version=payload.version
    )
    return _detail(user, letter_id)


class ReceptionPatchIn(Schema):
    """Only the fields sent change; ``version`` is the one the client last read. The unit does not change."""

    version: ApiVersion = Field(description=VERSION_DESCRIPTION)
    received_on: ApiDate | None = optional_not_null("Ngày tiếp (không sau hôm nay).")
    receiver_kind: ReceiverKind | None = optional_not_null()
    receiving_leader_id: ApiId | None = Field(None, description="Lãnh đạo tiếp; null khi bộ phận tiếp công dân tiếp.")
    reception_day_id: ApiId | None = Field(None, description="Ngày tiếp công dân định kỳ; null: tìm tự động.")
    citizen_name: str | None = _patch_text(255, "Họ tên công dân.", min_length=1)
    citizen_address: str | None = _patch_text(500, "Địa chỉ.")
    id_number: str | None = _patch_text(20, "Số CCCD/CMND.")
    people_count: int | None = optional_not_null(ge=1, le=MAX_PEOPLE)
    is_group: bool | None = optional_not_null()
    representatives: str | None = _patch_text(500, "Người đại diện (bắt buộc với đoàn đông người).")
    summary: str | None = _patch_text(MAX_TEXT, "Nội dung vụ việc.", min_length=1)
    kind: LetterKind | None = optional_not_null()
    handled_by: str | None = _patch_text(500, "Cơ quan đã giải quyết.")
    competence: Competence | None = optional_not_null()
    guidance: Guidance | None = optional_not_null()
    document_number: str | None = _patch_text(60, "Số văn bản hướng dẫn, chuyển đơn.")
    outcome: str | None = _patch_text(MAX_TEXT, "Kết quả tiếp.")
    commune_id: ApiId | None = Field(None, description="Phường, xã nơi phát sinh; null: lấy theo địa chỉ.")
    letter_id: ApiId | None = Field(None, description="Đơn nhận khi tiếp; null để bỏ.")


def reception_input_of(reception: Reception, **changes: Any) -> services.ReceptionInput:
    """A visit as ``services.reception_update`` takes it, with ``changes`` applied."""
    values = {f.name: getattr(reception, f.name) for f in dataclasses.fields(services.ReceptionInput)}
    values.update(changes)
    return services.ReceptionInput(**values)


@router.get(
    "/petitions/receptions/{reception_id}",
    response={200: ReceptionOut, **error_responses(401, 404, 422)},
    summary="Một lượt tiếp công dân",
    description="Lượt tiếp của sổ bạn được xem (kèm version để sửa).",
)
def reception_get(request: HttpRequest, reception_id: ApiId) -> ReceptionOut:
    return ReceptionOut.of(selectors.reception_get(user=auth_user(request), reception_id=reception_id))


@router.patch(
    "/petitions/receptions/{reception_id}",
    response={200: ReceptionOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Sửa lượt tiếp công dân",
    description=(
        "Chỉ các trường gửi lên thay đổi. version là phiên bản bạn đã đọc: nếu người khác đã sửa sau đó, yêu cầu bị "
        "từ chối với 409 (code stale_version); đọc lại rồi gửi lại. Không đổi được đơn vị tiếp."
    ),
)
def reception_update(request: HttpRequest, reception_id: ApiId, payload: ReceptionPatchIn) -> ReceptionOut:
    user = auth_user(request)
    reception = selectors.reception_get(user=user, reception_id=reception_id)
    changes = _changes(payload, RECEPTION_NULLABLE)
    services.reception_update(
        acting_user=user,
        reception=reception,
        data=reception_input_of(reception, **changes),
        expected_version=payload.version,
    )
    return ReceptionOut.of(selectors.reception_get(user=user, reception_id=reception_id))
