"""Units are listed in the committee's official order everywhere (``org.selectors.tree_order``): the committee, its
standing bodies, its agencies in their order (each followed by its own departments), then the wards and communes —
not by ``path``, whose ids sort as text ("/1/12/" before "/1/5/")."""

from __future__ import annotations

import datetime

import pytest

from sauro.accounts.services import user_create
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.selectors import tree_order, unit_list, unit_tree, units_with_ids
from sauro.org.services import membership_create, unit_create

START = datetime.date(2025, 7, 1)


def make(code: str, name: str, kind: str, parent: Unit | None, order: int = 0) -> Unit:
    return unit_create(
        acting_user=None, code=code, name=name, kind=kind, parent=parent, valid_from=START, sort_order=order
    )


@pytest.fixture
def huế(db):  # type: ignore[no-untyped-def]
    city = make("TU", "Thành ủy Huế", UnitKind.COMMITTEE, None)
    # The communes are created first, the agencies after them: in ``path`` order (ids as text) the agencies would
    # come after the communes or among them.
    communes = [
        make(f"X{i:02d}", name, UnitKind.COMMUNE if i % 2 else UnitKind.WARD, city, 100 + i)
        for i, name in enumerate(
            ["Đảng ủy phường Thuận Hóa", "Đảng ủy xã Vinh Lộc", "Đảng ủy phường An Cựu", "Đảng ủy xã Phú Vinh"]
            + [f"Đảng ủy xã Số {n}" for n in range(8)]
        )
    ]
    btc = make("BTCTU", "Ban Tổ chức Thành ủy", UnitKind.AGENCY, city, 11)
    office = make("VPTU", "Văn phòng Thành ủy", UnitKind.AGENCY, city, 10)
    standing = make("BTVTU", "Ban Thường vụ Thành ủy", UnitKind.STANDING, city, 2)
    # A department added without an order of its own still stays under its own agency.
    btc_second = make("BTCTU-B", "Phòng Bảo vệ chính trị nội bộ", UnitKind.DEPARTMENT, btc, 2)
    btc_first = make("BTCTU-A", "Phòng Tổ chức – Đảng viên", UnitKind.DEPARTMENT, btc, 1)
    late = make("X99", "Đảng ủy xã Mới Lập", UnitKind.COMMUNE, city)  # no sort order: after the agencies anyway
    admin = user_create(acting_user=None, username="quantri", full_name="Quản Trị", password="x" * 12)
    membership_create(acting_user=None, person=admin, unit=city, role=Role.ADMIN, valid_from=START)
    expected = [city, standing, office, btc, btc_first, btc_second, late, *communes]
    return admin, expected


def names(units: object) -> list[str]:
    return [u.name for u in units]  # type: ignore[attr-defined]


def test_unit_list_follows_the_official_order(huế) -> None:  # type: ignore[no-untyped-def]
    admin, expected = huế
    assert names(unit_list(user=admin)) == names(expected)


def test_every_way_of_listing_units_agrees(huế) -> None:  # type: ignore[no-untyped-def]
    admin, expected = huế
    assert names(units_with_ids(u.pk for u in reversed(expected))) == names(expected)
    assert names(tree_order(Unit.objects.all())) == names(expected)
    flat: list[str] = []

    def walk(nodes) -> None:  # type: ignore[no-untyped-def]
        for node in nodes:
            flat.append(node.unit.name)
            walk(node.children)

    walk(unit_tree(user=admin))
    assert flat == names(expected)


def test_the_task_form_offers_units_in_that_order(huế) -> None:  # type: ignore[no-untyped-def]
    from sauro.tasks.forms import TaskForm

    admin, expected = huế
    form = TaskForm(user=admin)
    offered = [str(label).strip("\u00a0") for value, label in form.fields["coordinating_units"].choices if value]
    assert offered == names(expected)


def test_the_admin_lists_units_in_that_order(huế, client) -> None:  # type: ignore[no-untyped-def]
    from sauro.accounts.models import User

    _admin, expected = huế
    root = User.objects.create_superuser(username="root", password="x" * 12, full_name="Quản trị")
    client.force_login(root)
    response = client.get("/quan-tri/org/unit/")
    assert response.status_code == 200
    listed = [unit.name for unit in response.context["cl"].result_list]
    assert listed == names(expected)
