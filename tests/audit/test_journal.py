"""The audit journal: append-only, hash-chained, and `sauro audit verify` catches tampering."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from sauro.audit.models import AuditEntry
from sauro.audit.services import audit_record
from sauro.audit.verify import audit_verify


def _verify_output() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_services_write_a_chained_journal(org):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) > 10
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    assert "toàn vẹn" in _verify_output()


def test_entry_records_actor_and_before_after(org):
    from sauro.org.services import unit_rename

    unit_rename(acting_user=org.monitor, unit=org.ancuu, new_name="Đảng ủy phường An Cựu mới", on_date=org.START_NEXT)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "unit.rename"
    assert entry.actor_id == org.monitor.pk
    assert entry.actor_name == org.monitor.full_name
    assert entry.before is not None and entry.before["name"] == "Đảng ủy phường An Cựu"
    assert entry.after is not None and entry.after["name"] == "Đảng ủy phường An Cựu mới"


def test_entries_cannot_be_changed_through_the_orm(org):
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.summary = "sửa lén"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_record_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        audit_record(acting_user=None, action="x", object_type="y")


@pytest.mark.django_db(transaction=True)
def test_verify_names_the_edited_entry(org):
    target = AuditEntry.objects.order_by("seq")[4]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", ["đã bị sửa", target.seq])
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == target.seq
    with pytest.raises(CommandError, match=f"mục số {target.seq}"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_verify_detects_a_changed_before_after_value(org):
    target = AuditEntry.objects.exclude(after=None).order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET after = %s WHERE seq = %s", ['{"name": "khác"}', target.seq])
    assert audit_verify().bad_seq == target.seq


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_deleted_entry(org):
    count = AuditEntry.objects.count()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE seq = %s", [7])
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == 7
    assert result.checked == 6
    assert count > 7


@pytest.mark.django_db(transaction=True)
def test_verify_detects_the_last_entries_deleted(org):
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE seq = %s", [last.seq])
    result = audit_verify()
    assert not result.ok
    assert result.bad_seq == last.seq


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_entry(org):
    from sauro.org.services import unit_rename

    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        unit_rename(acting_user=None, unit=org.ancuu, new_name="Tên tạm", on_date=org.START_NEXT)
        1 / 0  # noqa: B018
    assert AuditEntry.objects.count() == before
    assert audit_verify().ok
