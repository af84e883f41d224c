"""Pages of tasks: the list (with counts of the four reporting states and an Excel export), "Việc của tôi", the
unit's inbox, a task with its six-clear panel, timeline and the actions the user may take, and the draft form.

Reads go through ``tasks.selectors`` (another unit's task is a 404 here exactly as in the API); writes through
``tasks.services``. A refused action is shown next to its form in Vietnamese, never as a 500; a task changed by
someone else meanwhile (409) says so, with a reload link, and keeps what the person typed.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import Conflict, ServiceError, ValidationFailed
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.directives.models import Directive
from sauro.directives.panels import DetailPanel
from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.choices import Role
from sauro.org.models import Unit
from sauro.org.selectors import person_memberships
from sauro.tasks import access, selectors, services
from sauro.tasks.choices import OPEN_STATES, Confidence, EventKind, ReportingState, RequestState, TaskState, Trend
from sauro.tasks.exports import EXPORT_CHUNK_SIZE, export_queryset, tasks_to_xlsx
from sauro.tasks.forms import (
    ACTION_SERVICE_FIELDS,
    DEFAULT_SORT,
    SORTS,
    AcceptForm,
    ApproveForm,
    DecisionForm,
    ExtensionRequestForm,
    IssueForm,
    ReasonForm,
    ReassignmentRequestForm,
    SubmitForm,
    TaskFilterForm,
    TaskForm,
    add_service_errors,
    encode_cursor,
    initial_from_task,
)
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task, TaskEvent
from sauro.tasks.rules import CLEAR_LABELS, SixClears, six_clears

NAV_SECTION = "tasks"
PAGE_SIZE = 50
# "Việc của tôi" shows the latest finished tasks only; the list page has them all.
MINE_CLOSED_LIMIT = 20
# A sheet beyond this many rows is no longer read by anyone; the export says so in its file name.
EXPORT_LIMIT = 20_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where each reporting state's count links, and its colour (a CSS modifier).
REPORTING_CARDS = (
    ReportingState.DONE_ON_TIME,
    ReportingState.DONE_LATE,
    ReportingState.OPEN_ON_TIME,
    ReportingState.OPEN_OVERDUE,
)
CONFLICT_TITLE = gettext_lazy("Đã có người khác thao tác trên nhiệm vụ này trong lúc bạn đang xem.")
# The columns a row of the list page shows (tasks/_table.html, tasks/_flags.html) and the sort keys its cursor
# reads: a task's content and search text, a directive's full text and a person's account stay in the database.
LIST_ROW_FIELDS = (
    *("id", "title", "due_date", "is_ongoing", "extension_count", "state", "classification", "bounce_count"),
    *("confidence", "confidence_trend", "issued_on", "updated_at"),
    *("directive", "directive__kind", "directive__number", "directive__issuer_code"),
    *("lead_unit", "lead_unit__name", "responsible_person", "responsible_person__full_name"),
    "responsible_person__username",
)


# --- helpers -------------------------------------------------------------------------------------------------


# The drafting unit and the edit right are the access module's (page and API ask the same function).
drafting_unit = access.drafting_unit
may_edit = access.may_edit


def _ordered(qs: QuerySet[Task], sort: str) -> QuerySet[Task]:
    """Tasks in the sort order, empty values (no due date …) last on every database, ties broken by id."""
    _label, name, desc = SORTS.get(sort, SORTS[DEFAULT_SORT])
    key = F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True)
    return qs.order_by(key, "-id" if desc else "id")


def _after(qs: QuerySet[Task], sort: str, cursor: tuple[Any, int]) -> QuerySet[Task]:
    """The rows after ``cursor`` (the last row's sort value and id) in ``_ordered``'s order (keyset paging)."""
    _label, name, desc = SORTS.get(sort, SORTS[DEFAULT_SORT])
    value, pk = cursor
    op = "lt" if desc else "gt"
    if value is None:  # already among the rows without a value, which come last
        return qs.filter(**{f"{name}__isnull": True, f"id__{op}": pk})
    beyond = Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": pk}) | Q(**{f"{name}__isnull": True})
    return qs.filter(beyond)


def _page(
    tasks: QuerySet[Task], filters: selectors.TaskFilters, sort: str, cursor: tuple[Any, int] | None
) -> tuple[list[Task], str]:
    """One page of ``tasks`` (the list of ``filters``) and the cursor of the next page ("" on the last one)."""
    ordered = _ordered(tasks, sort)
    if cursor is not None:
        ordered = _after(ordered, sort, cursor)
    rows = selectors.page_rows(
        ordered,
        PAGE_SIZE + 1,
        shape=lambda rows: _ordered(rows.only(*LIST_ROW_FIELDS), sort),
        as_of=filters.as_of,
        text_search=bool(filters.q),
        in_due_order=sort == DEFAULT_SORT,
    )
    if len(rows) <= PAGE_SIZE:
        return rows, ""
    rows = rows[:PAGE_SIZE]
    last = rows[-1]
    name = SORTS.get(sort, SORTS[DEFAULT_SORT])[1]
    return rows, encode_cursor(getattr(last, name), last.pk)


@dataclass(frozen=True)
class CountCard:
    key: str
    label: str
    count: int
    active: bool


def _count_cards(counts: Mapping[str, int], current: str) -> list[CountCard]:
    labels = dict(ReportingState.choices)
    return [
        CountCard(key=s.value, label=str(labels[s]), count=counts.get(s.value, 0), active=current == s.value)
        for s in REPORTING_CARDS
    ]


# --- list, export, "Việc của tôi", the unit's inbox -------------------------------------------------------


def _counts_context(user: User, form: TaskFilterForm, tasks: QuerySet[Task] | None = None) -> dict[str, Any]:
    """The count cards of the form's filters; ``tasks``: the list of those filters when already built."""
    # The counts ignore the reporting-state filter itself: each links to exactly the tasks it counts.
    filters = form.filters(with_reporting=False)
    if tasks is None or filters != form.filters():
        tasks = selectors.task_list(user=user, filters=filters)
    counts = selectors.list_counts(user=user, filters=filters, tasks=tasks)
    current = form.cleaned_data.get("reporting") or ""
    return {
        "cards": _count_cards(counts, current),
        "ongoing": CountCard(
            "ongoing", str(ReportingState.ONGOING.label), counts.get("ongoing", 0), current == "ongoing"
        ),
    }


# ``dem=1``: a text search's counts in the page itself (the link offered without JavaScript).
COUNTS_INLINE_PARAM = "dem"


@login_required
@require_GET
def task_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = TaskFilterForm(request.GET, user=user)
    filters = form.filters()
    tasks = selectors.task_list(user=user, filters=filters)
    rows, next_cursor = _page(tasks, filters, form.sort_key, form.cursor)
    context: dict[str, Any] = {
        "form": form,
        "tasks": rows,
        "next_cursor": next_cursor,
        "is_first_page": form.cursor is None,
        "can_create": access.may_draft(user),
        "nav_section": NAV_SECTION,
        "tab": "list",
    }
    if filters.q and request.GET.get(COUNTS_INLINE_PARAM) != "1":
        # A text search may match tens of thousands of tasks: its first page comes at once, its counts (which read
        # every match) right after, from tasks:counts with the same query.
        query = request.GET.urlencode()
        context["counts_url"] = f"{reverse('tasks:counts')}?{query}"
        context["counts_inline_url"] = f"{reverse('tasks:list')}?{query}&{COUNTS_INLINE_PARAM}=1"
    else:
        context.update(_counts_context(user, form, tasks))
    return render_page(request, "tasks/list.html", context, partial_template_name="tasks/_list.html")


@login_required
@require_GET
def task_counts_view(request: AuthenticatedRequest) -> HttpResponse:
    """The list's count cards alone, for the filters of the query (loaded after a text search's first page)."""
    form = TaskFilterForm(request.GET, user=request.user, with_choices=False)
    response = render(request, "tasks/_counts.html", _counts_context(request.user, form))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def task_export_view(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered list (every page, in the list's order) as an Excel workbook."""
    user = request.user
    form = TaskFilterForm(request.GET, user=user, with_choices=False)
    tasks = export_queryset(_ordered(selectors.task_list(user=user, filters=form.filters()), form.sort_key))
    content = tasks_to_xlsx(tasks[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK_SIZE))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"nhiem-vu-{clock.today():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_tasks_view(request: AuthenticatedRequest) -> HttpResponse:
    """The tasks the user carries (responsible person or assigned officer), open ones first; their drafts."""
    user = request.user
    mine = selectors.TaskFilters(officer_id=user.pk)
    open_tasks = selectors.task_list(user=user, filters=dataclasses.replace(mine, states=[*OPEN_STATES]))
    closed = selectors.task_list(
        user=user, filters=dataclasses.replace(mine, states=[TaskState.DONE, TaskState.CANCELLED]), sort="-updated"
    )
    drafts = selectors.task_list(
        user=user, filters=selectors.TaskFilters(states=[TaskState.DRAFT]), sort="-updated"
    ).filter(created_by=user)
    context = {
        "open_tasks": list(_ordered(open_tasks, "due")),
        "closed_tasks": list(closed[:MINE_CLOSED_LIMIT]),
        "closed_limit": MINE_CLOSED_LIMIT,
        "drafts": list(drafts[:PAGE_SIZE]),
        "can_create": access.may_draft(user),
        "nav_section": NAV_SECTION,
        "tab": "mine",
    }
    return render(request, "tasks/mine.html", context)


@login_required
@require_GET
def unit_inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    """What waits for the units the user heads: tasks to accept, returned products, products to approve and
    requests to decide as the authority."""
    user = request.user
    headed = [
        m.unit
        for m in person_memberships(user=user, person=user)
        if m.role in {Role.UNIT_HEAD, Role.LEADER} and m.unit.valid_to is None
    ]
    ids = [u.pk for u in headed]

    def in_state(state: str) -> QuerySet[Task]:
        return _ordered(selectors.task_list(user=user, filters=selectors.TaskFilters(states=[state])), "due")

    visible = access.tasks_visible_to(user).values("pk")
    pending = {"state": RequestState.PENDING, "task__authority_unit_id__in": ids, "task_id__in": visible}
    extensions = list(
        ExtensionRequest.objects.filter(**pending).select_related("task", "requested_by").order_by("requested_at")
    )
    reassignments = list(
        ReassignmentRequest.objects.filter(**pending)
        .select_related("task", "requested_by", "from_unit", "proposed_unit")
        .order_by("requested_at")
    )
    context = {
        "units": headed,
        "to_accept": list(in_state(TaskState.ISSUED).filter(lead_unit_id__in=ids)),
        "returned": list(in_state(TaskState.RETURNED).filter(lead_unit_id__in=ids)),
        "to_approve": list(in_state(TaskState.SUBMITTED).filter(authority_unit_id__in=ids)),
        "extensions": extensions,
        "reassignments": reassignments,
        "request_count": len(extensions) + len(reassignments),
        "nav_section": NAV_SECTION,
        "tab": "inbox",
    }
    return render(request, "tasks/inbox.html", context)


# --- a task's page and its actions --------------------------------------------------------------------------


FormFactory = Callable[[QueryDict | None, User, Task], forms.Form]
Perform = Callable[[User, Task, dict[str, Any]], str]


@dataclass(frozen=True)
class Button:
    label: Promise
    value: str = ""
    secondary: bool = False


@dataclass(frozen=True)
class ActionSpec:
    """One action of a task's page: its small form, what it calls, and how it is shown.

    The form posts to the URL named ``tasks:<name>`` (a route to ``task_action_view`` in ``tasks.urls``).
    ``multipart``: the form carries files (``request.FILES`` is bound to it). ``detail_template``: shown above the
    form with ``r`` bound to the panel's ``detail`` (what the action is about, e.g. the obstacle to answer).
    """

    name: str
    title: Promise
    form: FormFactory
    perform: Perform
    buttons: tuple[Button, ...]
    summary: Promise | str = ""
    danger: bool = False
    expanded: bool = False
    multipart: bool = False
    detail_template: str = ""
    fields_template: str = ""  # lays the form's fields out instead of one under another
    service_fields: Mapping[str, str] | None = None  # service field name → form field name


def _issue(user: User, task: Task, data: dict[str, Any]) -> str:
    services.task_issue(acting_user=user, task=task, expected_version=data.get("version"))
    return _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.lead_unit}


def _accept(user: User, task: Task, data: dict[str, Any]) -> str:
    officers = data.get("officers") or []
    services.task_accept(acting_user=user, task=task, officer_ids=[p.pk for p in officers])
    return _("Đã tiếp nhận nhiệm vụ và phân công cán bộ thực hiện.") if officers else _("Đã tiếp nhận nhiệm vụ.")


def _submit(user: User, task: Task, data: dict[str, Any]) -> str:
    services.task_submit(
        acting_user=user, task=task, product_note=data["product_note"], product_ref=data.get("product_ref") or ""
    )
    return _("Đã gửi sản phẩm tới cấp có thẩm quyền.")


def _approve(user: User, task: Task, data: dict[str, Any]) -> str:
    services.task_approve(acting_user=user, task=task, note=data.get("note") or "")
    return _("Đã duyệt sản phẩm; nhiệm vụ hoàn thành.")


def _return(user: User, task: Task, data: dict[str, Any]) -> str:
    services.task_return(acting_user=user, task=task, reason=data["reason"])
    return _("Đã trả lại sản phẩm để đơn vị chủ trì hoàn thiện.")


def _cancel(user: User, task: Task, data: dict[str, Any]) -> str:
    services.task_cancel(acting_user=user, task=task, reason=data["reason"])
    return _("Đã dừng thực hiện nhiệm vụ.")


def _request_extension(user: User, task: Task, data: dict[str, Any]) -> str:
    services.extension_request_create(
        acting_user=user, task=task, new_due_date=data["new_due_date"], reason=data["reason"]
    )
    return _("Đã gửi đề nghị gia hạn tới cấp có thẩm quyền.")


def _request_reassignment(user: User, task: Task, data: dict[str, Any]) -> str:
    services.reassignment_request_create(
        acting_user=user, task=task, proposed_unit_id=data["proposed_unit"].pk, reason=data["reason"]
    )
    return _("Đã gửi đề nghị điều chỉnh đơn vị chủ trì tới cấp có thẩm quyền.")


def _pending(requests: QuerySet[Any]) -> Any:
    found = requests.filter(state=RequestState.PENDING).first()
    if found is None:
        raise Conflict(services.ERR_REQUEST_DECIDED, code="request_decided")
    return found


def _decide_extension(user: User, task: Task, data: dict[str, Any]) -> str:
    request = _pending(task.extension_requests.all())
    services.extension_request_decide(acting_user=user, request=request, approve=data["decision"], note=data["note"])
    return _("Đã đồng ý gia hạn.") if data["decision"] else _("Đã không đồng ý gia hạn.")


def _decide_reassignment(user: User, task: Task, data: dict[str, Any]) -> str:
    request = _pending(task.reassignment_requests.all())
    services.reassignment_request_decide(acting_user=user, request=request, approve=data["decision"], note=data["note"])
    return _("Đã đồng ý điều chỉnh đơn vị chủ trì.") if data["decision"] else _("Đã không đồng ý điều chỉnh.")


def _plain(form_class: type[forms.Form]) -> FormFactory:
    def make(data: QueryDict | None, user: User, task: Task) -> forms.Form:
        return form_class(data)

    return make


def _issue_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return IssueForm(data, initial={"version": task.version})


def _accept_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return AcceptForm(data, user=user, task=task)


def _reassignment_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return ReassignmentRequestForm(data, user=user, task=task)


DECISION_BUTTONS = (Button(gettext_lazy("Đồng ý"), "1"), Button(gettext_lazy("Không đồng ý"), "0", secondary=True))

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        ActionSpec(
            "issue",
            gettext_lazy("Giao nhiệm vụ"),
            _issue_form,
            _issue,
            (Button(gettext_lazy("Giao nhiệm vụ")),),
            summary=gettext_lazy("Giao cho đơn vị chủ trì khi nhiệm vụ đã bảo đảm đủ “6 rõ”."),
            expanded=True,
        ),
        ActionSpec(
            "accept",
            gettext_lazy("Tiếp nhận và phân công"),
            _accept_form,
            _accept,
            (Button(gettext_lazy("Tiếp nhận nhiệm vụ")),),
            expanded=True,
        ),
        ActionSpec(
            "submit",
            gettext_lazy("Gửi sản phẩm"),
            _plain(SubmitForm),
            _submit,
            (Button(gettext_lazy("Gửi sản phẩm")),),
            summary=gettext_lazy("Ngày gửi sản phẩm được tính là ngày hoàn thành nếu sản phẩm được duyệt."),
            expanded=True,
        ),
        ActionSpec(
            "approve",
            gettext_lazy("Duyệt sản phẩm"),
            _plain(ApproveForm),
            _approve,
            (Button(gettext_lazy("Duyệt sản phẩm")),),
            expanded=True,
        ),
        ActionSpec(
            "return",
            gettext_lazy("Trả lại sản phẩm"),
            _plain(ReasonForm),
            _return,
            (Button(gettext_lazy("Trả lại")),),
            summary=gettext_lazy("Sản phẩm bị trả lại được tính là chưa hoàn thành cho đến khi được duyệt."),
        ),
        ActionSpec(
            "decide_extension",
            gettext_lazy("Quyết định đề nghị gia hạn"),
            _plain(DecisionForm),
            _decide_extension,
            DECISION_BUTTONS,
            expanded=True,
        ),
        ActionSpec(
            "decide_reassignment",
            gettext_lazy("Quyết định đề nghị điều chỉnh đơn vị chủ trì"),
            _plain(DecisionForm),
            _decide_reassignment,
            DECISION_BUTTONS,
            expanded=True,
        ),
        ActionSpec(
            "request_extension",
            gettext_lazy("Đề nghị gia hạn"),
            _plain(ExtensionRequestForm),
            _request_extension,
            (Button(gettext_lazy("Gửi đề nghị gia hạn")),),
            summary=gettext_lazy("Thời hạn ban đầu vẫn được giữ để đánh giá; số lần gia hạn được thống kê."),
        ),
        ActionSpec(
            "request_reassignment",
            gettext_lazy("Đề nghị điều chỉnh đơn vị chủ trì"),
            _reassignment_form,
            _request_reassignment,
            (Button(gettext_lazy("Gửi đề nghị")),),
            summary=gettext_lazy("Mỗi lần đề nghị chuyển nhiệm vụ sang đơn vị khác đều được thống kê."),
        ),
        ActionSpec(
            "cancel",
            gettext_lazy("Dừng thực hiện nhiệm vụ"),
            _plain(ReasonForm),
            _cancel,
            (Button(gettext_lazy("Dừng thực hiện")),),
            danger=True,
        ),
    ]
}


