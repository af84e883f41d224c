"""The Huế demo loader: structure, named accounts, idempotency, logins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from pytest_django import DjangoDbBlocker, Settings

from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import user_create
from sauro.audit.models import AuditEntry, AuditHead
from sauro.audit.verify import audit_verify
from sauro.common import clock
from sauro.demo.loader import (
    COMMUNES_FILE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    REAL_NAMES,
    LoadResult,
    NameGenerator,
    ascii_fold,
    load_demo,
    vietnamese_sort_key,
)
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.selectors import person_memberships, primary_membership, unit_members

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# username → (role, unit code) the brief promises for each named demo account.
NAMED = {
    "vanphong": (Role.MONITOR, "VPTU"),
    "bithu": (Role.LEADER, "TTTU"),
    "pbtthuongtruc": (Role.LEADER, "TTTU"),
    "bantochuc": (Role.UNIT_HEAD, "BTCTU"),
    "chuyenvien.btc": (Role.OFFICER, "BTCTU"),
    "phuxuan": (Role.UNIT_HEAD, "P-PHUXUAN"),
    "kiemtra": (Role.INSPECTOR, "UBKTTU"),
    "admin": (Role.ADMIN, "TU"),
}


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[LoadResult]:
    """The demo loaded once for the class, rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        result = load_demo()
        yield result
        transaction.set_rollback(True)


def table_counts() -> dict[str, object]:
    head = AuditHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return {
        "users": User.objects.count(),
        "tokens": ApiToken.objects.count(),
        "units": Unit.objects.count(),
        "unit_names": UnitName.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
        "audit_head": head,
        "passwords": sorted(User.objects.values_list("password", flat=True).distinct()),
    }


