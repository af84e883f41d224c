"""The register of meetings (giảm hội họp không cần thiết): who met, how long, how many people, whether a document
would have done, and the notice of conclusions (thông báo kết luận) the meeting led to — a directive whose tasks go
through the same proposals as any other."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.directives.models import Directive
from sauro.meetings.choices import MeetingKind
from sauro.org.models import Unit

MAX_DURATION_MINUTES = 24 * 60
MAX_ATTENDEES = 100_000


class Meeting(models.Model):
    """One meeting held by a unit (``host_unit``), chaired by a person, with the units taking part.

    ``conclusion`` is the directive (a Thông báo kết luận) recording what the meeting concluded; a directive concludes
    at most one meeting. ``version`` grows with every edit so that a stale edit is refused (409)."""

    kind = models.CharField(_("loại cuộc họp"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("nội dung cuộc họp"), max_length=500)
    held_on = models.DateField(_("ngày họp"))
    starts_at = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người chủ trì")
    )
    host_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="hosted_meetings", verbose_name=_("đơn vị chủ trì")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="attended_meetings", verbose_name=_("đơn vị tham dự"))
    duration_minutes = models.PositiveIntegerField(
        _("thời lượng (phút)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    attendees = models.PositiveIntegerField(
        _("số người dự"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTENDEES)]
    )
    could_be_document = models.BooleanField(_("có thể thay bằng văn bản"), default=False)
    document_note = models.TextField(_("ghi chú về việc thay bằng văn bản"), blank=True)
    conclusion = models.ForeignKey(
        Directive,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("thông báo kết luận"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người vào sổ"),
    )
    created_at = models.DateTimeField(_("vào sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["-held_on", "-id"], name="meeting_held_desc"),
            models.Index(fields=["host_unit", "held_on"], name="meeting_unit_held"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conclusion"], condition=Q(conclusion__isnull=False), name="meeting_one_per_conclusion"
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="meeting_duration_positive"),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="meeting_attendees_positive"),
        ]

    def __str__(self) -> str:
        day = f" ngày {self.held_on:%d/%m/%Y}" if self.held_on else ""
        return f"{self.get_kind_display()}{day}: {self.title}"
