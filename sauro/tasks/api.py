"""API of tasks: draft, edit, issue, the lifecycle of PRODUCT §6, requests to the authority, list and timeline.

Every read goes through ``tasks.selectors`` (a task outside the caller's visibility is a 404 on every endpoint,
exactly as one that does not exist); every write through ``tasks.services``, which answer a missing right with
403, a task in the wrong state with 409 and a refused business rule with 422 (ARCHITECTURE rules 1, 2, 7).

An id in the request body that names a unit, person, directive or parent task the caller cannot see (or that does
not exist) is answered like an id in the path: 404, with ``fields`` naming the field.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator, BeforeValidator, ModelWrapValidatorHandler, ValidationInfo, model_validator
from pydantic import ValidationError as PydanticValidationError

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.api import (
    NO_NUL_PATTERN,
    ApiDate,
    ApiError,
    ApiId,
    ApiVersion,
    auth_user,
    cursor_param,
    date_between,
    error_responses,
    iso_date_only,
    limit_param,
    optional_not_null,
)
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.pagination import Key, Keyset
from sauro.common.uploads import MAX_UPLOAD_BYTES, human_size
from sauro.directives.access import directives_visible_to
from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.models import Unit
from sauro.tasks import access, rules, selectors, services
from sauro.tasks.choices import (
    OPEN_STATES,
    Classification,
    Confidence,
    EventKind,
    ProductKind,
    ReportingState,
    RequestState,
    ReviewCadence,
    TaskState,
    Trend,
)
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Submission, SubmissionFile, Task, TaskEvent

router = Router(tags=["Nhiệm vụ"])

# --- messages ---------------------------------------------------------------------------------------------------

# The names in a task's ``allowed_actions``: ``access.ACTION_NAMES``, the two links of the page and the actions other
# apps register (names only: tasks does not import them).
TaskAction = Literal[
    "issue",
    "accept",
    "submit",
    "approve",
    "return",
    "decide_extension",
    "decide_reassignment",
    "request_extension",
    "request_reassignment",
    "cancel",
    "set_focus",
    "edit",
    "split",
    # Registered by monitoring (``access.register_action_rule``): progress, obstacles, confidence.
    "progress",
    "raise_obstacle",
    "answer_obstacle",
    "rate_confidence",
]
ERR_NO_DRAFTING_UNIT = _(
    "Bạn không có quyền soạn nhiệm vụ: chỉ Văn phòng, lãnh đạo và người đứng đầu đơn vị mới được soạn nhiệm vụ."
)
ERR_TOP_SECRET = _(
    "Hệ thống không lưu giữ nhiệm vụ tuyệt mật (Quy chế 08-QC/TW). "
    "Độ mật chỉ được là “normal” (thường) hoặc “secret” (mật)."
)
ERR_NOT_NULL = _("Trường này không được để trống (null).")
ERR_NOT_AN_OBJECT = _("Nội dung yêu cầu phải là một đối tượng JSON.")
ERR_UNIT_NOT_FOUND = _("Không tìm thấy đơn vị đã chọn.")
ERR_PERSON_NOT_FOUND = _("Không tìm thấy người đã chọn.")
ERR_DIRECTIVE_NOT_FOUND = _("Không tìm thấy văn bản chỉ đạo đã chọn.")
ERR_PARENT_NOT_FOUND = _("Không tìm thấy nhiệm vụ cha.")

# --- limits -----------------------------------------------------------------------------------------------------

MAX_TITLE = 300  # Task.title
MAX_TEXT = 20_000
MAX_SHORT_TEXT = 5_000
MAX_REF = 300  # Submission.ref
MAX_QUERY = 200
MAX_IDS = 100
MIN_DATE = datetime.date(2000, 1, 1)
MAX_DATE = datetime.date(2099, 12, 31)

# What ``str.strip()`` removes: the services strip text before checking it is not empty, so a required text must
# hold at least one character outside this set. Spelled out (not ``\s``) because pydantic's regex engine and
# Python's disagree on ``\s`` (U+001C–U+001F), and the schema must promise exactly what the services accept.
# Written with escapes that Python's ``re``, pydantic's regex engine and JSON Schema validators all read alike.
_STRIPPED = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK_PATTERN = rf"^[^\x00]*[^\x00{_STRIPPED}][^\x00]*$"
# Due dates go through the working-day calendar; the schema says which years are accepted.
DATE_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"


TaskDate = Annotated[
    datetime.date,
    BeforeValidator(iso_date_only),
    AfterValidator(date_between(MIN_DATE, MAX_DATE)),
    Field(json_schema_extra={"pattern": DATE_PATTERN}, description="Ngày dạng YYYY-MM-DD, từ năm 2000 đến 2099."),
]
Title = Annotated[
    str, Field(min_length=1, max_length=MAX_TITLE, pattern=NON_BLANK_PATTERN, description="Tên nhiệm vụ.")
]
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=NO_NUL_PATTERN)]
ShortText = Annotated[str, Field(max_length=MAX_SHORT_TEXT, pattern=NO_NUL_PATTERN)]
Reason = Annotated[
    str, Field(min_length=1, max_length=MAX_SHORT_TEXT, pattern=NON_BLANK_PATTERN, description="Lý do (bắt buộc).")
]
IdList = Annotated[list[ApiId], Field(max_length=MAX_IDS)]
# The classification is checked by the operation, to answer tuyệt mật with its own message; the schema lists the
# two values kept.
ClassificationIn = Annotated[str, Field(json_schema_extra={"enum": list(Classification.values)}, description="Độ mật.")]


# --- schemas: input ---------------------------------------------------------------------------------------------


class ObjectIn(Schema):
    """A request body: a JSON object and nothing else.

    ninja's ``Schema`` reads fields from the attributes of any object, so without this a JSON string body such as
    ``"abc"`` would be read as ``{"title": "Abc"}`` (``str.title``), and an empty object for the optional bodies.
    """

    # Replaces ninja's validator of the same name, which wraps the input to read attributes.
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        if not isinstance(values, dict):
            raise ValueError(str(ERR_NOT_AN_OBJECT))
        return handler(values)


class TaskFieldsIn(ObjectIn):
    # The docstring of an input schema is its description in the API docs: Vietnamese.
    """Các trường của dự thảo; trường nào cũng có thể bỏ qua. Id là của đơn vị, người, văn bản bạn được xem."""

    content: Text | None = Field(None, description="Nội dung công việc cụ thể (rõ việc).")
    directive_id: ApiId | None = Field(None, description="Văn bản chỉ đạo là nguồn của nhiệm vụ.")
    source_paragraph: ShortText | None = Field(None, description="Đoạn, điểm trong văn bản chỉ đạo.")
    lead_unit_id: ApiId | None = Field(None, description="Đơn vị chủ trì (rõ trách nhiệm).")
    coordinating_unit_ids: IdList | None = optional_not_null("Các đơn vị phối hợp.")
    responsible_person_id: ApiId | None = Field(None, description="Người chịu trách nhiệm chính (rõ người).")
    supervising_leader_id: ApiId | None = Field(None, description="Lãnh đạo phụ trách.")
    officer_ids: IdList | None = optional_not_null("Cán bộ thực hiện.")
    due_date: TaskDate | None = Field(None, description="Thời hạn hoàn thành (rõ thời gian).")
    is_ongoing: bool | None = optional_not_null("Nhiệm vụ thường xuyên (khi đó cần chu kỳ rà soát).")
    review_cadence: ReviewCadence | None = Field(None, description="Chu kỳ rà soát của nhiệm vụ thường xuyên.")
    product_kind: ProductKind | None = Field(None, description="Loại sản phẩm (rõ sản phẩm).")
    product_description: Text | None = Field(None, description="Mô tả sản phẩm cần đạt.")
    authority_unit_id: ApiId | None = Field(None, description="Cấp có thẩm quyền nghiệm thu sản phẩm (rõ thẩm quyền).")
    classification: ClassificationIn | None = optional_not_null(
        "Độ mật: normal (thường) hoặc secret (mật). Hệ thống không lưu nhiệm vụ tuyệt mật."
    )
    cleared_person_ids: IdList | None = optional_not_null("Những người được xem nhiệm vụ mật.")
    is_focus: bool | None = optional_not_null("Nhiệm vụ trọng tâm: được nêu trước trong báo cáo sơ kết.")


class TaskCreateIn(TaskFieldsIn):
    title: Title
    parent_id: ApiId | None = Field(
        None, description="Nhiệm vụ cha (đang thực hiện); nhiệm vụ con thuộc đơn vị chủ trì của nhiệm vụ cha."
    )


class TaskPatchIn(TaskFieldsIn):
    """Chỉ các trường gửi lên thay đổi; null xóa giá trị của trường được phép để trống. version là bắt buộc."""

    version: ApiVersion = Field(
        description="Phiên bản đã đọc (bắt buộc); nếu nhiệm vụ đã được sửa sau đó thì 409 (stale_version)."
    )
    title: Title | None = optional_not_null("Tên nhiệm vụ.")


class IssueIn(ObjectIn):
    version: ApiVersion | None = Field(None, description="Phiên bản đã đọc; khác phiên bản hiện tại thì 409.")


class AcceptIn(ObjectIn):
    officer_ids: IdList = Field(default_factory=list, description="Cán bộ của đơn vị chủ trì được phân công.")


class SubmitIn(ObjectIn):
    product_note: Annotated[
        str, Field(min_length=1, max_length=MAX_TEXT, pattern=NON_BLANK_PATTERN, description="Mô tả sản phẩm đã gửi.")
    ]
    product_ref: Annotated[str, Field(max_length=MAX_REF, pattern=NO_NUL_PATTERN)] = Field(
        "", description="Số, ký hiệu hoặc đường dẫn của sản phẩm."
    )
    confirm: bool | None = Field(
        None,
        description="Xác nhận gửi khi tiến độ chưa đạt 100% hoặc còn khó khăn, vướng mắc chưa được trả lời: false "
        "trong trường hợp đó bị từ chối (422, code confirmation_required, fields.confirm nêu lý do); bỏ qua thì "
        "không hỏi xác nhận.",
    )


class ApproveIn(ObjectIn):
    note: ShortText = Field("", description="Ý kiến của cấp có thẩm quyền.")


class ReasonIn(ObjectIn):
    reason: Reason


class ExtensionRequestIn(ObjectIn):
    new_due_date: TaskDate = Field(description="Thời hạn đề nghị, sau thời hạn hiện tại.")
    reason: Reason


class ReassignmentRequestIn(ObjectIn):
    proposed_unit_id: ApiId = Field(description="Đơn vị đề nghị chủ trì thay.")
    reason: Reason


class DecideIn(ObjectIn):
    approve: bool = Field(description="true: đồng ý; false: không đồng ý.")
    note: ShortText = Field("", description="Ý kiến.")


# --- schemas: output --------------------------------------------------------------------------------------------


class SixClearsOut(Schema):
    person: bool = Field(description="Rõ người.")
    task: bool = Field(description="Rõ việc.")
    time: bool = Field(description="Rõ thời gian.")
    responsibility: bool = Field(description="Rõ trách nhiệm.")
    product: bool = Field(description="Rõ sản phẩm.")
    authority: bool = Field(description="Rõ thẩm quyền.")


class TaskOut(Schema):
    id: int
    title: str
    content: str
    state: TaskState = Field(description="Trạng thái xử lý.")
    state_label: str
    reporting_state: ReportingState | None = Field(
        description="Tình trạng theo bốn trạng thái báo cáo (hoặc thường xuyên) tại ngày as_of (mặc định hôm nay); "
        "null với dự thảo và nhiệm vụ đã dừng."
    )
    due_date: datetime.date | None = Field(description="Thời hạn đang có hiệu lực.")
    original_due_date: datetime.date | None = Field(description="Thời hạn khi giao (gia hạn không đổi giá trị này).")
    deadline: datetime.date | None = Field(
        description="Hạn cuối tính theo ngày làm việc: thời hạn rơi vào ngày nghỉ thì chuyển sang ngày làm việc "
        "kế tiếp."
    )
    is_ongoing: bool
    is_focus: bool = Field(description="Nhiệm vụ trọng tâm.")
    review_cadence: ReviewCadence
    issued_on: datetime.date | None
    accepted_on: datetime.date | None
    submitted_on: datetime.date | None
    completed_on: datetime.date | None = Field(description="Ngày gửi sản phẩm được chấp nhận (không phải ngày duyệt).")
    cancelled_on: datetime.date | None
    cancel_reason: str
    owner_unit_id: int = Field(description="Đơn vị giao (soạn) nhiệm vụ.")
    lead_unit_id: int | None
    coordinating_unit_ids: list[int]
    responsible_person_id: int | None
    supervising_leader_id: int | None
    officer_ids: list[int]
    authority_unit_id: int | None
    directive_id: int | None
    source_paragraph: str
    parent_id: int | None
    product_kind: ProductKind | None
    product_description: str
    progress: int = Field(description="Tiến độ, phần trăm.")
    bounce_count: int = Field(description="Số lần trả lại hoặc đề nghị chuyển đơn vị chủ trì.")
    buck_passing_suspect: bool = Field(description="Bị đẩy qua lại từ 3 lần trở lên (nghi đùn đẩy).")
    extension_count: int = Field(description="Số lần được gia hạn.")
    confidence: Confidence | None = Field(
        description="Khả năng hoàn thành do Văn phòng đánh giá (xanh … đỏ); null khi chưa được đánh giá."
    )
    confidence_label: str | None = Field(description="Tên mức đánh giá khả năng hoàn thành, bằng tiếng Việt.")
    confidence_trend: Trend | None = Field(description="Xu hướng so với lần đánh giá trước; null khi chưa đánh giá.")
    last_update_on: datetime.date | None = Field(
        description="Ngày những người thực hiện cập nhật nhiệm vụ gần nhất (tiếp nhận, tiến độ, khó khăn, sản phẩm)."
    )
    classification: Classification
    version: int = Field(description="Phiên bản; gửi lại khi sửa (PATCH) để tránh ghi đè thay đổi của người khác.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def fields_of(cls, task: Task, coordinating_unit_ids: list[int], officer_ids: list[int]) -> dict[str, Any]:
        return {
            "id": task.pk,
            "title": task.title,
            "content": task.content,
            "state": task.state,
            "state_label": str(TaskState(task.state).label),
            "reporting_state": getattr(task, "reporting_state", None),
            "due_date": task.due_date,
            "original_due_date": task.original_due_date,
            "deadline": task.deadline,
            "is_ongoing": task.is_ongoing,
            "is_focus": task.is_focus,
            "review_cadence": task.review_cadence,
            "issued_on": task.issued_on,
            "accepted_on": task.accepted_on,
            "submitted_on": task.submitted_on,
            "completed_on": task.completed_on,
            "cancelled_on": task.cancelled_on,
            "cancel_reason": task.cancel_reason,
            "owner_unit_id": task.owner_unit_id,
            "lead_unit_id": task.lead_unit_id,
            "coordinating_unit_ids": coordinating_unit_ids,
            "responsible_person_id": task.responsible_person_id,
            "supervising_leader_id": task.supervising_leader_id,
            "officer_ids": officer_ids,
            "authority_unit_id": task.authority_unit_id,
            "directive_id": task.directive_id,
            "source_paragraph": task.source_paragraph,
            "parent_id": task.parent_id,
            "product_kind": task.product_kind or None,
            "product_description": task.product_description,
            "progress": task.progress,
            "bounce_count": task.bounce_count,
            "buck_passing_suspect": task.is_buck_passing_suspect,
            "extension_count": task.extension_count,
            "confidence": task.confidence or None,
            "confidence_label": str(Confidence(task.confidence).label) if task.confidence else None,
            "confidence_trend": task.confidence_trend or None,
            "last_update_on": task.last_update_on,
            "classification": task.classification,
            "version": task.version,
            "created_at": task.created_at,
            "updated_at": task.updated_at,
        }

    @classmethod
    def from_prefetched(cls, task: Task) -> TaskOut:
        """From a task whose coordinating units and officers were prefetched (the list: no query per row)."""
        coordinating = sorted(unit.pk for unit in task.coordinating_units.all())
        officers = sorted(person.pk for person in task.officers.all())
        return cls.model_validate(cls.fields_of(task, coordinating, officers))


class SubmissionFileOut(Schema):
    id: int
    name: str = Field(description="Tên tệp khi tải lên.")
    size: int = Field(description="Dung lượng, byte.")
    content_type: str = Field(description="Kiểu nội dung do máy chủ xác định từ nội dung tệp.")
    sha256: str = Field(description="Mã băm SHA-256 của tệp (ghi trong nhật ký).")
    download_url: str = Field(description="Đường dẫn tải tệp (chỉ người được xem nhiệm vụ mới tải được).")

    @classmethod
    def from_file(cls, stored: SubmissionFile) -> SubmissionFileOut:
        return cls(
            id=stored.pk,
            name=stored.original_name,
            size=stored.size,
            content_type=stored.content_type,
            sha256=stored.sha256,
            download_url=reverse("tasks:submission_file", args=[stored.pk]),
        )


class SubmissionOut(Schema):
    id: int
    submitted_by_id: int
    submitted_on: datetime.date
    note: str = Field(description="Mô tả sản phẩm đã gửi.")
    ref: str = Field(description="Số, ký hiệu hoặc đường dẫn sản phẩm.")
    outcome: Literal["pending", "approved", "returned"] = Field(description="Chờ duyệt, đã duyệt, bị trả lại.")
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    decision_note: str = Field(description="Ý kiến khi duyệt, lý do khi trả lại.")
    files: list[SubmissionFileOut] = Field(description="Các tệp sản phẩm.")

    @classmethod
    def from_submission(cls, submission: Submission) -> SubmissionOut:
        return cls(
            id=submission.pk,
            submitted_by_id=submission.submitted_by_id,
            submitted_on=submission.submitted_on,
            note=submission.note,
            ref=submission.ref,
            outcome=submission.outcome,  # type: ignore[arg-type]
            decided_by_id=submission.decided_by_id,
            decided_at=submission.decided_at,
            decision_note=submission.decision_note,
            files=[SubmissionFileOut.from_file(f) for f in submission.files.all()],
        )


class NextStepOut(Schema):
    action: str = Field(
        description="Việc nên làm tiếp (một tên trong allowed_actions, ví dụ progress, submit, approve); rỗng khi "
        "nhiệm vụ đang chờ người khác."
    )
    message: str = Field(description="Vì sao, bằng tiếng Việt (ví dụ “Sản phẩm chờ anh/chị duyệt.”).")


class TaskDetailOut(TaskOut):
    six_clears: SixClearsOut = Field(description="Nhiệm vụ đã rõ từng điểm trong “6 rõ” hay chưa.")
    six_clears_missing: dict[str, str] = Field(
        description="Điểm chưa rõ → thông báo bằng tiếng Việt (khóa: person, task, time, responsibility, product, "
        "authority). Rỗng khi đủ 6 rõ."
    )
    warnings: list[str] = Field(description="Cảnh báo không chặn việc giao, ví dụ nội dung chung chung.")
    allowed_actions: list[TaskAction] = Field(
        description="Những việc bạn được làm với nhiệm vụ lúc này (như các nút trên trang nhiệm vụ): issue (giao), "
        "accept (tiếp nhận), submit (gửi sản phẩm), approve (duyệt), return (trả lại), decide_extension, "
        "decide_reassignment (quyết định đề nghị), request_extension (đề nghị gia hạn), request_reassignment (đề "
        "nghị điều chỉnh đơn vị chủ trì), cancel (dừng thực hiện), set_focus (đánh dấu trọng tâm), edit (sửa dự "
        "thảo), split (giao nhiệm vụ con), "
        "progress (cập nhật tiến độ), raise_obstacle (báo cáo khó khăn, vướng mắc), answer_obstacle (trả lời khó khăn, "
        "vướng mắc), rate_confidence (đánh giá khả năng hoàn thành)."
    )
    next_step: NextStepOut | None = Field(
        description="Việc bạn nên làm tiếp với nhiệm vụ và lý do (như trên trang nhiệm vụ); null khi không có."
    )
    submissions: list[SubmissionOut] = Field(description="Các lần gửi sản phẩm, mới nhất trước, kèm tệp.")

    @classmethod
    def from_task(cls, task: Task, user: User) -> TaskDetailOut:
        coordinating = sorted(task.coordinating_units.values_list("pk", flat=True))
        officers = sorted(task.officers.values_list("pk", flat=True))
        pending_extension, pending_reassignment = (
            access.pending_requests(task) if task.state in OPEN_STATES else (False, False)
        )
        allowed = access.allowed_actions(
            user,
            task,
            officer_ids=set(officers),
            pending_extension=pending_extension,
            pending_reassignment=pending_reassignment,
        )
        # An issued task is judged as of the day it was issued; a draft as if it were issued today.
        day = task.issued_on or clock.today()
        clears = rules.six_clears(task, issue_date=day, coordinating_unit_ids=set(coordinating))
        actions = [*allowed.names, *access.other_actions(user, task)]
        submissions = selectors.task_submissions(task=task) if task.state != TaskState.DRAFT else []
        step = access.next_step(user, task, actions=actions, submissions=submissions, officer_ids=set(officers))
        return cls.model_validate(
            {
                **cls.fields_of(task, coordinating, officers),
                "six_clears": clears.as_booleans(),
                "six_clears_missing": dict(clears.missing),
                "warnings": list(clears.warnings),
                "allowed_actions": actions,
                "next_step": {"action": step.action, "message": step.message} if step is not None else None,
                "submissions": [SubmissionOut.from_submission(s) for s in submissions],
            }
        )


class TaskPageOut(Schema):
    items: list[TaskOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class EventOut(Schema):
    id: int
    kind: EventKind
    kind_label: str
    actor_id: int | None
    actor_name: str
    at: datetime.datetime
    from_state: TaskState | None
    to_state: TaskState | None
    note: str
    data: dict[str, Any]

    @classmethod
    def from_event(cls, event: TaskEvent) -> EventOut:
        return cls(
            id=event.pk,
            kind=EventKind(event.kind),
            kind_label=str(event.get_kind_display()),
            actor_id=event.actor_id,
            actor_name=event.actor_name,
            at=event.at,
            from_state=TaskState(event.from_state) if event.from_state else None,
            to_state=TaskState(event.to_state) if event.to_state else None,
            note=event.note,
            data=dict(event.data or {}),
        )


class ExtensionRequestOut(Schema):
    id: int
    task_id: int
    requested_by_id: int
    requested_at: datetime.datetime
    current_due_date: datetime.date
    new_due_date: datetime.date
    reason: str
    state: RequestState
    decided_by_id: int | None
    decided_on: datetime.date | None
    decision_note: str

    @classmethod
    def from_request(cls, r: ExtensionRequest) -> ExtensionRequestOut:
        return cls(
            id=r.pk,
            task_id=r.task_id,
            requested_by_id=r.requested_by_id,
            requested_at=r.requested_at,
            current_due_date=r.current_due_date,
            new_due_date=r.new_due_date,
            reason=r.reason,
            state=RequestState(r.state),
            decided_by_id=r.decided_by_id,
            decided_on=r.decided_on,
            decision_note=r.decision_note,
        )


class ReassignmentRequestOut(Schema):
    id: int
    task_id: int
    requested_by_id: int
    requested_at: datetime.datetime
    from_unit_id: int
    proposed_unit_id: int
    reason: str
    state: RequestState
    decided_by_id: int | None
    decided_on: datetime.date | None
    decision_note: str

    @classmethod
    def from_request(cls, r: ReassignmentRequest) -> ReassignmentRequestOut:
        return cls(
            id=r.pk,
            task_id=r.task_id,
            requested_by_id=r.requested_by_id,
            requested_at=r.requested_at,
            from_unit_id=r.from_unit_id,
            proposed_unit_id=r.proposed_unit_id,
            reason=r.reason,
            state=RequestState(r.state),
            decided_by_id=r.decided_by_id,
            decided_on=r.decided_on,
            decision_note=r.decision_note,
        )


# --- helpers ----------------------------------------------------------------------------------------------------

# API field → the services' field (relations are given as ids in both).
_TO_SERVICE = {
    "lead_unit_id": "lead_unit",
    "authority_unit_id": "authority_unit",
    "coordinating_unit_ids": "coordinating_units",
    "responsible_person_id": "responsible_person",
    "supervising_leader_id": "supervising_leader",
    "officer_ids": "officers",
    "cleared_person_ids": "cleared_people",
    "directive_id": "directive",
}
_TO_API = {**{service: api for api, service in _TO_SERVICE.items()}, "parent": "parent_id"}
# Fields that have no empty value: null is refused by PATCH (and means "not given" on POST).
_NOT_NULL = {
    "title",
    "is_ongoing",
    "is_focus",
    "classification",
    "coordinating_unit_ids",
    "officer_ids",
    "cleared_person_ids",
}
_UNIT_FIELDS = ("lead_unit_id", "authority_unit_id", "coordinating_unit_ids")
_PERSON_FIELDS = ("responsible_person_id", "supervising_leader_id", "officer_ids", "cleared_person_ids")


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _service_fields(data: Mapping[str, Any], *, patch: bool) -> dict[str, Any]:
    """The API's fields as ``task_create``/``task_update`` take them; 422 for a null or a tuyệt mật value."""
    nulls = {name: str(ERR_NOT_NULL) for name in _NOT_NULL if name in data and data[name] is None}
    if nulls and patch:
        raise ValidationFailed(str(ERR_NOT_NULL), fields=nulls)
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name in nulls:
            continue
        if name == "classification" and value not in Classification.values:
            raise ValidationFailed(str(ERR_TOP_SECRET), fields={"classification": str(ERR_TOP_SECRET)})
        if isinstance(value, ProductKind | ReviewCadence):
            value = value.value
        fields[_TO_SERVICE.get(name, name)] = value
    return fields


