"""The one model of ``common``: the versions under which lists built from several tables are cached."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A number that moves whenever the data behind a cached list changes, in the transaction of the change.

    On PostgreSQL, database triggers move it (migration ``common.0001``), so every write counts, whatever makes it:
    services, the admin, a bulk load or an ``UPDATE`` typed in ``psql``. ``sauro.common.versioned`` reads it and
    keys caches with it. SQLite (the demo) has no triggers and caches nothing.
    """

    key = models.CharField(_("khóa"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("phiên bản"), default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self) -> str:
        return f"{self.key}: {self.version}"
