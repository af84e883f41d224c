"""Forms of the work program pages; the services do the real checks."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sauro.common.errors import ValidationFailed
from sauro.common.fields import DateField, IdField
from sauro.common.forms import add_service_errors
from sauro.org.models import Unit
from sauro.programs.choices import MONTH_CHOICES, QUARTER_CHOICES, ProgramState
from sauro.programs.models import KEY_MAX_LENGTH, MAX_YEAR, MIN_YEAR, WorkProgramItem
from sauro.programs.services import ItemInput
from sauro.tasks.choices import ProductKind


class ServiceErrorsMixin:
    def add_service_errors(self, exc: ValidationFailed) -> None:
        form: Any = self
        add_service_errors(form, exc)


class ProgramFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Cơ quan, đơn vị"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, units: QuerySet[Unit], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Tất cả")), *[(u.pk, u.name) for u in units]]  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("Tất cả")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]

    def values(self) -> tuple[int | None, int | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("unit"), self.cleaned_data.get("year")

    @property
    def is_filtered(self) -> bool:
        unit, year = self.values()
        return unit is not None or year is not None


class ProgramForm(ServiceErrorsMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Cơ quan, đơn vị"), coerce=int)
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    quarter = forms.TypedChoiceField(
        label=_("Kỳ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Cả năm (chương trình năm)")), *QUARTER_CHOICES],
    )
    title = forms.CharField(
        label=_("Tên chương trình"),
        required=False,
        max_length=300,
        help_text=_("Để trống: “Chương trình công tác năm/quý … của …”."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]


class ProgramEditForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Tên chương trình"), max_length=300)
    state = forms.ChoiceField(label=_("Trạng thái"), choices=ProgramState.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ItemForm(ServiceErrorsMixin, forms.Form):
    key = forms.CharField(label=_("STT/mã mục"), max_length=KEY_MAX_LENGTH)
    month = forms.TypedChoiceField(
        label=_("Tháng"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *MONTH_CHOICES]
    )
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *QUARTER_CHOICES],
        help_text=_("Có tháng thì quý được suy ra từ tháng."),
    )
    content = forms.CharField(label=_("Nội dung công việc"), widget=forms.Textarea(attrs={"rows": 4}))
    lead_unit = forms.TypedChoiceField(label=_("Đơn vị chủ trì"), required=False, coerce=int, empty_value=None)
    coordinating = forms.CharField(label=_("Đơn vị phối hợp"), required=False, max_length=500)
    product = forms.CharField(label=_("Sản phẩm"), required=False, max_length=500)
    product_kind = forms.ChoiceField(
        label=_("Loại sản phẩm"), required=False, choices=[("", "—"), *ProductKind.choices]
    )
    due_date = DateField(label=_("Thời hạn"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].choices = [("", "—"), *[(u.pk, u.name) for u in units]]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, item: WorkProgramItem) -> dict[str, Any]:
        return {
            "key": item.key,
            "month": item.month,
            "quarter": item.quarter,
            "content": item.content,
            "lead_unit": item.lead_unit_id,
            "coordinating": item.coordinating,
            "product": item.product,
            "product_kind": item.product_kind,
            "due_date": item.due_date,
            "notes": item.notes,
            "version": item.version,
        }

    def to_input(self) -> ItemInput:
        d = self.cleaned_data
        due: datetime.date | None = d.get("due_date")
        return ItemInput(
            key=d["key"],
            content=d["content"],
            month=d.get("month"),
            quarter=d.get("quarter"),
            lead_unit_id=d.get("lead_unit"),
            coordinating=d.get("coordinating") or "",
            product=d.get("product") or "",
            product_kind=d.get("product_kind") or "",
            due_date=due,
            notes=d.get("notes") or "",
        )


class LinkTaskForm(forms.Form):
    # Any visible task id is accepted (the service checks it); the page offers the likely ones in a list.
    task = IdField(label=_("Nhiệm vụ"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
