"""Checkpoints: the journal's head written, from time to time, to an append-only file outside the database.

One line per checkpoint::

    sauro-audit-checkpoint/1 seq=<n> hash=<64 hex> at=<UTC time> key=<key fingerprint> prev=<64 hex> mac=<64 hex>

``mac`` is the HMAC-SHA256, under the journal's key, of the line up to `` mac=``; ``prev`` is the previous line's
``mac`` (zeros on the first line), so the lines form a chain of their own: a line edited, removed from the middle
or reordered breaks it. Each checkpoint is also copied to the ``AuditCheckpoint`` table, so a file cut short at a
line boundary is noticed too (a row whose line is no longer in the file). ``sauro audit verify`` checks that the
entry at each checkpoint's ``seq`` still has its ``hash`` and that the journal's head is not behind the last one.

``checkpoint_write`` appends one (``sauro audit checkpoint``; the worker, every SAURO_AUDIT_CHECKPOINT_MINUTES);
it first checks the stretch of the chain since the previous checkpoint, so it never anchors a broken journal.
``checkpoint_path`` says which file holds them (a backup includes it; it never includes the key).
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

from sauro.audit.chain import walk_chain
from sauro.audit.hashing import GENESIS_HASH
from sauro.audit.keys import AuditKeyError, AuditKeyMissingError, audit_key, key_id, key_path
from sauro.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from sauro.common import clock

logger = logging.getLogger(__name__)

FORMAT = "sauro-audit-checkpoint/1"
_LINE = re.compile(
    rf"^{re.escape(FORMAT)} seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{{64}}) "
    r"at=(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) key=(?P<key>[0-9a-f]{16}) "
    r"prev=(?P<prev>[0-9a-f]{64}) mac=(?P<mac>[0-9a-f]{64})$"
)
_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

ERR_FORMAT = "dòng {n} không đúng định dạng (bị sửa hoặc bị cắt dở)"
ERR_CUT = "dòng cuối bị cắt dở (tệp bị cắt)"
ERR_KEY = "dòng {n} được ký bằng khóa có dấu {theirs}, khác khóa nhật ký hiện tại (dấu {ours}): khóa nhật ký không đúng"
ERR_CHAIN = "dòng {n} không nối tiếp dòng trước (dòng bị xóa, chèn hoặc đổi chỗ)"
ERR_MAC = "dòng {n} có mã xác thực không khớp (dòng bị sửa)"
ERR_UNREADABLE = "không đọc được tệp: {error}"
ERR_BEHIND = "đầu chuỗi (mục số {head}) lùi sau mốc kiểm cuối (mục số {seq}): các mục cuối bị xóa"
ERR_BROKEN = "nhật ký không toàn vẹn ở mục số {seq} — {problem}"
ERR_ANCHOR_GONE = "mục số {seq} của mốc kiểm cuối không còn hoặc đã đổi mã băm"
ERR_KEY_LOST = (
    "Không tìm thấy khóa nhật ký ({path}) trong khi nhật ký đã có mốc kiểm: không tự tạo khóa mới. "
    "Hãy khôi phục khóa từ nơi cất giữ (docs/audit.md)."
)
MAIL_SUBJECT = "[Sáu Rõ] Mốc kiểm nhật ký: mục số {seq}"


class CheckpointError(Exception):
    """The checkpoint file is damaged, or the journal cannot be anchored; the message is in Vietnamese."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime.datetime
    key_id: str
    prev: str
    mac: str

    @property
    def line(self) -> str:
        return f"{_body(self.seq, self.hash, self.at, self.key_id, self.prev)} mac={self.mac}"


def checkpoint_path() -> Path:
    """The checkpoint file (``settings.SAURO_AUDIT_CHECKPOINT_FILE``)."""
    return Path(settings.SAURO_AUDIT_CHECKPOINT_FILE)


