"""The directory's settings, read from the environment (docs/identity.md): ``directory_settings(os.environ)`` gives
what ``sauro.settings`` adds when ``SAURO_LDAP_URL`` is set, and nothing when it is not (the demo: local accounts)."""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from typing import Any

DIRECTORY_BACKEND = "sauro.identity.directory.DirectoryBackend"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def directory_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The django-python3-ldap settings and ours, or ``{}`` without ``SAURO_LDAP_URL``.

    ``SAURO_LDAP_GROUPS`` is JSON: a group's DN → ``{"unit": "<unit code>", "role": "<role>", "position": "…"}``;
    a person in a listed group holds that membership, and loses it when taken out of the group."""
    url = env.get("SAURO_LDAP_URL", "").strip()
    if not url:
        return {}
    tls_args: dict[str, Any] = {"validate": ssl.CERT_REQUIRED}
    if env.get("SAURO_LDAP_CA_FILE"):
        tls_args["ca_certs_file"] = env["SAURO_LDAP_CA_FILE"]
    groups = json.loads(env.get("SAURO_LDAP_GROUPS", "{}") or "{}")
    if not isinstance(groups, dict):
        raise ValueError("SAURO_LDAP_GROUPS must be a JSON object: group DN → {unit, role, position}")
    return {
        "LDAP_AUTH_URL": [u.strip() for u in url.split(",") if u.strip()],
        "LDAP_AUTH_USE_TLS": _flag(env.get("SAURO_LDAP_START_TLS", "true")),
        "LDAP_AUTH_TLS_VERSION": ssl.PROTOCOL_TLS_CLIENT,
        "LDAP_AUTH_TLS_ARGS": tls_args,
        "LDAP_AUTH_SEARCH_BASE": env.get("SAURO_LDAP_USER_BASE", ""),
        "LDAP_AUTH_OBJECT_CLASS": env.get("SAURO_LDAP_USER_CLASS", "inetOrgPerson"),
        "LDAP_AUTH_USER_FIELDS": {
            "username": env.get("SAURO_LDAP_ATTR_USERNAME", "uid"),
            "full_name": env.get("SAURO_LDAP_ATTR_FULL_NAME", "cn"),
            "email": env.get("SAURO_LDAP_ATTR_EMAIL", "mail"),
        },
        "LDAP_AUTH_USER_LOOKUP_FIELDS": ("username",),
        "LDAP_AUTH_CLEAN_USER_DATA": "sauro.identity.directory.clean_user_data",
        "LDAP_AUTH_SYNC_USER_RELATIONS": "sauro.identity.directory.sync_user_relations",
        "LDAP_AUTH_FORMAT_USERNAME": env.get(
            "SAURO_LDAP_FORMAT_USERNAME", "django_python3_ldap.utils.format_username_openldap"
        ),
        "LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN": env.get("SAURO_LDAP_AD_DOMAIN") or None,
        "LDAP_AUTH_CONNECTION_USERNAME": env.get("SAURO_LDAP_BIND_USERNAME") or None,
        "LDAP_AUTH_CONNECTION_PASSWORD": env.get("SAURO_LDAP_BIND_PASSWORD") or None,
        "LDAP_AUTH_CONNECT_TIMEOUT": 5,
        "LDAP_AUTH_RECEIVE_TIMEOUT": 10,
        # The library's default (True) makes its server pool try the servers again and again until one answers: a
        # directory that is down would hang every directory login and the daily sync. One round over the servers,
        # then the login is refused (local accounts still log in) and the sync reports the directory unreachable.
        "LDAP_AUTH_POOL_ACTIVE": 1,
        "SAURO_LDAP_GROUP_BASE": env.get("SAURO_LDAP_GROUP_BASE", ""),
        "SAURO_LDAP_GROUPS": groups,
        "SAURO_LDAP_DISABLED_FILTER": env.get("SAURO_LDAP_DISABLED_FILTER", "(pwdAccountLockedTime=*)"),
    }


def sso_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Single sign-on (OpenID Connect): always defined, off while ``SAURO_OIDC_DISCOVERY_URL`` is empty."""
    groups = json.loads(env.get("SAURO_OIDC_GROUPS", "{}") or "{}")
    if not isinstance(groups, dict):
        raise ValueError("SAURO_OIDC_GROUPS must be a JSON object: group → {unit, role, position}")
    return {
        "SAURO_OIDC_DISCOVERY_URL": env.get("SAURO_OIDC_DISCOVERY_URL", "").strip(),
        "SAURO_OIDC_CLIENT_ID": env.get("SAURO_OIDC_CLIENT_ID", ""),
        "SAURO_OIDC_CLIENT_SECRET": env.get("SAURO_OIDC_CLIENT_SECRET", ""),
        "SAURO_OIDC_SCOPES": env.get("SAURO_OIDC_SCOPES", "openid profile email"),
        "SAURO_OIDC_GROUPS_CLAIM": env.get("SAURO_OIDC_GROUPS_CLAIM", "groups"),
        "SAURO_OIDC_GROUPS": groups,
        "SAURO_OIDC_LABEL": env.get("SAURO_OIDC_LABEL", "Đăng nhập một lần (tài khoản của cơ quan)"),
    }


def two_factor_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Two factors: the roles that must use them (``admin`` also covers staff accounts), how long a trusted device
    is remembered, the passkeys' relying party."""
    roles = env.get("SAURO_2FA_ROLES", "leader,inspector,admin")
    return {
        "SAURO_2FA_ROLES": tuple(r.strip() for r in roles.split(",") if r.strip()),
        "SAURO_2FA_REMEMBER_DAYS": int(env.get("SAURO_2FA_REMEMBER_DAYS", "30")),
        "SAURO_WEBAUTHN_RP_ID": env.get("SAURO_WEBAUTHN_RP_ID", "").strip(),
        "SAURO_WEBAUTHN_RP_NAME": env.get("SAURO_WEBAUTHN_RP_NAME", "Sáu Rõ"),
    }
