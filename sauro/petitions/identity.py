"""Confidentiality of the denouncer (issue 19, point 6).

**Which records.** Every letter and every visit whose kind is a denunciation (tố cáo) or of several contents
(``identity_keys.PROTECTED_KINDS``: the register does not record which contents a mixed letter holds besides its
main one, so it is taken to include a denunciation) carries a **protected identity**: the sender's name and address
(a visit's also the ID number and a group's representatives). Once protected, a record stays so (its identity row is
never removed), even if its kind is corrected later.

**Where it lives.** Encrypted in ``SignerIdentity`` (one row per record, a Fernet token; the key is outside the
database, ``identity_keys``); the record's own columns stay empty. The services write it (``protect_before_save``
then ``store``, inside their transaction); nothing else reads the token but this module.

**Who sees it.** ``access.may_see_identity`` — the officer handling the record and the leader deciding it. Everyone
else, every list, every export and every API list see "đã được giữ bí mật" (``MASK``). Each time the identity is
shown decrypted — a letter's or visit's page, its edit form, ``GET /api/v1/petitions/letters/{id}`` — a journal
entry ``letter.identity_view`` / ``reception.identity_view`` is written (``identity_reveal``), and Ủy ban Kiểm tra
lists them (``identity_views``, the page ``/don-thu/xem-danh-tinh/``).

**Without the key** the pages still work: who may see the identity is told it cannot be read (``ERR_UNREADABLE``),
nobody else notices anything; registering or correcting a protected record's identity is refused until the key is
back (``ERR_KEY_WRITE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.audit.services import audit_record
from sauro.common.errors import ServiceError
from sauro.common.pagination import Key, Keyset, Page
from sauro.org.access import user_scope
from sauro.org.choices import Role
from sauro.petitions import identity_keys
from sauro.petitions.access import may_see_identity, register_unit_ids
from sauro.petitions.identity_keys import IdentityKeyError, is_protected_kind
from sauro.petitions.models import Letter, Reception, SignerIdentity

MASK = "đã được giữ bí mật"
ERR_UNREADABLE = "Không đọc được danh tính người tố cáo: {reason} Hãy báo quản trị hệ thống đặt lại khóa (xem docs)."
ERR_KEY_WRITE = (
    "Chưa lưu được: danh tính người tố cáo phải được mã hóa nhưng chưa có khóa mã hóa dùng được ({reason}). "
    "Hãy báo quản trị hệ thống."
)

# Shown (state): not protected; protected and hidden from the user; protected and shown decrypted (journalled);
# protected, the user may see it, but the key in force cannot open it.
OPEN, HIDDEN, SHOWN, UNREADABLE = "open", "hidden", "shown", "unreadable"

VIEW_ACTIONS = ("letter.identity_view", "reception.identity_view")
CHANNELS = {"page": "trang chi tiết", "form": "trang sửa", "api": "API"}

Record = Letter | Reception


@dataclass(frozen=True)
class Sender:
    """Who sent a letter or came to a visit: what point 6 protects."""

    name: str = ""
    address: str = ""
    id_number: str = ""
    representatives: str = ""

    def payload(self) -> dict[str, str]:
        return {
            "name": self.name,
            "address": self.address,
            "id_number": self.id_number,
            "representatives": self.representatives,
        }

    @classmethod
    def of_payload(cls, payload: dict[str, str]) -> Sender:
        return cls(
            name=payload.get("name", ""),
            address=payload.get("address", ""),
            id_number=payload.get("id_number", ""),
            representatives=payload.get("representatives", ""),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.address or self.id_number or self.representatives)


MASKED = Sender(name=MASK, address=MASK, id_number=MASK, representatives=MASK)


@dataclass(frozen=True)
class IdentityShown:
    """What a page or the API shows of a record's sender, and why (``state``)."""

    state: str
    sender: Sender
    message: str = ""

    @property
    def protected(self) -> bool:
        return self.state != OPEN

    @property
    def hidden(self) -> bool:
        return self.state in (HIDDEN, UNREADABLE)


# --- which records ----------------------------------------------------------------------------------------------


def _row(record: Record) -> SignerIdentity | None:
    if record.pk is None:
        return None
    field = "letter" if isinstance(record, Letter) else "reception"
    return SignerIdentity.objects.filter(**{field: record.pk}).first()


def is_protected(record: Record) -> bool:
    """Whether ``record`` carries a protected identity: of a protected kind, or with an identity stored."""
    if is_protected_kind(record.kind):
        return True
    annotated = getattr(record, "identity_protected", None)
    if annotated is not None:
        return bool(annotated)
    return record.pk is not None and _row(record) is not None


