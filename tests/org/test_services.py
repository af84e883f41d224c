"""Organisation services: units, restructuring (merge, rename, move) and memberships."""

from __future__ import annotations

import datetime

import pytest

from sauro.audit.models import AuditEntry
from sauro.audit.verify import audit_verify
from sauro.common.errors import ValidationFailed
from sauro.org import restructuring
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.org.selectors import unit_name_on
from sauro.org.services import (
    ERR_MERGE_INTO_SELF,
    ERR_UNIT_CODE_TAKEN,
    ERR_UNIT_INACTIVE,
    membership_create,
    membership_end,
    unit_create,
    unit_move,
    unit_rename,
    units_merge,
)

MERGE_DAY = datetime.date(2026, 1, 1)


def test_unit_paths_make_subtrees_one_prefix(org):
    assert org.city.path == f"/{org.city.pk}/"
    assert org.btc_dept.path == f"/{org.city.pk}/{org.btc.pk}/{org.btc_dept.pk}/"
    subtree = set(Unit.objects.filter(path__startswith=org.btc.path).values_list("code", flat=True))
    assert subtree == {"BTCTU", "BTCTU-TCCB"}


def test_unit_codes_are_unique(org):
    with pytest.raises(ValidationFailed) as exc:
        unit_create(acting_user=None, code="TU", name="Khác", kind=UnitKind.AGENCY, parent=None, valid_from=org.START)
    assert exc.value.message == ERR_UNIT_CODE_TAKEN.format(code="TU")


def test_merge_into_a_new_unit_moves_members_and_keeps_history(org):
    officer_membership = Membership.objects.get(person=org.ancuu_officer)
    merged = units_merge(
        acting_user=org.admin,
        predecessors=[org.phuxuan, org.ancuu],
        on_date=MERGE_DAY,
        new_code="P-MOI",
        new_name="Đảng ủy phường Phú Xuân – An Cựu",
    )
    org.phuxuan.refresh_from_db()
    org.ancuu.refresh_from_db()
    for old in (org.phuxuan, org.ancuu):
        assert old.valid_to == MERGE_DAY - datetime.timedelta(days=1)
        assert old.successor_id == merged.pk
        # The old unit keeps its own name for history.
        assert unit_name_on(unit=old, day=datetime.date(2025, 8, 1)) in {
            "Đảng ủy phường Phú Xuân",
            "Đảng ủy phường An Cựu",
        }
    assert merged.valid_from == MERGE_DAY
    assert merged.parent_id == org.city.pk
    assert "An Cựu" in merged.merged_from_note

    # Old membership closed, new one opened in the successor from the merge day.
    officer_membership.refresh_from_db()
    assert officer_membership.valid_to == MERGE_DAY - datetime.timedelta(days=1)
    now_in = Membership.objects.active_on(MERGE_DAY).filter(unit=merged)
    assert set(now_in.values_list("person__username", flat=True)) == {"phuxuan", "ancuu", "cv.ancuu"}
    assert set(now_in.values_list("role", flat=True)) == {Role.UNIT_HEAD, Role.OFFICER}

    actions = list(AuditEntry.objects.filter(actor=org.admin).values_list("action", flat=True))
    assert actions.count("unit.merge") == 2
    assert actions.count("membership.transfer") == 3
    assert "unit.create" in actions
    assert audit_verify().ok


def test_merge_into_an_existing_unit_moves_children_under_it(org):
    units_merge(acting_user=None, predecessors=[org.btc], successor=org.office, on_date=MERGE_DAY)
    org.btc_dept.refresh_from_db()
    assert org.btc_dept.parent_id == org.office.pk
    assert org.btc_dept.path.startswith(org.office.path)
    assert org.btc_dept.depth == org.office.depth + 1


