"""Every write to tasks: drafting, issuing, the lifecycle of PRODUCT §6, and requests to the authority.

Each transition locks the task row (``select_for_update``), checks the state it expects, writes a timeline
event and an audit entry in the same transaction. A transition that finds the task already moved on raises
``Conflict`` (409): of two people acting at once, exactly one wins.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.calendar import deadline_on_or_after
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.text import fold
from sauro.common.uploads import CheckedUpload, check_upload
from sauro.org.access import people_visible_to, units_acted_for, units_visible_to
from sauro.org.departures import Departure
from sauro.org.models import Membership, Unit
from sauro.org.restructuring import Succession
from sauro.org.selectors import unit_head
from sauro.tasks import access
from sauro.tasks.choices import (
    OPEN_STATES,
    Classification,
    EventKind,
    ProductKind,
    Recurrence,
    RequestState,
    ReviewCadence,
    SubmissionOutcome,
    TaskState,
)
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Submission, SubmissionFile, Task, TaskEvent
from sauro.tasks.rules import six_clears
from sauro.tasks.signals import task_event_recorded, tasks_handed_over

ERR_NO_DRAFT_RIGHT = "Bạn không có quyền soạn nhiệm vụ cho đơn vị này."
ERR_NOT_A_DRAFT = "Chỉ sửa được nhiệm vụ ở trạng thái dự thảo."
ERR_STALE = (
    "Nhiệm vụ đã được người khác cập nhật trong lúc bạn sửa. Hãy tải lại để xem thay đổi; "
    "nội dung bạn nhập vẫn còn trong biểu mẫu."
)
ERR_WRONG_STATE = "Không thể {action}: nhiệm vụ đang ở trạng thái “{state}”."
ERR_TITLE_REQUIRED = "Tên nhiệm vụ không được để trống."
ERR_UNIT_UNKNOWN = "Không tìm thấy đơn vị đã chọn."
ERR_UNIT_INACTIVE = "Đơn vị “{name}” không còn hoạt động."
ERR_PERSON_UNKNOWN = "Không tìm thấy người đã chọn."
ERR_UNKNOWN_FIELD = "Trường không được phép sửa: {name}."
ERR_SIX_CLEARS = "Nhiệm vụ chưa bảo đảm “6 rõ”, chưa thể giao."
ERR_NOT_LEAD_HEAD = "Chỉ lãnh đạo đơn vị chủ trì mới được tiếp nhận và phân công nhiệm vụ."
ERR_OFFICER_NOT_IN_LEAD = "Cán bộ “{name}” không thuộc đơn vị chủ trì."
ERR_NOT_WORKER = "Chỉ người chịu trách nhiệm, cán bộ được phân công hoặc lãnh đạo đơn vị chủ trì mới được làm việc này."
ERR_NOT_AUTHORITY = "Chỉ lãnh đạo của cấp có thẩm quyền mới được quyết định việc này."
ERR_NOT_FOCUS_SETTER = (
    "Chỉ lãnh đạo của cấp có thẩm quyền, Văn phòng và lãnh đạo của đơn vị giao nhiệm vụ mới được đánh dấu trọng tâm."
)
ERR_PERSON_REQUIRED = "Hãy chọn người chịu trách nhiệm chính trong đơn vị chủ trì."
ERR_PRODUCT_NOTE_REQUIRED = "Hãy mô tả sản phẩm đã hoàn thành."
MAX_SUBMISSION_FILES = 10
ERR_TOO_MANY_SUBMISSION_FILES = f"Mỗi lần gửi sản phẩm có tối đa {MAX_SUBMISSION_FILES} tệp."
ERR_CONFIRM_SUBMIT = "Nhiệm vụ có {caveats}: hãy đánh dấu ô xác nhận nếu vẫn gửi sản phẩm."
ERR_REASON_REQUIRED = "Hãy nêu lý do."
ERR_NEW_DUE_NOT_LATER = "Thời hạn đề nghị phải sau thời hạn hiện tại ({due:%d/%m/%Y})."
ERR_NO_DUE_DATE = "Nhiệm vụ không có thời hạn cụ thể để gia hạn."
ERR_EXTENSION_TOO_LATE = (
    "Nhiệm vụ đã quá hạn (hạn cuối {deadline:%d/%m/%Y}): không thể đề nghị gia hạn sau khi đã quá hạn. "
    "Hãy báo cáo khó khăn, vướng mắc và hoàn thành sớm nhất."
)
ERR_DONE_BEFORE_DECISION = "Nhiệm vụ đã hoàn thành trước khi đề nghị gia hạn được quyết định."
ERR_PENDING_EXISTS = "Đã có một đề nghị đang chờ quyết định."
ERR_REQUEST_DECIDED = "Đề nghị này đã được quyết định."
ERR_PROPOSED_SAME_UNIT = "Đơn vị đề nghị chủ trì phải khác đơn vị chủ trì hiện tại."
ERR_PARENT_NOT_OPEN = "Chỉ tạo được nhiệm vụ con cho nhiệm vụ đang thực hiện."
ERR_SECRET_NEEDS_PEOPLE = "Nhiệm vụ mật phải có người chịu trách nhiệm hoặc danh sách người được xem."  # noqa: S105
ERR_WEIGHT_NEGATIVE = "Trọng số không được âm."
HANDOVER_NOTE = "{person} thôi giữ vai trò tại “{unit}” từ ngày {day:%d/%m/%Y}: {what}."
HANDOVER_PARTS = {
    "responsible_person": "{head} chịu trách nhiệm chính thay",
    "officers": "thôi là cán bộ thực hiện",
    "supervising_leader": "{head} phụ trách thay",
}

ACTION_LABELS = {
    "issue": "giao nhiệm vụ",
    "accept": "tiếp nhận",
    "submit": "gửi sản phẩm",
    "approve": "duyệt sản phẩm",
    "return": "trả lại",
    "cancel": "dừng nhiệm vụ",
    "set_focus": "đánh dấu trọng tâm",
    "extension": "đề nghị gia hạn",
    "reassignment": "đề nghị điều chỉnh đơn vị chủ trì",
}

# Fields a draft may set or change, with how each is given (unit/person ids are resolved and gated).
SCALAR_FIELDS = {
    "title",
    "content",
    "source_paragraph",
    "due_date",
    "is_ongoing",
    "is_focus",
    "review_cadence",
    "recurrence",
    "recurrence_day",
    "recurrence_month",
    "product_kind",
    "product_description",
    "classification",
    "weight",
}
UNIT_FIELDS = {"lead_unit", "authority_unit"}
PERSON_FIELDS = {"responsible_person", "supervising_leader"}
DIRECTIVE_FIELDS = {"directive"}
M2M_FIELDS = {"coordinating_units", "officers", "cleared_people"}
EDITABLE_FIELDS = SCALAR_FIELDS | UNIT_FIELDS | PERSON_FIELDS | DIRECTIVE_FIELDS | M2M_FIELDS


# --- helpers --------------------------------------------------------------------------------------------


def task_snapshot(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "state": task.state,
        "lead_unit_id": task.lead_unit_id,
        "responsible_person_id": task.responsible_person_id,
        "due_date": task.due_date,
        "authority_unit_id": task.authority_unit_id,
        "product_kind": task.product_kind,
        "version": task.version,
    }


def _search_text(task: Task) -> str:
    return fold(" ".join(filter(None, [task.title, task.content, task.source_paragraph, task.product_description])))


def _lock(task: Task | int, *, expected_version: int | None = None) -> Task:
    pk = task.pk if isinstance(task, Task) else task
    locked = Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "authority_unit").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(ERR_STALE, code="stale_version")
    return locked


def _expect_state(task: Task, action: str, states: Iterable[str]) -> None:
    if task.state not in set(states):
        raise Conflict(
            ERR_WRONG_STATE.format(action=ACTION_LABELS[action], state=TaskState(task.state).label),
            code="wrong_state",
        )


def _sync_derived(task: Task) -> None:
    """Keep the stored derived fields (folded search text, calendar deadline) in step with the task."""
    task.search_text = _search_text(task)
    task.deadline = deadline_on_or_after(task.due_date) if task.due_date else None


def _bump(task: Task, fields: list[str]) -> None:
    task.version += 1
    _sync_derived(task)
    extra = ["version", "search_text", "deadline", "updated_at"]
    if "state" in fields:
        task.state_since = clock.today()
        extra.append("state_since")
    task.save(update_fields=[*fields, *extra])


def _record(
    task: Task,
    *,
    kind: str,
    actor: User | None,
    from_state: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> TaskEvent:
    """The timeline event and its journal entry; ``after`` defaults to the task's snapshot (other apps add the rows
    they changed, under keys ``<app>.<model>.<field>``, which the journal page names by the field's label)."""
    event = TaskEvent.objects.create(
        task=task,
        kind=kind,
        actor=actor,
        actor_name=actor.get_full_name() if actor else "Hệ thống",
        at=clock.now(),
        from_state=from_state,
        to_state=task.state if from_state and from_state != task.state else "",
        note=note,
        data=dict(data or {}),
    )
    audit_record(
        acting_user=actor,
        action=f"task.{kind}",
        obj=task,
        unit_id=task.lead_unit_id or task.owner_unit_id,
        summary=note[:500],
        before=before,
        after=after if after is not None else task_snapshot(task),
    )
    task_event_recorded.send(sender=Task, task=task, event=event)
    return event


