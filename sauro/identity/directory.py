"""Login through the agency's directory (LDAP / Active Directory), with django-python3-ldap (issue 21, point 1).

The library binds as the person (StartTLS first when configured), searches the person's entry and creates or
updates the local account from its attributes; ``sync_user_relations`` (called by the library inside that login)
then does what is ours:

- the entry matched by ``SAURO_LDAP_DISABLED_FILTER`` (an OpenLDAP lock, ``pwdAccountLockedTime``; for Active
  Directory the ``userAccountControl`` bit) is a disabled person: the local account is disabled and the login refused;
- the person's groups (``groupOfNames`` under ``SAURO_LDAP_GROUP_BASE`` naming the entry as ``member``) mapped by
  ``SAURO_LDAP_GROUPS`` become memberships of units with a role (``org.services``); a membership the mapping gave
  and the directory no longer does ends the day before (history keeps it);
- the account remembers its directory entry (``DirectoryAccount``), so ``sauro directory sync`` can disable the
  accounts whose entries were removed or disabled, without waiting for a login that will never come.

Every change is journalled. Local accounts (the demo's, an administrator's) keep logging in with their passwords.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ldap3
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_python3_ldap import ldap
from django_python3_ldap.auth import LDAPBackend
from ldap3.core.exceptions import LDAPException, LDAPNoSuchObjectResult
from ldap3.utils.conv import escape_filter_chars

from sauro.accounts.models import User
from sauro.accounts.services import api_tokens_revoke_all
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.identity.memberships import Grant, grant_table, memberships_sync
from sauro.identity.models import DirectoryAccount

logger = logging.getLogger(__name__)


def grants() -> dict[str, Grant]:
    """``SAURO_LDAP_GROUPS``: group DN (lower case) → grant."""
    return grant_table(getattr(settings, "SAURO_LDAP_GROUPS", {}))


class DirectoryBackend(LDAPBackend):
    """django-python3-ldap's backend that refuses an account disabled here or in the directory."""

    def authenticate(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> User | None:
        try:
            user = super().authenticate(request, *args, **kwargs)
        except LDAPException as exc:
            # The library lets some failures out (a TLS handshake refused, then its unbind on the dead socket): the
            # login page says "wrong name or password" as for any refusal, and the log says why.
            logger.warning("Directory login failed: %s", exc)
            return None
        if user is None or not user.is_active:
            return None
        return user


def clean_user_data(fields: dict[str, Any]) -> dict[str, Any]:
    """The account's fields from the entry: the login name as typed in the directory, a name, an address."""
    cleaned = {k: (str(v).strip() if v is not None else "") for k, v in fields.items()}
    if not cleaned.get("full_name"):
        cleaned["full_name"] = cleaned.get("username", "")
    return cleaned


def _is_disabled(connection: ldap3.Connection, dn: str) -> bool:
    flt = getattr(settings, "SAURO_LDAP_DISABLED_FILTER", "")
    if not flt or not dn:
        return False
    connection.search(search_base=dn, search_filter=flt, search_scope=ldap3.BASE, attributes=[ldap3.NO_ATTRIBUTES])
    return any(e.get("type") == "searchResEntry" for e in connection.response or [])


def _groups_of(connection: ldap3.Connection, dn: str) -> set[str]:
    base = getattr(settings, "SAURO_LDAP_GROUP_BASE", "")
    if not base or not dn:
        return set()
    connection.search(
        search_base=base,
        search_filter=f"(&(objectClass=groupOfNames)(member={escape_filter_chars(dn)}))",
        search_scope=ldap3.SUBTREE,
        attributes=[ldap3.NO_ATTRIBUTES],
    )
    return {str(e["dn"]).strip().lower() for e in connection.response or [] if e.get("type") == "searchResEntry"}


def sync_user_relations(user: User, attributes: Mapping[str, Any], *, connection: ldap3.Connection, dn: str) -> None:
    """Called by django-python3-ldap for every login (and ``sauro directory sync``): see the module's text."""
    del attributes
    disabled = _is_disabled(connection, dn)
    groups = set() if disabled else _groups_of(connection, dn)
    directory_account_sync(user=user, dn=dn, disabled=disabled, groups=groups)


@transaction.atomic
def directory_account_sync(*, user: User, dn: str, disabled: bool, groups: set[str]) -> None:
    """Bring the account in line with its directory entry: the entry's DN, disabled or not, the memberships the
    mapped groups give. Journalled when anything changes."""
    account, created = DirectoryAccount.objects.select_for_update().get_or_create(user=user, defaults={"dn": dn})
    if created:
        audit_record(acting_user=None, action="identity.directory_account", obj=user, after={"dn": dn})
    elif account.dn != dn:
        audit_record(
            acting_user=None, action="identity.directory_dn", obj=user, before={"dn": account.dn}, after={"dn": dn}
        )
        account.dn = dn
    account.synced_at = clock.now()
    account.save()
    if disabled:
        directory_account_disable(user=user, reason="Tài khoản đã bị khóa trong danh bạ của cơ quan.")
        return
    memberships_sync(user=user, table=grants(), groups=groups)


def directory_account_disable(*, user: User, reason: str) -> bool:
    """Disable a directory account (the directory removed or locked its entry): no login, no token. True when it
    was active."""
    if not user.is_active:
        return False
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        api_tokens_revoke_all(acting_user=None, user=locked, reason=reason)
        audit_record(
            acting_user=None,
            action="identity.directory_disable",
            obj=locked,
            summary=reason,
            before={"is_active": True},
            after={"is_active": False},
        )
    user.is_active = False
    return True


@dataclass
class SyncResult:
    checked: int = 0
    disabled: int = 0
    missing: int = 0


def directory_sync() -> SyncResult:
    """Every account that came from the directory, checked against it with the service account
    (``SAURO_LDAP_BIND_USERNAME``): removed or disabled entries disable their accounts, groups move memberships.
    Raises ``ConnectionError`` when the directory cannot be reached (nothing is disabled then)."""
    result = SyncResult()
    with ldap.connection() as c:
        if c is None:
            raise ConnectionError("Không kết nối được tới máy chủ danh bạ (LDAP).")
        conn: ldap3.Connection = c._connection
        for account in DirectoryAccount.objects.select_related("user").order_by("pk"):
            result.checked += 1
            try:
                conn.search(search_base=account.dn, search_filter="(objectClass=*)", search_scope=ldap3.BASE)
            except LDAPNoSuchObjectResult:
                found = False
            else:
                found = any(e.get("type") == "searchResEntry" for e in conn.response or [])
            if not found:
                result.missing += 1
                if directory_account_disable(
                    user=account.user, reason="Tài khoản không còn trong danh bạ của cơ quan."
                ):
                    result.disabled += 1
                continue
            was_active = account.user.is_active
            sync_user_relations(account.user, {}, connection=conn, dn=account.dn)
            if was_active and not account.user.is_active:
                result.disabled += 1
    return result


def directory_daily_sync() -> dict[str, int | str] | None:
    """The daily pass's step (``daily.jobs.run_daily_pass``): ``directory_sync`` when a directory is configured
    (``None`` when not). A directory that cannot be reached is logged and reported, not raised: the rest of the day's
    pass (reminders, digests) must not wait for it, and tomorrow's pass tries again."""
    if not getattr(settings, "LDAP_AUTH_URL", None):
        return None
    try:
        result = directory_sync()
    except ConnectionError as exc:
        logger.error("Đồng bộ danh bạ hằng ngày không chạy được: %s", exc)
        return {"error": str(exc)}
    return {"checked": result.checked, "missing": result.missing, "disabled": result.disabled}
