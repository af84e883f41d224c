"""The two-factor pages (verify, set up, the passkey ceremonies) and one's own security page (docs/identity.md)."""

from __future__ import annotations

import json
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sauro.accounts.models import User
from sauro.accounts.services import api_token_revoke
from sauro.common.errors import ValidationFailed
from sauro.identity import selectors, sessions, twofactor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="6 số trên ứng dụng xác thực, hoặc một mã khôi phục.",
    )
    remember = forms.BooleanField(label="Ghi nhớ thiết bị này", required=False)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required guards every view: never reached
        raise PermissionDenied
    return user


def _next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return nxt if nxt and ok else reverse("home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _finish(request: HttpRequest, method: str, remember: bool) -> HttpResponse:
    twofactor.mark_verified(request, method)
    request.session.cycle_key()
    response = redirect(_next(request))
    if remember:
        twofactor.remember_device(user=_user(request), request=request, response=response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not twofactor.has_factor(user):
        return redirect(reverse("identity:2fa_setup") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = twofactor.verify_code(user, form.cleaned_data["code"])
        except ValidationFailed as exc:
            form.add_error("code", exc.message)
        else:
            return _finish(request, method, form.cleaned_data["remember"])
    context = {
        "form": form,
        "next": _next(request),
        "has_totp": twofactor.totp_device(user) is not None,
        "has_passkey": selectors.has_passkey(user),
        "remember_days": settings.SAURO_2FA_REMEMBER_DAYS,
    }
    return render(request, "identity/2fa_verify.html", context, status=200 if not form.errors else 400)


@login_required
@require_http_methods(["GET", "POST"])
def setup_view(request: HttpRequest) -> HttpResponse:
    """First enrolment (or, verified, another authenticator): an authenticator app by QR code, or a passkey."""
    user = _user(request)
    if twofactor.has_factor(user) and not twofactor.is_verified(request):
        return redirect(reverse("identity:2fa_verify") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_confirm(
                user=user, device_id=int(request.POST.get("device", "0") or 0), code=form.cleaned_data["code"]
            )
        except (ValidationFailed, ValueError) as exc:
            form.add_error("code", getattr(exc, "message", twofactor.ERR_CODE_WRONG))
        else:
            twofactor.mark_verified(request, "totp")
            request.session.cycle_key()
            return render(request, "identity/2fa_codes.html", {"codes": codes, "next": _next(request)})
    device = twofactor.totp_begin(user=user)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "device": device,
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 — an SVG the qrcode library drew from our own URI
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
    }
    return render(request, "identity/2fa_setup.html", context, status=200 if not form.errors else 400)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_error(message: str) -> JsonResponse:
    return JsonResponse({"code": "invalid", "message": message, "fields": {}}, status=400)


@login_required
@require_POST
def passkey_register_options_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if twofactor.has_factor(user) and not twofactor.is_verified(request):
        return _json_error("Hãy xác thực hai bước trước khi thêm khóa truy cập.")
    return HttpResponse(twofactor.passkey_registration_options(request, user), content_type="application/json")


@login_required
@require_POST
def passkey_register_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if twofactor.has_factor(user) and not twofactor.is_verified(request):
        return _json_error("Hãy xác thực hai bước trước khi thêm khóa truy cập.")
    body = _json_body(request)
    try:
        key, codes = twofactor.passkey_register(
            request=request, user=user, credential=body.get("credential") or {}, name=str(body.get("name", ""))
        )
    except ValidationFailed as exc:
        return _json_error(exc.message)
    twofactor.mark_verified(request, "passkey")
    request.session["sauro_2fa_new_codes"] = codes
    return JsonResponse(
        {"ok": True, "name": key.name, "next": reverse("identity:2fa_codes") + "?next=" + _next(request)}
    )


@login_required
@require_GET
def new_codes_view(request: HttpRequest) -> HttpResponse:
    """The recovery codes made with a passkey's enrolment (shown once, then gone from the session)."""
    codes = request.session.pop("sauro_2fa_new_codes", [])
    return render(request, "identity/2fa_codes.html", {"codes": codes, "next": _next(request)})


@login_required
@require_POST
def passkey_auth_options_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        twofactor.passkey_authentication_options(request, _user(request)), content_type="application/json"
    )


@login_required
@require_POST
def passkey_auth_view(request: HttpRequest) -> HttpResponse:
    body = _json_body(request)
    try:
        twofactor.passkey_verify(request=request, user=_user(request), credential=body.get("credential") or {})
    except ValidationFailed as exc:
        return _json_error(exc.message)
    response = _finish(request, "passkey", bool(body.get("remember")))
    return _json_with_cookies(response)


def _json_with_cookies(redirect_response: HttpResponse) -> JsonResponse:
    answer = JsonResponse({"ok": True, "next": redirect_response["Location"]})
    for morsel in redirect_response.cookies.values():
        answer.cookies[morsel.key] = morsel
    return answer


# --- one's own security page ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    """One's second factors, recovery codes, trusted devices, API tokens and sessions, each revocable."""
    user = _user(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in {"revoke_session", "revoke_other_sessions"}:
            return _revoke_sessions(request, user, action)
        try:
            if action == "remove_totp":
                twofactor.factor_remove(user=user, totp=True)
                messages.success(request, _("Đã gỡ ứng dụng xác thực."))
            elif action == "remove_passkey":
                twofactor.factor_remove(user=user, passkey_id=int(request.POST.get("id", "0")))
                messages.success(request, _("Đã gỡ khóa truy cập."))
            elif action == "renew_codes":
                codes = twofactor.recovery_codes_renew(user=user)
                return render(
                    request, "identity/2fa_codes.html", {"codes": codes, "next": reverse("identity:security")}
                )
            elif action == "revoke_device":
                twofactor.device_revoke(user=user, device_id=int(request.POST.get("id", "0")))
                messages.success(request, _("Đã thu hồi thiết bị được ghi nhớ."))
            elif action == "revoke_token":
                token = selectors.own_token(user, int(request.POST.get("id", "0")))
                if token is not None and token.revoked_at is None:
                    api_token_revoke(acting_user=user, token=token)
                    messages.success(request, _("Đã thu hồi mã truy cập API."))
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Yêu cầu không hợp lệ."))
        return redirect("identity:security")
    overview = selectors.security_overview(user)
    context = {
        "current_session": request.session.session_key,
        "sessions": overview.sessions,
        "other_sessions": any(s.session_key != request.session.session_key for s in overview.sessions),
        "required": twofactor.required_for(user),
        "totp": overview.totp,
        "passkeys": overview.passkeys,
        "codes_left": twofactor.recovery_codes_left(user),
        "devices": overview.devices,
        "tokens": overview.tokens,
    }
    return render(request, "identity/security.html", context)


def _revoke_sessions(request: HttpRequest, user: User, action: str) -> HttpResponse:
    """End one of one's sessions (the current one logs out here and now) or all but the current one."""
    current = request.session.session_key
    if action == "revoke_other_sessions":
        count = sessions.sessions_end(user=user, acting_user=user, keep_key=current)
        if count:
            text = ngettext("Đã đăng xuất %(n)d phiên khác.", "Đã đăng xuất %(n)d phiên khác.", count)
            messages.success(request, text % {"n": count})
        else:
            messages.info(request, _("Không có phiên nào khác đang đăng nhập."))
        return redirect("identity:security")
    try:
        record = sessions.session_revoke(user=user, session_id=int(request.POST.get("id", "0")))
    except ValueError:
        record = None
    if record is None:
        messages.error(request, _("Không tìm thấy phiên này trong các phiên của bạn: có thể nó đã kết thúc."))
        return redirect("identity:security")
    if record.session_key == current:
        logout(request)
        messages.success(request, _("Đã thu hồi phiên này: bạn đã đăng xuất."))
        return redirect("login")
    messages.success(request, _("Đã thu hồi phiên trên %(device)s.") % {"device": record.device})
    return redirect("identity:security")