def _check_references(user: User, data: Mapping[str, Any]) -> None:
    """404 when an id in the body names a unit, person or directive the caller cannot see (or none at all)."""
    missing: dict[str, str] = {}
    unit_ids = {i for name in _UNIT_FIELDS for i in _ids(data.get(name))}
    if unit_ids:
        seen = set(units_visible_to(user).filter(pk__in=unit_ids).values_list("pk", flat=True))
        for name in _UNIT_FIELDS:
            if not set(_ids(data.get(name))) <= seen:
                missing[name] = str(ERR_UNIT_NOT_FOUND)
    person_ids = {i for name in _PERSON_FIELDS for i in _ids(data.get(name))}
    if person_ids:
        seen = set(people_visible_to(user).filter(pk__in=person_ids, is_active=True).values_list("pk", flat=True))
        for name in _PERSON_FIELDS:
            if not set(_ids(data.get(name))) <= seen:
                missing[name] = str(ERR_PERSON_NOT_FOUND)
    directive_id = data.get("directive_id")
    if directive_id is not None and not directives_visible_to(user).filter(pk=directive_id).exists():
        missing["directive_id"] = str(ERR_DIRECTIVE_NOT_FOUND)
    if missing:
        raise ApiError(next(iter(missing.values())), status=404, code="not_found", fields=missing)


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Name the fields of a service's refusal as the API does (``lead_unit`` → ``lead_unit_id``)."""
    try:
        yield
    except ValidationFailed as exc:
        fields = {_TO_API.get(name, name): message for name, message in exc.fields.items()}
        raise ValidationFailed(exc.message, code=exc.code, fields=fields) from exc