def task_mark_updated(*, task: Task, day: datetime.date) -> None:
    """The people working on the task reported on it (accepted, progress, an obstacle, a product) on ``day``:
    ``last_update_on``, read by the lists and the "no update" reminder. Runs inside the transaction of the event it
    follows, whose journal entry records the update itself; the stamp does not bump the version (an edit of the
    draft is not made stale by it)."""
    Task.objects.filter(pk=task.pk).update(last_update_on=day)
    task.last_update_on = day


# The building blocks other apps' services use to write on a task the same way (monitoring: progress updates,
# obstacles, confidence ratings): lock the row, save with a new version, record the event and its audit entry.
task_lock = _lock
task_save = _bump
task_record_event = _record


def _resolve_unit(user: User, unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = units_visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationFailed(ERR_UNIT_UNKNOWN, fields={field: ERR_UNIT_UNKNOWN})
    return unit


def _resolve_person(user: User, person_id: int | None, field: str) -> User | None:
    if person_id is None:
        return None
    person = people_visible_to(user).filter(pk=person_id, is_active=True).first()
    if person is None:
        raise ValidationFailed(ERR_PERSON_UNKNOWN, fields={field: ERR_PERSON_UNKNOWN})
    return person


def _apply_changes(
    task: Task, changes: Mapping[str, Any], *, acting_user: User, check_units: bool = True
) -> dict[str, list[int]]:
    """Set the draft fields in ``changes`` (ids for relations) on ``task``; return the many-to-many ids to set.

    ``check_units``: refuse a lead unit or authority chosen against ``access.unit_gaps`` (not for a recurring task's
    instance, which copies its template's: it stays a draft with the gap named by the six clears)."""
    m2m: dict[str, list[int]] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationFailed(
                ERR_UNKNOWN_FIELD.format(name=name), fields={name: ERR_UNKNOWN_FIELD.format(name=name)}
            )
        if name in SCALAR_FIELDS:
            if name in {"title", "content", "source_paragraph", "product_description"}:
                value = (value or "").strip()
            if name in {"product_kind", "review_cadence", "recurrence"} and value is None:
                value = ""
            if name in {"is_ongoing", "is_focus"}:
                value = bool(value)
            setattr(task, name, value)
        elif name in UNIT_FIELDS:
            unit = _resolve_unit(acting_user, value, name)
            if unit is not None and unit.valid_to is not None:
                msg = ERR_UNIT_INACTIVE.format(name=unit.name)
                raise ValidationFailed(msg, fields={name: msg})
            setattr(task, name, unit)
        elif name in PERSON_FIELDS:
            setattr(task, name, _resolve_person(acting_user, value, name))
        elif name in DIRECTIVE_FIELDS:
            task.directive_id = _resolve_directive(acting_user, value)
        else:
            ids = sorted(set(value or []))
            if name == "coordinating_units":
                found = set(
                    units_visible_to(acting_user).filter(pk__in=ids, valid_to__isnull=True).values_list("pk", flat=True)
                )
            else:
                found = set(
                    people_visible_to(acting_user).filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
                )
            if found != set(ids):
                msg = ERR_UNIT_UNKNOWN if name == "coordinating_units" else ERR_PERSON_UNKNOWN
                raise ValidationFailed(msg, fields={name: msg})
            m2m[name] = ids
    if not task.title.strip():
        raise ValidationFailed(ERR_TITLE_REQUIRED, fields={"title": ERR_TITLE_REQUIRED})
    # A lead unit or authority that nobody could act for, or an authority outside the issuer's reach, is refused
    # as it is chosen (the six clears check them again on the day the task is issued).
    if check_units and (gaps := _unit_gaps(task, changes)):
        raise ValidationFailed(next(iter(gaps.values())), fields=gaps)
    if task.weight is not None and task.weight < 0:
        raise ValidationFailed(ERR_WEIGHT_NEGATIVE, fields={"weight": ERR_WEIGHT_NEGATIVE})
    if task.product_kind and task.product_kind not in ProductKind.values:
        raise ValidationFailed("Loại sản phẩm không hợp lệ.", fields={"product_kind": "Loại sản phẩm không hợp lệ."})
    if task.classification not in Classification.values:
        raise ValidationFailed("Độ mật không hợp lệ.", fields={"classification": "Độ mật không hợp lệ."})
    if task.review_cadence not in ReviewCadence.values or task.recurrence not in Recurrence.values:
        raise ValidationFailed("Chu kỳ không hợp lệ.", fields={"recurrence": "Chu kỳ không hợp lệ."})
    return m2m


def _unit_gaps(task: Task, changes: Mapping[str, Any]) -> dict[str, str]:
    """``access.unit_gaps`` of the lead unit and authority among ``changes``."""
    lead = task.lead_unit if "lead_unit" in changes else None
    authority = task.authority_unit if "authority_unit" in changes else None
    if lead is None and authority is None:
        return {}
    return access.unit_gaps(owner_unit=task.owner_unit, lead=lead, authority=authority, day=clock.today())


def _resolve_directive(user: User, directive_id: int | None) -> int | None:
    if directive_id is None:
        return None
    from sauro.directives.access import directives_visible_to

    if not directives_visible_to(user).filter(pk=directive_id).exists():
        msg = "Không tìm thấy văn bản chỉ đạo đã chọn."
        raise ValidationFailed(msg, fields={"directive": msg})
    return directive_id


def _set_m2m(task: Task, m2m: Mapping[str, list[int]]) -> None:
    for name, ids in m2m.items():
        getattr(task, name).set(ids)


# --- drafting -------------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    acting_user: User,
    owner_unit: Unit,
    parent: Task | None = None,
    fields: Mapping[str, Any],
    recurrence_template: Task | None = None,
    period_key: str = "",
) -> Task:
    """Save a new draft. Any field but ``title`` may be missing; the six-clear checklist names the gaps.

    ``recurrence_template`` and ``period_key`` are set by the system only (``tasks.recurrence``) for the instance of
    a recurring task: written with the row, so a second instance for the same period fails on the unique constraint.
    """
    today = clock.today()
    if parent is not None:
        parent = _lock(parent)
        if parent.state not in {TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED}:
            raise ValidationFailed(ERR_PARENT_NOT_OPEN, fields={"parent": ERR_PARENT_NOT_OPEN})
        owner_unit = parent.lead_unit or owner_unit
    if not access.may_draft_for(acting_user, owner_unit, today):
        raise PermissionDeniedError(ERR_NO_DRAFT_RIGHT)
    task = Task(owner_unit=owner_unit, parent=parent, created_by=acting_user, title="")
    if parent is not None:
        task.directive_id = parent.directive_id
        task.authority_unit = parent.lead_unit
    m2m = _apply_changes(task, fields, acting_user=acting_user, check_units=recurrence_template is None)
    task.recurrence_template = recurrence_template
    task.period_key = period_key if recurrence_template is not None else ""
    task.state_since = today
    _sync_derived(task)
    task.save()
    _set_m2m(task, m2m)
    kind = EventKind.GENERATED if recurrence_template is not None else EventKind.CREATED
    _record(task, kind=kind, actor=acting_user, data={"period_key": period_key} if recurrence_template else None)
    return task


