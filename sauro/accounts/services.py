"""Every write to accounts: people and their API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction

from sauro.accounts.choices import TokenScope
from sauro.accounts.models import ApiToken, User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import ValidationFailed

ERR_USERNAME_TAKEN = "Tên đăng nhập “{username}” đã được dùng."
ERR_FULL_NAME_EMPTY = "Họ và tên không được để trống."
ERR_LIFETIME_DAYS = "Thời hạn của mã truy cập phải từ 1 đến {longest} ngày."
ERR_SCOPE = "Quyền của mã truy cập phải là “read” (chỉ đọc) hoặc “write” (đọc và ghi)."
# Why a person's tokens were all revoked (the journal entry's summary).
REASON_NEW_CREDENTIALS = "Thu hồi vì mật khẩu của người dùng đã thay đổi"
REASON_DEACTIVATED = "Thu hồi vì tài khoản đã ngừng sử dụng"


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
def api_token_create(
    *, acting_user: User, user: User, name: str = "", days: int | None = None, scope: str = TokenScope.WRITE
) -> tuple[ApiToken, str]:
    """Issue a new token for ``user``; returns the row and the secret, which is shown once and never stored.

    The token expires after ``days`` (at most, and by default, ``SAURO_API_TOKEN_DAYS``); a ``read`` token may
    only read.
    """
    longest = int(settings.SAURO_API_TOKEN_DAYS)
    if days is None:
        days = longest
    if not 1 <= days <= longest:
        msg = ERR_LIFETIME_DAYS.format(longest=longest)
        raise ValidationFailed(msg, fields={"days": msg})
    if scope not in TokenScope.values:
        raise ValidationFailed(ERR_SCOPE, fields={"scope": ERR_SCOPE})
    secret = settings.SAURO_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:10],
        digest=token_digest(secret),
        scope=scope,
        expires_at=clock.now() + datetime.timedelta(days=days),
    )
    audit_record(
        acting_user=acting_user,
        action="api_token.create",
        obj=token,
        after={
            "user_id": user.pk,
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "expires_at": token.expires_at,
        },
    )
    return token, secret


def _revoke(*, acting_user: User | None, token: ApiToken, summary: str = "") -> None:
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        acting_user=acting_user,
        action="api_token.revoke",
        obj=token,
        summary=summary,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )


@transaction.atomic
def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        _revoke(acting_user=acting_user, token=token)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, acting_user: User | None, user: User, reason: str) -> int:
    """Revoke every token of ``user`` still unrevoked (expired ones too: nothing may bring them back), each
    journalled with ``reason``. Returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"))
    for token in tokens:
        _revoke(acting_user=acting_user, token=token, summary=reason)
    return len(tokens)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret (unrevoked, unexpired, its owner active), its user loaded, or None.
    Touches ``last_used_at``."""
    if not secret or not secret.startswith(settings.SAURO_API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = clock.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # Write at most once a minute per token, to keep reads cheap.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
