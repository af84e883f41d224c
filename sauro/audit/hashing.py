"""How an audit row's hash is computed. Changing this breaks every existing chain: don't.

Each row's ``hash`` is the HMAC-SHA256, under the journal's key (``audit.keys``), of the row's canonical content
including the previous row's hash (``entry_mac``). Journals written before issue 16 used the plain SHA-256 of the
same content (``legacy_entry_hash``): anyone could recompute it, so it is used only to check such a chain once
before ``sauro audit upgrade`` seals it with the key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


class ChainedEntry(Protocol):
    """What the hash covers (an ``AuditEntry``, or any object with the same attributes)."""

    seq: int
    at: datetime.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    unit_id_snapshot: int | None
    summary: str
    before: Any
    after: Any
    request_id: str
    prev_hash: str


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_fields(entry: ChainedEntry) -> dict[str, Any]:
    """The keyword arguments of ``entry_mac`` for a stored row."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "unit_id_snapshot": entry.unit_id_snapshot,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }


def _payload(
    *,
    seq: int,
    at: datetime.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    unit_id_snapshot: int | None,
    summary: str,
    before: Any,
    after: Any,
    request_id: str,
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        # Microsecond UTC timestamp: identical however the database returns the value.
        "at": at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "unit_id": unit_id_snapshot,
        "summary": summary,
        # Round-trip through JSON so the hash is computed on what the database stores.
        "before": json.loads(_canonical(before)),
        "after": json.loads(_canonical(after)),
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    return _canonical(payload).encode()


def entry_mac(key: bytes, **fields: Any) -> str:
    """The row's hash: HMAC-SHA256 under ``key`` of its canonical content (``fields`` as in ``entry_fields``)."""
    return hmac.new(key, _payload(**fields), hashlib.sha256).hexdigest()


def legacy_entry_hash(**fields: Any) -> str:
    """The unkeyed SHA-256 of journals written before issue 16. Only ``sauro audit upgrade`` may use it."""
    return hashlib.sha256(_payload(**fields)).hexdigest()
