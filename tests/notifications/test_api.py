"""API of notifications: my list (keyset pages, unread filter), marking read, read-all, the e-mail preference;
another person's notification is a 404; errors in the house format; pinned query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.notifications.models import Notification, NotificationPreference
from tests.conftest import Org

from .conftest import MakeNotification

ROOT = "/api/v1/notifications"
ITEM_KEYS = {
    "id",
    "kind",
    "kind_label",
    "title",
    "body",
    "url",
    "task_id",
    "created_at",
    "read",
    "resolved",
    "resolved_at",
    "resolved_by",
    "resolved_reason",
    "needs_action",
}


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_list_is_mine_newest_first(org: Org, make_notification: MakeNotification) -> None:
    old = make_notification(org.btc_officer, title="Cũ", read=True)
    new = make_notification(org.btc_officer, title="Mới")
    make_notification(org.btc_head, title="Của người khác")
    response = api_client(org.btc_officer).get(ROOT)
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    assert [i["id"] for i in body["items"]] == [new.pk, old.pk]
    item = body["items"][0]
    assert set(item) == ITEM_KEYS
    assert item["kind"] == "task_issued"
    assert item["kind_label"] == "Nhiệm vụ mới được giao"
    assert item["read"] is False
    assert body["items"][1]["read"] is True


def test_unread_filter(org: Org, make_notification: MakeNotification) -> None:
    make_notification(org.btc_officer, read=True)
    unread = make_notification(org.btc_officer)
    client = api_client(org.btc_officer)
    assert [i["id"] for i in client.get(f"{ROOT}?unread=true").json()["items"]] == [unread.pk]
    assert len(client.get(f"{ROOT}?unread=false").json()["items"]) == 2
    response = client.get(f"{ROOT}?unread=peut-etre")
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "fields"}
    assert "unread" in response.json()["fields"]


def test_keyset_walk_never_repeats_or_skips(org: Org, make_notification: MakeNotification) -> None:
    same_moment = datetime.datetime(2026, 3, 10, 1, 0, tzinfo=datetime.UTC)
    made = {make_notification(org.btc_officer, at=same_moment if i % 2 else None).pk for i in range(7)}
    client = api_client(org.btc_officer)
    seen: list[int] = []
    url = f"{ROOT}?limit=3"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        url = f"{ROOT}?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == made

    response = client.get(f"{ROOT}?cursor=gia-mao")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "cursor" in response.json()["fields"]


def test_read_one(org: Org, make_notification: MakeNotification) -> None:
    n = make_notification(org.btc_officer)
    client = api_client(org.btc_officer)
    response = client.post(f"{ROOT}/{n.pk}/read")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert client.post(f"{ROOT}/{n.pk}/read").status_code == 200  # idempotent
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_another_persons_notification_is_404(org: Org, make_notification: MakeNotification) -> None:
    n = make_notification(org.btc_head)
    client = api_client(org.btc_officer)
    for pk in (n.pk, 99_999_999):
        response = client.post(f"{ROOT}/{pk}/read")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}
    assert Notification.objects.get(pk=n.pk).read_at is None
    assert client.post(f"{ROOT}/0/read").status_code == 422


def test_read_all_returns_the_count(org: Org, make_notification: MakeNotification) -> None:
    for _ in range(3):
        make_notification(org.btc_officer)
    make_notification(org.btc_officer, read=True)
    other = make_notification(org.btc_head)
    client = api_client(org.btc_officer)
    assert client.post(f"{ROOT}/read-all").json() == {"count": 3}
    assert client.post(f"{ROOT}/read-all").json() == {"count": 0}
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_preferences_get_and_put(org: Org) -> None:
    client = api_client(org.btc_officer)
    assert client.get(f"{ROOT}/preferences").json() == {"email_mode": "immediate"}
    response = client.put(f"{ROOT}/preferences", {"email_mode": "digest"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"email_mode": "digest"}
    assert client.get(f"{ROOT}/preferences").json() == {"email_mode": "digest"}
    assert NotificationPreference.objects.get(user=org.btc_officer).email_mode == "digest"


@pytest.mark.parametrize("payload", [{"email_mode": "weekly"}, {"email_mode": None}, {}, {"email_mode": 1}])
def test_preferences_refuse_a_bad_mode(org: Org, payload: dict[str, Any]) -> None:
    response = api_client(org.btc_officer).put(f"{ROOT}/preferences", payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "email_mode" in body["fields"]
    assert not NotificationPreference.objects.exists()


def test_calls_need_credentials_and_session_writes_need_csrf(org: Org, make_notification: MakeNotification) -> None:
    n = make_notification(org.btc_officer)
    assert Client().get(ROOT).status_code == 401
    assert Client().post(f"{ROOT}/read-all").status_code == 401
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org.btc_officer)
    assert browser.get(ROOT).status_code == 200
    response = browser.post(f"{ROOT}/{n.pk}/read")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Notification.objects.get(pk=n.pk).read_at is None


@pytest.mark.parametrize("size", [1, 40])
def test_list_query_count_does_not_grow(
    org: Org, make_notification: MakeNotification, django_assert_max_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for _ in range(size):
        make_notification(org.btc_officer)
    client = api_client(org.btc_officer)
    with django_assert_max_num_queries(3):  # the token (and its last use), the page
        response = client.get(f"{ROOT}?limit=20")
    assert len(response.json()["items"]) == min(size, 20)