def plain_sender(record: Record) -> Sender:
    """The sender as the record's own columns hold it (empty on a protected record)."""
    if isinstance(record, Letter):
        return Sender(name=record.signer_name, address=record.signer_address)
    return Sender(
        name=record.citizen_name,
        address=record.citizen_address,
        id_number=record.id_number,
        representatives=record.representatives,
    )


def _blank_columns(record: Record) -> None:
    if isinstance(record, Letter):
        record.signer_name = ""
        record.signer_address = ""
    else:
        record.citizen_name = ""
        record.citizen_address = ""
        record.id_number = ""
        record.representatives = ""


def _decrypt(row: SignerIdentity) -> Sender:
    return Sender.of_payload(identity_keys.decrypt(row.token, identity_keys.keyring()))


# --- writing (the services) -------------------------------------------------------------------------------------


def has_stored_identity(record: Record) -> bool:
    return _row(record) is not None


def protect_before_save(record: Record, *, keep: bool = False) -> Sender | None:
    """Before a service saves ``record``: when it is protected, empty its identity columns and return the identity
    to ``store`` once saved (``None``: nothing to store — not protected, or ``keep``: the stored identity stays)."""
    if not (is_protected_kind(record.kind) or has_stored_identity(record)):
        return None
    sender = plain_sender(record)
    _blank_columns(record)
    return None if keep else sender


def _writing_ring() -> identity_keys.Keyring:
    """The keys to encrypt with; the key file is created only while nothing is stored (a lost key is not replaced
    by a new one silently)."""
    try:
        return identity_keys.keyring(create=not SignerIdentity.objects.exists())
    except IdentityKeyError as error:
        message = ERR_KEY_WRITE.format(reason=str(error).rstrip("."))
        raise ServiceError(message, code="identity_key_missing", fields={"signer_name": message}) from error


def store(record: Record, sender: Sender) -> SignerIdentity:
    """Encrypt ``sender`` as ``record``'s identity (inside the caller's transaction, after the record is saved)."""
    ring = _writing_ring()
    token = identity_keys.encrypt(sender.payload(), ring)
    lookup: dict[str, Any] = {"letter" if isinstance(record, Letter) else "reception": record}
    row, _created = SignerIdentity.objects.update_or_create(defaults={"key_id": ring.key_id, "token": token}, **lookup)
    return row


def sender_fields(record: Record, *, for_keys: bool = True) -> Sender:
    """The sender's name, address and ID number, decrypted, **for internal use** (the duplicate search's keys):
    never shown, so not journalled. A record that is not protected gives its columns. With ``for_keys`` an identity
    the key cannot open gives an empty ``Sender`` (the keys are then computed without the sender); without it,
    ``IdentityKeyError``."""
    return _opened(record, _row(record), for_keys=for_keys)


def _opened(record: Record, row: SignerIdentity | None, *, for_keys: bool) -> Sender:
    """The sender of ``record`` given its stored identity ``row`` (None: its own columns); ``sender_fields``."""
    if row is None:
        return plain_sender(record)
    try:
        return _decrypt(row)
    except IdentityKeyError:
        if for_keys:
            return Sender()
        raise


def senders_fields(records: Sequence[Record]) -> list[Sender]:
    """``sender_fields`` (``for_keys``) of each of ``records``, in their order, with one query for all (the duplicate
    search compares dozens of candidates, many of them denunciations: a query each cost more than comparing them)."""
    letters = [r.pk for r in records if isinstance(r, Letter) and r.pk is not None]
    receptions = [r.pk for r in records if isinstance(r, Reception) and r.pk is not None]
    rows: dict[tuple[bool, int | None], SignerIdentity] = {}
    if letters or receptions:
        for stored in SignerIdentity.objects.filter(Q(letter_id__in=letters) | Q(reception_id__in=receptions)):
            if stored.letter_id is not None:
                rows[(True, stored.letter_id)] = stored
            else:
                rows[(False, stored.reception_id)] = stored
    return [
        _opened(r, rows.get((isinstance(r, Letter), r.pk)) if r.pk is not None else None, for_keys=True)
        for r in records
    ]


# --- showing ----------------------------------------------------------------------------------------------------


def identity_listed(record: Record) -> IdentityShown:
    """What a list, an export or an API list shows: the columns of an open record, "đã được giữ bí mật" for a
    protected one — never decrypted, whoever looks."""
    if is_protected(record):
        return IdentityShown(HIDDEN, MASKED)
    return IdentityShown(OPEN, plain_sender(record))


