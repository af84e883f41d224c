"""In-app notifications (the bell) and each person's choice of how they are also sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.notifications.choices import EmailMode, EmailState, NotificationKind

USER = settings.AUTH_USER_MODEL


class Notification(models.Model):
    """One message to one person, linking to the object it is about (``url``), read or not.

    ``email_state`` follows the e-mail copy: pending until the immediate job or the daily digest sends it,
    ``not_needed`` when the person wants no e-mail or has no address.

    Its *reason* is its ``kind`` and what it is about: the task (``task``) and, finer, ``subject`` (``obstacle:12``,
    ``extension:3``, ``reassignment:4``, ``report_duty:7``; empty when the task is the subject). When the reason is
    gone (the product decided, the obstacle answered, the task cancelled…) the notification is *resolved* for
    everyone it was sent to (``services.resolve_for``): it stays in the list, greyed, and leaves the bell.
    """

    recipient = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    kind = models.CharField(_("loại"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("nhiệm vụ")
    )
    created_at = models.DateTimeField(_("thời điểm"))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_state = models.CharField(
        _("thư điện tử"), max_length=12, choices=EmailState.choices, default=EmailState.NOT_NEEDED
    )
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    subject = models.CharField(_("đối tượng"), max_length=40, blank=True, default="")
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    resolved_by_name = models.CharField(_("người xử lý"), max_length=150, blank=True, default="")
    resolved_reason = models.CharField(_("lý do đã xử lý"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_recipient_unread"),
            # The bell: what still needs the person (unread and its reason not gone), counted by kind.
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(read_at__isnull=True, resolved_at__isnull=True),
                name="notif_recipient_pending",
            ),
            # Resolving by a finer subject than the task (an obstacle, a request, a report duty).
            models.Index(
                fields=["subject", "kind"],
                condition=Q(resolved_at__isnull=True) & ~Q(subject=""),
                name="notif_subject_open",
            ),
            models.Index(
                fields=["email_state", "recipient"], condition=Q(email_state="pending"), name="notif_email_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_pending(self) -> bool:
        """Still needs the person: unread, and its reason not gone."""
        return self.read_at is None and self.resolved_at is None


class NotificationPreference(models.Model):
    """A person's choice of e-mail delivery. No row means the default (immediate)."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="notification_preference", verbose_name=_("người dùng")
    )
    email_mode = models.CharField(
        _("nhận thư điện tử"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"
