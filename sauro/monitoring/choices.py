from django.db import models
from django.utils.translation import gettext_lazy as _


class ObstacleState(models.TextChoices):
    OPEN = "open", _("Chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")


class EscalationLevel(models.IntegerChoices):
    """Who an unanswered obstacle waits on: the body asked, one level up, then the monitoring office."""

    DECIDER = 0, _("Cấp được đề nghị")
    ONE_UP = 1, _("Cấp trên trực tiếp")
    OFFICE = 2, _("Văn phòng theo dõi, đôn đốc")


class ReminderKind(models.TextChoices):
    """What a reminder pass sends; with the day and the subject it is the key of at-most-once delivery."""

    DUE_BEFORE = "due_before", _("Nhắc trước hạn")
    DUE_TODAY = "due_today", _("Nhắc đến hạn")
    OVERDUE = "overdue", _("Nhắc quá hạn")
    NO_UPDATE = "no_update", _("Nhắc cập nhật tiến độ")
    STUCK_HEAD = "stuck_head", _("Báo lãnh đạo đơn vị: nhiệm vụ chậm chuyển bước")
    STUCK_OFFICE = "stuck_office", _("Báo Văn phòng: nhiệm vụ chậm chuyển bước")
    OVERDUE_LEADER = "overdue_leader", _("Báo lãnh đạo phụ trách: nhiệm vụ quá hạn")
    OVERDUE_OFFICE = "overdue_office", _("Báo Văn phòng: nhiệm vụ quá hạn")
    OBSTACLE_ESCALATION = "obstacle_escalation", _("Chuyển khó khăn, vướng mắc quá hạn lên cấp trên")


class ExpectationReason(models.TextChoices):
    """Why the lead unit is expected to update a task (update discipline, PRODUCT §7)."""

    ISSUED = "issued", _("Nhiệm vụ mới được giao")
    RETURNED = "returned", _("Sản phẩm bị trả lại")
    OBSTACLE_ANSWERED = "obstacle_answered", _("Khó khăn, vướng mắc đã được trả lời")
    NUDGED = "nudged", _("Đã nhắc cập nhật tiến độ")
