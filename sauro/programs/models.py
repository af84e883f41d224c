"""Work programs (chương trình công tác năm, quý) of a unit and their items (PRODUCT §8).

A program belongs to one unit for one year and, for a quarterly program, one quarter (``quarter`` empty: the
annual program); a unit has at most one program per period. Its items are the rows of the spreadsheet the unit
keeps: each has its own ``key`` (the "STT/Mã mục" of the sheet, e.g. "2.3"), unique in the program, by which a
re-import updates the item instead of adding it again. An item becomes a task (a draft prefilled from it) or is
linked to an existing task; ``version`` on both refuses stale edits (409).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.programs.choices import MONTH_CHOICES, QUARTER_CHOICES, ROMAN_QUARTERS, ProgramState
from sauro.tasks.choices import ProductKind

MIN_YEAR = 2000
MAX_YEAR = 2100
KEY_MAX_LENGTH = 20


class WorkProgram(models.Model):
    """The annual (``quarter`` empty) or quarterly program of work of one unit."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="work_programs", verbose_name=_("cơ quan, đơn vị")
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True, choices=QUARTER_CHOICES)
    title = models.CharField(_("tên chương trình"), max_length=300)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ProgramState.choices, default=ProgramState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("chương trình công tác")
        verbose_name_plural = _("chương trình công tác")
        ordering = ["-year", "quarter", "unit__sort_order", "id"]
        indexes = [models.Index(fields=["year", "quarter"], name="workprogram_period")]
        constraints = [
            # Two conditional constraints: NULL quarters are distinct for a plain unique constraint.
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="workprogram_unique_quarter",
            ),
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(quarter__isnull=True), name="workprogram_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="workprogram_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.quarter is None:
            return f"Năm {self.year}"
        return f"Quý {ROMAN_QUARTERS.get(self.quarter, self.quarter)}/{self.year}"


class WorkProgramItem(models.Model):
    """One row of a program: what is to be done, in which month or quarter, led by whom, with what product."""

    program = models.ForeignKey(
        WorkProgram, on_delete=models.CASCADE, related_name="items", verbose_name=_("chương trình công tác")
    )
    key = models.CharField(_("STT/mã mục"), max_length=KEY_MAX_LENGTH)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True, choices=MONTH_CHOICES)
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True, choices=QUARTER_CHOICES)
    content = models.TextField(_("nội dung công việc"))
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_program_items",
        verbose_name=_("đơn vị chủ trì"),
    )
    coordinating = models.CharField(_("đơn vị phối hợp"), max_length=500, blank=True)
    product = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    product_kind = models.CharField(_("loại sản phẩm"), max_length=20, choices=ProductKind.choices, blank=True)
    due_date = models.DateField(_("thời hạn"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_items",
        verbose_name=_("nhiệm vụ"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("mục chương trình công tác")
        verbose_name_plural = _("mục chương trình công tác")
        ordering = ["program", "quarter", "month", "position", "id"]
        indexes = [models.Index(fields=["program", "quarter", "month"], name="workprogramitem_period")]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="workprogramitem_unique_key"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="workprogramitem_month_range"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="workprogramitem_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}. {self.content[:80]}"
