"""Middleware of our own: security headers, a request id for the audit journal, and the session's sliding expiry."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauro.common import request_context
from sauro.common.uploads import human_size

MSG_REQUEST_TOO_LARGE = _(
    "Dữ liệu gửi lên ({size}) vượt giới hạn {limit} cho mỗi lần gửi. Hãy gửi ít tệp hơn hoặc tệp nhỏ hơn."
)


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


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than ``SAURO_MAX_REQUEST_BYTES`` before anything reads it (issue 16).

    Placed before the session, CSRF and the views: Django reads a POST body (and writes its files to disk) as soon
    as something touches ``request.POST`` — the CSRF check does. The declared ``Content-Length`` is what Django
    would read (it never reads past it, and reads nothing without it), so checking it refuses the body unread:
    413, the API's JSON error shape under ``/api/``, a page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.SAURO_MAX_REQUEST_BYTES
        if length <= limit:
            return self.get_response(request)
        message = str(MSG_REQUEST_TOO_LARGE).format(size=human_size(length), limit=human_size(limit))
        if request.path.startswith("/api/"):
            from sauro.common.api import error_response

            return error_response(413, "request_too_large", message)
        return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


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
# The request memo's entry for the request's session (``current_session_key``).
_MEMO_SESSION = "session"


def current_session_key() -> str | None:
    """The key of the current request's session (``None`` outside a request or without a session): for code that
    runs without the request, such as a signal handler that ends a person's other sessions."""
    memo = request_context.memo()
    session = memo.get(_MEMO_SESSION) if memo is not None else None
    return getattr(session, "session_key", None)


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
        memo = request_context.memo()
        if memo is not None and session is not None:
            memo[_MEMO_SESSION] = session
        if session is not None and session.session_key:
            # Reading loads the session (no query without a cookie); a key the store does not hold (expired,
            # logged out) leaves no session key behind, so nothing is created for it.
            last = session.get(SESSION_REFRESHED_KEY)
            now = int(timezone.now().timestamp())
            stale = not isinstance(last, int) or not 0 <= now - last < settings.SESSION_REFRESH_SECONDS
            if session.session_key and stale:
                session[SESSION_REFRESHED_KEY] = now
        return self.get_response(request)