@transaction.atomic
def task_update(
    *, acting_user: User, task: Task, changes: Mapping[str, Any], expected_version: int | None = None
) -> Task:
    """Edit a draft. A stale ``expected_version`` is a 409 and changes nothing."""
    task = _lock(task, expected_version=expected_version)
    if task.state != TaskState.DRAFT:
        raise Conflict(ERR_NOT_A_DRAFT, code="not_a_draft")
    if not access.may_draft_for(acting_user, task.owner_unit, clock.today()) and task.created_by_id != acting_user.pk:
        raise PermissionDeniedError(ERR_NO_DRAFT_RIGHT)
    before = task_snapshot(task)
    m2m = _apply_changes(task, changes, acting_user=acting_user)
    task.version += 1
    _sync_derived(task)
    task.save()
    _set_m2m(task, m2m)
    _record(task, kind=EventKind.EDITED, actor=acting_user, before=before, data={"fields": sorted(changes)})
    return task


@transaction.atomic
def task_issue(*, acting_user: User, task: Task, expected_version: int | None = None) -> Task:
    """Issue a draft (giao nhiệm vụ): refused, naming each gap, while any of the six clears is missing."""
    task = _lock(task, expected_version=expected_version)
    _expect_state(task, "issue", [TaskState.DRAFT])
    today = clock.today()
    if not access.may_draft_for(acting_user, task.owner_unit, today) and task.created_by_id != acting_user.pk:
        raise PermissionDeniedError(ERR_NO_DRAFT_RIGHT)
    clears = six_clears(task, issue_date=today)
    if not clears.complete:
        raise ValidationFailed(ERR_SIX_CLEARS, code="six_clears_incomplete", fields=dict(clears.missing))
    if task.classification == Classification.SECRET and task.responsible_person_id is None:
        raise ValidationFailed(ERR_SECRET_NEEDS_PEOPLE)
    before = task_snapshot(task)
    task.state = TaskState.ISSUED
    task.issued_on = today
    task.original_due_date = task.due_date
    task.original_deadline = deadline_on_or_after(task.due_date) if task.due_date else None
    _bump(task, ["state", "issued_on", "original_due_date", "original_deadline"])
    _record(task, kind=EventKind.ISSUED, actor=acting_user, from_state=TaskState.DRAFT, before=before)
    return task


