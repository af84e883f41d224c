"""API of monitoring (PRODUCT §6–§7): obstacles and their answers, progress updates, delivery confidence.

Every read goes through the visibility gates (``tasks.selectors.task_get`` for a task, ``monitoring.selectors`` for
an obstacle): what the caller may not see is a 404 on every endpoint, exactly as what does not exist. Every write
goes through ``monitoring.services``, which answer a missing right with 403, a task or obstacle in the wrong state
with 409 and a refused business rule with 422 (ARCHITECTURE rules 1, 2, 7).

The mandatory texts (an obstacle's description and proposal, an answer, what was done) are optional in the schemas
on purpose: a missing or blank one reaches the service, whose Vietnamese message — and ``fields`` naming the field —
is what the client gets, the same as on the pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, WithJsonSchema

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.api import (
    NO_NUL_PATTERN,
    ApiId,
    auth_user,
    cursor_param,
    error_responses,
    limit_param,
)
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.common.pagination import Key, Keyset
from sauro.monitoring import access, selectors, services
from sauro.monitoring.choices import EscalationLevel, ObstacleState
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate
from sauro.org.models import Unit
from sauro.tasks import selectors as task_selectors
from sauro.tasks.api import ObjectIn
from sauro.tasks.choices import Confidence, Trend

router = Router()

TAG_OBSTACLES = "Khó khăn, vướng mắc"
TAG_PROGRESS = "Theo dõi tiến độ"

# --- limits and input types -------------------------------------------------------------------------------------

MAX_TEXT = 20_000
MAX_SHORT_TEXT = 5_000
MAX_INDICATOR_NAME = 200
MAX_INDICATOR_VALUE = 100
MAX_INDICATOR_UNIT = 50

Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=NO_NUL_PATTERN)]
ShortText = Annotated[str, Field(max_length=MAX_SHORT_TEXT, pattern=NO_NUL_PATTERN)]
ERR_INDICATOR_VALUE = _("Giá trị phải là một số hoặc một chuỗi ký tự.")


def _indicator_value(value: Any) -> Any:
    """A number is kept as it was written (``12``, ``1.5``); true/false, null, lists and objects are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(str(ERR_INDICATOR_VALUE))
    if services.not_finite(value):  # NaN, Infinity (which Python's JSON reader takes), 1e999
        raise ValueError(services.ERR_INDICATOR_NOT_FINITE)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# Shown as "a number or a string"; read as a string (the service stores indicator values as text).
IndicatorValue = Annotated[
    str,
    BeforeValidator(_indicator_value),
    Field(max_length=MAX_INDICATOR_VALUE, pattern=NO_NUL_PATTERN),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "maxLength": MAX_INDICATOR_VALUE, "pattern": NO_NUL_PATTERN},
            ],
            "description": "Giá trị (số hoặc chuỗi).",
        }
    ),
]


# --- schemas: input ---------------------------------------------------------------------------------------------


class ObstacleCreateIn(ObjectIn):
    """Khó khăn, vướng mắc kèm đề xuất. Mô tả, đề xuất và cấp được đề nghị đều bắt buộc: thiếu hay để trống thì
    422, fields nêu trường đó."""

    description: Text | None = Field(None, description="Khó khăn, vướng mắc (bắt buộc).")
    proposal: Text | None = Field(
        None, description="Đề xuất, kiến nghị hướng giải quyết (bắt buộc: khó khăn phải kèm đề xuất)."
    )
    decider_unit_id: ApiId | None = Field(
        None,
        description="Cấp được đề nghị cho ý kiến (bắt buộc): đơn vị chủ trì, một cấp trên của đơn vị chủ trì, hoặc "
        "Thường trực, Ban Thường vụ của cấp ủy. Đơn vị khác thì 422.",
    )


class AnswerIn(ObjectIn):
    """Ý kiến trả lời khó khăn, vướng mắc; để trống thì 422."""

    answer: Text | None = Field(None, description="Ý kiến trả lời (bắt buộc).")


class IndicatorIn(ObjectIn):
    """Một chỉ tiêu, số liệu: tên, giá trị và đơn vị tính."""

    name: Annotated[str, Field(max_length=MAX_INDICATOR_NAME, pattern=NO_NUL_PATTERN)] = Field(
        "", description="Tên chỉ tiêu, số liệu."
    )
    value: IndicatorValue = Field("", description="Giá trị (số hoặc chuỗi).")
    unit: Annotated[str, Field(max_length=MAX_INDICATOR_UNIT, pattern=NO_NUL_PATTERN)] = Field(
        "", description="Đơn vị tính."
    )


