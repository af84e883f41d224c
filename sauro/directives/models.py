"""Directive documents (văn bản chỉ đạo), their attachments, and the committee terms their numbers run in."""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.numbering import MAX_NUMBER, format_number_symbol, format_symbol
from sauro.org.models import Unit

DEFAULT_PLACE = "Huế"


class Term(models.Model):
    """A term (nhiệm kỳ) of a Party committee, e.g. "Nhiệm kỳ 2025 – 2030" of Thành ủy Huế.

    Directive numbers restart at 01 in each term. A directive belongs to the term of the nearest committee at or
    above its issuing unit that covers its date (``selectors.term_for``); ``ends_on`` stays empty until the next
    congress is known.
    """

    committee = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="terms", verbose_name=_("cấp ủy"))
    name = models.CharField(_("tên nhiệm kỳ"), max_length=100)
    starts_on = models.DateField(_("bắt đầu từ ngày"))
    ends_on = models.DateField(_("kết thúc vào ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["committee", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="term_dates_ordered"
            ),
            models.UniqueConstraint(fields=["committee", "starts_on"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def kind_label(kind: str) -> str:
    """ "Kết luận" for ``KL``…; the code itself for an unknown kind."""
    return _kind_label(kind, get_language())


@functools.lru_cache(maxsize=64)
def _kind_label(kind: str, language: str | None) -> str:
    # Kept per language: lists show a directive's kind on every row, and a lazy label costs a catalogue lookup.
    try:
        return str(DirectiveKind(kind).label)
    except ValueError:
        return kind


class Directive(models.Model):
    """A directive document of the Party: a resolution, conclusion, program, plan, notice …

    Its number-symbol (``Số 15-KL/TU``) is unique per kind and issuer within a term. Directives form a tree —
    the Congress resolution, the committee's action program implementing it, the agencies' plans implementing
    that — through ``parent``; tasks point to the directive they come from. ``version`` grows with every edit so
    that a stale edit is refused (409) instead of silently overwriting another's. ``search_text`` is kept by the
    services: the number-symbol, kind, summary and signer, folded (lower case, no diacritics).
    """

    kind = models.CharField(_("loại văn bản"), max_length=4, choices=DirectiveKind.choices)
    number = models.PositiveIntegerField(_("số"), validators=[MinValueValidator(1), MaxValueValidator(MAX_NUMBER)])
    issuer_code = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=20, help_text=_("Phần sau dấu gạch chéo: TU, BTVTU, VPTU…")
    )
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_directives", verbose_name=_("cơ quan ban hành")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="directives", verbose_name=_("nhiệm kỳ"))
    issued_on = models.DateField(_("ngày ban hành"))
    place = models.CharField(_("địa danh"), max_length=100, default=DEFAULT_PLACE)
    signer = models.CharField(_("người ký"), max_length=255, blank=True, help_text=_("Họ tên và chức vụ."))
    summary = models.CharField(_("trích yếu"), max_length=1000)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    full_text = models.TextField(_("toàn văn"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("văn bản cấp trên"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    search_text = models.TextField(_("nội dung để tìm kiếm"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["-issued_on", "-id"], name="directive_issued_desc")]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "term", "kind", "number"], name="directive_number_unique_in_term"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="directive_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} số {self.symbol}"

    @property
    def kind_label(self) -> str:
        """ "Kết luận"…: ``get_kind_display`` without its cost (it hashes every choice on each call; lists call
        this once per row)."""
        return kind_label(self.kind)

    @property
    def symbol(self) -> str:
        """``15-KL/TU``."""
        return format_symbol(self.number, self.kind, self.issuer_code)

    @property
    def number_symbol(self) -> str:
        """``Số 15-KL/TU``."""
        return format_number_symbol(self.number, self.kind, self.issuer_code)


class DirectiveAttachment(models.Model):
    """A file attached to a directive (the signed scan, an appendix …).

    ``content_type`` is what the server found in the file's first bytes, never what the browser claimed; the
    stored file name is random, the name the user knows is ``original_name``.
    """

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("văn bản")
    )
    file = models.FileField(_("tệp"), upload_to="directives/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm văn bản")
        verbose_name_plural = _("tệp đính kèm văn bản")
        ordering = ["directive", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
