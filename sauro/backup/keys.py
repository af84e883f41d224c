"""The keys of an instance, kept apart from its archives: the audit journal's key (``SAURO_AUDIT_KEY``, else the file
``settings.SAURO_AUDIT_KEY_FILE``), the key of the denouncers' identities (``SAURO_PETITIONS_IDENTITY_KEY``, else
the file ``settings.SAURO_PETITIONS_IDENTITY_KEY_FILE``: without it the identities restored cannot be read) and,
when it comes from ``var/secret_key``, Django's ``SECRET_KEY``.

``sauro backup --keys-out FILE`` writes them to a small JSON file (mode 0600); ``sauro restore --keys FILE`` puts
them back. The archive itself only records a SHA-256 fingerprint of each, so a restore can tell a keys file that
belongs to another instance.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings

from sauro.audit import keys as audit_keys
from sauro.petitions import identity_keys

KEYS_FORMAT = "sauro-keys"
ERR_KEYS_UNREADABLE = "Không đọc được tệp khóa “{path}”: {problem}"
ERR_KEYS_FORMAT = "Tệp “{path}” không phải tệp khóa của Sáu Rõ (sauro backup --keys-out)."


class KeysError(Exception):
    pass


def fingerprint(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def secret_key_file() -> Path:
    return Path(settings.VAR_DIR) / "secret_key"


def audit_key() -> tuple[str, bytes] | None:
    """``(source, key)`` of the audit key in force: the environment first, then the key file."""
    if audit_keys.key_from_environment():
        return "env", os.environ[audit_keys.ENV_NAME].strip().encode("utf-8")
    path = audit_keys.key_path()
    if path.is_file():
        return "file", path.read_bytes()
    return None


def identity_key() -> tuple[str, bytes] | None:
    """``(source, keys)`` of the denouncers' identity keys in force (petitions, point 6): environment, then file."""
    if identity_keys.key_from_environment():
        return "env", os.environ[identity_keys.ENV_NAME].strip().encode("utf-8")
    path = identity_keys.key_path()
    if path.is_file():
        return "file", path.read_bytes()
    return None


def secret_key() -> bytes | None:
    """Django's SECRET_KEY when it comes from var/secret_key (from the environment it is the operator's to keep)."""
    if os.environ.get("SECRET_KEY"):
        return None
    path = secret_key_file()
    return path.read_bytes() if path.is_file() else None


def fingerprints() -> dict[str, str | None]:
    """What the manifest records about the keys: their fingerprints, never the keys."""
    audit = audit_key()
    secret = secret_key()
    identity = identity_key()
    return {
        "audit_key_sha256": fingerprint(audit[1]) if audit else None,
        "secret_key_sha256": fingerprint(secret) if secret is not None else None,
        "identity_key_sha256": fingerprint(identity[1]) if identity else None,
    }


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` readable by its owner only (0600), whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)


def gather(created_at: str) -> dict[str, Any]:
    audit = audit_key()
    secret = secret_key()
    identity = identity_key()
    return {
        "format": KEYS_FORMAT,
        "format_version": 1,
        "created_at": created_at,
        "audit_key": {"source": audit[0], "base64": base64.b64encode(audit[1]).decode("ascii")} if audit else None,
        "secret_key": base64.b64encode(secret).decode("ascii") if secret is not None else None,
        "identity_key": (
            {"source": identity[0], "base64": base64.b64encode(identity[1]).decode("ascii")} if identity else None
        ),
    }


def write_keys_file(path: Path, keys: dict[str, Any]) -> None:
    write_private(path, json.dumps(keys, indent=2).encode("utf-8") + b"\n")


class Keys:
    """A keys file read back."""

    def __init__(
        self,
        audit: bytes | None,
        audit_source: str | None,
        secret: bytes | None,
        identity: bytes | None = None,
        identity_source: str | None = None,
    ) -> None:
        self.audit = audit
        self.audit_source = audit_source
        self.secret = secret
        self.identity = identity
        self.identity_source = identity_source

    @classmethod
    def read(cls, path: Path) -> Keys:
        try:
            data = json.loads(path.read_bytes())
        except OSError as e:
            raise KeysError(ERR_KEYS_UNREADABLE.format(path=path, problem=e.strerror or e)) from e
        except ValueError as e:
            raise KeysError(ERR_KEYS_FORMAT.format(path=path)) from e
        if not isinstance(data, dict) or data.get("format") != KEYS_FORMAT:
            raise KeysError(ERR_KEYS_FORMAT.format(path=path))
        try:
            audit = data.get("audit_key")
            secret = data.get("secret_key")
            identity = data.get("identity_key")  # absent from keys files written before point 6
            return cls(
                base64.b64decode(audit["base64"], validate=True) if audit else None,
                str(audit["source"]) if audit else None,
                base64.b64decode(secret, validate=True) if secret else None,
                base64.b64decode(identity["base64"], validate=True) if identity else None,
                str(identity["source"]) if identity else None,
            )
        except (KeyError, TypeError, ValueError) as e:
            raise KeysError(ERR_KEYS_FORMAT.format(path=path)) from e

    def install(self) -> list[str]:
        """Put the keys where this instance reads them; returns what was written, for the operator."""
        written: list[str] = []
        if self.audit is not None:
            target = audit_keys.key_path()
            write_private(target, self.audit)
            audit_keys.forget_cached_key()
            written.append(str(target))
        if self.secret is not None:
            target = secret_key_file()
            write_private(target, self.secret)
            written.append(str(target))
        if self.identity is not None:
            target = identity_keys.key_path()
            write_private(target, self.identity)
            written.append(str(target))
        return written
