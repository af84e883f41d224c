"""A real OpenLDAP server for the directory tests (tests/identity/slapd.py), one per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from sauro.identity.settings import DIRECTORY_BACKEND, directory_settings
from tests.identity import slapd


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
