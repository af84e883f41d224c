"""The page shell: layout, navigation, the overview, placeholders, error pages, htmx partials — and no inline
code on any page (the CSP forbids it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from sauro.accounts.models import User
from sauro.org.services import units_merge
from tests.common.test_security import inline_code
from tests.conftest import START, Org

ClientFor = Callable[[User], Client]

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

    Response = TestResponse | HttpResponse

NAV_LABELS = ["Tổng quan", "Nhiệm vụ", "Văn bản", "Chương trình công tác", "Báo cáo", "Tổ chức"]


def html(response: Response) -> str:
    return response.content.decode()


def assert_clean(response: Response) -> str:
    """The page is HTML in Vietnamese with no inline script, style or handler, and only external scripts."""
    page = html(response)
    assert '<html lang="vi">' in page
    assert inline_code(page) == []
    assert not re.search(r"\sstyle\s*=", page)
    return page


def current_nav(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="(?:page|true)">([^<]+)</a>', page)


# --- every page I built, for the users who see it ------------------------------------------------------------


def page_urls(org: Org) -> list[tuple[str, str]]:
    return [
        ("bithu", reverse("home")),
        ("bithu", reverse("tasks:list")),
        ("bithu", reverse("directives:list")),
        ("bithu", reverse("programs:list")),
        ("bithu", reverse("reports:list")),
        ("bithu", reverse("org:unit_tree")),
        ("bithu", reverse("org:unit_tree") + "?former=1"),
        ("bithu", reverse("org:unit_detail", args=[org.city.pk])),
        ("bithu", reverse("org:unit_detail", args=[org.btc.pk])),
        ("bithu", reverse("org:person_detail", args=[org.btc_officer.pk])),
        ("phuxuan", reverse("org:unit_tree")),
        ("phuxuan", reverse("org:unit_detail", args=[org.phuxuan.pk])),
        ("kiemtra", reverse("audit:list")),
        ("kiemtra", reverse("audit:list") + "?action=unit.create&date_from=2020-01-01&q=Ph"),
        ("kiemtra", reverse("audit:list") + "?date_from=2026-01-02&date_to=2026-01-01"),
        ("admin", reverse("home")),
        ("admin", reverse("audit:list")),
    ]


def test_every_page_renders_without_inline_code(org: Org, client_for: ClientFor) -> None:
    users = {u.username: u for u in [org.leader, org.phuxuan_head, org.inspector, org.admin]}
    for username, url in page_urls(org):
        response = client_for(users[username]).get(url)
        assert response.status_code == 200, (username, url)
        assert_clean(response)


def test_anonymous_pages_render_without_inline_code(org: Org) -> None:
    client = Client()
    assert_clean(client.get(reverse("login")))
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert_clean(response)


def test_htmx_is_loaded_from_static_files_with_inline_styles_off(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader).get(reverse("home")))
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/static/' in s for s in scripts)
    assert any("django_htmx/htmx-2.min.js" in s for s in scripts)
    assert "sauro/js/sauro.js" in page
    # htmx would otherwise inject an inline <style> for its indicators, which the CSP blocks.
    assert '"includeIndicatorStyles":false' in page


# --- layout and navigation -----------------------------------------------------------------------------------


def test_shell_shows_user_role_unit_and_logout_form(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.phuxuan_head).get(reverse("home")))
    assert "Sáu Rõ" in page
    assert "Thành ủy Huế" in page
    assert "Võ Văn Phú" in page
    assert "Lãnh đạo đơn vị · Đảng ủy phường Phú Xuân" in page
    assert re.search(r'<form class="logout-form" method="post" action="/dang-xuat/">', page)
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'href="#main"' in page and 'id="main"' in page  # skip link and its target
    assert 'aria-label="Điều hướng chính"' in page
    for label in NAV_LABELS:
        assert f">{label}</a>" in page


def test_nav_marks_the_current_section(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.leader)
    assert current_nav(html(client.get(reverse("home")))) == ["Tổng quan"]
    assert current_nav(html(client.get(reverse("tasks:list"))))[0] == "Nhiệm vụ"
    assert current_nav(html(client.get(reverse("reports:list")))) == ["Báo cáo"]
    assert current_nav(html(client.get(reverse("org:unit_tree")))) == ["Tổ chức"]
    assert current_nav(html(client.get(reverse("org:unit_detail", args=[org.btc.pk])))) == ["Tổ chức"]


def test_audit_and_admin_links_only_for_those_allowed(org: Org, client_for: ClientFor) -> None:
    officer = html(client_for(org.btc_officer).get(reverse("home")))
    assert ">Nhật ký</a>" not in officer
    assert "/quan-tri/" not in officer
    inspector = html(client_for(org.inspector).get(reverse("home")))
    assert ">Nhật ký</a>" in inspector
    assert "/quan-tri/" not in inspector
    admin = html(client_for(org.admin).get(reverse("home")))
    assert ">Nhật ký</a>" in admin
    assert 'href="/quan-tri/"' in admin


def test_pages_need_login(org: Org) -> None:
    for url in [reverse("home"), reverse("tasks:list"), reverse("org:unit_tree"), reverse("audit:list")]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- overview and placeholders -------------------------------------------------------------------------------


def test_home_greets_and_lists_roles_and_six_clears(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.btc_officer).get(reverse("home")))
    assert "Xin chào, Phạm Thị Chuyên" in page
    assert "Phòng Tổ chức cán bộ" in page
    assert "Chuyên viên" in page
    assert f"từ ngày {START:%d/%m/%Y}" in page
    assert reverse("org:unit_detail", args=[org.btc_dept.pk]) in page
    for clear in ["Rõ người", "Rõ việc", "Rõ thời gian", "Rõ trách nhiệm", "Rõ sản phẩm", "Rõ thẩm quyền"]:
        assert clear in page
    assert reverse("org:unit_tree") in page


def test_home_without_any_role_says_so(org: Org, client_for: ClientFor) -> None:
    from sauro.accounts.services import user_create

    lonely = user_create(acting_user=None, username="moi", full_name="Người Mới", password=None)
    page = html(client_for(lonely).get(reverse("home")))
    assert "Bạn chưa được phân công vai trò" in page


def test_no_page_says_it_is_still_being_built(org: Org, client_for: ClientFor) -> None:
    # Every section of the navigation has its app: the placeholder page is gone, the overview links to each.
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    with pytest.raises(TemplateDoesNotExist):
        get_template("common/placeholder.html")
    for user in (org.leader, org.btc_officer, org.phuxuan_head, org.inspector):
        page = html(client_for(user).get(reverse("home")))
        assert "đang được xây dựng" not in page.lower() and "đang xây dựng" not in page.lower()
        for name in ("tasks:list", "directives:list", "programs:list", "reports:list"):
            assert f'href="{reverse(name)}"' in page
    page = html(client_for(org.leader).get(reverse("reports:list")))
    assert "<h1>Báo cáo</h1>" in page
    assert "đang được xây dựng" not in page


# --- error pages ---------------------------------------------------------------------------------------------


def test_404_page_in_vietnamese(org: Org, client_for: ClientFor) -> None:
    response = client_for(org.leader).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = assert_clean(response)
    assert "Không tìm thấy trang" in page
    assert ">Tổ chức</a>" in page  # the shell is there for a logged-in user


def test_403_page_in_vietnamese(org: Org) -> None:
    request = RequestFactory().get("/")
    request.user = org.leader
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    page = assert_clean(response)
    assert "Bạn không có quyền thực hiện thao tác này" in page


def test_500_page_in_vietnamese_without_context() -> None:
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = assert_clean(response)
    assert "Hệ thống đang gặp sự cố" in page


def test_csrf_failure_page_in_vietnamese(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "bithu", "password": "x"})
    assert response.status_code == 403
    page = assert_clean(response)
    assert "Biểu mẫu đã hết hạn" in page


# --- htmx partials -------------------------------------------------------------------------------------------


def test_htmx_request_gets_the_partial_and_boosted_gets_the_page(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.leader)
    url = reverse("org:unit_tree") + "?former=1"
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert html(partial).lstrip().startswith('<div id="unit-tree-panel"')
    assert "<html" not in html(partial)
    assert "HX-Request" in partial["Vary"]
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in html(boosted)
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in html(restore)


def test_pages_show_messages(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.leader)
    client.post(reverse("logout"))
    page = html(client.get(reverse("login")))
    assert "Bạn đã đăng xuất khỏi hệ thống." in page


def test_static_files_exist() -> None:
    from django.contrib.staticfiles import finders

    for path in ["sauro/css/sauro.css", "sauro/js/sauro.js", "sauro/img/favicon.svg", "django_htmx/htmx-2.min.js"]:
        assert finders.find(path), path
    assert settings.LANGUAGE_CODE == "vi"


def test_former_units_toggle_keeps_pages_clean(org: Org, client_for: ClientFor) -> None:
    units_merge(
        acting_user=None,
        predecessors=[org.ancuu],
        successor=org.phuxuan,
        on_date=START.replace(year=START.year + 1),
    )
    response = client_for(org.leader).get(reverse("org:unit_tree") + "?former=1")
    assert_clean(response)
