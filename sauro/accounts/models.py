"""People who use the system and their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sauro.accounts.choices import TokenScope
from sauro.common import clock


class User(AbstractUser):
    """A person: an official of a unit, an inspector, or the system administrator.

    Roles are not kept here: they come from memberships (org.Membership), one per unit and role, each
    with a validity period.
    """

    full_name = models.CharField(_("họ và tên"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        # Remembered until saved, as ``set_password`` keeps ``_password``: saving then revokes the person's API
        # tokens (accounts.signals).
        self.password_dropped = True


class ApiToken(models.Model):
    """A per-user, revocable API token that expires. Only a SHA-256 digest of the secret is stored.

    A token dies at ``expires_at`` (at most ``SAURO_API_TOKEN_DAYS`` after its issue), when revoked by its owner,
    and when its owner's password changes or the owner is deactivated (``accounts.signals``). A ``read`` token
    may only read (``accounts.auth.TokenAuth``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên"), max_length=100, blank=True)
    prefix = models.CharField(_("tiền tố"), max_length=16, help_text=_("Phần đầu của mã để nhận diện."))
    digest = models.CharField(_("mã băm"), max_length=64, unique=True)
    scope = models.CharField(_("quyền"), max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def read_only(self) -> bool:
        return self.scope == TokenScope.READ