def _drafting_unit(user: User) -> Unit:
    """The unit the caller drafts a new top-level task for: the page's rule (``access.drafting_unit``)."""
    unit = access.drafting_unit(user)
    if unit is None:
        raise PermissionDeniedError(str(ERR_NO_DRAFTING_UNIT))
    return unit


def _parent(user: User, parent_id: int) -> Task:
    try:
        parent = selectors.task_get(user=user, task_id=parent_id)
    except Http404:
        raise ApiError(
            str(ERR_PARENT_NOT_FOUND), status=404, code="not_found", fields={"parent_id": str(ERR_PARENT_NOT_FOUND)}
        ) from None
    if parent.state not in {TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED}:
        message = services.ERR_PARENT_NOT_OPEN
        raise Conflict(message, code="wrong_state", fields={"parent_id": message})
    return parent


def _detail(user: User, task_id: int) -> TaskDetailOut:
    return TaskDetailOut.from_task(selectors.task_get(user=user, task_id=task_id), user)


R = TypeVar("R", ExtensionRequest, ReassignmentRequest)


def _visible_request(user: User, model: type[R], request_id: int) -> R:
    """A request whose task the caller can see; 404 otherwise (as for one that does not exist)."""
    row = model.objects.filter(pk=request_id).first()
    if row is None:
        raise Http404
    selectors.task_get(user=user, task_id=row.task_id)
    return row


