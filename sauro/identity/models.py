from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryAccount(models.Model):
    """An account that came from the agency's directory: the entry it is bound to (``sauro directory sync`` checks
    it) and when it was last brought in line."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_account",
        verbose_name=_("tài khoản"),
    )
    dn = models.CharField(_("mục trong danh bạ (DN)"), max_length=500)
    synced_at = models.DateTimeField(_("đồng bộ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản từ danh bạ")
        verbose_name_plural = _("tài khoản từ danh bạ")

    def __str__(self) -> str:
        return self.dn


class OidcAccount(models.Model):
    """An account bound to a person of the single sign-on provider: the pair (issuer, subject) is the person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_account", verbose_name=_("tài khoản")
    )
    issuer = models.CharField(_("nhà cung cấp (issuer)"), max_length=300)
    subject = models.CharField(_("mã người dùng (sub)"), max_length=255)
    created_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("đăng nhập lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản đăng nhập một lần")
        verbose_name_plural = _("tài khoản đăng nhập một lần")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="identity_oidc_subject")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class Passkey(models.Model):
    """A passkey (WebAuthn credential) a person registered as a second factor: the public key only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys", verbose_name=_("tài khoản")
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    credential_id = models.CharField(_("mã khóa (base64url)"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("khóa công khai"))
    sign_count = models.PositiveBigIntegerField(_("bộ đếm"), default=0)
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa truy cập (passkey)")
        verbose_name_plural = _("khóa truy cập (passkey)")

    def __str__(self) -> str:
        return self.name


class RememberedDevice(models.Model):
    """A browser a person trusted after the second factor ("ghi nhớ thiết bị này"): the cookie's secret is kept as a
    digest; revoked by its owner or when the time is up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="remembered_devices",
        verbose_name=_("tài khoản"),
    )
    digest = models.CharField(_("mã băm"), max_length=64, unique=True)
    label = models.CharField(_("thiết bị"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("ghi nhớ lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thiết bị được ghi nhớ")
        verbose_name_plural = _("thiết bị được ghi nhớ")

    def __str__(self) -> str:
        return self.label or str(self.pk)


class UserSession(models.Model):
    """One of a person's logged-in sessions (Django's session table is not indexed by person): written at login,
    its key followed when the session's key changes, removed at logout or when revoked (``identity.sessions``). The
    key is the one Django's ``django_session`` table keeps (the credential lives there); when the session was last
    used is read from that table's expiry, which Django moves at each refresh (``sessions.own_sessions``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions", verbose_name=_("tài khoản")
    )
    session_key = models.CharField(_("khóa phiên"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("đăng nhập lúc"))
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt (User-Agent)"), max_length=300, blank=True)

    # Read with the row by ``selectors.own_sessions`` (not columns): Django's expiry of the session, and when it was
    # last used.
    expires_at: datetime.datetime
    last_seen_at: datetime.datetime

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    def __str__(self) -> str:
        return f"{self.user_id} {self.device}"

    @property
    def device(self) -> str:
        """The browser and system the session was opened from, read from the User-Agent ("Chrome trên Windows")."""
        from sauro.identity.devices import device_label

        return device_label(self.user_agent)
