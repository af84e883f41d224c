"""Reports over the API: the petitions report (issue 19, point 8) as a file, the same as the "Báo cáo" page gives."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router

from sauro.common.api import ApiId, auth_user, error_responses
from sauro.common.errors import ValidationFailed
from sauro.periods.regime import RegimeError
from sauro.reports.petitions_report import (
    DOCX_TYPE,
    XLSX_TYPE,
    petitions_download,
    petitions_report_units,
    report_period,
)

router = Router(tags=["Báo cáo"])

# A reporting month (2026-03) or quarter (2026Q1) of a year the working-day calendar knows (1900–2198: the period's
# due day is counted on it).
PERIOD_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|219[0-8])(-(0[1-9]|1[0-2])|Q[1-4])$"
_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/reports/petitions",
    response=error_responses(401, 404, 422),
    summary="Báo cáo kết quả tiếp công dân, giải quyết đơn thư (tháng, quý)",
    description=(
        "Báo cáo của một đơn vị (kể cả đơn vị trực thuộc) mà bạn được xem sổ tiếp công dân, đơn thư, theo tháng "
        "(`2026-03`) hoặc quý (`2026Q1`) của chế độ báo cáo (thời gian chốt số liệu từ ngày 15 tháng trước đến ngày "
        "14): `format=docx` — báo cáo theo thể thức văn bản của Đảng; `format=xlsx` — bảng số liệu, mỗi bảng một "
        "trang tính. Đơn vị bạn không được xem trả về 404."
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "Tệp báo cáo (tải về).",
                "content": {DOCX_TYPE: _BINARY, XLSX_TYPE: _BINARY},
            }
        }
    },
)
def petitions_report(
    request: HttpRequest,
    unit: ApiId = Query(..., description="Đơn vị lập báo cáo (kể cả đơn vị trực thuộc)."),  # noqa: B008
    period: str = Query(
        ...,
        pattern=PERIOD_PATTERN,
        description="Kỳ báo cáo: tháng `YYYY-MM` (ví dụ `2026-03`) hoặc quý `YYYYQn` (ví dụ `2026Q1`).",
    ),
    format: Literal["docx", "xlsx"] = Query("docx", description="`docx` (báo cáo) hoặc `xlsx` (bảng số liệu)."),
) -> HttpResponse:
    user = auth_user(request)
    try:
        key = report_period(period).key
    except RegimeError as error:
        raise ValidationFailed(str(error), fields={"period": str(error)}) from error
    found = petitions_report_units(user).filter(pk=unit).first()
    if found is None:
        raise Http404
    return petitions_download(user=user, unit=found, period=key, fmt=format)
