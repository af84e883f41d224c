"""Recomputing every entry's hash with a key: the upgrade of an old journal and the rotation of the key."""

from __future__ import annotations

from collections.abc import Callable

from sauro.audit.chain import ERR_MISSING, ERR_PREV
from sauro.audit.hashing import GENESIS_HASH, ChainedEntry, entry_fields, entry_mac
from sauro.audit.models import AuditEntry, AuditHead


class ResealError(Exception):
    """The stored chain is broken at ``seq``; the caller's transaction must roll back."""

    def __init__(self, seq: int, problem: str) -> None:
        super().__init__(f"mục số {seq} — {problem}")
        self.seq = seq
        self.problem = problem


def reseal_chain(
    new_key: bytes, check: Callable[[ChainedEntry, str], str | None], *, batch_size: int = 2000
) -> tuple[int, str, str]:
    """Walk the stored chain, checking each entry's links and ``check(entry, stored hash)`` (a problem, or None),
    and rewrite ``prev_hash``/``hash`` with ``new_key``, then the head. Returns (entries walked, the last one's
    hash as it was stored, its new hash).

    Must run inside a transaction holding the head's lock; raises ``ResealError`` at the first bad entry.
    """
    old_prev = new_prev = GENESIS_HASH
    walked = 0
    qs = AuditEntry.objects.order_by("seq")
    while batch := list(qs.filter(seq__gt=walked)[:batch_size]):
        for e in batch:
            if e.seq != walked + 1:
                raise ResealError(walked + 1, ERR_MISSING.format(seq=walked + 1))
            if e.prev_hash != old_prev:
                raise ResealError(e.seq, ERR_PREV)
            problem = check(e, e.hash)
            if problem:
                raise ResealError(e.seq, problem)
            old_prev = e.hash
            e.prev_hash = new_prev
            e.hash = new_prev = entry_mac(new_key, **entry_fields(e))
            walked = e.seq
        AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(last_seq=walked, last_hash=new_prev)
    return walked, old_prev, new_prev