# --- keyset pages over (due date, id), tasks without a due date last -------------------------------------------

# By (due date, id) with undated tasks last: a total order, so no row repeats or is skipped.
_PAGE_ORDER = Keyset("tasks.api", Key("due_date", datetime.date, nullable=True), Key("id", int))


def _page(
    tasks: QuerySet[Task], filters: selectors.TaskFilters, *, cursor: str | None, limit: int
) -> tuple[list[Task], str | None]:
    """One page of ``tasks`` (the list of ``filters``) in ``_PAGE_ORDER`` and the next page's cursor."""

    def fetch(ordered: QuerySet[Task], count: int) -> list[Task]:
        return selectors.page_rows(
            ordered,
            count,
            shape=lambda rows: _PAGE_ORDER.order(rows).prefetch_related(
                Prefetch("coordinating_units", queryset=Unit.objects.only("id")),
                Prefetch("officers", queryset=User.objects.only("id")),
            ),
            as_of=filters.as_of,
            text_search=bool(filters.q),
            in_due_order=True,
        )

    page = _PAGE_ORDER.page(tasks, cursor=cursor, limit=limit, fetch=fetch)
    return page.items, page.next_cursor


# --- reads ------------------------------------------------------------------------------------------------------

STATE_PARAM = Query(None, description="Trạng thái xử lý (lặp lại tham số để chọn nhiều).")
REPORTING_STATE_PARAM = Query(None, description="Tình trạng báo cáo tại ngày as_of (lặp lại để chọn nhiều).")
Q_PARAM = Query(None, max_length=MAX_QUERY, pattern=NO_NUL_PATTERN, description="Từ khóa, có dấu hay không dấu.")


