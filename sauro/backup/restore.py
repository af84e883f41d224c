"""``sauro restore``: put an archive of ``sauro backup`` back into an empty instance, then check it.

Everything that can be checked is checked before anything is written: the archive is read whole into a staging
directory (decrypted first if it was encrypted), every member's SHA-256 and size compared with the manifest (and the
manifest with its own checksum), no member missing and none unknown, the database vendor the same, no migration
unknown to this code, the keys file (if given) the one of this archive, and the instance empty (no journal entry,
account or unit in its database, no file in its storage, no checkpoint written). Only then are the database, the
files, the checkpoint file and the keys put in place, and the result checked: the row count of every table equal to
the manifest's, every file's checksum equal, the audit journal verified.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from sauro.audit.verify import audit_verify
from sauro.backup import crypto, database
from sauro.backup.archive import (
    CHECKPOINT_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_SUM,
    MEDIA_PREFIX,
    Progress,
    _quiet,
    storage_files,
)
from sauro.backup.keys import Keys, fingerprint

ERR_NOT_FOUND = "Không tìm thấy tệp sao lưu “{path}”."
ERR_DAMAGED = "Tệp sao lưu bị hỏng hoặc bị cắt cụt ({problem}). Không khôi phục gì."
ERR_NOT_AN_ARCHIVE = "“{path}” không phải tệp sao lưu của Sáu Rõ (thiếu bản kê manifest.json). Không khôi phục gì."
ERR_MANIFEST = (
    "Bản kê (manifest.json) của tệp sao lưu không khớp mã kiểm tra của nó: tệp đã bị sửa hoặc hỏng. Không khôi phục gì."
)
ERR_FORMAT = "Tệp sao lưu có định dạng “{found}” mà phiên bản này không đọc được."
ERR_MEMBER_MISSING = (
    "Tệp sao lưu thiếu thành phần “{name}” có trong bản kê: tệp đã bị cắt hoặc sửa. Không khôi phục gì."
)
ERR_MEMBER_UNKNOWN = "Tệp sao lưu có thành phần lạ “{name}” không có trong bản kê. Không khôi phục gì."
ERR_MEMBER_BAD_NAME = "Tệp sao lưu có thành phần mang tên không hợp lệ “{name}”. Không khôi phục gì."
ERR_CHECKSUM = (
    "Thành phần “{name}” của tệp sao lưu không khớp mã SHA-256 trong bản kê: tệp đã bị hỏng hoặc sửa. "
    "Không khôi phục gì."
)
ERR_VENDOR = (
    "Tệp sao lưu chứa cơ sở dữ liệu {archive}, còn phiên bản đích dùng {target}: không khôi phục được "
    "(hãy khôi phục vào một phiên bản cùng loại cơ sở dữ liệu). Không khôi phục gì."
)
ERR_NEWER = (
    "Tệp sao lưu được tạo bởi phiên bản mới hơn (có {count} migration mà mã này không biết, ví dụ {example}): "
    "hãy cập nhật mã rồi khôi phục."
)
ERR_KEYS_MISMATCH = "Tệp khóa không thuộc bản sao lưu này ({what} khác với dấu vân tay trong bản kê)."
ERR_NOT_EMPTY_DB = "Cơ sở dữ liệu đích đã có dữ liệu ({found}): chỉ khôi phục vào một phiên bản trống."
ERR_NOT_EMPTY_FILES = (
    "Kho tệp đính kèm của phiên bản đích đã có {count} tệp (ví dụ “{example}”): chỉ khôi phục vào một phiên bản trống."
)
ERR_NOT_EMPTY_CHECKPOINT = (
    "Tệp mốc kiểm tra nhật ký “{path}” của phiên bản đích đã có nội dung: chỉ khôi phục vào một phiên bản trống."
)
ERR_FILE_NAME_TAKEN = "Không ghi được tệp “{name}” vào kho lưu trữ (kho đặt tên khác: “{saved}”)."


class RestoreRefused(Exception):
    """The archive or the instance is not fit for a restore; nothing was written."""


@dataclass
class Check:
    label: str
    ok: bool
    detail: str


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    keys_written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


# --- reading and checking the archive -------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name and str(path) == name


@dataclass
class Staged:
    manifest: dict[str, Any]
    paths: dict[str, Path]


def read_archive(path: Path, staging: Path, passphrase: str | None) -> Staged:
    """Read the whole archive into ``staging`` and check it against its manifest, or raise ``RestoreRefused``."""
    if not path.is_file():
        raise RestoreRefused(ERR_NOT_FOUND.format(path=path))
    tar_path = path
    if crypto.is_encrypted(path):
        if not passphrase:
            raise RestoreRefused(crypto.ERR_NO_PASSPHRASE)
        tar_path = staging / "archive.tar.gz"
        try:
            with open(path, "rb") as src, open(tar_path, "wb") as dst:
                crypto.decrypt_stream(src, dst, passphrase)
        except crypto.DecryptionError as e:
            raise RestoreRefused(crypto.ERR_DECRYPT) from e
    found: dict[str, tuple[Path, str, int]] = {}
    try:
        with tarfile.open(tar_path, "r:gz") as tar:
            for index, member in enumerate(tar):
                if not member.isfile() or not _safe_member_name(member.name) or member.name in found:
                    raise RestoreRefused(ERR_MEMBER_BAD_NAME.format(name=member.name))
                source = tar.extractfile(member)
                if source is None:
                    raise RestoreRefused(ERR_MEMBER_BAD_NAME.format(name=member.name))
                target = staging / f"member-{index}"
                sha = hashlib.sha256()
                size = 0
                with source, open(target, "wb") as out:
                    while chunk := source.read(1 << 20):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[member.name] = (target, sha.hexdigest(), size)
            # Read to the end of the compressed stream, so that gzip checks its CRC and length over all of it.
            if tar.fileobj is not None:
                while tar.fileobj.read(1 << 20):
                    pass
    except EOFError as e:
        raise RestoreRefused(ERR_DAMAGED.format(problem="tệp kết thúc giữa chừng")) from e
    except (gzip.BadGzipFile, zlib.error) as e:
        raise RestoreRefused(ERR_DAMAGED.format(problem=f"dữ liệu nén không khớp mã kiểm tra: {e}")) from e
    except (tarfile.TarError, OSError, ValueError) as e:
        raise RestoreRefused(ERR_DAMAGED.format(problem=f"không đọc được cấu trúc tệp: {e}")) from e
    if MANIFEST not in found or MANIFEST_SUM not in found:
        if not found:
            raise RestoreRefused(ERR_NOT_AN_ARCHIVE.format(path=path))
        raise RestoreRefused(ERR_DAMAGED.format(problem="thiếu bản kê manifest.json ở cuối tệp"))
    manifest_path, manifest_sha, _size = found.pop(MANIFEST)
    sum_path, _sha, _size = found.pop(MANIFEST_SUM)
    if sum_path.read_text("ascii", "replace").split(" ", 1)[0] != manifest_sha:
        raise RestoreRefused(ERR_MANIFEST)
    try:
        manifest = json.loads(manifest_path.read_bytes())
    except ValueError as e:
        raise RestoreRefused(ERR_MANIFEST) from e
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(ERR_FORMAT.format(found=f"{manifest.get('format')} {manifest.get('format_version')}"))
    listed: dict[str, dict[str, Any]] = manifest["members"]
    for name in listed:
        if name not in found:
            raise RestoreRefused(ERR_MEMBER_MISSING.format(name=name))
    for name, (_path, digest, size) in found.items():
        if name not in listed:
            raise RestoreRefused(ERR_MEMBER_UNKNOWN.format(name=name))
        if listed[name]["sha256"] != digest or listed[name]["size"] != size:
            raise RestoreRefused(ERR_CHECKSUM.format(name=name))
    return Staged(manifest, {name: entry[0] for name, entry in found.items()})


def _check_fits(manifest: dict[str, Any], keys: Keys | None) -> None:
    """The archive fits this instance's code and database, and the keys file fits the archive."""
    archive_vendor = manifest["database"]["vendor"]
    target_vendor = database.vendor()
    if archive_vendor != target_vendor:
        raise RestoreRefused(
            ERR_VENDOR.format(
                archive=database.VENDOR_LABELS.get(archive_vendor, archive_vendor),
                target=database.VENDOR_LABELS[target_vendor],
            )
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(m for m in manifest["database"]["migrations"] if m not in known)
    if unknown:
        raise RestoreRefused(ERR_NEWER.format(count=len(unknown), example=unknown[0]))
    if keys is not None:
        expected = manifest.get("keys") or {}
        if keys.audit is not None and expected.get("audit_key_sha256") not in (None, fingerprint(keys.audit)):
            raise RestoreRefused(ERR_KEYS_MISMATCH.format(what="khóa nhật ký"))
        if keys.secret is not None and expected.get("secret_key_sha256") not in (None, fingerprint(keys.secret)):
            raise RestoreRefused(ERR_KEYS_MISMATCH.format(what="SECRET_KEY"))
        if keys.identity is not None and expected.get("identity_key_sha256") not in (
            None,
            fingerprint(keys.identity),
        ):
            raise RestoreRefused(ERR_KEYS_MISMATCH.format(what="khóa danh tính người tố cáo"))


def _check_empty() -> None:
    found = database.data_present()
    if found:
        raise RestoreRefused(ERR_NOT_EMPTY_DB.format(found=", ".join(f"{n} {label}" for label, n in found.items())))
    files = list(storage_files())
    if files:
        raise RestoreRefused(ERR_NOT_EMPTY_FILES.format(count=len(files), example=files[0]))
    checkpoint = Path(settings.SAURO_AUDIT_CHECKPOINT_FILE)
    if checkpoint.is_file() and checkpoint.stat().st_size:
        raise RestoreRefused(ERR_NOT_EMPTY_CHECKPOINT.format(path=checkpoint))


# --- restoring and checking the result ------------------------------------------------------------------------------


def restore_backup(
    path: Path, *, keys_path: Path | None = None, passphrase: str | None = None, progress: Progress = _quiet
) -> RestoreResult:
    """Restore the archive at ``path`` into this (empty) instance; ``RestoreRefused`` before any write."""
    keys = Keys.read(Path(keys_path)) if keys_path is not None else None
    with tempfile.TemporaryDirectory(prefix="sauro-restore-") as tmp:
        progress("Đọc và kiểm tra tệp sao lưu (mã SHA-256 của từng thành phần)…")
        staged = read_archive(Path(path), Path(tmp), passphrase)
        manifest = staged.manifest
        progress(
            f"  Tạo lúc {manifest['created_at']} bởi Sáu Rõ {manifest['product_version']}; "
            f"cơ sở dữ liệu {database.VENDOR_LABELS.get(manifest['database']['vendor'], '?')}, "
            f"{len(manifest['members'])} thành phần, nhật ký đến mục số {manifest['journal_head']['last_seq']}."
        )
        _check_fits(manifest, keys)
        progress("Kiểm tra phiên bản đích còn trống…")
        _check_empty()

        result = RestoreResult(manifest)
        vendor = manifest["database"]["vendor"]
        progress(f"Khôi phục cơ sở dữ liệu {database.VENDOR_LABELS[vendor]}…")
        database.load(staged.paths[manifest["database"]["member"]], vendor)
        files = sorted(name for name in manifest["members"] if name.startswith(MEDIA_PREFIX))
        progress(f"Khôi phục {len(files)} tệp đã tải lên (qua kho lưu trữ của Django)…")
        for member in files:
            name = member[len(MEDIA_PREFIX) :]
            with open(staged.paths[member], "rb") as f:
                saved = default_storage.save(name, File(f, name=name))
            if saved != name:
                raise RestoreRefused(ERR_FILE_NAME_TAKEN.format(name=name, saved=saved))
        if manifest.get("checkpoint_member"):
            checkpoint = Path(settings.SAURO_AUDIT_CHECKPOINT_FILE)
            progress(f"Khôi phục tệp mốc kiểm tra nhật ký vào {checkpoint}…")
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged.paths[CHECKPOINT_MEMBER], checkpoint)
    if keys is not None:
        progress("Khôi phục khóa (quyền 0600)…")
        result.keys_written = keys.install()
        for written in result.keys_written:
            progress(f"  Đã ghi khóa: {written}")
        if keys.audit_source == "env":
            result.notes.append(
                "Khóa nhật ký của bản gốc lấy từ biến môi trường SAURO_AUDIT_KEY: đã ghi nó vào tệp khóa; "
                "nếu đặt SAURO_AUDIT_KEY ở đây, hãy đặt đúng giá trị đó."
            )
        if keys.identity_source == "env":
            result.notes.append(
                "Khóa danh tính người tố cáo của bản gốc lấy từ biến môi trường SAURO_PETITIONS_IDENTITY_KEY: đã ghi "
                "nó vào tệp khóa; nếu đặt biến đó ở đây, hãy đặt đúng giá trị đó."
            )
    elif (manifest.get("keys") or {}).get("audit_key_sha256"):
        result.notes.append(
            "Chưa khôi phục khóa nhật ký (--keys): nhật ký chỉ kiểm tra được khi đặt lại đúng khóa của bản gốc."
        )
    if (keys is None or keys.identity is None) and (manifest.get("keys") or {}).get("identity_key_sha256"):
        result.notes.append(
            "Chưa khôi phục khóa danh tính người tố cáo (--keys): danh tính đã mã hóa chỉ đọc được khi đặt lại đúng "
            "khóa của bản gốc (SAURO_PETITIONS_IDENTITY_KEY hoặc tệp SAURO_PETITIONS_IDENTITY_KEY_FILE)."
        )
    progress("Kiểm tra sau khôi phục…")
    result.checks = post_restore_checks(manifest)
    if MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes()):
        result.notes.append("Mã này có migration mới hơn bản sao lưu: hãy chạy `sauro migrate`.")
    return result


