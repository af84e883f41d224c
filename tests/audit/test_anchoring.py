"""The journal cannot be rewritten by someone who has only the database (issue 16, point 2).

The chain is keyed (HMAC-SHA256 under a key outside the database) and anchored by checkpoints appended to a file
outside the database; ``sauro audit verify`` checks both. Each test plays one attack with plain SQL.
"""

from __future__ import annotations

import datetime
import io
import os
import stat
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from sauro.audit.checkpoints import CheckpointError, checkpoint_path, checkpoint_write, read_checkpoints
from sauro.audit.hashing import GENESIS_HASH, entry_fields, legacy_entry_hash
from sauro.audit.keys import AuditKeyError, audit_key, key_path, new_key_text
from sauro.audit.models import AuditCheckpoint, AuditEntry, AuditHead, AuditVerification
from sauro.audit.services import audit_record
from sauro.audit.verify import audit_verify


def _verify_fails(match: str) -> str:
    """``sauro audit verify`` refuses, with a message containing ``match``; returns the message."""
    with pytest.raises(CommandError, match=match) as info:
        call_command("audit", "verify", stdout=io.StringIO())
    return str(info.value)


def _set_hashes(seq: int, prev_hash: str, digest: str) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev_hash, digest, seq])


def _roll_head_back(seq: int, digest: str) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = 1", [seq, digest])


def _rehash_plain(from_seq: int = 1) -> None:
    """What an attacker with the database does: recompute the (public) unkeyed hash from ``from_seq`` on."""
    prev = AuditEntry.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        entry.prev_hash = prev
        prev = legacy_entry_hash(**entry_fields(entry))
        _set_hashes(entry.seq, entry.prev_hash, prev)
    _roll_head_back(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0], prev)


def _journal_more(n: int = 2) -> None:
    from django.db import transaction

    with transaction.atomic():
        for i in range(n):
            audit_record(acting_user=None, action="test.event", object_type="test", summary=f"sự kiện {i}")


# --- attacks on the database ----------------------------------------------------------------------------------------


def test_an_edited_entry_rehashed_without_the_key_fails(org):
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 5", ["đã bị sửa"])
    _rehash_plain(from_seq=5)
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == 5
    assert "mục bị sửa" in _verify_fails("mục số 5")


def test_the_tail_deleted_and_the_head_rolled_back_fails(org):
    checkpoint_write()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    keep = AuditEntry.objects.get(seq=last.seq - 3)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE seq > %s", [keep.seq])
    _roll_head_back(keep.seq, keep.hash)
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == keep.seq + 1
    assert "các mục cuối bị xóa" in result.problem
    _verify_fails(f"lùi sau mốc kiểm cuối \\(mục số {last.seq}")


def test_the_emptied_journal_fails_once_anchored(org):
    checkpoint_write()
    with connection.cursor() as cur:
        for table in ("audit_auditentry", "audit_audithead", "audit_auditcheckpoint", "audit_auditverification"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed table names
    result = audit_verify()
    assert not result.ok
    assert result.checked == 0
    _verify_fails("đầu chuỗi \\(mục số 0\\) lùi sau mốc kiểm cuối")


def test_a_changed_entry_whose_hash_a_checkpoint_holds_fails_even_with_the_key(org):
    """Someone holding the key re-seals an edited entry: the checkpoint written before still tells."""
    from sauro.audit.hashing import entry_mac

    checkpoint_write()
    key = audit_key()
    prev = AuditEntry.objects.get(seq=2).hash
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 3", ["đã bị sửa"])
    for entry in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):
        entry.prev_hash = prev
        prev = entry_mac(key, **entry_fields(entry))
        _set_hashes(entry.seq, entry.prev_hash, prev)
    _roll_head_back(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0], prev)
    result = audit_verify()
    assert not result.ok
    assert "mốc kiểm" in result.problem


# --- attacks on the checkpoint file ---------------------------------------------------------------------------------


@pytest.fixture
def three_checkpoints(org) -> Path:  # type: ignore[no-untyped-def]
    for _ in range(3):
        _journal_more()
        checkpoint_write()
    path = checkpoint_path()
    assert len(path.read_text().splitlines()) == 3
    assert audit_verify().ok
    return path


