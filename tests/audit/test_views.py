"""The audit journal page: who may read it, the filters, keyset paging, Vietnamese labels and local time."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.audit.actions import action_label
from sauro.audit.forms import object_type_label
from sauro.audit.models import AuditEntry
from sauro.audit.selectors import PAGE_SIZE, AuditFilters, audit_entry_list
from sauro.audit.services import audit_record
from sauro.org.services import unit_rename
from tests.conftest import Org

ClientFor = Callable[[User], Client]

URL = "/nhat-ky/"


def page(client: Client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'<span class="audit-seq">#(\d+)</span>', html)]


def test_url() -> None:
    assert reverse("audit:list") == URL


@pytest.mark.parametrize("who", ["leader", "monitor", "btc_head", "btc_officer", "phuxuan_head", "ancuu_officer"])
def test_journal_is_404_for_everyone_but_inspectors_and_admins(org: Org, client_for: ClientFor, who: str) -> None:
    assert client_for(getattr(org, who)).get(URL).status_code == 404


def test_journal_needs_login(org: Org) -> None:
    response = Client().get(URL)
    assert response.status_code == 302


def test_selector_refuses_non_readers(org: Org) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        audit_entry_list(user=org.btc_officer, filters=AuditFilters())
    assert audit_entry_list(user=org.inspector, filters=AuditFilters()).exists()


def test_without_orgs_rule_nobody_reads_the_journal(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal sits below org and asks the rule org registers at start-up; without it, it refuses everyone."""
    from django.http import Http404

    from sauro.audit import access

    assert access.can_read_audit(org.inspector)  # org's rule, registered by OrgConfig.ready
    monkeypatch.setattr(access, "_reader_check", None)
    assert not access.can_read_audit(org.inspector)
    with pytest.raises(Http404):
        audit_entry_list(user=org.admin, filters=AuditFilters())


def test_inspector_and_admin_read_the_journal(org: Org, client_for: ClientFor) -> None:
    for user in [org.inspector, org.admin]:
        html = page(client_for(user))
        assert "Nhật ký hệ thống" in html
        assert "Tạo đơn vị" in html  # unit.create in Vietnamese
        assert "Phân công vai trò" in html  # membership.create
        assert "Hệ thống" in html  # actor of the fixture's writes


def test_rows_show_local_time_actor_object_summary_and_changes(org: Org, client_for: ClientFor) -> None:
    unit_rename(
        acting_user=org.admin, unit=org.btc, new_name="Ban Tổ chức Thành ủy Huế", on_date=datetime.date(2025, 9, 1)
    )
    entry = AuditEntry.objects.get(action="unit.rename")
    html = page(client_for(org.inspector), "?action=unit.rename")
    local = timezone.localtime(entry.at, timezone.get_default_timezone())
    assert local.utcoffset() == datetime.timedelta(hours=7)
    assert f"{local:%d/%m/%Y %H:%M:%S}" in html
    assert "Quản Trị Viên" in html
    assert "Đổi tên đơn vị" in html
    assert "Ban Tổ chức Thành ủy Huế" in html
    assert reverse("org:unit_detail", args=[org.btc.pk]) in html  # the object links to its page
    assert "Đổi tên “Ban Tổ chức Thành ủy” thành “Ban Tổ chức Thành ủy Huế”" in html
    # Before/after, field by field, with Vietnamese field names and the changed row marked.
    assert "Xem dữ liệu trước và sau" in html
    assert re.search(r'<tr class="is-changed">\s*<th scope="row">Tên</th>\s*<td>Ban Tổ chức Thành ủy</td>', html)
    assert "Cơ quan tham mưu, giúp việc" in html  # kind shown by its label, not "agency"
    assert seqs(html) == [entry.seq]


def test_unknown_action_falls_back_to_a_readable_name(org: Org, client_for: ClientFor) -> None:
    with transaction.atomic():
        audit_record(acting_user=org.admin, action="task.magic", object_type="x.y", object_repr="Vật thể", summary="Lạ")
    html = page(client_for(org.inspector), "?q=L%E1%BA%A1")
    assert "task.magic" not in html
    assert "Thao tác khác (nhiệm vụ)" in html
    assert action_label("task.magic") == "Thao tác khác (nhiệm vụ)"
    assert action_label("nothing.at_all") == "Thao tác khác"
    assert action_label("unit.merge") == "Sáp nhập đơn vị"
    assert action_label("membership.delete") == "Xóa vai trò tại đơn vị"  # the admin's pattern
    assert object_type_label("org.unit") == "Đơn vị"


