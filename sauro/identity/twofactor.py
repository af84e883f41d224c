"""Two factors (issue 21, point 3): an authenticator app's codes (TOTP, django-otp), passkeys (WebAuthn,
py_webauthn) and recovery codes (django-otp's static tokens), required of the roles in ``SAURO_2FA_ROLES``.

- **Who must**: a person holding, today, a membership with one of those roles; ``admin`` also covers staff accounts.
- **When**: after the password (or the directory, or single sign-on), before any page: ``middleware`` sends the
  person to enrol (first time) or to verify. The session then carries the proof (``SESSION_KEY``) until it ends.
- **Trusted devices**: ticking "ghi nhớ thiết bị này" sets a cookie whose secret's digest is a ``RememberedDevice``
  row, valid ``SAURO_2FA_REMEMBER_DAYS`` days for that person only; its owner revokes it on the security page.
- **API tokens**: issued only with a second-factor code (``accounts.api`` asks ``api_token_check``).

Every enrolment, removal and trusted device is journalled; failed codes are throttled by django-otp (each failure
doubles the wait).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import ValidationFailed
from sauro.identity.models import Passkey, RememberedDevice
from sauro.org.choices import Role
from sauro.org.models import Membership

SESSION_KEY = "sauro_2fa"  # {"required": bool, "at": epoch seconds once passed, "method": "totp" | "recovery" | …}
COOKIE_NAME = "sauro_2fa_device"
RECOVERY_CODES = 10
TOTP_NAME = "Ứng dụng xác thực"

ERR_CODE_WRONG = "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trên ứng dụng xác thực."
ERR_CODE_THROTTLED = "Nhập sai quá nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại."
ERR_CODE_MISSING = "Tài khoản này phải xác thực hai bước: hãy gửi kèm mã xác thực (otp)."
ERR_NO_FACTOR = (
    "Tài khoản này phải xác thực hai bước nhưng chưa thiết lập: hãy đăng nhập trên trang web để thiết lập trước."
)
ERR_LAST_FACTOR = "Không thể gỡ phương thức xác thực cuối cùng của tài khoản phải xác thực hai bước."


# --- who must --------------------------------------------------------------------------------------------------


def required_for(user: User) -> bool:
    """Whether ``user`` must pass a second factor (``SAURO_2FA_ROLES`` among today's memberships, staff as admin)."""
    roles = set(settings.SAURO_2FA_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if Role.ADMIN in roles and (user.is_staff or user.is_superuser):
        return True
    today = clock.today()
    return (
        Membership.objects.filter(person=user, role__in=roles, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .exists()
    )


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or Passkey.objects.filter(user=user).exists()


def is_verified(request: HttpRequest) -> bool:
    return bool((request.session.get(SESSION_KEY) or {}).get("at"))


def mark_verified(request: HttpRequest, method: str) -> None:
    request.session[SESSION_KEY] = {"required": True, "at": int(clock.now().timestamp()), "method": method}


# --- codes: TOTP and recovery ------------------------------------------------------------------------------------


def _throttled(device: TOTPDevice | StaticDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = max(1, int((until - clock.now()).total_seconds())) if until else 60
    return ERR_CODE_THROTTLED.format(seconds=seconds)


def verify_code(user: User, code: str) -> str:
    """Check a 6-digit TOTP code or a recovery code; returns the method ("totp" or "recovery"), or raises
    ``ValidationFailed`` with the reason. A recovery code is used up."""
    code = "".join(code.split()).replace("-", "").lower()
    if not code:
        raise ValidationFailed(ERR_CODE_WRONG, fields={"code": ERR_CODE_WRONG})
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
            if device is not None:
                if (refusal := _throttled(device)) is not None:
                    raise ValidationFailed(refusal, fields={"code": refusal})
                if device.verify_token(code):
                    return "totp"
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if (refusal := _throttled(static)) is not None:
                raise ValidationFailed(refusal, fields={"code": refusal})
            if static.verify_token(code):
                audit_record(acting_user=user, action="identity.recovery_code_used", obj=user)
                return "recovery"
    raise ValidationFailed(ERR_CODE_WRONG, fields={"code": ERR_CODE_WRONG})


def totp_begin(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (its secret shown once as a QR code); replaces an unconfirmed
    one left from an earlier try."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, device_id: int, code: str) -> list[str]:
    """Confirm the new authenticator with a code from it; the first factor enrolled also gets recovery codes
    (returned, shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id, confirmed=False).first()
    if device is None or not device.verify_token("".join(code.split())):
        raise ValidationFailed(ERR_CODE_WRONG, fields={"code": ERR_CODE_WRONG})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one authenticator app at a time
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(acting_user=user, action="identity.totp_enrol", obj=user)
    if not StaticDevice.objects.filter(user=user).exists():
        return recovery_codes_renew(user=user)
    return []


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working), returned once: only their values are kept, as django-otp
    keeps them, so whoever reads the database could use them — the journal records each use."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    audit_record(acting_user=user, action="identity.recovery_codes", obj=user, after={"count": len(codes)})
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def factor_remove(*, user: User, totp: bool = False, passkey_id: int | None = None) -> None:
    """Remove the authenticator app or a passkey; the last factor of a person who must use two is kept."""
    remaining_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not totp
    keys = Passkey.objects.filter(user=user)
    others = (keys.exclude(pk=passkey_id) if passkey_id is not None else keys).exists()
    if required_for(user) and not remaining_totp and not others:
        raise ValidationFailed(ERR_LAST_FACTOR)
    if totp:
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(acting_user=user, action="identity.totp_remove", obj=user)
    if passkey_id is not None:
        key = Passkey.objects.filter(user=user, pk=passkey_id).first()
        if key is not None:
            key.delete()
            audit_record(acting_user=user, action="identity.passkey_remove", obj=user, summary=key.name)


# --- trusted devices ---------------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def remember_device(*, user: User, request: HttpRequest, response: HttpResponse) -> RememberedDevice:
    secret = secrets.token_urlsafe(32)
    days = int(settings.SAURO_2FA_REMEMBER_DAYS)
    expires = clock.now() + datetime.timedelta(days=days)
    label = request.headers.get("User-Agent", "")[:200]
    device = RememberedDevice.objects.create(user=user, digest=_digest(secret), label=label, expires_at=expires)
    audit_record(acting_user=user, action="identity.device_remember", obj=user, after={"device": device.pk})
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{user.pk}:{secret}",
        salt=COOKIE_NAME,
        max_age=days * 86400,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return device


def remembered(request: HttpRequest, user: User) -> RememberedDevice | None:
    """The trusted device this browser's cookie names, if it is this person's, unrevoked and unexpired."""
    raw = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_NAME)
    if not raw or ":" not in raw:
        return None
    user_id, secret = raw.split(":", 1)
    if user_id != str(user.pk):
        return None
    device = RememberedDevice.objects.filter(
        user=user, digest=_digest(secret), revoked_at__isnull=True, expires_at__gt=clock.now()
    ).first()
    if device is not None:
        RememberedDevice.objects.filter(pk=device.pk).update(last_used_at=clock.now())
    return device


@transaction.atomic
def device_revoke(*, user: User, device_id: int) -> None:
    device = (
        RememberedDevice.objects.select_for_update().filter(user=user, pk=device_id, revoked_at__isnull=True).first()
    )
    if device is None:
        return
    device.revoked_at = clock.now()
    device.save(update_fields=["revoked_at"])
    audit_record(acting_user=user, action="identity.device_revoke", obj=user, after={"device": device.pk})


# --- passkeys (WebAuthn) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    origin: str


def relying_party(request: HttpRequest) -> RelyingParty:
    host = request.get_host().rsplit(":", 1)[0] if not request.get_host().startswith("[") else request.get_host()
    scheme = "https" if request.is_secure() else "http"
    return RelyingParty(
        id=settings.SAURO_WEBAUTHN_RP_ID or host,
        name=settings.SAURO_WEBAUTHN_RP_NAME,
        origin=f"{scheme}://{request.get_host()}",
    )


def passkey_registration_options(request: HttpRequest, user: User) -> str:
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp = relying_party(request)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user.username,
        user_id=str(user.pk).encode(),
        user_display_name=user.full_name or user.username,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
            for c in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
    )
    request.session["sauro_webauthn_register"] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


@transaction.atomic
def passkey_register(
    *, request: HttpRequest, user: User, credential: dict[str, Any], name: str
) -> tuple[Passkey, list[str]]:
    """Verify the browser's new credential against the challenge kept in the session and keep its public key; the
    first factor enrolled also gets recovery codes (returned, shown once)."""
    from webauthn import verify_registration_response
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

    challenge = request.session.pop("sauro_webauthn_register", None)
    if not challenge:
        raise ValidationFailed("Phiên đăng ký khóa truy cập đã hết hạn. Vui lòng thử lại.")
    rp = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except Exception as exc:
        raise ValidationFailed("Không đăng ký được khóa truy cập: phản hồi của thiết bị không hợp lệ.") from exc
    key = Passkey.objects.create(
        user=user,
        name=(name.strip() or "Khóa truy cập")[:100],
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    audit_record(acting_user=user, action="identity.passkey_enrol", obj=user, summary=key.name)
    codes = recovery_codes_renew(user=user) if not StaticDevice.objects.filter(user=user).exists() else []
    return key, codes


def passkey_authentication_options(request: HttpRequest, user: User) -> str:
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    rp = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
            for c in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
    )
    request.session["sauro_webauthn_auth"] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


@transaction.atomic
def passkey_verify(*, request: HttpRequest, user: User, credential: dict[str, Any]) -> Passkey:
    from webauthn import verify_authentication_response
    from webauthn.helpers import base64url_to_bytes

    challenge = request.session.pop("sauro_webauthn_auth", None)
    key = Passkey.objects.select_for_update().filter(user=user, credential_id=str(credential.get("id", ""))).first()
    if not challenge or key is None:
        raise ValidationFailed("Khóa truy cập không hợp lệ cho tài khoản này.")
    rp = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except Exception as exc:
        raise ValidationFailed("Khóa truy cập không xác thực được. Vui lòng thử lại.") from exc
    key.sign_count = verified.new_sign_count
    key.last_used_at = clock.now()
    key.save(update_fields=["sign_count", "last_used_at"])
    return key


# --- API tokens ----------------------------------------------------------------------------------------------------


def api_token_check(user: User, code: str | None) -> str | None:
    """``accounts.api``'s check before issuing a token: the refusal, or None."""
    if not required_for(user):
        return None
    if (
        not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and not StaticDevice.objects.filter(user=user).exists()
    ):
        return ERR_NO_FACTOR
    if not code:
        return ERR_CODE_MISSING
    try:
        verify_code(user, code)
    except ValidationFailed as exc:
        return exc.message
    return None
