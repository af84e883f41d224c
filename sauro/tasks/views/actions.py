"""The actions of a task's page (the table ``ACTIONS``: each one's form, the service it calls and how it is shown),
the panels they are shown in, and what other apps add to the page (``register_task_page_extension``).

Who is offered which action is ``tasks.access.allowed_actions``; the services decide again when it is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sauro.accounts.models import User
from sauro.common.errors import Conflict
from sauro.tasks import access, services
from sauro.tasks.choices import RequestState, TaskState
from sauro.tasks.forms import (
    AcceptForm,
    ApproveForm,
    DecisionForm,
    ExtensionRequestForm,
    FocusForm,
    IssueForm,
    ReasonForm,
    ReassignmentRequestForm,
    SubmitForm,
)
from sauro.tasks.models import Task

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
        acting_user=user,
        task=task,
        product_note=data["product_note"],
        product_ref=data.get("product_ref") or "",
        files=data.get("attachments") or [],
        confirmed=bool(data.get("confirm")),
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


def _set_focus(user: User, task: Task, data: dict[str, Any]) -> str:
    task = services.task_set_focus(acting_user=user, task=task, is_focus=data["is_focus"], note=data.get("note") or "")
    if task.is_focus:
        return _("Đã đánh dấu nhiệm vụ trọng tâm.")
    return _("Nhiệm vụ không còn được đánh dấu trọng tâm.")


def _focus_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    return FocusForm(data, initial={"is_focus": task.is_focus})


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


def _submit_form(data: QueryDict | None, user: User, task: Task) -> forms.Form:
    # A task no longer waiting for a product asks no confirmation: the service answers its conflict instead.
    submittable = task.state in {TaskState.IN_PROGRESS, TaskState.RETURNED}
    return SubmitForm(data, caveats=access.submit_caveats(task) if submittable else [])


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
            _submit_form,
            _submit,
            (Button(gettext_lazy("Gửi sản phẩm")),),
            summary=gettext_lazy("Ngày gửi sản phẩm được tính là ngày hoàn thành nếu sản phẩm được duyệt."),
            expanded=True,
            multipart=True,
            detail_template="tasks/_returned_submission.html",
            service_fields={"file": "attachments", "files": "attachments"},
        ),
        ActionSpec(
            "approve",
            gettext_lazy("Duyệt sản phẩm"),
            _plain(ApproveForm),
            _approve,
            (Button(gettext_lazy("Duyệt sản phẩm")),),
            expanded=True,
            detail_template="tasks/_pending_submission.html",
        ),
        ActionSpec(
            "return",
            gettext_lazy("Trả lại sản phẩm"),
            _plain(ReasonForm),
            _return,
            (Button(gettext_lazy("Trả lại")),),
            summary=gettext_lazy("Sản phẩm bị trả lại được tính là chưa hoàn thành cho đến khi được duyệt."),
            detail_template="tasks/_pending_submission.html",
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
        ActionSpec(
            "set_focus",
            gettext_lazy("Đánh dấu trọng tâm"),
            _focus_form,
            _set_focus,
            (Button(gettext_lazy("Lưu")),),
            summary=gettext_lazy("Nhiệm vụ trọng tâm được nêu trước trong báo cáo sơ kết quý."),
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
    opened: bool | None = None  # the person's next step (True) or not (False): instead of ``spec.expanded``

    @property
    def expanded(self) -> bool:
        if self.failure is not None:
            return True
        return self.spec.expanded if self.opened is None else self.opened

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
    """What an extension shows on a task's page: its action panels (in "Việc bạn có thể làm"), sections (after the
    task's facts) and closing sections (at the end of the page, after the timeline: the discussion)."""

    panels: list[ActionPanel] = field(default_factory=list)
    sections: list[TaskPageSection] = field(default_factory=list)
    closing: list[TaskPageSection] = field(default_factory=list)


# (user, task, failure) -> extras. The provider decides which of its actions the user is offered (it is also handed
# a refused action of its own, to show again with the bound form) and gates its own reads.
TaskPageProvider = Callable[[User, Task, Failure | None], TaskPageExtras]

_page_providers: dict[str, TaskPageProvider] = {}
_page_annotations: dict[str, dict[str, Any]] = {}


def register_task_page_extension(
    name: str,
    provider: TaskPageProvider,
    actions: Iterable[ActionSpec] = (),
    annotations: Mapping[str, Any] | None = None,
) -> None:
    """Add (or, under the same name, replace) an extension of the task page and the actions it posts to.

    Each action needs a route ``tasks:<action name>`` to ``task_action_view``; the services it calls refuse
    whoever may not act (a forged post is refused exactly as for the task's own actions). ``annotations`` are
    expressions added to the query that reads the page's task (``page_annotations``), so a provider can tell from the
    task itself whether it has anything to show, without a query of its own on the pages where it has not.
    """
    _page_providers[name] = provider
    _page_annotations[name] = dict(annotations or {})
    for spec in actions:
        ACTIONS[spec.name] = spec


def page_annotations() -> dict[str, Any]:
    """What the registered extensions add to the query of the page's task (``selectors.task_get(annotations=…)``)."""
    merged: dict[str, Any] = {}
    for more in _page_annotations.values():
        merged.update(more)
    return merged


def page_extras(user: User, task: Task, failure: Failure | None) -> TaskPageExtras:
    extras = TaskPageExtras()
    for provider in _page_providers.values():
        more = provider(user, task, failure)
        extras.panels += more.panels
        extras.sections += more.sections
        extras.closing += more.closing
    return extras