class ProgressIn(ObjectIn):
    """Cập nhật tiến độ. Tệp đính kèm chỉ gửi được qua trang của nhiệm vụ, không qua API."""

    done: Text | None = Field(None, description="Kết quả thực hiện trong kỳ (bắt buộc).")
    next_steps: Text = Field("", description="Nhiệm vụ tiếp theo.")
    percent: Annotated[int, Field(ge=0, le=100)] = Field(description="Tiến độ, phần trăm (0–100).")
    indicators: Annotated[list[IndicatorIn], Field(max_length=services.MAX_INDICATORS)] = Field(
        default_factory=list,
        description="Chỉ tiêu, số liệu (tối đa 20); mỗi chỉ tiêu cần tên và giá trị, dòng để trống cả ba bị bỏ qua.",
    )


class ConfidenceIn(ObjectIn):
    """Đánh giá khả năng hoàn thành nhiệm vụ của Văn phòng."""

    level: Confidence = Field(description="Mức khả năng hoàn thành: xanh, xanh - vàng, vàng, vàng - đỏ, đỏ.")
    trend: Trend | None = Field(
        None, description="Xu hướng; bỏ trống thì tính từ lần đánh giá trước (tốt lên, như cũ, xấu đi)."
    )
    note: ShortText = Field("", description="Nhận xét.")


# --- schemas: output --------------------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class TaskRefOut(Schema):
    id: int
    title: str


class ObstacleOut(Schema):
    id: int
    task: TaskRefOut
    lead_unit: RefOut = Field(description="Đơn vị chủ trì khi báo cáo.")
    raised_by: RefOut = Field(description="Người báo cáo.")
    description: str
    proposal: str = Field(description="Đề xuất, kiến nghị.")
    decider_unit: RefOut = Field(description="Cấp được đề nghị cho ý kiến.")
    waiting_on: RefOut = Field(description="Cấp đang phải trả lời (đổi khi khó khăn được chuyển lên).")
    escalation_level: EscalationLevel = Field(
        description="0: cấp được đề nghị; 1: đã chuyển lên cấp trên trực tiếp; 2: đã chuyển lên Văn phòng."
    )
    escalation_label: str
    raised_on: datetime.date
    age_working_days: int = Field(
        description="Số ngày làm việc kể từ ngày báo cáo: đến hôm nay nếu chưa được trả lời, đến ngày trả lời nếu đã "
        "trả lời."
    )
    response_due_on: datetime.date = Field(description="Hạn trả lời (tính theo ngày làm việc).")
    overdue: bool = Field(description="Chưa được trả lời mà đã quá hạn trả lời.")
    state: ObstacleState
    state_label: str
    answer: str
    answered_by: str | None = Field(description="Họ tên người trả lời.")
    answered_on: datetime.date | None


class ObstacleDetailOut(ObstacleOut):
    can_answer: bool = Field(description="Bạn có thể trả lời khó khăn, vướng mắc này hay không.")


