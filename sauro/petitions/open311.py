"""The intake API (issue 19, point 9), in the shape of Open311 GeoReport v2, under ``/api/v1/open311/``: the services
offered (kiến nghị and phản ánh by topic), a request submitted under an idempotency key (a letter registered in
the register), and the requests' status. Token authentication only: it is for other systems (the city's citizen
app, the state's petition system), each through its own integration account.

Differences from the Open311 text, on purpose: bodies are JSON (like the rest of the API), not form-encoded; the
paths have no ``.json`` suffix and no ``jurisdiction_id``; errors are the API's ``{"code", "message", "fields"}``;
``Idempotency-Key`` is required on ``POST requests``. The rest — field names, lists for single requests,
``open``/``closed`` — is Open311's. The logic is ``petitions.intake``."""

from __future__ import annotations

import datetime
import enum
import re
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator

from sauro.accounts.auth import TokenAuth
from sauro.common.api import NO_NUL_PATTERN, ApiId, auth_user, error_responses
from sauro.common.inputs import FIRST_DAY, LAST_DAY, date_in_range, date_range_message
from sauro.petitions import intake
from sauro.petitions.choices import LetterSource
from sauro.petitions.models import Letter

router = Router(tags=["Tiếp nhận kiến nghị, phản ánh (Open311)"], auth=TokenAuth())

SERVICE_CODE_PATTERN = "^(" + "|".join(re.escape(code) for code in intake.SERVICE_CODES) + ")$"
IDS_PATTERN = r"^[0-9]{1,18}(,[0-9]{1,18}){0,99}$"
KEY_PATTERN = r"^[\x21-\x7e]+$"
EMAIL_PATTERN = r"^([^@\s\x00]+@[^@\s\x00]+)?$"
PHONE_PATTERN = r"^[0-9+() .-]*$"
URL_PATTERN = r"^(https?://[^\s\x00]+)?$"
# The years of the working-day calendar, then a time: the schema's pattern for a moment (the rest of ISO 8601 is
# checked when it is read).
DATETIME_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|219[0-7])-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"
MSG_NUMBER = _("Phải là một số.")
MSG_DATETIME = _("Phải là một thời điểm theo ISO 8601, dạng YYYY-MM-DDThh:mm:ss+07:00.")
# "…+07:00" written unencoded in a URL arrives as "… 07:00".
_SPACED_OFFSET = re.compile(r" ([0-9]{2}:?[0-9]{2})$")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(str(MSG_DATETIME))
    value = _SPACED_OFFSET.sub(r"+\1", value)
    if not re.match(DATETIME_PATTERN, value):
        raise ValueError(str(MSG_DATETIME))
    return value


