"""How an audit row's hash is computed. Changing this breaks every existing chain: don't."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
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
) -> str:
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
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()
