"""Single sign-on with OpenID Connect (issue 21, point 2), against a real provider in a second process
(tests/identity/oidc.py): discovery, the code flow with PKCE, the ID token checked, claims → account and memberships,
logout at the provider too."""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.identity.models import OidcAccount
from sauro.org.choices import Role
from sauro.org.models import Membership
from tests.conftest import Org
from tests.identity import oidc
from tests.identity.conftest import TEST_SERVER, configure_sso

PW = "mat-khau-o-nha-cung-cap"


def _person(provider: oidc.Provider, name: str, groups: list[str] | None = None) -> oidc.Browser:
    username = "sso" + uuid.uuid4().hex[:8]
    provider.add_person(username, PW, name, f"{username}@hue.gov.vn", groups or [])
    return oidc.Browser(username, PW)


def _sso_login(client: Client, browser: oidc.Browser, nxt: str = "") -> str:
    """The whole round: Sáu Rõ sends the browser to the provider, the person logs in there, the provider sends the
    browser back with a code, Sáu Rõ exchanges it. Returns where Sáu Rõ sends the browser at the end."""
    start = reverse("identity:sso_start") + (f"?next={nxt}" if nxt else "")
    response = client.get(start)
    assert response.status_code == 302
    back = browser.authorize(response["Location"])
    assert back.startswith(f"{TEST_SERVER}/dang-nhap/mot-lan/xong/?")
    done = client.get(back.removeprefix(TEST_SERVER))
    assert done.status_code == 302
    return str(done["Location"])


def test_the_authorization_request_uses_discovery_pkce_state_and_nonce(
    db: None, settings: Settings, provider: oidc.Provider
) -> None:
    configure_sso(settings, provider)
    response = Client().get(reverse("identity:sso_start"))
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize/"  # from the discovery document
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0].split()


def test_first_login_creates_the_account_from_the_claims_with_the_groups_memberships(
    org: Org, settings: Settings, provider: oidc.Provider
) -> None:
    configure_sso(
        settings,
        provider,
        SAURO_OIDC_GROUPS=json.dumps({"phuxuan-chuyen-vien": {"unit": "P-PHUXUAN", "role": Role.OFFICER}}),
    )
    browser = _person(provider, "Lê Thị Một Lần", ["phuxuan-chuyen-vien", "nhom-khac"])
    client = Client()

    assert _sso_login(client, browser) == reverse("home")

    user = User.objects.get(username=browser.username)
    assert user.full_name == "Lê Thị Một Lần"
    assert user.email == f"{browser.username}@hue.gov.vn"
    assert not user.has_usable_password()
    assert OidcAccount.objects.get(user=user).issuer == provider.issuer
    assert client.session["_auth_user_id"] == str(user.pk)
    assert {(m.unit.code, m.role) for m in Membership.objects.filter(person=user).select_related("unit")} == {
        ("P-PHUXUAN", Role.OFFICER)
    }
    assert AuditEntry.objects.filter(action="identity.sso_account", object_id=str(user.pk)).exists()
    assert client.get(reverse("home")).status_code == 200


def test_the_same_person_comes_back_to_the_same_account_and_next_is_kept(
    org: Org, settings: Settings, provider: oidc.Provider
) -> None:
    configure_sso(settings, provider)
    browser = _person(provider, "Trần Văn Trở Lại")
    _sso_login(Client(), browser)
    tree = reverse("org:unit_tree")

    assert _sso_login(Client(), browser, nxt=tree) == tree
    assert OidcAccount.objects.filter(user__username=browser.username).count() == 1
    assert browser.logins == 1  # the provider's own session served the second round


def test_a_local_account_of_the_same_name_is_not_taken_over(
    org: Org, settings: Settings, provider: oidc.Provider
) -> None:
    configure_sso(settings, provider)
    provider.add_person("phuxuan", PW, "Người Mạo Danh", "mao.danh@example.com", [])  # the fixture's ward head
    client = Client()

    assert _sso_login(client, oidc.Browser("phuxuan", PW)) == reverse("login")

    assert "_auth_user_id" not in client.session
    html = client.get(reverse("login")).content.decode()
    assert "đã có tài khoản riêng trong Sáu Rõ" in html
    assert not OidcAccount.objects.filter(user__username="phuxuan").exists()


def test_a_forged_callback_is_refused(db: None, settings: Settings, provider: oidc.Provider) -> None:
    configure_sso(settings, provider)
    client = Client()
    response = client.get(reverse("identity:sso_callback") + "?code=gia-mao&state=khong-co")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Không đăng nhập được qua hệ thống đăng nhập một lần" in client.get(reverse("login")).content.decode()


def test_a_disabled_account_cannot_come_in_through_the_provider(
    org: Org, settings: Settings, provider: oidc.Provider
) -> None:
    configure_sso(settings, provider)
    browser = _person(provider, "Hồ Thị Đã Khóa")
    _sso_login(Client(), browser)
    User.objects.filter(username=browser.username).update(is_active=False)

    client = Client()
    assert _sso_login(client, browser) == reverse("login")
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session_at_the_provider_too(org: Org, settings: Settings, provider: oidc.Provider) -> None:
    configure_sso(settings, provider)
    browser = _person(provider, "Võ Văn Đăng Xuất")
    client = Client()
    _sso_login(client, browser)

    response = client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{provider.issuer}/logout/"
    assert parse_qs(end.query)["id_token_hint"][0]
    at_provider = browser.visit(response["Location"])  # the browser follows: the provider ends its session
    assert at_provider.status_code == 302 and at_provider.headers["Location"] == f"{TEST_SERVER}/dang-nhap/"
    _sso_login(Client(), browser)
    assert browser.logins == 2  # the provider asked for the password again


def test_the_login_page_offers_single_sign_on_only_when_configured(
    db: None, settings: Settings, provider: oidc.Provider
) -> None:
    settings.SAURO_OIDC_DISCOVERY_URL = ""
    assert reverse("identity:sso_start") not in Client().get(reverse("login")).content.decode()
    assert Client().get(reverse("identity:sso_start")).status_code == 404
    configure_sso(settings, provider)
    html = Client().get(reverse("login")).content.decode()
    assert reverse("identity:sso_start") in html
    assert "Đăng nhập một lần" in html
