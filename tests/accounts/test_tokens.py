"""API tokens die (issue 16, point 5): they expire, they are revoked when their owner's password changes or the
owner is deactivated (journalled), and they may be read-only. Their last use and expiry are shown wherever they
are listed (the API and the admin's list)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.test import Client

from sauro.accounts.auth import ERR_READ_ONLY_TOKEN
from sauro.accounts.choices import TokenScope
from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import (
    ERR_LIFETIME_DAYS,
    REASON_DEACTIVATED,
    REASON_NEW_CREDENTIALS,
    api_token_create,
    user_create,
)
from sauro.audit.models import AuditEntry
from sauro.common import clock
from tests.conftest import PASSWORD, Org

ME_URL = "/api/v1/me"
TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"
NEW_PASSWORD = "mat-khau-moi-2026-rat-dai"


@pytest.fixture(autouse=True)
def _clean_axes(db: None) -> Iterator[None]:
    reset()
    yield
    reset()


@pytest.fixture
def superuser_client(org: Org) -> Client:
    """A client logged in to the admin site as a superuser (who may change people and see tokens)."""
    root = user_create(acting_user=None, username="root", full_name="Quản trị", password=PASSWORD, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def works(secret: str) -> bool:
    response = Client().get(ME_URL, **bearer(secret))
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def issue(user: User, **kwargs: Any) -> tuple[ApiToken, str]:
    return api_token_create(acting_user=user, user=user, **kwargs)


def revocations(token: ApiToken) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)))


# --- password changes -------------------------------------------------------------------------------------------


def change_own_password(user: User) -> None:
    """What a password change page does: Django's PasswordChangeForm."""
    form = PasswordChangeForm(
        user, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()


def reset_password(user: User) -> None:
    """What a password reset does: Django's SetPasswordForm, for the user found by the reset link."""
    form = SetPasswordForm(User.objects.get(pk=user.pk), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()


def set_in_code(user: User) -> None:
    """``sauro changepassword`` and any code: set_password, then save."""
    user.set_password(NEW_PASSWORD)
    user.save()


def make_unusable(user: User) -> None:
    user.set_unusable_password()
    user.save()


@pytest.mark.parametrize("change", [change_own_password, reset_password, set_in_code, make_unusable])
def test_a_token_is_refused_after_its_owners_password_changes(org: Org, change: Any) -> None:
    user = org.phuxuan_head
    token, secret = issue(user)
    other_token, other_secret = issue(org.ancuu_head)
    assert works(secret)
    change(user)
    assert not works(secret)
    token.refresh_from_db()
    assert token.revoked_at is not None
    [entry] = revocations(token)
    assert entry.summary == REASON_NEW_CREDENTIALS
    # Somebody else's token is untouched.
    assert works(other_secret)
    assert revocations(other_token) == []


def test_the_admin_setting_a_password_revokes_the_tokens(org: Org, superuser_client: Client) -> None:
    user = org.phuxuan_head
    token, secret = issue(user)
    response = superuser_client.post(
        f"/quan-tri/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(secret)
    assert [e.summary for e in revocations(token)] == [REASON_NEW_CREDENTIALS]


def test_a_hash_upgrade_at_login_is_not_a_password_change(org: Org, settings: Any) -> None:
    """Django re-hashes a password with newer parameters when its owner logs in: the tokens live on."""
    user = org.phuxuan_head
    _, secret = issue(user)
    old_hash = User.objects.get(pk=user.pk).password
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = Client().post("/dang-nhap/", {"username": "phuxuan", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).password != old_hash, "the hash was upgraded"
    assert works(secret)


def test_other_saves_of_the_person_leave_the_tokens(org: Org) -> None:
    user = org.phuxuan_head
    _, secret = issue(user)
    user.full_name = "Võ Văn Phú Mới"
    user.save()
    Client().force_login(user)  # a login saves last_login
    assert works(secret)


# --- deactivation -----------------------------------------------------------------------------------------------


def test_a_token_is_refused_after_its_owner_is_deactivated_and_stays_dead(org: Org) -> None:
    user = org.phuxuan_head
    token, secret = issue(user)
    expired, _ = issue(user, days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=clock.now() - datetime.timedelta(days=1))
    user.is_active = False
    user.save()
    assert not works(secret)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert [e.summary for e in revocations(token)] == [REASON_DEACTIVATED]
    # Taking the person back does not bring old tokens back.
    user.is_active = True
    user.save()
    assert not works(secret)
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    # A save of an inactive person with nothing left to revoke journals nothing more.
    user.is_active = False
    user.save()
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 2


def test_deactivating_in_the_admin_revokes_the_tokens(org: Org, superuser_client: Client) -> None:
    user = org.phuxuan_head
    token, secret = issue(user)
    # The change form with "active" unticked (an unticked box is simply absent from the post).
    response = superuser_client.post(
        f"/quan-tri/accounts/user/{user.pk}/change/",
        {"username": user.username, "full_name": user.full_name, "email": "", "phone": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=user.pk).is_active is False
    assert not works(secret)
    assert [e.summary for e in revocations(token)] == [REASON_DEACTIVATED]


# --- expiry -----------------------------------------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    token, secret = issue(org.phuxuan_head)
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - datetime.timedelta(days=settings.SAURO_API_TOKEN_DAYS)) < datetime.timedelta(seconds=1)
    assert settings.SAURO_API_TOKEN_DAYS == 90
    assert works(secret)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + datetime.timedelta(days=89, hours=23))
    assert works(secret)
    monkeypatch.setattr(clock, "now", lambda: start + datetime.timedelta(days=90, minutes=1))
    assert not works(secret)
    token.refresh_from_db()
    assert not token.is_active


def test_an_expired_token_is_refused(org: Org) -> None:
    token, secret = issue(org.phuxuan_head, days=7)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() - datetime.timedelta(seconds=1))
    response = Client().get(ME_URL, **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_the_days_are_configurable_and_the_creator_may_choose_fewer(org: Org, settings: Any) -> None:
    settings.SAURO_API_TOKEN_DAYS = 30
    client = Client()
    body = {"username": "phuxuan", "password": PASSWORD}
    for days, expected in ((None, 30), (7, 7), (30, 30)):
        payload = body if days is None else {**body, "days": days}
        issued = client.post(TOKEN_URL, json.dumps(payload), content_type="application/json").json()
        lifetime = datetime.datetime.fromisoformat(issued["expires_at"]) - clock.now()
        assert datetime.timedelta(days=expected, seconds=-5) < lifetime <= datetime.timedelta(days=expected)
    too_long = client.post(TOKEN_URL, json.dumps({**body, "days": 31}), content_type="application/json")
    assert too_long.status_code == 422
    message = ERR_LIFETIME_DAYS.format(longest=30)
    assert too_long.json() == {"code": "validation_error", "message": message, "fields": {"days": message}}
    zero = client.post(TOKEN_URL, json.dumps({**body, "days": 0}), content_type="application/json")
    assert zero.status_code == 422
    assert set(zero.json()["fields"]) == {"days"}


# --- read-only tokens -------------------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_may_not_write(org: Org) -> None:
    response = Client().post(
        TOKEN_URL,
        json.dumps({"username": "phuxuan", "password": PASSWORD, "scope": "read"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "read"
    headers = bearer(response.json()["token"])
    spare, _ = issue(org.phuxuan_head)
    client = Client()
    assert client.get(ME_URL, **headers).status_code == 200
    assert client.get(TOKENS_URL, **headers).status_code == 200
    writes = [
        ("POST", f"{TOKENS_URL}/{spare.pk}/revoke", b""),
        ("PATCH", "/api/v1/tasks/1", json.dumps({"title": "Sửa", "version": 1}).encode()),
        ("DELETE", TOKEN_URL, b""),
    ]
    for method, url, body in writes:
        response = client.generic(method, url, body, content_type="application/json", **headers)
        assert response.status_code == 403, (method, url, response.content)
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"code": "read_only_token", "message": str(ERR_READ_ONLY_TOKEN), "fields": {}}
    spare.refresh_from_db()
    assert spare.revoked_at is None


def test_a_read_write_token_writes(org: Org) -> None:
    token, secret = issue(org.phuxuan_head, scope=TokenScope.WRITE)
    spare, _ = issue(org.phuxuan_head)
    response = Client().post(f"{TOKENS_URL}/{spare.pk}/revoke", **bearer(secret))
    assert response.status_code == 200
    assert token.scope == "write"


# --- last use and expiry, wherever tokens are listed ------------------------------------------------------------


def test_last_use_is_recorded_and_listed_with_the_expiry(org: Org) -> None:
    token, secret = issue(org.phuxuan_head, name="Một cửa", days=10, scope=TokenScope.READ)
    assert token.last_used_at is None
    listed = Client().get(TOKENS_URL, **bearer(secret)).json()
    token.refresh_from_db()
    assert token.last_used_at is not None
    [row] = listed
    assert row["last_used_at"] is not None
    # (The API's times are to the millisecond.)
    ms = datetime.timedelta(milliseconds=1)
    assert abs(datetime.datetime.fromisoformat(row["last_used_at"]) - token.last_used_at) < ms
    assert abs(datetime.datetime.fromisoformat(row["expires_at"]) - token.expires_at) < ms
    assert row["scope"] == "read"
    assert row["is_active"] is True


def test_the_admin_list_shows_last_use_and_expiry(org: Org, superuser_client: Client) -> None:
    _, secret = issue(org.phuxuan_head, name="Một cửa")
    works(secret)
    html = superuser_client.get("/quan-tri/accounts/apitoken/").content.decode()
    for header in ("Dùng lần cuối", "Hết hạn lúc", "Quyền"):
        assert header.lower() in html.lower(), header
    assert "Đọc và ghi" in html
