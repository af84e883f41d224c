"""A real OpenLDAP server for the directory tests (tests/identity/slapd.py), one per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from sauro.identity.settings import DIRECTORY_BACKEND, directory_settings, sso_settings
from tests.identity import oidc, slapd


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[slapd.Directory]:
    if not slapd.SLAPD.exists():
        reason = f"slapd not found at {slapd.SLAPD} (install it with: apt-get install -y slapd ldap-utils)"
        if _in_ci():
            pytest.fail(f"{reason}; under CI=true the directory tests must run", pytrace=False)
        pytest.skip(reason)
    yield from slapd.start(tmp_path_factory.mktemp("slapd"))


def configure(settings: Settings, directory: slapd.Directory, **env: str) -> None:
    """The settings ``sauro.settings`` derives from the environment, for this server (``env`` overrides)."""
    values = {
        "SAURO_LDAP_URL": directory.url,
        "SAURO_LDAP_CA_FILE": str(directory.ca_file),
        "SAURO_LDAP_USER_BASE": slapd.PEOPLE,
        "SAURO_LDAP_GROUP_BASE": slapd.GROUPS,
        "SAURO_LDAP_BIND_USERNAME": "sauro-sync",
        "SAURO_LDAP_BIND_PASSWORD": slapd.SERVICE_PW,
        **env,
    }
    for name, value in directory_settings(values).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, DIRECTORY_BACKEND]


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[oidc.Provider]:
    """A real OpenID provider (django-oauth-toolkit) in a second process, with Sáu Rõ registered as its client."""
    provider = oidc.start(tmp_path_factory.mktemp("oidc"))
    running = next(provider)
    running.add_client(CLIENT_ID, CLIENT_SECRET, f"{TEST_SERVER}/dang-nhap/mot-lan/xong/", f"{TEST_SERVER}/dang-nhap/")
    yield running
    next(provider, None)


CLIENT_ID = "sauro-test"
CLIENT_SECRET = "bi-mat-cua-ung-dung-thu-nghiem"
TEST_SERVER = "http://testserver"


def configure_sso(settings: Settings, provider: oidc.Provider, **env: str) -> None:
    values = {
        "SAURO_OIDC_DISCOVERY_URL": provider.discovery_url,
        "SAURO_OIDC_CLIENT_ID": CLIENT_ID,
        "SAURO_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "SAURO_OIDC_SCOPES": "openid profile email",
        **env,
    }
    for name, value in sso_settings(values).items():
        setattr(settings, name, value)
