"""Pages of notifications: the list (own only, unread first-class, 50 a page), opening one (marks read, never
leaves the site), marking read, the e-mail preference, the bell in the header, strict CSP, pinned query counts."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.audit.models import AuditEntry
from sauro.notifications.choices import EmailMode
from sauro.notifications.models import Notification, NotificationPreference
from tests.common.test_security import inline_code
from tests.conftest import Org

from .conftest import MakeNotification

LIST = reverse("notifications:list")
PREFS = reverse("notifications:preferences")
READ_ALL = reverse("notifications:read_all")


def page(client: Client, url: str = LIST) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_pages_need_a_login(org: Org, make_notification: MakeNotification) -> None:
    n = make_notification(org.btc_officer)
    for url in (LIST, PREFS, reverse("notifications:open", args=[n.pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/")
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_list_shows_my_notifications_newest_first_unread_highlighted(
    org: Org, make_notification: MakeNotification, client_for: Any
) -> None:
    make_notification(org.btc_officer, title="Cũ đã đọc", read=True)
    make_notification(org.btc_officer, title="Mới chưa đọc")
    make_notification(org.btc_head, title="Của người khác")
    html = page(client_for(org.btc_officer))
    assert html.index("Mới chưa đọc") < html.index("Cũ đã đọc")
    assert "Của người khác" not in html
    assert html.count('class="notif-item is-unread"') == 1
    assert "Chưa đọc:" in html  # said to screen readers, not only by colour
    assert "Nhiệm vụ mới được giao" in html  # the kind, in Vietnamese

    unread = page(client_for(org.btc_officer), f"{LIST}?unread=1")
    assert "Mới chưa đọc" in unread
    assert "Cũ đã đọc" not in unread


def test_empty_states(org: Org, make_notification: MakeNotification, client_for: Any) -> None:
    client = client_for(org.btc_officer)
    assert "Bạn chưa có thông báo nào." in page(client)
    make_notification(org.btc_officer, read=True)
    assert "Bạn đã đọc hết thông báo." in page(client, f"{LIST}?unread=1")


def test_list_pages_by_fifty_with_a_signed_cursor(
    org: Org, make_notification: MakeNotification, client_for: Any
) -> None:
    same_moment = datetime.datetime(2026, 3, 10, 1, 0, tzinfo=datetime.UTC)
    for i in range(55):
        make_notification(org.btc_officer, title=f"Mục {i:02d}", at=same_moment if i < 30 else None)
    client = client_for(org.btc_officer)
    response = client.get(LIST)
    first = response.content.decode()
    assert first.count("data-notification=") == 50
    next_url = response.context["next_cursor"]
    assert next_url
    second = page(client, f"{LIST}?cursor={next_url}")
    assert second.count("data-notification=") == 5
    assert "Về trang đầu" in second
    titles = {f"Mục {i:02d}" for i in range(55)}
    assert {t for t in titles if t in first} | {t for t in titles if t in second} == titles

    forged = page(client, f"{LIST}?cursor=gia-mao")
    assert "Liên kết phân trang không còn hợp lệ" in forged
    assert forged.count("data-notification=") == 50


def test_opening_marks_read_and_goes_to_the_object(
    org: Org, make_notification: MakeNotification, client_for: Any
) -> None:
    n = make_notification(org.btc_officer, url="/nhiem-vu/5/?tab=tien-do")
    client = client_for(org.btc_officer)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/nhiem-vu/5/?tab=tien-do"
    n.refresh_from_db()
    first_read = n.read_at
    assert first_read is not None
    client.get(reverse("notifications:open", args=[n.pk]))  # again: harmless, keeps the first reading time
    n.refresh_from_db()
    assert n.read_at == first_read


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "nhiem-vu/5/",
        "/nhiem-vu/5/\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_opening_never_redirects_off_site(
    org: Org, make_notification: MakeNotification, client_for: Any, url: str
) -> None:
    n = make_notification(org.btc_officer, url=url)
    response = client_for(org.btc_officer).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_another_persons_notification_is_404(org: Org, make_notification: MakeNotification, client_for: Any) -> None:
    n = make_notification(org.btc_head)
    client = client_for(org.btc_officer)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[99_999_999])).status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_mark_one_and_all_read_are_posts(org: Org, make_notification: MakeNotification, client_for: Any) -> None:
    a = make_notification(org.btc_officer)
    make_notification(org.btc_officer)
    other = make_notification(org.btc_head)
    client = client_for(org.btc_officer)
    assert client.get(reverse("notifications:read", args=[a.pk])).status_code == 405
    assert client.get(READ_ALL).status_code == 405

    response = client.post(reverse("notifications:read", args=[a.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=org.btc_officer, read_at__isnull=True).count() == 1

    response = client.post(READ_ALL, follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient=org.btc_officer, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    response = client.post(READ_ALL, follow=True)
    assert "Không có thông báo nào chưa đọc." in response.content.decode()


def test_read_all_needs_the_csrf_token(org: Org, make_notification: MakeNotification) -> None:
    make_notification(org.btc_officer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.btc_officer)
    assert client.post(READ_ALL).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_preferences_show_the_address_and_save_the_choice(org: Org, client_for: Any) -> None:
    org.btc_officer.email = "chuyenvien@hue.gov.vn"
    org.btc_officer.save(update_fields=["email"])
    client = client_for(org.btc_officer)
    html = page(client, PREFS)
    assert "chuyenvien@hue.gov.vn" in html
    assert html.count('type="radio"') == 3
    assert re.findall(r'<input type="radio" name="email_mode" value="(\w+)"[^>]* checked>', html) == ["immediate"]
    for label in ("Gửi ngay từng thông báo", "Gửi một thư tổng hợp mỗi ngày", "Không gửi thư, chỉ xem trong hệ thống"):
        assert label in html

    response = client.post(PREFS, {"email_mode": "digest"}, follow=True)
    assert "Đã lưu cách nhận thông báo của bạn." in response.content.decode()
    assert NotificationPreference.objects.get(user=org.btc_officer).email_mode == EmailMode.DIGEST
    assert AuditEntry.objects.filter(action="notification.preference", actor=org.btc_officer).exists()

    response = client.post(PREFS, {"email_mode": "hang-tuan"})
    assert response.status_code == 200
    assert "Lựa chọn nhận thư không hợp lệ." in response.content.decode()
    assert NotificationPreference.objects.get(user=org.btc_officer).email_mode == EmailMode.DIGEST


def test_preferences_say_when_no_address_is_on_file(org: Org, client_for: Any) -> None:
    html = page(client_for(org.ancuu_officer), PREFS)
    assert "Chưa có địa chỉ thư điện tử" in html


def test_the_bell_counts_unread_on_every_page(org: Org, make_notification: MakeNotification, client_for: Any) -> None:
    for _ in range(3):
        make_notification(org.btc_officer)
    make_notification(org.btc_officer, read=True)
    make_notification(org.btc_head)
    client = client_for(org.btc_officer)
    for url in (reverse("home"), reverse("tasks:list"), LIST):
        html = page(client, url)
        assert 'class="notif-bell has-unread"' in html, url
        assert "3 thông báo cần bạn xử lý" in html, url
        assert f'href="{LIST}"' in html
    client.post(READ_ALL)
    html = page(client, reverse("home"))
    assert "không có thông báo cần bạn xử lý" in html
    assert "notif-bell-count" not in html
    assert "notif-bell" not in Client().get("/dang-nhap/").content.decode()


def test_pages_have_no_inline_code(org: Org, make_notification: MakeNotification, client_for: Any) -> None:
    make_notification(org.btc_officer, title='<script>alert("x")</script>')
    client = client_for(org.btc_officer)
    for url in (LIST, f"{LIST}?unread=1", PREFS):
        html = page(client, url)
        assert inline_code(html) == [], url
    assert "&lt;script&gt;" in page(client, LIST)


def test_list_page_query_count_is_pinned(
    org: Org,
    make_notification: MakeNotification,
    client_for: Any,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(org.btc_officer)
    for _ in range(60):
        make_notification(org.btc_officer)
    with django_assert_max_num_queries(9):
        page(client)
