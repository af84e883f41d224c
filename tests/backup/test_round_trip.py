"""``sauro backup`` then ``sauro restore`` into a fresh instance, both as real subprocesses, on the database the suite
runs on (CI runs it on SQLite and on PostgreSQL): the restored instance has the same rows in every table, the same
uploaded files byte for byte, the audit checkpoint file and the keys, and ``sauro audit verify`` passes on it — which
``dumpdata``/``loaddata`` did not give (times rounded to milliseconds broke the chain; files were forgotten)."""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from sauro.audit.checkpoints import checkpoint_write
from sauro.monitoring.services import progress_update_create
from sauro.petitions.services import letter_create
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_issue
from tests.backup.conftest import PDF, Instance, journal_length, publish
from tests.conftest import Org
from tests.petitions.conftest import letter_input
from tests.tasks.conftest import TODAY

DENOUNCER = "Nguyễn Văn Tốcáo Saoluu"


def _build_data(org: Org, make_draft: Callable[..., Task]) -> None:
    """Tasks with progress reports and uploaded attachments, a denunciation whose signer is kept encrypted; every
    step journalled."""
    letter_create(
        acting_user=org.monitor,
        data=letter_input(org, kind="to_cao", topic="officials", signer_name=DENOUNCER, received_on=TODAY),
    )
    for title in ("Rà soát quy hoạch cán bộ", "Tổng kết công tác kiểm tra"):
        task = task_issue(acting_user=org.monitor, task=make_draft(title=title))
        task = task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
        progress_update_create(
            acting_user=org.btc_officer,
            task=task,
            done="Đã rà soát 3 phường",
            percent=40,
            files=[
                SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("phu-luc.pdf", PDF + b"%" + os.urandom(100_000).hex().encode(), "application/pdf"),
            ],
        )


def test_a_backup_restores_into_a_fresh_instance_with_every_row_file_key_and_a_sound_journal(
    source: Instance, fresh_target: Instance, org: Org, make_draft: Callable[..., Task], tmp_path: Path
) -> None:
    _build_data(org, make_draft)
    assert checkpoint_write() is not None
    publish(source)
    entries = journal_length()
    counts = source.counts()
    files = source.files()
    assert entries > 20 and len(files) == 4
    archive = tmp_path / "out" / "sauro.tar.gz"
    keys_file = tmp_path / "keys" / "sauro-keys.json"

    made = source.run("backup", "--out", archive, "--keys-out", keys_file)

    assert made.returncode == 0, made.stderr
    assert "Sao chép cơ sở dữ liệu" in made.stdout and "Đã sao lưu" in made.stdout
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    # The keys are never in the archive.
    content = gzip.decompress(archive.read_bytes())
    assert (source.var_dir / "audit_key").read_bytes() not in content
    assert (source.var_dir / "secret_key").read_bytes() not in content
    identity_key = (source.var_dir / "petitions_identity_key").read_bytes()
    assert identity_key.strip() not in content
    assert DENOUNCER.encode() not in content  # the denouncer is in it only encrypted

    restored = fresh_target.run("restore", archive, "--keys", keys_file)

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Đã khôi phục xong; mọi kiểm tra đều đạt." in restored.stdout
    assert f"toàn vẹn: {entries} mục" in restored.stdout
    verified = fresh_target.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"Nhật ký toàn vẹn: {entries} mục, chuỗi mã băm khớp; 1 mốc kiểm khớp." in verified.stdout
    # `sauro audit verify` records its outcome (the journal page shows it): one row more than the source had.
    restored_counts = fresh_target.counts()
    assert restored_counts.pop("audit_auditverification") == counts.pop("audit_auditverification") + 1
    assert restored_counts == counts
    assert fresh_target.files() == files
    for name in ("audit_key", "secret_key", "petitions_identity_key"):
        assert (fresh_target.var_dir / name).read_bytes() == (source.var_dir / name).read_bytes(), name
        assert stat.S_IMODE((fresh_target.var_dir / name).stat().st_mode) == 0o600, name
    checkpoint = Path("audit") / "checkpoints.log"
    assert (fresh_target.var_dir / checkpoint).read_bytes() == (source.var_dir / checkpoint).read_bytes()
