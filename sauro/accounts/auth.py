"""The API's token authentication (``Authorization: Bearer <token>``), used by ``sauro/api.py``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from sauro.accounts.models import User
from sauro.accounts.services import api_token_authenticate, token_digest


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a per-user API token (only its digest is stored)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            # Remembered so that "revoke the token I am using" knows which one; never the secret itself.
            request.api_token_digest = token_digest(token)  # type: ignore[attr-defined]
        return user
