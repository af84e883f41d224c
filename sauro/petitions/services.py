"""Every write to the petitions register: reception days (planned, held, called off), visits (the reception
register), letters (registered, corrected) and the decision on a letter — which, when the letter is handled here or
forwarded to one of the organisation's units, makes and issues its six-clear task through ``tasks.services``.

Each service checks the acting user's right first (``petitions.access``), validates, writes, and appends one journal
entry in the same transaction. ``acting_user=None`` is the system itself (the demo loader) for everything but a
decision that makes a task (a task is always drafted and issued by a person).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.models import Unit
from sauro.petitions import identity
from sauro.petitions.access import may_decide, may_register
from sauro.petitions.choices import (
    Competence,
    Complexity,
    Decision,
    Guidance,
    HotSpotMark,
    LetterKind,
    LetterProduct,
    LetterSource,
    PetitionKind,
    ReceiverKind,
    ReceptionDayState,
    SignerKind,
    Topic,
)
from sauro.petitions.deadlines import Deadlines
from sauro.petitions.duplicates import letter_keys_refresh
from sauro.petitions.models import MAX_PEOPLE, MAX_SIGNERS, Letter, Reception, ReceptionDay
from sauro.petitions.places import commune_of_address
from sauro.petitions.rules import TASK_DEADLINE_KEYS, kept_for_information
from sauro.tasks.access import drafting_unit, may_draft_for
from sauro.tasks.choices import ProductKind
from sauro.tasks.models import Task
from sauro.tasks.services import task_create, task_issue

ERR_NO_RIGHT = "Chỉ Văn phòng, lãnh đạo và cán bộ của đơn vị mới được vào sổ tiếp công dân, đơn thư của đơn vị."
ERR_NO_DECIDE_RIGHT = "Chỉ Văn phòng, lãnh đạo và lãnh đạo đơn vị nhận đơn mới được quyết định hướng xử lý đơn."
ERR_NO_TASK_RIGHT = "Bạn không soạn được nhiệm vụ cho đơn vị nào để giao giải quyết đơn."
ERR_CHOICE = "Giá trị không hợp lệ: hãy chọn một trong: {choices}."
ERR_UNIT_UNKNOWN = "Không tìm thấy đơn vị trong phạm vi bạn được xem."
ERR_UNIT_INACTIVE = "“{name}” không hoạt động vào ngày {day}."
ERR_PERSON_UNKNOWN = "Không tìm thấy người này trong phạm vi bạn được xem."
ERR_FUTURE_DATE = "Ngày không được sau hôm nay ({today})."
ERR_REQUIRED = "Không được để trống."
ERR_SUMMARY_REQUIRED = "Hãy tóm tắt nội dung vụ việc."
ERR_CITIZEN_REQUIRED = "Hãy ghi họ tên công dân đến."
ERR_LEADER_REQUIRED = "Hãy chọn lãnh đạo tiếp công dân (hoặc chọn “Bộ phận tiếp công dân”)."
ERR_PEOPLE = f"Số người phải từ 1 đến {MAX_PEOPLE}."
ERR_GROUP_REPRESENTATIVES = "Đoàn đông người phải ghi người đại diện."
ERR_DOCUMENT_REQUIRED = "Hãy ghi số văn bản hướng dẫn, chuyển đơn."
ERR_DAY_UNKNOWN = "Không tìm thấy ngày tiếp công dân này của đơn vị."
ERR_DAY_OTHER_DATE = "Ngày tiếp công dân đã chọn là ngày {day}, khác ngày tiếp."
ERR_DAY_EXISTS = "Lãnh đạo này đã có ngày tiếp công dân {day} của đơn vị."
ERR_DAY_HELD_FUTURE = "Chưa thể ghi “đã tiếp” cho ngày tiếp công dân sau hôm nay ({today})."
ERR_LETTER_UNKNOWN = "Không tìm thấy đơn trong phạm vi bạn được xem."
ERR_RECEPTION_HAS_LETTER = "Lượt tiếp này đã có đơn nhận khi tiếp ({letter})."
ERR_COMMUNE_KIND = "Nơi phát sinh phải là một phường hoặc xã."
ERR_SIGNERS_ONE = "Đơn một người đứng tên có đúng 1 người ký."
ERR_SIGNERS_SEVERAL = "Đơn nhiều người cùng ký phải có từ 2 người ký trở lên."
ERR_SIGNERS = f"Số người ký phải từ 1 đến {MAX_SIGNERS}."
ERR_SIGNER_NAME = "Hãy ghi họ tên người đứng đơn."
ERR_FORWARDED_BY = "Hãy ghi cơ quan đã chuyển đơn đến."
ERR_MAIN_KIND = "Đơn có nhiều nội dung: hãy chọn nội dung chính (quyết định thời hạn giải quyết)."
ERR_ACCEPTED_BEFORE = "Ngày thụ lý không được trước ngày nhận đơn ({day})."
ERR_ALREADY_DECIDED = "Đơn đã được xử lý ({decision}, ngày {day}): không quyết định lại được."
ERR_DECIDED_BEFORE = "Ngày xử lý không được trước ngày nhận đơn ({day})."
ERR_KEPT_BY_RULE = (
    "Đơn tố cáo đảng viên, tổ chức đảng nặc danh, mạo danh hoặc nhiều người cùng ký chỉ được lưu để theo dõi, tham "
    "khảo, không xử lý như đơn tố cáo."
)
ERR_FORWARD_TARGET = "Hãy chọn đơn vị được chuyển đơn, hoặc ghi tên cơ quan ngoài hệ thống."
ERR_FORWARD_BOTH = "Chọn đơn vị trong hệ thống hoặc ghi cơ quan ngoài hệ thống, không cả hai."
ERR_FORWARD_SELF = "Không chuyển đơn cho chính đơn vị nhận đơn: hãy chọn “Thụ lý, giải quyết tại đơn vị”."
ERR_LEAD_REQUIRED = "Hãy chọn đơn vị giải quyết."
ERR_OFFICER_REQUIRED = "Hãy chọn cán bộ chịu trách nhiệm giải quyết."
ERR_PRODUCT_REQUIRED = "Hãy chọn sản phẩm phải có."
ERR_AUTHORITY_REQUIRED = "Hãy chọn cấp có thẩm quyền duyệt kết quả."
ERR_NO_DEADLINE = "Đơn không có thời hạn luật định để làm thời hạn nhiệm vụ: hãy nhập thời hạn."
ERR_DUE_AFTER_STATUTORY = "Thời hạn không được sau thời hạn luật định ({day})."
ERR_DUE_PAST = "Thời hạn không được trước hôm nay ({today})."
ERR_STALE = (
    "Đã có người sửa (thành phiên bản {current}) sau khi bạn mở để sửa (phiên bản {expected}). "
    "Nội dung bạn nhập chưa được lưu."
)
ERR_STALE_VERSION = "Phiên bản hiện tại là {current}."

# The task's product kind and description for each product of a letter's task.
PRODUCT_KINDS: dict[str, tuple[str, str]] = {
    LetterProduct.ANSWER: (ProductKind.OTHER, "Văn bản trả lời người gửi đơn"),
    LetterProduct.DECISION: (ProductKind.DECISION, "Quyết định giải quyết đơn"),
    LetterProduct.REPORT: (ProductKind.REPORT, "Báo cáo kết quả xác minh, giải quyết đơn"),
}


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={name: message})


def _choice(name: str, value: str, choices: Any) -> str:
    if value not in choices.values:
        labels = ", ".join(f"{v} ({label})" for v, label in choices.choices)
        raise _refuse(name, ERR_CHOICE.format(choices=labels))
    return value


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _long_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _not_future(name: str, day: datetime.date) -> None:
    today = clock.today()
    if day > today:
        raise _refuse(name, ERR_FUTURE_DATE.format(today=f"{today:%d/%m/%Y}"))


def _units(acting_user: User | None) -> QuerySet[Unit]:
    return units_visible_to(acting_user) if acting_user is not None else Unit.objects.all()


def _unit(acting_user: User | None, name: str, unit_id: int | None, day: datetime.date) -> Unit:
    unit = _units(acting_user).filter(pk=unit_id).first() if unit_id is not None else None
    if unit is None:
        raise _refuse(name, ERR_UNIT_UNKNOWN)
    if not unit.is_active_on(day):
        raise _refuse(name, ERR_UNIT_INACTIVE.format(name=unit.name, day=f"{day:%d/%m/%Y}"))
    return unit


def _register_unit(acting_user: User | None, name: str, unit_id: int, day: datetime.date) -> Unit:
    unit = _unit(acting_user, name, unit_id, day)
    if acting_user is not None and not may_register(acting_user, unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    return unit


def _person(acting_user: User | None, name: str, person_id: int | None) -> User:
    people = people_visible_to(acting_user) if acting_user is not None else User.objects.all()
    person = people.filter(pk=person_id, is_active=True).first() if person_id is not None else None
    if person is None:
        raise _refuse(name, ERR_PERSON_UNKNOWN)
    return person


def _commune(acting_user: User | None, commune_id: int | None, address: str, day: datetime.date) -> Unit | None:
    """The ward or commune chosen, else the one the address names (a former name mapped to today's unit)."""
    if commune_id is None:
        return commune_of_address(address) if address else None
    unit = _unit(acting_user, "commune_id", commune_id, clock.today())
    if unit.kind not in ("ward", "commune"):
        raise _refuse("commune_id", ERR_COMMUNE_KIND)
    return unit


def _keeps_identity(record: Letter | Reception, *typed: str) -> bool:
    """Whether a correction keeps the protected identity stored (point 6): none of its fields typed, and one stored."""
    return not any(_text(value) for value in typed) and identity.has_stored_identity(record)


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise Conflict(
            ERR_STALE.format(current=current, expected=expected),
            code="stale_version",
            fields={"version": ERR_STALE_VERSION.format(current=current)},
        )


# --- reception days -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptionDayInput:
    """A leader's reception day for a committee, ward or commune."""

    unit_id: int
    leader_id: int
    day: datetime.date
    state: str = ReceptionDayState.PLANNED
    note: str = ""


def reception_day_snapshot(d: ReceptionDay) -> dict[str, object]:
    return {
        "unit_id": d.unit_id,
        "leader_id": d.leader_id,
        "day": d.day,
        "state": d.state,
        "note": d.note,
        "version": d.version,
    }


def _check_held(state: str, day: datetime.date) -> None:
    today = clock.today()
    if state == ReceptionDayState.HELD and day > today:
        raise _refuse("state", ERR_DAY_HELD_FUTURE.format(today=f"{today:%d/%m/%Y}"))


@transaction.atomic
def reception_day_create(*, acting_user: User | None, data: ReceptionDayInput) -> ReceptionDay:
    """Plan (or record as held) a leader's reception day."""
    if acting_user is not None and not may_register(acting_user):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    state = _choice("state", data.state, ReceptionDayState)
    unit = _register_unit(acting_user, "unit_id", data.unit_id, data.day)
    leader = _person(acting_user, "leader_id", data.leader_id)
    _check_held(state, data.day)
    if ReceptionDay.objects.filter(unit=unit, leader=leader, day=data.day).exists():
        raise _refuse("day", ERR_DAY_EXISTS.format(day=f"{data.day:%d/%m/%Y}"))
    day = ReceptionDay.objects.create(
        unit=unit, leader=leader, day=data.day, state=state, note=_text(data.note)[:500], created_by=acting_user
    )
    audit_record(
        acting_user=acting_user,
        action="receptionday.create",
        obj=day,
        unit_id=unit.pk,
        summary=f"Vào lịch {day} của {leader.get_full_name()} ({unit.name})"[:500],
        after=reception_day_snapshot(day),
    )
    return day


@transaction.atomic
def reception_day_set_state(
    *,
    acting_user: User | None,
    day: ReceptionDay,
    state: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> ReceptionDay:
    """Mark a reception day held or called off (or planned again)."""
    locked = ReceptionDay.objects.select_for_update().select_related("unit").get(pk=day.pk)
    if acting_user is not None and not may_register(acting_user, locked.unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    _check_version(locked.version, expected_version)
    state = _choice("state", state, ReceptionDayState)
    _check_held(state, locked.day)
    before = reception_day_snapshot(locked)
    locked.state = state
    if note is not None:
        locked.note = _text(note)[:500]
    locked.version += 1
    locked.save()
    audit_record(
        acting_user=acting_user,
        action="receptionday.state",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"{locked}: {locked.get_state_display()}"[:500],
        before=before,
        after=reception_day_snapshot(locked),
    )
    return locked


# --- the reception register ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptionInput:
    """One visit as the reception office enters it."""

    unit_id: int
    received_on: datetime.date
    receiver_kind: str
    citizen_name: str
    summary: str
    kind: str
    guidance: str
    receiving_leader_id: int | None = None
    reception_day_id: int | None = None
    citizen_address: str = ""
    id_number: str = ""
    people_count: int = 1
    is_group: bool = False
    representatives: str = ""
    handled_by: str = ""
    competence: str = Competence.UNCLEAR
    document_number: str = ""
    outcome: str = ""
    commune_id: int | None = None
    letter_id: int | None = None


def reception_snapshot(r: Reception) -> dict[str, object]:
    return {
        "unit_id": r.unit_id,
        "received_on": r.received_on,
        "receiver_kind": r.receiver_kind,
        "receiving_leader_id": r.receiving_leader_id,
        "reception_day_id": r.reception_day_id,
        "citizen_name": r.citizen_name,
        "citizen_address": r.citizen_address,
        "id_number": r.id_number,
        "people_count": r.people_count,
        "is_group": r.is_group,
        "representatives": r.representatives,
        "summary": r.summary,
        "kind": r.kind,
        "handled_by": r.handled_by,
        "competence": r.competence,
        "guidance": r.guidance,
        "document_number": r.document_number,
        "outcome": r.outcome,
        "commune_id": r.commune_id,
        "letter_id": r.letter_id,
        "version": r.version,
    }


def _apply_reception(
    acting_user: User | None, r: Reception, data: ReceptionInput, *, keep_identity: bool = False
) -> None:
    kind = _choice("kind", data.kind, LetterKind)
    receiver_kind = _choice("receiver_kind", data.receiver_kind, ReceiverKind)
    guidance = _choice("guidance", data.guidance, Guidance)
    competence = _choice("competence", data.competence, Competence)
    _not_future("received_on", data.received_on)
    unit = _register_unit(acting_user, "unit_id", data.unit_id, data.received_on)
    citizen = _text(data.citizen_name)
    if not citizen and not keep_identity:
        raise _refuse("citizen_name", ERR_CITIZEN_REQUIRED)
    summary = _long_text(data.summary)
    if not summary:
        raise _refuse("summary", ERR_SUMMARY_REQUIRED)
    if not 1 <= data.people_count <= MAX_PEOPLE:
        raise _refuse("people_count", ERR_PEOPLE)
    representatives = _text(data.representatives)
    if data.is_group and not representatives and not keep_identity:
        raise _refuse("representatives", ERR_GROUP_REPRESENTATIVES)
    document = _text(data.document_number)
    if guidance == Guidance.TRANSFERRED and not document:
        raise _refuse("document_number", ERR_DOCUMENT_REQUIRED)
    leader = None
    reception_day = None
    if receiver_kind == ReceiverKind.LEADER:
        if data.receiving_leader_id is None:
            raise _refuse("receiving_leader_id", ERR_LEADER_REQUIRED)
        leader = _person(acting_user, "receiving_leader_id", data.receiving_leader_id)
        if data.reception_day_id is not None:
            reception_day = ReceptionDay.objects.filter(pk=data.reception_day_id, unit=unit).first()
            if reception_day is None:
                raise _refuse("reception_day_id", ERR_DAY_UNKNOWN)
            if reception_day.day != data.received_on:
                raise _refuse("reception_day_id", ERR_DAY_OTHER_DATE.format(day=f"{reception_day.day:%d/%m/%Y}"))
        else:
            # A visit received by a leader on one of their reception days belongs to it.
            reception_day = ReceptionDay.objects.filter(unit=unit, leader=leader, day=data.received_on).first()
    letter = None
    if data.letter_id is not None:
        from sauro.petitions.access import letters_visible_to

        visible = letters_visible_to(acting_user) if acting_user is not None else Letter.objects.all()
        letter = visible.filter(pk=data.letter_id).first()
        if letter is None:
            raise _refuse("letter_id", ERR_LETTER_UNKNOWN)
    address = _text(data.citizen_address)
    r.unit = unit
    r.received_on = data.received_on
    r.receiver_kind = receiver_kind
    r.receiving_leader = leader
    r.reception_day = reception_day
    r.citizen_name = citizen[:255]
    r.citizen_address = address[:500]
    r.id_number = _text(data.id_number)[:20]
    r.people_count = data.people_count
    r.is_group = data.is_group
    r.representatives = representatives[:500] if data.is_group else ""
    r.summary = summary
    r.kind = kind
    r.handled_by = _text(data.handled_by)[:500]
    r.competence = competence
    r.guidance = guidance
    r.document_number = document[:60]
    r.outcome = _long_text(data.outcome)
    r.commune = _commune(acting_user, data.commune_id, address, data.received_on)
    r.letter = letter


@transaction.atomic
def reception_create(*, acting_user: User | None, data: ReceptionInput) -> Reception:
    """Enter a visit in a unit's reception register."""
    if acting_user is not None and not may_register(acting_user):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    reception = Reception(created_by=acting_user)
    _apply_reception(acting_user, reception, data)
    pending = identity.protect_before_save(reception)
    reception.save()
    if pending is not None:
        identity.store(reception, pending)
    audit_record(
        acting_user=acting_user,
        action="reception.create",
        obj=reception,
        unit_id=reception.unit_id,
        summary=f"Vào sổ {reception}"[:500],
        after=reception_snapshot(reception),
    )
    return reception


@transaction.atomic
def reception_update(
    *, acting_user: User | None, reception: Reception, data: ReceptionInput, expected_version: int | None = None
) -> Reception:
    """Correct a visit (409 when someone saved it in between)."""
    locked = Reception.objects.select_for_update().select_related("unit").get(pk=reception.pk)
    if acting_user is not None and not may_register(acting_user, locked.unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    _check_version(locked.version, expected_version)
    before = reception_snapshot(locked)
    keep = _keeps_identity(
        locked, data.citizen_name, data.citizen_address, data.id_number, data.representatives if data.is_group else ""
    )
    _apply_reception(acting_user, locked, data, keep_identity=keep)
    pending = identity.protect_before_save(locked, keep=keep)
    locked.version += 1
    locked.save()
    if pending is not None:
        identity.store(locked, pending)
    audit_record(
        acting_user=acting_user,
        action="reception.update",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"Sửa {locked}"[:500],
        before=before,
        after=reception_snapshot(locked),
    )
    return locked


@transaction.atomic
def reception_attach_letter(*, acting_user: User | None, reception: Reception | int, letter: Letter) -> Reception:
    """Record ``letter`` as the one handed in at the visit ``reception`` (the letter registered from the visit's page).
    A visit has one such letter: a second is refused."""
    pk = reception if isinstance(reception, int) else reception.pk
    # Only the visit's row is locked: its letter is on the nullable side of the join, which PostgreSQL cannot lock.
    locked = Reception.objects.select_for_update(of=("self",)).select_related("unit", "letter").get(pk=pk)
    if acting_user is not None and not may_register(acting_user, locked.unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    if locked.letter_id is not None and locked.letter_id != letter.pk:
        raise ValidationFailed(ERR_RECEPTION_HAS_LETTER.format(letter=locked.letter))
    before = reception_snapshot(locked)
    locked.letter = letter
    locked.version += 1
    locked.save(update_fields=["letter", "version"])
    audit_record(
        acting_user=acting_user,
        action="reception.update",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"Ghi đơn nhận khi tiếp vào {locked}"[:500],
        before=before,
        after=reception_snapshot(locked),
    )
    return locked


# --- letters --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterInput:
    """A letter as the officer registers it (the facts; the decision comes with ``letter_decide``)."""

    unit_id: int
    source: str
    signer_kind: str
    kind: str
    summary: str
    topic: str
    received_on: datetime.date
    signer_count: int = 1
    signer_name: str = ""
    signer_address: str = ""
    forwarded_by: str = ""
    main_kind: str = ""
    subject_unit_id: int | None = None
    against_party_member: bool = False
    address: str = ""
    commune_id: int | None = None
    accepted_on: datetime.date | None = None
    complexity: str = Complexity.NORMAL
    remote: bool = False
    eligible: bool = True
    in_competence: bool = True
    incoming_number: str = ""
    # Point 7 (hot spots): the complexity criteria the officer marks (``HotSpotMark`` codes).
    hotspot_marks: tuple[str, ...] = ()


def letter_snapshot(x: Letter) -> dict[str, object]:
    return {
        "unit_id": x.unit_id,
        "incoming_number": x.incoming_number,
        "source": x.source,
        "forwarded_by": x.forwarded_by,
        "signer_kind": x.signer_kind,
        "signer_count": x.signer_count,
        "signer_name": x.signer_name,
        "signer_address": x.signer_address,
        "kind": x.kind,
        "main_kind": x.main_kind,
        "summary": x.summary,
        "topic": x.topic,
        "subject_unit_id": x.subject_unit_id,
        "against_party_member": x.against_party_member,
        "address": x.address,
        "commune_id": x.commune_id,
        "received_on": x.received_on,
        "accepted_on": x.accepted_on,
        "complexity": x.complexity,
        "remote": x.remote,
        "eligible": x.eligible,
        "in_competence": x.in_competence,
        "decision": x.decision,
        "decided_on": x.decided_on,
        "forward_unit_id": x.forward_unit_id,
        "forward_body": x.forward_body,
        "document_number": x.document_number,
        "decision_note": x.decision_note,
        "task_id": x.task_id,
        "version": x.version,
        "hotspot_marks": x.hotspot_marks,
        "repeat_of_id": x.repeat_of_id,
    }


def _apply_letter(acting_user: User | None, x: Letter, data: LetterInput, *, keep_identity: bool = False) -> None:
    source = _choice("source", data.source, LetterSource)
    signer_kind = _choice("signer_kind", data.signer_kind, SignerKind)
    kind = _choice("kind", data.kind, LetterKind)
    topic = _choice("topic", data.topic, Topic)
    complexity = _choice("complexity", data.complexity, Complexity)
    main_kind = ""
    if kind == LetterKind.MIXED:
        if not data.main_kind:
            raise _refuse("main_kind", ERR_MAIN_KIND)
        main_kind = _choice("main_kind", data.main_kind, PetitionKind)
    _not_future("received_on", data.received_on)
    unit = _register_unit(acting_user, "unit_id", data.unit_id, data.received_on)
    if data.accepted_on is not None:
        _not_future("accepted_on", data.accepted_on)
        if data.accepted_on < data.received_on:
            raise _refuse("accepted_on", ERR_ACCEPTED_BEFORE.format(day=f"{data.received_on:%d/%m/%Y}"))
    if not 1 <= data.signer_count <= MAX_SIGNERS:
        raise _refuse("signer_count", ERR_SIGNERS)
    if signer_kind == SignerKind.ONE and data.signer_count != 1:
        raise _refuse("signer_count", ERR_SIGNERS_ONE)
    if signer_kind == SignerKind.SEVERAL and data.signer_count < 2:
        raise _refuse("signer_count", ERR_SIGNERS_SEVERAL)
    signer_name = _text(data.signer_name)
    if signer_kind in (SignerKind.ONE, SignerKind.SEVERAL) and not signer_name and not keep_identity:
        raise _refuse("signer_name", ERR_SIGNER_NAME)
    if signer_kind == SignerKind.ANONYMOUS:
        signer_name = ""
    forwarded_by = _text(data.forwarded_by)
    if source == LetterSource.FORWARDED and not forwarded_by:
        raise _refuse("forwarded_by", ERR_FORWARDED_BY)
    summary = _long_text(data.summary)
    if not summary:
        raise _refuse("summary", ERR_SUMMARY_REQUIRED)
    subject = None
    if data.subject_unit_id is not None:
        subject = _units(acting_user).filter(pk=data.subject_unit_id).first()
        if subject is None:
            raise _refuse("subject_unit_id", ERR_UNIT_UNKNOWN)
    address = _text(data.address)
    x.unit = unit
    x.incoming_number = _text(data.incoming_number)[:40]
    x.source = source
    x.forwarded_by = forwarded_by[:255] if source == LetterSource.FORWARDED else ""
    x.signer_kind = signer_kind
    x.signer_count = data.signer_count
    x.signer_name = signer_name[:255]
    x.signer_address = _text(data.signer_address)[:500]
    x.kind = kind
    x.main_kind = main_kind
    x.summary = summary
    x.topic = topic
    x.subject_unit = subject
    x.against_party_member = data.against_party_member
    x.address = address[:500]
    x.commune = _commune(acting_user, data.commune_id, address, data.received_on)
    x.received_on = data.received_on
    x.accepted_on = data.accepted_on
    x.complexity = complexity
    x.remote = data.remote
    x.eligible = data.eligible
    x.in_competence = data.in_competence
    x.hotspot_marks = ",".join(sorted({_choice("hotspot_marks", m, HotSpotMark) for m in data.hotspot_marks}))


def is_kept_by_rule(letter: Letter) -> bool:
    """``rules.kept_for_information`` of a letter's facts."""
    return kept_for_information(
        kind=letter.kind,
        main_kind=letter.main_kind,
        signer_kind=letter.signer_kind,
        topic=letter.topic,
        against_party_member=letter.against_party_member,
    )


@transaction.atomic
def letter_create(*, acting_user: User | None, data: LetterInput) -> Letter:
    """Register a letter in a unit's register. Its commune is the one chosen, else the one its address names."""
    if acting_user is not None and not may_register(acting_user):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    letter = Letter(created_by=acting_user)
    _apply_letter(acting_user, letter, data)
    pending = identity.protect_before_save(letter)
    letter.save()
    if pending is not None:
        identity.store(letter, pending)
    letter_keys_refresh(letter)  # the duplicate search's keys and the prolonged flag (issue 19, point 5)
    audit_record(
        acting_user=acting_user,
        action="letter.create",
        obj=letter,
        unit_id=letter.unit_id,
        summary=f"Vào sổ {letter}"[:500],
        after=letter_snapshot(letter),
    )
    return letter


def _lock_letter(letter: Letter, expected_version: int | None) -> Letter:
    locked = Letter.objects.select_for_update().select_related("unit").get(pk=letter.pk)
    _check_version(locked.version, expected_version)
    return locked


@transaction.atomic
def letter_update(
    *, acting_user: User | None, letter: Letter, data: LetterInput, expected_version: int | None = None
) -> Letter:
    """Correct a letter's facts (the acceptance date, complexity… which move its statutory deadlines). Its
    receiving unit stays; a decided letter's task keeps the due date it was issued with (its extension goes through
    the task's own request)."""
    locked = _lock_letter(letter, expected_version)
    if acting_user is not None and not may_register(acting_user, locked.unit):
        raise PermissionDeniedError(ERR_NO_RIGHT)
    before = letter_snapshot(locked)
    # A protected letter corrected with its identity left blank (as the form shows it to who may not see it)
    # keeps the identity stored; an anonymous letter keeps none.
    keep = data.signer_kind != SignerKind.ANONYMOUS and _keeps_identity(locked, data.signer_name, data.signer_address)
    _apply_letter(acting_user, locked, data, keep_identity=keep)
    pending = identity.protect_before_save(locked, keep=keep)
    if locked.unit_id != before["unit_id"]:
        raise _refuse("unit_id", "Không đổi được đơn vị nhận đơn của đơn đã vào sổ.")
    if locked.decision and locked.decision != Decision.KEEP and is_kept_by_rule(locked):
        raise _refuse("kind", ERR_KEPT_BY_RULE)
    locked.version += 1
    locked.save()
    if pending is not None:
        identity.store(locked, pending)
    letter_keys_refresh(locked)  # the duplicate search's keys and the prolonged flag (issue 19, point 5)
    audit_record(
        acting_user=acting_user,
        action="letter.update",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"Sửa {locked}"[:500],
        before=before,
        after=letter_snapshot(locked),
    )
    return locked


@dataclass(frozen=True)
class DecisionInput:
    """The path a letter takes. ``handle`` and ``forward`` to a unit of the organisation make a task: the lead unit
    (``lead_unit_id``; for a forward, the unit forwarded to), the officer responsible, the product, the authority
    approving it and the due date (by default the statutory deadline, never later)."""

    decision: str
    decided_on: datetime.date | None = None
    forward_unit_id: int | None = None
    forward_body: str = ""
    document_number: str = ""
    note: str = ""
    lead_unit_id: int | None = None
    officer_id: int | None = None
    product: str = ""
    authority_unit_id: int | None = None
    due_date: datetime.date | None = None


def statutory_due(deadlines: Deadlines) -> tuple[str, datetime.date] | None:
    """The deadline a letter's task is due on (``rules.TASK_DEADLINE_KEYS``), with its key; ``None`` without one."""
    for key in TASK_DEADLINE_KEYS:
        day = deadlines.due.get(key)
        if day is not None:
            return key, day
    return None


def _task_title(letter: Letter, decision: str) -> str:
    who = letter.signer_name if letter.signer_kind in (SignerKind.ONE, SignerKind.SEVERAL) else ""
    verb = "Giải quyết" if decision == Decision.HANDLE else "Xem xét, giải quyết"
    kind = letter.get_kind_display().lower()
    title = f"{verb} đơn {kind}" + (f" của {who}" if who else "") + f" (nhận ngày {letter.received_on:%d/%m/%Y})"
    return title[:500]


def _make_task(acting_user: User, letter: Letter, data: DecisionInput, lead: Unit) -> Task:
    from sauro.petitions.selectors import letter_deadlines_of

    if data.officer_id is None:
        raise _refuse("officer_id", ERR_OFFICER_REQUIRED)
    if not data.product:
        raise _refuse("product", ERR_PRODUCT_REQUIRED)
    product = _choice("product", data.product, LetterProduct)
    if data.authority_unit_id is None:
        raise _refuse("authority_unit_id", ERR_AUTHORITY_REQUIRED)
    today = clock.today()
    statutory = statutory_due(letter_deadlines_of(letter))
    due = data.due_date
    if due is None:
        if statutory is None:
            raise _refuse("due_date", ERR_NO_DEADLINE)
        due = statutory[1]
    elif statutory is not None and due > statutory[1]:
        raise _refuse("due_date", ERR_DUE_AFTER_STATUTORY.format(day=f"{statutory[1]:%d/%m/%Y}"))
    if due < today:
        raise _refuse("due_date", ERR_DUE_PAST.format(today=f"{today:%d/%m/%Y}"))
    owner = letter.unit if may_draft_for(acting_user, letter.unit, today) else drafting_unit(acting_user)
    if owner is None:
        raise PermissionDeniedError(ERR_NO_TASK_RIGHT)
    product_kind, product_description = PRODUCT_KINDS[product]
    content = (
        f"{letter.summary}\n\nĐơn {letter.get_kind_display().lower()}, {letter.get_source_display().lower()}, "
        f"nhận ngày {letter.received_on:%d/%m/%Y}; lĩnh vực: {letter.get_topic_display().lower()}."
    )
    if statutory is not None:
        content += f" Thời hạn luật định: {statutory[1]:%d/%m/%Y}."
    task = task_create(
        acting_user=acting_user,
        owner_unit=owner,
        fields={
            "title": _task_title(letter, data.decision),
            "content": content,
            "lead_unit": lead.pk,
            "responsible_person": data.officer_id,
            "due_date": due,
            "product_kind": product_kind,
            "product_description": product_description,
            "authority_unit": data.authority_unit_id,
        },
    )
    return task_issue(acting_user=acting_user, task=task)


@transaction.atomic
def letter_decide(
    *, acting_user: User | None, letter: Letter, data: DecisionInput, expected_version: int | None = None
) -> Letter:
    """Decide a letter's path, once. Handled here or forwarded to a unit of the organisation: its task is drafted
    and issued (the six clears checked; a gap refuses the whole decision). Forwarded outside the organisation,
    guided back or kept for information: recorded, no task. A letter ``rules.kept_for_information`` may only be
    kept."""
    locked = _lock_letter(letter, expected_version)
    if acting_user is not None and not may_decide(acting_user, locked):
        raise PermissionDeniedError(ERR_NO_DECIDE_RIGHT)
    if locked.decision:
        raise Conflict(
            ERR_ALREADY_DECIDED.format(
                decision=locked.get_decision_display().lower(), day=f"{locked.decided_on:%d/%m/%Y}"
            ),
            code="already_decided",
        )
    decision = _choice("decision", data.decision, Decision)
    if decision != Decision.KEEP and is_kept_by_rule(locked):
        raise _refuse("decision", ERR_KEPT_BY_RULE)
    decided_on = data.decided_on or clock.today()
    _not_future("decided_on", decided_on)
    if decided_on < locked.received_on:
        raise _refuse("decided_on", ERR_DECIDED_BEFORE.format(day=f"{locked.received_on:%d/%m/%Y}"))
    document = _text(data.document_number)[:60]
    before = letter_snapshot(locked)
    forward_unit: Unit | None = None
    forward_body = ""
    task: Task | None = None
    if decision == Decision.FORWARD:
        forward_body = _text(data.forward_body)[:255]
        if data.forward_unit_id is None and not forward_body:
            raise _refuse("forward_unit_id", ERR_FORWARD_TARGET)
        if data.forward_unit_id is not None and forward_body:
            raise _refuse("forward_body", ERR_FORWARD_BOTH)
        if not document:
            raise _refuse("document_number", ERR_DOCUMENT_REQUIRED)
        if data.forward_unit_id is not None:
            forward_unit = _unit(acting_user, "forward_unit_id", data.forward_unit_id, decided_on)
            if forward_unit.pk == locked.unit_id:
                raise _refuse("forward_unit_id", ERR_FORWARD_SELF)
    elif decision == Decision.GUIDE and not document:
        raise _refuse("document_number", ERR_DOCUMENT_REQUIRED)
    lead: Unit | None = None
    if decision == Decision.HANDLE:
        if data.lead_unit_id is None:
            raise _refuse("lead_unit_id", ERR_LEAD_REQUIRED)
        lead = _unit(acting_user, "lead_unit_id", data.lead_unit_id, decided_on)
    elif forward_unit is not None:
        lead = forward_unit
    if lead is not None:
        if acting_user is None:
            raise PermissionDeniedError(ERR_NO_TASK_RIGHT)
        task = _make_task(acting_user, locked, data, lead)
    locked.decision = decision
    locked.decided_on = decided_on
    locked.forward_unit = forward_unit
    locked.forward_body = forward_body
    locked.document_number = document
    locked.decision_note = _long_text(data.note)
    locked.task = task
    locked.version += 1
    locked.save()
    target = forward_unit.name if forward_unit else forward_body
    audit_record(
        acting_user=acting_user,
        action="letter.decide",
        obj=locked,
        unit_id=locked.unit_id,
        summary=(
            f"{locked}: {locked.get_decision_display()}"
            + (f" — {target}" if target else "")
            + (f"; giao nhiệm vụ #{task.pk}" if task else "")
        )[:500],
        before=before,
        after=letter_snapshot(locked),
    )
    return locked