def _in_range(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    if not date_in_range(value.date(), FIRST_DAY, LAST_DAY):
        raise ValueError(date_range_message(FIRST_DAY, LAST_DAY))
    return value


# A moment in a query: ISO 8601 with the offset (without one: Vietnam's time).
ApiDateTime = Annotated[
    datetime.datetime,
    BeforeValidator(_iso_datetime),
    AfterValidator(_in_range),
    Field(json_schema_extra={"pattern": DATETIME_PATTERN}),
]


def _number(value: Any) -> Any:
    """A coordinate is a JSON number: pydantic alone would also read ``false`` or ``"16.4"`` as one."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(str(MSG_NUMBER))
    return value


# A coordinate in degrees, a JSON number (not a string, not a boolean).
Coordinate = Annotated[float | None, BeforeValidator(_number)]


class IntakeSource(str, enum.Enum):
    """Where the letter comes from, as the register records it."""

    CITIZEN_APP = LetterSource.CITIZEN_APP.value
    EMAIL = LetterSource.EMAIL.value
    OTHER_SYSTEM = LetterSource.OTHER_SYSTEM.value


class Open311Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


# --- services ---------------------------------------------------------------------------------------------------


class ServiceOut(Schema):
    service_code: str = Field(description="Mã dịch vụ: <loại đơn>.<lĩnh vực>, ví dụ kien_nghi.land.")
    service_name: str = Field(description="Tên dịch vụ.")
    description: str = Field(description="Mô tả, kèm thời hạn xử lý đơn theo bộ quy tắc đang có hiệu lực.")
    metadata: bool = Field(description="Luôn false: dịch vụ không có trường bổ sung.")
    type: str = Field(description="Luôn realtime: yêu cầu được vào sổ ngay khi gửi.")
    keywords: str = Field(description="Từ khóa, cách nhau bằng dấu phẩy.")
    group: str = Field(description="Nhóm: lĩnh vực.")


@router.get(
    "/open311/services",
    response={200: list[ServiceOut], **error_responses(401)},
    summary="Danh sách dịch vụ tiếp nhận",
    description=(
        "Các loại kiến nghị, phản ánh được tiếp nhận qua API, theo lĩnh vực (Open311 GeoReport v2 `services`). "
        "Chỉ tiếp nhận kiến nghị và phản ánh; khiếu nại, tố cáo phải gửi theo thủ tục riêng. "
        "Chỉ xác thực bằng mã truy cập API (`Authorization: Bearer`)."
    ),
)
def service_list(request: HttpRequest) -> list[ServiceOut]:
    return [
        ServiceOut(
            service_code=s.code,
            service_name=s.name,
            description=s.description,
            metadata=False,
            type="realtime",
            keywords=s.keywords,
            group=s.group,
        )
        for s in intake.intake_services()
    ]


# --- requests ---------------------------------------------------------------------------------------------------


def _text(max_length: int, description: str, pattern: str = NO_NUL_PATTERN) -> Any:
    return Field("", max_length=max_length, pattern=pattern, description=description)


class RequestIn(Schema):
    service_code: str = Field(
        pattern=SERVICE_CODE_PATTERN, description="Mã dịch vụ (GET services): chỉ kiến nghị, phản ánh."
    )
    description: str = Field(
        min_length=1,
        max_length=intake.MAX_DESCRIPTION,
        pattern=NO_NUL_PATTERN,
        description="Nội dung kiến nghị, phản ánh.",
    )
    lat: Coordinate = Field(
        None, ge=-90, le=90, allow_inf_nan=False, description="Vĩ độ nơi phát sinh (cùng với long)."
    )
    long: Coordinate = Field(
        None, ge=-180, le=180, allow_inf_nan=False, description="Kinh độ nơi phát sinh (cùng với lat)."
    )
    address_string: str = _text(
        500,
        "Địa chỉ nơi phát sinh; tên phường, xã cũ được quy về đơn vị hiện nay. Cần địa chỉ hoặc tọa độ.",
    )
    first_name: str = _text(100, "Tên người gửi (ví dụ “An”); bỏ trống cả họ và tên: đơn không ký tên.")
    last_name: str = _text(100, "Họ (và tên đệm) người gửi (ví dụ “Nguyễn Văn”); ghi vào sổ là họ rồi đến tên.")
    email: str = _text(254, "Thư điện tử người gửi.", EMAIL_PATTERN)
    phone: str = _text(30, "Điện thoại người gửi.", PHONE_PATTERN)
    media_url: str = _text(2000, "Địa chỉ (http, https) ảnh hoặc tệp kèm theo.", URL_PATTERN)
    source: IntakeSource = Field(
        IntakeSource.CITIZEN_APP,
        description=(
            "Nguồn đơn ghi vào sổ: citizen_app (ứng dụng công dân của thành phố, mặc định), email (thư điện tử), "
            "other_system (hệ thống khác, ví dụ hệ thống tiếp nhận đơn của tỉnh)."
        ),
    )

    def to_input(self) -> intake.IntakeInput:
        data = self.model_dump()
        data["source"] = self.source.value
        return intake.IntakeInput(**data)


class RequestCreatedOut(Schema):
    service_request_id: str = Field(description="Số yêu cầu (số của đơn trong sổ).")
    service_notice: str = Field(description="Thông báo cho người gửi: đơn vị nhận và thời hạn xử lý đơn.")
    account_id: str | None = Field(description="Luôn null.")


class RequestOut(Schema):
    service_request_id: str
    status: Open311Status = Field(
        description=(
            "open: đang chờ xử lý hoặc đang giải quyết; closed: đã giải quyết, dừng giải quyết, đã chuyển cơ quan "
            "ngoài hệ thống, đã hướng dẫn hoặc lưu theo dõi."
        )
    )
    status_notes: str = Field(description="Tình trạng của đơn bằng lời.")
    service_name: str
    service_code: str
    description: str = Field(description="Nội dung (tóm tắt) của đơn trong sổ.")
    agency_responsible: str = Field(description="Đơn vị đang giải quyết (đơn vị chủ trì nhiệm vụ, nơi chuyển đến).")
    service_notice: str
    requested_datetime: datetime.datetime = Field(description="Thời điểm tiếp nhận.")
    updated_datetime: datetime.datetime = Field(description="Lần thay đổi cuối của đơn hoặc nhiệm vụ giải quyết.")
    expected_datetime: datetime.datetime | None = Field(
        description="Thời hạn luật định (cuối ngày hạn chót, giờ Việt Nam); null nếu không có."
    )
    address: str
    lat: float | None
    long: float | None
    media_url: str | None


def _out(letter: Letter, book: intake.DeadlineBook) -> RequestOut:
    record = letter.intake
    due = book.due(letter)
    return RequestOut(
        service_request_id=str(letter.pk),
        status=Open311Status(intake.open311_status(letter)),
        status_notes=intake.status_notes(letter),
        service_name=intake.service_name(record.service_code),
        service_code=record.service_code,
        description=letter.summary,
        agency_responsible=intake.agency_responsible(letter),
        service_notice=intake.notice(letter, due),
        requested_datetime=timezone.localtime(record.created_at),
        updated_datetime=timezone.localtime(intake.updated_at(letter)),
        expected_datetime=intake.end_of_day(due) if due else None,
        address=letter.address,
        lat=record.lat,
        long=record.long,
        media_url=record.media_url or None,
    )


@router.post(
    "/open311/requests",
    response={201: list[RequestCreatedOut], **error_responses(400, 401, 403, 422)},
    summary="Gửi kiến nghị, phản ánh",
    description=(
        "Vào sổ đơn thư một kiến nghị hoặc phản ánh (Open311 GeoReport v2 `POST requests`, nội dung JSON). "
        "Đơn vào sổ của đơn vị cấu hình tại SAURO_PETITIONS_INTAKE_UNIT, nếu không cấu hình thì của đơn vị của tài "
        "khoản tích hợp; ngày nhận đơn là hôm nay; thời hạn xử lý theo bộ quy tắc thời hạn.\n\n"
        "**Idempotency-Key** (bắt buộc): một khóa do hệ thống gửi tự đặt cho mỗi yêu cầu mới (ví dụ một UUID). Gửi "
        "lại cùng khóa với cùng nội dung (khi mất kết nối, hết thời gian chờ) trả lại đúng yêu cầu đã tạo, không "
        "vào sổ đơn thứ hai (kèm tiêu đề `Idempotent-Replayed: true`); cùng khóa với nội dung khác bị từ chối "
        "(422, mã `idempotency_key_reused`). Khóa tính riêng cho từng tài khoản tích hợp và được giữ ít nhất 24 giờ "
        "(thực tế: cùng với đơn). Chỉ xác thực bằng mã truy cập API có quyền ghi."
    ),
)
def request_create(
    request: HttpRequest,
    payload: RequestIn,
    response: HttpResponse,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=intake.MAX_KEY,
        pattern=KEY_PATTERN,
        description="Khóa chống gửi trùng, do hệ thống gửi đặt cho mỗi yêu cầu mới (ví dụ một UUID).",
    ),
) -> Status[list[RequestCreatedOut]]:
    user = auth_user(request)
    record, created = intake.intake_request_create(
        acting_user=user, data=payload.to_input(), idempotency_key=idempotency_key
    )
    if not created:
        response["Idempotent-Replayed"] = "true"
    letter = record.letter
    due = intake.DeadlineBook().due(letter)
    created_out = RequestCreatedOut(
        service_request_id=str(letter.pk), service_notice=intake.notice(letter, due), account_id=None
    )
    return Status(201, [created_out])


IDS_PARAM = Query(None, pattern=IDS_PATTERN, description="Các số yêu cầu, cách nhau bằng dấu phẩy (tối đa 100).")
SERVICE_CODE_PARAM = Query(None, pattern=SERVICE_CODE_PATTERN, description="Mã dịch vụ.")
STATUS_PARAM = Query(None, description="open hoặc closed.")
START_PARAM = Query(None, description="Gửi từ thời điểm này (ISO 8601; không ghi múi giờ: giờ Việt Nam).")
END_PARAM = Query(None, description="Gửi đến thời điểm này (ISO 8601; không ghi múi giờ: giờ Việt Nam).")


@router.get(
    "/open311/requests",
    response={200: list[RequestOut], **error_responses(401, 422)},
    summary="Tình trạng các yêu cầu đã gửi",
    description=(
        "Các yêu cầu tài khoản này đã gửi (Open311 GeoReport v2 `GET requests`), mới nhất trước, tối đa "
        f"{intake.MAX_REQUESTS}. Có service_request_id thì chỉ lấy các yêu cầu đó (bỏ qua các bộ lọc khác); "
        f"không có start_date, end_date thì lấy các yêu cầu gửi trong {intake.DEFAULT_WINDOW_DAYS} ngày qua."
    ),
)
def request_list(
    request: HttpRequest,
    service_request_id: str | None = IDS_PARAM,
    service_code: str | None = SERVICE_CODE_PARAM,
    status: Open311Status | None = STATUS_PARAM,
    start_date: ApiDateTime | None = START_PARAM,
    end_date: ApiDateTime | None = END_PARAM,
) -> list[RequestOut]:
    filters = intake.IntakeFilters(
        ids=intake.parse_ids(service_request_id) if service_request_id else (),
        service_code=service_code or "",
        status=status.value if status else "",
        start=start_date,
        end=end_date,
    )
    letters = intake.intake_letters(user=auth_user(request), filters=filters)
    book = intake.DeadlineBook()
    return [_out(letter, book) for letter in letters]


@router.get(
    "/open311/requests/{service_request_id}",
    response={200: list[RequestOut], **error_responses(401, 404, 422)},
    summary="Tình trạng một yêu cầu",
    description=(
        "Một yêu cầu tài khoản này đã gửi (Open311 GeoReport v2 `GET requests/{id}`: danh sách một phần tử). "
        "Yêu cầu của tài khoản khác trả về 404."
    ),
)
def request_get(request: HttpRequest, service_request_id: ApiId) -> list[RequestOut]:
    letter = intake.intake_letter_get(user=auth_user(request), letter_id=service_request_id)
    return [_out(letter, intake.DeadlineBook())]
