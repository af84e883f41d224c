"""The API's token authentication (``Authorization: Bearer <token>``), used by ``sauro/api.py``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from sauro.accounts.models import User
from sauro.accounts.services import api_token_authenticate, token_digest
from sauro.common.api import ApiError

# What a read-only token may call; every other method is refused before the operation runs.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ERR_READ_ONLY_TOKEN = _(
    "Mã truy cập này chỉ được đọc dữ liệu (GET, HEAD, OPTIONS), không được thay đổi dữ liệu. "
    "Hãy dùng một mã có quyền đọc và ghi."
)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a per-user API token (only its digest is stored).

    An expired, revoked or unknown token, or one whose owner is inactive, is no credential (401). A read-only
    token calling anything but GET, HEAD or OPTIONS gets a 403 ``read_only_token``.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        if api_token.read_only and request.method not in READ_METHODS:
            raise ApiError(str(ERR_READ_ONLY_TOKEN), status=403, code="read_only_token")
        # Remembered so that "revoke the token I am using" knows which one; never the secret itself.
        request.api_token_digest = token_digest(token)  # type: ignore[attr-defined]
        return api_token.user
