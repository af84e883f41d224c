"""The discussion thread of a task: comments (plain text, @mentions, files), edited and deleted in place, every
change journalled with the body before and after (``discussions.services``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Comment(models.Model):
    """One message in a task's thread. ``version`` counts edits (a stale edit is a conflict); a deleted comment keeps
    its place in the thread ("đã xóa") but not its text or files; ``mentions`` are the people it names with
    ``@username``, each notified once."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="comments", verbose_name=_("nhiệm vụ")
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người viết"))
    body = models.TextField(_("nội dung trao đổi"), blank=True)
    created_at = models.DateTimeField(_("viết lúc"))
    edited_at = models.DateTimeField(_("sửa lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    deleted = models.BooleanField(_("đã xóa"), default=False)
    mentions: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("người được nhắc đến")
    )

    class Meta:
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at", "id"], name="comment_task_time")]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.pk}"

    @property
    def anchor(self) -> str:
        return f"trao-doi-{self.pk}"


class CommentFile(models.Model):
    """A file attached to a comment (checked by ``common.uploads``); ``content_type`` is what the check found."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="files", verbose_name=_("trao đổi"))
    file = models.FileField(_("tệp"), upload_to="discussions/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)

    class Meta:
        verbose_name = _("tệp đính kèm trao đổi")
        verbose_name_plural = _("tệp đính kèm trao đổi")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