@router.get(
    "/tasks",
    response={200: TaskPageOut, **error_responses(401, 422)},
    summary="Danh sách nhiệm vụ",
    description=(
        "Nhiệm vụ bạn được xem, theo thời hạn rồi theo id; nhiệm vụ chưa có thời hạn đứng cuối. unit_id lấy đơn vị "
        "chủ trì và mọi đơn vị trực thuộc; lead_unit_id đúng đơn vị đó. reporting_state tính tại ngày as_of (mặc "
        "định hôm nay). Phân trang bằng con trỏ: gọi lại với cursor = next_cursor cho đến khi next_cursor là null."
    ),
)
def task_list(
    request: HttpRequest,
    q: str | None = Q_PARAM,
    lead_unit_id: ApiId | None = None,
    unit_id: ApiId | None = None,
    state: list[TaskState] | None = STATE_PARAM,
    reporting_state: list[ReportingState] | None = REPORTING_STATE_PARAM,
    due_after: ApiDate | None = None,
    due_before: ApiDate | None = None,
    directive_id: ApiId | None = None,
    responsible_person_id: ApiId | None = None,
    officer_id: ApiId | None = None,
    parent_id: ApiId | None = None,
    as_of: ApiDate | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> TaskPageOut:
    filters = selectors.TaskFilters(
        q=q or "",
        unit_id=unit_id,
        lead_unit_id=lead_unit_id,
        states=[s.value for s in state or []],
        reporting_states=[s.value for s in reporting_state or []],
        due_after=due_after,
        due_before=due_before,
        directive_id=directive_id,
        responsible_person_id=responsible_person_id,
        officer_id=officer_id,
        parent_id=parent_id,
        as_of=as_of,
    )
    rows, next_cursor = _page(
        selectors.task_list(user=auth_user(request), filters=filters), filters, cursor=cursor, limit=limit
    )
    return TaskPageOut(items=[TaskOut.from_prefetched(task) for task in rows], next_cursor=next_cursor)


@router.get(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **error_responses(401, 404, 422)},
    summary="Một nhiệm vụ",
    description="Đầy đủ thông tin và bảng kiểm “6 rõ”. Nhiệm vụ ngoài phạm vi bạn được xem trả về 404.",
)
def task_detail(request: HttpRequest, task_id: ApiId) -> TaskDetailOut:
    return _detail(auth_user(request), task_id)