# --- the lifecycle --------------------------------------------------------------------------------------


@transaction.atomic
def task_accept(
    *, acting_user: User, task: Task, officer_ids: Iterable[int] = (), responsible_person_id: int | None = None
) -> Task:
    """The lead unit's head receives the task and assigns officers of the unit (subtree).

    After a reassignment the task has no responsible person: the new lead unit names one here.
    """
    task = _lock(task)
    _expect_state(task, "accept", [TaskState.ISSUED])
    today = clock.today()
    if not access.heads_lead_unit(acting_user, task, today):
        raise PermissionDeniedError(ERR_NOT_LEAD_HEAD)
    lead_path = task.lead_unit.path if task.lead_unit else "/-/"  # an issued task has one (six clears)
    ids = sorted(set(officer_ids))
    if responsible_person_id is None and task.responsible_person_id is None:
        raise ValidationFailed(ERR_PERSON_REQUIRED, fields={"responsible_person_id": ERR_PERSON_REQUIRED})
    ids_to_check = [*ids, responsible_person_id] if responsible_person_id is not None else ids
    members = set(
        Membership.objects.active_on(today)
        .filter(person_id__in=ids_to_check, unit__path__startswith=lead_path, person__is_active=True)
        .values_list("person_id", flat=True)
    )
    for pid in ids_to_check:
        if pid not in members:
            person = User.objects.filter(pk=pid).first()
            msg = ERR_OFFICER_NOT_IN_LEAD.format(name=person.get_full_name() if person else pid)
            raise ValidationFailed(msg, fields={"officer_ids": msg})
    before = task_snapshot(task)
    task.state = TaskState.IN_PROGRESS
    task.accepted_on = today
    if responsible_person_id is not None:
        task.responsible_person_id = responsible_person_id
    _bump(task, ["state", "accepted_on", "responsible_person"])
    if ids:
        task.officers.add(*ids)
    _record(
        task,
        kind=EventKind.ACCEPTED,
        actor=acting_user,
        from_state=TaskState.ISSUED,
        before=before,
        data={"officer_ids": ids},
    )
    return task


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def task_submit(
    *,
    acting_user: User,
    task: Task,
    product_note: str,
    product_ref: str = "",
    files: Sequence[UploadedFile] = (),
    confirmed: bool | None = None,
) -> Submission:
    """Submit the product, with its files. Its date becomes the completion date if the authority accepts it.

    Each file is checked by ``common.uploads.check_upload`` (422 naming the file and the reason) and journalled in
    the submission's entry with its name, size and SHA-256. ``confirmed``: whether the person confirmed submitting
    although ``access.submit_caveats`` names a reason to wait (progress below 100%, an open obstacle); ``False``
    with such a reason is refused (422, field ``confirm``). ``None``: the caller asks no confirmation (the API
    without ``confirm``, the demo)."""
    task = _lock(task)
    _expect_state(task, "submit", [TaskState.IN_PROGRESS, TaskState.RETURNED])
    today = clock.today()
    if not access.works_on(acting_user, task, today):
        raise PermissionDeniedError(ERR_NOT_WORKER)
    product_note = product_note.strip()
    if not product_note:
        raise ValidationFailed(ERR_PRODUCT_NOTE_REQUIRED, fields={"product_note": ERR_PRODUCT_NOTE_REQUIRED})
    if len(files) > MAX_SUBMISSION_FILES:
        raise ValidationFailed(ERR_TOO_MANY_SUBMISSION_FILES, fields={"files": ERR_TOO_MANY_SUBMISSION_FILES})
    checked: list[tuple[CheckedUpload, str]] = []
    for upload in files:
        info = check_upload(upload)
        checked.append((info, _sha256(upload)))
    if confirmed is False and (caveats := access.submit_caveats(task)):
        message = ERR_CONFIRM_SUBMIT.format(caveats=" và ".join(caveats))
        raise ValidationFailed(message, code="confirmation_required", fields={"confirm": message})
    before = task_snapshot(task)
    from_state = task.state
    submission = Submission.objects.create(
        task=task, submitted_by=acting_user, submitted_on=today, note=product_note, ref=product_ref.strip()[:300]
    )
    journal_files = []
    for info, digest in checked:
        stored = SubmissionFile(
            submission=submission,
            original_name=info.name,
            size=info.size,
            content_type=info.content_type,
            sha256=digest,
        )
        stored.file.save(f"{uuid.uuid4().hex}{info.extension}", info.upload, save=False)
        stored.save()
        journal_files.append({"name": info.name, "size": info.size, "sha256": digest})
    task.state = TaskState.SUBMITTED
    task.submitted_on = today
    _bump(task, ["state", "submitted_on"])
    _record(
        task,
        kind=EventKind.SUBMITTED,
        actor=acting_user,
        from_state=from_state,
        note=product_note,
        before=before,
        after={
            **task_snapshot(task),
            "tasks.submission.id": submission.pk,
            "tasks.submission.ref": submission.ref,
            **({"tasks.submissionfile.original_name": journal_files} if journal_files else {}),
        },
        data={"submission_id": submission.pk, "ref": submission.ref, "files": [f["name"] for f in journal_files]},
    )
    return submission


