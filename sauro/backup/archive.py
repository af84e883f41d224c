"""``sauro backup``: one archive (a gzip-compressed tar, optionally encrypted) holding

- the database (``database/sauro.sqlite3`` or ``database/sauro.pgdump``, see ``backup.database``);
- every uploaded file, read through Django's storage API (``media/<name in the storage>``);
- the audit checkpoint file, if there is one (``audit/checkpoints.log``);
- ``manifest.json``: the SHA-256 and size of every other member, the row count of every table, the journal head,
  the database vendor, the applied migrations, the product version, the time, the keys' fingerprints;
- ``manifest.sha256``: the manifest's own SHA-256.

The keys are never in it (``backup.keys``). The archive is written under a temporary name and renamed when
complete, so a file with the final name is always whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage

from sauro.backup import crypto, database, keys
from sauro.common import clock

FORMAT = "sauro-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
MEDIA_PREFIX = "media/"
CHECKPOINT_MEMBER = "audit/checkpoints.log"
PASSPHRASE_ENV = "SAURO_BACKUP_PASSPHRASE"  # noqa: S105 — the name of a variable, not a secret

Progress = Callable[[str], None]


def _quiet(_line: str) -> None:
    return None


def product_version() -> str:
    try:
        return metadata.version("sauro")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


def storage_files(path: str = "") -> Iterator[str]:
    """Every file name in the default storage, depth first, in a stable order."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from storage_files(f"{path}/{directory}" if path else directory)


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(clock.real_now().timestamp())
    return info


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    encrypted: bool
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return sum(1 for name in self.manifest["members"] if name.startswith(MEDIA_PREFIX))

    @property
    def journal_entries(self) -> int:
        return int(self.manifest["journal_head"]["last_seq"])


def create_backup(
    out: Path, *, passphrase: str | None = None, keys_out: Path | None = None, progress: Progress = _quiet
) -> BackupResult:
    """Write the archive to ``out`` (and, with ``keys_out``, the keys to their own file)."""
    started = time.monotonic()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    created_at = clock.real_now().isoformat()
    with tempfile.TemporaryDirectory(prefix="sauro-backup-") as tmp:
        try:
            keys.write_private(partial, b"")  # the archive holds every record: readable by its owner only
            with open(partial, "wb") as target:
                if passphrase:
                    progress("Mã hóa trong lúc ghi (AES-256-GCM, khóa suy từ SAURO_BACKUP_PASSPHRASE).")
                    writer = crypto.EncryptingWriter(target, passphrase)
                    manifest = _write_tar(writer, Path(tmp), created_at, progress)  # type: ignore[arg-type]
                    writer.close()
                else:
                    manifest = _write_tar(target, Path(tmp), created_at, progress)
                target.flush()
                os.fsync(target.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    if keys_out is not None:
        keys.write_keys_file(Path(keys_out), keys.gather(created_at))
    return BackupResult(out, out.stat().st_size, time.monotonic() - started, bool(passphrase), manifest)


def _write_tar(target: IO[bytes], workdir: Path, created_at: str, progress: Progress) -> dict[str, Any]:
    vendor = database.vendor()
    members: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=target, mode="w:gz", compresslevel=6) as tar:

        def add(name: str, raw: IO[bytes], size: int) -> None:
            reader = _Hashing(raw)
            tar.addfile(_tarinfo(name, size), reader)
            members[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}

        label = database.VENDOR_LABELS[vendor]
        how = "API sao lưu trực tuyến" if vendor == "sqlite" else "pg_dump, định dạng custom"
        progress(f"Sao chép cơ sở dữ liệu {label} ({how})…")
        snap = database.snapshot(workdir)
        with open(snap.path, "rb") as f:
            add(snap.member, f, snap.path.stat().st_size)
        snap.path.unlink()
        total_rows = sum(snap.counts.values())
        progress(f"  {len(snap.counts)} bảng, {total_rows} dòng; nhật ký đến mục số {snap.head['last_seq']}.")

        names = list(storage_files())
        progress(f"Chép {len(names)} tệp đã tải lên (qua kho lưu trữ của Django)…")
        for name in names:
            with default_storage.open(name, "rb") as stored:
                add(MEDIA_PREFIX + name, stored, default_storage.size(name))

        checkpoint = Path(settings.SAURO_AUDIT_CHECKPOINT_FILE)
        if checkpoint.is_file():
            progress("Chép tệp mốc kiểm tra nhật ký…")
            with open(checkpoint, "rb") as f:
                add(CHECKPOINT_MEMBER, f, os.fstat(f.fileno()).st_size)
        else:
            progress("Chưa có tệp mốc kiểm tra nhật ký: bỏ qua.")

        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at,
            "product_version": product_version(),
            "database": {
                "vendor": vendor,
                "member": snap.member,
                "counts": snap.counts,
                "migrations": snap.migrations,
            },
            "journal_head": snap.head,
            "checkpoint_member": CHECKPOINT_MEMBER if CHECKPOINT_MEMBER in members else None,
            "keys": keys.fingerprints(),
            "members": members,
        }
        progress("Ghi bản kê (manifest) với mã SHA-256 của từng thành phần…")
        body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        _add_bytes(tar, MANIFEST, body)
        _add_bytes(tar, MANIFEST_SUM, f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode("ascii"))
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, body: bytes) -> None:
    tar.addfile(_tarinfo(name, len(body)), io.BytesIO(body))
