"""Statistics over the API: exactly the figures of ``dashboard.stats`` (the dashboard and reports read the same).

"The current quarter" (the default range, and what completes a range given by one bound only) is the reporting
regime's quarter (``dashboard.periods.bounds``, PRODUCT §8: its data cut-off window, e.g. quarter I = 15/12 of the
previous year → 14/03), so the default figures are those of that quarter's report and of the dashboard."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from sauro.common import clock
from sauro.common.api import ApiId, auth_user, error_responses
from sauro.common.errors import ValidationFailed
from sauro.dashboard import stats
from sauro.dashboard.periods import QUARTER, bounds
from sauro.org.access import units_visible_to
from sauro.reports.regime import RegimeError
from sauro.tasks.api import IsoDate

router = Router()
TAG_STATS = "Thống kê"
ERR_UNIT_NOT_FOUND = _("Không tìm thấy đơn vị.")
UNIT_PARAM = Query(None, description="Đơn vị (kể cả đơn vị trực thuộc).")
FROM_PARAM = Query(
    None,
    alias="from",
    description="Ngày đầu kỳ (YYYY-MM-DD). Mặc định: đầu quý báo cáo hiện tại (ngày 15 tháng cuối quý trước).",
)
TO_PARAM = Query(
    None, description="Ngày cuối kỳ (YYYY-MM-DD). Mặc định: cuối quý báo cáo hiện tại (ngày 14 tháng cuối quý)."
)
AS_OF_PARAM = Query(None, description="Tính đến ngày (YYYY-MM-DD). Mặc định: ngày sớm hơn giữa to và hôm nay.")
ERR_RANGE = _("Ngày kết thúc (to) phải bằng hoặc sau ngày bắt đầu (from).")


STAT_FIELDS = (
    "total",
    "done_on_time",
    "done_late",
    "open_on_time",
    "open_overdue",
    "ongoing",
    "on_time_rate",
    "completion_rate",
)


class TaskStatsOut(Schema):
    unit_id: int | None = Field(description="Đơn vị (kể cả các đơn vị trực thuộc); null: mọi nhiệm vụ bạn được xem.")
    from_: datetime.date = Field(alias="from", description="Ngày đầu kỳ.")
    to: datetime.date = Field(description="Ngày cuối kỳ.")
    as_of: datetime.date = Field(description="Tình hình tính đến ngày này.")
    total: int = Field(description="Số nhiệm vụ có thời hạn trong kỳ (bốn tình trạng, không kể thường xuyên).")
    done_on_time: int = Field(description="Hoàn thành đúng hạn.")
    done_late: int = Field(description="Hoàn thành quá hạn.")
    open_on_time: int = Field(description="Chưa hoàn thành – trong hạn.")
    open_overdue: int = Field(description="Chưa hoàn thành – quá hạn.")
    ongoing: int = Field(description="Nhiệm vụ thường xuyên (tính riêng).")
    on_time_rate: float | None = Field(description="Hoàn thành đúng hạn / tổng số × 100, một chữ số thập phân.")
    completion_rate: float | None = Field(description="(Đúng hạn + quá hạn đã xong) / tổng số × 100.")

    model_config = {"populate_by_name": True}


@router.get(
    "/stats/tasks",
    response={200: TaskStatsOut, **error_responses(401, 404, 422)},
    tags=[TAG_STATS],
    summary="Thống kê nhiệm vụ theo kỳ",
    by_alias=True,
    description=(
        "Số nhiệm vụ theo bốn tình trạng của Văn phòng Chính phủ (và nhiệm vụ thường xuyên tính riêng) cho một kỳ: "
        "các nhiệm vụ bạn được xem, do đơn vị unit_id hoặc đơn vị trực thuộc chủ trì, đã giao đến ngày as_of, có "
        "thời hạn trong [from, to]; tình trạng tính đến ngày as_of. Mặc định: quý báo cáo hiện tại theo chế độ báo "
        "cáo (từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý, ví dụ quý I: 15/12 năm trước – 14/3), "
        "as_of = ngày sớm hơn giữa to và hôm nay; chỉ có from (hoặc to): đến cuối (từ đầu) quý báo cáo chứa ngày "
        "đó. Đơn vị ngoài phạm vi bạn được xem: 404. from sau to: 422."
    ),
)
def task_stats(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    from_: IsoDate | None = FROM_PARAM,
    to: IsoDate | None = TO_PARAM,
    as_of: IsoDate | None = AS_OF_PARAM,
) -> TaskStatsOut:
    user = auth_user(request)
    today = clock.today()
    # Without bounds, the current regime quarter; with one bound only, the regime quarter it falls in completes it.
    try:
        start = from_ or bounds(QUARTER, to or today)[0]
        end = to or bounds(QUARTER, from_ or today)[1]
    except RegimeError as error:  # a lone bound in a year the reporting regime does not know
        raise ValidationFailed(str(error), fields={"to" if to else "from": str(error)}) from error
    if end < start:
        raise ValidationFailed(str(ERR_RANGE), fields={"to": str(ERR_RANGE)})
    if unit_id is not None and not units_visible_to(user).filter(pk=unit_id).exists():
        raise Http404(ERR_UNIT_NOT_FOUND)
    day = as_of or min(end, today)
    figures = stats.task_stats(user=user, unit_id=unit_id, start=start, end=end, as_of=day)
    return TaskStatsOut.model_validate(
        {
            "unit_id": unit_id,
            "from": start,
            "to": end,
            "as_of": day,
            **{key: getattr(figures, key) for key in STAT_FIELDS},
        }
    )
