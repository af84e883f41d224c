"""Proposals kept with a directive: a run of the extractor over its text, and the draft tasks it proposes.

A run belongs to the unit in whose name its author drafts tasks (``owner_unit``): the people who may draft for that
unit see it and act on it. Its proposals stay until acted on: created as a draft task (``created``, with the task),
or dropped (``dropped``; a proposal merged into another is dropped too). ``version`` grows with every edit, so a
stale edit is refused (409) instead of silently overwriting another's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sauro.directives.models import Directive, DirectiveAttachment
from sauro.org.models import Unit


class RunSource(models.TextChoices):
    PASTED = "pasted", _("Nội dung dán vào")
    ATTACHMENT = "attachment", _("Tệp đính kèm")
    FULL_TEXT = "full_text", _("Toàn văn đã nhập")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    DROPPED = "dropped", _("Đã bỏ")
    CREATED = "created", _("Đã tạo dự thảo")


class TimeKind(models.TextChoices):
    """The stored form of ``types.TimeKind`` (``tests/extraction/test_evaluate.py`` keeps the two equal)."""

    DATE = "date", _("Có thời hạn")
    RECURRING = "recurring", _("Định kỳ")
    ONGOING = "ongoing", _("Thường xuyên")
    RELATIVE = "relative", _("Tính từ ngày văn bản")
    UNCLEAR = "unclear", _("Chưa rõ")


class ProposalRun(models.Model):
    """One reading of a directive's text (pasted, its full text, or an attached file)."""

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="proposal_runs", verbose_name=_("văn bản")
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị soạn nhiệm vụ")
    )
    source = models.CharField(_("nguồn"), max_length=12, choices=RunSource.choices)
    attachment = models.ForeignKey(
        DirectiveAttachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tệp đính kèm"),
    )
    text = models.TextField(_("nội dung văn bản"))
    ref_date = models.DateField(_("ngày tính thời hạn"))
    collective = models.BooleanField(_("tách theo từng đơn vị của chủ thể chung"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("người chạy")
    )
    created_at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("lượt đề xuất nhiệm vụ")
        verbose_name_plural = _("lượt đề xuất nhiệm vụ")
        ordering = ["directive", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"Đề xuất nhiệm vụ từ {self.directive}"


class Proposal(models.Model):
    """A draft task the text proposes, with where it came from (``sentence`` at ``start``:``end`` of the run's
    text, under numbered point ``point``)."""

    run = models.ForeignKey(ProposalRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("lượt"))
    position = models.PositiveIntegerField(_("thứ tự"))
    sentence = models.TextField(_("câu trong văn bản"))
    point = models.CharField(_("điểm"), max_length=40, blank=True)
    start = models.PositiveIntegerField(_("từ ký tự"))
    end = models.PositiveIntegerField(_("đến ký tự"))
    title = models.TextField(_("tên nhiệm vụ"))
    lead = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị chủ trì")
    )
    lead_text = models.CharField(_("chủ thể trong câu"), max_length=500, blank=True)
    coordinating = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("đơn vị phối hợp"))
    product_kind = models.CharField(_("loại sản phẩm"), max_length=20, blank=True)
    product = models.TextField(_("sản phẩm"), blank=True)
    authority = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cấp có thẩm quyền")
    )
    authority_text = models.CharField(_("thẩm quyền trong câu"), max_length=500, blank=True)
    due_date = models.DateField(_("thời hạn"), null=True, blank=True)
    # The day the text names when it is a day off and ``due_date`` was moved to the next working day.
    due_stated = models.DateField(_("ngày văn bản ghi"), null=True, blank=True)
    time_kind = models.CharField(_("loại thời hạn"), max_length=12, choices=TimeKind.choices, default=TimeKind.UNCLEAR)
    recurrence = models.CharField(_("chu kỳ"), max_length=12, blank=True)
    time_text = models.CharField(_("thời hạn trong câu"), max_length=500, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nhiệm vụ dự thảo đã tạo"),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("đề xuất nhiệm vụ")
        verbose_name_plural = _("đề xuất nhiệm vụ")
        ordering = ["run", "position", "id"]

    def __str__(self) -> str:
        return self.title[:100]