def test_the_checkpoint_file_cut_at_a_line_fails(three_checkpoints):
    lines = three_checkpoints.read_text().splitlines(keepends=True)
    three_checkpoints.write_text("".join(lines[:2]))
    result = audit_verify()
    assert not result.ok
    assert "không còn trong tệp" in result.problem
    _verify_fails("tệp bị cắt")


def test_the_checkpoint_file_cut_inside_a_line_fails(three_checkpoints):
    text = three_checkpoints.read_text()
    three_checkpoints.write_text(text[: len(text) - 40])
    _verify_fails("bị cắt dở")


def test_the_checkpoint_file_removed_fails(three_checkpoints):
    three_checkpoints.unlink()
    _verify_fails("không còn trong tệp")


def test_an_edited_checkpoint_line_fails(three_checkpoints):
    lines = three_checkpoints.read_text().splitlines(keepends=True)
    first = AuditEntry.objects.get(seq=1)
    lines[1] = lines[1].replace(lines[1].split(" ")[1], "seq=1").replace(lines[1].split(" ")[2], f"hash={first.hash}")
    three_checkpoints.write_text("".join(lines))
    _verify_fails("dòng 2 có mã xác thực không khớp")


def test_a_checkpoint_line_removed_from_the_middle_fails(three_checkpoints):
    lines = three_checkpoints.read_text().splitlines(keepends=True)
    three_checkpoints.write_text(lines[0] + lines[2])
    _verify_fails("dòng 2 không nối tiếp dòng trước")


def test_a_damaged_checkpoint_file_is_not_appended_to(three_checkpoints):
    text = three_checkpoints.read_text()
    three_checkpoints.write_text(text[:-10])
    with pytest.raises(CommandError, match="Không ghi được mốc kiểm: dòng cuối bị cắt dở"):
        call_command("audit", "checkpoint", stdout=io.StringIO())
    assert three_checkpoints.read_text() == text[:-10]


def test_a_checkpoint_is_not_written_over_a_broken_journal(org):
    checkpoint_write()
    _journal_more()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE audit_auditentry SET summary = %s WHERE seq = (SELECT MAX(seq) FROM audit_auditentry)", ["x"]
        )
    with pytest.raises(CheckpointError, match="mục bị sửa"):
        checkpoint_write()
    assert len(checkpoint_path().read_text().splitlines()) == 1


# --- the key ----------------------------------------------------------------------------------------------------------


def test_a_wrong_key_fails(org):
    key_path().write_text(new_key_text())
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == 1
    assert "khóa nhật ký không đúng" in result.problem


def test_a_wrong_key_is_named_by_the_checkpoints(org):
    checkpoint_write()
    key_path().write_text(new_key_text())
    _verify_fails("dòng 1 được ký bằng khóa có dấu [0-9a-f]{16}, khác khóa nhật ký hiện tại .*khóa nhật ký không đúng")


def test_a_missing_key_fails_and_is_not_recreated_once_anchored(org):
    checkpoint_write()
    key_path().unlink()
    _verify_fails("Không tìm thấy khóa nhật ký")
    assert not key_path().exists()  # verify never creates one
    with pytest.raises(AuditKeyError, match="không tự tạo khóa mới"):
        _journal_more()
    assert not key_path().exists()


def test_the_key_file_is_created_on_first_use_for_its_owner_only(db, settings, tmp_path):
    settings.SAURO_AUDIT_KEY_FILE = tmp_path / "var" / "audit_key"
    _journal_more(1)
    mode = stat.S_IMODE(os.stat(settings.SAURO_AUDIT_KEY_FILE).st_mode)
    assert mode == 0o600
    assert len(settings.SAURO_AUDIT_KEY_FILE.read_text().strip()) == 64
    assert audit_verify().ok


def test_the_environment_key_comes_first(org, monkeypatch):
    monkeypatch.setenv("SAURO_AUDIT_KEY", new_key_text())
    assert audit_key() != key_path().read_text().strip().encode()
    assert not audit_verify().ok  # the entries were sealed with the file's key
    monkeypatch.setenv("SAURO_AUDIT_KEY", "kurz")
    with pytest.raises(AuditKeyError, match="quá ngắn"):
        audit_key()


# --- upgrading a journal written before the key ----------------------------------------------------------------------