class ObstaclePageOut(Schema):
    items: list[ObstacleOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class IndicatorOut(Schema):
    name: str
    value: str
    unit: str


class ProgressAttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(description="Dung lượng (byte).")
    content_type: str


class ProgressOut(Schema):
    id: int
    task_id: int
    author: RefOut
    created_at: datetime.datetime
    recorded_on: datetime.date
    done: str
    next_steps: str
    percent: int
    indicators: list[IndicatorOut]
    attachments: list[ProgressAttachmentOut] = Field(description="Tệp đính kèm (gửi qua trang của nhiệm vụ).")


class ProgressPageOut(Schema):
    items: list[ProgressOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class ConfidenceOut(Schema):
    id: int
    task_id: int
    level: Confidence
    level_label: str
    trend: Trend
    trend_label: str
    note: str
    rated_by: RefOut
    rated_at: datetime.datetime
    rated_on: datetime.date


# --- building the output ----------------------------------------------------------------------------------------


def _person(user: User) -> RefOut:
    return RefOut(id=user.pk, name=user.get_full_name())


def _unit(unit: Unit) -> RefOut:
    return RefOut(id=unit.pk, name=unit.name)


def _obstacle_fields(obstacle: Obstacle, calendar: WorkCalendar, today: datetime.date) -> dict[str, Any]:
    is_open = obstacle.state == ObstacleState.OPEN
    until = obstacle.answered_on if not is_open and obstacle.answered_on else today
    return {
        "id": obstacle.pk,
        "task": TaskRefOut(id=obstacle.task.pk, title=obstacle.task.title),
        "lead_unit": _unit(obstacle.lead_unit),
        "raised_by": _person(obstacle.raised_by),
        "description": obstacle.description,
        "proposal": obstacle.proposal,
        "decider_unit": _unit(obstacle.decider_unit),
        "waiting_on": _unit(obstacle.waiting_on),
        "escalation_level": EscalationLevel(obstacle.escalation_level),
        "escalation_label": str(EscalationLevel(obstacle.escalation_level).label),
        "raised_on": obstacle.raised_on,
        "age_working_days": max(calendar.working_days_between(obstacle.raised_on, until), 0),
        "response_due_on": obstacle.response_due_on,
        "overdue": is_open and today > obstacle.response_due_on,
        "state": ObstacleState(obstacle.state),
        "state_label": str(ObstacleState(obstacle.state).label),
        "answer": obstacle.answer,
        "answered_by": obstacle.answered_by.get_full_name() if obstacle.answered_by else None,
        "answered_on": obstacle.answered_on,
    }


def _obstacles_out(rows: Iterable[Obstacle]) -> list[ObstacleOut]:
    # One calendar for the page: the working-day arithmetic costs no query per row.
    calendar, today = current_calendar(), clock.today()
    return [ObstacleOut.model_validate(_obstacle_fields(o, calendar, today)) for o in rows]


def _obstacle_detail(user: User, obstacle_id: int) -> ObstacleDetailOut:
    obstacle = selectors.obstacle_get(user=user, obstacle_id=obstacle_id)
    today = clock.today()
    fields = _obstacle_fields(obstacle, current_calendar(), today)
    return ObstacleDetailOut.model_validate({**fields, "can_answer": access.may_answer(user, obstacle, today)})


def _progress_out(update: ProgressUpdate) -> ProgressOut:
    return ProgressOut(
        id=update.pk,
        task_id=update.task_id,
        author=_person(update.author),
        created_at=update.created_at,
        recorded_on=update.recorded_on,
        done=update.done,
        next_steps=update.next_steps,
        percent=update.percent,
        indicators=[IndicatorOut(**row) for row in update.indicators or []],
        attachments=[
            ProgressAttachmentOut(id=a.pk, name=a.original_name, size=a.size, content_type=a.content_type)
            for a in update.attachments.all()
        ],
    )


def _confidence_out(rating: ConfidenceRating) -> ConfidenceOut:
    return ConfidenceOut(
        id=rating.pk,
        task_id=rating.task_id,
        level=Confidence(rating.level),
        level_label=str(Confidence(rating.level).label),
        trend=Trend(rating.trend),
        trend_label=str(Trend(rating.trend).label),
        note=rating.note,
        rated_by=_person(rating.rated_by),
        rated_at=rating.rated_at,
        rated_on=rating.rated_on,
    )


# --- keyset pages ---------------------------------------------------------------------------------------------

# Obstacles oldest raised first; progress updates newest first. Both total (id breaks ties).
_OBSTACLE_ORDER = Keyset("monitoring.api.obstacles", Key("raised_on", datetime.date), Key("id", int))
_PROGRESS_ORDER = Keyset(
    "monitoring.api.progress",
    Key("created_at", datetime.datetime, descending=True),
    Key("id", int, descending=True),
)


# --- obstacles --------------------------------------------------------------------------------------------------


STATE_PARAM = Query(None, description="Trạng thái: open (chờ trả lời) hoặc answered (đã trả lời); bỏ trống là tất cả.")
UNIT_PARAM = Query(None, description="Đơn vị chủ trì (kể cả các đơn vị trực thuộc).")
WAITING_ON_PARAM = Query(None, description="Đơn vị đang phải trả lời.")
OVERDUE_PARAM = Query(False, description="true: chỉ khó khăn chưa được trả lời đã quá hạn trả lời.")


@router.get(
    "/obstacles",
    response={200: ObstaclePageOut, **error_responses(401, 422)},
    tags=[TAG_OBSTACLES],
    summary="Danh sách khó khăn, vướng mắc",
    description=(
        "Khó khăn, vướng mắc bạn được xem (của nhiệm vụ bạn được xem, hoặc gửi tới đơn vị của bạn), cũ nhất trước. "
        "state: open (chờ trả lời) hoặc answered (đã trả lời); bỏ trống là tất cả. unit_id lấy đơn vị chủ trì và mọi "
        "đơn vị trực thuộc; waiting_on_id: đúng đơn vị đang phải trả lời; overdue=true: chỉ những khó khăn chưa "
        "được trả lời đã quá hạn trả lời. Phân trang bằng con trỏ: gọi lại với cursor = next_cursor cho đến khi "
        "next_cursor là null."
    ),
)
def obstacle_list(
    request: HttpRequest,
    state: ObstacleState | None = STATE_PARAM,
    unit_id: ApiId | None = UNIT_PARAM,
    waiting_on_id: ApiId | None = WAITING_ON_PARAM,
    overdue: bool = OVERDUE_PARAM,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> ObstaclePageOut:
    filters = selectors.ObstacleFilters(
        state=state.value if state is not None else "",
        unit_id=unit_id,
        waiting_on_id=waiting_on_id,
        overdue_only=overdue,
        as_of=clock.today(),
    )
    page = _OBSTACLE_ORDER.page(
        selectors.obstacle_list(user=auth_user(request), filters=filters), cursor=cursor, limit=limit
    )
    return ObstaclePageOut(items=_obstacles_out(page.items), next_cursor=page.next_cursor)


@router.get(
    "/obstacles/{obstacle_id}",
    response={200: ObstacleDetailOut, **error_responses(401, 404, 422)},
    tags=[TAG_OBSTACLES],
    summary="Một khó khăn, vướng mắc",
    description="Khó khăn, vướng mắc ngoài phạm vi bạn được xem trả về 404.",
)
def obstacle_detail(request: HttpRequest, obstacle_id: ApiId) -> ObstacleDetailOut:
    return _obstacle_detail(auth_user(request), obstacle_id)


@router.post(
    "/obstacles/{obstacle_id}/answer",
    response={200: ObstacleDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    tags=[TAG_OBSTACLES],
    summary="Trả lời khó khăn, vướng mắc",
    description=(
        "Lãnh đạo của cấp được đề nghị (hoặc cấp trên của cấp đó, Thường trực) trả lời; khi khó khăn đã được chuyển "
        "lên Văn phòng thì cán bộ theo dõi của Văn phòng cũng ghi nhận được ý kiến trả lời. Người khác: 403. Đã được "
        "trả lời: 409 (code obstacle_answered). Ý kiến để trống: 422. Sau khi trả lời, đơn vị chủ trì cần cập nhật "
        "nhiệm vụ."
    ),
)
def obstacle_answer(request: HttpRequest, obstacle_id: ApiId, payload: AnswerIn) -> ObstacleDetailOut:
    user = auth_user(request)
    obstacle = selectors.obstacle_get(user=user, obstacle_id=obstacle_id)
    services.obstacle_answer(acting_user=user, obstacle=obstacle, answer=payload.answer or "")
    return _obstacle_detail(user, obstacle.pk)


@router.get(
    "/tasks/{task_id}/obstacles",
    response={200: list[ObstacleOut], **error_responses(401, 404, 422)},
    tags=[TAG_OBSTACLES],
    summary="Khó khăn, vướng mắc của một nhiệm vụ",
    description="Mọi khó khăn, vướng mắc của nhiệm vụ, cũ nhất trước. Nhiệm vụ ngoài phạm vi bạn được xem: 404.",
)
def task_obstacle_list(request: HttpRequest, task_id: ApiId) -> list[ObstacleOut]:
    task = task_selectors.task_get(user=auth_user(request), task_id=task_id)
    rows = selectors.task_obstacles(task=task).select_related("task", "lead_unit")
    return _obstacles_out(rows)


@router.post(
    "/tasks/{task_id}/obstacles",
    response={201: ObstacleDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    tags=[TAG_OBSTACLES],
    summary="Báo cáo khó khăn, vướng mắc",
    description=(
        "Người chịu trách nhiệm, cán bộ được phân công hoặc lãnh đạo đơn vị chủ trì báo cáo khó khăn, vướng mắc của "
        "nhiệm vụ đang thực hiện (nhiệm vụ ở trạng thái khác: 409; người khác: 403). Đề xuất là bắt buộc (thiếu: "
        "422, fields nêu proposal). Cấp được đề nghị phải là đơn vị chủ trì hoặc cấp trên (422, fields nêu "
        "decider_unit_id). Hạn trả lời tính theo ngày làm việc; quá hạn chưa trả lời thì khó khăn được chuyển lên "
        "cấp trên, rồi đến Văn phòng."
    ),
)
def obstacle_create(request: HttpRequest, task_id: ApiId, payload: ObstacleCreateIn) -> Status[ObstacleDetailOut]:
    user = auth_user(request)
    task = task_selectors.task_get(user=user, task_id=task_id)
    obstacle = services.obstacle_create(
        acting_user=user,
        task=task,
        description=payload.description or "",
        proposal=payload.proposal or "",
        decider_unit_id=payload.decider_unit_id,
    )
    return Status(201, _obstacle_detail(user, obstacle.pk))


# --- progress updates -------------------------------------------------------------------------------------------


@router.get(
    "/tasks/{task_id}/progress",
    response={200: ProgressPageOut, **error_responses(401, 404, 422)},
    tags=[TAG_PROGRESS],
    summary="Các lần cập nhật tiến độ của nhiệm vụ",
    description=(
        "Mới nhất trước, kèm chỉ tiêu và danh sách tệp đính kèm. Phân trang bằng con trỏ: gọi lại với cursor = "
        "next_cursor cho đến khi next_cursor là null."
    ),
)
def progress_list(
    request: HttpRequest, task_id: ApiId, cursor: str | None = cursor_param(), limit: int = limit_param()
) -> ProgressPageOut:
    task = task_selectors.task_get(user=auth_user(request), task_id=task_id)
    page = _PROGRESS_ORDER.page(selectors.progress_updates(task=task), cursor=cursor, limit=limit)
    return ProgressPageOut(items=[_progress_out(u) for u in page.items], next_cursor=page.next_cursor)


@router.post(
    "/tasks/{task_id}/progress",
    response={201: ProgressOut, **error_responses(400, 401, 403, 404, 409, 422)},
    tags=[TAG_PROGRESS],
    summary="Cập nhật tiến độ",
    description=(
        "Người chịu trách nhiệm, cán bộ được phân công hoặc lãnh đạo đơn vị chủ trì cập nhật nhiệm vụ đang thực "
        "hiện (trạng thái khác: 409; người khác: 403): kết quả trong kỳ (bắt buộc), việc tiếp theo, tiến độ phần "
        "trăm, chỉ tiêu. Tiến độ của nhiệm vụ nhận giá trị mới. Tệp đính kèm chỉ gửi được qua trang của nhiệm vụ."
    ),
)
def progress_create(request: HttpRequest, task_id: ApiId, payload: ProgressIn) -> Status[ProgressOut]:
    user = auth_user(request)
    task = task_selectors.task_get(user=user, task_id=task_id)
    update = services.progress_update_create(
        acting_user=user,
        task=task,
        done=payload.done or "",
        percent=payload.percent,
        next_steps=payload.next_steps,
        indicators=[{"name": row.name, "value": row.value, "unit": row.unit} for row in payload.indicators],
    )
    update = selectors.progress_updates(task=task).get(pk=update.pk)
    return Status(201, _progress_out(update))


# --- delivery confidence ----------------------------------------------------------------------------------------


@router.get(
    "/tasks/{task_id}/confidence",
    response={200: list[ConfidenceOut], **error_responses(401, 404, 422)},
    tags=[TAG_PROGRESS],
    summary="Lịch sử đánh giá khả năng hoàn thành",
    description="Mọi lần Văn phòng đánh giá khả năng hoàn thành nhiệm vụ, mới nhất trước.",
)
def confidence_list(request: HttpRequest, task_id: ApiId) -> list[ConfidenceOut]:
    task = task_selectors.task_get(user=auth_user(request), task_id=task_id)
    return [_confidence_out(r) for r in selectors.confidence_history(task=task)]


@router.post(
    "/tasks/{task_id}/confidence",
    response={201: ConfidenceOut, **error_responses(400, 401, 403, 404, 409, 422)},
    tags=[TAG_PROGRESS],
    summary="Đánh giá khả năng hoàn thành",
    description=(
        "Chỉ cán bộ theo dõi của Văn phòng (vai trò monitor) đánh giá, người khác: 403. Năm mức: green (xanh), "
        "green_amber (xanh - vàng), amber (vàng), amber_red (vàng - đỏ), red (đỏ). Không gửi trend thì xu hướng "
        "được tính từ lần đánh giá trước. Chỉ đánh giá nhiệm vụ đã giao, chưa hoàn thành, chưa dừng (409)."
    ),
)
def confidence_create(request: HttpRequest, task_id: ApiId, payload: ConfidenceIn) -> Status[ConfidenceOut]:
    user = auth_user(request)
    task = task_selectors.task_get(user=user, task_id=task_id)
    rating = services.confidence_rate(
        acting_user=user,
        task=task,
        level=payload.level.value,
        trend=payload.trend.value if payload.trend is not None else None,
        note=payload.note,
    )
    rating = selectors.confidence_history(task=task).get(pk=rating.pk)
    return Status(201, _confidence_out(rating))
