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
    TASKS_HANDED_OVER = "tasks_handed_over", _("Nhiệm vụ được bàn giao khi cán bộ thôi giữ vai trò")
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
    # citizens' petitions (issue 19, point 7)
    HOTSPOT = "hotspot", _("Cảnh báo điểm nóng đơn thư")
    # the person's own account
    LOGIN_LOCKED = "login_locked", _("Đăng nhập bị tạm khóa")


# Kinds that ask something of the person (to accept, decide, answer, report, act before a date): the bell counts
# these while they are unread and their reason is not gone. The other kinds only inform (a decision taken, an
# answer given); they stay unread in the list and are named apart in the bell's menu.
ACTION_KINDS = frozenset(
    {
        NotificationKind.TASK_ISSUED,
        NotificationKind.TASK_ACCEPTED,
        NotificationKind.TASK_SUBMITTED,
        NotificationKind.TASK_RETURNED,
        NotificationKind.REQUEST_NEW,
        NotificationKind.TASKS_HANDED_OVER,  # the head now carries the tasks: to assign again or follow
        NotificationKind.OBSTACLE_RAISED,
        NotificationKind.OBSTACLE_ESCALATED,
        # Sent to whoever raised the obstacle and works on the task: the answer is what they act on next.
        NotificationKind.OBSTACLE_ANSWERED,
        NotificationKind.DUE_SOON,
        NotificationKind.DUE_TODAY,
        NotificationKind.OVERDUE,
        NotificationKind.NO_UPDATE,
        NotificationKind.STUCK,
        NotificationKind.LOGIN_LOCKED,
        NotificationKind.MENTIONED,  # someone asks me something in a task's discussion
        NotificationKind.HOTSPOT,  # a hot spot the unit head and Văn phòng must look into
    }
)

# How a group of notifications of one kind is named ("12 sản phẩm chờ duyệt").
GROUP_PHRASES: dict[str, str] = {
    NotificationKind.TASK_ISSUED: "{n} nhiệm vụ mới được giao",
    NotificationKind.TASK_ACCEPTED: "{n} nhiệm vụ được phân công",
    NotificationKind.TASK_SUBMITTED: "{n} sản phẩm chờ duyệt",
    NotificationKind.TASK_APPROVED: "{n} sản phẩm được duyệt",
    NotificationKind.TASK_RETURNED: "{n} sản phẩm bị trả lại",
    NotificationKind.TASK_CANCELLED: "{n} nhiệm vụ dừng thực hiện",
    NotificationKind.REQUEST_NEW: "{n} đề nghị chờ quyết định",
    NotificationKind.REQUEST_DECIDED: "{n} đề nghị đã được quyết định",
    NotificationKind.TASKS_HANDED_OVER: "{n} lần bàn giao nhiệm vụ khi cán bộ thôi giữ vai trò",
    NotificationKind.OBSTACLE_RAISED: "{n} khó khăn, vướng mắc cần cho ý kiến",
    NotificationKind.OBSTACLE_ANSWERED: "{n} khó khăn, vướng mắc đã được trả lời",
    NotificationKind.OBSTACLE_ESCALATED: "{n} khó khăn, vướng mắc quá hạn trả lời",
    NotificationKind.DUE_SOON: "{n} việc sắp đến hạn",
    NotificationKind.DUE_TODAY: "{n} việc đến hạn hôm nay",
    NotificationKind.OVERDUE: "{n} việc quá hạn",
    NotificationKind.NO_UPDATE: "{n} nhiệm vụ lâu chưa cập nhật tiến độ",
    NotificationKind.STUCK: "{n} nhiệm vụ chậm chuyển bước",
    NotificationKind.CONFIDENCE: "{n} đánh giá khả năng hoàn thành",
    NotificationKind.LOGIN_LOCKED: "{n} lần tài khoản bị tạm khóa đăng nhập",
    NotificationKind.MENTIONED: "{n} lần được nhắc đến trong trao đổi",
    NotificationKind.HOTSPOT: "{n} cảnh báo điểm nóng đơn thư",
}


def group_phrase(kind: str, n: int) -> str:
    """``12 sản phẩm chờ duyệt``: a group of ``n`` notifications of ``kind``."""
    phrase = GROUP_PHRASES.get(kind)
    if phrase is None:
        label = NotificationKind(kind).label if kind in NotificationKind.values else kind
        return f"{n} thông báo: {label}"
    return phrase.format(n=n)
