"""Login and logout pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from sauro.accounts.forms import LoginForm
from sauro.audit.services import audit_record

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


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail. The page says the same whether or not the address is known (nobody learns who has
    an account); only accounts with a password of their own get a link (not those of the directory or single
    sign-on, whose passwords are kept elsewhere). The link works once, for PASSWORD_RESET_TIMEOUT."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password (the validators of AUTH_PASSWORD_VALIDATORS); the change revokes the API tokens
    (``accounts.signals``) and is journalled."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        with transaction.atomic():
            audit_record(acting_user=form.user, action="user.password_reset", obj=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


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
