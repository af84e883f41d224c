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
