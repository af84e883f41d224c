"""Login throttling with django-axes, through the real login form (sauro/accounts/throttling.py).

AXES_FAILURE_LIMIT wrong passwords for one user name from one address lock that name *from that address*: the
same name from elsewhere and other names from that address still log in (an office behind one NAT is not locked
out by one colleague, and nobody can lock someone else's account from their own machine). An address that fails
SAURO_LOGIN_ADDRESS_FAILURE_LIMIT times, whatever the names, is locked for everyone (password spraying). A locked
login gets the lockout page with AXES_HTTP_RESPONSE_CODE (429), even with the right password, and logs nobody in.
The owner of a locked name is told, once, in the app and by e-mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory

from sauro.accounts.models import User
from sauro.accounts.throttling import client_address
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from tests.conftest import PASSWORD, Org

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN_PATH = "/dang-nhap/"
ADDRESS = "203.0.113.10"
OTHER_ADDRESS = "198.51.100.20"
WRONG = "khong-phai-mat-khau"
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _clean_axes(db: None) -> Iterator[None]:
    reset()
    yield
    reset()


def login(client: Client, username: str, password: str, address: str = ADDRESS, **extra: Any) -> TestResponse:
    return client.post(LOGIN_PATH, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def assert_logged_in(client: Client, response: TestResponse) -> None:
    assert response.status_code == 302, response.status_code
    assert "_auth_user_id" in client.session


def assert_locked_out(client: Client, response: TestResponse) -> None:
    assert response.status_code == getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429) == 429
    assert "_auth_user_id" not in client.session
    assert response.get("Content-Security-Policy"), "the lockout page carries the security headers too"
    assert [t.name for t in response.templates if t.name == settings.AXES_LOCKOUT_TEMPLATE]


def lock(username: str = "phuxuan", address: str = ADDRESS) -> None:
    """AXES_FAILURE_LIMIT wrong passwords for ``username`` from ``address``: the last one is answered locked."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, username, WRONG, address).status_code == 200
    assert_locked_out(client, login(client, username, WRONG, address))


def test_settings() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "sauro.accounts.throttling.SauroAxesHandler"
    assert settings.SAURO_LOGIN_ADDRESS_FAILURE_LIMIT == 50
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


def test_failures_lock_the_name_from_that_address_even_with_the_right_password(org: Org) -> None:
    lock("phuxuan")
    client = Client()
    assert_locked_out(client, login(client, "phuxuan", PASSWORD))
    html = login(client, "phuxuan", PASSWORD).content.decode()
    assert "từ địa chỉ truy cập của bạn" in html


def test_a_colleague_behind_the_same_address_still_logs_in(org: Org) -> None:
    """One colleague's typos do not lock the whole office out (issue 16, point 4)."""
    lock("phuxuan")
    colleague = Client()
    assert_logged_in(colleague, login(colleague, "ancuu", PASSWORD))
    # And the locked name is still locked from there.
    assert_locked_out(Client(), login(Client(), "phuxuan", PASSWORD))


def test_the_owner_logs_in_from_another_address(org: Org) -> None:
    """A stranger guessing at a name locks only themselves out, not the account's owner."""
    lock("phuxuan", address=ADDRESS)
    owner = Client()
    assert_logged_in(owner, login(owner, "phuxuan", PASSWORD, address=OTHER_ADDRESS))


def test_an_address_spraying_many_names_is_locked_for_everyone(org: Org) -> None:
    limit = settings.SAURO_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > 5 * settings.AXES_FAILURE_LIMIT, "the ceiling per address is much softer than per name"
    sprayer = Client()
    # Below the ceiling: one failure for each of many names, and people behind the address still log in.
    for n in range(limit - 1):
        assert login(sprayer, f"ten-{n}", WRONG).status_code == 200
    colleague = Client()
    assert_logged_in(colleague, login(colleague, "ancuu", PASSWORD))
    colleague.logout()
    # The failure that reaches the ceiling is answered locked, and then every name from the address is refused.
    response = login(sprayer, "ten-cuoi", WRONG)
    assert_locked_out(sprayer, response)
    assert "mọi lần đăng nhập từ địa chỉ này" in response.content.decode()
    assert_locked_out(colleague, login(colleague, "ancuu", PASSWORD))
    assert_locked_out(colleague, login(colleague, "bithu", PASSWORD))
    # From elsewhere, the same people log in.
    other = Client()
    assert_logged_in(other, login(other, "ancuu", PASSWORD, address=OTHER_ADDRESS))


