"""Every write to accounts: people and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import transaction

from sauro.accounts.models import ApiToken, User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import ValidationFailed

ERR_USERNAME_TAKEN = "Tên đăng nhập “{username}” đã được dùng."
ERR_FULL_NAME_EMPTY = "Họ và tên không được để trống."


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    full_name: str,
    password: str | None,
    password_hash: str | None = None,
    email: str = "",
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person; ``password=None`` leaves the account without a usable password.

    ``password_hash`` (from ``make_password``) lets a bulk loader hash one shared password once instead of
    running argon2 for every account.
    """
    username = username.strip()
    full_name = full_name.strip()
    if not full_name:
        raise ValidationFailed(ERR_FULL_NAME_EMPTY, fields={"full_name": ERR_FULL_NAME_EMPTY})
    if User.objects.filter(username__iexact=username).exists():
        msg = ERR_USERNAME_TAKEN.format(username=username)
        raise ValidationFailed(msg, fields={"username": msg})
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    if password_hash is not None:
        user.password = password_hash
    elif password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        acting_user=acting_user,
        action="user.create",
        obj=user,
        after={
            "username": username,
            "full_name": full_name,
            "email": email,
            "is_staff": user.is_staff,
            "is_superuser": is_superuser,
        },
    )
    return user


@transaction.atomic
def api_token_create(*, acting_user: User, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a new token for ``user``; returns the row and the secret, which is shown once and never stored."""
    secret = settings.SAURO_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:10], digest=token_digest(secret))
    audit_record(
        acting_user=acting_user,
        action="api_token.create",
        obj=token,
        after={"user_id": user.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            acting_user=acting_user,
            action="api_token.revoke",
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user owning an active token with this secret, or None. Touches ``last_used_at``."""
    if not secret or not secret.startswith(settings.SAURO_API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    # Write at most once a minute per token, to keep reads cheap.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