def _make_old_installation() -> None:
    """The journal as the previous version left it: plain SHA-256 hashes, no key, no checkpoint."""
    _rehash_plain()
    key_path().unlink()


def test_an_old_plain_chain_is_upgraded(org):
    _make_old_installation()
    count = AuditEntry.objects.count()
    # The new version writes sealed entries on top of the old chain until the upgrade is run (a key is created).
    _journal_more()
    old_head = AuditHead.objects.get(pk=1)
    assert key_path().exists()
    _verify_fails("mục số 1 — mã băm dạng cũ .*sauro audit upgrade")
    out = io.StringIO()
    call_command("audit", "upgrade", stdout=out)
    assert f"Đã kiểm tra {count + 2} mục ({count} mục mã băm SHA-256 cũ)" in out.getvalue()
    marker = AuditEntry.objects.order_by("-seq").first()
    assert marker is not None and marker.seq == count + 3
    assert marker.action == "audit.chain_keyed"
    assert marker.before == {"scheme": "sha256", "head_seq": count + 2, "head_hash": old_head.last_hash}
    assert AuditCheckpoint.objects.get().seq == marker.seq
    assert [c.seq for c in read_checkpoints(audit_key())] == [marker.seq]
    assert audit_verify().ok
    # Never twice: an anchored journal is not "upgraded" again (that would launder a plain re-hash).
    with pytest.raises(CommandError, match="đã có mốc kiểm"):
        call_command("audit", "upgrade", stdout=io.StringIO())


def test_a_broken_old_chain_is_not_upgraded(org):
    _make_old_installation()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 4", ["đã bị sửa"])
    before = list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="Chuỗi cũ không toàn vẹn ở mục số 4"):
        call_command("audit", "upgrade", stdout=io.StringIO())
    assert list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True)) == before
    assert not checkpoint_path().exists()


def test_a_keyed_chain_needs_no_upgrade(org):
    out = io.StringIO()
    call_command("audit", "upgrade", stdout=out)
    assert "không cần nâng cấp" in out.getvalue()
    assert not AuditEntry.objects.filter(action="audit.chain_keyed").exists()


# --- the command, the worker, the mail, the page ---------------------------------------------------------------------


def test_the_checkpoint_command_appends_a_line(org):
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    head = AuditHead.objects.get(pk=1)
    line = checkpoint_path().read_text().strip()
    assert line.startswith(f"sauro-audit-checkpoint/1 seq={head.last_seq} hash={head.last_hash} at=")
    assert line in out.getvalue()
    verify_out = io.StringIO()
    call_command("audit", "verify", stdout=verify_out)
    assert "1 mốc kiểm khớp" in verify_out.getvalue()
    assert AuditVerification.objects.get().ok


def test_the_worker_writes_checkpoints_and_queues_the_next(org, settings):
    from sauro.daily.jobs import AUDIT_CHECKPOINTS, ensure_audit_checkpoints, write_audit_checkpoint

    settings.SAURO_AUDIT_CHECKPOINT_MINUTES = 60
    queued = ensure_audit_checkpoints()
    assert len(queued) == 2 and queued[1] - queued[0] == datetime.timedelta(hours=1)
    assert ensure_audit_checkpoints() == []
    slot = AUDIT_CHECKPOINTS.slot_key(queued[0])
    summary = write_audit_checkpoint.call(slot=slot)
    head = AuditHead.objects.get(pk=1)
    assert summary == {"slot": slot, "seq": head.last_seq, "verified": True}
    (checkpoint,) = read_checkpoints(audit_key())
    assert (checkpoint.seq, checkpoint.hash) == (head.last_seq, head.last_hash)
    assert AuditVerification.objects.get().ok  # the daily full check, done by the first run
    (following,) = AUDIT_CHECKPOINTS.jobs(queued[1])
    assert following.run_after == queued[1]
    # The next run anchors the new head; the full check is not repeated within the day.
    _journal_more()
    again = write_audit_checkpoint.call(slot=AUDIT_CHECKPOINTS.slot_key(queued[1]))
    assert again["seq"] == head.last_seq + 2 and "verified" not in again
    assert len(read_checkpoints(audit_key())) == 2
    assert AuditVerification.objects.count() == 1


