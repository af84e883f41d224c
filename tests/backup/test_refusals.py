"""``sauro restore`` refuses, with a clear message and before writing anything, a damaged archive (a flipped byte, a
truncated file, a member changed or missing, an archive of the other database vendor, an edited manifest) and an
instance that is not empty (data in its database, files in its storage). An encrypted archive opens only with its
passphrase.

The archive is made in this process (``create_backup``, the code ``sauro backup`` runs); the refusals run
``sauro restore`` in this process with the instance's paths pointed at an empty directory, except one that runs it
as a subprocess into a fresh instance and checks that not even a database was created there.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sauro.backup.archive import MANIFEST, MANIFEST_SUM, create_backup
from sauro.backup.restore import RestoreRefused, read_archive
from tests.backup.conftest import PDF, Instance, journal_length
from tests.conftest import Org

UPLOAD = "directives/2026/03/nghi-quyet.pdf"


def point_instance_at(settings: Any, root: Path) -> None:
    """Make this process's instance paths (var dir, storage, key and checkpoint files) those of ``root``."""
    settings.VAR_DIR = root
    settings.MEDIA_ROOT = root / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root / "media"}},
    }
    settings.SAURO_AUDIT_KEY_FILE = root / "audit_key"
    settings.SAURO_AUDIT_CHECKPOINT_FILE = root / "audit" / "checkpoints.log"


@pytest.fixture
def archive(source: Instance, org: Org, tmp_path: Path) -> Path:
    default_storage.save(UPLOAD, ContentFile(PDF))
    return create_backup(tmp_path / "sauro.tar.gz").path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def _write(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def _with_manifest(members: dict[str, bytes], change: Callable[[dict[str, Any]], None]) -> dict[str, bytes]:
    manifest = json.loads(members[MANIFEST])
    change(manifest)
    body = json.dumps(manifest).encode()
    return {**members, MANIFEST: body, MANIFEST_SUM: f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode()}


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def change_the_database(path: Path) -> None:
    members = _members(path)
    name = next(n for n in members if n.startswith("database/"))
    body = bytearray(members[name])
    body[len(body) // 2] ^= 0x01
    _write(path, {**members, name: bytes(body)})


def drop_an_upload(path: Path) -> None:
    _write(path, {n: b for n, b in _members(path).items() if n != f"media/{UPLOAD}"})


def other_vendor(path: Path) -> None:
    def change(manifest: dict[str, Any]) -> None:
        manifest["database"]["vendor"] = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    _write(path, _with_manifest(_members(path), change))


def edit_the_manifest(path: Path) -> None:
    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    manifest["journal_head"]["last_seq"] += 1
    _write(path, {**members, MANIFEST: json.dumps(manifest).encode()})


DAMAGES = {
    "a flipped byte": (flip_a_byte, "Không khôi phục gì."),
    "a truncated file": (truncate, "Tệp sao lưu bị hỏng hoặc bị cắt cụt"),
    "a changed member": (change_the_database, "không khớp mã SHA-256 trong bản kê"),
    "a missing member": (drop_an_upload, f"Tệp sao lưu thiếu thành phần “media/{UPLOAD}”"),
    "the other vendor": (other_vendor, "còn phiên bản đích dùng"),
    "an edited manifest": (edit_the_manifest, "Bản kê (manifest.json) của tệp sao lưu không khớp mã kiểm tra"),
}


def _nothing_written(root: Path) -> None:
    assert not root.exists() or sorted(p.name for p in root.iterdir()) == [], sorted(root.rglob("*"))


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_archive_is_refused_before_anything_is_written(
    damage: str, archive: Path, settings: Any, tmp_path: Path
) -> None:
    spoil, message = DAMAGES[damage]
    spoil(archive)
    entries = journal_length()
    target = tmp_path / "target"
    point_instance_at(settings, target)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert message in str(refused.value)
    assert "Không khôi phục gì." in str(refused.value)
    _nothing_written(target)
    assert journal_length() == entries


def test_a_damaged_archive_leaves_a_fresh_instance_as_it_was(archive: Path, fresh_target: Instance) -> None:
    flip_a_byte(archive)

    refused = fresh_target.run("restore", archive)

    assert refused.returncode != 0
    assert "Không khôi phục gì." in refused.stderr
    # Only what the settings make on start-up (a per-installation secret key): no database, no files.
    assert sorted(p.name for p in fresh_target.var_dir.iterdir()) == ["secret_key"]
    assert fresh_target.tables() == []


def test_an_instance_whose_database_holds_data_is_refused(archive: Path, settings: Any, tmp_path: Path) -> None:
    entries = journal_length()
    point_instance_at(settings, tmp_path / "target")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert "Cơ sở dữ liệu đích đã có dữ liệu" in str(refused.value)
    assert f"{entries} mục nhật ký" in str(refused.value)
    assert journal_length() == entries
    _nothing_written(tmp_path / "target")


def test_an_instance_whose_storage_holds_files_is_refused(source: Instance, tmp_path: Path, settings: Any) -> None:
    archive = create_backup(tmp_path / "empty.tar.gz").path  # an instance with no data at all
    target = tmp_path / "target"
    point_instance_at(settings, target)
    default_storage.save("progress/2026/03/con-lai.pdf", ContentFile(PDF))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert "Kho tệp đính kèm của phiên bản đích đã có 1 tệp" in str(refused.value)
    assert sorted(p.name for p in target.iterdir()) == ["media"]


def test_an_encrypted_archive_opens_only_with_its_passphrase(source: Instance, org: Org, tmp_path: Path) -> None:
    path = create_backup(tmp_path / "sauro.tar.gz.enc", passphrase="mật khẩu dài của văn phòng").path
    assert path.read_bytes().startswith(b"SAUROENC1")

    for passphrase, message in ((None, "đã được mã hóa"), ("mật khẩu khác", "Không giải mã được tệp sao lưu")):
        staging = tmp_path / f"staging-{passphrase}"
        staging.mkdir()
        with pytest.raises(RestoreRefused, match=message):
            read_archive(path, staging, passphrase)
    staging = tmp_path / "staging"
    staging.mkdir()
    staged = read_archive(path, staging, "mật khẩu dài của văn phòng")
    assert staged.manifest["journal_head"]["last_seq"] == journal_length()


def test_a_keys_file_of_another_instance_is_refused(archive: Path, settings: Any, tmp_path: Path) -> None:
    other = tmp_path / "other-keys.json"
    settings.SAURO_AUDIT_KEY_FILE.write_bytes(b"the key of another instance, long enough to be a key")
    call_command("backup", "--out", str(tmp_path / "other.tar.gz"), "--keys-out", str(other), stdout=io.StringIO())
    target = tmp_path / "target"
    point_instance_at(settings, target)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--keys", str(other), stdout=io.StringIO())

    assert "Tệp khóa không thuộc bản sao lưu này (khóa nhật ký" in str(refused.value)
    _nothing_written(target)
