"""Directive pages: list with filters and keyset pages, detail with the tree and files, registering and editing
(proposed number over htmx, inline errors, the stale-edit message that keeps the input) — without inline code."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.directives import panels, selectors
from sauro.directives.models import Directive
from sauro.directives.panels import TASKS_PANEL, DetailPanel, register_detail_panel
from sauro.directives.services import DirectiveInput, directive_update
from tests.common.test_security import inline_code
from tests.conftest import Org
from tests.directives.conftest import DAY, MakeDirective

ClientFor = Callable[[User], Client]
TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"


def html(client: Client, url: str, status: int = 200, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    page = response.content.decode()
    assert inline_code(page) == [], url
    assert not re.search(r"\sstyle\s*=", page), url
    return page


def form_data(org: Org, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "KL",
        "issuing_unit": org.city.pk,
        "issuer_code": "TU",
        "issued_on": "2026-01-09",
        "number": "",
        "place": "Huế",
        "signer": "Nguyễn Văn Bí, Bí thư Thành ủy",
        "summary": "Kết luận hội nghị giao ban",
        "parent": "",
        "full_text": "Đoạn một.\r\n\r\nĐoạn hai.",
    }
    data.update(overrides)
    return data


# --- list ----------------------------------------------------------------------------------------------------


def test_list_shows_the_table_and_the_register_button(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    page = html(client_for(org.monitor), reverse("directives:list"))
    assert "<h1>Văn bản chỉ đạo</h1>" in page
    for header in ["Số, ký hiệu", "Loại", "Ngày ban hành", "Trích yếu", "Cơ quan ban hành"]:
        assert f">{header}</th>" in page
    assert ">01-KL/TU</a>" in page
    assert "09/01/2026" in page and "Thành ủy Huế" in page
    assert reverse("directives:detail", args=[directive.pk]) in page
    assert reverse("directives:create") in page
    # Not for those who may not register.
    assert reverse("directives:create") not in html(client_for(org.inspector), reverse("directives:list"))


def test_list_marks_the_nav_section(org: Org, client_for: ClientFor) -> None:
    page = html(client_for(org.leader), reverse("directives:list"))
    assert re.findall(r'<a href="[^"]*" aria-current="(?:page|true)">([^<]+)</a>', page) == ["Văn bản"]
    assert f'<a href="{reverse("directives:list")}" aria-current="page">Văn bản</a>' in page


def test_empty_states(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    assert "Chưa có văn bản nào trong phạm vi bạn được xem." in html(client, reverse("directives:list"))
    make()
    page = html(client, reverse("directives:list") + "?q=khong+co+van+ban+nay")
    assert "Không có văn bản nào phù hợp với điều kiện lọc." in page
    assert "Xóa bộ lọc" in page


def test_filters_live_in_the_url(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    make(summary="Kết luận hội nghị giao ban")
    make(kind="TB", summary="Thông báo lịch công tác")
    client = client_for(org.leader)
    page = html(client, reverse("directives:list") + "?q=ket+luan+hoi+nghi&kind=KL&year=2026")
    # The words searched are marked, whatever their accents; the count of what was found is said.
    assert "<mark>Kết</mark> <mark>luận</mark> <mark>hội</mark> <mark>nghị</mark> giao ban" in page
    assert "Thông báo lịch công tác" not in page
    assert "Tìm thấy <strong>1</strong> văn bản khớp với “ket luan hoi nghi”." in page
    assert 'value="ket luan hoi nghi"' in page
    assert '<option value="KL" selected>' in page
    bad = html(client, reverse("directives:list") + "?date_from=2026-01-01&date_to=2025-12-01&after=gia-mao&year=abc")
    assert "Một số điều kiện lọc không hợp lệ và chưa được áp dụng" in bad
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in bad
    assert "Con trỏ phân trang không hợp lệ" in bad
    assert "Kết luận hội nghị giao ban" in bad  # the valid filter (from 01/01/2026) still applies


def test_a_search_counts_what_it_found_and_escapes_what_it_marks(
    org: Org, make: MakeDirective, client_for: ClientFor
) -> None:
    make(summary="Kết luận về <script>alert(1)</script> công tác cán bộ")
    make(kind="TB", summary="Thông báo kết luận giao ban")
    make(kind="TB", summary="Thông báo lịch công tác")
    client = client_for(org.leader)
    page = html(client, reverse("directives:list") + "?q=KET+LUAN")
    assert 'data-found="2"' in page
    assert "<mark>Kết</mark> <mark>luận</mark> về &lt;script&gt;alert(1)&lt;/script&gt; công tác cán bộ" in page
    assert "<script>alert(1)" not in page
    assert "<mark>" not in html(client, reverse("directives:list")) and "search-summary" not in html(
        client, reverse("directives:list")
    )


def test_htmx_filter_returns_the_partial(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    make()
    response = client_for(org.leader).get(reverse("directives:list") + "?q=ket", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="directive-list"')
    assert "<html" not in page
    assert response["Vary"].count("HX-Request") == 1


def test_keyset_next_page(
    org: Org, make: MakeDirective, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for i in range(5):
        make(summary=f"Kết luận số {i}", issued_on=DAY - datetime.timedelta(days=i))
    client = client_for(org.leader)
    seen: list[str] = []
    url = reverse("directives:list") + "?kind=KL"
    for _ in range(5):
        page = html(client, url)
        seen += re.findall(r">(Kết luận số \d)</a>", page)
        match = re.search(r'<a href="([^"]+)" hx-get="[^"]+" rel="next">Trang sau »</a>', page)
        if match is None:
            break
        url = match.group(1).replace("&amp;", "&")
        assert "kind=KL" in url
    assert seen == [f"Kết luận số {i}" for i in range(5)]
    assert "« Về trang đầu" in page


def test_list_page_query_count_is_pinned(
    org: Org, make: MakeDirective, client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(org.btc_head)
    make()
    client.get(reverse("directives:list"))
    # Session, user, scope, every unit's path (the tasks rule of the gate), the page (one query, units gate as a
    # subquery), the header's membership, the notification bell's count, and the session saved again (savepoint,
    # update, release) — the same for 1 or 21 rows.
    with django_assert_num_queries(10):
        client.get(reverse("directives:list"))
    for i in range(20):
        make(summary=f"Kết luận {i}")
    with django_assert_num_queries(10):
        page = html(client, reverse("directives:list"))
    assert page.count("-KL/TU</a>") == 21


# --- detail --------------------------------------------------------------------------------------------------


def test_detail_shows_everything(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    resolution = make(kind="NQ", summary="Nghị quyết Đại hội")
    program = make(kind="CTr", summary="Chương trình hành động", parent_id=resolution.pk)
    directive = make(
        signer="Phạm Văn A, Phó Bí thư Thường trực",
        full_text="Đoạn thứ nhất.\n\nĐoạn thứ hai,\ncòn tiếp.",
        parent_id=program.pk,
    )
    child = make(
        kind="KH", issuer_code="BTCTU", issuing_unit_id=org.btc.pk, summary="Kế hoạch BTC", parent_id=directive.pk
    )
    page = html(client_for(org.leader), reverse("directives:detail", args=[directive.pk]))
    assert "<h1>Kết luận số 01-KL/TU</h1>" in page
    assert "Số 01-KL/TU" in page
    assert "Huế, ngày 09 tháng 01 năm 2026" in page
    assert "Phạm Văn A, Phó Bí thư Thường trực" in page
    assert "Nhiệm kỳ 2025 – 2030" in page
    assert "Trần Thị Văn, lúc" in page  # registered by the office
    crumbs = page[page.index('class="breadcrumb"') : page.index("</nav>", page.index('class="breadcrumb"'))]
    assert crumbs.index("Nghị quyết 01-NQ/TU") < crumbs.index("Chương trình 01-CTr/TU") < crumbs.index("aria-current")
    assert reverse("directives:detail", args=[child.pk]) in page and "Kế hoạch BTC" in page
    assert "<p>Đoạn thứ nhất.</p>" in page and "<p>Đoạn thứ hai,</p>" in page
    assert "Nhiệm vụ từ văn bản này" in page
    assert reverse("directives:edit", args=[directive.pk]) in page
    assert 'enctype="multipart/form-data"' in page
    reader = html(client_for(org.inspector), reverse("directives:detail", args=[directive.pk]))
    assert reverse("directives:edit", args=[directive.pk]) not in reader
    assert 'enctype="multipart/form-data"' not in reader


@pytest.fixture
def panel_templates(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]
    # The registry is process-wide: the test's provider must not outlive it, and the real one comes back.
    monkeypatch.setattr(panels, "_providers", dict(panels._providers))
    yield


def test_the_tasks_app_fills_the_tasks_area(
    org: Org, make: MakeDirective, client_for: ClientFor, panel_templates: None
) -> None:
    directive = make()
    register_detail_panel(
        TASKS_PANEL,
        lambda request, d: DetailPanel("tests_directives/panel.html", {"note": f"3 nhiệm vụ cho {request.user}"}),
    )
    page = html(client_for(org.leader), reverse("directives:detail", args=[directive.pk]))
    assert '<section class="card" id="test-panel">' in page
    assert "3 nhiệm vụ cho Nguyễn Văn Bí — 01-KL/TU" in page
    assert "sẽ được hiển thị tại đây" not in page  # the placeholder gives way


def test_detail_query_count_is_pinned(
    org: Org,
    make: MakeDirective,
    client_for: ClientFor,
    django_assert_num_queries: DjangoAssertNumQueries,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(panels, "_providers", {})  # other apps' panels count their own queries
    program = make(kind="CTr", summary="Chương trình")
    directive = make(parent_id=program.pk)
    client = client_for(org.leader)
    client.get(reverse("directives:detail", args=[directive.pk]))
    # Session, user, scope, every unit's path; the directive; one step up the tree per level above it (here one)
    # and the visible ancestors; children; attachments; the header's membership; the notification bell's count;
    # the session saved (savepoint, update, release).
    with django_assert_num_queries(14):
        html(client, reverse("directives:detail", args=[directive.pk]))
    for i in range(5):
        make(kind="KH", summary=f"Kế hoạch {i}", parent_id=directive.pk)
    with django_assert_num_queries(14):
        page = html(client, reverse("directives:detail", args=[directive.pk]))
    assert page.count("Kế hoạch ") >= 5


# --- registering ---------------------------------------------------------------------------------------------


def test_register_form_proposes_the_next_number(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    make(kind="NQ", summary="Nghị quyết")
    page = html(client_for(org.monitor), reverse("directives:create"))
    assert "<h1>Đăng ký văn bản chỉ đạo</h1>" in page
    assert re.search(r'<input type="number" name="number" value="2"', page)
    assert "Số đề xuất: Số 02-NQ/TU (Nhiệm kỳ 2025 – 2030)." in page
    assert 'hx-get="/van-ban/so-de-xuat/"' in page
    assert '<option value="TU">' in page  # issuer code suggestions
    assert re.search(r'<option value="\d+" selected>Thành ủy Huế \(TU\)</option>', page)


def test_number_field_refreshes_without_overwriting_a_typed_number(
    org: Org, make: MakeDirective, client_for: ClientFor
) -> None:
    make(number=4)
    client = client_for(org.monitor)
    url = reverse("directives:number_field")
    base: dict[str, Any] = {"kind": "KL", "issuer_code": "TU", "issuing_unit": org.city.pk, "issued_on": "2026-01-09"}
    # The shown number was the previous proposal: it follows the new one.
    fresh = html(client, url, data={**base, "number": "1", "proposed": "1"}, HTTP_HX_REQUEST="true")
    assert fresh.lstrip().startswith('<div id="number-field"')
    assert 'name="number" value="5"' in fresh and 'name="proposed" value="5"' in fresh
    assert "Số đề xuất: Số 05-KL/TU" in fresh
    # A number the person typed is kept; the proposal is still shown.
    typed = html(client, url, data={**base, "number": "40", "proposed": "1"}, HTTP_HX_REQUEST="true")
    assert 'name="number" value="40"' in typed and "Số đề xuất: Số 05-KL/TU" in typed
    # No term on that date: said, not a crash.
    early = html(client, url, data={**base, "issued_on": "2025-08-01", "number": "", "proposed": ""})
    assert "Chưa khai báo nhiệm kỳ nào của cấp ủy bao gồm ngày 01/08/2025" in early
    assert client_for(org.btc_head).get(url, base).status_code == 403


def test_register_saves_and_redirects(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    parent = make(kind="CTr", summary="Chương trình hành động")
    response = client_for(org.monitor).post(reverse("directives:create"), form_data(org, parent=parent.pk), follow=True)
    directive = Directive.objects.get(kind="KL")
    assert response.redirect_chain == [(reverse("directives:detail", args=[directive.pk]), 302)]
    assert "Đã đăng ký Kết luận số 01-KL/TU." in response.content.decode()
    assert (directive.parent, directive.full_text, directive.created_by) == (
        parent,
        "Đoạn một.\n\nĐoạn hai.",
        org.monitor,
    )


def test_register_shows_errors_inline_and_keeps_the_input(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    make(number=7)
    client = client_for(org.monitor)
    response = client.post(reverse("directives:create"), form_data(org, number="7", summary="Trích yếu của tôi"))
    assert response.status_code == 200
    page = response.content.decode()
    assert inline_code(page) == []
    assert "Văn bản chưa được lưu. Hãy sửa các mục được đánh dấu bên dưới." in page
    assert re.search(r'<ul class="field-error"[^>]*><li>Số 07-KL/TU đã được dùng cho kết luận', page)
    assert 'aria-invalid="true"' in page
    assert "Trích yếu của tôi" in page
    empty = client.post(reverse("directives:create"), form_data(org, summary="")).content.decode()
    assert re.search(r'id="id_summary_error"><li>Trường này là bắt buộc.</li>', empty)
    future = client.post(reverse("directives:create"), form_data(org, issued_on="2027-01-01")).content.decode()
    assert "Ngày ban hành không được sau ngày hôm nay (02/03/2026)." in future
    assert Directive.objects.count() == 1


def test_register_is_for_the_office_and_leaders(org: Org, client_for: ClientFor) -> None:
    for user in (org.btc_head, org.inspector, org.admin):
        assert client_for(user).get(reverse("directives:create")).status_code == 403
        assert client_for(user).post(reverse("directives:create"), form_data(org)).status_code == 403
    assert html(client_for(org.leader), reverse("directives:create"))


# --- editing -------------------------------------------------------------------------------------------------


def test_edit_saves_with_the_version(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    client = client_for(org.leader)
    page = html(client, reverse("directives:edit", args=[directive.pk]))
    assert '<input type="hidden" name="version" value="1"' in page
    assert 'name="number" value="1"' in page
    assert "hx-get" not in page.split('id="number-field"')[1].split(">")[0]  # no live proposal when editing
    response = client.post(
        reverse("directives:edit", args=[directive.pk]), form_data(org, number="1", summary="Đã sửa", version="1")
    )
    assert response.status_code == 302
    directive.refresh_from_db()
    assert (directive.summary, directive.version) == ("Đã sửa", 2)


def test_stale_edit_keeps_the_input_and_explains(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    directive_update(
        acting_user=org.leader,
        directive=directive,
        expected_version=1,
        data=DirectiveInput.from_directive(directive, summary="Lãnh đạo đã sửa trước"),
    )
    client = client_for(org.monitor)
    mine = form_data(org, number="1", summary="Nội dung tôi vừa gõ", version="1")
    response = client.post(reverse("directives:edit", args=[directive.pk]), mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert inline_code(page) == []
    assert "Văn bản này đã được sửa (thành phiên bản 2) sau khi bạn mở để sửa (phiên bản 1)." in page
    assert "Nội dung tôi vừa gõ" in page  # nothing typed is lost
    assert "Lãnh đạo đã sửa trước" in page  # the saved value, for comparison
    assert '<input type="hidden" name="version" value="2"' in page
    directive.refresh_from_db()
    assert directive.summary == "Lãnh đạo đã sửa trước"
    # Saving again overwrites knowingly.
    again = client.post(reverse("directives:edit", args=[directive.pk]), {**mine, "version": "2"})
    assert again.status_code == 302
    directive.refresh_from_db()
    assert (directive.summary, directive.version) == ("Nội dung tôi vừa gõ", 3)


def test_edit_refuses_a_cycle_inline(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    top = make(kind="NQ", summary="Nghị quyết")
    below = make(kind="CTr", summary="Chương trình", parent_id=top.pk)
    response = client_for(org.monitor).post(
        reverse("directives:edit", args=[top.pk]),
        form_data(org, kind="NQ", number="1", summary="Nghị quyết", parent=below.pk, version="1"),
    )
    assert response.status_code == 200
    assert "đang cụ thể hóa (trực tiếp hoặc gián tiếp) chính văn bản này" in response.content.decode()


def test_pages_need_login(org: Org, make: MakeDirective) -> None:
    directive = make()
    for url in [
        reverse("directives:list"),
        reverse("directives:detail", args=[directive.pk]),
        reverse("directives:create"),
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
