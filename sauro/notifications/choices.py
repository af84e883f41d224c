from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailMode(models.TextChoices):
    """How a person wants notifications by e-mail; in-app notifications are always kept."""

    IMMEDIATE = "immediate", _("Gửi ngay từng thông báo")
    DIGEST = "digest", _("Gửi một thư tổng hợp mỗi ngày")
    NONE = "none", _("Không gửi thư, chỉ xem trong hệ thống")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    NOT_NEEDED = "not_needed", _("Không gửi")
    FAILED = "failed", _("Gửi không thành công")


class NotificationKind(models.TextChoices):
    # the task's life
    TASK_ISSUED = "task_issued", _("Nhiệm vụ mới được giao")
    TASK_ACCEPTED = "task_accepted", _("Nhiệm vụ đã được tiếp nhận, phân công")
    TASK_SUBMITTED = "task_submitted", _("Sản phẩm chờ duyệt")
    TASK_APPROVED = "task_approved", _("Sản phẩm được duyệt")
    TASK_RETURNED = "task_returned", _("Sản phẩm bị trả lại")
    TASK_CANCELLED = "task_cancelled", _("Nhiệm vụ dừng thực hiện")
    REQUEST_NEW = "request_new", _("Đề nghị chờ quyết định")
    REQUEST_DECIDED = "request_decided", _("Đề nghị đã được quyết định")
    # obstacles
    OBSTACLE_RAISED = "obstacle_raised", _("Khó khăn, vướng mắc cần cho ý kiến")
    OBSTACLE_ANSWERED = "obstacle_answered", _("Khó khăn, vướng mắc đã được trả lời")
    OBSTACLE_ESCALATED = "obstacle_escalated", _("Khó khăn, vướng mắc quá hạn trả lời")
    # reminders and escalation
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    DUE_TODAY = "due_today", _("Đến hạn hôm nay")
    OVERDUE = "overdue", _("Quá hạn")
    NO_UPDATE = "no_update", _("Lâu chưa cập nhật tiến độ")
    STUCK = "stuck", _("Nhiệm vụ chậm chuyển bước")
    CONFIDENCE = "confidence", _("Đánh giá khả năng hoàn thành")
    # a task's discussion
    MENTIONED = "mentioned", _("Được nhắc đến trong trao đổi")
    # the person's own account
    LOGIN_LOCKED = "login_locked", _("Đăng nhập bị tạm khóa")
