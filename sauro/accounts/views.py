"""Login and logout pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from sauro.accounts.forms import LoginForm

MSG_LOGGED_OUT = _("Bạn đã đăng xuất khỏi hệ thống.")


@dataclass(frozen=True)
class LoginOption:
    """Another way in, offered under the login form (single sign-on: ``sauro.identity``)."""

    label: str
    url: str


# Registered by the apps above (``sauro.identity``): what the login page offers besides the password, and where a
# logout sends the browser afterwards (the identity provider's end of session), decided per request.
LoginOptions = Callable[[HttpRequest], list[LoginOption]]
LogoutRedirect = Callable[[HttpRequest], str | None]
_login_options: dict[str, LoginOptions] = {}
_logout_redirects: dict[str, LogoutRedirect] = {}


def register_login_extension(name: str, *, options: LoginOptions, logout_redirect: LogoutRedirect) -> None:
    _login_options[name] = options
    _logout_redirects[name] = logout_redirect


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_options"] = [o for provider in _login_options.values() for o in provider(self.request)]
        return context


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires) and say so on the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_logged_in = request.user.is_authenticated
        # Read before the session is flushed: a single sign-on session also ends at its provider.
        elsewhere = next((url for hook in _logout_redirects.values() if (url := hook(request))), None)
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.info(request, MSG_LOGGED_OUT)
        if elsewhere:
            return HttpResponseRedirect(elsewhere)
        return response
