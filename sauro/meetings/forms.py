"""Forms of the meeting pages: the list's filters, the meeting form, and the two ways to record a conclusion."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.fields import DateField
from sauro.common.forms import add_service_errors, mark_invalid
from sauro.common.pagination import BadCursor
from sauro.common.widgets import DateInput, FastSelect, SearchableSelectMultiple
from sauro.directives.numbering import ISSUER_CODE_RE, MAX_NUMBER
from sauro.meetings import selectors
from sauro.meetings.choices import MeetingKind
from sauro.meetings.models import MAX_ATTENDEES, MAX_DURATION_MINUTES, Meeting
from sauro.meetings.services import ConclusionInput, MeetingInput
from sauro.org.access import people_visible_to
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.pickers import PersonChoiceField, UnitChoiceField, UnitMultipleChoiceField, active_units, working_people

EVERYTHING = _("Tất cả")
QUARTERS_OFFERED = 8
# Service field names (those of the API) → the form's.
SERVICE_FIELDS = {"host_unit_id": "host_unit", "chair_id": "chair", "unit_ids": "units", "directive_id": "directive"}


def quarter_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The regime's quarters from the current one back two years: ``("2026Q1", "Quý I năm 2026")``…"""
    choices: list[tuple[str, str]] = []
    day = today
    for _i in range(QUARTERS_OFFERED):
        key = selectors.quarter_key_of(day)
        start, _end, label = selectors.quarter_window(key)
        choices.append((key, label))
        day = start - datetime.timedelta(days=1)
    return choices


