"""Pages of monitoring: what it adds to a task's page (progress updates, obstacles and their answers, delivery
confidence — its actions and sections), the download of a progress update's files, and the obstacles page
("Khó khăn, vướng mắc": what waits for an answer, oldest first).

The task page's actions post to ``tasks.views.task_action_view`` like the task's own (routes ``tasks:<action>``),
which re-renders the page with the bound form and the service's Vietnamese message on refusal; they are
registered from ``MonitoringConfig.ready`` (``register``) so that the tasks app does not import monitoring.
Reads go through ``monitoring.selectors``; writes through ``monitoring.services``, which decide who may act.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.common.replica import read_only_page
from sauro.common.uploads import human_size
from sauro.common.views import AuthenticatedRequest, render_page, stored_file_response
from sauro.monitoring import access, selectors, services
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.forms import AnswerForm, ConfidenceForm, ObstacleFilterForm, ObstacleForm, ProgressUpdateForm
from sauro.monitoring.models import Obstacle, ProgressAttachment, ProgressUpdate
from sauro.org.access import user_scope
from sauro.tasks import access as task_access
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task
from sauro.tasks.views import (
    ActionPanel,
    ActionSpec,
    Button,
    Failure,
    TaskPageExtras,
    TaskPageSection,
    register_task_page_extension,
)

NAV_SECTION = "monitoring"
PAGE_SIZE = 50
# The task page shows the latest updates and ratings; older ones stay in the timeline.
UPDATES_SHOWN = 20
UPDATES_OPEN = 3  # the others folded under "Xem … lần cập nhật trước"
RATINGS_SHOWN = 10

PROGRESS = access.PROGRESS
RAISE_OBSTACLE = access.RAISE_OBSTACLE
ANSWER_OBSTACLE = access.ANSWER_OBSTACLE
RATE_CONFIDENCE = access.RATE_CONFIDENCE


# --- the actions on a task's page -----------------------------------------------------------------------------


def _indicators(data: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    i = 1
    while f"indicator_name_{i}" in data:
        rows.append(
            {
                "name": data.get(f"indicator_name_{i}") or "",
                "value": data.get(f"indicator_value_{i}") or "",
                "unit": data.get(f"indicator_unit_{i}") or "",
            }
        )
        i += 1
    return rows


def _progress(user: User, task: Task, data: dict[str, Any]) -> str:
    update = services.progress_update_create(
        acting_user=user,
        task=task,
        done=data.get("done") or "",
        percent=data["percent"],
        next_steps=data.get("next_steps") or "",
        indicators=_indicators(data),
        files=data.get("attachments") or [],
    )
    return _("Đã gửi cập nhật tiến độ: %(percent)s%%.") % {"percent": update.percent}


def _raise_obstacle(user: User, task: Task, data: dict[str, Any]) -> str:
    decider = data.get("decider_unit")
    obstacle = services.obstacle_create(
        acting_user=user,
        task=task,
        description=data.get("description") or "",
        proposal=data.get("proposal") or "",
        decider_unit_id=decider.pk if decider is not None else None,
    )
    return _("Đã gửi khó khăn, vướng mắc tới %(unit)s; hạn trả lời %(day)s.") % {
        "unit": obstacle.decider_unit.name,
        "day": f"{obstacle.response_due_on:%d/%m/%Y}",
    }


def _answer_obstacle(user: User, task: Task, data: dict[str, Any]) -> str:
    obstacle = selectors.task_obstacles(task=task).filter(pk=data["obstacle"]).first()
    if obstacle is None:
        raise Http404(selectors.ERR_OBSTACLE_NOT_FOUND)
    services.obstacle_answer(acting_user=user, obstacle=obstacle, answer=data.get("answer") or "")
    return _("Đã gửi ý kiến trả lời khó khăn, vướng mắc.")


def _rate_confidence(user: User, task: Task, data: dict[str, Any]) -> str:
    rating = services.confidence_rate(
        acting_user=user, task=task, level=data["level"], trend=data.get("trend") or None, note=data.get("note") or ""
    )
    return _("Đã đánh giá khả năng hoàn thành: %(level)s.") % {"level": rating.get_level_display()}


def _progress_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return ProgressUpdateForm(data, task=task)


def _obstacle_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return ObstacleForm(data, task=task)


def _answer_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return AnswerForm(data)


def _confidence_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return ConfidenceForm(data, task=task)


ACTIONS = (
    ActionSpec(
        PROGRESS,
        gettext_lazy("Cập nhật tiến độ"),
        _progress_form,
        _progress,
        (Button(gettext_lazy("Gửi cập nhật")),),
        summary=gettext_lazy("Báo cáo kết quả trong kỳ, việc tiếp theo và phần trăm đã hoàn thành."),
        multipart=True,
        fields_template="monitoring/_progress_fields.html",
        service_fields={"file": "attachments", "files": "attachments"},
    ),
    ActionSpec(
        RAISE_OBSTACLE,
        gettext_lazy("Báo cáo khó khăn, vướng mắc"),
        _obstacle_form,
        _raise_obstacle,
        (Button(gettext_lazy("Gửi khó khăn, vướng mắc")),),
        summary=gettext_lazy(
            "Khó khăn, vướng mắc phải kèm đề xuất, kiến nghị; cấp được đề nghị trả lời trong thời hạn quy định, "
            "quá hạn sẽ được chuyển lên cấp trên."
        ),
        service_fields={"decider_unit_id": "decider_unit"},
    ),
    ActionSpec(
        ANSWER_OBSTACLE,
        gettext_lazy("Trả lời khó khăn, vướng mắc"),
        _answer_form,
        _answer_obstacle,
        (Button(gettext_lazy("Gửi ý kiến trả lời")),),
        expanded=True,
        detail_template="monitoring/_answer_detail.html",
        service_fields={},
    ),
    ActionSpec(
        RATE_CONFIDENCE,
        gettext_lazy("Đánh giá khả năng hoàn thành"),
        _confidence_form,
        _rate_confidence,
        (Button(gettext_lazy("Lưu đánh giá")),),
        summary=gettext_lazy(
            "Trạng thái cho biết nhiệm vụ đang ở bước nào; đánh giá cho biết có hoàn thành được không."
        ),
        fields_template="monitoring/_confidence_fields.html",
        service_fields={},
    ),
)
SPECS = {spec.name: spec for spec in ACTIONS}


# --- what the task's page shows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObstacleRow:
    obstacle: Obstacle
    age: int  # working days since it was raised, until answered
    overdue: bool  # still unanswered after its response date


@dataclass(frozen=True)
class FileRow:
    attachment: ProgressAttachment
    size: str


@dataclass
class UpdateRow:
    update: ProgressUpdate
    files: list[FileRow] = field(default_factory=list)


def obstacle_row(obstacle: Obstacle, calendar: WorkCalendar, today: datetime.date) -> ObstacleRow:
    end = obstacle.answered_on or today
    return ObstacleRow(
        obstacle=obstacle,
        age=max(calendar.working_days_between(obstacle.raised_on, end), 0),
        overdue=obstacle.is_open and today > obstacle.response_due_on,
    )


def _panel(name: str, user: User, task: Task, failure: Failure | None) -> ActionPanel:
    spec = SPECS[name]
    if failure is not None and failure.action == name:
        return ActionPanel(spec=spec, form=failure.form, prefix=name, failure=failure)
    form = spec.form(None, user, task)
    form.prefix = name
    return ActionPanel(spec=spec, form=form, prefix=name)


def _answer_panel(row: ObstacleRow, failure: Failure | None) -> ActionPanel:
    obstacle = row.obstacle
    spec = SPECS[ANSWER_OBSTACLE]
    title = _("Trả lời khó khăn, vướng mắc: %(text)s") % {"text": _excerpt(obstacle.description, 70)}
    anchor = f"tra-loi-vuong-mac-{obstacle.pk}"
    if failure is not None and failure.action == ANSWER_OBSTACLE:
        posted = str(failure.form.data.get(f"{ANSWER_OBSTACLE}-obstacle", ""))
        if posted == str(obstacle.pk):
            return ActionPanel(
                spec=spec,
                form=failure.form,
                prefix=ANSWER_OBSTACLE,
                failure=failure,
                detail=row,
                anchor=anchor,
                title=title,
            )
    form = AnswerForm(initial={"obstacle": obstacle.pk}, prefix=ANSWER_OBSTACLE, auto_id=f"id_%s_{obstacle.pk}")
    return ActionPanel(spec=spec, form=form, prefix=ANSWER_OBSTACLE, detail=row, anchor=anchor, title=title)


def _excerpt(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def task_page(user: User, task: Task, failure: Failure | None) -> TaskPageExtras:
    """The monitoring actions ``user`` may take on ``task`` and its sections (progress, obstacles, confidence)."""
    if task.state == TaskState.DRAFT:
        return TaskPageExtras()
    today = clock.today()
    obstacles = list(selectors.task_obstacles(task=task))
    calendar = current_calendar() if obstacles else None
    rows = {o.pk: obstacle_row(o, calendar, today) for o in obstacles if calendar is not None}
    names, to_answer = access.task_actions(user, task, obstacles, today)
    panels = [_panel(name, user, task, failure) for name in names if name in {PROGRESS, RAISE_OBSTACLE}]
    panels += [_answer_panel(rows[obstacle.pk], failure) for obstacle in to_answer]
    if RATE_CONFIDENCE in names:
        panels.append(_panel(RATE_CONFIDENCE, user, task, failure))
    updates = [
        UpdateRow(update=u, files=[FileRow(a, human_size(a.size)) for a in u.attachments.all()])
        for u in selectors.progress_updates(task=task)[:UPDATES_SHOWN]
    ]
    context = {
        "updates": updates,
        "recent_updates": updates[:UPDATES_OPEN],
        "older_updates": updates[UPDATES_OPEN:],
        "obstacles": list(rows.values()),
        "open_obstacles": sum(1 for o in obstacles if o.is_open),
        # Every rating sets the task's level: without one there is no history to read.
        "ratings": list(selectors.confidence_history(task=task)[:RATINGS_SHOWN]) if task.confidence else [],
        "today": today,
    }
    return TaskPageExtras(panels=panels, sections=[TaskPageSection("monitoring/_task_sections.html", context)])


def register() -> None:
    """Add the monitoring actions and sections to the task page (called from ``MonitoringConfig.ready``)."""
    register_task_page_extension("monitoring", task_page, ACTIONS)
    task_access.register_action_rule("monitoring", access.allowed_task_actions)


# --- the files of a progress update ------------------------------------------------------------------------------


@login_required
@require_GET
def progress_attachment_download_view(request: AuthenticatedRequest, attachment_id: int) -> FileResponse:
    """The file, to the people who may see the task (404 for anyone else), always as a download."""
    attachment = selectors.progress_attachment_get(user=request.user, attachment_id=attachment_id)
    return stored_file_response(
        attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        missing=_("Không tìm thấy tệp đính kèm."),
    )


# --- the obstacles page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountCard:
    key: str
    label: str
    count: int
    query: dict[str, str]
    active: bool


@read_only_page
@login_required
@require_GET
def obstacle_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The visible obstacles, open ones by default, the oldest first; with counts and filters."""
    user = request.user
    today = clock.today()
    form = ObstacleFilterForm(request.GET, user=user)
    unit = form.chosen_unit
    mine = bool(form.value("mine"))
    overdue = bool(form.value("overdue"))
    scope_filters = selectors.ObstacleFilters(state="", unit_id=unit.pk if unit else None, as_of=today)
    list_filters = selectors.ObstacleFilters(
        state=form.chosen_state, unit_id=scope_filters.unit_id, overdue_only=overdue, as_of=today
    )
    my_units = sorted(user_scope(user).unit_ids)

    def narrowed(filters: selectors.ObstacleFilters) -> Any:
        qs = selectors.obstacle_list(user=user, filters=filters)
        return qs.filter(waiting_on_id__in=my_units) if mine else qs

    counts = selectors.obstacle_counts(qs=narrowed(scope_filters), as_of=today)
    state = form.chosen_state
    cards = [
        CountCard("open", _("Chờ trả lời"), counts["open"], {"state": "open"}, state == "open" and not overdue),
        CountCard("overdue", _("Quá hạn trả lời"), counts["overdue"], {"state": "open", "overdue": "on"}, overdue),
        CountCard("answered", _("Đã trả lời"), counts["answered"], {"state": "answered"}, state == "answered"),
    ]
    page = Paginator(narrowed(list_filters), PAGE_SIZE).get_page(form.page_number)
    calendar = current_calendar()
    rows = [obstacle_row(o, calendar, today) for o in page.object_list]
    context = {
        "form": form,
        "cards": cards,
        "rows": rows,
        "page": page,
        "state": state,
        "today": today,
        "nav_section": NAV_SECTION,
        "open_state": ObstacleState.OPEN.value,
    }
    return render_page(request, "monitoring/obstacles.html", context)
