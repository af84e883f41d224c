from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.common import clock
from sauro.common.fields import DateField, ModelChoiceField
from sauro.common.uploads import ACCEPT_ATTRIBUTE
from sauro.org.models import Unit
from sauro.org.pickers import UnitChoiceField
from sauro.reports.choices import ReportKind, Timeliness
from sauro.reports.selectors import DUE_SOON, LATE_OR_MISSING


class SubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung báo cáo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Dự thảo đã điền sẵn số liệu của kỳ; sửa, bổ sung rồi gửi. Có thể gửi tệp thay cho nội dung."),
    )
    file = forms.FileField(
        label=_("Hoặc tải lên tệp báo cáo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


STATUS_CHOICES = [
    ("", _("Tất cả")),
    *Timeliness.choices,
    (LATE_OR_MISSING, _("Gửi quá hạn hoặc chưa gửi")),
    (DUE_SOON, _("Sắp đến hạn (7 ngày tới)")),
]


class DutyFilterForm(forms.Form):
    """The list's filters, read from the query string: a filtered list is a link (the cards link to theirs)."""

    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=str(_("Tất cả đơn vị")),
        help_text=_("Đơn vị được chọn và các đơn vị trực thuộc."),
    )
    status = forms.ChoiceField(label=_("Tình trạng gửi"), required=False, choices=STATUS_CHOICES)
    kind = forms.ChoiceField(label=_("Loại báo cáo"), required=False, choices=[("", _("Tất cả")), *ReportKind.choices])
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        # The page also holds the quarterly report's form, with a unit of its own: ids apart.
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class QuarterlyForm(forms.Form):
    unit = ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=None)
    quarter = forms.ChoiceField(label=_("Quý"))
    format = forms.ChoiceField(
        label=_("Tệp"), choices=[("docx", _("Báo cáo (.docx)")), ("xlsx", _("Phụ lục (.xlsx)"))], initial="docx"
    )
    # The report's date: its figures are those of that day (the quarter's last day when later). Empty: today.
    as_of = DateField(
        label=_("Ngày lập báo cáo"),
        required=False,
        help_text=_("Số liệu tính đến ngày này (hoặc ngày cuối kỳ nếu sớm hơn); để trống là hôm nay."),
    )

    def __init__(self, *args: Any, units: Any, quarters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["quarter"].choices = quarters  # type: ignore[attr-defined]
        self.fields["as_of"].initial = clock.today()

    def clean_as_of(self) -> datetime.date | None:
        # A report states figures that have happened: a later day would be a forecast, not a cut-off.
        day: datetime.date | None = self.cleaned_data.get("as_of")
        today = clock.today()
        if day is not None and day > today:
            raise forms.ValidationError(
                _("Ngày lập báo cáo không được sau hôm nay (%(today)s).") % {"today": f"{today:%d/%m/%Y}"}
            )
        return day


class PetitionsReportForm(forms.Form):
    """The petitions report (issue 19, point 8): a unit whose register the user reads, a reporting month or quarter,
    the file."""

    unit = ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=None)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    format = forms.ChoiceField(
        label=_("Tệp"), choices=[("docx", _("Báo cáo (.docx)")), ("xlsx", _("Bảng số liệu (.xlsx)"))], initial="docx"
    )

    def __init__(self, *args: Any, units: Any, periods: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "petitions_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
