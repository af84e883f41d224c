"""``sauro audit upgrade``: seal a journal written before issue 16 (plain SHA-256) with the journal's key.

Journals written before the key existed carry the unkeyed SHA-256 chain that anyone with the database can
recompute. The upgrade, run once by the operator after installing this version:

1. refuses when the journal was ever anchored (a checkpoint exists): a keyed journal is never "upgraded" again, so
   an attacker cannot rewrite a journal with plain hashes and have it laundered;
2. checks the whole old chain as it stands: plain SHA-256 entries from the first one, then possibly entries already
   sealed with the key (written by this version before the upgrade was run), every link and hash intact — or it
   changes nothing and names the first bad entry;
3. in the same transaction, holding the head's lock, recomputes every entry's hash with the key (HMAC-SHA256) and
   appends an entry "audit.chain_keyed" recording the old head (sequence and SHA-256 hash) and the key's
   fingerprint;
4. then writes the first checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sauro.audit.chain import ERR_EDITED
from sauro.audit.checkpoints import Checkpoint, anchored, checkpoint_write
from sauro.audit.hashing import ChainedEntry, entry_fields, entry_mac, legacy_entry_hash
from sauro.audit.keys import audit_key, key_id
from sauro.audit.reseal import ResealError, reseal_chain
from sauro.audit.services import audit_record, lock_head

ACTION = "audit.chain_keyed"
ERR_ANCHORED = (
    "Nhật ký đã có mốc kiểm, tức là đã được khóa từ trước: không nâng cấp lại. Dùng `sauro audit verify` để kiểm tra."
)
ERR_OLD_CHAIN = "Chuỗi cũ không toàn vẹn ở mục số {seq} — {problem}. Không thay đổi gì."
ERR_OLD_TAIL = "Chuỗi cũ không toàn vẹn: thiếu các mục cuối (đến số {seq}). Không thay đổi gì."


class UpgradeError(Exception):
    """The journal cannot be upgraded; nothing was changed. The message is in Vietnamese."""


@dataclass(frozen=True)
class UpgradeResult:
    plain: int  # entries found with the old unkeyed hash
    resealed: int  # entries whose hash was recomputed with the key
    checkpoint: Checkpoint | None


def audit_upgrade(*, batch_size: int = 2000) -> UpgradeResult:
    """Check the old chain, re-seal it with the key, journal the change and anchor it (see the module)."""
    if anchored():
        raise UpgradeError(ERR_ANCHORED)
    key = audit_key(create=True)
    with transaction.atomic():
        head = lock_head()
        plain, resealed, old_hash, last = _reseal(key, batch_size)
        if (head.last_seq, head.last_hash) != (resealed, old_hash):
            raise UpgradeError(ERR_OLD_TAIL.format(seq=head.last_seq))
        if plain == 0:
            transaction.set_rollback(True)  # already sealed with the key: nothing to change
        else:
            audit_record(
                acting_user=None,
                action=ACTION,
                object_type="audit.auditentry",
                object_repr="Nhật ký hệ thống",
                summary=(
                    f"Khóa chuỗi nhật ký bằng HMAC-SHA256: đã kiểm tra {resealed} mục "
                    f"({plain} mục mã băm SHA-256 cũ) và tính lại mã băm bằng khóa nhật ký"
                ),
                before={"scheme": "sha256", "head_seq": head.last_seq, "head_hash": head.last_hash},
                after={"scheme": "hmac-sha256", "head_seq": resealed, "head_hash": last, "key_id": key_id(key)},
            )
    checkpoint = checkpoint_write() if plain else None
    return UpgradeResult(plain=plain, resealed=resealed if plain else 0, checkpoint=checkpoint)


def _reseal(key: bytes, batch_size: int) -> tuple[int, int, str, str]:
    """Check the stored chain (plain entries first, then keyed ones) while recomputing every hash with ``key``.

    Returns (plain entries, entries walked, the last one's stored hash, its new hash); raises ``UpgradeError`` (the
    caller's transaction then rolls back) at the first entry that breaks the stored chain.
    """
    plain = 0
    in_plain_prefix = True

    def check(entry: ChainedEntry, stored: str) -> str | None:
        nonlocal plain, in_plain_prefix
        fields = entry_fields(entry)
        if in_plain_prefix and legacy_entry_hash(**fields) == stored:
            plain += 1
        elif entry_mac(key, **fields) == stored:
            in_plain_prefix = False
        else:
            return ERR_EDITED
        return None

    try:
        walked, old_last, new_last = reseal_chain(key, check, batch_size=batch_size)
    except ResealError as error:
        raise UpgradeError(ERR_OLD_CHAIN.format(seq=error.seq, problem=error.problem)) from error
    return plain, walked, old_last, new_last
