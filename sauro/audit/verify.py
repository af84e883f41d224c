"""Checking the audit journal's hash chain."""

from __future__ import annotations

from dataclasses import dataclass

from sauro.audit.hashing import GENESIS_HASH, entry_hash
from sauro.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the journal in order and report the first entry that breaks the chain.

    Detects: a row whose content no longer matches its hash (edited), a gap in ``seq`` or a ``prev_hash``
    that does not match the row before (deleted or inserted), and missing rows at the end (the head row
    records the last sequence number and hash).
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEntry.objects.order_by("seq")
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for e in batch:
            if e.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"thiếu mục số {expected_seq} (mục bị xóa)")
            if e.prev_hash != expected_prev:
                return VerifyResult(False, checked, e.seq, "mã băm trước không khớp (chuỗi bị cắt hoặc chèn)")
            digest = entry_hash(
                seq=e.seq,
                at=e.at,
                actor_id=e.actor_id,
                actor_name=e.actor_name,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                unit_id_snapshot=e.unit_id_snapshot,
                summary=e.summary,
                before=e.before,
                after=e.after,
                request_id=e.request_id,
                prev_hash=e.prev_hash,
            )
            if digest != e.hash:
                return VerifyResult(False, checked, e.seq, "nội dung không khớp mã băm (mục bị sửa)")
            expected_prev = e.hash
            expected_seq += 1
            checked += 1
            last_seq = e.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return VerifyResult(False, checked, last_seq + 1, f"thiếu các mục cuối (đến số {head.last_seq})")
    return VerifyResult(True, checked)
