"""Walking the journal's keyed hash chain in order (``verify``, and each checkpoint for its own stretch)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sauro.audit.hashing import GENESIS_HASH, entry_fields, entry_mac, legacy_entry_hash
from sauro.audit.models import AuditEntry

ERR_MISSING = "thiếu mục số {seq} (mục bị xóa)"
ERR_PREV = "mã băm trước không khớp (chuỗi bị cắt hoặc chèn)"
ERR_EDITED = "nội dung không khớp mã băm (mục bị sửa, hoặc khóa nhật ký không đúng)"
ERR_LEGACY = (
    "mã băm dạng cũ (SHA-256 không khóa): nhật ký chưa được khóa — chạy `sauro audit upgrade` để kiểm tra "
    "chuỗi cũ và khóa lại bằng khóa nhật ký (docs/audit.md)"
)
ERR_ANCHOR = "mã băm khác mã băm đã ghi ở mốc kiểm (chuỗi bị tính lại)"


@dataclass(frozen=True)
class ChainWalk:
    """How far the chain holds: ``checked`` entries up to ``last_seq``/``last_hash``, or the first bad one."""

    ok: bool
    checked: int
    last_seq: int
    last_hash: str
    bad_seq: int | None = None
    problem: str = ""


def walk_chain(
    key: bytes,
    *,
    after_seq: int = 0,
    after_hash: str = GENESIS_HASH,
    until_seq: int | None = None,
    anchors: Mapping[int, str] | None = None,
    batch_size: int = 5000,
) -> ChainWalk:
    """Check the entries after ``after_seq`` (whose hash is ``after_hash``), up to ``until_seq`` if given.

    Detects: a row whose content no longer matches its keyed hash (edited, or re-hashed without the key), a gap
    in ``seq`` or a ``prev_hash`` that does not match the row before (deleted or inserted), and a row whose hash
    differs from the one a checkpoint recorded for it (``anchors``: seq → hash).
    """
    anchors = anchors or {}
    expected_prev = after_hash
    expected_seq = after_seq + 1
    checked = 0
    last_seq = after_seq
    qs = AuditEntry.objects.order_by("seq")
    if until_seq is not None:
        qs = qs.filter(seq__lte=until_seq)

    def bad(seq: int, problem: str) -> ChainWalk:
        return ChainWalk(False, checked, last_seq, expected_prev, seq, problem)

    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for e in batch:
            if e.seq != expected_seq:
                return bad(expected_seq, ERR_MISSING.format(seq=expected_seq))
            if e.prev_hash != expected_prev:
                return bad(e.seq, ERR_PREV)
            if entry_mac(key, **entry_fields(e)) != e.hash:
                legacy = e.seq == 1 and legacy_entry_hash(**entry_fields(e)) == e.hash
                return bad(e.seq, ERR_LEGACY if legacy else ERR_EDITED)
            if anchors.get(e.seq, e.hash) != e.hash:
                return bad(e.seq, ERR_ANCHOR)
            expected_prev = e.hash
            expected_seq += 1
            checked += 1
            last_seq = e.seq
    return ChainWalk(True, checked, last_seq, expected_prev)
