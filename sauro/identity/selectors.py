"""Reads of one's own identity settings (the security page, the two-factor pages): every read is the person's own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from sauro.accounts.models import ApiToken, User
from sauro.common import clock
from sauro.identity.models import Passkey, RememberedDevice, UserSession


def has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()


def own_token(user: User, token_id: int) -> ApiToken | None:
    """One of the person's own API tokens (another person's is None)."""
    return ApiToken.objects.filter(user=user, pk=token_id).first()


@dataclass(frozen=True)
class SecurityOverview:
    totp: TOTPDevice | None
    passkeys: list[Passkey]
    devices: list[RememberedDevice]
    tokens: list[ApiToken]
    sessions: list[UserSession]


def own_sessions(user: User) -> list[UserSession]:
    """The person's sessions in force (Django still holds them, unexpired), the most recently used first, each with
    ``expires_at`` (Django's expiry: it ends unless used before) and ``last_seen_at`` (that expiry less
    ``SESSION_COOKIE_AGE``: Django moves it at each refresh, ``common.middleware.SessionRefreshMiddleware``)."""
    now = clock.real_now()
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    expiry = Session.objects.filter(session_key=OuterRef("session_key")).values("expire_date")[:1]
    found = (
        UserSession.objects.filter(user=user, session_key__in=live)
        .annotate(session_expiry=Subquery(expiry))
        .order_by("-session_expiry", "-pk")
    )
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows: list[UserSession] = []
    for row in found:
        row.expires_at = row.session_expiry
        row.last_seen_at = max(row.session_expiry - age, row.created_at)
        rows.append(row)
    return rows


def security_overview(user: User) -> SecurityOverview:
    """The person's authenticator app, passkeys, trusted devices still valid, API tokens still usable and sessions in
    force."""
    now = clock.now()
    return SecurityOverview(
        totp=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first(),
        passkeys=list(Passkey.objects.filter(user=user).order_by("created_at")),
        devices=list(
            RememberedDevice.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).order_by(
                "-created_at"
            )
        ),
        tokens=list(
            ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).order_by("-created_at")
        ),
        sessions=own_sessions(user),
    )