def _body(seq: int, digest: str, at: datetime.datetime, kid: str, prev: str) -> str:
    when = at.astimezone(datetime.UTC).strftime(_AT_FORMAT)
    return f"{FORMAT} seq={seq} hash={digest} at={when} key={kid} prev={prev}"


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def read_checkpoints(key: bytes, path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first, each line checked (format, key, chain, MAC).

    A missing file holds no checkpoints. Raises ``CheckpointError`` at the first bad line.
    """
    path = path or checkpoint_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(ERR_UNREADABLE.format(error=error)) from error
    if text and not text.endswith("\n"):
        raise CheckpointError(ERR_CUT)
    ours = key_id(key)
    prev = GENESIS_HASH
    result = []
    for n, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            raise CheckpointError(ERR_FORMAT.format(n=n))
        if match["key"] != ours:
            raise CheckpointError(ERR_KEY.format(n=n, theirs=match["key"], ours=ours))
        if match["prev"] != prev:
            raise CheckpointError(ERR_CHAIN.format(n=n))
        body = line.rpartition(" mac=")[0]
        if not hmac.compare_digest(_sign(key, body), match["mac"]):
            raise CheckpointError(ERR_MAC.format(n=n))
        at = datetime.datetime.strptime(match["at"], _AT_FORMAT).replace(tzinfo=datetime.UTC)
        result.append(Checkpoint(int(match["seq"]), match["hash"], at, match["key"], prev, match["mac"]))
        prev = match["mac"]
    return result


def anchored() -> bool:
    """Whether any checkpoint was ever written (in the file or its copy in the database)."""
    path = checkpoint_path()
    return AuditCheckpoint.objects.exists() or (path.exists() and path.stat().st_size > 0)


def writing_key() -> bytes:
    """The key to seal a new entry with. A missing key file is created only while the journal has never been
    anchored: once checkpoints exist, a lost key is an error, never silently replaced by a new one."""
    try:
        return audit_key()
    except AuditKeyMissingError:
        if anchored():
            raise AuditKeyError(ERR_KEY_LOST.format(path=key_path())) from None
        return audit_key(create=True)


def _fsync_dir(path: Path) -> None:
    dir_fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def open_locked(path: Path) -> int:
    """Open the checkpoint file for appending (``O_APPEND``, created if needed) and take its exclusive lock: one
    writer at a time (the worker, an operator's command, a key rotation). Retries when the file was moved away
    (a key rotation retires it) while waiting for the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        created = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        if created:  # make the new directory entry durable too
            _fsync_dir(path.parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_ino == path.stat().st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def checkpoint_write() -> Checkpoint | None:
    """Append a checkpoint of the journal's head to the file (and its copy to the database); None when the journal
    is empty. The stretch of the chain since the previous checkpoint is checked first.

    Raises ``AuditKeyError`` without a key, ``CheckpointError`` when the file is damaged or the journal does not
    verify since the previous checkpoint.
    """
    path = checkpoint_path()
    fd = open_locked(path)
    try:
        key = audit_key()  # read under the lock: a key rotation swaps it while holding the lock
        existing = read_checkpoints(key, path)
        head = AuditHead.objects.filter(pk=1).first()
        last = existing[-1] if existing else None
        after_seq, after_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        head_seq = head.last_seq if head is not None else 0
        if head_seq < after_seq:
            raise CheckpointError(ERR_BEHIND.format(head=head_seq, seq=after_seq))
        if after_seq and not AuditEntry.objects.filter(seq=after_seq, hash=after_hash).exists():
            raise CheckpointError(ERR_ANCHOR_GONE.format(seq=after_seq))
        if head is None or head_seq == 0:
            return None
        walk = walk_chain(key, after_seq=after_seq, after_hash=after_hash, until_seq=head_seq)
        if not walk.ok:
            raise CheckpointError(ERR_BROKEN.format(seq=walk.bad_seq, problem=walk.problem))
        if (walk.last_seq, walk.last_hash) != (head.last_seq, head.last_hash):
            raise CheckpointError(ERR_BROKEN.format(seq=walk.last_seq + 1, problem="đầu chuỗi không khớp mục cuối"))
        at = clock.real_now()  # the real time, even when SAURO_TODAY shifts the product's day
        kid = key_id(key)
        prev = last.mac if last else GENESIS_HASH
        body = _body(head.last_seq, head.last_hash, at, kid, prev)
        checkpoint = Checkpoint(head.last_seq, head.last_hash, at, kid, prev, _sign(key, body))
        os.write(fd, (checkpoint.line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    AuditCheckpoint.objects.create(
        seq=checkpoint.seq, hash=checkpoint.hash, at=checkpoint.at, key_id=checkpoint.key_id, mac=checkpoint.mac
    )
    _mail(checkpoint)
    return checkpoint


def _mail(checkpoint: Checkpoint) -> None:
    """Send the line to ``SAURO_AUDIT_CHECKPOINT_MAILTO``, a copy kept outside this machine; a failure is logged."""
    recipients = list(getattr(settings, "SAURO_AUDIT_CHECKPOINT_MAILTO", []))
    if not recipients:
        return
    body = (
        "Mốc kiểm nhật ký hệ thống Sáu Rõ (lưu lại thư này: nó giúp phát hiện nhật ký bị cắt hoặc bị sửa).\n\n"
        f"{checkpoint.line}\n"
    )
    try:
        send_mail(MAIL_SUBJECT.format(seq=checkpoint.seq), body, None, recipients)
    except Exception:
        logger.exception("Không gửi được thư mốc kiểm nhật ký (mục số %s).", checkpoint.seq)
