"""Checking the audit journal: its keyed hash chain and every checkpoint written outside the database."""

from __future__ import annotations

from dataclasses import dataclass

from sauro.audit.chain import walk_chain
from sauro.audit.checkpoints import CheckpointError, checkpoint_path, read_checkpoints
from sauro.audit.keys import AuditKeyError, audit_key
from sauro.audit.models import AuditCheckpoint, AuditHead, AuditVerification
from sauro.common import clock

ERR_FILE = "tệp mốc kiểm {path}: {problem}"
ERR_ROW_NOT_IN_FILE = (
    "mốc kiểm mục số {seq} ghi lúc {at:%d/%m/%Y %H:%M} UTC không còn trong tệp {path} (tệp bị cắt, xóa hoặc thay)"
)
ERR_ANCHORS_DISAGREE = "hai mốc kiểm ghi hai mã băm khác nhau cho mục số {seq} (chuỗi bị tính lại)"
ERR_TAIL = "thiếu các mục cuối (đến số {seq})"
ERR_BEHIND = (
    "đầu chuỗi (mục số {head}) lùi sau mốc kiểm cuối (mục số {seq}, ghi lúc {at:%d/%m/%Y %H:%M} UTC): "
    "các mục cuối bị xóa"
)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0


def audit_verify(*, batch_size: int = 5000, record: bool = False) -> VerifyResult:
    """Check the whole journal; with ``record``, keep the outcome (shown to inspectors on the journal page).

    Fails, naming the first problem, when: there is no key or it is not the one the journal was sealed with; an
    entry was edited, inserted or deleted, even if its hash was recomputed without the key; the checkpoint file
    was edited or cut short; an entry a checkpoint anchored is gone or changed; the head is behind the last
    checkpoint (the tail deleted and the head rolled back, or the journal emptied).
    """
    result = _verify(batch_size)
    if record:
        AuditVerification.objects.create(
            at=clock.real_now(),
            ok=result.ok,
            checked=result.checked,
            checkpoints=result.checkpoints,
            bad_seq=result.bad_seq,
            problem=result.problem,
        )
    return result


def _verify(batch_size: int) -> VerifyResult:
    try:
        key = audit_key()
    except AuditKeyError as error:
        return VerifyResult(False, 0, None, str(error))
    path = checkpoint_path()
    try:
        checkpoints = read_checkpoints(key, path)
    except CheckpointError as error:
        return VerifyResult(False, 0, None, ERR_FILE.format(path=path, problem=error))
    in_file = {c.mac for c in checkpoints}
    for row in AuditCheckpoint.objects.order_by("at", "pk"):
        if row.mac not in in_file:
            return VerifyResult(False, 0, row.seq, ERR_ROW_NOT_IN_FILE.format(seq=row.seq, at=row.at, path=path))
    anchors: dict[int, str] = {}
    for c in checkpoints:
        if anchors.setdefault(c.seq, c.hash) != c.hash:
            return VerifyResult(False, 0, c.seq, ERR_ANCHORS_DISAGREE.format(seq=c.seq))
    walk = walk_chain(key, anchors=anchors, batch_size=batch_size)
    if not walk.ok:
        return VerifyResult(False, walk.checked, walk.bad_seq, walk.problem, len(checkpoints))
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != walk.last_seq or head.last_hash != walk.last_hash):
        return VerifyResult(False, walk.checked, walk.last_seq + 1, ERR_TAIL.format(seq=head.last_seq))
    last = max(checkpoints, key=lambda c: c.seq, default=None)
    if last is not None and walk.last_seq < last.seq:
        problem = ERR_BEHIND.format(head=walk.last_seq, seq=last.seq, at=last.at)
        return VerifyResult(False, walk.checked, walk.last_seq + 1, problem, len(checkpoints))
    return VerifyResult(True, walk.checked, checkpoints=len(checkpoints))


def last_verification() -> AuditVerification | None:
    """The latest recorded full check of the journal."""
    return AuditVerification.objects.order_by("-at", "-pk").first()
