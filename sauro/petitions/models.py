"""Citizens' petitions (tiếp công dân, đơn thư; issue 19). So far the rule book of statutory deadlines; the register
of receptions and letters will come next and compute each letter's deadlines from it (``selectors.letter_deadlines``
takes the facts a letter will hold: kind, receipt and acceptance dates, complexity, remote area, suspensions)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.common.inputs import date_in_range, date_range_message
from sauro.petitions.choices import Complexity, CountedFrom, DayUnit, DeadlineKey, PetitionKind
from sauro.petitions.deadlines import Rule

MAX_PERIOD_DAYS = 366

ERR_EFFECTIVE_ORDER = _("Ngày hết hiệu lực phải sau hoặc trùng ngày bắt đầu hiệu lực.")
ERR_OVERLAP = _(
    "Đã có quy tắc cho cùng loại đơn, thời hạn, mức độ phức tạp và vùng, có hiệu lực trùng thời gian "
    "(phiên bản {version}, từ {start}{end}). Hãy cho quy tắc cũ hết hiệu lực trước ngày quy tắc mới bắt đầu."
)


class DeadlineRule(models.Model):
    """One rule of the statutory deadlines: for letters of ``kind`` received from ``effective_from`` to
    ``effective_to`` (both included, open-ended when empty), the deadline ``key`` falls ``count`` days (``unit``:
    working or calendar days) after the receipt or the acceptance (``counted_from``), for cases of ``complexity``
    (and more complex ones without a rule of their own), in remote areas only when ``remote``.

    Administrators edit the book in the Django admin (journalled); a change of the law is a new rule taking effect
    on a date, the old one given an end the day before, so letters received earlier keep their deadlines. Two rules
    for the same kind, key, complexity and area may not be in force on the same day (``clean``)."""

    kind = models.CharField(_("loại đơn"), max_length=20, choices=PetitionKind.choices)
    key = models.CharField(_("thời hạn"), max_length=20, choices=DeadlineKey.choices)
    complexity = models.CharField(
        _("mức độ phức tạp"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote = models.BooleanField(
        _("vùng sâu, vùng xa"), default=False, help_text=_("Quy tắc riêng cho vụ việc ở vùng sâu, vùng xa.")
    )
    count = models.PositiveSmallIntegerField(
        _("số ngày"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIOD_DAYS)]
    )
    unit = models.CharField(_("cách tính"), max_length=10, choices=DayUnit.choices)
    counted_from = models.CharField(_("tính từ"), max_length=12, choices=CountedFrom.choices)
    effective_from = models.DateField(_("hiệu lực từ ngày"), help_text=_("Áp dụng cho đơn nhận từ ngày này."))
    effective_to = models.DateField(
        _("hiệu lực đến ngày"),
        null=True,
        blank=True,
        help_text=_("Áp dụng cho đơn nhận đến hết ngày này; để trống nếu chưa hết hiệu lực."),
    )
    version = models.CharField(
        _("phiên bản bộ quy tắc"), max_length=40, help_text=_("Ví dụ 2026.1; ghi phiên bản mới khi sửa quy tắc.")
    )
    basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("quy tắc thời hạn")
        verbose_name_plural = _("bộ quy tắc thời hạn giải quyết đơn")
        ordering = ["kind", "key", "complexity", "remote", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "complexity", "remote", "effective_from"], name="deadlinerule_one_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="deadlinerule_effective_order",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="deadlinerule_count_positive"),
        ]

    def __str__(self) -> str:
        end = f"{self.effective_to:%d/%m/%Y}" if self.effective_to else "nay"
        return (
            f"{self.get_kind_display()} — {self.get_key_display()}: {self.as_rule().describe()} "
            f"({self.get_complexity_display()}{', vùng sâu, vùng xa' if self.remote else ''}; "
            f"{self.effective_from:%d/%m/%Y}–{end})"
        )

    def as_rule(self) -> Rule:
        """The rule as the pure engine (``deadlines``) takes it."""
        return Rule(
            kind=self.kind,
            key=self.key,
            count=self.count,
            unit=self.unit,
            counted_from=self.counted_from,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            complexity=self.complexity,
            remote=self.remote,
            version=self.version,
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in ("effective_from", "effective_to"):
            day: datetime.date | None = getattr(self, name)
            if day is not None and not date_in_range(day):
                errors.setdefault(name, []).append(date_range_message())
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors.setdefault("effective_to", []).append(str(ERR_EFFECTIVE_ORDER))
        if errors:
            raise ValidationError(errors)
        if self.effective_from is None:
            return
        overlapping = DeadlineRule.objects.filter(
            kind=self.kind, key=self.key, complexity=self.complexity, remote=self.remote
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))
        if self.effective_to is not None:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        if self.pk is not None:
            overlapping = overlapping.exclude(pk=self.pk)
        other = overlapping.order_by("effective_from").first()
        if other is not None:
            end = f" đến {other.effective_to:%d/%m/%Y}" if other.effective_to else ""
            raise ValidationError(
                str(ERR_OVERLAP).format(version=other.version, start=f"{other.effective_from:%d/%m/%Y}", end=end)
            )
