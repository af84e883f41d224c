"""Forms of the office's organisation pages: restructuring (rename, move, merge) and memberships.

A restructuring form is sent twice: first to see its preview (nothing changes), then, with the same values in
hidden inputs, to confirm it (``confirm=1``); each time the form checks the values again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.fields import DateField
from sauro.common.forms import ERR_DATE_RANGE, add_service_errors, mark_invalid
from sauro.org import selectors
from sauro.org.choices import Role
from sauro.org.models import Unit
from sauro.org.pickers import PersonChoice, PersonChoiceField, UnitChoiceField, UnitMultipleChoiceField

ERR_SUCCESSOR_AMONG = _("Đơn vị kế thừa không được là một trong các đơn vị bị sáp nhập.")


class OrgForm(forms.Form):
    """Marks invalid fields for assistive technology and puts a service's refusal on its field."""

    def mark_invalid(self) -> None:
        mark_invalid(self)

    def refuse(self, error: ServiceError) -> None:
        """Show a service's refusal: on the field it names, else above the form."""
        add_service_errors(self, error)


def _on_date(label: Any) -> DateField:
    return DateField(label=label, initial=clock.today)


class RenameForm(OrgForm):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    on_date = _on_date(_("Dùng tên mới từ ngày"))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = unit.name
        self.fields["on_date"].help_text = _("Tên cũ được giữ lại cho giai đoạn trước ngày này.")


class MoveForm(OrgForm):
    parent = UnitChoiceField(label=_("Trực thuộc đơn vị"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: User, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Not the unit itself nor anything below it (a unit cannot sit under its own subtree).
        field = self.fields["parent"]
        field.queryset = selectors.move_targets(user=user, unit=unit)  # type: ignore[attr-defined]
        field.initial = unit.parent_id


class MergeForm(OrgForm):
    predecessors = UnitMultipleChoiceField(
        label=_("Các đơn vị bị sáp nhập"),
        queryset=Unit.objects.none(),
        help_text=_("Gõ vài chữ để tìm, chọn một hoặc nhiều đơn vị."),
    )
    successor = UnitChoiceField(label=_("Sáp nhập vào đơn vị (đơn vị kế thừa)"), queryset=Unit.objects.none())
    on_date = _on_date(_("Có hiệu lực từ ngày"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = selectors.managed_units(user=user)
        self.fields["predecessors"].queryset = units  # type: ignore[attr-defined]
        self.fields["predecessors"].widget.attrs["size"] = 12
        self.fields["successor"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        successor = data.get("successor")
        if successor is not None and successor in (data.get("predecessors") or []):
            self.add_error("successor", ERR_SUCCESSOR_AMONG)
        return data


class MembershipCreateForm(OrgForm):
    person = PersonChoiceField(label=_("Cán bộ"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    valid_from = _on_date(_("Từ ngày"))
    valid_to = DateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [PersonChoice(person_id=p.pk, name=p.get_full_name()) for p in selectors.staffable_people(user=user)]
        self.fields["person"].set_people(people)  # type: ignore[attr-defined]
        self.fields["position"].widget.attrs["placeholder"] = _("Ví dụ: Phó Chánh Văn phòng")
        self.fields["valid_to"].help_text = _("Để trống nếu chưa biết ngày kết thúc.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", ValidationError(ERR_DATE_RANGE))
        return data


class MembershipChangeForm(OrgForm):
    role = forms.ChoiceField(label=_("Vai trò mới"), choices=Role.choices)
    position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    on_date = _on_date(_("Áp dụng từ ngày"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].help_text = _("Vai trò hiện tại kết thúc vào ngày hôm trước; lịch sử được giữ nguyên.")


class MembershipEndForm(OrgForm):
    valid_to = _on_date(_("Kết thúc vào ngày"))