def test_merge_calls_every_succession_handler(org, monkeypatch):
    calls: list[tuple[str, str, datetime.date]] = []

    def handler(s: restructuring.Succession) -> int:
        calls.append((s.predecessor.code, s.successor.code, s.on_date))
        return 0

    monkeypatch.setattr(restructuring, "_handlers", {"test": handler})
    units_merge(acting_user=None, predecessors=[org.phuxuan, org.ancuu], successor=org.city, on_date=MERGE_DAY)
    assert sorted(calls) == [("P-ANCUU", "TU", MERGE_DAY), ("P-PHUXUAN", "TU", MERGE_DAY)]


def test_merge_refuses_closed_units_and_self(org):
    with pytest.raises(ValidationFailed) as exc:
        units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.ancuu, on_date=MERGE_DAY)
    assert exc.value.message == ERR_MERGE_INTO_SELF
    units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.phuxuan, on_date=MERGE_DAY)
    with pytest.raises(ValidationFailed) as exc:
        units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.city, on_date=MERGE_DAY)
    assert exc.value.message == ERR_UNIT_INACTIVE.format(name="Đảng ủy phường An Cựu")


def test_a_failed_merge_changes_nothing(org, monkeypatch):
    def failing(s: restructuring.Succession) -> int:
        raise ValidationFailed("không chuyển được")

    monkeypatch.setattr(restructuring, "_handlers", {"fail": failing})
    before = (Membership.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed):
        units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.phuxuan, on_date=MERGE_DAY)
    org.ancuu.refresh_from_db()
    assert org.ancuu.valid_to is None
    assert (Membership.objects.count(), AuditEntry.objects.count()) == before


def test_rename_keeps_the_old_name_for_its_period(org):
    unit_rename(acting_user=None, unit=org.ancuu, new_name="Đảng ủy phường An Cựu (mới)", on_date=MERGE_DAY)
    unit_rename(acting_user=None, unit=org.ancuu, new_name="Đảng ủy phường An Cựu 2", on_date=datetime.date(2026, 6, 1))
    org.ancuu.refresh_from_db()
    assert org.ancuu.name == "Đảng ủy phường An Cựu 2"
    assert unit_name_on(unit=org.ancuu, day=datetime.date(2025, 12, 31)) == "Đảng ủy phường An Cựu"
    assert unit_name_on(unit=org.ancuu, day=datetime.date(2026, 3, 1)) == "Đảng ủy phường An Cựu (mới)"
    assert unit_name_on(unit=org.ancuu, day=datetime.date(2026, 7, 1)) == "Đảng ủy phường An Cựu 2"
    assert AuditEntry.objects.filter(action="unit.rename", object_id=str(org.ancuu.pk)).count() == 2


def test_rename_refuses_empty_and_unchanged_names(org):
    for bad in ("", "   ", "Đảng ủy phường An Cựu"):
        with pytest.raises(ValidationFailed):
            unit_rename(acting_user=None, unit=org.ancuu, new_name=bad, on_date=MERGE_DAY)


def test_move_refuses_a_cycle(org):
    with pytest.raises(ValidationFailed):
        unit_move(acting_user=None, unit=org.btc, new_parent=org.btc_dept)


def test_membership_period_is_checked_and_ending_is_audited(org):
    with pytest.raises(ValidationFailed):
        membership_create(
            acting_user=None,
            person=org.btc_officer,
            unit=org.office,
            role=Role.OFFICER,
            valid_from=MERGE_DAY,
            valid_to=MERGE_DAY - datetime.timedelta(days=1),
        )
    m = Membership.objects.get(person=org.btc_officer, unit=org.btc_dept)
    membership_end(acting_user=org.admin, membership=m, valid_to=MERGE_DAY)
    assert not Membership.objects.active_on(MERGE_DAY + datetime.timedelta(days=1)).filter(pk=m.pk).exists()
    assert Membership.objects.active_on(MERGE_DAY).filter(pk=m.pk).exists()
    assert AuditEntry.objects.filter(action="membership.end", actor=org.admin).count() == 1