class MeetingFilterForm(forms.Form):
    """The list's filters, read from the query string (a filtered list is a link one can send)."""

    unit = UnitChoiceField(
        label=_("Đơn vị chủ trì (kể cả trực thuộc)"), queryset=Unit.objects.none(), required=False, widget=FastSelect
    )
    quarter = forms.ChoiceField(label=_("Quý"), required=False)
    kind = forms.ChoiceField(label=_("Loại cuộc họp"), required=False)
    after = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.today = clock.today()
        self.fields["unit"].queryset = active_units(user)  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = str(EVERYTHING)  # type: ignore[attr-defined]
        self.fields["quarter"].choices = [("", str(EVERYTHING)), *quarter_choices(self.today)]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", str(EVERYTHING)), *MeetingKind.choices]  # type: ignore[attr-defined]
        mark_invalid(self)

    def clean_after(self) -> str:
        after: str = self.cleaned_data.get("after") or ""
        if after:
            try:
                selectors.MEETING_ORDER.decode(after)
            except BadCursor as exc:
                raise ValidationError(exc.message) from exc
        return after

    def _data(self) -> dict[str, Any]:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        mark_invalid(self)
        return self.cleaned_data

    def filters(self) -> selectors.MeetingFilters:
        """The filters of the valid fields; an invalid field filters nothing (its error is shown)."""
        data = self._data()
        unit: Unit | None = data.get("unit")
        start = end = None
        if data.get("quarter"):
            start, end, _label = selectors.quarter_window(data["quarter"])
        return selectors.MeetingFilters(
            unit_id=unit.pk if unit else None, kind=data.get("kind") or "", date_from=start, date_to=end
        )

    def figures_quarter(self) -> tuple[datetime.date, datetime.date, str]:
        """The quarter the header's figures are for: the one chosen, else the current one."""
        key = self._data().get("quarter") or selectors.quarter_key_of(self.today)
        return selectors.quarter_window(key)

    @property
    def unit_id(self) -> int | None:
        unit: Unit | None = self._data().get("unit")
        return unit.pk if unit else None

    @property
    def cursor(self) -> str:
        return str(self._data().get("after") or "")

    @property
    def is_filtered(self) -> bool:
        data = self._data()
        return any(data.get(name) for name in ("unit", "quarter", "kind"))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại cuộc họp"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Nội dung cuộc họp"), max_length=500)
    held_on = DateField(label=_("Ngày họp"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("Giờ bắt đầu"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    host_unit = UnitChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), widget=FastSelect)
    chair = PersonChoiceField(label=_("Người chủ trì"))
    units = UnitMultipleChoiceField(
        label=_("Đơn vị tham dự"), queryset=Unit.objects.none(), required=False, widget=SearchableSelectMultiple
    )
    duration_minutes = forms.IntegerField(label=_("Thời lượng (phút)"), min_value=1, max_value=MAX_DURATION_MINUTES)
    attendees = forms.IntegerField(label=_("Số người dự"), min_value=1, max_value=MAX_ATTENDEES)
    could_be_document = forms.BooleanField(
        label=_("Cuộc họp này có thể thay bằng văn bản (xin ý kiến bằng văn bản, thông báo)"), required=False
    )
    document_note = forms.CharField(
        label=_("Vì sao có thể thay bằng văn bản"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, user: User, instance: Meeting | None = None) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {
                "kind": instance.kind,
                "title": instance.title,
                "held_on": instance.held_on,
                "starts_at": instance.starts_at,
                "host_unit": instance.host_unit_id,
                "chair": instance.chair_id,
                "units": [u.pk for u in instance.units.all()],
                "duration_minutes": instance.duration_minutes,
                "attendees": instance.attendees,
                "could_be_document": instance.could_be_document,
                "document_note": instance.document_note,
                "version": instance.version,
            }
        else:
            initial = {"held_on": clock.today()}
        super().__init__(data, initial=initial)
        units = active_units(user)
        self.fields["host_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        leaders = working_people(
            user, Q(role__in=[Role.LEADER, Role.UNIT_HEAD], unit__in=units) & ~Q(unit__kind=UnitKind.DEPARTMENT)
        )
        chair: PersonChoiceField = self.fields["chair"]  # type: ignore[assignment]
        chair.set_people(leaders, accept=people_visible_to(user))
        mark_invalid(self)

    def to_input(self) -> MeetingInput:
        d = self.cleaned_data
        return MeetingInput(
            kind=d["kind"],
            title=d["title"],
            held_on=d["held_on"],
            starts_at=d.get("starts_at"),
            host_unit_id=d["host_unit"].pk,
            chair_id=d["chair"].pk,
            unit_ids=[u.pk for u in d.get("units") or []],
            duration_minutes=d["duration_minutes"],
            attendees=d["attendees"],
            could_be_document=bool(d.get("could_be_document")),
            document_note=d.get("document_note") or "",
        )

    def add_service_errors(self, error: ServiceError) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)
        mark_invalid(self)


def default_issuer_code(meeting: Meeting) -> str:
    """The code after the slash of the notice's number: the host unit's own (VPTU…), a standing body's committee's
    (TU); empty when the unit's code cannot be one (a ward's ``P-PHUXUAN``: the person types it)."""
    unit = meeting.host_unit
    code = unit.code
    if unit.kind == UnitKind.STANDING and unit.parent is not None:
        code = unit.parent.code
    return code if ISSUER_CODE_RE.match(code or "") else ""


class ConclusionForm(forms.Form):
    """The notice of conclusions (Thông báo kết luận) to register for a meeting."""

    issued_on = DateField(label=_("Ngày ban hành thông báo"), widget=DateInput())
    issuer_code = forms.CharField(label=_("Ký hiệu cơ quan ban hành"), max_length=20)
    number = forms.IntegerField(
        label=_("Số"), required=False, min_value=1, max_value=MAX_NUMBER, help_text=_("Bỏ trống để lấy số tiếp theo.")
    )
    summary = forms.CharField(label=_("Trích yếu"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    signer = forms.CharField(label=_("Người ký"), max_length=255, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, meeting: Meeting) -> None:
        initial = {
            "issued_on": clock.today(),
            "issuer_code": default_issuer_code(meeting),
            "summary": f"Kết luận của {meeting.get_kind_display().lower()} ngày {meeting.held_on:%d/%m/%Y}: "
            f"{meeting.title}"[:1000],
            "signer": meeting.chair.get_full_name(),
            "version": meeting.version,
        }
        super().__init__(data, initial=initial)
        mark_invalid(self)

    def to_input(self) -> ConclusionInput:
        d = self.cleaned_data
        return ConclusionInput(
            issuer_code=d["issuer_code"],
            issued_on=d["issued_on"],
            summary=d["summary"],
            number=d.get("number"),
            signer=d.get("signer") or "",
        )

    def add_service_errors(self, error: ServiceError) -> None:
        add_service_errors(self, error, {"issuing_unit_id": "issuer_code", "kind": "issuer_code"})
        mark_invalid(self)


class LinkConclusionForm(forms.Form):
    """Link a notice already registered (by the office) as the meeting's conclusion."""

    directive = forms.TypedChoiceField(label=_("Thông báo kết luận đã vào sổ"), coerce=int)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, choices: list[tuple[int, str]], meeting: Meeting) -> None:
        super().__init__(data, initial={"version": meeting.version})
        self.fields["directive"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        mark_invalid(self)

    def add_service_errors(self, error: ServiceError) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)
        mark_invalid(self)
