"""Forms of the proposals page: what to read (pasted text or an attachment) and the inline edit of a proposal.

Unit choices are computed once per page (``selectors.unit_choices``) and handed to every proposal's form, so a page of
many proposals costs one query for them; the service checks each id again against the user's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.common.fields import DateField
from sauro.common.widgets import DateInput, FastSelect, SearchableSelectMultiple
from sauro.extraction.models import Proposal
from sauro.extraction.services import MAX_TEXT, MAX_TITLE
from sauro.tasks.choices import ProductKind

NONE_CHOSEN = _("— Chưa chọn —")
Choices = Sequence[tuple[Any, str]]


class RunForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung văn bản"),
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Dán nội dung văn bản (các điểm đánh số giữ nguyên). Để trống để đọc tệp đính kèm đã chọn, "
            "hoặc toàn văn đã nhập của văn bản."
        ),
    )
    attachment = forms.TypedChoiceField(
        label=_("Hoặc đọc tệp đính kèm"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    collective = forms.BooleanField(
        label=_("Tách chủ thể chung (“các cơ quan, đơn vị”) thành nhiệm vụ cho từng đơn vị"), required=False
    )

    def __init__(self, *args: Any, attachments: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["attachment"])
        field.choices = [("", str(NONE_CHOSEN)), *attachments]
        if not attachments:
            field.widget = forms.HiddenInput()


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=MAX_TITLE, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.TypedChoiceField(
        label=_("Đơn vị chủ trì"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    coordinating = forms.TypedMultipleChoiceField(
        label=_("Đơn vị phối hợp"), required=False, coerce=int, widget=SearchableSelectMultiple
    )
    product_kind = forms.ChoiceField(
        label=_("Loại sản phẩm"), required=False, choices=[("", NONE_CHOSEN), *ProductKind.choices]
    )
    product = forms.CharField(
        label=_("Sản phẩm cần đạt"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    authority = forms.TypedChoiceField(
        label=_("Cấp có thẩm quyền nghiệm thu"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    due_date = DateField(label=_("Thời hạn"), required=False, widget=DateInput())
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Choices = (), proposal: Proposal | None = None, **kwargs: Any) -> None:
        if proposal is not None:
            kwargs.setdefault("prefix", f"p{proposal.pk}")
            kwargs.setdefault(
                "initial",
                {
                    "title": proposal.title,
                    "lead": proposal.lead_id,
                    "coordinating": [u.pk for u in proposal.coordinating.all()],
                    "product_kind": proposal.product_kind,
                    "product": proposal.product,
                    "authority": proposal.authority_id,
                    "due_date": proposal.due_date,
                    "version": proposal.version,
                },
            )
        super().__init__(*args, **kwargs)
        single = [("", str(NONE_CHOSEN)), *units]
        for name in ("lead", "authority"):
            field = cast(forms.TypedChoiceField, self.fields[name])
            field.choices = single
        multiple = cast(forms.TypedMultipleChoiceField, self.fields["coordinating"])
        multiple.choices = list(units)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "lead", "coordinating", "product_kind", "product", "authority", "due_date")
        }


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=_("Gộp với đề xuất"), coerce=int, widget=FastSelect)

    def __init__(self, *args: Any, others: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["into"])
        field.choices = list(others)
