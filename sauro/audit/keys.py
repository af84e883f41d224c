"""The audit journal's key: a secret kept outside the database that seals the hash chain (HMAC-SHA256).

Where it comes from: the environment variable ``SAURO_AUDIT_KEY`` when it is set, else the key file
``settings.SAURO_AUDIT_KEY_FILE`` (default ``var/audit_key``). The file is created on first use (mode 0600), like
SECRET_KEY's ``var/secret_key``; see ``docs/audit.md`` for keeping and rotating it. A backup stores the key apart
from the data: ``key_path()`` says which file that is, ``audit_key()`` reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings

ENV_NAME = "SAURO_AUDIT_KEY"
# Shorter keys are refused: a key is 32 random bytes written as 64 hexadecimal digits (``new_key_text``).
MIN_KEY_LENGTH = 32

ERR_MISSING = (
    "Không tìm thấy khóa nhật ký: biến môi trường SAURO_AUDIT_KEY chưa đặt và không có tệp khóa {path}. "
    "Không có khóa thì không kiểm tra được chuỗi mã băm (xem docs/audit.md)."
)
ERR_SHORT = "Khóa nhật ký ({source}) quá ngắn: cần ít nhất {n} ký tự (ví dụ 64 chữ số thập lục phân ngẫu nhiên)."
ERR_UNREADABLE = "Không đọc được tệp khóa nhật ký {path}: {error}."


class AuditKeyError(Exception):
    """The key is missing, unreadable or too short; the message says which, in Vietnamese."""


class AuditKeyMissingError(AuditKeyError):
    """Neither the environment variable nor the key file exists."""


def key_path() -> Path:
    """The key file (used when ``SAURO_AUDIT_KEY`` is not set)."""
    return Path(settings.SAURO_AUDIT_KEY_FILE)


def key_from_environment() -> bool:
    """Whether the key comes from the environment rather than the key file."""
    return bool(os.environ.get(ENV_NAME, "").strip())


def new_key_text() -> str:
    """A fresh random key, as written to a key file."""
    return secrets.token_hex(32)


def _checked(text: str, source: str) -> bytes:
    text = text.strip()
    if len(text) < MIN_KEY_LENGTH:
        raise AuditKeyError(ERR_SHORT.format(source=source, n=MIN_KEY_LENGTH))
    return text.encode()


# The key file's last reading, keyed by (path, modification time, size): every journal write needs the key.
_cached: tuple[Path, int, int, bytes] | None = None


def _read(path: Path) -> bytes:
    global _cached
    try:
        stat = path.stat()
        if _cached is not None and _cached[:3] == (path, stat.st_mtime_ns, stat.st_size):
            return _cached[3]
        key = _checked(path.read_text(), f"tệp {path}")
    except FileNotFoundError:
        raise AuditKeyMissingError(ERR_MISSING.format(path=path)) from None
    except OSError as error:
        raise AuditKeyError(ERR_UNREADABLE.format(path=path, error=error.strerror or error)) from error
    _cached = (path, stat.st_mtime_ns, stat.st_size, key)
    return key


def forget_cached_key() -> None:
    """Read the key file again on the next ``audit_key`` (after it was replaced)."""
    global _cached
    _cached = None


def write_key_file(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, readable by its owner only; refuses to overwrite an existing file."""
    _checked(text, f"tệp {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (text.strip() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def audit_key(*, create: bool = False) -> bytes:
    """The key, from ``SAURO_AUDIT_KEY`` or the key file; with ``create``, a missing key file is created first.

    Raises ``AuditKeyMissingError`` when there is no key (and ``create`` is false), ``AuditKeyError`` when it
    cannot be read or is too short.
    """
    env = os.environ.get(ENV_NAME, "").strip()
    if env:
        return _checked(env, f"biến môi trường {ENV_NAME}")
    path = key_path()
    if create and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            write_key_file(path, new_key_text())
    return _read(path)


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key (checkpoints carry it, so a wrong key is named as such)."""
    return hmac.new(key, b"sauro-audit-key-id", hashlib.sha256).hexdigest()[:16]
