from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")


MONTH_CHOICES = [(m, f"Tháng {m}") for m in range(1, 13)]
QUARTER_CHOICES = [(1, _("Quý I")), (2, _("Quý II")), (3, _("Quý III")), (4, _("Quý IV"))]
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_of_month(month: int) -> int:
    return (month - 1) // 3 + 1
