from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã giao")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    SUBMITTED = "submitted", _("Chờ thẩm quyền duyệt")
    RETURNED = "returned", _("Bị trả lại")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Dừng thực hiện")


# States in which a task is under way (counted as "chưa hoàn thành").
OPEN_STATES = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED)


class ReportingState(models.TextChoices):
    """The Government Office's four states for a period, plus ongoing tasks counted apart (PRODUCT §6)."""

    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    OPEN_ON_TIME = "open_on_time", _("Chưa hoàn thành – trong hạn")
    OPEN_OVERDUE = "open_overdue", _("Chưa hoàn thành – quá hạn")
    ONGOING = "ongoing", _("Thường xuyên")


class ProductKind(models.TextChoices):
    REPORT = "report", _("Báo cáo")
    SCHEME = "scheme", _("Đề án")
    PLAN = "plan", _("Kế hoạch")
    SUBMISSION = "submission", _("Tờ trình")
    DRAFT_DOCUMENT = "draft_document", _("Dự thảo văn bản")
    DECISION = "decision", _("Quyết định")
    CONFERENCE = "conference", _("Hội nghị được tổ chức")
    DATA = "data", _("Số liệu")
    OTHER = "other", _("Khác")


class Classification(models.TextChoices):
    """Tuyệt mật is refused by design (Quy chế 08-QC/TW): it is not a choice here."""

    NORMAL = "normal", _("Thường")
    SECRET = "secret", _("Mật")


class Recurrence(models.TextChoices):
    NONE = "", _("Không lặp lại")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class ReviewCadence(models.TextChoices):
    """How often an ongoing (thường xuyên) task is reviewed."""

    NONE = "", _("Không")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đồng ý")
    REJECTED = "rejected", _("Không đồng ý")


class SubmissionOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Được duyệt")
    RETURNED = "returned", _("Bị trả lại")


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo dự thảo")
    EDITED = "edited", _("Sửa dự thảo")
    ISSUED = "issued", _("Giao nhiệm vụ")
    ACCEPTED = "accepted", _("Tiếp nhận, phân công")
    SUBMITTED = "submitted", _("Gửi sản phẩm")
    APPROVED = "approved", _("Duyệt sản phẩm")
    RETURNED = "returned", _("Trả lại")
    CANCELLED = "cancelled", _("Dừng thực hiện")
    FOCUS_CHANGED = "focus_changed", _("Đổi đánh dấu trọng tâm")
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
    EXTENSION_DECIDED = "extension_decided", _("Quyết định gia hạn")
    REASSIGNMENT_REQUESTED = "reassignment_requested", _("Đề nghị điều chỉnh đơn vị chủ trì")
    REASSIGNMENT_DECIDED = "reassignment_decided", _("Quyết định điều chỉnh đơn vị chủ trì")
    UNIT_SUCCEEDED = "unit_succeeded", _("Chuyển sang đơn vị kế thừa")
    HANDED_OVER = "handed_over", _("Bàn giao khi cán bộ thôi giữ vai trò")
    GENERATED = "generated", _("Tạo theo định kỳ")
    PROGRESS = "progress", _("Cập nhật tiến độ")
    OBSTACLE_RAISED = "obstacle_raised", _("Báo cáo khó khăn, vướng mắc")
    OBSTACLE_ANSWERED = "obstacle_answered", _("Trả lời khó khăn, vướng mắc")
    OBSTACLE_ESCALATED = "obstacle_escalated", _("Chuyển khó khăn, vướng mắc lên cấp trên")
    CONFIDENCE_RATED = "confidence_rated", _("Đánh giá khả năng hoàn thành")
    ESCALATED = "escalated", _("Báo cáo cấp trên: nhiệm vụ chậm chuyển bước")


# Events by which the people working on a task report on it: each counts as an update (PRODUCT §7).
UPDATE_EVENT_KINDS = frozenset({EventKind.ACCEPTED, EventKind.PROGRESS, EventKind.SUBMITTED, EventKind.OBSTACLE_RAISED})


class Confidence(models.TextChoices):
    """Delivery confidence as rated by the monitoring office (PRODUCT §6): will the task be delivered?"""

    GREEN = "green", _("Xanh")
    GREEN_AMBER = "green_amber", _("Xanh - vàng")
    AMBER = "amber", _("Vàng")
    AMBER_RED = "amber_red", _("Vàng - đỏ")
    RED = "red", _("Đỏ")


# From most to least confident: a move towards the start is an improvement.
CONFIDENCE_ORDER = (Confidence.GREEN, Confidence.GREEN_AMBER, Confidence.AMBER, Confidence.AMBER_RED, Confidence.RED)


class Trend(models.TextChoices):
    IMPROVING = "improving", _("Cải thiện")
    STABLE = "stable", _("Không đổi")
    WORSENING = "worsening", _("Xấu đi")


# A task bounced between units this many times is flagged as possible đùn đẩy (PRODUCT §6).
BUCK_PASSING_THRESHOLD = 3
