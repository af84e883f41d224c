"""Organisation pages: the unit tree, a unit, a person — and the visibility gate on each (404, not 403)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.accounts.services import user_create
from sauro.org.choices import Role, UnitKind
from sauro.org.services import membership_create, membership_end, unit_create, unit_rename, units_merge
from tests.conftest import PASSWORD, START, Org

ClientFor = Callable[[User], Client]

MERGE_DAY = datetime.date(2026, 1, 1)


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- tree ----------------------------------------------------------------------------------------------------


def test_tree_shows_the_committee_grouped_by_kind(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader), reverse("org:unit_tree"))
    for name in [
        "Thành ủy Huế",
        "Văn phòng Thành ủy",
        "Phòng Tổ chức cán bộ",
        "Đảng ủy phường Phú Xuân",
        "Đảng ủy phường An Cựu",
    ]:
        assert name in page
    # The City Committee's children are grouped under kind headings, the wards together.
    assert "Cơ quan tham mưu, giúp việc (3)" in page
    assert "Đảng ủy phường (2)" in page
    assert 'class="badge badge--committee">Cấp ủy<' in page
    assert reverse("org:unit_detail", args=[org.phuxuan.pk]) in page
    # Member counts: Phú Xuân has one head.
    assert re.search(r"Đảng ủy phường Phú Xuân</a>\s*\s*<span class=\"tree-count\">1 người</span>", page)
    # The search box works on unaccented text.
    assert 'data-search="dang uy phuong phu xuan p-phuxuan"' in page


def test_tree_of_a_ward_head_shows_no_other_ward(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.phuxuan_head), reverse("org:unit_tree"))
    assert "Đảng ủy phường Phú Xuân" in page
    assert "Thành ủy Huế" in page  # the body they answer to
    assert "An Cựu" not in page
    assert "Ban Tổ chức" not in page


def test_tree_hides_former_units_unless_asked(org: Org, client_for: ClientFor) -> None:
    units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.phuxuan, on_date=MERGE_DAY)
    client = client_for(org.leader)
    page = html(client, reverse("org:unit_tree"))
    assert "An Cựu" not in page
    page = html(client, reverse("org:unit_tree") + "?former=1")
    assert "Đảng ủy phường An Cựu" in page
    assert "Đơn vị đã sáp nhập, giải thể (1)" in page
    assert "Đã sáp nhập vào Đảng ủy phường Phú Xuân" in page
    assert 'name="former" value="1" checked' in page


def test_tree_query_count_does_not_grow_with_units(
    org: Org, client_for: ClientFor, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(org.leader)
    client.get(reverse("org:unit_tree"))  # warm the session
    with django_assert_max_num_queries(9):
        html(client, reverse("org:unit_tree"))
    for i in range(25):
        ward = unit_create(
            acting_user=None,
            code=f"P-{i}",
            name=f"Đảng ủy phường Thử {i}",
            kind=UnitKind.WARD,
            parent=org.city,
            valid_from=START,
        )
        membership_create(acting_user=None, person=org.btc_officer, unit=ward, role=Role.OFFICER, valid_from=START)
    with django_assert_max_num_queries(9):
        page = html(client, reverse("org:unit_tree") + "?former=1")
    assert "Đảng ủy phường Thử 24" in page
    assert "tree-list--columns" in page  # a long flat list of wards goes into columns


# --- unit detail ---------------------------------------------------------------------------------------------


def test_unit_detail_shows_facts_breadcrumb_children_and_members(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader), reverse("org:unit_detail", args=[org.btc.pk]))
    assert "<h1>Ban Tổ chức Thành ủy</h1>" in page
    assert "BTCTU" in page
    assert "Cơ quan tham mưu, giúp việc" in page
    assert f"Từ {START:%d/%m/%Y} đến nay" in page
    # Breadcrumb: Tổ chức › Thành ủy Huế › Ban Tổ chức Thành ủy.
    crumbs = page[page.index('class="breadcrumb"') : page.index("</nav>", page.index('class="breadcrumb"'))]
    assert "Tổ chức" in crumbs and "Thành ủy Huế" in crumbs and 'aria-current="page">Ban Tổ chức Thành ủy' in crumbs
    assert "Phòng Tổ chức cán bộ" in page  # child
    assert "Lê Văn Tổ" in page  # member
    assert reverse("org:person_detail", args=[org.btc_head.pk]) in page
    assert "Lãnh đạo đơn vị" in page


def test_unit_detail_lists_leaders_before_officers(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader), reverse("org:unit_detail", args=[org.ancuu.pk]))
    assert page.index("Đặng Thị An") < page.index("Bùi Văn Cựu")


def test_unit_detail_shows_former_names_merges_and_former_members(org: Org, client_for: ClientFor) -> None:
    unit_rename(
        acting_user=None, unit=org.phuxuan, new_name="Đảng ủy phường Phú Xuân mới", on_date=datetime.date(2025, 9, 1)
    )
    units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.phuxuan, on_date=MERGE_DAY)
    client = client_for(org.leader)

    successor = html(client, reverse("org:unit_detail", args=[org.phuxuan.pk]))
    assert "Tên gọi trước đây" in successor
    assert "Đảng ủy phường Phú Xuân" in successor and "Dùng từ 01/07/2025 đến 31/08/2025" in successor
    assert "Các đơn vị đã sáp nhập vào đơn vị này" in successor
    assert reverse("org:unit_detail", args=[org.ancuu.pk]) in successor
    assert "Bùi Văn Cựu" in successor  # moved over with the merge

    former = html(client, reverse("org:unit_detail", args=[org.ancuu.pk]))
    assert "Không còn hoạt động" in former
    assert "hoạt động đến ngày 31/12/2025 và đã được sáp nhập vào" in former
    assert reverse("org:unit_detail", args=[org.phuxuan.pk]) in former
    assert "Cán bộ đã từng giữ vai trò (2)" in former
    assert "Hiện không có cán bộ nào giữ vai trò tại đơn vị này." in former


def test_unit_detail_of_another_ward_is_404(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.phuxuan_head)
    assert client.get(reverse("org:unit_detail", args=[org.ancuu.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[org.btc.pk])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[999999])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[org.phuxuan.pk])).status_code == 200


def test_unit_detail_of_the_committee_hides_other_wards_from_a_ward_head(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.phuxuan_head), reverse("org:unit_detail", args=[org.city.pk]))
    assert "Đảng ủy phường Phú Xuân" in page
    assert "An Cựu" not in page
    assert "Văn phòng Thành ủy" not in page


def test_unit_detail_query_count_is_bounded(
    org: Org, client_for: ClientFor, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(org.leader)
    url = reverse("org:unit_detail", args=[org.city.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        html(client, url)
    for i in range(10):
        unit_create(
            acting_user=None, code=f"X-{i}", name=f"Đơn vị {i}", kind=UnitKind.AGENCY, parent=org.city, valid_from=START
        )
        # A person holds a role in a unit once over a period (org.services refuses the same role twice): ten people.
        person = user_create(acting_user=None, username=f"cb{i}", full_name=f"Cán bộ {i}", password=PASSWORD)
        membership_create(acting_user=None, person=person, unit=org.city, role=Role.OFFICER, valid_from=START)
    with django_assert_max_num_queries(15):
        html(client, url)


# --- person --------------------------------------------------------------------------------------------------


def test_person_detail_shows_contact_and_memberships(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader), reverse("org:person_detail", args=[org.btc_officer.pk]))
    assert "<h1>Phạm Thị Chuyên</h1>" in page
    assert "Chưa cập nhật" in page
    assert "Phòng Tổ chức cán bộ" in page
    assert "Chuyên viên" in page
    assert reverse("org:unit_detail", args=[org.btc_dept.pk]) in page


def test_person_detail_of_oneself(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.phuxuan_head), reverse("org:person_detail", args=[org.phuxuan_head.pk]))
    assert "Tài khoản của bạn" in page


def test_person_detail_outside_scope_is_404(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.phuxuan_head)
    assert client.get(reverse("org:person_detail", args=[org.ancuu_officer.pk])).status_code == 404
    assert client.get(reverse("org:person_detail", args=[org.ancuu_head.pk])).status_code == 404
    assert client.get(reverse("org:person_detail", args=[999999])).status_code == 404


def test_former_member_still_has_a_page(org: Org, client_for: ClientFor) -> None:
    membership = org.ancuu_officer.memberships.get()
    membership_end(acting_user=None, membership=membership, valid_to=datetime.date(2025, 12, 31))
    client = client_for(org.ancuu_head)
    unit_page = html(client, reverse("org:unit_detail", args=[org.ancuu.pk]))
    assert "Cán bộ đã từng giữ vai trò (1)" in unit_page
    person_page = html(client, reverse("org:person_detail", args=[org.ancuu_officer.pk]))
    assert "Bùi Văn Cựu" in person_page
    assert "Hiện không giữ vai trò nào" in person_page


def test_htmx_tree_request_gets_only_the_partial(org: Org, client_for: ClientFor) -> None:
    response = client_for(org.leader).get(reverse("org:unit_tree"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="unit-tree-panel"')
    assert "Thành ủy Huế" in body
    assert "<header" not in body