def _pending_submission(task: Task) -> Submission:
    submission = task.submissions.select_for_update().filter(outcome=SubmissionOutcome.PENDING).order_by("-id").first()
    if submission is None:  # pragma: no cover - a submitted task always has one
        raise Conflict(ERR_WRONG_STATE.format(action=ACTION_LABELS["approve"], state=TaskState(task.state).label))
    return submission


@transaction.atomic
def task_approve(*, acting_user: User, task: Task, note: str = "") -> Task:
    """The authority accepts the product: the task is done from today (``approved_on``), completed on the product's
    submission date."""
    task = _lock(task)
    _expect_state(task, "approve", [TaskState.SUBMITTED])
    if not access.acts_for_authority(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_AUTHORITY)
    submission = _pending_submission(task)
    submission.outcome = SubmissionOutcome.APPROVED
    submission.decided_by = acting_user
    submission.decided_at = clock.now()
    submission.decision_note = note.strip()
    submission.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    before = task_snapshot(task)
    task.state = TaskState.DONE
    task.completed_on = submission.submitted_on
    task.approved_on = clock.today()
    task.progress = 100
    _bump(task, ["state", "completed_on", "approved_on", "progress"])
    # An extension still asked for is moot once the task is done: its deadline stays the one it was done against.
    ExtensionRequest.objects.filter(task=task, state=RequestState.PENDING).update(
        state=RequestState.REJECTED,
        decided_by=acting_user,
        decided_on=clock.today(),
        decision_note=ERR_DONE_BEFORE_DECISION,
    )
    _record(task, kind=EventKind.APPROVED, actor=acting_user, from_state=TaskState.SUBMITTED, note=note, before=before)
    return task


