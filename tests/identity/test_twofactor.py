"""Two factors (issue 21, point 3): required of the configured roles, an authenticator app's codes, recovery codes,
trusted devices, API tokens only after the second factor. Passkeys are exercised in a real browser
(e2e/test_two_factor_journey.py)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from sauro.accounts.models import ApiToken, User
from sauro.audit.models import AuditEntry
from sauro.identity import twofactor
from sauro.identity.models import RememberedDevice
from tests.conftest import PASSWORD, Org

ROLES = ("leader", "inspector", "admin")


@pytest.fixture(autouse=True)
def _two_factors(settings: Settings) -> None:
    settings.SAURO_2FA_ROLES = ROLES


def code(user: User, steps_ahead: int = 0) -> str:
    """The authenticator app's code now (or for a later 30-second step: a code is accepted once only)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    assert device is not None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(user: User) -> tuple[Client, list[str]]:
    """Log in and set up the authenticator app as a leader does the first time; returns the client and the codes."""
    client = login(user.username)
    page = client.get(reverse("identity:2fa_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("identity:2fa_setup"), {"device": device.pk, "code": code(user)})
    assert done.status_code == 200
    codes = list(done.context["codes"])
    return client, codes


def test_a_leader_is_sent_to_set_up_two_factors_before_any_page(org: Org) -> None:
    client = login("bithu")

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:2fa_setup"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thiết lập xác thực hai bước" in html and "<svg" in html  # the QR code, drawn here
    api = client.get("/api/v1/tasks/")
    assert api.status_code == 401 and api.json()["code"] == "second_factor_required"


def test_an_officer_is_not_asked_unless_the_role_is_configured(org: Org, settings: Settings) -> None:
    assert login("cv.ancuu").get(reverse("home")).status_code == 200
    settings.SAURO_2FA_ROLES = ("officer",)
    assert login("cv.ancuu").get(reverse("home"))["Location"].startswith(reverse("identity:2fa_setup"))


def test_enrolling_the_authenticator_app_shows_ten_recovery_codes_once_and_opens_the_pages(org: Org) -> None:
    client, codes = enrol(org.leader)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="identity.totp_enrol", object_id=str(org.leader.pk)).exists()
    assert twofactor.recovery_codes_left(org.leader) == 10


def test_the_next_login_asks_for_a_code_and_refuses_a_wrong_one(org: Org) -> None:
    enrol(org.leader)
    client = login("bithu")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("identity:2fa_verify"))

    wrong = client.post(reverse("identity:2fa_verify"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_repeated_wrong_codes_are_throttled(org: Org) -> None:
    enrol(org.leader)
    client = login("bithu")
    for _ in range(3):
        client.post(reverse("identity:2fa_verify"), {"code": "000000"})

    response = client.post(reverse("identity:2fa_verify"), {"code": code(org.leader, 1)})

    assert response.status_code == 400
    assert "Nhập sai quá nhiều lần" in response.content.decode()


def test_a_right_code_opens_the_session_and_can_be_used_once(org: Org) -> None:
    enrol(org.leader)
    client = login("bithu")
    fresh = code(org.leader, 1)

    response = client.post(reverse("identity:2fa_verify"), {"code": fresh, "next": reverse("org:unit_tree")})

    assert response.status_code == 302 and response["Location"] == reverse("org:unit_tree")
    assert client.get(reverse("home")).status_code == 200
    replay = login("bithu").post(reverse("identity:2fa_verify"), {"code": fresh})
    assert replay.status_code == 400


def test_a_recovery_code_works_once(org: Org) -> None:
    _, codes = enrol(org.leader)
    first = login("bithu")
    assert first.post(reverse("identity:2fa_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    assert twofactor.recovery_codes_left(org.leader) == 9
    assert AuditEntry.objects.filter(action="identity.recovery_code_used").exists()

    again = login("bithu")
    assert again.post(reverse("identity:2fa_verify"), {"code": codes[0]}).status_code == 400


def test_a_remembered_device_skips_the_code_until_revoked(org: Org) -> None:
    client, _ = enrol(org.leader)
    browser = login("bithu")
    answer = browser.post(reverse("identity:2fa_verify"), {"code": code(org.leader, 1), "remember": "on"})
    assert answer.status_code == 302
    cookie = answer.cookies[twofactor.COOKIE_NAME]
    assert cookie["httponly"] and cookie.value and "bithu" not in cookie.value

    browser.post(reverse("logout"))
    browser.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    assert browser.get(reverse("home")).status_code == 200  # no code asked on this browser

    other = login("bantochuc")  # the cookie is worth nothing for another person
    other.cookies[twofactor.COOKIE_NAME] = cookie.value
    assert other.get(reverse("home")).status_code == 200  # a unit head: not asked anyway
    device = RememberedDevice.objects.get(user=org.leader)
    page = client.get(reverse("identity:security"))
    assert page.status_code == 200 and "Thiết bị được ghi nhớ" in page.content.decode()
    client.post(reverse("identity:security"), {"action": "revoke_device", "id": device.pk})

    browser.post(reverse("logout"))
    browser.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    assert browser.get(reverse("home"))["Location"].startswith(reverse("identity:2fa_verify"))


def test_the_last_factor_of_a_leader_cannot_be_removed(org: Org) -> None:
    client, _ = enrol(org.leader)
    client.post(reverse("identity:security"), {"action": "remove_totp"})
    assert TOTPDevice.objects.filter(user=org.leader, confirmed=True).exists()
    assert twofactor.ERR_LAST_FACTOR in client.get(reverse("identity:security")).content.decode()


def _token(username: str, **extra: str) -> tuple[int, dict[str, object]]:
    response = Client().post(
        "/api/v1/auth/token",
        data={"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_api_tokens_are_issued_only_after_the_second_factor(org: Org) -> None:
    status, body = _token("bithu")
    assert status == 401 and body["code"] == "second_factor_required"  # no factor yet: set it up on the web first
    enrol(org.leader)
    status, body = _token("bithu")
    assert status == 401 and body["code"] == "second_factor_required"
    status, body = _token("bithu", otp="123456")
    assert status == 401
    time.sleep(1.2)  # a wrong code locks the factor for a second (twice as long after each further one)
    status, body = _token("bithu", otp=code(org.leader, 1))
    assert status == 201 and body["token"]
    assert ApiToken.objects.filter(user=org.leader).count() == 1
    status, body = _token("cv.ancuu")  # an officer: the password is enough
    assert status == 201, body
