from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    """What an API token may do: a read-only token may only read (GET, HEAD, OPTIONS)."""

    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")
