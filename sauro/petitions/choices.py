"""Choices of the petitions domain (tiếp công dân, đơn thư): kinds of letters, complexity, the statutory deadlines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionKind(models.TextChoices):
    """What a letter is, by its content: the kind decides which statutory deadlines apply."""

    KHIEU_NAI_1 = "khieu_nai_1", _("Khiếu nại lần đầu")
    KHIEU_NAI_2 = "khieu_nai_2", _("Khiếu nại lần hai")
    TO_CAO = "to_cao", _("Tố cáo")
    KIEN_NGHI = "kien_nghi", _("Kiến nghị")
    PHAN_ANH = "phan_anh", _("Phản ánh")


class Complexity(models.TextChoices):
    """How complex a case is, as the deciding body records it; it lengthens the resolution period."""

    NORMAL = "normal", _("Thông thường")
    COMPLEX = "complex", _("Phức tạp")
    VERY_COMPLEX = "very_complex", _("Đặc biệt phức tạp")


# A rule written for a complexity also serves the more complex cases that have no rule of their own (a "very
# complex" complaint gets the "complex" period: the law on complaints knows only "phức tạp").
COMPLEXITY_ORDER: tuple[str, ...] = (Complexity.NORMAL, Complexity.COMPLEX, Complexity.VERY_COMPLEX)


class DeadlineKey(models.TextChoices):
    """The statutory deadlines of a letter (the keys of ``sauro petitions deadlines --json``)."""

    HANDLING = "handling", _("Xử lý đơn")
    HANDLING_MAX = "handling_max", _("Xử lý đơn (tối đa, khi phải xác minh)")
    TRANSFER = "transfer", _("Chuyển đơn đến cơ quan có thẩm quyền")
    ACCEPTANCE = "acceptance", _("Thụ lý")
    RESOLUTION = "resolution", _("Giải quyết")
    RESOLUTION_MAX = "resolution_max", _("Giải quyết (tối đa, khi gia hạn)")


# The order deadlines are listed in (the CLI's table, the JSON's keys, later the letter's page).
DEADLINE_KEY_ORDER: tuple[str, ...] = tuple(DeadlineKey.values)


class DayUnit(models.TextChoices):
    """How a period is counted: working days only, or every day with a last day off moved to the next working day."""

    WORKING = "working", _("ngày làm việc")
    CALENDAR = "calendar", _("ngày")


class CountedFrom(models.TextChoices):
    """The event a period runs from; it starts the day after."""

    RECEIPT = "receipt", _("ngày nhận đơn")
    ACCEPTANCE = "acceptance", _("ngày thụ lý")