def test_the_ceiling_per_address_is_configurable_and_a_success_does_not_clear_it(org: Org, settings: Any) -> None:
    settings.SAURO_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    sprayer = Client()
    for n in range(7):
        assert login(sprayer, f"ten-{n}", WRONG).status_code == 200
    # The sprayer's own account logs in: that clears its own pair only, not the address's other failures.
    assert_logged_in(sprayer, login(sprayer, "phuxuan", PASSWORD))
    sprayer.logout()
    assert_locked_out(sprayer, login(sprayer, "ten-7", WRONG))
    assert_locked_out(sprayer, login(sprayer, "phuxuan", PASSWORD))


def test_the_owner_is_told_once_in_the_app_and_by_email(
    org: Org, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND, "QUEUES": ["default"]}}
    User.objects.filter(pk=org.phuxuan_head.pk).update(email="phuxuan@hue.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        lock("phuxuan")
        # Further attempts while locked tell nobody again.
        login(Client(), "phuxuan", WRONG)
        login(Client(), "phuxuan", PASSWORD)
    notices = list(Notification.objects.filter(kind=NotificationKind.LOGIN_LOCKED))
    assert [n.recipient_id for n in notices] == [org.phuxuan_head.pk]
    notice = notices[0]
    assert notice.title == f"Tài khoản “phuxuan” bị tạm khóa đăng nhập từ địa chỉ {ADDRESS}"
    assert f"{settings.AXES_FAILURE_LIMIT} lần đăng nhập sai mật khẩu" in notice.body
    assert "đổi mật khẩu" in notice.body
    assert [m.to for m in mail.outbox] == [["phuxuan@hue.gov.vn"]]
    assert ADDRESS in mail.outbox[0].subject
    # Nobody else was told anything, and a name nobody owns tells nobody.
    lock("khong-ton-tai")
    assert Notification.objects.filter(kind=NotificationKind.LOGIN_LOCKED).count() == 1


def test_reset_unlocks(org: Org) -> None:
    lock("phuxuan")
    client = Client()
    assert_locked_out(client, login(client, "phuxuan", PASSWORD))
    reset(username="phuxuan")
    assert_logged_in(client, login(client, "phuxuan", PASSWORD))


# --- the client's address behind reverse proxies ------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None) -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post(LOGIN_PATH, REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_forwarded_header_is_ignored(settings: Any) -> None:
    settings.SAURO_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.10", "10.0.0.1")) == "203.0.113.10"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.10", "203.0.113.10"),
        # What the client wrote itself stands left of what the proxy appended: ignored.
        (1, "10.9.9.9, 203.0.113.10", "203.0.113.10"),
        (2, "10.9.9.9, 203.0.113.10, 172.16.0.2", "203.0.113.10"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        # Not through all the proxies, or not an address: the connection's own address.
        (2, "203.0.113.10", "192.168.1.5"),
        (1, "", "192.168.1.5"),
        (1, "khong-phai-dia-chi", "192.168.1.5"),
    ],
)
def test_behind_trusted_proxies_the_address_they_saw(settings: Any, count: int, forwarded: str, expected: str) -> None:
    settings.SAURO_PROXY_COUNT = count
    assert client_address(request_from("192.168.1.5", forwarded)) == expected


def test_behind_a_proxy_people_are_throttled_by_their_own_address(org: Org, settings: Any) -> None:
    """All requests come from the proxy's address; each person is counted at the address the proxy saw."""
    settings.SAURO_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "phuxuan", WRONG, address=proxy, HTTP_X_FORWARDED_FOR=ADDRESS)
    assert_locked_out(client, login(client, "phuxuan", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ADDRESS))
    assert AccessAttempt.objects.get().ip_address == ADDRESS
    owner = Client()
    assert_logged_in(owner, login(owner, "phuxuan", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OTHER_ADDRESS))
