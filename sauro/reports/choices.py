from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds belong to the reporting regime's periods (a lower floor); the reports app's models and forms use them.
from sauro.periods.choices import ReportKind

__all__ = ["DutyState", "RegimeScope", "ReportKind", "Timeliness"]


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