@dataclass
class Failure:
    """An action the service refused: its bound form (the input is kept), the message and any named gaps."""

    action: str
    form: forms.Form
    message: str = ""
    gaps: list[tuple[str, str]] = field(default_factory=list)
    conflict: bool = False
    status: int = 200


@dataclass
class ActionPanel:
    spec: ActionSpec
    form: forms.Form
    prefix: str
    failure: Failure | None = None
    detail: Any = None  # the pending request a decision is about, the obstacle an answer is about
    anchor: str = ""  # the panel's element id when one action is offered several times (one per obstacle)
    title: Promise | str = ""  # instead of the action's title

    @property
    def expanded(self) -> bool:
        return self.spec.expanded or self.failure is not None

    @property
    def url_name(self) -> str:
        return f"tasks:{self.spec.name}"

    @property
    def element_id(self) -> str:
        return self.anchor or f"thao-tac-{self.prefix}"

    @property
    def heading(self) -> Promise | str:
        return self.title or self.spec.title


# --- what other apps add to a task's page -------------------------------------------------------------------


@dataclass(frozen=True)
class TaskPageSection:
    """A template included on a task's page (after its facts), with ``panel`` bound to ``context`` inside it."""

    template_name: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class TaskPageExtras:
    """What an extension shows on a task's page: its action panels (in "Việc bạn có thể làm") and sections."""

    panels: list[ActionPanel] = field(default_factory=list)
    sections: list[TaskPageSection] = field(default_factory=list)


