from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """Report kinds of the reporting regime (chế độ báo cáo, after Nghị định 09/2019/NĐ-CP; PRODUCT §8)."""

    MONTHLY = "monthly", _("Báo cáo tháng")
    QUARTERLY = "quarterly", _("Báo cáo quý")
    HALF_YEAR = "half_year", _("Báo cáo 6 tháng")
    NINE_MONTH = "nine_month", _("Báo cáo 9 tháng")
    YEARLY = "yearly", _("Báo cáo năm")
    AD_HOC = "ad_hoc", _("Báo cáo đột xuất")


class DutyState(models.TextChoices):
    PENDING = "pending", _("Chưa gửi")
    SUBMITTED = "submitted", _("Đã gửi")


class Timeliness(models.TextChoices):
    """How a duty stands on a day: sent by its due day, sent after it, not sent and overdue, not yet due."""

    ON_TIME = "on_time", _("Gửi đúng hạn")
    LATE = "late", _("Gửi quá hạn")
    MISSING = "missing", _("Chưa gửi – quá hạn")
    NOT_DUE = "not_due", _("Chưa đến hạn")


class RegimeScope(models.TextChoices):
    """Which units of a committee a regime applies to."""

    AGENCIES_AND_COMMUNES = "agencies_communes", _("Các cơ quan tham mưu, đảng ủy trực thuộc, đảng ủy xã, phường")
    AGENCIES = "agencies", _("Các cơ quan tham mưu, đảng ủy trực thuộc")
    COMMUNES = "communes", _("Các đảng ủy xã, phường")
