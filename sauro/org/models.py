"""Organisation: units in a tree, their names over time, and who holds which role where."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.org.choices import Role, UnitKind


class Unit(models.Model):
    """A unit of the Party organisation: the City Committee, an agency, a department, a commune committee.

    Units are never deleted. A unit that ceases to exist (merged, split, dissolved) gets ``valid_to`` and,
    where one exists, a ``successor`` that inherits its members and open obligations. ``path`` is a
    materialised path of ids (``/1/7/23/``) so that a whole subtree is one indexed prefix query.
    """

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("cấp trong cây"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )
    merged_from_note = models.TextField(_("hình thành từ"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # How the unit's documents show their author (Hướng dẫn 36-HD/VPTW; org.letterhead). Kept by the office in the
    # admin; while ``doc_name`` is blank the defaults computed from the name and kind apply.
    doc_superior = models.CharField(
        _("tên cơ quan cấp trên (dòng trên)"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Đảng bộ thành phố Huế; Thành ủy Huế. Để trống với Thành ủy (một dòng)."),
    )
    doc_name = models.CharField(
        _("tên cơ quan ban hành (dòng dưới)"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Đảng ủy phường Phú Xuân; Ban Tổ chức. Để trống: hệ thống tự tính theo tên và loại đơn vị."),
    )
    doc_symbol = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=20, blank=True, help_text=_("Sau “-BC/”: TU, ĐU, BTCTU …")
    )
    doc_place = models.CharField(_("địa danh"), max_length=60, blank=True, help_text=_("Ví dụ: Huế; Phú Xuân."))
    signer_on_behalf = models.CharField(
        _("thẩm quyền ký"),
        max_length=60,
        blank=True,
        help_text=_("Ví dụ: T/M BAN THƯỜNG VỤ; K/T TRƯỞNG BAN. Để trống nếu người đứng đầu ký."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=80,
        blank=True,
        help_text=_("Ví dụ: BÍ THƯ; PHÓ BÍ THƯ THƯỜNG TRỰC; PHÓ TRƯỞNG BAN."),
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120, blank=True)
    doc_archive = models.CharField(
        _("nơi lưu văn bản"), max_length=200, blank=True, help_text=_("Dòng cuối “Nơi nhận”: Lưu Văn phòng Thành ủy …")
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def governs(self, other: Unit) -> bool:
        """True when this unit is ``other`` or above it in the tree — the test for an authority or a decider.

        A standing body (Thường trực, Ban Thường vụ) acts for its committee, so it governs everything under the
        committee although it sits beside the agencies in the tree.
        """
        base = self.path
        if self.kind == UnitKind.STANDING and self.parent_id is not None:
            base = base[: base.rstrip("/").rfind("/") + 1]
        return other.path.startswith(base)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class UnitName(models.Model):
    """A former name of a unit and the period it was used, so history shows the name at the time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("đơn vị"))
    name = models.CharField(_("tên"), max_length=200)
    valid_from = models.DateField(_("dùng từ"))
    valid_to = models.DateField(_("dùng đến"))

    class Meta:
        verbose_name = _("tên cũ của đơn vị")
        verbose_name_plural = _("tên cũ của đơn vị")
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active_on(self, day: datetime.date) -> MembershipQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class Membership(models.Model):
    """A person holding a role in a unit for a period. One person may hold several."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("người")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò tại đơn vị")
        verbose_name_plural = _("vai trò tại đơn vị")
        ordering = ["unit__path", "role", "person__full_name"]
        indexes = [models.Index(fields=["person", "valid_from"]), models.Index(fields=["unit", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} — {self.unit}"
