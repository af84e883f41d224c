"""Middleware of our own: security headers, a request id for the audit journal, and the session's sliding expiry."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sauro.common import request_context


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and related headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs page (Swagger UI) loads its own script bundle; everything else is strict.
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's X-Request-ID) so audit entries can be traced, and a memo for
    values read once per request (``request_context.memo``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        token = request_context.set_request_id(request_id)
        memo = request_context.start_memo()
        try:
            response = self.get_response(request)
        finally:
            request_context.end_memo(memo)
            request_context.reset_request_id(token)
        response.headers["X-Request-ID"] = request_id
        return response


# When SessionRefreshMiddleware last had the session saved (seconds since the epoch).
SESSION_REFRESHED_KEY = "_sauro_refreshed"


class SessionRefreshMiddleware:
    """Slide an active session's expiry without writing the session on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` wrote the session row (an UPDATE and a commit) on every page just to move its
    expiry ``SESSION_COOKIE_AGE`` ahead. This marks the session modified, so ``SessionMiddleware`` saves it with a
    new expiry, only when its last refresh is older than ``SESSION_REFRESH_SECONDS``: an idle session still ends
    after ``SESSION_COOKIE_AGE`` (minus at most ``SESSION_REFRESH_SECONDS``). Placed after ``SessionMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            # Reading loads the session (no query without a cookie); a key the store does not hold (expired,
            # logged out) leaves no session key behind, so nothing is created for it.
            last = session.get(SESSION_REFRESHED_KEY)
            now = int(timezone.now().timestamp())
            stale = not isinstance(last, int) or not 0 <= now - last < settings.SESSION_REFRESH_SECONDS
            if session.session_key and stale:
                session[SESSION_REFRESHED_KEY] = now
        return self.get_response(request)
