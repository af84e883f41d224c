"""Single sign-on with OpenID Connect (issue 21, point 2), with Authlib's Django client.

The provider is found by discovery (``SAURO_OIDC_DISCOVERY_URL``, its ``.well-known/openid-configuration``); the
authorization code flow runs with PKCE (S256), a state and a nonce; the ID token's signature (the provider's JWKS),
issuer, audience, expiry and nonce are checked by Authlib. The person is the pair (issuer, ``sub``), bound to one
account the first time (``OidcAccount``): the account is created from the claims (``preferred_username``, ``name``,
``email``), and an existing local account of the same login name is never taken over (the office links them).
The ``groups`` claim, mapped by ``SAURO_OIDC_GROUPS``, gives memberships as the directory's groups do
(``identity.memberships``). Logging out of Sáu Rõ ends the session at the provider too (RP-initiated logout).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sauro.accounts.models import User
from sauro.accounts.services import user_create
from sauro.accounts.views import LoginOption
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.identity.memberships import grant_table, memberships_sync
from sauro.identity.models import OidcAccount

logger = logging.getLogger(__name__)

SESSION_KEY = "sauro_sso"  # {"id_token": …} of a session opened by single sign-on, for the logout
NEXT_KEY = "sauro_sso_next"
LOCAL_BACKEND = "django.contrib.auth.backends.ModelBackend"

ERR_SSO_FAILED = "Không đăng nhập được qua hệ thống đăng nhập một lần: {reason}. Vui lòng thử lại."
ERR_SSO_NAME_TAKEN = (
    "Tên đăng nhập “{username}” đã có tài khoản riêng trong Sáu Rõ, chưa liên kết với hệ thống đăng nhập một lần. "
    "Vui lòng liên hệ quản trị hệ thống để liên kết."
)
ERR_SSO_DISABLED = "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."
ERR_SSO_CLAIMS = "hệ thống đăng nhập một lần không cho biết tên đăng nhập của bạn"


def sso_configured() -> bool:
    return bool(getattr(settings, "SAURO_OIDC_DISCOVERY_URL", "") and getattr(settings, "SAURO_OIDC_CLIENT_ID", ""))


_clients: dict[tuple[str, ...], DjangoOAuth2App] = {}


def client() -> DjangoOAuth2App:
    """Authlib's client for the configured provider (its discovery document read once per configuration)."""
    key = (
        settings.SAURO_OIDC_DISCOVERY_URL,
        settings.SAURO_OIDC_CLIENT_ID,
        settings.SAURO_OIDC_CLIENT_SECRET,
        settings.SAURO_OIDC_SCOPES,
    )
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            name="sso",
            server_metadata_url=settings.SAURO_OIDC_DISCOVERY_URL,
            client_id=settings.SAURO_OIDC_CLIENT_ID,
            client_secret=settings.SAURO_OIDC_CLIENT_SECRET,
            client_kwargs={"scope": settings.SAURO_OIDC_SCOPES, "code_challenge_method": "S256", "timeout": 10},
        )
    return _clients[key]


# --- the account -------------------------------------------------------------------------------------------------


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return str(value).strip() if value is not None else ""


@transaction.atomic
def oidc_account_login(*, issuer: str, claims: Mapping[str, Any]) -> User:
    """The account of the person the provider vouches for (created on the first login), brought in line with the
    claims; refuses an account disabled here or a login name held by an unlinked local account."""
    subject = _claim(claims, "sub")
    username = _claim(claims, "preferred_username")
    if not subject or not username:
        raise ServiceError(ERR_SSO_FAILED.format(reason=ERR_SSO_CLAIMS))
    full_name = _claim(claims, "name") or username
    email = _claim(claims, "email") if claims.get("email_verified", True) else ""
    account = (
        OidcAccount.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if account is None:
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError(ERR_SSO_NAME_TAKEN.format(username=username))
        user = user_create(acting_user=None, username=username, full_name=full_name, password=None, email=email)
        account = OidcAccount.objects.create(user=user, issuer=issuer, subject=subject)
        audit_record(
            acting_user=None, action="identity.sso_account", obj=user, after={"issuer": issuer, "sub": subject}
        )
    user = account.user
    if not user.is_active:
        raise ServiceError(ERR_SSO_DISABLED)
    changed = {
        field: value
        for field, value in (("full_name", full_name), ("email", email))
        if value and getattr(user, field) != value
    }
    if changed:
        before = {field: getattr(user, field) for field in changed}
        for field, value in changed.items():
            setattr(user, field, value)
        user.save(update_fields=list(changed))
        audit_record(acting_user=None, action="identity.sso_update", obj=user, before=before, after=changed)
    account.last_login_at = clock.now()
    account.save(update_fields=["last_login_at"])
    groups = claims.get(settings.SAURO_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    memberships_sync(user=user, table=grant_table(settings.SAURO_OIDC_GROUPS), groups=[str(g) for g in groups])
    return user


# --- the pages ---------------------------------------------------------------------------------------------------


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (PKCE, state and nonce kept in the session)."""
    if not sso_configured():
        raise Http404
    nxt = request.GET.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = nxt
    try:
        return client().authorize_redirect(request, request.build_absolute_uri(reverse("identity:sso_callback")))
    except Exception as exc:  # the provider cannot be reached, or its discovery document is unusable
        logger.warning("Single sign-on: the provider could not be reached: %s", exc)
        messages.error(request, ERR_SSO_FAILED.format(reason=_("không kết nối được tới hệ thống đăng nhập một lần")))
        return redirect("login")


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back: exchange the code, check the ID token, log the person in."""
    if not sso_configured():
        raise Http404
    sso = client()
    try:
        token = sso.authorize_access_token(request)
    except OAuthError as exc:
        logger.warning("Single sign-on refused: %s", exc)
        messages.error(request, ERR_SSO_FAILED.format(reason=exc.description or exc.error))
        return redirect("login")
    except Exception as exc:  # a network failure, a token that does not verify
        logger.warning("Single sign-on failed: %s", exc)
        messages.error(request, ERR_SSO_FAILED.format(reason=_("phản hồi không hợp lệ")))
        return redirect("login")
    claims = token.get("userinfo") or {}
    issuer = str(sso.load_server_metadata().get("issuer", ""))
    try:
        user = oidc_account_login(issuer=issuer, claims=claims)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("login")
    nxt = request.session.pop(NEXT_KEY, "")
    login(request, user, backend=LOCAL_BACKEND)
    request.session[SESSION_KEY] = {"id_token": token.get("id_token", "")}
    return redirect(nxt or settings.LOGIN_REDIRECT_URL)


def login_options(request: HttpRequest) -> list[LoginOption]:
    if not sso_configured():
        return []
    url = reverse("identity:sso_start")
    nxt = request.GET.get("next", "")
    if nxt:
        url += "?" + urlencode({"next": nxt})
    return [LoginOption(label=settings.SAURO_OIDC_LABEL, url=url)]


def logout_redirect(request: HttpRequest) -> str | None:
    """The provider's end of session for a session opened by single sign-on (None otherwise)."""
    data = request.session.get(SESSION_KEY)
    if not data or not sso_configured():
        return None
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint")
    except Exception as exc:
        logger.warning("Single sign-on: the provider's logout could not be found: %s", exc)
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.SAURO_OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if data.get("id_token"):
        params["id_token_hint"] = data["id_token"]
    return f"{endpoint}?{urlencode(params)}"