@transaction.atomic
def task_return(*, acting_user: User, task: Task, reason: str) -> Task:
    """The authority sends the product back: not completed until resubmitted and accepted."""
    task = _lock(task)
    _expect_state(task, "return", [TaskState.SUBMITTED])
    if not access.acts_for_authority(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_AUTHORITY)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(ERR_REASON_REQUIRED, fields={"reason": ERR_REASON_REQUIRED})
    submission = _pending_submission(task)
    submission.outcome = SubmissionOutcome.RETURNED
    submission.decided_by = acting_user
    submission.decided_at = clock.now()
    submission.decision_note = reason
    submission.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    before = task_snapshot(task)
    task.state = TaskState.RETURNED
    task.submitted_on = None
    task.bounce_count += 1
    _bump(task, ["state", "submitted_on", "bounce_count"])
    _record(
        task, kind=EventKind.RETURNED, actor=acting_user, from_state=TaskState.SUBMITTED, note=reason, before=before
    )
    return task


@transaction.atomic
def task_cancel(*, acting_user: User, task: Task, reason: str) -> Task:
    """The authority stops the task, with a reason."""
    task = _lock(task)
    _expect_state(task, "cancel", OPEN_STATES)
    if not access.acts_for_authority(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_AUTHORITY)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(ERR_REASON_REQUIRED, fields={"reason": ERR_REASON_REQUIRED})
    before = task_snapshot(task)
    from_state = task.state
    task.state = TaskState.CANCELLED
    task.cancelled_on = clock.today()
    task.cancel_reason = reason
    _bump(task, ["state", "cancelled_on", "cancel_reason"])
    ExtensionRequest.objects.filter(task=task, state=RequestState.PENDING).update(
        state=RequestState.REJECTED, decided_by=acting_user, decided_on=clock.today(), decision_note=reason
    )
    ReassignmentRequest.objects.filter(task=task, state=RequestState.PENDING).update(
        state=RequestState.REJECTED, decided_by=acting_user, decided_on=clock.today(), decision_note=reason
    )
    _record(task, kind=EventKind.CANCELLED, actor=acting_user, from_state=from_state, note=reason, before=before)
    return task


@transaction.atomic
def task_set_focus(*, acting_user: User, task: Task, is_focus: bool, note: str = "") -> Task:
    """Flag an issued, open task "trọng tâm" (or take the flag off): the quarterly report names it first and the
    dashboards count it. A draft's flag is set by editing the draft."""
    task = _lock(task)
    _expect_state(task, "set_focus", OPEN_STATES)
    if not access.may_set_focus(acting_user, task):
        raise PermissionDeniedError(ERR_NOT_FOCUS_SETTER)
    if task.is_focus == is_focus:
        return task
    before = {**task_snapshot(task), "is_focus": task.is_focus}
    task.is_focus = is_focus
    _bump(task, ["is_focus"])
    _record(
        task,
        kind=EventKind.FOCUS_CHANGED,
        actor=acting_user,
        note=note.strip(),
        data={"is_focus": is_focus},
        before=before,
        after={**task_snapshot(task), "is_focus": task.is_focus},
    )
    return task


# --- requests to the authority --------------------------------------------------------------------------


@transaction.atomic
def extension_request_create(
    *, acting_user: User, task: Task, new_due_date: datetime.date, reason: str
) -> ExtensionRequest:
    task = _lock(task)
    _expect_state(task, "extension", [TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED])
    if not access.works_on(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_WORKER)
    if task.due_date is None:
        raise ValidationFailed(ERR_NO_DUE_DATE)
    if not access.extension_still_askable(task, clock.today()):
        msg = ERR_EXTENSION_TOO_LATE.format(deadline=task.deadline)
        raise ValidationFailed(msg, code="extension_too_late", fields={"new_due_date": msg})
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(ERR_REASON_REQUIRED, fields={"reason": ERR_REASON_REQUIRED})
    if new_due_date <= task.due_date:
        msg = ERR_NEW_DUE_NOT_LATER.format(due=task.due_date)
        raise ValidationFailed(msg, fields={"new_due_date": msg})
    if task.extension_requests.filter(state=RequestState.PENDING).exists():
        raise Conflict(ERR_PENDING_EXISTS, code="request_pending")
    request = ExtensionRequest.objects.create(
        task=task,
        requested_by=acting_user,
        requested_at=clock.now(),
        current_due_date=task.due_date,
        new_due_date=new_due_date,
        reason=reason,
    )
    _record(
        task,
        kind=EventKind.EXTENSION_REQUESTED,
        actor=acting_user,
        note=reason,
        data={"request_id": request.pk, "new_due_date": new_due_date.isoformat()},
    )
    return request


