"""Writing to the audit journal. Only services call this, inside their own transaction."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from sauro.audit.checkpoints import writing_key
from sauro.audit.hashing import GENESIS_HASH, entry_mac
from sauro.audit.models import AuditEntry, AuditHead
from sauro.common import clock
from sauro.common.request_context import current_request_id

if TYPE_CHECKING:
    # The configured user model (``accounts.User``) as the type checker resolves it: audit sits below accounts.
    from django.contrib.auth.models import _User as User


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


def lock_head() -> AuditHead:
    """The journal's head row, locked until the caller's transaction ends; created on the first write ever. One query
    once it exists (every journalled write pays it)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    acting_user: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    unit_id: int | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the journal, chained to the previous one and sealed with the journal's key.

    Must run inside the caller's transaction (``transaction.atomic``) so the entry commits or rolls back
    with the change it describes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    # The head row serialises writers: the lock is held until the surrounding transaction ends.
    head = lock_head()
    key = writing_key()  # read under the lock: a key rotation swaps it while holding the lock
    seq = head.last_seq + 1
    at = clock.now()
    actor_id = acting_user.pk if acting_user is not None else None
    actor_name = acting_user.get_full_name() if acting_user is not None else "Hệ thống"
    request_id = current_request_id()
    before_j, after_j = _jsonable(before), _jsonable(after)
    digest = entry_mac(
        key,
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        unit_id_snapshot=unit_id,
        summary=summary,
        before=before_j,
        after=after_j,
        request_id=request_id,
        prev_hash=head.last_hash,
    )
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        unit_id_snapshot=unit_id,
        summary=summary,
        before=before_j,
        after=after_j,
        request_id=request_id,
        prev_hash=head.last_hash,
        hash=digest,
    )
    entry.save()
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return entry
