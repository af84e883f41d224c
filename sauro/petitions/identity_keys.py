"""The key of the denouncers' identities (issue 19, point 6): Fernet keys kept outside the database.

Where they come from: the environment variable ``SAURO_PETITIONS_IDENTITY_KEY`` when it is set (one or more Fernet
keys separated by commas), else the key file ``settings.SAURO_PETITIONS_IDENTITY_KEY_FILE`` (default
``var/petitions_identity_key``, one key a line). **The first key encrypts; every key decrypts** (``MultiFernet``): to
rotate, put a new key first, keep the old ones after it, run ``sauro petitions identity-rekey`` (every identity is
encrypted again with the first key), then drop the old ones. Each stored identity carries the id of the key that
encrypted it (``key_id``: a fingerprint, not the key).

The key file is created on first use (mode 0600) — but only while no identity is stored yet: a lost key must not be
silently replaced by a new one that reads nothing (``create_allowed``). Kept apart from the database and from its
backups (docs/operations.md): without it the stored identities cannot be read.

Pure of the models, so the data migration can use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

ENV_NAME = "SAURO_PETITIONS_IDENTITY_KEY"

ERR_MISSING = (
    "Không có khóa giải mã danh tính người tố cáo: biến môi trường SAURO_PETITIONS_IDENTITY_KEY chưa đặt và không có "
    "tệp khóa {path}."
)
ERR_INVALID = "Khóa giải mã danh tính người tố cáo ({source}) không hợp lệ: mỗi khóa là một khóa Fernet (44 ký tự)."
ERR_UNREADABLE_FILE = "Không đọc được tệp khóa danh tính người tố cáo {path}: {error}."
ERR_WRONG_KEY = "Khóa hiện có không giải mã được danh tính này (khóa đã đổi hoặc bị thay)."


class IdentityKeyError(Exception):
    """The key is missing, unreadable or invalid, or does not open a stored identity; the message is Vietnamese."""


@dataclass(frozen=True)
class Keyring:
    """The keys in force: ``fernet`` encrypts with the first and decrypts with any; ``key_id`` names the first."""

    fernet: MultiFernet
    key_id: str
    key_ids: tuple[str, ...]


def key_path() -> Path:
    return Path(settings.SAURO_PETITIONS_IDENTITY_KEY_FILE)


def key_from_environment() -> bool:
    return bool(os.environ.get(ENV_NAME, "").strip())


def new_key_text() -> str:
    return Fernet.generate_key().decode("ascii")


def fingerprint(key: bytes) -> str:
    """A short public id of a key (stored with each identity; never the key)."""
    return hashlib.sha256(b"sauro-petitions-identity:" + key).hexdigest()[:16]


def _keys(text: str, source: str) -> list[bytes]:
    keys = [part.strip().encode("ascii", "replace") for part in text.replace("\n", ",").split(",") if part.strip()]
    if not keys:
        raise IdentityKeyError(ERR_INVALID.format(source=source))
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise IdentityKeyError(ERR_INVALID.format(source=source)) from None
    return keys


def write_key_file(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, readable by its owner only; refuses to overwrite an existing file."""
    _keys(text, f"tệp {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (text.strip() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def keyring(*, create: bool = False) -> Keyring:
    """The keys in force, from the environment or the key file; with ``create``, a missing key file is created.

    Raises ``IdentityKeyError`` when there is no key (and ``create`` is false) or it is invalid."""
    env = os.environ.get(ENV_NAME, "").strip()
    if env:
        keys = _keys(env, f"biến môi trường {ENV_NAME}")
    else:
        path = key_path()
        if create and not path.exists():
            with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
                write_key_file(path, new_key_text())
        try:
            text = path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            raise IdentityKeyError(ERR_MISSING.format(path=path)) from None
        except OSError as error:
            raise IdentityKeyError(ERR_UNREADABLE_FILE.format(path=path, error=error.strerror or error)) from error
        keys = _keys(text, f"tệp {path}")
    ids = tuple(fingerprint(k) for k in keys)
    return Keyring(fernet=MultiFernet([Fernet(k) for k in keys]), key_id=ids[0], key_ids=ids)


def encrypt(payload: dict[str, str], ring: Keyring) -> str:
    """The payload as a Fernet token (text), encrypted with the first key."""
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return ring.fernet.encrypt(data).decode("ascii")


def decrypt(token: str, ring: Keyring) -> dict[str, str]:
    """The payload of a token; ``IdentityKeyError`` when no key in force opens it."""
    try:
        data = ring.fernet.decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        raise IdentityKeyError(ERR_WRONG_KEY) from None
    value = json.loads(data.decode("utf-8"))
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def rotate(token: str, ring: Keyring) -> str:
    """The same payload encrypted again with the first key (``MultiFernet.rotate``)."""
    try:
        return ring.fernet.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise IdentityKeyError(ERR_WRONG_KEY) from None


# The kinds whose sender is a denouncer: a denunciation, and a letter of several contents (the register does not
# record which contents a mixed letter holds besides its main one, so it is taken to include a denunciation).
PROTECTED_KINDS = frozenset({"to_cao", "mixed"})


def is_protected_kind(kind: str) -> bool:
    """Whether a letter or visit of ``kind`` carries a denouncer's identity to keep confidential."""
    return kind in PROTECTED_KINDS