def test_each_checkpoint_is_mailed(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SAURO_AUDIT_CHECKPOINT_MAILTO = ["luu-tru@example.vn"]
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    (message,) = mail.outbox
    assert message.to == ["luu-tru@example.vn"]
    assert checkpoint.line in message.body
    assert f"mục số {checkpoint.seq}" in message.subject


def test_inspectors_see_the_checkpoints_and_the_last_check(org, client_for):
    first = checkpoint_write()
    call_command("audit", "verify", stdout=io.StringIO())
    html = client_for(org.inspector).get("/nhat-ky/").content.decode()
    assert "Bảo vệ nhật ký" in html
    assert first is not None and f"#{first.seq}" in html and first.hash[:16] in html
    assert "nhật ký toàn vẹn" in html
    # A failed check is shown as such.
    key_path().write_text(new_key_text())
    audit_verify(record=True)
    html = client_for(org.inspector).get("/nhat-ky/").content.decode()
    assert "nhật ký KHÔNG toàn vẹn" in html
    assert "khóa nhật ký không đúng" in html


# --- rotating the key ------------------------------------------------------------------------------------------------


def test_the_key_is_rotated(org):
    checkpoint_write()
    old_text = key_path().read_text()
    old_file = checkpoint_path().read_text()
    count = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("audit", "rotate-key", stdout=out)
    assert f"{count} mục được niêm phong lại" in out.getvalue()
    new_key = audit_key()
    assert new_key != old_text.strip().encode()
    assert stat.S_IMODE(os.stat(key_path()).st_mode) == 0o600
    (retired_key,) = key_path().parent.glob("audit_key.retired-*")
    assert retired_key.read_text() == old_text
    (retired_file,) = checkpoint_path().parent.glob("checkpoints.log.retired-*")
    assert retired_file.read_text() == old_file
    marker = AuditEntry.objects.order_by("-seq").first()
    assert marker is not None and marker.action == "audit.key_rotated" and marker.seq == count + 1
    (checkpoint,) = read_checkpoints(new_key)
    assert checkpoint.seq == marker.seq
    assert AuditCheckpoint.objects.get().mac == checkpoint.mac
    assert audit_verify().ok
    # The old key no longer verifies the journal.
    key_path().write_text(old_text)
    assert not audit_verify().ok


def test_a_broken_journal_keeps_its_key(org):
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 3", ["đã bị sửa"])
    old_text = key_path().read_text()
    with pytest.raises(CommandError, match="Nhật ký không toàn vẹn, không đổi khóa: mục số 3"):
        call_command("audit", "rotate-key", stdout=io.StringIO())
    assert key_path().read_text() == old_text
    assert list(key_path().parent.iterdir()) == [key_path()]


def test_a_key_from_the_environment_is_not_rotated_by_the_command(org, monkeypatch):
    monkeypatch.setenv("SAURO_AUDIT_KEY", key_path().read_text().strip())
    with pytest.raises(CommandError, match="biến môi trường SAURO_AUDIT_KEY"):
        call_command("audit", "rotate-key", stdout=io.StringIO())


def test_serve_setup_seals_an_old_journal_once(org):
    """`make run` on an installation from before the key: the journal is sealed, anchored, and verifies."""
    from sauro.web.management.commands.serve import Command as Serve

    _make_old_installation()
    out = io.StringIO()
    Serve(stdout=out, stderr=io.StringIO())._seal_old_journal()
    assert "Đã khóa nhật ký hệ thống bằng khóa nhật ký" in out.getvalue()
    assert audit_verify().ok
    again = io.StringIO()
    Serve(stdout=again, stderr=io.StringIO())._seal_old_journal()
    assert again.getvalue() == ""
    assert AuditEntry.objects.filter(action="audit.chain_keyed").count() == 1


def test_serve_setup_leaves_a_damaged_old_journal_as_it_is_and_says_so(org):
    _make_old_installation()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 4", ["đã bị sửa"])
    err = io.StringIO()
    from sauro.web.management.commands.serve import Command as Serve

    Serve(stdout=io.StringIO(), stderr=err)._seal_old_journal()
    assert "Chuỗi cũ không toàn vẹn ở mục số 4" in err.getvalue()
    assert not checkpoint_path().exists()
