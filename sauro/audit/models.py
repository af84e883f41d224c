"""The audit journal: one append-only, hash-chained row per business event."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One business event: who, when, what, before/after.

    Each row carries the HMAC-SHA256, under a key kept outside the database (``audit.keys``), of its own content
    and of the previous row's hash (``prev_hash``), and ``seq``
    runs without gaps, so editing or deleting any row behind the application's back breaks the chain at
    that row (``sauro audit verify``). Rows are written only by ``audit.services.audit_record`` inside the
    transaction of the business change they describe.
    """

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    unit_id_snapshot = models.BigIntegerField(_("đơn vị liên quan"), null=True, blank=True, db_index=True)
    summary = models.TextField(_("tóm tắt"), blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    prev_hash = models.CharField(_("mã băm trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit entries are append-only.")


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers chain one after another."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditCheckpoint(models.Model):
    """A copy of one line of the checkpoint file (``audit.checkpoints``): the head anchored at a moment.

    The file outside the database is the anchor; these rows let the journal page list the latest checkpoints and
    let ``verify`` notice a file cut short (a row whose line is no longer in the file).
    """

    seq = models.PositiveBigIntegerField(_("số thứ tự đầu chuỗi"))
    hash = models.CharField(_("mã băm đầu chuỗi"), max_length=64)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    key_id = models.CharField(_("dấu khóa"), max_length=16)
    mac = models.CharField(_("mã xác thực dòng"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("mốc kiểm nhật ký")
        verbose_name_plural = _("mốc kiểm nhật ký")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditVerification(models.Model):
    """The outcome of one full check of the journal (``sauro audit verify``, or the worker once a day)."""

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    ok = models.BooleanField(_("toàn vẹn"))
    checked = models.PositiveBigIntegerField(_("số mục đã kiểm tra"))
    checkpoints = models.PositiveIntegerField(_("số mốc kiểm đã đối chiếu"), default=0)
    bad_seq = models.PositiveBigIntegerField(_("mục hỏng"), null=True, blank=True)
    problem = models.TextField(_("vấn đề"), blank=True)

    class Meta:
        verbose_name = _("lần kiểm tra nhật ký")
        verbose_name_plural = _("các lần kiểm tra nhật ký")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'lỗi'}"
