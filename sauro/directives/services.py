"""Every write to directives: register, edit, attach and remove files; declare committee terms.

Each service checks the acting user's right first (so a refusal never depends on the data sent), validates, writes,
and appends one audit entry in the same transaction. ``acting_user=None`` is the system itself (the demo loader,
imports): it is not a person, so no right is checked for it.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.text import search_text
from sauro.common.uploads import check_upload
from sauro.directives.access import can_manage_terms, can_register_directives, directives_visible_to
from sauro.directives.choices import Urgency
from sauro.directives.models import DEFAULT_PLACE, Directive, DirectiveAttachment, Term
from sauro.directives.numbering import SymbolError, check_number, kind_from_code, next_number, normalize_issuer_code
from sauro.directives.selectors import MAX_TREE_DEPTH, term_for_or_fail
from sauro.directives.uploads import ERR_TOO_MANY_FILES, MAX_ATTACHMENTS_PER_DIRECTIVE
from sauro.org.access import units_visible_to
from sauro.org.models import Unit

ERR_NO_RIGHT = _("Chỉ Văn phòng (theo dõi, tổng hợp) và lãnh đạo mới được đăng ký, sửa văn bản chỉ đạo.")
ERR_NO_TERM_RIGHT = _("Chỉ Văn phòng và quản trị hệ thống mới được khai báo nhiệm kỳ.")
ERR_SUMMARY_REQUIRED = _("Trích yếu không được để trống.")
ERR_PLACE_REQUIRED = _("Địa danh không được để trống.")
ERR_URGENCY = _("Độ khẩn phải là một trong: {choices}.")
ERR_UNIT_UNKNOWN = _("Không tìm thấy cơ quan ban hành trong phạm vi bạn được xem.")
ERR_UNIT_INACTIVE = _("“{name}” không hoạt động vào ngày {day}.")
ERR_FUTURE_DATE = _("Ngày ban hành không được sau ngày hôm nay ({today}).")
ERR_NUMBER_TAKEN = _(
    "{number_symbol} đã được dùng cho {kind} “{summary}” ban hành ngày {day} ({term}). "
    "Số tiếp theo còn trống là {proposed:02d}."
)
ERR_NUMBER_TAKEN_RACE = _("{number_symbol} vừa được dùng cho một văn bản khác. Hãy dùng số khác.")
ERR_PARENT_UNKNOWN = _("Không tìm thấy văn bản cấp trên trong phạm vi bạn được xem.")
ERR_PARENT_SELF = _("Văn bản không thể là văn bản cấp trên của chính nó.")
ERR_PARENT_CYCLE = _(
    "Không thể chọn “{parent}” làm văn bản cấp trên: văn bản đó đang cụ thể hóa (trực tiếp hoặc gián tiếp) "
    "chính văn bản này."
)
ERR_TREE_TOO_DEEP = _("Cây văn bản không được sâu quá {depth} cấp.")
ERR_STALE = _(
    "Văn bản này đã được sửa (thành phiên bản {current}) sau khi bạn mở để sửa (phiên bản {expected}). "
    "Nội dung bạn nhập chưa được lưu."
)
ERR_STALE_VERSION = _("Phiên bản hiện tại là {current}.")
ERR_TERM_NAME_REQUIRED = _("Tên nhiệm kỳ không được để trống.")
ERR_TERM_DATES = _("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
ERR_TERM_OVERLAP = _("Nhiệm kỳ trùng thời gian với “{name}” của {committee}.")
ERR_TERM_CLOSED = _("Nhiệm kỳ này đã kết thúc ngày {day}.")
ERR_TERM_HAS_LATER = _("{directive} ban hành ngày {day} thuộc nhiệm kỳ này: ngày kết thúc không được trước ngày đó.")


@dataclass(frozen=True)
class DirectiveInput:
    """What a person enters for a directive. ``number=None`` on registration takes the proposed next number."""

    kind: str
    issuer_code: str
    issuing_unit_id: int
    issued_on: datetime.date
    summary: str
    number: int | None = None
    place: str = DEFAULT_PLACE
    signer: str = ""
    full_text: str = ""
    parent_id: int | None = None
    urgency: str = Urgency.NORMAL.value

    @classmethod
    def from_directive(cls, directive: Directive, **changes: Any) -> DirectiveInput:
        """The directive as it is, with ``changes`` applied (what a partial edit sends)."""
        current = {
            "kind": directive.kind,
            "issuer_code": directive.issuer_code,
            "issuing_unit_id": directive.issuing_unit_id,
            "issued_on": directive.issued_on,
            "summary": directive.summary,
            "number": directive.number,
            "place": directive.place,
            "signer": directive.signer,
            "full_text": directive.full_text,
            "parent_id": directive.parent_id,
            "urgency": directive.urgency,
        }
        return cls(**{**current, **changes})


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: message})


def _check_right(acting_user: User | None) -> None:
    if acting_user is not None and not can_register_directives(acting_user):
        raise PermissionDeniedError(str(ERR_NO_RIGHT))


def _snapshot(d: Directive) -> dict[str, object]:
    return {
        "kind": d.kind,
        "number": d.number,
        "issuer_code": d.issuer_code,
        "issuing_unit_id": d.issuing_unit_id,
        "term_id": d.term_id,
        "issued_on": d.issued_on,
        "place": d.place,
        "signer": d.signer,
        "summary": d.summary,
        "urgency": d.urgency,
        "full_text": d.full_text,
        "parent_id": d.parent_id,
        "version": d.version,
    }


def _attachment_snapshot(a: DirectiveAttachment) -> dict[str, object]:
    return {
        "directive_id": a.directive_id,
        "original_name": a.original_name,
        "size": a.size,
        "content_type": a.content_type,
        "file": a.file.name,
    }


def _issuing_unit(acting_user: User | None, unit_id: int, day: datetime.date) -> Unit:
    units: QuerySet[Unit] = units_visible_to(acting_user) if acting_user is not None else Unit.objects.all()
    unit = units.filter(pk=unit_id).first()
    if unit is None:
        raise _refuse("issuing_unit_id", str(ERR_UNIT_UNKNOWN))
    if not unit.is_active_on(day):
        raise _refuse("issuing_unit_id", str(ERR_UNIT_INACTIVE).format(name=unit.name, day=f"{day:%d/%m/%Y}"))
    return unit


def _parent(acting_user: User | None, directive_id: int | None, parent_id: int | None) -> Directive | None:
    """The parent, if the user may see it and it does not make the tree a cycle or too deep."""
    if parent_id is None:
        return None
    if parent_id == directive_id:
        raise _refuse("parent_id", str(ERR_PARENT_SELF))
    visible = directives_visible_to(acting_user) if acting_user is not None else Directive.objects.all()
    parent = visible.filter(pk=parent_id).first()
    if parent is None:
        raise _refuse("parent_id", str(ERR_PARENT_UNKNOWN))
    # Walk up from the parent: meeting the directive itself means the parent sits below it.
    seen: list[int] = []
    current: int | None = parent.pk
    while current is not None:
        if current == directive_id:
            raise _refuse("parent_id", str(ERR_PARENT_CYCLE).format(parent=parent))
        seen.append(current)
        # With its ancestors above it, the directive would sit at level len(seen) + 1.
        if len(seen) >= MAX_TREE_DEPTH or seen.count(current) > 1:
            raise _refuse("parent_id", str(ERR_TREE_TOO_DEEP).format(depth=MAX_TREE_DEPTH))
        current = Directive.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return parent


def _number_taken(existing: Directive) -> ValidationFailed:
    message = str(ERR_NUMBER_TAKEN).format(
        number_symbol=existing.number_symbol,
        kind=existing.get_kind_display().lower(),
        summary=existing.summary if len(existing.summary) <= 120 else existing.summary[:119] + "…",
        day=f"{existing.issued_on:%d/%m/%Y}",
        term=existing.term.name,
        proposed=next_number(existing.kind, existing.issuer_code, existing.term),
    )
    return ValidationFailed(message, code="number_taken", fields={"number": message})


def _holder(directive: Directive) -> Directive | None:
    """The other directive already holding this number-symbol in the term, if any."""
    return (
        Directive.objects.filter(
            term_id=directive.term_id, kind=directive.kind, issuer_code=directive.issuer_code, number=directive.number
        )
        .exclude(pk=directive.pk)
        .select_related("term")
        .first()
    )


def _apply(acting_user: User | None, directive: Directive, data: DirectiveInput) -> bool:
    """Validate ``data`` and set it on ``directive`` (not saved). True if the number is to be proposed."""
    try:
        kind = kind_from_code(data.kind)
    except SymbolError as exc:
        raise _refuse("kind", exc.message) from exc
    try:
        issuer_code = normalize_issuer_code(data.issuer_code)
    except SymbolError as exc:
        raise _refuse("issuer_code", exc.message) from exc
    if data.number is not None:
        try:
            check_number(data.number)
        except SymbolError as exc:
            raise _refuse("number", exc.message) from exc
    summary = " ".join(data.summary.split())
    if not summary:
        raise _refuse("summary", str(ERR_SUMMARY_REQUIRED))
    place = " ".join(data.place.split())
    if not place:
        raise _refuse("place", str(ERR_PLACE_REQUIRED))
    if data.urgency not in Urgency.values:
        labels = ", ".join(f"{value} ({label})" for value, label in Urgency.choices)
        raise _refuse("urgency", str(ERR_URGENCY).format(choices=labels))
    today = clock.today()
    if data.issued_on > today:
        raise _refuse("issued_on", str(ERR_FUTURE_DATE).format(today=f"{today:%d/%m/%Y}"))
    unit = _issuing_unit(acting_user, data.issuing_unit_id, data.issued_on)
    term = term_for_or_fail(unit, data.issued_on)
    parent = _parent(acting_user, directive.pk, data.parent_id)

    directive.kind = kind
    directive.issuer_code = issuer_code
    directive.issuing_unit = unit
    directive.term = term
    directive.issued_on = data.issued_on
    directive.summary = summary
    directive.urgency = Urgency(data.urgency).value
    directive.place = place
    directive.signer = " ".join(data.signer.split())
    directive.full_text = data.full_text.replace("\r\n", "\n").strip()
    directive.parent = parent
    if data.number is not None:
        directive.number = data.number
    return data.number is None


def _save(directive: Directive, *, propose_number: bool) -> None:
    """Number (if asked), check the number is free, and save — race-safe.

    The term row is locked first, so that two people registering in the same term are numbered one after the other.
    Should another transaction still take the number between the check and the insert (an explicit number typed by
    two people at once), the unique constraint refuses the second; that is caught in a savepoint and answered with
    the same message as the check.
    """
    Term.objects.select_for_update().filter(pk=directive.term_id).first()
    if propose_number:
        directive.number = next_number(directive.kind, directive.issuer_code, directive.term)
    holder = _holder(directive)
    if holder is not None:
        raise _number_taken(holder)
    directive.search_text = search_text(
        directive.number_symbol, directive.get_kind_display(), directive.summary, directive.signer
    )
    try:
        # Related objects were checked above (through the gate); uniqueness just now, with a better message.
        directive.full_clean(
            exclude=["issuing_unit", "term", "parent", "created_by"], validate_unique=False, validate_constraints=False
        )
    except DjangoValidationError as exc:
        fields = {name: " ".join(str(m) for m in msgs) for name, msgs in exc.message_dict.items()}
        raise ValidationFailed(next(iter(fields.values())), fields=fields) from exc
    try:
        with transaction.atomic():
            directive.save()
    except IntegrityError as exc:
        holder = _holder(directive)
        if holder is not None:
            raise _number_taken(holder) from exc
        message = str(ERR_NUMBER_TAKEN_RACE).format(number_symbol=directive.number_symbol)
        raise ValidationFailed(message, code="number_taken", fields={"number": message}) from exc


@transaction.atomic
def directive_create(*, acting_user: User | None, data: DirectiveInput) -> Directive:
    """Register a directive; without a number it gets the next one of its kind and issuer in its term."""
    _check_right(acting_user)
    directive = Directive(created_by=acting_user)
    propose = _apply(acting_user, directive, data)
    _save(directive, propose_number=propose)
    audit_record(
        acting_user=acting_user,
        action="directive.create",
        obj=directive,
        unit_id=directive.issuing_unit_id,
        summary=f"Đăng ký {directive}",
        after=_snapshot(directive),
    )
    return directive


@transaction.atomic
def directive_update(
    *, acting_user: User | None, directive: Directive, expected_version: int, data: DirectiveInput
) -> Directive:
    """Edit a directive as loaded at ``expected_version``; if someone saved in between, ``Conflict`` (409).

    ``data`` is the whole new state (a partial edit builds it with ``DirectiveInput.from_directive``); a missing
    number keeps the current one.
    """
    _check_right(acting_user)
    locked = Directive.objects.select_for_update().get(pk=directive.pk)
    if locked.version != expected_version:
        raise Conflict(
            str(ERR_STALE).format(current=locked.version, expected=expected_version),
            code="stale_version",
            fields={"version": str(ERR_STALE_VERSION).format(current=locked.version)},
        )
    before = _snapshot(locked)
    if data.number is None:
        data = dataclasses.replace(data, number=locked.number)
    _apply(acting_user, locked, data)
    locked.version = expected_version + 1
    _save(locked, propose_number=False)
    audit_record(
        acting_user=acting_user,
        action="directive.update",
        obj=locked,
        unit_id=locked.issuing_unit_id,
        summary=f"Sửa {locked}",
        before=before,
        after=_snapshot(locked),
    )
    return locked


@transaction.atomic
def directive_attach_file(
    *, acting_user: User | None, directive: Directive, upload: UploadedFile | None
) -> DirectiveAttachment:
    """Attach a file (checked by ``common.uploads.check_upload``: size, true type, active content, ZIP bombs), at
    most ``MAX_ATTACHMENTS_PER_DIRECTIVE`` per directive."""
    _check_right(acting_user)
    checked = check_upload(upload)  # before the lock: checking a file holds no row
    locked = Directive.objects.select_for_update().get(pk=directive.pk)
    if locked.attachments.count() >= MAX_ATTACHMENTS_PER_DIRECTIVE:
        raise _refuse("file", str(ERR_TOO_MANY_FILES).format(limit=MAX_ATTACHMENTS_PER_DIRECTIVE))
    attachment = DirectiveAttachment(
        directive=locked,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=acting_user,
    )
    # A random stored name: the user's file name never becomes a path on the server.
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", checked.upload, save=False)
    try:
        attachment.save()
        audit_record(
            acting_user=acting_user,
            action="directiveattachment.create",
            obj=attachment,
            unit_id=locked.issuing_unit_id,
            summary=f"Đính kèm tệp “{attachment.original_name}” vào {locked}",
            after=_attachment_snapshot(attachment),
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def directive_remove_attachment(*, acting_user: User | None, attachment: DirectiveAttachment) -> None:
    """Remove an attachment; the stored file is deleted once the removal is committed."""
    _check_right(acting_user)
    locked = DirectiveAttachment.objects.select_for_update().select_related("directive").get(pk=attachment.pk)
    before = _attachment_snapshot(locked)
    storage, name = locked.file.storage, locked.file.name
    directive, pk, original_name = locked.directive, locked.pk, locked.original_name
    locked.delete()
    audit_record(
        acting_user=acting_user,
        action="directiveattachment.delete",
        object_type=DirectiveAttachment._meta.label_lower,
        object_id=str(pk),
        object_repr=original_name,
        unit_id=directive.issuing_unit_id,
        summary=f"Gỡ tệp “{original_name}” khỏi {directive}",
        before=before,
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def term_create(
    *,
    acting_user: User | None,
    committee: Unit,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Term:
    """Declare a term of a committee; terms of one committee do not overlap."""
    if acting_user is not None and not can_manage_terms(acting_user):
        raise PermissionDeniedError(str(ERR_NO_TERM_RIGHT))
    name = " ".join(name.split())
    if not name:
        raise _refuse("name", str(ERR_TERM_NAME_REQUIRED))
    if ends_on is not None and ends_on < starts_on:
        raise _refuse("ends_on", str(ERR_TERM_DATES))
    overlap = Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    if ends_on is not None:
        overlap &= Q(starts_on__lte=ends_on)
    clash = Term.objects.select_for_update().filter(overlap, committee=committee).first()
    if clash is not None:
        raise _refuse("starts_on", str(ERR_TERM_OVERLAP).format(name=clash.name, committee=committee.name))
    term = Term(committee=committee, name=name, starts_on=starts_on, ends_on=ends_on)
    term.full_clean()
    term.save()
    audit_record(
        acting_user=acting_user,
        action="term.create",
        obj=term,
        unit_id=committee.pk,
        summary=f"Khai báo {name} của {committee.name}",
        after={"committee_id": committee.pk, "name": name, "starts_on": starts_on, "ends_on": ends_on},
    )
    return term


@transaction.atomic
def term_close(*, acting_user: User | None, term: Term, ends_on: datetime.date) -> Term:
    """End a committee's term on ``ends_on`` (the day before the next congress); its directives' numbers stay."""
    if acting_user is not None and not can_manage_terms(acting_user):
        raise PermissionDeniedError(str(ERR_NO_TERM_RIGHT))
    term = Term.objects.select_for_update().select_related("committee").get(pk=term.pk)
    if term.ends_on is not None:
        raise _refuse("ends_on", str(ERR_TERM_CLOSED).format(day=term.ends_on.strftime("%d/%m/%Y")))
    if ends_on < term.starts_on:
        raise _refuse("ends_on", str(ERR_TERM_DATES))
    later = term.directives.filter(issued_on__gt=ends_on).order_by("issued_on").first()
    if later is not None:
        message = str(ERR_TERM_HAS_LATER).format(directive=later, day=later.issued_on.strftime("%d/%m/%Y"))
        raise _refuse("ends_on", message)
    term.ends_on = ends_on
    term.save(update_fields=["ends_on"])
    audit_record(
        acting_user=acting_user,
        action="term.close",
        obj=term,
        unit_id=term.committee_id,
        summary=f"Kết thúc {term.name} của {term.committee.name} vào ngày {ends_on:%d/%m/%Y}",
        before={"ends_on": None},
        after={"ends_on": ends_on},
    )
    return term
