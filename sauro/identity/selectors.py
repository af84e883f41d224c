"""Reads of one's own identity settings (the security page, the two-factor pages): every read is the person's own."""

from __future__ import annotations

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from sauro.accounts.models import ApiToken, User
from sauro.common import clock
from sauro.identity.models import Passkey, RememberedDevice


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


def security_overview(user: User) -> SecurityOverview:
    """The person's authenticator app, passkeys, trusted devices still valid and API tokens still usable."""
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
    )
