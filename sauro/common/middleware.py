"""Middleware of our own: security headers and a request id for the audit journal."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