@router.get(
    "/tasks/{task_id}/events",
    response={200: list[EventOut], **error_responses(401, 404, 422)},
    summary="Diễn biến của nhiệm vụ",
    description="Mọi bước của nhiệm vụ, cũ nhất trước: ai, lúc nào, làm gì, vì sao.",
)
def task_events(request: HttpRequest, task_id: ApiId) -> list[EventOut]:
    task = selectors.task_get(user=auth_user(request), task_id=task_id)
    return [EventOut.from_event(event) for event in selectors.task_timeline(task=task)]


@router.get(
    "/tasks/{task_id}/extension-requests",
    response={200: list[ExtensionRequestOut], **error_responses(401, 404, 422)},
    summary="Các đề nghị gia hạn của nhiệm vụ",
    description="Mới nhất trước.",
)
def task_extension_requests(request: HttpRequest, task_id: ApiId) -> list[ExtensionRequestOut]:
    task = selectors.task_get(user=auth_user(request), task_id=task_id)
    rows = ExtensionRequest.objects.filter(task=task).order_by("-requested_at", "-id")
    return [ExtensionRequestOut.from_request(r) for r in rows]


@router.get(
    "/tasks/{task_id}/reassignment-requests",
    response={200: list[ReassignmentRequestOut], **error_responses(401, 404, 422)},
    summary="Các đề nghị điều chỉnh đơn vị chủ trì của nhiệm vụ",
    description="Mới nhất trước.",
)
def task_reassignment_requests(request: HttpRequest, task_id: ApiId) -> list[ReassignmentRequestOut]:
    task = selectors.task_get(user=auth_user(request), task_id=task_id)
    rows = ReassignmentRequest.objects.filter(task=task).order_by("-requested_at", "-id")
    return [ReassignmentRequestOut.from_request(r) for r in rows]


# --- drafting ---------------------------------------------------------------------------------------------------


