"""Login throttling with django-axes, through the real login form.

AXES_FAILURE_LIMIT wrong passwords lock the account (whatever the address) and, separately, the address
(whatever the account). A locked login gets the lockout page with AXES_HTTP_RESPONSE_CODE (429), even with
the right password, and logs nobody in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD, Org

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN_PATH = "/dang-nhap/"
ADDRESS = "203.0.113.10"
OTHER_ADDRESS = "198.51.100.20"
WRONG = "khong-phai-mat-khau"


@pytest.fixture(autouse=True)
def _clean_axes(db: None) -> Iterator[None]:
    reset()
    yield
    reset()


def login(client: Client, username: str, password: str, address: str = ADDRESS) -> TestResponse:
    return client.post(LOGIN_PATH, {"username": username, "password": password}, REMOTE_ADDR=address)


def assert_logged_in(client: Client, response: TestResponse) -> None:
    assert response.status_code == 302, response.status_code
    assert "_auth_user_id" in client.session


def assert_locked_out(client: Client, response: TestResponse) -> None:
    assert response.status_code == getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429) == 429
    assert "_auth_user_id" not in client.session
    assert response.get("Content-Security-Policy"), "the lockout page carries the security headers too"
    assert [t.name for t in response.templates if t.name == settings.AXES_LOCKOUT_TEMPLATE]


def test_settings() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_wrong_password_is_refused_on_the_form(org: Org) -> None:
    client = Client()
    response = login(client, "phuxuan", WRONG)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="phuxuan", failures_since_start=1).exists()


def test_fewer_failures_than_the_limit_do_not_lock(org: Org) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "phuxuan", WRONG).status_code == 200
    assert_logged_in(client, login(client, "phuxuan", PASSWORD))


def test_success_resets_the_count(org: Org) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "phuxuan", WRONG)
    assert_logged_in(client, login(client, "phuxuan", PASSWORD))
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "phuxuan", WRONG).status_code == 200
    assert_logged_in(client, login(client, "phuxuan", PASSWORD))


def test_failures_lock_the_account_even_with_the_right_password(org: Org) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "phuxuan", WRONG).status_code == 200
    assert_locked_out(client, login(client, "phuxuan", WRONG))
    assert_locked_out(client, login(client, "phuxuan", PASSWORD))
    # The account is locked from anywhere, not just from the address that guessed.
    other = Client()
    assert_locked_out(other, login(other, "phuxuan", PASSWORD, address=OTHER_ADDRESS))
    # Other people can still log in, from another address.
    assert_logged_in(other, login(other, "ancuu", PASSWORD, address=OTHER_ADDRESS))


def test_failures_over_many_accounts_lock_the_address(org: Org) -> None:
    client = Client()
    usernames = ["bithu", "vanphong", "bantochuc", "kiemtra", "ancuu", "khong-ton-tai"]
    for username in usernames[: settings.AXES_FAILURE_LIMIT - 1]:
        assert login(client, username, WRONG).status_code == 200
    # The failure that reaches the limit is itself answered with the lockout page.
    assert_locked_out(client, login(client, usernames[settings.AXES_FAILURE_LIMIT - 1], WRONG))
    # A sixth account, with its right password, from the same address: locked.
    assert_locked_out(client, login(client, "phuxuan", PASSWORD))
    # The same account from another address: no account has reached the limit, so it logs in.
    other = Client()
    assert_logged_in(other, login(other, "phuxuan", PASSWORD, address=OTHER_ADDRESS))


def test_reset_unlocks(org: Org) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "phuxuan", WRONG)
    assert_locked_out(client, login(client, "phuxuan", PASSWORD))
    reset(username="phuxuan")
    reset(ip=ADDRESS)
    assert_logged_in(client, login(client, "phuxuan", PASSWORD))