# (user, task, failure) -> extras. The provider decides which of its actions the user is offered (it is also handed
# a refused action of its own, to show again with the bound form) and gates its own reads.
TaskPageProvider = Callable[[User, Task, Failure | None], TaskPageExtras]

_page_providers: dict[str, TaskPageProvider] = {}


def register_task_page_extension(name: str, provider: TaskPageProvider, actions: Iterable[ActionSpec] = ()) -> None:
    """Add (or, under the same name, replace) an extension of the task page and the actions it posts to.

    Each action needs a route ``tasks:<action name>`` to ``task_action_view``; the services it calls refuse
    whoever may not act (a forged post is refused exactly as for the task's own actions).
    """
    _page_providers[name] = provider
    for spec in actions:
        ACTIONS[spec.name] = spec


def _page_extras(user: User, task: Task, failure: Failure | None) -> TaskPageExtras:
    extras = TaskPageExtras()
    for provider in _page_providers.values():
        more = provider(user, task, failure)
        extras.panels += more.panels
        extras.sections += more.sections
    return extras


@dataclass(frozen=True)
class TimelineRow:
    event: TaskEvent
    label: str
    from_label: str
    to_label: str
    detail: str


def _timeline(user: User, task: Task) -> list[TimelineRow]:
    events = list(selectors.task_timeline(task=task))
    officer_ids = {i for e in events if e.kind == EventKind.ACCEPTED for i in e.data.get("officer_ids", [])}
    unit_ids = {e.data.get("proposed_unit_id") for e in events if e.kind == EventKind.REASSIGNMENT_REQUESTED}
    # The bodies an obstacle on this task was addressed to are named to whoever reads the task (as its obstacle
    # section does): the body asked may sit outside the units the reader sees.
    asked = {e.data.get("decider_unit_id") for e in events if e.kind == EventKind.OBSTACLE_RAISED}
    asked |= {e.data.get("unit_id") for e in events if e.kind in {EventKind.OBSTACLE_ESCALATED, EventKind.ESCALATED}}
    asked.discard(None)
    names = (
        dict(people_visible_to(user).filter(pk__in=officer_ids).values_list("pk", "full_name")) if officer_ids else {}
    )
    units = dict(units_visible_to(user).filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    if asked:
        units.update(Unit.objects.filter(pk__in=asked).values_list("pk", "name"))
    states = dict(TaskState.choices)
    rows = []
    for e in events:
        detail = ""
        if e.kind == EventKind.ACCEPTED and e.data.get("officer_ids"):
            who = ", ".join(str(names[i]) for i in e.data["officer_ids"] if i in names)
            detail = _("Phân công: %(names)s") % {"names": who} if who else ""
        elif e.kind in {EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_DECIDED} and e.data.get("new_due_date"):
            day = datetime.date.fromisoformat(e.data["new_due_date"])
            if e.kind == EventKind.EXTENSION_REQUESTED:
                detail = _("Đề nghị gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
            elif e.data.get("approved"):
                detail = _("Đồng ý gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
            else:
                detail = _("Không đồng ý gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
        elif e.kind == EventKind.REASSIGNMENT_REQUESTED and e.data.get("proposed_unit_id") in units:
            detail = _("Đề nghị chuyển cho %(unit)s") % {"unit": units[e.data["proposed_unit_id"]]}
        elif e.kind == EventKind.REASSIGNMENT_DECIDED and "approved" in e.data:
            detail = _("Đồng ý điều chỉnh") if e.data["approved"] else _("Không đồng ý điều chỉnh")
        else:
            detail = _monitoring_detail(e, units)
        rows.append(
            TimelineRow(
                event=e,
                label=str(dict(EventKind.choices).get(e.kind, e.kind)),
                from_label=str(states.get(e.from_state, "")) if e.from_state and e.to_state else "",
                to_label=str(states.get(e.to_state, "")) if e.to_state else "",
                detail=detail,
            )
        )
    return rows


def _percent(value: Any) -> str:
    return f"{value}%" if isinstance(value, int) and not isinstance(value, bool) else ""


def _monitoring_detail(e: TaskEvent, units: Mapping[Any, str]) -> str:
    """The one line a monitoring event adds on the timeline (what changed), from the event's data."""
    data = e.data or {}
    if e.kind == EventKind.PROGRESS:
        before, after = _percent(data.get("previous_percent")), _percent(data.get("percent"))
        if before and after and before != after:
            return _("Tiến độ %(before)s → %(after)s") % {"before": before, "after": after}
        return _("Tiến độ %(after)s") % {"after": after} if after else ""
    if e.kind == EventKind.OBSTACLE_RAISED and data.get("decider_unit_id") in units:
        return _("Đề nghị %(unit)s cho ý kiến") % {"unit": units[data["decider_unit_id"]]}
    if e.kind in {EventKind.OBSTACLE_ESCALATED, EventKind.ESCALATED} and data.get("unit_id") in units:
        name = units[data["unit_id"]]
        return "" if name in (e.note or "") else _("Chuyển đến %(unit)s") % {"unit": name}
    if e.kind == EventKind.CONFIDENCE_RATED and data.get("level") in Confidence.values:
        level = str(Confidence(data["level"]).label)
        previous = str(Confidence(data["previous"]).label) if data.get("previous") in Confidence.values else ""
        trend = str(Trend(data["trend"]).label) if data.get("trend") in Trend.values else ""
        text = f"{previous} → {level}" if previous and previous != level else level
        text = _("Khả năng hoàn thành: %(level)s") % {"level": text}
        return f"{text} ({trend.lower()})" if trend else text
    return ""


def _render_detail(request: AuthenticatedRequest, task: Task, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    today = clock.today()
    coordinating = list(task.coordinating_units.all())
    officers = list(task.officers.all())
    extension_requests = list(task.extension_requests.select_related("requested_by", "decided_by"))
    reassignment_requests = list(
        task.reassignment_requests.select_related("requested_by", "decided_by", "from_unit", "proposed_unit")
    )
    pending_extension = next((r for r in extension_requests if r.state == RequestState.PENDING), None)
    pending_reassignment = next((r for r in reassignment_requests if r.state == RequestState.PENDING), None)
    permissions = access.allowed_actions(
        user,
        task,
        officer_ids={o.pk for o in officers},
        pending_extension=pending_extension is not None,
        pending_reassignment=pending_reassignment is not None,
    )
    names = list(permissions.actions)
    details = {"decide_extension": pending_extension, "decide_reassignment": pending_reassignment}
    panels = []
    for name in names:
        spec = ACTIONS[name]
        if failure is not None and failure.action == name:
            form = failure.form
        else:
            form = spec.form(None, user, task)
            form.prefix = name
        mine = failure if failure is not None and failure.action == name else None
        panels.append(ActionPanel(spec=spec, form=form, prefix=name, failure=mine, detail=details.get(name)))
    extras = _page_extras(user, task, failure)
    panels += extras.panels
    panels.sort(key=lambda p: p.spec.danger)  # stopping the task comes last
    if failure is not None and not any(p.failure is failure for p in panels):
        # Keep the refused form and its input even if the action is no longer offered.
        spec = ACTIONS[failure.action]
        panels.insert(0, ActionPanel(spec=spec, form=failure.form, prefix=failure.action, failure=failure))
    clears = six_clears(task, issue_date=task.issued_on or today, coordinating_unit_ids={u.pk for u in coordinating})
    subtasks = list(selectors.task_subtasks(user=user, task=task))
    context = {
        "task": task,
        "coordinating": coordinating,
        "officers": officers,
        "clears": clears,
        "checklist": clears.checklist(),
        "subtasks": subtasks,
        "rollup": selectors.task_rollup_progress(task=task) if subtasks else None,
        "timeline": _timeline(user, task),
        "submissions": list(task.submissions.select_related("submitted_by", "decided_by")),
        "extension_requests": extension_requests,
        "reassignment_requests": reassignment_requests,
        "panels": panels,
        "sections": extras.sections,
        "permissions": permissions,
        "failure": failure,
        "nav_section": NAV_SECTION,
    }
    status = failure.status if failure is not None else 200
    return render(request, "tasks/detail.html", context, status=status)


@login_required
@require_GET
def task_detail_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    return _render_detail(request, task)


def _failure(action: str, form: forms.Form, exc: ServiceError) -> Failure:
    failure = Failure(action=action, form=form, message=exc.message, status=exc.status)
    if isinstance(exc, Conflict):
        failure.conflict = True
    if exc.code == "six_clears_incomplete":
        failure.gaps = [(CLEAR_LABELS.get(name, name), msg) for name, msg in exc.fields.items()]
    else:
        spec = ACTIONS.get(action)
        names = spec.service_fields if spec is not None and spec.service_fields is not None else ACTION_SERVICE_FIELDS
        add_service_errors(form, exc, dict(names))
    return failure


@login_required
@require_POST
def task_action_view(request: AuthenticatedRequest, task_id: int, action: str) -> HttpResponse:
    """Perform one action of a task's page; on refusal show the page again with the form and the reason."""
    if action not in ACTIONS:
        raise Http404
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    spec = ACTIONS[action]
    form = spec.form(request.POST, user, task)
    form.prefix = action
    if spec.multipart:
        form.files = request.FILES  # bound before validation: the factories take the posted data only
    if form.is_valid():
        try:
            message = spec.perform(user, task, form.cleaned_data)
        except ServiceError as exc:
            failure = _failure(action, form, exc)
        else:
            messages.success(request, message)
            return redirect("tasks:detail", task_id=task.pk)
    else:
        failure = Failure(action=action, form=form, message=_("Chưa thực hiện được: hãy sửa các mục được đánh dấu."))
    # Show the task as it is now: after a conflict it is not what the person saw.
    return _render_detail(request, selectors.task_get(user=user, task_id=task_id), failure)


# --- drafting -----------------------------------------------------------------------------------------------


def _parent(request: AuthenticatedRequest) -> Task | None:
    raw = request.POST.get("parent") if request.method == "POST" else request.GET.get("parent")
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return selectors.task_get(user=request.user, task_id=int(raw))


def _checklist(form: TaskForm, owner: Unit) -> SixClears:
    today = clock.today()
    if form.is_bound:
        task, coordinating = form.unsaved_task(owner)
        return six_clears(task, issue_date=today, coordinating_unit_ids=coordinating)
    if form.instance is not None:
        initial = form.initial.get("coordinating_units") or []
        return six_clears(form.instance, issue_date=today, coordinating_unit_ids=set(initial))
    authority = form.initial.get("authority_unit")
    task = Task(owner_unit=owner, title="", authority_unit=authority if isinstance(authority, Unit) else None)
    return six_clears(task, issue_date=today, coordinating_unit_ids=set())


def _form_context(form: TaskForm, owner: Unit, **extra: Any) -> dict[str, Any]:
    clears = _checklist(form, owner)
    return {
        "form": form,
        "owner": owner,
        "parent": form.parent,
        "clears": clears,
        "checklist": clears.checklist(),
        "nav_section": NAV_SECTION,
        **extra,
    }


def _after_save(request: AuthenticatedRequest, task: Task, *, issue: bool, version: int | None) -> HttpResponse:
    """After a draft is saved: issue it if asked; a refusal to issue brings the person back to the draft."""
    if not issue:
        messages.success(request, _("Đã lưu dự thảo nhiệm vụ."))
        return redirect("tasks:detail", task_id=task.pk)
    try:
        services.task_issue(acting_user=request.user, task=task, expected_version=version)
    except ValidationFailed as exc:
        gaps = "; ".join(f"{CLEAR_LABELS.get(k, k)}: {v}" for k, v in exc.fields.items())
        messages.warning(
            request,
            _("Đã lưu dự thảo nhưng chưa giao được. %(reason)s %(gaps)s") % {"reason": exc.message, "gaps": gaps},
        )
        return redirect("tasks:edit", task_id=task.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("tasks:detail", task_id=task.pk)
    messages.success(request, _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.lead_unit})
    return redirect("tasks:detail", task_id=task.pk)


@login_required
def task_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """A new draft; ``?directive=<id>`` takes the source directive, ``?parent=<id>`` makes it a sub-task."""
    user = request.user
    parent = _parent(request)
    owner = parent.lead_unit if parent is not None else drafting_unit(user)
    if owner is None or not access.may_draft_for(user, owner, clock.today()):
        raise PermissionDenied
    if request.method == "POST":
        form = TaskForm(request.POST, user=user, parent=parent)
        if form.is_valid():
            try:
                task = services.task_create(
                    acting_user=user, owner_unit=owner, parent=parent, fields=form.service_fields()
                )
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                return _after_save(request, task, issue=request.POST.get("intent") == "issue", version=task.version)
    else:
        form = TaskForm(user=user, parent=parent, initial=_initial_for_new(request, parent))
    return render(request, "tasks/form.html", _form_context(form, owner, task=None))


def _initial_for_new(request: AuthenticatedRequest, parent: Task | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"classification": "normal"}
    if parent is not None:
        initial.update(
            directive=parent.directive_id,
            source_paragraph=parent.source_paragraph,
            authority_unit=parent.lead_unit_id,
            supervising_leader=None,
            due_date=parent.due_date,
            product_kind=parent.product_kind,
        )
    raw = request.GET.get("directive", "")
    if raw.isdigit() and len(raw) < 12:
        initial["directive"] = int(raw)  # the form's choices are the visible directives: anything else is dropped
    return initial


@dataclass(frozen=True)
class FieldChange:
    label: str
    current: str
    yours: str


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | tuple | QuerySet):
        return ", ".join(str(v) for v in value)
    return str(value)


def _key(value: Any) -> Any:
    """A value reduced for comparison: objects to ids, collections to sorted ids, empty to None."""
    if isinstance(value, list | tuple | QuerySet):
        return sorted(_key(v) for v in value)
    value = getattr(value, "pk", value)
    return None if value in ("", None) else value


def _changes_since(form: TaskForm, current: Task) -> list[FieldChange]:
    """The fields whose saved value now differs from what the person typed (shown beside the 409 message)."""
    if form.errors:
        return []
    saved = initial_from_task(current)
    rows = []
    for name, bound in form.fields.items():
        if name == "version" or name not in saved:
            continue
        typed = form.cleaned_data.get(name)
        if _key(typed) == _key(saved[name]):
            continue
        if isinstance(bound, forms.ModelMultipleChoiceField):
            before: Any = list(current.coordinating_units.all())
        elif isinstance(bound, forms.ModelChoiceField):
            before = getattr(current, name)
        elif isinstance(bound, forms.ChoiceField):
            labels = {str(k): v for k, v in cast(list[tuple[Any, Any]], bound.choices)}
            before, typed = labels.get(str(saved[name]), saved[name]), labels.get(str(typed), typed)
        else:
            before = saved[name]
        rows.append(FieldChange(label=str(bound.label), current=_shown(before), yours=_shown(typed)))
    return rows


@login_required
def task_edit_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = selectors.task_get(user=user, task_id=task_id)
    if not may_edit(user, task):
        raise PermissionDenied
    if task.state != TaskState.DRAFT:
        messages.info(request, services.ERR_NOT_A_DRAFT)
        return redirect("tasks:detail", task_id=task.pk)
    conflict: Conflict | None = None
    changes: list[FieldChange] = []
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, user=user, instance=task)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            issue = request.POST.get("intent") == "issue"
            try:
                edits = form.changes()
                if edits:
                    task = services.task_update(acting_user=user, task=task, changes=edits, expected_version=version)
                    version = task.version
                elif version is not None and version != task.version and not issue:
                    raise Conflict(services.ERR_STALE, code="stale_version")
            except Conflict as exc:
                # Keep everything the person typed; take the current version so that saving again overwrites
                # knowingly, and show what changed meanwhile.
                conflict, status = exc, exc.status
                current = selectors.task_get(user=user, task_id=task_id)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = TaskForm(data, user=user, instance=current)
                form.is_valid()
                changes = _changes_since(form, current)
                task = current
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                return _after_save(request, task, issue=issue, version=version)
    else:
        form = TaskForm(user=user, instance=task)
    context = _form_context(form, task.owner_unit, task=task, conflict=conflict, changes=changes)
    return render(request, "tasks/form.html", context, status=status)


def _form_for_fragment(request: AuthenticatedRequest, data: QueryDict) -> tuple[TaskForm, Unit | None]:
    """The draft form rebuilt from a fragment request (htmx), with the draft or parent it is about."""
    user = request.user
    instance = parent = None
    task_raw, parent_raw = str(data.get("task") or ""), str(data.get("parent") or "")
    if task_raw.isdigit() and len(task_raw) < 12:
        instance = selectors.task_get(user=user, task_id=int(task_raw))
    if parent_raw.isdigit() and len(parent_raw) < 12:
        parent = selectors.task_get(user=user, task_id=int(parent_raw))
    form = TaskForm(data, user=user, instance=instance, parent=parent)
    if instance is not None:
        owner: Unit | None = instance.owner_unit
    elif parent is not None:
        owner = parent.lead_unit
    else:
        owner = drafting_unit(user)
    return form, owner


@login_required
@require_GET
def lead_options_view(request: AuthenticatedRequest) -> HttpResponse:
    """The responsible-person and authority pickers for the chosen lead unit (htmx, swapped out of band)."""
    form, _owner = _form_for_fragment(request, request.GET)
    response = render(request, "tasks/_lead_options.html", {"form": form})
    # The live checklist listens for this to check the draft again with the new choices.
    response["HX-Trigger-After-Settle"] = "tasks-options-loaded"
    return response


@login_required
@require_POST
def six_clears_check_view(request: AuthenticatedRequest) -> HttpResponse:
    """The six-clear checklist of the draft being typed (an unsaved task: nothing is written)."""
    form, owner = _form_for_fragment(request, request.POST)
    if owner is None:
        raise PermissionDenied
    clears = _checklist(form, owner)
    return render(request, "tasks/_six_clears.html", {"clears": clears, "checklist": clears.checklist(), "live": True})


# --- the panel on a directive's page ------------------------------------------------------------------------


def directive_tasks_panel(request: AuthenticatedRequest, directive: Directive) -> DetailPanel:
    """The tasks given from a directive, for ``directives.panels`` (registered by the tasks app)."""
    user = request.user
    tasks = selectors.task_list(
        user=user, filters=selectors.TaskFilters(directive_id=directive.pk, top_level_only=True)
    )
    return DetailPanel(
        "tasks/_directive_tasks.html",
        {
            "tasks": list(_ordered(tasks, "due")[:PAGE_SIZE]),
            "can_create": access.may_draft(user),
            "rollup": selectors.directive_rollup_progress(directive=directive),
        },
    )