class TestLoadedDemo:
    """Everything checked on one load of the demo."""

    def test_named_accounts_hold_their_roles(self, demo: LoadResult, db: None) -> None:
        assert demo.created
        assert {login.username for login in DEMO_LOGINS} == set(NAMED)
        for username, (role, code) in NAMED.items():
            user = User.objects.get(username=username)
            held = {(m.role, m.unit.code) for m in person_memberships(user=user, person=user)}
            assert (role, code) in held, username
            # Any further membership is in the same role (a leader also sits in the Standing Committee …).
            assert {r for r, _ in held} == {role}, username
            primary = primary_membership(user=user)
            assert primary is not None and primary.role == role, username
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.filter(is_superuser=True).exclude(pk=admin.pk).exists()
        # The named officer of Ban Tổ chức also works in one of its departments.
        officer = User.objects.get(username="chuyenvien.btc")
        dept = Membership.objects.get(person=officer, unit__parent__code="BTCTU")
        assert dept.role == Role.OFFICER and dept.unit.kind == UnitKind.DEPARTMENT

    def test_standing_committee_holds_both_secretaries(self, demo: LoadResult, db: None) -> None:
        bithu = User.objects.get(username="bithu")
        standing = Unit.objects.get(code="TTTU")
        members = unit_members(user=bithu, unit=standing)
        positions = {m.person.username: m.position for m in members}
        assert positions["bithu"] == "Bí thư Thành ủy"
        assert positions["pbtthuongtruc"] == "Phó Bí thư Thường trực Thành ủy"
        assert all(m.role == Role.LEADER for m in members)
        assert standing.kind == UnitKind.STANDING and standing.parent is not None and standing.parent.code == "TU"
        btv = Unit.objects.get(code="BTVTU")
        assert Membership.objects.filter(unit=btv, role=Role.LEADER).count() >= 6

    def test_forty_commune_level_units_from_the_data(self, demo: LoadResult, db: None) -> None:
        data = json.loads(COMMUNES_FILE.read_text(encoding="utf-8"))["commune_level_units"]
        assert len(data) == 40
        expected = {}
        for item in data:
            level, _, rest = item["name"].partition(" ")
            expected[f"Đảng ủy {level.lower()} {rest}"] = UnitKind.WARD if level == "Phường" else UnitKind.COMMUNE
        units = list(Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]).order_by("sort_order"))
        assert {u.name: u.kind for u in units} == expected
        assert all(u.parent is not None and u.parent.code == "TU" for u in units)
        assert all(u.valid_from.isoformat() == "2025-07-01" and u.merged_from_note for u in units)
        assert all(u.code.isascii() and u.code[:2] in {"P-", "X-"} for u in units)
        phu_xuan = Unit.objects.get(code="P-PHUXUAN")
        assert phu_xuan.name == "Đảng ủy phường Phú Xuân" and phu_xuan.kind == UnitKind.WARD
        assert "Phường Đông Ba, Quận Phú Xuân" in phu_xuan.merged_from_note
        assert Unit.objects.get(code="X-PHUVINH").name == "Đảng ủy xã Phú Vinh"
        # Sorted by name in Vietnamese order: wards before communes, Phong Dinh before Phong Điền.
        names = [u.name for u in units]
        assert names == sorted(names, key=vietnamese_sort_key)
        assert names.index("Đảng ủy phường Phong Dinh") < names.index("Đảng ủy phường Phong Điền")
        # Each has a secretary, a deputy and two officers.
        for unit in units:
            roles = sorted(Membership.objects.filter(unit=unit).values_list("role", flat=True))
            assert roles == [Role.OFFICER, Role.OFFICER, Role.UNIT_HEAD, Role.UNIT_HEAD], unit.code

    def test_agencies_and_departments(self, demo: LoadResult, db: None) -> None:
        city = Unit.objects.get(code="TU")
        assert city.name == "Thành ủy Huế" and city.kind == UnitKind.COMMITTEE and city.parent is None
        agencies = {"VPTU", "BTCTU", "UBKTTU", "BTGDVTU", "BNCTU", "TCT", "DUCQD", "DUUBND", "BHUE"}
        for code in agencies:
            agency = Unit.objects.get(code=code)
            assert agency.parent_id == city.pk
            depts = list(agency.children.all())
            assert 2 <= len(depts) <= 4, code
            assert Membership.objects.filter(unit=agency, role=Role.UNIT_HEAD).count() >= 1 or code == "VPTU"
            for dept in depts:
                assert dept.kind == UnitKind.DEPARTMENT
                assert Membership.objects.filter(unit=dept, role=Role.UNIT_HEAD).count() == 1
                officers = Membership.objects.filter(unit=dept, role=Role.OFFICER).exclude(
                    person__username="chuyenvien.btc"
                )
                assert 2 <= officers.count() <= 3
        assert Unit.objects.get(code="DUCQD").kind == UnitKind.PARTY_COMMITTEE
        assert Unit.objects.get(code="BHUE").kind == UnitKind.PRESS
        assert 250 <= demo.people <= 400
        assert demo.people == User.objects.count()

    def test_people_are_fictional_and_distinct(self, demo: LoadResult, db: None) -> None:
        names = list(User.objects.values_list("full_name", flat=True))
        assert len(names) == len(set(names))
        assert not set(names) & REAL_NAMES
        assert all(len(n.split()) >= 3 for n in names)
        assert all(u.isascii() for u in User.objects.values_list("username", flat=True))
        # Deterministic: the same seed draws the same people.
        first, second = NameGenerator(), NameGenerator()
        assert [first() for _ in range(50)] == [second() for _ in range(50)]
        assert audit_verify().ok

    def test_loading_twice_changes_nothing(self, demo: LoadResult, db: None) -> None:
        before = table_counts()
        assert before["audit"] and before["users"]
        again = load_demo()
        assert not again.created
        out = StringIO()
        call_command("demo", "load", stdout=out)
        assert "không thay đổi gì" in out.getvalue()
        assert table_counts() == before

    def test_demo_login_through_the_form(self, demo: LoadResult, db: None, settings: Settings) -> None:
        settings.PASSWORD_HASHERS = FAST_HASHERS
        client = Client()
        response = client.post("/dang-nhap/", {"username": "phuxuan", "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.content[:500]
        assert client.session.get("_auth_user_id") == str(User.objects.get(username="phuxuan").pk)
        generated = Client()
        response = generated.post("/dang-nhap/", {"username": "ancuu.cv1", "password": DEMO_PASSWORD})
        assert response.status_code == 302
        refused = Client().post("/dang-nhap/", {"username": "bithu", "password": "sai-mat-khau"})
        assert refused.status_code == 200


def test_command_loads_an_empty_database(db: None, settings: Settings) -> None:
    assert not Unit.objects.exists()
    out = StringIO()
    call_command("demo", "load", stdout=out)
    text = out.getvalue()
    assert "Đang tạo 40 Đảng ủy xã, phường" in text
    assert "Đã nạp dữ liệu mẫu Huế" in text
    assert all(login.username in text for login in DEMO_LOGINS)
    assert DEMO_PASSWORD in text
    today = clock.today()
    assert Membership.objects.active_on(today).filter(person__username="bithu", unit__code="TTTU").exists()
    # The audit journal holds one entry per unit, person and membership created (and more for directives and tasks),
    # and one per unit for its letterhead set by the demo.
    org_entries = AuditEntry.objects.filter(object_type__in=["org.unit", "accounts.user", "org.membership"])
    created = org_entries.exclude(action="unit.letterhead")
    assert created.count() == Unit.objects.count() + User.objects.count() + Membership.objects.count()
    assert org_entries.filter(action="unit.letterhead").count() == Unit.objects.count()
    assert User.objects.get(username="admin").is_superuser


def test_text_helpers() -> None:
    assert ascii_fold("Chân Mây - Lăng Cô") == "ChanMayLangCo"
    assert ascii_fold("Đan Điền") == "DanDien"
    words = ["Lộc An", "Long Quảng", "Đan Điền", "Dương Nỗ", "An Cựu", "Ân", "Ăn"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "An Cựu",
        "Ăn",
        "Ân",
        "Dương Nỗ",
        "Đan Điền",
        "Long Quảng",
        "Lộc An",
    ]


def test_a_clashing_account_rolls_the_whole_load_back(db: None) -> None:
    user_create(acting_user=None, username="admin", full_name="Người đã có", password=None)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="“admin” đã được dùng"):
        call_command("demo", "load", stdout=StringIO())
    assert not Unit.objects.exists() and not Membership.objects.exists()
    assert User.objects.count() == 1 and AuditEntry.objects.count() == audit_before
