"""Links between letters an officer confirms as the same matter (issue 19, point 5): the write services of the
duplicate search (``petitions.duplicates`` finds and reads; these record). Apart from ``services`` and
``duplicates`` so that neither imports the other back: this module uses both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.inputs import id_in_range
from sauro.petitions.access import letters_visible_to, may_register
from sauro.petitions.duplicates import decision_in_force, letter_record, reason_text, similarity_secret
from sauro.petitions.models import Letter, LetterLink, Reception
from sauro.petitions.services import _check_version, _lock_letter, letter_create, reception_attach_letter
from sauro.petitions.similar import compare, sketch

ERR_LINK_RIGHT = "Chỉ Văn phòng, lãnh đạo và cán bộ của đơn vị nhận đơn mới được liên kết đơn trùng."
ERR_LINK_SELF = "Không liên kết được một đơn với chính nó."
ERR_LINK_UNKNOWN = "Không tìm thấy đơn trùng này trong phạm vi bạn được xem."
ERR_LINK_EXISTS = "Hai đơn này đã được liên kết là đơn trùng."


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"duplicate_of_id": message})


@transaction.atomic
def letter_link_duplicate(
    *, acting_user: User | None, letter: Letter, duplicate_of: Letter | int, expected_version: int | None = None
) -> LetterLink:
    """Record that ``letter`` repeats the earlier ``duplicate_of`` (a letter the acting user sees), with the engine's
    reasons for the pair. When the earlier letter's decision took effect on or before ``letter``'s receipt, ``letter``
    becomes a repeat after a decision in force (``repeat_of``, unless it already is one). Journalled
    ``letter.link_duplicate`` on ``letter``; the letter's version is checked, not raised (its facts do not change)."""
    locked = _lock_letter(letter, None)
    if acting_user is not None and not may_register(acting_user, locked.unit):
        raise PermissionDeniedError(ERR_LINK_RIGHT)
    _check_version(locked.version, expected_version)
    target_id = duplicate_of.pk if isinstance(duplicate_of, Letter) else duplicate_of
    if not id_in_range(target_id):
        raise _refuse(ERR_LINK_UNKNOWN)
    if target_id == locked.pk:
        raise _refuse(ERR_LINK_SELF)
    candidates = letters_visible_to(acting_user) if acting_user is not None else Letter.objects.all()
    target = candidates.select_related("unit", "task").filter(pk=target_id).first()
    if target is None:
        raise _refuse(ERR_LINK_UNKNOWN)
    if LetterLink.objects.filter(letter=locked, duplicate_of=target).exists():
        raise Conflict(ERR_LINK_EXISTS, code="already_linked", fields={"duplicate_of_id": ERR_LINK_EXISTS})
    secret = similarity_secret()
    pair = compare(
        sketch(letter_record(locked), secret=secret, with_keys=False),
        sketch(letter_record(target), secret=secret, with_keys=False),
    )
    reason = ",".join(r.value for r in pair.reasons) if pair is not None else ""
    link = LetterLink.objects.create(letter=locked, duplicate_of=target, reason=reason, created_by=acting_user)
    before = {"repeat_of_id": locked.repeat_of_id}
    day = decision_in_force(target)
    if locked.repeat_of_id is None and day is not None and day <= locked.received_on:
        Letter.objects.filter(pk=locked.pk).update(repeat_of_id=target.pk)
        locked.repeat_of_id = target.pk
    audit_record(
        acting_user=acting_user,
        action="letter.link_duplicate",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"{locked} trùng với {target} ({reason_text(reason)})"[:500],
        before=before,
        after={"duplicate_of_id": target.pk, "reason": reason, "repeat_of_id": locked.repeat_of_id},
    )
    return link


@transaction.atomic
def letter_create_linked(
    *,
    acting_user: User | None,
    data: Any,
    duplicate_of_ids: Sequence[int] = (),
    from_reception: Reception | None = None,
) -> Letter:
    """Register a letter (``services.letter_create``), link it to the earlier letters the officer chose among the
    proposals and, when it was handed in at a visit (``from_reception``), record it on the visit; all or nothing."""
    letter = letter_create(acting_user=acting_user, data=data)
    for target in dict.fromkeys(duplicate_of_ids):
        letter_link_duplicate(acting_user=acting_user, letter=letter, duplicate_of=target)
    if from_reception is not None:
        reception_attach_letter(acting_user=acting_user, reception=from_reception, letter=letter)
    letter.refresh_from_db()
    return letter
