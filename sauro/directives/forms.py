"""Forms of the directive pages: the list's filters and the registration/edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ValidationFailed
from sauro.common.fields import DateField, IdField, ModelChoiceField
from sauro.common.forms import ERR_DATE_RANGE, add_service_errors, mark_invalid
from sauro.common.pagination import BadCursor
from sauro.common.widgets import DateInput
from sauro.directives import selectors
from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.models import DEFAULT_PLACE, Directive
from sauro.directives.numbering import MAX_NUMBER
from sauro.directives.services import DirectiveInput
from sauro.org.access import units_visible_to
from sauro.org.models import Unit
from sauro.org.selectors import tree_order

EVERYTHING = _("Tất cả")
NO_PARENT = _("— Không có —")
# Service field names (those of the API) → the form's.
SERVICE_FIELDS = {"issuing_unit_id": "issuing_unit", "parent_id": "parent"}


class DirectiveFilterForm(forms.Form):
    """The list's filters, read from the query string (a filtered list is a shareable URL)."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    issuer_code = forms.CharField(label=_("Ký hiệu cơ quan"), required=False, max_length=20)
    year = forms.IntegerField(label=_("Năm ban hành"), required=False, min_value=1900, max_value=2999)
    date_from = DateField(label=_("Ban hành từ ngày"), required=False, widget=DateInput())
    date_to = DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    parent = IdField(required=False, widget=forms.HiddenInput)
    after = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", str(EVERYTHING)), *DirectiveKind.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Số ký hiệu, trích yếu… có thể gõ không dấu"), "type": "search"}
        )
        self.fields["issuer_code"].widget.attrs["placeholder"] = _("Ví dụ: TU")
        mark_invalid(self)

    def clean_after(self) -> str:
        after: str = self.cleaned_data.get("after") or ""
        if after:
            try:
                selectors.DIRECTIVE_ORDER.decode(after)
            except BadCursor as exc:
                raise ValidationError(exc.message) from exc
        return after

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ERR_DATE_RANGE)
        return data

    def filters(self) -> selectors.DirectiveFilters:
        """The filters from the fields that are valid; an invalid field filters nothing (its error is shown)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return selectors.DirectiveFilters(
            text=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            issuer_code=(data.get("issuer_code") or "").strip(),
            year=data.get("year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            parent_id=data.get("parent"),
        )

    @property
    def cursor(self) -> str:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get("after") or "")

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return any([f.text, f.kind, f.issuer_code, f.year, f.date_from, f.date_to, f.parent_id])


class UnitChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ParentChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        summary = obj.summary if len(obj.summary) <= 90 else obj.summary[:89] + "…"
        return f"{obj.kind_label} {obj.symbol} ({obj.issued_on:%d/%m/%Y}) — {summary}"


class DirectiveForm(forms.Form):
    """Registering or editing a directive. The number is prefilled with the proposed one; empty takes it too."""

    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DirectiveKind.choices)
    issuing_unit = UnitChoiceField(label=_("Cơ quan ban hành"), queryset=Unit.objects.none(), empty_label=None)
    issuer_code = forms.CharField(
        label=_("Ký hiệu cơ quan ban hành"),
        max_length=20,
        help_text=_("Phần sau dấu gạch chéo trong số ký hiệu, ví dụ TU trong Số 15-KL/TU."),
    )
    issued_on = DateField(label=_("Ngày ban hành"), widget=DateInput())
    number = forms.IntegerField(
        label=_("Số"),
        required=False,
        min_value=1,
        max_value=MAX_NUMBER,
        help_text=_("Hệ thống đề xuất số tiếp theo theo loại, cơ quan và nhiệm kỳ; để trống cũng nhận số đó."),
    )
    proposed = forms.IntegerField(required=False, widget=forms.HiddenInput)
    place = forms.CharField(label=_("Địa danh"), max_length=100, initial=DEFAULT_PLACE)
    urgency = forms.ChoiceField(
        label=_("Độ khẩn"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        # A browser always sends the selected level; a post without it keeps the current one (Thường when new).
        required=False,
        help_text=_("Nhiệm vụ từ văn bản khẩn, thượng khẩn, hỏa tốc phải được cập nhật ngay trong ngày làm việc."),
    )
    signer = forms.CharField(
        label=_("Người ký"), max_length=255, required=False, help_text=_("Họ tên và chức vụ người ký.")
    )
    summary = forms.CharField(
        label=_("Trích yếu"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "class": "textarea--short"})
    )
    parent = ParentChoiceField(
        label=_("Văn bản cấp trên"),
        queryset=Directive.objects.none(),
        required=False,
        empty_label=str(NO_PARENT),
        help_text=_("Văn bản mà văn bản này cụ thể hóa, ví dụ kế hoạch thực hiện một chương trình hành động."),
    )
    full_text = forms.CharField(
        label=_("Toàn văn"), max_length=200_000, required=False, widget=forms.Textarea(attrs={"rows": 16})
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, instance: Directive | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "issuing_unit": instance.issuing_unit_id,
                "issuer_code": instance.issuer_code,
                "issued_on": instance.issued_on,
                "number": instance.number,
                "place": instance.place,
                "urgency": instance.urgency,
                "signer": instance.signer,
                "summary": instance.summary,
                "parent": instance.parent_id,
                "full_text": instance.full_text,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        # Active units; on edit also the current issuing unit, should it have been merged away since.
        current = Q(pk=instance.issuing_unit_id) if instance is not None else Q(pk__in=[])
        units = units_visible_to(user).filter(Q(valid_to__isnull=True) | current)
        self.fields["issuing_unit"].queryset = tree_order(units)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = selectors.directive_parent_choices(user=user, exclude=instance)  # type: ignore[attr-defined]
        self.fields["issuer_code"].widget.attrs.update(
            {"list": "issuer-codes", "autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        )
        self.fields["number"].widget.attrs["inputmode"] = "numeric"
        if instance is None:
            self.fields["issued_on"].initial = clock.today()

    def to_input(self) -> DirectiveInput:
        data = self.cleaned_data
        parent: Directive | None = data.get("parent")
        return DirectiveInput(
            kind=data["kind"],
            issuer_code=data["issuer_code"],
            issuing_unit_id=data["issuing_unit"].pk,
            issued_on=data["issued_on"],
            summary=data["summary"],
            number=data.get("number"),
            place=data["place"],
            urgency=data.get("urgency") or (self.instance.urgency if self.instance is not None else Urgency.NORMAL),
            signer=data.get("signer") or "",
            full_text=data.get("full_text") or "",
            parent_id=parent.pk if parent is not None else None,
        )

    def add_service_errors(self, error: ValidationFailed) -> None:
        """Show a service's refusal next to the fields it names (or above the form)."""
        add_service_errors(self, error, SERVICE_FIELDS)

    def finish(self) -> None:
        mark_invalid(self)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm"), allow_empty_file=True)


class TermForm(forms.Form):
    """Declare a committee's term (nhiệm kỳ): directive numbers restart in each."""

    committee = ModelChoiceField(label=_("Cấp ủy"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Tên nhiệm kỳ"), max_length=100)
    starts_on = DateField(label=_("Bắt đầu từ ngày"), widget=DateInput())
    ends_on = DateField(label=_("Kết thúc vào ngày"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = selectors.term_committees(user=user)  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs["placeholder"] = _("Ví dụ: Nhiệm kỳ 2025 – 2030")
        self.fields["ends_on"].help_text = _("Để trống cho đến khi biết ngày đại hội nhiệm kỳ sau.")
        mark_invalid(self)

    def add_service_errors(self, error: ValidationFailed) -> None:
        add_service_errors(self, error)


class TermCloseForm(forms.Form):
    ends_on = DateField(label=_("Kết thúc vào ngày"), widget=DateInput())

    def add_service_errors(self, error: ValidationFailed) -> None:
        self.add_error("ends_on", error.fields.get("ends_on", error.message))
        mark_invalid(self)
