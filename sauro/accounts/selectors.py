"""Reads of accounts: a user's own API tokens (nobody else's tokens are ever listed)."""

from __future__ import annotations

from django.db.models import QuerySet

from sauro.accounts.models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