def test_filters(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.inspector)
    unit_rename(acting_user=org.admin, unit=org.btc, new_name="Ban Tổ chức mới", on_date=datetime.date(2025, 9, 1))
    rename_seq = AuditEntry.objects.get(action="unit.rename").seq

    assert seqs(page(client, "?action=unit.rename")) == [rename_seq]
    assert seqs(page(client, "?actor=Qu%E1%BA%A3n+Tr%E1%BB%8B")) == [rename_seq]  # "Quản Trị"
    by_type = seqs(page(client, "?object_type=accounts.user"))
    assert by_type and set(by_type) == set(
        AuditEntry.objects.filter(object_type="accounts.user").values_list("seq", flat=True)
    )
    assert seqs(page(client, "?q=Ban+T%E1%BB%95+ch%E1%BB%A9c+m%E1%BB%9Bi")) == [rename_seq]  # "Ban Tổ chức mới"
    assert "Kết quả lọc" in page(client, "?action=unit.rename")

    today = timezone.localdate()
    assert rename_seq in seqs(page(client, f"?action=unit.rename&date_from={today}&date_to={today}"))
    yesterday = today - datetime.timedelta(days=1)
    empty = page(client, f"?action=unit.rename&date_to={yesterday}")
    assert seqs(empty) == []
    assert "Không có mục nhật ký nào phù hợp với điều kiện lọc." in empty


def test_date_range_is_cut_in_vietnam_time(org: Org) -> None:
    # 23:30 UTC on 1 Jan is 06:30 on 2 Jan in Huế: it belongs to 2 January.
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC))
    on = AuditFilters(date_from=datetime.date(2026, 1, 2), date_to=datetime.date(2026, 1, 2))
    assert list(audit_entry_list(user=org.inspector, filters=on).values_list("pk", flat=True)) == [entry.pk]
    before = AuditFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 1, 1))
    assert not audit_entry_list(user=org.inspector, filters=before).exists()


def test_bad_filter_values_are_reported_not_fatal(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.inspector)
    html = page(client, "?date_from=2026-02-01&date_to=2026-01-01&before=abc&action=khong-co")
    assert "Một số điều kiện lọc không hợp lệ" in html
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in html
    assert 'aria-invalid="true"' in html
    assert client.get(URL + "?date_from=not-a-date").status_code == 200


def test_keyset_paging(org: Org, client_for: ClientFor) -> None:
    with transaction.atomic():
        for i in range(PAGE_SIZE + 5):
            audit_record(acting_user=None, action="test.fill", object_type="x.y", summary=f"mục {i}")
    client = client_for(org.inspector)
    all_seqs = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))

    first = page(client)
    assert seqs(first) == all_seqs[:PAGE_SIZE]
    assert "Trang sau" in first
    assert "Về trang đầu" not in first
    next_link = re.search(r'href="/nhat-ky/(\?before=[^"]+)" hx-get="[^"]*" rel="next"', first)
    assert next_link is not None

    second = page(client, html.unescape(next_link.group(1)))
    assert seqs(second) == all_seqs[PAGE_SIZE : 2 * PAGE_SIZE]
    assert "Về trang đầu" in second
    assert "Trang sau" not in second

    # A forged cursor (a bare sequence number, as the page once wrote) is refused: the first page, with the error.
    forged = page(client, f"?before={all_seqs[PAGE_SIZE - 1]}")
    assert seqs(forged) == all_seqs[:PAGE_SIZE]
    assert "Con trỏ phân trang không hợp lệ" in forged

    # The cursor keeps the filters.
    filtered = page(client, "?action=test.fill")
    next_link = re.search(r'href="(/nhat-ky/\?[^"]*before=[^"]+)" hx-get', filtered)
    assert next_link is not None
    assert "action=test.fill" in next_link.group(1)


def test_query_count_is_bounded(
    org: Org, client_for: ClientFor, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(org.inspector)
    client.get(URL)
    # 9 for the journal, 2 for its protection (the latest checkpoints, the last verification).
    with django_assert_max_num_queries(11):
        page(client)


def test_htmx_request_gets_the_journal_partial(org: Org, client_for: ClientFor) -> None:
    response = client_for(org.inspector).get(URL + "?action=unit.create", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="journal"')
    assert "<header" not in body
    assert "Tạo đơn vị" in body
