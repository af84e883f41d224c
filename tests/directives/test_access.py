"""The visibility gate: who sees which directive, the same on pages, API and downloads (404, never 403)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.accounts.services import user_create
from sauro.directives.access import (
    directives_visible_to,
    register_visibility_rule,
    unregister_visibility_rule,
    visibility_rules,
)
from sauro.directives.models import Directive
from sauro.directives.services import directive_attach_file
from sauro.org.choices import Role, UnitKind
from sauro.org.services import membership_create, unit_create
from tests.conftest import START, Org
from tests.directives.conftest import MakeDirective, api_client

ClientFor = Callable[[User], Client]


@pytest.fixture
def docs(org: Org, make: MakeDirective) -> dict[str, Directive]:
    return {
        "city": make(summary="Kết luận của Thành ủy"),
        "standing": make(issuing_unit_id=org.standing.pk, issuer_code="TTTU", summary="Thông báo của Thường trực"),
        "btc": make(issuing_unit_id=org.btc.pk, issuer_code="BTCTU", kind="KH", summary="Kế hoạch của Ban Tổ chức"),
        "btc_dept": make(issuing_unit_id=org.btc_dept.pk, issuer_code="TCCB", kind="KH", summary="Kế hoạch của phòng"),
        "office": make(issuing_unit_id=org.office.pk, issuer_code="VPTU", kind="HD", summary="Hướng dẫn của Văn phòng"),
        "phuxuan": make(issuing_unit_id=org.phuxuan.pk, issuer_code="DUPX", kind="KH", summary="Kế hoạch phường"),
        "ancuu": make(issuing_unit_id=org.ancuu.pk, issuer_code="DUAC", kind="KH", summary="Kế hoạch An Cựu"),
    }


def visible(user: User, docs: dict[str, Directive]) -> set[str]:
    ids = set(directives_visible_to(user).values_list("pk", flat=True))
    return {key for key, d in docs.items() if d.pk in ids}


EVERYTHING = {"city", "standing", "btc", "btc_dept", "office", "phuxuan", "ancuu"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("leader", EVERYTHING),
        ("monitor", EVERYTHING),
        ("inspector", EVERYTHING),
        ("admin", EVERYTHING),
        # Own unit and below, the chain above, and the committee's standing bodies.
        ("btc_head", {"city", "standing", "btc", "btc_dept"}),
        # ... of each of their units: the Ban's officer also works in Văn phòng.
        ("btc_officer", {"city", "standing", "btc", "btc_dept", "office"}),
        ("phuxuan_head", {"city", "standing", "phuxuan"}),
        ("ancuu_officer", {"city", "standing", "ancuu"}),
    ],
)
def test_who_sees_which_directive(org: Org, docs: dict[str, Directive], who: str, expected: set[str]) -> None:
    assert visible(getattr(org, who), docs) == expected


def test_nobody_without_a_role_sees_anything(org: Org, docs: dict[str, Directive]) -> None:
    lonely = user_create(acting_user=None, username="moi", full_name="Người Mới", password=None)
    assert visible(lonely, docs) == set()


def test_another_committee_sees_nothing_of_ours(org: Org, docs: dict[str, Directive]) -> None:
    other = unit_create(
        acting_user=None, code="TINH", name="Tỉnh ủy khác", kind=UnitKind.COMMITTEE, parent=None, valid_from=START
    )
    boss = user_create(acting_user=None, username="bithu.khac", full_name="Bí thư khác", password=None)
    membership_create(acting_user=None, person=boss, unit=other, role=Role.LEADER, valid_from=START)
    assert visible(boss, docs) == set()


@pytest.fixture
def clean_rules() -> Iterator[None]:
    before = visibility_rules()
    yield
    for name in set(visibility_rules()) - set(before):
        unregister_visibility_rule(name)


def test_a_registered_rule_adds_directives(org: Org, docs: dict[str, Directive], clean_rules: None) -> None:
    # What the tasks app will do: directives with tasks for the user's units become visible.
    btc_plan = docs["btc"].pk
    register_visibility_rule(
        "test.tasks", lambda user: Q(pk__in=[btc_plan]) if user.pk == org.phuxuan_head.pk else Q(pk__in=[])
    )
    assert visible(org.phuxuan_head, docs) == {"city", "standing", "phuxuan", "btc"}
    assert visible(org.ancuu_head, docs) == {"city", "standing", "ancuu"}
    unregister_visibility_rule("test.tasks")
    assert "btc" not in visible(org.phuxuan_head, docs)


def test_invisible_is_404_everywhere(org: Org, docs: dict[str, Directive], client_for: ClientFor) -> None:
    btc = docs["btc"]
    attachment = directive_attach_file(
        acting_user=org.monitor, directive=btc, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")
    )
    page = client_for(org.phuxuan_head)
    api = api_client(org.phuxuan_head)
    for url in [
        reverse("directives:detail", args=[btc.pk]),
        reverse("directives:attachment_download", args=[btc.pk, attachment.pk]),
        reverse("directives:detail", args=[987654]),
    ]:
        assert page.get(url).status_code == 404, url
    for url in [f"/api/v1/directives/{btc.pk}", "/api/v1/directives/987654"]:
        response = api.get(url)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}
    listed = api.get("/api/v1/directives").json()["items"]
    assert btc.pk not in {d["id"] for d in listed}
    assert docs["city"].pk in {d["id"] for d in listed}
    assert "Kế hoạch của Ban Tổ chức" not in page.get(reverse("directives:list")).content.decode()
    # The city's directive, which Phú Xuân does see, still works.
    assert page.get(reverse("directives:detail", args=[docs["city"].pk])).status_code == 200
    assert api.get(f"/api/v1/directives/{docs['city'].pk}").status_code == 200
    # Edits of an invisible directive: 404 before the lack of right (403) is even considered.
    monitor_page = client_for(org.btc_head)
    assert monitor_page.get(reverse("directives:edit", args=[docs["ancuu"].pk])).status_code == 404
    assert monitor_page.get(reverse("directives:edit", args=[btc.pk])).status_code == 403


def test_a_parent_outside_view_is_hidden_in_the_chain(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    plan = make(issuing_unit_id=org.btc.pk, issuer_code="BTCTU", kind="KH", summary="Kế hoạch BTC")
    ward = make(
        issuing_unit_id=org.phuxuan.pk, issuer_code="DUPX", kind="KH", summary="Kế hoạch phường", parent_id=plan.pk
    )
    page = client_for(org.phuxuan_head).get(reverse("directives:detail", args=[ward.pk])).content.decode()
    assert "Văn bản cấp trên nằm ngoài phạm vi bạn được xem" in page
    assert "Kế hoạch BTC" not in page
    assert reverse("directives:detail", args=[plan.pk]) not in page