@router.post(
    "/tasks",
    response={201: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Soạn nhiệm vụ (dự thảo)",
    description=(
        "Lưu một dự thảo; ngoài title, mọi trường có thể bỏ trống và bảng kiểm six_clears cho biết điểm nào chưa rõ. "
        "Đơn vị giao: với nhiệm vụ con là đơn vị chủ trì của nhiệm vụ cha (nhiệm vụ cha phải đang thực hiện, nếu "
        "không thì 409); nếu không, đơn vị bạn soạn nhiệm vụ trên trang: đơn vị của vai trò cao nhất của bạn "
        "(Thường trực, Văn phòng, rồi đơn vị bạn đứng đầu); không có thì 403. Id của đơn vị, người, văn bản hay "
        "nhiệm vụ cha mà bạn không được xem trả về "
        "404, fields nêu trường đó. classification ngoài normal, secret (ví dụ tuyệt mật) bị từ chối với 422."
    ),
)
def task_create(request: HttpRequest, payload: TaskCreateIn) -> Status[TaskDetailOut]:
    user = auth_user(request)
    data = payload.model_dump(exclude_unset=True)
    parent_id = data.pop("parent_id", None)
    fields = _service_fields(data, patch=False)
    parent = _parent(user, parent_id) if parent_id is not None else None
    owner = parent.lead_unit if parent is not None and parent.lead_unit is not None else _drafting_unit(user)
    if not access.may_draft_for(user, owner, clock.today()):
        raise PermissionDeniedError(services.ERR_NO_DRAFT_RIGHT)
    _check_references(user, data)
    with _api_field_names():
        task = services.task_create(acting_user=user, owner_unit=owner, parent=parent, fields=fields)
    return Status(201, _detail(user, task.pk))


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Sửa dự thảo",
    description=(
        "Chỉ các trường gửi lên thay đổi; null xóa giá trị của trường được phép trống. Chỉ sửa được dự thảo (409 "
        "với nhiệm vụ đã giao, code not_a_draft). version (bắt buộc: thiếu thì 422) là phiên bản bạn đã đọc: người "
        "khác đã sửa sau đó thì 409 (code stale_version) và không gì bị ghi."
    ),
)
def task_update(request: HttpRequest, task_id: ApiId, payload: TaskPatchIn) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    fields = _service_fields(data, patch=True)
    # The service checks these again under the row lock; checking first answers 409/403 before a 404 on the body.
    if version != task.version:
        raise Conflict(services.ERR_STALE, code="stale_version")
    if task.state != TaskState.DRAFT:
        raise Conflict(services.ERR_NOT_A_DRAFT, code="not_a_draft")
    if not access.may_draft_for(user, task.owner_unit, clock.today()) and task.created_by_id != user.pk:
        raise PermissionDeniedError(services.ERR_NO_DRAFT_RIGHT)
    _check_references(user, data)
    with _api_field_names():
        services.task_update(acting_user=user, task=task, changes=fields, expected_version=version)
    return _detail(user, task.pk)


@router.post(
    "/tasks/{task_id}/issue",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Giao nhiệm vụ",
    description=(
        "Chỉ giao được khi đủ “6 rõ”; nếu chưa, 422 với code six_clears_incomplete và fields nêu từng điểm chưa rõ "
        "(person, task, time, responsibility, product, authority). Nội dung yêu cầu không bắt buộc."
    ),
)
def task_issue(request: HttpRequest, task_id: ApiId, payload: IssueIn | None = None) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    version = payload.version if payload is not None else None
    services.task_issue(acting_user=user, task=task, expected_version=version)
    return _detail(user, task.pk)


# --- the lifecycle ----------------------------------------------------------------------------------------------


@router.post(
    "/tasks/{task_id}/accept",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Tiếp nhận, phân công",
    description="Lãnh đạo đơn vị chủ trì tiếp nhận nhiệm vụ đã giao và (tùy chọn) phân công cán bộ của đơn vị.",
)
def task_accept(request: HttpRequest, task_id: ApiId, payload: AcceptIn | None = None) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    officer_ids = payload.officer_ids if payload is not None else []
    with _api_field_names():
        services.task_accept(acting_user=user, task=task, officer_ids=officer_ids)
    return _detail(user, task.pk)


MULTIPART = "multipart/form-data"
SUBMIT_FILES = "files"


def _submit_body_schema() -> dict[str, Any]:
    """``SubmitIn`` as JSON, or the same fields as multipart form data with the files (``files``, repeated)."""
    fields = SubmitIn.model_json_schema()
    form = {
        "type": "object",
        "required": fields.get("required", []),
        "properties": {
            "product_note": fields["properties"]["product_note"],
            "product_ref": fields["properties"]["product_ref"],
            "confirm": {"type": "boolean", "description": fields["properties"]["confirm"].get("description", "")},
            SUBMIT_FILES: {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": "Các tệp sản phẩm (lặp lại trường files cho mỗi tệp).",
            },
        },
    }
    return {
        "required": True,
        "content": {"application/json": {"schema": fields}, MULTIPART: {"schema": form}},
    }


def _submit_payload(request: HttpRequest) -> tuple[SubmitIn, list[Any]]:
    """The submission and its files from a JSON body or a multipart form; a body of any other type is a 400."""
    try:
        if request.content_type == MULTIPART:
            data: Any = {key: request.POST.get(key) for key in request.POST if key != SUBMIT_FILES}
            files = request.FILES.getlist(SUBMIT_FILES)
        elif request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                raise HttpError(400, "Cannot parse request body") from None
            files = []
        else:
            raise HttpError(400, "Cannot parse request body")
        return SubmitIn.model_validate(data), files
    except PydanticValidationError as exc:
        errors = [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors(include_url=False)]
        raise NinjaValidationError(errors) from None


