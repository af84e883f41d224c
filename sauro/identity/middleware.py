"""Before any page, a person who must use two factors has passed one this session (``identity.twofactor``).

The decision is read from the session (``twofactor.SESSION_KEY``): who must is worked out once per session (one query),
so the pages of everybody else cost nothing more. Pages exempt: the two-factor pages themselves, login, logout and
static files. A page asked through the API with the session's cookie gets a JSON 401 instead of the redirect; API
tokens are issued only after the second factor, so requests with a token pass."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from sauro.identity import twofactor

ERR_API = "Tài khoản này phải xác thực hai bước: hãy xác thực trên trang web trước."


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        prefixes = (
            "/xac-thuc-hai-buoc/",
            reverse("logout"),
            reverse("login"),
            settings.STATIC_URL or "/static/",
            "/favicon.ico",
        )
        return path.startswith(prefixes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not settings.SAURO_2FA_ROLES or user is None or not user.is_authenticated:
            return self.get_response(request)
        state = request.session.get(twofactor.SESSION_KEY)
        if state is None:
            state = {"required": twofactor.required_for(user)}
            request.session[twofactor.SESSION_KEY] = state
        if not state.get("required") or state.get("at"):
            return self.get_response(request)
        if twofactor.remembered(request, user) is not None:
            twofactor.mark_verified(request, "device")
            return self.get_response(request)
        if self._exempt(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            body = {"code": "second_factor_required", "message": ERR_API, "fields": {}}
            return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
        target = "identity:2fa_verify" if twofactor.has_factor(user) else "identity:2fa_setup"
        nxt = request.get_full_path() if request.method == "GET" else ""
        return redirect(reverse(target) + (f"?{urlencode({'next': nxt})}" if nxt else ""))
