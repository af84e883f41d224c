"""The override table of the working-day calendar: the year's decisions that the statutory rules cannot know."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauro.common.calendar.lunar import MAX_YEAR, MIN_YEAR

DATE_OUT_OF_RANGE = _("Lịch làm việc chỉ hỗ trợ các năm từ %(min)d đến %(max)d.")


class WorkdayOverrideQuerySet(models.QuerySet["WorkdayOverride"]):
    def update(self, **kwargs: Any) -> int:
        # The calendar cache is keyed by the latest ``updated_at``: a bulk update must move it too.
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class WorkdayOverride(models.Model):
    """One date whose status (working day or day off) is decided by a document rather than by the rules.

    The working-day calendar (``sauro.common.calendar``) applies the Labour Code's holidays and nghỉ bù by
    itself; this table records what those rules cannot know: the Prime Minister's yearly layout of Tết and
    Quốc khánh, swaps of working days (a Friday off, a Saturday worked in exchange), and holidays added after
    the code was written. An override always wins over the rules, and every row names the document it
    rests on. The calendar reads the table at each call, so a change applies at once in every process.
    """

    date = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(
        _("là ngày làm việc"),
        default=False,
        help_text=_("Đánh dấu nếu phải đi làm vào ngày này (ví dụ thứ Bảy làm bù); bỏ trống nếu là ngày nghỉ."),
    )
    name = models.CharField(
        _("tên / lý do"), max_length=200, help_text=_("Ví dụ: “Nghỉ Tết Dương lịch (hoán đổi)”, “Làm bù”.")
    )
    citing_document = models.CharField(
        _("văn bản căn cứ"),
        max_length=500,
        help_text=_("Số, ngày và cơ quan ban hành văn bản; nếu chưa rõ số hiệu, mô tả văn bản một cách trung thực."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = WorkdayOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")
        ordering = ["-date"]

    def __str__(self) -> str:
        status = _("làm việc") if self.is_working_day else _("nghỉ")
        return f"{self.date:%d/%m/%Y} ({status}): {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.date is not None and not MIN_YEAR <= self.date.year <= MAX_YEAR:
            raise ValidationError({"date": DATE_OUT_OF_RANGE % {"min": MIN_YEAR, "max": MAX_YEAR}})
