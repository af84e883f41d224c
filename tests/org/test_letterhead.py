"""Each unit's letterhead (Hướng dẫn 36-HD/VPTW): the defaults of the Huế bodies, the fields the office keeps (service,
admin, journal), the data migration that fills them and the demo loader's signers."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.org import letterhead
from sauro.org.models import Unit
from sauro.org.selectors import unit_letterhead
from sauro.org.services import unit_letterhead_set

CITY = "Thành ủy Huế"


def child(name: str, kind: str, code: str, parent_name: str = CITY, parent_kind: str = "committee") -> dict[str, str]:
    return letterhead.defaults(
        name=name,
        kind=kind,
        code=code,
        is_root=False,
        parent_name=parent_name,
        parent_kind=parent_kind,
        committee_name=CITY,
    )


def test_defaults_of_the_huế_bodies() -> None:
    city = letterhead.defaults(name=CITY, kind="committee", code="TU", is_root=True)
    assert city == {
        "doc_superior": "",
        "doc_name": "Thành ủy Huế",
        "doc_symbol": "TU",
        "doc_place": "Huế",
        "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
        "signer_title": "BÍ THƯ",
        "doc_archive": "Văn phòng Thành ủy",
    }
    ward = child("Đảng ủy phường Phú Xuân", "ward", "P-PHUXUAN")
    assert ward == {
        "doc_superior": "Đảng bộ thành phố Huế",
        "doc_name": "Đảng ủy phường Phú Xuân",
        "doc_symbol": "ĐU",
        "doc_place": "Phú Xuân",
        "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
        "signer_title": "BÍ THƯ",
        "doc_archive": "Văn phòng Đảng ủy",
    }
    assert child("Đảng ủy xã A Lưới 1", "commune", "X-ALUOI1")["doc_place"] == "A Lưới 1"
    # A Party committee of agencies: "ĐU", the city's place.
    agencies = child("Đảng ủy các cơ quan Đảng thành phố", "party_committee", "DUCQD")
    assert (agencies["doc_superior"], agencies["doc_symbol"], agencies["doc_place"]) == (
        "Đảng bộ thành phố Huế",
        "ĐU",
        "Huế",
    )
    ban = child("Ban Tổ chức Thành ủy", "agency", "BTCTU")
    assert ban == {
        "doc_superior": "Thành ủy Huế",
        "doc_name": "Ban Tổ chức",
        "doc_symbol": "BTCTU",
        "doc_place": "Huế",
        "signer_on_behalf": "",
        "signer_title": "TRƯỞNG BAN",
        "doc_archive": "Văn phòng Ban",
    }
    ubkt = child("Ủy ban Kiểm tra Thành ủy", "agency", "UBKTTU")
    assert (ubkt["doc_name"], ubkt["signer_on_behalf"], ubkt["signer_title"]) == (
        "Ủy ban Kiểm tra",
        "T/M ỦY BAN KIỂM TRA",
        "CHỦ NHIỆM",
    )
    office = child("Văn phòng Thành ủy", "agency", "VPTU")
    assert (office["doc_name"], office["signer_title"], office["doc_archive"]) == (
        "Văn phòng",
        "CHÁNH VĂN PHÒNG",
        "Văn phòng Thành ủy",
    )
    # A department writes under its Ban.
    dept = child("Phòng Tổ chức cán bộ", "department", "BTCTU-TCCB", "Ban Tổ chức Thành ủy", "agency")
    assert (dept["doc_superior"], dept["doc_name"], dept["signer_title"]) == (
        "Ban Tổ chức Thành ủy",
        "Phòng Tổ chức cán bộ",
        "TRƯỞNG PHÒNG",
    )


def test_unit_letterhead_computes_the_defaults_until_the_office_sets_it(org: Any) -> None:
    lh = unit_letterhead(org.phuxuan)
    assert lh.lines == ["ĐẢNG BỘ THÀNH PHỐ HUẾ", "ĐẢNG ỦY PHƯỜNG PHÚ XUÂN"]
    assert (lh.symbol, lh.place, lh.signer_name) == ("ĐU", "Phú Xuân", "")
    unit = unit_letterhead_set(
        acting_user=org.monitor,
        unit=org.phuxuan,
        values={
            **letterhead.defaults(
                name=org.phuxuan.name,
                kind=org.phuxuan.kind,
                code=org.phuxuan.code,
                is_root=False,
                parent_name=CITY,
                committee_name=CITY,
            ),
            "doc_place": "Phú  Xuân ",
            "signer_name": "Võ Văn Phú",
        },
    )
    lh = unit_letterhead(unit)
    assert (lh.place, lh.signer_name) == ("Phú Xuân", "Võ Văn Phú")  # spaces tidied


def test_setting_the_letterhead_is_for_the_office_and_journalled(org: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        unit_letterhead_set(acting_user=org.btc_head, unit=org.btc, values={"signer_name": "Lê Văn Tổ"})
    with pytest.raises(ValidationFailed):
        unit_letterhead_set(acting_user=org.monitor, unit=org.btc, values={"name": "Ban khác"})
    unit_letterhead_set(acting_user=org.monitor, unit=org.btc, values={"signer_name": "Lê Văn Tổ"})
    entry = AuditEntry.objects.filter(action="unit.letterhead").latest("seq")
    assert entry.actor_id == org.monitor.pk and entry.unit_id_snapshot == org.btc.pk
    assert entry.before["signer_name"] == "" and entry.after["signer_name"] == "Lê Văn Tổ"
    unit = Unit.objects.get(pk=org.btc.pk)
    assert (unit.signer_name, unit.name) == ("Lê Văn Tổ", "Ban Tổ chức Thành ủy")


def test_the_data_migration_fills_the_defaults_and_keeps_what_the_office_set(org: Any) -> None:
    Unit.objects.filter(pk=org.ancuu.pk).update(doc_name="Đảng ủy phường An Cựu (đặt tay)", doc_symbol="X")
    migration = importlib.import_module("sauro.org.migrations.0003_unit_letterhead_defaults")
    migration.fill(django_apps, None)
    ward = Unit.objects.get(pk=org.phuxuan.pk)
    assert (ward.doc_superior, ward.doc_name, ward.doc_symbol, ward.doc_place) == (
        "Đảng bộ thành phố Huế",
        "Đảng ủy phường Phú Xuân",
        "ĐU",
        "Phú Xuân",
    )
    ban = Unit.objects.get(pk=org.btc.pk)
    assert (ban.doc_superior, ban.doc_name, ban.doc_symbol, ban.signer_title) == (
        "Thành ủy Huế",
        "Ban Tổ chức",
        "BTCTU",
        "TRƯỞNG BAN",
    )
    city = Unit.objects.get(pk=org.city.pk)
    assert (city.doc_superior, city.doc_name, city.doc_symbol, city.signer_on_behalf) == (
        "",
        "Thành ủy Huế",
        "TU",
        "T/M BAN THƯỜNG VỤ",
    )
    kept = Unit.objects.get(pk=org.ancuu.pk)
    assert (kept.doc_name, kept.doc_symbol) == ("Đảng ủy phường An Cựu (đặt tay)", "X")


def test_the_admin_edits_the_letterhead_only_and_journals_it(org: Any, client_for: Any) -> None:
    client = client_for(org.admin)  # the administrator: staff, with the admin role
    url = reverse("admin:org_unit_change", args=[org.btc.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="signer_title"' in page.content.decode() and 'name="name"' not in page.content.decode()
    values = {
        "doc_superior": "Thành ủy Huế",
        "doc_name": "Ban Tổ chức",
        "doc_symbol": "BTCTU",
        "doc_place": "Huế",
        "signer_on_behalf": "K/T TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Lê Văn Phó",
        "doc_archive": "Văn phòng Ban",
    }
    response = client.post(url, {**values, "name": "Tên khác", "code": "KHAC"})
    assert response.status_code == 302
    unit = Unit.objects.get(pk=org.btc.pk)
    assert {name: getattr(unit, name) for name in values} == values
    assert (unit.name, unit.code) == ("Ban Tổ chức Thành ủy", "BTCTU")
    entry = AuditEntry.objects.filter(action="unit.letterhead").latest("seq")
    assert entry.actor_id == org.admin.pk and entry.after["signer_on_behalf"] == "K/T TRƯỞNG BAN"
    # A unit head who is not the office may not change it.
    User.objects.filter(pk=org.btc_head.pk).update(is_staff=True)
    assert client_for(org.btc_head).post(url, values).status_code == 403


def test_the_demo_loader_fills_each_letterhead_with_its_signer(db: Any) -> None:
    from sauro.demo.loader import load_demo_organisation

    load_demo_organisation()
    ward = Unit.objects.get(code="P-PHUXUAN")
    assert (ward.doc_superior, ward.doc_name, ward.doc_symbol, ward.doc_place) == (
        "Đảng bộ thành phố Huế",
        "Đảng ủy phường Phú Xuân",
        "ĐU",
        "Phú Xuân",
    )
    assert ward.signer_name == User.objects.get(username="phuxuan").full_name
    ban = Unit.objects.get(code="BTCTU")
    assert (ban.doc_name, ban.signer_title, ban.signer_name) == (
        "Ban Tổ chức",
        "TRƯỞNG BAN",
        User.objects.get(username="bantochuc").full_name,
    )
    city = Unit.objects.get(code="TU")
    assert city.signer_name == User.objects.get(username="bithu").full_name
    assert not Unit.objects.filter(doc_name="").exists()
    assert AuditEntry.objects.filter(action="unit.letterhead").count() == Unit.objects.count()
