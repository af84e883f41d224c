"""The dashboard's picker: unit subtree, period and as-of day, read from the query string (a link one can send).
A month, quarter or year is the reporting regime's (``dashboard.periods``)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.fields import DateField
from sauro.common.forms import ERR_DATE_RANGE, mark_invalid
from sauro.common.widgets import DateInput, FastSelect
from sauro.dashboard.periods import CUSTOM, FIRST_DAY, LAST_DAY, MONTH, QUARTER, YEAR, Period, period_for_picker
from sauro.org.access import user_scope
from sauro.org.choices import Role
from sauro.org.models import Unit
from sauro.org.pickers import UnitChoiceField, active_units, offer_units, offered_units

ERR_AS_OF_RANGE = "Ngày tính đến phải từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}."
ERR_CUSTOM_NEEDS_DATES = _("Chọn “Tùy chọn” thì cần nhập cả ngày bắt đầu và ngày kết thúc.")
PERIOD_CHOICES = [
    (MONTH, _("Tháng")),
    (QUARTER, _("Quý")),
    (YEAR, _("Năm")),
    (CUSTOM, _("Tùy chọn (từ ngày – đến ngày)")),
]
COMMITTEE_ROLES = (Role.LEADER, Role.MONITOR, Role.INSPECTOR, Role.ADMIN)


def default_unit_id(user: User) -> int | None:
    """The unit a dashboard opens on: the committee for a committee-wide role (leaders, monitors…), else the
    user's own unit — of their highest role when they hold several (``org.access.membership_rank``)."""
    return user_scope(user).home_unit_id


class DashboardForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị (kể cả đơn vị trực thuộc)"), queryset=Unit.objects.none(), required=False, widget=FastSelect
    )
    period = forms.ChoiceField(label=_("Kỳ"), choices=PERIOD_CHOICES, required=False)
    from_ = DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    to = DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    as_of = DateField(
        label=_("Tính đến ngày"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống: hôm nay (hoặc ngày cuối kỳ nếu kỳ đã qua)."),
    )

    def __init__(self, data: Any, *, user: User, drawn: bool = True) -> None:
        """``drawn=False``: the form only reads the query string (a fragment that shows no picker)."""
        super().__init__(data)
        self.user = user
        field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        field.queryset = active_units(user)
        field.empty_label = None
        if drawn:
            # Drawn from the rows kept between requests (no query and no model instance per option once kept), as
            # the lists' pickers are; what the field accepts is still the gate's queryset.
            offer_units(field, offered_units(user))
        mark_invalid(self)

    def add_prefix(self, field_name: str) -> str:
        # ``from`` is a Python keyword: the field is ``from_``, its query parameter ``from``.
        return "from" if field_name == "from_" else super().add_prefix(field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from_"), data.get("to")
        as_of = data.get("as_of")
        if as_of is not None and data.get("period") != CUSTOM and not FIRST_DAY <= as_of <= LAST_DAY:
            # The reporting regime's periods (and the one before) exist only within its years.
            self.add_error("as_of", ERR_AS_OF_RANGE.format(first=FIRST_DAY, last=LAST_DAY))
        if data.get("period") == CUSTOM:
            if not start or not end:
                self.add_error("to", ERR_CUSTOM_NEEDS_DATES)
            elif end < start:
                self.add_error("to", ERR_DATE_RANGE)
        mark_invalid(self)
        return data

    def _data(self) -> dict[str, Any]:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data

    def chosen_unit(self) -> Unit | None:
        """The unit picked, else the user's default if visible (the committee, or their own unit)."""
        unit: Unit | None = self._data().get("unit")
        if unit is not None:
            return unit
        wanted = default_unit_id(self.user)
        if wanted is None:
            return None
        # Unordered: the units' tree order (a condition per level of the tree) is for pickers, not for one unit.
        return active_units(self.user).filter(pk=wanted).order_by().first()

    def chosen_period(self, today: datetime.date | None = None) -> Period:
        data = self._data()
        kind = data.get("period") or QUARTER
        start, end = data.get("from_"), data.get("to")
        if kind == CUSTOM and (not start or not end or end < start):
            kind = QUARTER
        return period_for_picker(kind, today=today or clock.today(), as_of=data.get("as_of"), start=start, end=end)

    def show(self, unit: Unit | None, period: Period) -> None:
        """Make the fields show what the page shows: the unit and the period actually displayed (a default chosen
        by role, or the fallback after an invalid choice), so that "Xem" unchanged shows the same page again. The
        as-of day stays as typed when valid (blank means today, as before); an invalid one is cleared, as the page
        ignored it. The errors stay, next to the fields."""
        data: dict[str, Any] = dict(self.data.items())  # one value per field: none of them is a list
        data["unit"] = "" if unit is None else str(unit.pk)
        data["period"] = period.kind
        if period.kind == CUSTOM:
            data["from"], data["to"] = period.start.isoformat(), period.end.isoformat()
        if "as_of" in self.errors:
            data["as_of"] = ""
        self.data = data
