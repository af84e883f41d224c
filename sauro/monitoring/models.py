"""Monitoring of tasks (PRODUCT §6–§7): progress updates, obstacles, delivery confidence, reminders sent and the
updates each lead unit owes (update discipline)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.monitoring.choices import EscalationLevel, ExpectationReason, ObstacleState, ReminderKind
from sauro.tasks.choices import Confidence, Trend

USER = settings.AUTH_USER_MODEL


class ProgressUpdate(models.Model):
    """A report on a task by the people working on it: what was done this period, what comes next, how far."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("nhiệm vụ")
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người cập nhật"))
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chủ trì lúc cập nhật")
    )
    created_at = models.DateTimeField(_("cập nhật lúc"))
    recorded_on = models.DateField(_("ngày cập nhật"))
    done = models.TextField(_("kết quả thực hiện trong kỳ"))
    next_steps = models.TextField(_("nhiệm vụ tiếp theo"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # [{"name": "Số đảng viên mới kết nạp", "value": "120", "unit": "người"}, …]
    indicators = models.JSONField(_("chỉ tiêu, số liệu"), default=list, blank=True)

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["task", "-created_at"], name="progress_task_recent")]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_max_100")]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.percent}%"


class ProgressAttachment(models.Model):
    """A file attached to a progress update; ``content_type`` is what the server found in its first bytes."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("cập nhật")
    )
    file = models.FileField(_("tệp"), upload_to="progress/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)

    class Meta:
        verbose_name = _("tệp đính kèm cập nhật")
        verbose_name_plural = _("tệp đính kèm cập nhật")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Obstacle(models.Model):
    """A difficulty (khó khăn, vướng mắc) met on a task, with the mandatory proposal for solving it.

    ``decider_unit`` is the body asked to decide (at or above the lead unit). ``waiting_on`` is who must answer
    now: the decider, then one level up, then the monitoring office, as ``response_due_on`` passes unanswered.
    """

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="obstacles", verbose_name=_("nhiệm vụ")
    )
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người báo cáo"))
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chủ trì")
    )
    raised_at = models.DateTimeField(_("báo cáo lúc"))
    raised_on = models.DateField(_("ngày báo cáo"))
    description = models.TextField(_("khó khăn, vướng mắc"))
    proposal = models.TextField(_("đề xuất, kiến nghị"))
    decider_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp được đề nghị cho ý kiến")
    )
    waiting_on = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đang chờ ý kiến của")
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("mức chuyển lên"), choices=EscalationLevel.choices, default=EscalationLevel.DECIDER
    )
    escalated_on = models.DateField(_("ngày chuyển lên"), null=True, blank=True)
    response_due_on = models.DateField(_("hạn trả lời"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=ObstacleState.choices, default=ObstacleState.OPEN)
    answer = models.TextField(_("ý kiến trả lời"), blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người trả lời")
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)

    class Meta:
        verbose_name = _("khó khăn, vướng mắc")
        verbose_name_plural = _("khó khăn, vướng mắc")
        ordering = ["raised_at", "id"]
        indexes = [
            models.Index(fields=["state", "raised_on", "id"], name="obstacle_state_age"),
            # The league table: obstacles answered in a period.
            models.Index(fields=["state", "answered_on"], name="obstacle_state_answered"),
            models.Index(fields=["state", "response_due_on"], name="obstacle_state_due"),
            models.Index(fields=["waiting_on", "state"], name="obstacle_waiting_state"),
            models.Index(fields=["task", "state"], name="obstacle_task_state"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.state == ObstacleState.OPEN


class ConfidenceRating(models.Model):
    """The monitoring office's rating of whether a task will be delivered, with its trend; the history is kept."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="confidence_ratings", verbose_name=_("nhiệm vụ")
    )
    level = models.CharField(_("khả năng hoàn thành"), max_length=12, choices=Confidence.choices)
    trend = models.CharField(_("xu hướng"), max_length=10, choices=Trend.choices)
    note = models.TextField(_("nhận xét"), blank=True)
    rated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đánh giá"))
    rated_at = models.DateTimeField(_("đánh giá lúc"))
    rated_on = models.DateField(_("ngày đánh giá"))

    class Meta:
        verbose_name = _("đánh giá khả năng hoàn thành")
        verbose_name_plural = _("đánh giá khả năng hoàn thành")
        ordering = ["-rated_at", "-id"]
        indexes = [models.Index(fields=["task", "-rated_at"], name="confidence_task_recent")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.level}"


class ReminderLog(models.Model):
    """A reminder or escalation already sent: the unique key makes each (task, kind, day) happen at most once,
    whoever runs the pass and however often (``subject`` tells apart e.g. two obstacles of one task)."""

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="+", verbose_name=_("nhiệm vụ"))
    kind = models.CharField(_("loại"), max_length=24, choices=ReminderKind.choices)
    day = models.DateField(_("ngày"))
    subject = models.CharField(_("đối tượng"), max_length=40, blank=True, default="")
    created_at = models.DateTimeField(_("thời điểm"))
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("lượt nhắc việc")
        verbose_name_plural = _("lượt nhắc việc")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "day", "subject"], name="reminder_once_per_day"),
        ]
        indexes = [models.Index(fields=["task", "kind", "-day"], name="reminder_task_kind_day")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.day}"


class UpdateExpectation(models.Model):
    """An update the lead unit owes on a task (update discipline, PRODUCT §7).

    Opened when something asks the unit to report — the task is issued to it, its product is returned, an obstacle
    it raised is answered, or it was nudged for going quiet — and due within the update window (the same working
    day for urgent directives, 1–2 working days otherwise). Fulfilled by the unit's next update (acceptance,
    progress update, product, obstacle). Late when fulfilled after ``due_on``, or still open after it.
    """

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="update_expectations", verbose_name=_("nhiệm vụ")
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    reason = models.CharField(_("lý do"), max_length=20, choices=ExpectationReason.choices)
    opened_on = models.DateField(_("từ ngày"))
    due_on = models.DateField(_("hạn cập nhật"))
    fulfilled_on = models.DateField(_("đã cập nhật ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu cập nhật")
        verbose_name_plural = _("yêu cầu cập nhật")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "due_on"], name="expectation_unit_due"),
            models.Index(fields=["task"], condition=Q(fulfilled_on__isnull=True), name="expectation_open"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.reason} → {self.due_on}"

    @property
    def is_late(self) -> bool:
        return self.fulfilled_on is not None and self.fulfilled_on > self.due_on
