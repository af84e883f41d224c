from __future__ import annotations

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