@router.post(
    "/tasks/{task_id}/submit",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Gửi sản phẩm",
    description=(
        "Người chịu trách nhiệm, cán bộ được phân công hoặc lãnh đạo đơn vị chủ trì gửi sản phẩm cho cấp có thẩm "
        "quyền. Nếu được chấp nhận, ngày gửi là ngày hoàn thành. Gửi JSON, hoặc multipart/form-data với các trường "
        f"đó và các tệp sản phẩm (trường files, lặp lại cho mỗi tệp; tối đa {services.MAX_SUBMISSION_FILES} tệp, "
        f"mỗi tệp không quá {human_size(MAX_UPLOAD_BYTES)}; nhận PDF, Word, Excel, OpenDocument, ảnh JPG, PNG; tệp "
        "không đạt bị từ chối với 422, fields.file nêu lý do)."
    ),
    openapi_extra={"requestBody": _submit_body_schema()},
)
def task_submit(request: HttpRequest, task_id: ApiId) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    payload, files = _submit_payload(request)
    services.task_submit(
        acting_user=user,
        task=task,
        product_note=payload.product_note,
        product_ref=payload.product_ref,
        files=files,
        confirmed=payload.confirm,
    )
    return _detail(user, task.pk)


@router.post(
    "/tasks/{task_id}/approve",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Duyệt sản phẩm",
    description="Lãnh đạo của cấp có thẩm quyền chấp nhận sản phẩm: nhiệm vụ hoàn thành. Nội dung không bắt buộc.",
)
def task_approve(request: HttpRequest, task_id: ApiId, payload: ApproveIn | None = None) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    services.task_approve(acting_user=user, task=task, note=payload.note if payload is not None else "")
    return _detail(user, task.pk)


@router.post(
    "/tasks/{task_id}/return",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Trả lại sản phẩm",
    description="Cấp có thẩm quyền trả lại sản phẩm, nêu lý do; nhiệm vụ chưa hoàn thành cho đến khi gửi lại.",
)
def task_return(request: HttpRequest, task_id: ApiId, payload: ReasonIn) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    services.task_return(acting_user=user, task=task, reason=payload.reason)
    return _detail(user, task.pk)


@router.post(
    "/tasks/{task_id}/cancel",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Dừng nhiệm vụ",
    description="Cấp có thẩm quyền dừng nhiệm vụ đang thực hiện, nêu lý do.",
)
def task_cancel(request: HttpRequest, task_id: ApiId, payload: ReasonIn) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    services.task_cancel(acting_user=user, task=task, reason=payload.reason)
    return _detail(user, task.pk)


class FocusIn(ObjectIn):
    is_focus: bool = Field(description="true: đánh dấu nhiệm vụ trọng tâm; false: bỏ đánh dấu.")
    note: str = Field("", max_length=2000, description="Ghi chú (không bắt buộc).")


@router.post(
    "/tasks/{task_id}/focus",
    response={200: TaskDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Đánh dấu nhiệm vụ trọng tâm",
    description="Cấp có thẩm quyền, Văn phòng hoặc lãnh đạo đơn vị giao nhiệm vụ đánh dấu (hoặc bỏ đánh dấu) một "
    "nhiệm vụ đang thực hiện là trọng tâm. Dự thảo được đánh dấu khi sửa dự thảo.",
)
def task_set_focus(request: HttpRequest, task_id: ApiId, payload: FocusIn) -> TaskDetailOut:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    services.task_set_focus(acting_user=user, task=task, is_focus=payload.is_focus, note=payload.note)
    return _detail(user, task.pk)


# --- requests to the authority ----------------------------------------------------------------------------------


@router.post(
    "/tasks/{task_id}/extension-requests",
    response={201: ExtensionRequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Đề nghị gia hạn",
    description="Thời hạn đề nghị phải sau thời hạn hiện tại; mỗi lúc chỉ một đề nghị chờ quyết định (409).",
)
def extension_request_create(
    request: HttpRequest, task_id: ApiId, payload: ExtensionRequestIn
) -> Status[ExtensionRequestOut]:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    created = services.extension_request_create(
        acting_user=user, task=task, new_due_date=payload.new_due_date, reason=payload.reason
    )
    return Status(201, ExtensionRequestOut.from_request(created))


@router.post(
    "/extension-requests/{request_id}/decide",
    response={200: ExtensionRequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Quyết định gia hạn",
    description="Cấp có thẩm quyền đồng ý (thời hạn mới có hiệu lực, thời hạn ban đầu được giữ) hoặc không.",
)
def extension_request_decide(request: HttpRequest, request_id: ApiId, payload: DecideIn) -> ExtensionRequestOut:
    user = auth_user(request)
    row = _visible_request(user, ExtensionRequest, request_id)
    decided = services.extension_request_decide(
        acting_user=user, request=row, approve=payload.approve, note=payload.note
    )
    return ExtensionRequestOut.from_request(decided)


@router.post(
    "/tasks/{task_id}/reassignment-requests",
    response={201: ReassignmentRequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Đề nghị điều chỉnh đơn vị chủ trì",
    description="Lãnh đạo đơn vị chủ trì đề nghị giao nhiệm vụ cho đơn vị khác; được tính là một lần đẩy qua lại.",
)
def reassignment_request_create(
    request: HttpRequest, task_id: ApiId, payload: ReassignmentRequestIn
) -> Status[ReassignmentRequestOut]:
    user = auth_user(request)
    task = selectors.task_get(user=user, task_id=task_id)
    created = services.reassignment_request_create(
        acting_user=user, task=task, proposed_unit_id=payload.proposed_unit_id, reason=payload.reason
    )
    return Status(201, ReassignmentRequestOut.from_request(created))


@router.post(
    "/reassignment-requests/{request_id}/decide",
    response={200: ReassignmentRequestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Quyết định điều chỉnh đơn vị chủ trì",
    description="Nếu đồng ý, đơn vị được đề nghị trở thành đơn vị chủ trì và nhiệm vụ được giao lại cho đơn vị đó.",
)
def reassignment_request_decide(request: HttpRequest, request_id: ApiId, payload: DecideIn) -> ReassignmentRequestOut:
    user = auth_user(request)
    row = _visible_request(user, ReassignmentRequest, request_id)
    decided = services.reassignment_request_decide(
        acting_user=user, request=row, approve=payload.approve, note=payload.note
    )
    return ReassignmentRequestOut.from_request(decided)