@transaction.atomic
def extension_request_decide(
    *, acting_user: User, request: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The authority grants or refuses an extension. The original due date is kept on the task."""
    task = _lock(request.task_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.PENDING:
        raise Conflict(ERR_REQUEST_DECIDED, code="request_decided")
    if not access.acts_for_authority(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_AUTHORITY)
    request.state = RequestState.APPROVED if approve else RequestState.REJECTED
    request.decided_by = acting_user
    request.decided_on = clock.today()
    request.decision_note = note.strip()
    request.new_deadline = deadline_on_or_after(request.new_due_date) if approve else None
    request.save(update_fields=["state", "decided_by", "decided_on", "decision_note", "new_deadline"])
    before = task_snapshot(task)
    if approve:
        task.due_date = request.new_due_date
        task.extension_count += 1
        _bump(task, ["due_date", "extension_count"])
    _record(
        task,
        kind=EventKind.EXTENSION_DECIDED,
        actor=acting_user,
        note=note,
        before=before,
        data={"request_id": request.pk, "approved": approve, "new_due_date": request.new_due_date.isoformat()},
    )
    return request


@transaction.atomic
def reassignment_request_create(
    *, acting_user: User, task: Task, proposed_unit_id: int, reason: str
) -> ReassignmentRequest:
    """The lead unit asks the authority to hand the task to another unit (counted as a bounce)."""
    task = _lock(task)
    _expect_state(task, "reassignment", [TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED])
    if not access.heads_lead_unit(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_LEAD_HEAD)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(ERR_REASON_REQUIRED, fields={"reason": ERR_REASON_REQUIRED})
    # Only units under the task's authority may be proposed (the same choices the page offers); any other id
    # is "not found", so the request cannot be used to probe which units exist.
    proposed = Unit.objects.filter(pk=proposed_unit_id, valid_to__isnull=True).first()
    if proposed is None or task.authority_unit is None or not task.authority_unit.governs(proposed):
        raise ValidationFailed(ERR_UNIT_UNKNOWN, fields={"proposed_unit_id": ERR_UNIT_UNKNOWN})
    if task.lead_unit is None or proposed.pk == task.lead_unit.pk:
        raise ValidationFailed(ERR_PROPOSED_SAME_UNIT, fields={"proposed_unit_id": ERR_PROPOSED_SAME_UNIT})
    gap = access.lead_gap(proposed, units_acted_for([proposed], clock.today()))
    if gap:
        raise ValidationFailed(gap, fields={"proposed_unit_id": gap})
    if task.reassignment_requests.filter(state=RequestState.PENDING).exists():
        raise Conflict(ERR_PENDING_EXISTS, code="request_pending")
    request = ReassignmentRequest.objects.create(
        task=task,
        requested_by=acting_user,
        requested_at=clock.now(),
        from_unit=task.lead_unit,
        proposed_unit=proposed,
        reason=reason,
    )
    before = task_snapshot(task)
    task.bounce_count += 1
    _bump(task, ["bounce_count"])
    _record(
        task,
        kind=EventKind.REASSIGNMENT_REQUESTED,
        actor=acting_user,
        note=reason,
        before=before,
        data={"request_id": request.pk, "proposed_unit_id": proposed.pk},
    )
    return request


@transaction.atomic
def reassignment_request_decide(
    *, acting_user: User, request: ReassignmentRequest, approve: bool, note: str = ""
) -> ReassignmentRequest:
    """On approval the proposed unit becomes the lead unit and the task is issued to it afresh."""
    task = _lock(request.task_id)
    request = ReassignmentRequest.objects.select_for_update().select_related("proposed_unit").get(pk=request.pk)
    if request.state != RequestState.PENDING:
        raise Conflict(ERR_REQUEST_DECIDED, code="request_decided")
    if not access.acts_for_authority(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_AUTHORITY)
    request.state = RequestState.APPROVED if approve else RequestState.REJECTED
    request.decided_by = acting_user
    request.decided_on = clock.today()
    request.decision_note = note.strip()
    request.save(update_fields=["state", "decided_by", "decided_on", "decision_note"])
    before = task_snapshot(task)
    from_state = task.state
    if approve:
        task.lead_unit = request.proposed_unit
        task.state = TaskState.ISSUED
        task.responsible_person = None
        task.coordinating_units.remove(request.proposed_unit)
        task.officers.clear()
        _bump(task, ["lead_unit", "state", "responsible_person"])
    _record(
        task,
        kind=EventKind.REASSIGNMENT_DECIDED,
        actor=acting_user,
        from_state=from_state,
        note=note,
        before=before,
        data={"request_id": request.pk, "approved": approve},
    )
    return request


# --- restructuring --------------------------------------------------------------------------------------


def tasks_move_to_successor(succession: Succession) -> int:
    """Registered with org.restructuring: open tasks and drafts of a merged unit go to its successor."""
    old, new = succession.predecessor, succession.successor
    moved = 0
    live = [*OPEN_STATES, TaskState.DRAFT]
    for task in Task.objects.select_for_update().filter(lead_unit=old, state__in=live):
        before = task_snapshot(task)
        task.lead_unit = new
        task.coordinating_units.remove(new)
        _bump(task, ["lead_unit"])
        _record(
            task,
            kind=EventKind.UNIT_SUCCEEDED,
            actor=succession.acting_user,
            note=f"“{old.name}” sáp nhập vào “{new.name}”",
            before=before,
        )
        moved += 1
    for task in Task.objects.select_for_update().filter(authority_unit=old, state__in=live):
        before = task_snapshot(task)
        task.authority_unit = new
        _bump(task, ["authority_unit"])
        _record(task, kind=EventKind.UNIT_SUCCEEDED, actor=succession.acting_user, before=before)
        moved += 1
    for task in Task.objects.select_for_update().filter(owner_unit=old, state__in=live):
        task.owner_unit = new
        _bump(task, ["owner_unit"])
        moved += 1
    through = Task.coordinating_units.through
    for row in through.objects.filter(unit=old, task__state__in=live).select_related("task"):
        if row.task.lead_unit_id != new.pk:
            through.objects.get_or_create(task_id=row.task_id, unit=new)
        row.delete()
        moved += 1
    return moved


# --- a person leaves a unit -----------------------------------------------------------------------------------


def _handover_snapshot(task: Task) -> dict[str, Any]:
    return {
        **task_snapshot(task),
        "supervising_leader_id": task.supervising_leader_id,
        "officers": sorted(task.officers.values_list("pk", flat=True)),
    }


def _head_name(task: Task, field: str) -> str:
    person = task.supervising_leader if field == "supervising_leader" else task.responsible_person
    return person.get_full_name() if person is not None else ""


def tasks_hand_over(departure: Departure) -> int:
    """Registered with org.departures: the open tasks and drafts a person held in the unit they left go to its head.

    The tasks concerned are those of the unit and of the units above it (a person in a department may carry its
    Ban's tasks) in which the person no longer holds any membership in force, in its subtree: as responsible person
    of a task that unit leads, the unit's head (``org.selectors.unit_head``: a leader first, the nearest ancestor's
    when it has none) becomes responsible; as an officer of it, they are taken off; as supervising leader of a task
    that unit owns, its head supervises instead. Each task gets a new version (an edit begun before is stale) and a
    timeline event with its journal entry; each head is then told once (``signals.tasks_handed_over``). Done and
    cancelled tasks, events and submissions keep the person's name. Idempotent: a second call finds nothing left.
    Returns how many tasks changed."""
    person, day = departure.person, departure.day
    live = [*OPEN_STATES, TaskState.DRAFT]
    in_force = list(Membership.objects.active_on(day).filter(person=person).values_list("unit__path", flat=True))
    candidates = Unit.objects.filter(pk__in=[departure.unit.pk, *departure.unit.ancestor_ids])
    gone = {u.pk: u for u in candidates if not any(path.startswith(u.path) for path in in_force)}
    if not gone:
        return 0
    held = (
        Q(lead_unit_id__in=gone, responsible_person=person)
        | Q(lead_unit_id__in=gone, officers=person)
        | Q(owner_unit_id__in=gone, supervising_leader=person)
    )
    ids = sorted(set(Task.objects.filter(held, state__in=live).values_list("pk", flat=True)))
    heads: dict[int, User | None] = {}

    def head_of(unit_id: int) -> User | None:
        if unit_id not in heads:
            heads[unit_id] = unit_head(gone[unit_id], day, excluding=person)
        return heads[unit_id]

    told: dict[int, tuple[User, list[Task]]] = {}
    changed = 0
    for pk in ids:
        task = _lock(pk)
        before = _handover_snapshot(task)
        fields: list[str] = []
        recipients: list[User] = []
        if task.lead_unit_id in gone:
            head = head_of(task.lead_unit_id)
            if task.responsible_person_id == person.pk and head is not None:
                task.responsible_person = head
                fields.append("responsible_person")
                recipients.append(head)
            if task.officers.filter(pk=person.pk).exists():
                task.officers.remove(person)
                fields.append("officers")
                if head is not None:
                    recipients.append(head)
        if task.owner_unit_id in gone and task.supervising_leader_id == person.pk:
            head = head_of(task.owner_unit_id)
            if head is not None:
                task.supervising_leader = head
                fields.append("supervising_leader")
                recipients.append(head)
        if not fields:
            continue  # nobody heads the unit nor any unit above it: it stays as it is, tried again the next days
        _bump(task, [f for f in fields if f != "officers"])
        _record(
            task,
            kind=EventKind.HANDED_OVER,
            actor=departure.acting_user,
            note=HANDOVER_NOTE.format(
                person=person.get_full_name(),
                unit=departure.unit.name,
                day=departure.first_day_gone,
                what="; ".join(HANDOVER_PARTS[f].format(head=_head_name(task, f)) for f in fields),
            ),
            before=before,
            after=_handover_snapshot(task),
            data={
                "person_id": person.pk,
                "unit_id": departure.unit.pk,
                "membership_id": departure.membership_id,
                "fields": fields,
                "to": sorted({h.pk for h in recipients}),
            },
        )
        changed += 1
        for head in {h.pk: h for h in recipients}.values():
            told.setdefault(head.pk, (head, []))[1].append(task)
    for head, tasks in told.values():
        tasks_handed_over.send(sender=Task, departure=departure, head=head, tasks=tasks)
    return changed