@transaction.atomic
def identity_reveal(*, acting_user: User, record: Record, channel: str) -> IdentityShown:
    """What ``acting_user`` sees of ``record``'s sender on one of its pages or its API read (``channel``: page, form,
    api). A protected identity is decrypted only for who ``access.may_see_identity``, and each such view is
    journalled (``letter.identity_view`` / ``reception.identity_view``) in the same transaction."""
    if not is_protected(record):
        return IdentityShown(OPEN, plain_sender(record))
    if not may_see_identity(acting_user, record):
        return IdentityShown(HIDDEN, MASKED)
    row = _row(record)
    if row is None:  # of a protected kind but registered before the store existed: its columns
        sender = plain_sender(record)
    else:
        try:
            sender = _decrypt(row)
        except IdentityKeyError as error:
            return IdentityShown(UNREADABLE, MASKED, ERR_UNREADABLE.format(reason=str(error)))
    prefix = "letter" if isinstance(record, Letter) else "reception"
    what = "người đứng đơn" if isinstance(record, Letter) else "công dân"
    audit_record(
        acting_user=acting_user,
        action=f"{prefix}.identity_view",
        obj=record,
        unit_id=record.unit_id,
        summary=f"Xem danh tính {what} ({CHANNELS.get(channel, channel)}): {record}"[:500],
        after={"channel": channel},
    )
    return IdentityShown(SHOWN, sender)


# --- Ủy ban Kiểm tra: who saw which identity ---------------------------------------------------------------------

VIEW_ORDER = Keyset("identity_views", Key("seq", int, descending=True))


def may_list_identity_views(user: User) -> bool:
    """Ủy ban Kiểm tra (inspector) lists the views of the identities in the registers it reads."""
    return bool(user.is_authenticated and user.is_active and user_scope(user).has_role(Role.INSPECTOR))


def identity_views(*, user: User, cursor: str | None = None, limit: int = 50) -> Page[AuditEntry]:
    """The journal's views of protected identities in the registers ``user`` (an inspector) reads, latest first:
    who, when, which letter or visit, where (page, form, API). Nothing for anyone else."""
    qs: QuerySet[AuditEntry] = AuditEntry.objects.none()
    if may_list_identity_views(user):
        ids = register_unit_ids(user)
        if ids:
            qs = AuditEntry.objects.filter(action__in=VIEW_ACTIONS, unit_id_snapshot__in=ids)
    return VIEW_ORDER.page(qs, cursor=cursor, limit=limit)


def view_link(entry: AuditEntry) -> tuple[str, int] | None:
    """The record an identity view was about, as (kind, id): "letter" or "reception"."""
    kind = {"petitions.letter": "letter", "petitions.reception": "reception"}.get(entry.object_type)
    if kind is None or not entry.object_id.isdigit():
        return None
    return kind, int(entry.object_id)


def channel_of(entry: AuditEntry) -> str:
    after: Any = entry.after or {}
    channel = after.get("channel", "") if isinstance(after, dict) else ""
    return CHANNELS.get(channel, channel)


# --- the key's upkeep ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upkeep:
    moved: int
    rekeyed: int


@transaction.atomic
def identities_protect(*, acting_user: User | None = None) -> Upkeep:
    """Move the plain identities of protected records without a stored one into the store (records written before
    the store existed, or around the services), and encrypt again with the first key every identity stored under
    an older one (after a key rotation). Journalled as ``petitions.identities_protect`` when anything changed."""
    ring = _writing_ring()
    moved = 0
    for model in (Letter, Reception):
        rows = model.objects.filter(kind__in=sorted(identity_keys.PROTECTED_KINDS), identity__isnull=True)
        for record in rows.select_for_update(of=("self",)):
            sender = plain_sender(record)
            _blank_columns(record)
            record.save(update_fields=_identity_columns(record))
            store(record, sender)
            moved += 1
    rekeyed = 0
    for row in SignerIdentity.objects.exclude(key_id=ring.key_id).select_for_update():
        try:
            row.token = identity_keys.rotate(row.token, ring)
        except IdentityKeyError as error:
            raise ServiceError(ERR_UNREADABLE.format(reason=str(error)), code="identity_key_wrong") from error
        row.key_id = ring.key_id
        row.save(update_fields=["token", "key_id", "updated_at"])
        rekeyed += 1
    if moved or rekeyed:
        audit_record(
            acting_user=acting_user,
            action="petitions.identities_protect",
            object_type="petitions.signeridentity",
            summary=f"Mã hóa danh tính người tố cáo: {moved} chuyển vào kho mã hóa, {rekeyed} mã hóa lại bằng khóa mới",
            after={"moved": moved, "rekeyed": rekeyed, "key_id": ring.key_id},
        )
    return Upkeep(moved=moved, rekeyed=rekeyed)


def _identity_columns(record: Record) -> list[str]:
    if isinstance(record, Letter):
        return ["signer_name", "signer_address"]
    return ["citizen_name", "citizen_address", "id_number", "representatives"]
