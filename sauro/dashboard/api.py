"""Statistics over the API: exactly the figures of ``dashboard.stats`` (the dashboard and reports read the same).

"The current quarter" (the default range, and what completes a range given by one bound only) is the reporting
regime's quarter (``dashboard.periods.bounds``, PRODUCT §8: its data cut-off window, e.g. quarter I = 15/12 of the
previous year → 14/03), so the default figures are those of that quarter's report and of the dashboard."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from sauro.common import clock
from sauro.common.api import ApiDate, ApiId, auth_user, error_responses
from sauro.common.errors import ValidationFailed
from sauro.dashboard import stats
from sauro.dashboard.figures import MONTHS_SHOWN, QUARTERS_SHOWN, dashboard_figures
from sauro.dashboard.forms import ERR_AS_OF_RANGE, default_unit_id
from sauro.dashboard.periods import FIRST_DAY, LAST_DAY, QUARTER, bounds, period_for_picker
from sauro.org.access import units_visible_to
from sauro.periods.regime import RegimeError

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
PERIOD_PARAM = Query(QUARTER, description="Kỳ theo chế độ báo cáo: month, quarter hoặc year.")
DASHBOARD_AS_OF_PARAM = Query(
    None, description="Tính đến ngày (YYYY-MM-DD); kỳ là kỳ chứa ngày này. Mặc định: hôm nay."
)
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


class StatsFigures(Schema):
    total: int = Field(
        description=(
            "Số nhiệm vụ của kỳ (bốn tình trạng, không kể thường xuyên): có thời hạn trong kỳ, kỳ trước chuyển sang "
            "chưa hoàn thành, giao trong kỳ có thời hạn sau kỳ."
        )
    )
    done_on_time: int = Field(description="Hoàn thành đúng hạn.")
    done_late: int = Field(description="Hoàn thành quá hạn.")
    open_on_time: int = Field(description="Chưa hoàn thành – trong hạn.")
    open_overdue: int = Field(description="Chưa hoàn thành – quá hạn.")
    ongoing: int = Field(description="Nhiệm vụ thường xuyên (tính riêng).")
    on_time_rate: float | None = Field(description="Hoàn thành đúng hạn / tổng số × 100, một chữ số thập phân.")
    completion_rate: float | None = Field(description="(Đúng hạn + quá hạn đã xong) / tổng số × 100.")
    carried_over: int = Field(
        description=(
            "Trong tổng số: nhiệm vụ kỳ trước chuyển sang (thời hạn trước kỳ, chưa hoàn thành khi bắt đầu kỳ; "
            "hoàn thành quá hạn trong kỳ hoặc vẫn chưa hoàn thành, quá hạn)."
        )
    )


class TaskStatsOut(StatsFigures):
    unit_id: int | None = Field(description="Đơn vị (kể cả các đơn vị trực thuộc); null: mọi nhiệm vụ bạn được xem.")
    from_: datetime.date = Field(alias="from", description="Ngày đầu kỳ.")
    to: datetime.date = Field(description="Ngày cuối kỳ.")
    as_of: datetime.date = Field(description="Tình hình tính đến ngày này.")

    model_config = {"populate_by_name": True}


@router.get(
    "/stats/tasks",
    response={200: TaskStatsOut, **error_responses(401, 404, 422)},
    tags=[TAG_STATS],
    summary="Thống kê nhiệm vụ theo kỳ",
    by_alias=True,
    description=(
        "Số nhiệm vụ theo bốn tình trạng của Văn phòng Chính phủ (và nhiệm vụ thường xuyên tính riêng) cho một kỳ: "
        "các nhiệm vụ bạn được xem, do đơn vị unit_id hoặc đơn vị trực thuộc chủ trì, đã giao đến ngày as_of: có "
        "thời hạn (đang có hiệu lực ngày as_of) trong [from, to]; nhiệm vụ kỳ trước chuyển sang (thời hạn trước from, "
        "chưa hoàn thành trước from; carried_over); nhiệm vụ giao trong kỳ có thời hạn sau to. Tình trạng tính đến "
        "ngày as_of. Mặc định: quý báo cáo hiện tại theo chế độ báo "
        "cáo (từ ngày 15 tháng cuối quý trước đến ngày 14 tháng cuối quý, ví dụ quý I: 15/12 năm trước – 14/3), "
        "as_of = ngày sớm hơn giữa to và hôm nay; chỉ có from (hoặc to): đến cuối (từ đầu) quý báo cáo chứa ngày "
        "đó. Đơn vị ngoài phạm vi bạn được xem: 404. from sau to: 422."
    ),
)
def task_stats(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    from_: ApiDate | None = FROM_PARAM,
    to: ApiDate | None = TO_PARAM,
    as_of: ApiDate | None = AS_OF_PARAM,
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
            **_figures(figures),
        }
    )


# --- the dashboard as data -------------------------------------------------------------------------------------


class LeagueUnitOut(Schema):
    unit_id: int
    name: str
    rank: int | None = Field(
        description="Hạng theo tỷ lệ đúng hạn; null cho dòng nhiệm vụ đơn vị cha trực tiếp chủ trì."
    )
    is_parent: bool = Field(description="Dòng các nhiệm vụ do chính đơn vị được chọn chủ trì (không kể trực thuộc).")
    stats: StatsFigures = Field(description="Kỳ này, cả các đơn vị trực thuộc của đơn vị này.")
    previous: StatsFigures = Field(description="Kỳ trước, tính đến ngày cuối kỳ trước.")
    trend: float | None = Field(description="Tỷ lệ đúng hạn kỳ này trừ kỳ trước, tính bằng điểm phần trăm.")
    late_reports: int = Field(description="Báo cáo định kỳ nộp chậm hoặc chưa nộp trong kỳ.")
    updates_expected: int = Field(description="Số lần cập nhật tiến độ đến hạn trong kỳ.")
    updates_late: int = Field(description="Số lần cập nhật tiến độ chậm hoặc thiếu.")
    update_on_time_rate: float | None = Field(description="Tỷ lệ cập nhật đúng hạn trong số đã rõ (phần trăm).")
    obstacles: int = Field(description="Vướng mắc được trả lời trong kỳ hoặc còn chờ trả lời.")
    obstacle_response_days: float | None = Field(description="Số ngày làm việc trung bình để trả lời vướng mắc.")


class TrendPointOut(Schema):
    label: str = Field(description="Tháng hoặc quý theo chế độ báo cáo, ví dụ T3/2026, Q1/2026.")
    from_: datetime.date = Field(alias="from")
    to: datetime.date
    stats: StatsFigures

    model_config = {"populate_by_name": True}


class DashboardOut(Schema):
    unit_id: int = Field(description="Đơn vị (kể cả các đơn vị trực thuộc).")
    period: str = Field(description="month, quarter hoặc year theo chế độ báo cáo.")
    label: str = Field(description="Tên kỳ, ví dụ Quý IV năm 2026.")
    from_: datetime.date = Field(alias="from")
    to: datetime.date
    as_of: datetime.date
    previous_from: datetime.date
    previous_to: datetime.date
    totals: StatsFigures = Field(description="Các thẻ số liệu của kỳ.")
    units: list[LeagueUnitOut] = Field(description="Bảng xếp hạng các đơn vị trực thuộc (tốt nhất trước).")
    months: list[TrendPointOut] = Field(description=f"{MONTHS_SHOWN} tháng gần nhất đến hết kỳ, theo thời hạn.")
    quarters: list[TrendPointOut] = Field(description=f"{QUARTERS_SHOWN} quý gần nhất đến hết kỳ, theo thời hạn.")

    model_config = {"populate_by_name": True}


def _figures(value: stats.TaskStats) -> dict[str, Any]:
    return {**{key: getattr(value, key) for key in STAT_FIELDS}, "carried_over": value.carried.total}


@router.get(
    "/stats/dashboard",
    response={200: DashboardOut, **error_responses(401, 404, 422)},
    tags=[TAG_STATS],
    summary="Số liệu trang tổng hợp của một đơn vị",
    by_alias=True,
    description=(
        "Đúng các số liệu của trang Tổng hợp: các thẻ của kỳ, bảng xếp hạng các đơn vị trực thuộc (kỳ này và kỳ "
        "trước, báo cáo chậm, cập nhật tiến độ, trả lời vướng mắc) và diễn biến theo tháng, theo quý (thời hạn). "
        "Kỳ là tháng, quý hoặc năm theo chế độ báo cáo chứa ngày as_of (mặc định hôm nay). Mặc định đơn vị: cấp ủy "
        "của bạn (vai trò toàn cấp ủy) hoặc đơn vị của bạn. Đơn vị ngoài phạm vi bạn được xem: 404."
    ),
)
def dashboard(
    request: HttpRequest,
    unit_id: ApiId | None = UNIT_PARAM,
    period: Literal["month", "quarter", "year"] = PERIOD_PARAM,
    as_of: ApiDate | None = DASHBOARD_AS_OF_PARAM,
) -> DashboardOut:
    user = auth_user(request)
    if as_of is not None and not FIRST_DAY <= as_of <= LAST_DAY:
        message = ERR_AS_OF_RANGE.format(first=FIRST_DAY, last=LAST_DAY)
        raise ValidationFailed(message, fields={"as_of": message})
    wanted = unit_id if unit_id is not None else default_unit_id(user)
    if wanted is None or not units_visible_to(user).filter(pk=wanted).exists():
        raise Http404(ERR_UNIT_NOT_FOUND)
    chosen = period_for_picker(period, today=clock.today(), as_of=as_of)
    figures = dashboard_figures(user=user, unit_id=wanted, period=chosen)

    def points(trend: list[stats.TrendPoint]) -> list[dict[str, Any]]:
        return [{"label": p.label, "from": p.start, "to": p.end, "stats": _figures(p.stats)} for p in trend]

    return DashboardOut.model_validate(
        {
            "unit_id": wanted,
            "period": chosen.kind,
            "label": chosen.label,
            "from": chosen.start,
            "to": chosen.end,
            "as_of": chosen.as_of,
            "previous_from": chosen.previous_start,
            "previous_to": chosen.previous_end,
            "totals": _figures(figures.totals),
            "units": [
                {
                    "unit_id": row.unit.pk,
                    "name": row.unit.name,
                    "rank": None if row.is_parent else row.rank,
                    "is_parent": row.is_parent,
                    "stats": _figures(row.stats),
                    "previous": _figures(row.previous),
                    "trend": row.trend,
                    "late_reports": row.late_reports,
                    "updates_expected": row.updates_expected,
                    "updates_late": row.updates_late,
                    "update_on_time_rate": row.update_on_time_rate,
                    "obstacles": row.obstacles,
                    "obstacle_response_days": row.obstacle_response_days,
                }
                for row in figures.league
            ],
            "months": points(figures.months),
            "quarters": points(figures.quarters),
        }
    )
