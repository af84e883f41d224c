"""``sauro audit rotate-key``: replace the journal's key (a key that may have leaked, someone who knew it left).

1. The whole journal is verified with the current key (chain and checkpoints); a journal that fails is not touched.
2. The new key is written to ``<key file>.new``. In one transaction holding the head's lock (and the checkpoint
   file's lock), every entry is checked under the old key and re-sealed with the new one; the old key file moves
   to ``<key file>.retired-<old fingerprint>``, the new one takes its place, the checkpoint file moves to
   ``<checkpoint file>.retired-<old fingerprint>`` (its lines are signed with the old key and anchor the old
   hashes), the checkpoint table is emptied, and an entry ``audit.key_rotated`` records both fingerprints and the
   head before and after.
3. After the commit, the first checkpoint under the new key is written.

If the transaction fails, the files are put back. Only for the key file: a key given in ``SAURO_AUDIT_KEY`` is
rotated by hand (docs/audit.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from sauro.audit.chain import ERR_EDITED
from sauro.audit.checkpoints import Checkpoint, checkpoint_path, checkpoint_write, open_locked
from sauro.audit.hashing import ChainedEntry, entry_fields, entry_mac
from sauro.audit.keys import (
    audit_key,
    forget_cached_key,
    key_from_environment,
    key_id,
    key_path,
    new_key_text,
    write_key_file,
)
from sauro.audit.models import AuditCheckpoint
from sauro.audit.reseal import ResealError, reseal_chain
from sauro.audit.services import audit_record, lock_head
from sauro.audit.verify import audit_verify

ACTION = "audit.key_rotated"
ERR_ENV = (
    "Khóa nhật ký đang lấy từ biến môi trường SAURO_AUDIT_KEY: lệnh này chỉ đổi khóa trong tệp khóa. "
    "Làm theo thủ tục đổi khóa bằng tay trong docs/audit.md."
)
ERR_NOT_VERIFIED = "Nhật ký không toàn vẹn, không đổi khóa: {problem}"
ERR_CHANGED = "Nhật ký thay đổi trong lúc đổi khóa ở mục số {seq} — {problem}. Không thay đổi gì."


class RotationError(Exception):
    """The key was not rotated; nothing was changed. The message is in Vietnamese."""


@dataclass(frozen=True)
class RotationResult:
    old_key_id: str
    new_key_id: str
    resealed: int
    retired_key: Path
    retired_checkpoints: Path | None
    checkpoint: Checkpoint | None


def rotate_key(*, batch_size: int = 2000) -> RotationResult:
    """Re-seal the journal with a new key (see the module)."""
    if key_from_environment():
        raise RotationError(ERR_ENV)
    verified = audit_verify(record=True)
    if not verified.ok:
        where = f"mục số {verified.bad_seq} — " if verified.bad_seq is not None else ""
        raise RotationError(ERR_NOT_VERIFIED.format(problem=where + verified.problem))
    old_key = audit_key()
    path = key_path()
    pending = path.with_name(path.name + ".new")
    pending.unlink(missing_ok=True)  # left by an interrupted rotation: the journal verified under the current key
    new_text = new_key_text()
    write_key_file(pending, new_text)
    new_key = new_text.encode()
    old_id, new_id = key_id(old_key), key_id(new_key)
    retired_key = path.with_name(f"{path.name}.retired-{old_id}")
    cp_path = checkpoint_path()
    retired_cp = cp_path.with_name(f"{cp_path.name}.retired-{old_id}")
    moved: list[tuple[Path, Path]] = []  # (from, to), to undo on failure

    def move(source: Path, target: Path) -> None:
        os.replace(source, target)
        moved.append((source, target))

    def check(entry: ChainedEntry, stored: str) -> str | None:
        return None if entry_mac(old_key, **entry_fields(entry)) == stored else ERR_EDITED

    had_checkpoints = cp_path.exists()
    fd = open_locked(cp_path)
    try:
        with transaction.atomic():
            head = lock_head()
            try:
                resealed, _, last = reseal_chain(new_key, check, batch_size=batch_size)
            except ResealError as error:
                raise RotationError(ERR_CHANGED.format(seq=error.seq, problem=error.problem)) from error
            AuditCheckpoint.objects.all().delete()
            move(path, retired_key)
            move(pending, path)
            if had_checkpoints:
                move(cp_path, retired_cp)
            forget_cached_key()
            audit_record(
                acting_user=None,
                action=ACTION,
                object_type="audit.auditentry",
                object_repr="Nhật ký hệ thống",
                summary=f"Đổi khóa nhật ký: {resealed} mục được niêm phong lại bằng khóa mới",
                before={"key_id": old_id, "head_seq": head.last_seq, "head_hash": head.last_hash},
                after={"key_id": new_id, "head_seq": resealed, "head_hash": last},
            )
    except BaseException:
        for source, target in reversed(moved):
            os.replace(target, source)
        forget_cached_key()
        raise
    finally:
        os.close(fd)
    return RotationResult(
        old_key_id=old_id,
        new_key_id=new_id,
        resealed=resealed,
        retired_key=retired_key,
        retired_checkpoints=retired_cp if had_checkpoints else None,
        checkpoint=checkpoint_write(),
    )
