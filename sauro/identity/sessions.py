"""One's own sessions (issue 21 point 4; docs/identity.md, "The security page").

Django's session table is not indexed by person, so every login writes a ``UserSession`` row naming the session's
key. The row follows the session:

- **login** (``user_logged_in``): written with the address and the User-Agent;
- **the key changes** (``SessionStore.cycle_key``: at login, after the second factor, when one's password is changed
  and the session kept): the row takes the new key in the same moment — this module is ``SESSION_ENGINE``, Django's
  database store with that one step added;
- **last used**: read, not written — ``SessionRefreshMiddleware`` has Django move the session's expiry
  ``SESSION_COOKIE_AGE`` ahead at most once per ``SESSION_REFRESH_SECONDS``, so the expiry less that age is when the
  session was last used (``selectors.own_sessions``), at no cost to any request;
- **logout** (``user_logged_out``): removed;
- **revoked** from the security page (one, or all but the current one), or **ended** when the person's password
  changes or the person is deactivated (``accounts.signals`` hook; the current request's session is kept, as
  Django's ``update_session_auth_hash`` keeps it): Django's session row and ours deleted, journalled;
- **expired**: ``sessions_clear_expired`` (the daily pass, and ``manage.py clearsessions``) deletes Django's expired
  sessions and the rows whose session is gone;
- **no role left**: the daily pass ends the sessions of a person whose every membership has ended
  (``sessions_end_for_former_members``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from sauro.accounts.models import User
from sauro.accounts.throttling import client_address
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.identity.models import UserSession
from sauro.org.models import Membership

# The journal's reason when the daily pass ends the sessions of a person who no longer holds any role.
REASON_NO_MEMBERSHIP = "Kết thúc vì mọi vai trò của người dùng trong các đơn vị đã hết"

USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length or 300


class SessionStore(db.SessionStore):
    """Django's database sessions, whose key change carries the person's ``UserSession`` row along."""

    def cycle_key(self) -> None:
        old = self.session_key
        super().cycle_key()
        if old and self.session_key and old != self.session_key:
            UserSession.objects.filter(session_key=old).update(session_key=self.session_key)

    @classmethod
    def clear_expired(cls) -> None:
        sessions_clear_expired()


# --- the session's life: signal handlers ---------------------------------------------------------------------


def on_login(sender: Any, request: HttpRequest | None, user: User, **_: Any) -> None:
    """``user_logged_in``: the session the person has just logged in with (a second login in the same session — the
    same person again — keeps its row, refreshed)."""
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    if session.session_key is None:  # login() flushed another person's session: the new one has no key yet
        session.save()
    now = clock.real_now()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "ip": client_address(request),
            "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        },
    )


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **_: Any) -> None:
    """``user_logged_out``: the session ends (Django flushes it just after)."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def on_credentials_change(user: User, reason: str) -> None:
    """The person's password changed or the person was deactivated (``accounts.signals`` hook): every other session
    ends. The current request's session, if it is the person's, is kept (Django keeps it on a password change; a
    deactivated person's is refused by the authentication backends anyway)."""
    from sauro.common.middleware import current_session_key

    sessions_end(user=user, acting_user=None, keep_key=current_session_key(), reason=reason)


# --- revocations (services) ------------------------------------------------------------------------------------


def _end(records: list[UserSession]) -> None:
    keys = [r.session_key for r in records]
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in records]).delete()


def _describe(record: UserSession) -> dict[str, Any]:
    return {"session": record.pk, "device": record.device, "ip": record.ip}


@transaction.atomic
def session_revoke(*, user: User, session_id: int) -> UserSession | None:
    """End one of the person's own sessions (its Django session deleted: the browser holding it is logged out at
    its next request), journalled. Another person's session, or one already gone, is None and nothing changes."""
    record = UserSession.objects.select_for_update().filter(user=user, pk=session_id).first()
    if record is None:
        return None
    _end([record])
    audit_record(acting_user=user, action="identity.session_revoke", obj=user, after=_describe(record))
    return record


@transaction.atomic
def sessions_end(*, user: User, acting_user: User | None, keep_key: str | None, reason: str = "") -> int:
    """End every session of the person but ``keep_key`` (the current one), journalled once with the list. Returns
    how many ended."""
    records = list(
        UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep_key or "").order_by("pk")
    )
    if not records:
        return 0
    _end(records)
    audit_record(
        acting_user=acting_user,
        action="identity.sessions_end",
        obj=user,
        summary=reason,
        after={"sessions": [_describe(r) for r in records]},
    )
    return len(records)


def sessions_clear_expired() -> int:
    """Delete Django's expired sessions and the rows of sessions that are gone (expired, or deleted by another
    path). Idempotent. Returns how many rows of ours went."""
    Session.objects.filter(expire_date__lt=clock.real_now()).delete()
    gone, _ = UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return gone


def sessions_end_for_former_members(day: datetime.date) -> int:
    """End the open sessions of every person whose memberships have all ended before ``day`` (none in force, none to
    come), journalled per person. Staff accounts are left alone: the administration site is theirs by ``is_staff``,
    not by a membership. Idempotent. Returns how many sessions ended."""
    keeping = Membership.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).values("person_id")
    former = (
        User.objects.filter(user_sessions__isnull=False, memberships__isnull=False, is_staff=False)
        .exclude(pk__in=keeping)
        .distinct()
        .order_by("pk")
    )
    return sum(
        sessions_end(user=person, acting_user=None, keep_key=None, reason=REASON_NO_MEMBERSHIP) for person in former
    )


def run_daily_sessions(day: datetime.date) -> dict[str, int]:
    """The daily pass's step (``sauro.daily.jobs``): the sessions of former members ended, the expired ones cleared."""
    ended = sessions_end_for_former_members(day)
    return {"ended_no_membership": ended, "cleared": sessions_clear_expired()}