def post_restore_checks(manifest: dict[str, Any]) -> list[Check]:
    """Row counts, file checksums and the journal of the instance, compared with the manifest."""
    checks: list[Check] = []
    expected: dict[str, int] = manifest["database"]["counts"]
    actual = database.current_counts()
    differing = [t for t, n in expected.items() if actual.get(t) != n]
    checks.append(
        Check(
            "Số dòng từng bảng",
            not differing,
            f"{len(expected)} bảng, {sum(expected.values())} dòng khớp bản kê"
            if not differing
            else "khác bản kê ở: "
            + ", ".join(f"{t} ({actual.get(t, 'không có')} ≠ {expected[t]})" for t in differing[:10]),
        )
    )
    bad_files: list[str] = []
    files = {n[len(MEDIA_PREFIX) :]: v for n, v in manifest["members"].items() if n.startswith(MEDIA_PREFIX)}
    for name, entry in files.items():
        sha = hashlib.sha256()
        try:
            with default_storage.open(name, "rb") as f:
                while chunk := f.read(1 << 20):
                    sha.update(chunk)
        except OSError:
            bad_files.append(name)
            continue
        if sha.hexdigest() != entry["sha256"]:
            bad_files.append(name)
    checks.append(
        Check(
            "Mã SHA-256 các tệp",
            not bad_files,
            f"{len(files)} tệp khớp bản kê" if not bad_files else "không khớp: " + ", ".join(bad_files[:10]),
        )
    )
    verified = audit_verify()
    head = manifest["journal_head"]
    checks.append(
        Check(
            "Nhật ký kiểm toán (sauro audit verify)",
            verified.ok and verified.checked == head["last_seq"],
            _verify_detail(verified.ok, verified.checked, head["last_seq"], verified.bad_seq, verified.problem),
        )
    )
    return checks


def _verify_detail(ok: bool, checked: int, expected: int, bad_seq: int | None, problem: str) -> str:
    if not ok:
        return f"KHÔNG toàn vẹn: mục số {bad_seq} — {problem}"
    if checked != expected:
        return f"chuỗi mã băm khớp nhưng có {checked} mục, bản kê ghi {expected} mục"
    return f"toàn vẹn: {checked} mục, chuỗi mã băm khớp"
