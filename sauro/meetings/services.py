"""Every write to the register of meetings: register, edit, delete, and record the conclusion.

Each service checks the acting user's right first (``meetings.access``), validates, writes, and appends one journal
entry in the same transaction. The conclusion is a directive (a Thông báo kết luận) registered through
``directives.services.directive_create`` — numbered, journalled and gated as any directive — then linked to the
meeting; or an existing notice is linked. ``acting_user=None`` is the system itself (the demo loader).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.directives.access import directives_visible_to
from sauro.directives.choices import DirectiveKind
from sauro.directives.models import Directive
from sauro.directives.services import DirectiveInput, directive_create
from sauro.meetings.access import may_record
from sauro.meetings.choices import CONCLUSION_KIND, MeetingKind
from sauro.meetings.models import MAX_ATTENDEES, MAX_DURATION_MINUTES, Meeting
from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.models import Unit

ERR_NO_RIGHT = "Chỉ Văn phòng, lãnh đạo và lãnh đạo đơn vị chủ trì cuộc họp mới được vào sổ, sửa cuộc họp."
ERR_KIND = "Loại cuộc họp phải là một trong: {choices}."
ERR_TITLE_REQUIRED = "Nội dung cuộc họp không được để trống."
ERR_FUTURE_DATE = "Chỉ vào sổ cuộc họp đã diễn ra: ngày họp không được sau hôm nay ({today})."
ERR_UNIT_UNKNOWN = "Không tìm thấy đơn vị trong phạm vi bạn được xem."
ERR_UNIT_INACTIVE = "“{name}” không hoạt động vào ngày {day}."
ERR_CHAIR_UNKNOWN = "Không tìm thấy người chủ trì trong phạm vi bạn được xem."
ERR_DURATION = f"Thời lượng phải từ 1 đến {MAX_DURATION_MINUTES} phút."
ERR_ATTENDEES = f"Số người dự phải từ 1 đến {MAX_ATTENDEES}."
ERR_NOTE_REQUIRED = "Hãy ghi vì sao cuộc họp có thể thay bằng văn bản."
ERR_STALE = (
    "Cuộc họp đã được sửa (thành phiên bản {current}) sau khi bạn mở để sửa (phiên bản {expected}). "
    "Nội dung bạn nhập chưa được lưu."
)
ERR_STALE_VERSION = "Phiên bản hiện tại là {current}."
ERR_HAS_CONCLUSION = "Cuộc họp đã có thông báo kết luận ({directive}): không thể xóa."
ERR_CONCLUSION_EXISTS = "Cuộc họp đã có thông báo kết luận: {directive}."
ERR_CONCLUSION_BEFORE_MEETING = "Thông báo kết luận không thể ban hành trước ngày họp ({day})."
ERR_DIRECTIVE_UNKNOWN = "Không tìm thấy văn bản trong phạm vi bạn được xem."
ERR_DIRECTIVE_KIND = "Chỉ gắn được thông báo hoặc kết luận (TB, KL) làm thông báo kết luận của cuộc họp."
ERR_DIRECTIVE_TAKEN = "{directive} đã là thông báo kết luận của cuộc họp “{meeting}”."

LINKABLE_KINDS = (DirectiveKind.TB.value, DirectiveKind.KL.value)


@dataclass(frozen=True)
class MeetingInput:
    """What a person enters for a meeting."""

    kind: str
    title: str
    held_on: datetime.date
    host_unit_id: int
    chair_id: int
    duration_minutes: int
    attendees: int
    unit_ids: Sequence[int] = field(default_factory=tuple)
    starts_at: datetime.time | None = None
    could_be_document: bool = False
    document_note: str = ""


@dataclass(frozen=True)
class ConclusionInput:
    """The notice of conclusions to register: numbered like any directive (``number=None``: the next one)."""

    issuer_code: str
    issued_on: datetime.date
    summary: str
    number: int | None = None
    signer: str = ""
    full_text: str = ""


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={name: message})


def snapshot(m: Meeting) -> dict[str, object]:
    return {
        "kind": m.kind,
        "title": m.title,
        "held_on": m.held_on,
        "starts_at": m.starts_at.isoformat() if m.starts_at else None,
        "chair_id": m.chair_id,
        "host_unit_id": m.host_unit_id,
        "unit_ids": sorted(u.pk for u in m.units.all()),
        "duration_minutes": m.duration_minutes,
        "attendees": m.attendees,
        "could_be_document": m.could_be_document,
        "document_note": m.document_note,
        "conclusion_id": m.conclusion_id,
        "version": m.version,
    }


def _units(acting_user: User | None) -> QuerySet[Unit]:
    return units_visible_to(acting_user) if acting_user is not None else Unit.objects.all()


def _apply(acting_user: User | None, meeting: Meeting, data: MeetingInput) -> list[Unit]:
    """Validate ``data`` and set it on ``meeting`` (not saved); the participating units to set once saved."""
    if data.kind not in MeetingKind.values:
        labels = ", ".join(f"{value} ({label})" for value, label in MeetingKind.choices)
        raise _refuse("kind", ERR_KIND.format(choices=labels))
    title = " ".join(data.title.split())
    if not title:
        raise _refuse("title", ERR_TITLE_REQUIRED)
    today = clock.today()
    if data.held_on > today:
        raise _refuse("held_on", ERR_FUTURE_DATE.format(today=f"{today:%d/%m/%Y}"))
    if not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        raise _refuse("duration_minutes", ERR_DURATION)
    if not 1 <= data.attendees <= MAX_ATTENDEES:
        raise _refuse("attendees", ERR_ATTENDEES)
    note = data.document_note.replace("\r\n", "\n").strip()
    if data.could_be_document and not note:
        raise _refuse("document_note", ERR_NOTE_REQUIRED)
    units = _units(acting_user)
    host = units.filter(pk=data.host_unit_id).first()
    if host is None:
        raise _refuse("host_unit_id", ERR_UNIT_UNKNOWN)
    if not host.is_active_on(data.held_on):
        raise _refuse("host_unit_id", ERR_UNIT_INACTIVE.format(name=host.name, day=f"{data.held_on:%d/%m/%Y}"))
    if acting_user is not None and not may_record(acting_user, host):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    wanted = sorted(set(data.unit_ids))
    attending = list(units.filter(pk__in=wanted)) if wanted else []
    if len(attending) != len(wanted):
        raise _refuse("unit_ids", ERR_UNIT_UNKNOWN)
    people = people_visible_to(acting_user) if acting_user is not None else User.objects.all()
    chair = people.filter(pk=data.chair_id, is_active=True).first()
    if chair is None:
        raise _refuse("chair_id", ERR_CHAIR_UNKNOWN)
    meeting.kind = data.kind
    meeting.title = title
    meeting.held_on = data.held_on
    meeting.starts_at = data.starts_at
    meeting.host_unit = host
    meeting.chair = chair
    meeting.duration_minutes = data.duration_minutes
    meeting.attendees = data.attendees
    meeting.could_be_document = data.could_be_document
    meeting.document_note = note if data.could_be_document else ""
    return attending


def _check_right(acting_user: User | None, meeting: Meeting) -> None:
    if acting_user is not None and not may_record(acting_user, meeting.host_unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)


def _lock(meeting: Meeting, expected_version: int | None) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("host_unit").get(pk=meeting.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            ERR_STALE.format(current=locked.version, expected=expected_version),
            code="stale_version",
            fields={"version": ERR_STALE_VERSION.format(current=locked.version)},
        )
    return locked


@transaction.atomic
def meeting_create(*, acting_user: User | None, data: MeetingInput) -> Meeting:
    """Register a meeting hosted by a unit the user may record for."""
    if acting_user is not None and not may_record(acting_user):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    meeting = Meeting(created_by=acting_user)
    attending = _apply(acting_user, meeting, data)
    meeting.save()
    meeting.units.set(attending)
    audit_record(
        acting_user=acting_user,
        action="meeting.create",
        obj=meeting,
        unit_id=meeting.host_unit_id,
        summary=f"Vào sổ {meeting}"[:500],
        after=snapshot(meeting),
    )
    return meeting


@transaction.atomic
def meeting_update(*, acting_user: User | None, meeting: Meeting, expected_version: int, data: MeetingInput) -> Meeting:
    """Edit a meeting as loaded at ``expected_version`` (409 if someone saved in between)."""
    locked = _lock(meeting, expected_version)
    _check_right(acting_user, locked)
    before = snapshot(locked)
    attending = _apply(acting_user, locked, data)
    if locked.conclusion_id is not None:
        conclusion = Directive.objects.get(pk=locked.conclusion_id)
        if conclusion.issued_on < locked.held_on:
            raise _refuse("held_on", ERR_CONCLUSION_BEFORE_MEETING.format(day=f"{locked.held_on:%d/%m/%Y}"))
    locked.version = expected_version + 1
    locked.save()
    locked.units.set(attending)
    audit_record(
        acting_user=acting_user,
        action="meeting.update",
        obj=locked,
        unit_id=locked.host_unit_id,
        summary=f"Sửa {locked}"[:500],
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def meeting_delete(*, acting_user: User | None, meeting: Meeting) -> None:
    """Delete a meeting entered by mistake; one with a conclusion stays (its notice and tasks point to it)."""
    locked = _lock(meeting, None)
    _check_right(acting_user, locked)
    if locked.conclusion_id is not None:
        conclusion = Directive.objects.get(pk=locked.conclusion_id)
        raise Conflict(ERR_HAS_CONCLUSION.format(directive=conclusion), code="has_conclusion")
    before = snapshot(locked)
    pk, label, unit_id = locked.pk, str(locked)[:255], locked.host_unit_id
    locked.delete()
    audit_record(
        acting_user=acting_user,
        action="meeting.delete",
        object_type=Meeting._meta.label_lower,
        object_id=str(pk),
        object_repr=label,
        unit_id=unit_id,
        summary=f"Xóa {label}"[:500],
        before=before,
    )


def _check_no_conclusion(meeting: Meeting) -> None:
    if meeting.conclusion_id is not None:
        conclusion = Directive.objects.get(pk=meeting.conclusion_id)
        raise Conflict(ERR_CONCLUSION_EXISTS.format(directive=conclusion), code="has_conclusion")


def _link(acting_user: User | None, meeting: Meeting, directive: Directive, *, created: bool) -> Meeting:
    before = snapshot(meeting)
    meeting.conclusion = directive
    meeting.version += 1
    meeting.save(update_fields=["conclusion", "version", "updated_at"])
    verb = "Ghi thông báo kết luận" if created else "Gắn thông báo kết luận"
    audit_record(
        acting_user=acting_user,
        action="meeting.conclusion",
        obj=meeting,
        unit_id=meeting.host_unit_id,
        summary=f"{verb} {directive} cho {meeting}"[:500],
        before=before,
        after=snapshot(meeting),
    )
    return meeting


@transaction.atomic
def meeting_record_conclusion(
    *, acting_user: User | None, meeting: Meeting, data: ConclusionInput, expected_version: int | None = None
) -> Directive:
    """Register the meeting's notice of conclusions — a directive of kind Thông báo (TB) issued by the host unit,
    numbered in its term — and link it to the meeting. Its tasks are then proposed and drafted from the directive's
    page, as for any directive. ``directives.services`` checks the right to register directives again."""
    locked = _lock(meeting, expected_version)
    _check_right(acting_user, locked)
    _check_no_conclusion(locked)
    if data.issued_on < locked.held_on:
        raise _refuse("issued_on", ERR_CONCLUSION_BEFORE_MEETING.format(day=f"{locked.held_on:%d/%m/%Y}"))
    directive = directive_create(
        acting_user=acting_user,
        data=DirectiveInput(
            kind=CONCLUSION_KIND.value,
            issuer_code=data.issuer_code,
            issuing_unit_id=locked.host_unit_id,
            issued_on=data.issued_on,
            summary=data.summary,
            number=data.number,
            signer=data.signer,
            full_text=data.full_text,
        ),
    )
    _link(acting_user, locked, directive, created=True)
    return directive


@transaction.atomic
def meeting_link_conclusion(
    *, acting_user: User | None, meeting: Meeting, directive_id: int, expected_version: int | None = None
) -> Meeting:
    """Link a notice already registered (a Thông báo or a Kết luận the user sees, issued on or after the meeting
    and concluding no other meeting) as the meeting's conclusion."""
    locked = _lock(meeting, expected_version)
    _check_right(acting_user, locked)
    _check_no_conclusion(locked)
    visible = directives_visible_to(acting_user) if acting_user is not None else Directive.objects.all()
    directive = visible.filter(pk=directive_id).first()
    if directive is None:
        raise _refuse("directive_id", ERR_DIRECTIVE_UNKNOWN)
    if directive.kind not in LINKABLE_KINDS:
        raise _refuse("directive_id", ERR_DIRECTIVE_KIND)
    if directive.issued_on < locked.held_on:
        raise _refuse("directive_id", ERR_CONCLUSION_BEFORE_MEETING.format(day=f"{locked.held_on:%d/%m/%Y}"))
    other = Meeting.objects.filter(conclusion=directive).exclude(pk=locked.pk).first()
    if other is not None:
        raise _refuse("directive_id", ERR_DIRECTIVE_TAKEN.format(directive=directive, meeting=other.title))
    return _link(acting_user, locked, directive, created=False)
