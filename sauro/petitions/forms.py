"""Forms of the petitions pages: the letters' filters, a letter, the decision on a letter, a visit, a reception
day. Each turns its cleaned data into the service's input; the service's refusals land on the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.fields import DateField
from sauro.common.forms import ERR_DATE_RANGE, add_service_errors, mark_invalid
from sauro.common.pagination import BadCursor, Keyset
from sauro.common.widgets import DateInput, FastSelect
from sauro.org.access import people_visible_to
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.pickers import (
    PersonChoiceField,
    UnitChoiceField,
    active_units,
    offer_units,
    offered_units,
    working_people,
)
from sauro.petitions import identity, selectors
from sauro.petitions.choices import (
    Competence,
    Complexity,
    Decision,
    Guidance,
    HotSpotMark,
    HotSpotReason,
    LetterKind,
    LetterProduct,
    LetterSource,
    LetterState,
    PetitionKind,
    ReceiverKind,
    ReceptionDayState,
    SignerKind,
    Topic,
)
from sauro.petitions.hotspots import HOTSPOT_ORDER, HotSpotFilters
from sauro.petitions.models import MAX_PEOPLE, MAX_SIGNERS, Letter, Reception
from sauro.petitions.services import DecisionInput, LetterInput, ReceptionDayInput, ReceptionInput

EVERYTHING = _("Tất cả")
# Service field names (those of the API) → the forms'.
SERVICE_FIELDS = {
    "unit_id": "unit",
    "commune_id": "commune",
    "subject_unit_id": "subject_unit",
    "receiving_leader_id": "receiving_leader",
    "reception_day_id": "reception_day",
    "leader_id": "leader",
    "forward_unit_id": "forward_unit",
    "lead_unit_id": "lead_unit",
    "officer_id": "officer",
    "authority_unit_id": "authority_unit",
    # A gap of the task's six clears, on the field that fills it.
    "person": "officer",
    "responsibility": "lead_unit",
    "authority": "authority_unit",
    "time": "due_date",
    "product": "product",
}
LOCAL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)
LOCAL = Q(kind__in=LOCAL_KINDS)


def _offer_units(form: forms.Form, user: User, *, every: tuple[str, ...] = (), local: tuple[str, ...] = ()) -> None:
    """A form's unit pickers: those named in ``every`` offer the active units ``user`` sees, those in ``local`` their
    wards and communes — drawn from the rows kept between requests (``org.pickers.offered_units``: no query and no
    model instance per page once kept), accepting what the visibility gate's queryset holds."""
    units = active_units(user)
    offered = offered_units(user)
    for names, queryset, rows in (
        (every, units, offered),
        (local, units.filter(LOCAL), [u for u in offered if u.kind in LOCAL_KINDS]),
    ):
        for name in names:
            field: UnitChoiceField = form.fields[name]  # type: ignore[assignment]
            field.queryset = queryset
            offer_units(field, rows)


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _leaders(user: User) -> list[Any]:
    """Leaders who receive citizens: the committee's leaders and the heads of committees, wards and communes."""
    return working_people(
        user,
        Q(role__in=[Role.LEADER, Role.UNIT_HEAD])
        & Q(unit__kind__in=[UnitKind.COMMITTEE, UnitKind.STANDING, UnitKind.WARD, UnitKind.COMMUNE]),
    )


class _ServiceErrors:
    def add_service_errors(self, error: ServiceError) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)  # type: ignore[arg-type]
        mark_invalid(self)  # type: ignore[arg-type]


def _check_cursor(order: Keyset, after: str) -> str:
    if after:
        try:
            order.decode(after)
        except BadCursor as exc:
            raise ValidationError(exc.message) from exc
    return after


HINT_SHOWN = _("Danh tính người tố cáo được giữ bí mật: chỉ cán bộ xử lý và lãnh đạo quyết định xem được.")
HINT_HIDDEN = _("Đã được giữ bí mật. Để trống để giữ nguyên danh tính đã lưu.")


def protected_hint(form: forms.Form, sender: identity.IdentityShown | None, names: tuple[str, ...]) -> None:
    """On a protected record's form (point 6): who may see the identity is reminded it is confidential; who may
    not sees the fields blank — not required: left blank, the identity stored is kept."""
    if sender is None or not sender.protected:
        return
    for name in names:
        field = form.fields[name]
        if sender.state == identity.SHOWN:
            field.help_text = HINT_SHOWN
        else:
            field.required = False
            field.help_text = HINT_HIDDEN


class LetterFilterForm(forms.Form):
    """The letters' list filters, read from the query string."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    unit = UnitChoiceField(
        label=_("Đơn vị nhận đơn (kể cả trực thuộc)"), queryset=Unit.objects.none(), required=False, widget=FastSelect
    )
    commune = UnitChoiceField(
        label=_("Phường, xã nơi phát sinh"), queryset=Unit.objects.none(), required=False, widget=FastSelect
    )
    kind = forms.ChoiceField(label=_("Phân loại"), required=False, widget=FastSelect)
    topic = forms.ChoiceField(label=_("Lĩnh vực"), required=False, widget=FastSelect)
    state = forms.ChoiceField(label=_("Tình trạng"), required=False, widget=FastSelect)
    received_from = DateField(label=_("Nhận đơn từ ngày"), required=False, widget=DateInput())
    received_to = DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    after = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Tên, địa chỉ, nội dung, số văn bản… có thể gõ không dấu"), "type": "search"}
        )
        self.fields["unit"].empty_label = str(EVERYTHING)  # type: ignore[attr-defined]
        self.fields["commune"].empty_label = str(EVERYTHING)  # type: ignore[attr-defined]
        _offer_units(self, user, every=("unit",), local=("commune",))
        self.fields["kind"].choices = [("", str(EVERYTHING)), *LetterKind.choices]  # type: ignore[attr-defined]
        self.fields["topic"].choices = [("", str(EVERYTHING)), *Topic.choices]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", str(EVERYTHING)), *LetterState.choices]  # type: ignore[attr-defined]
        self.is_valid()
        mark_invalid(self)

    def clean_after(self) -> str:
        return _check_cursor(selectors.LETTER_ORDER, self.cleaned_data.get("after") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", ERR_DATE_RANGE)
        return data

    def filters(self) -> selectors.LetterFilters:
        d = self.cleaned_data
        unit, commune = d.get("unit"), d.get("commune")
        return selectors.LetterFilters(
            q=d.get("q") or "",
            unit_id=unit.pk if unit else None,
            commune_id=commune.pk if commune else None,
            kind=d.get("kind") or "",
            topic=d.get("topic") or "",
            state=d.get("state") or "",
            date_from=d.get("received_from"),
            date_to=d.get("received_to"),
        )

    @property
    def cursor(self) -> str:
        return str(self.cleaned_data.get("after") or "")

    @property
    def is_filtered(self) -> bool:
        names = ("q", "unit", "commune", "kind", "topic", "state", "received_from", "received_to")
        return any(self.cleaned_data.get(n) for n in names)


class LetterForm(_ServiceErrors, forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị nhận đơn"), queryset=Unit.objects.none(), widget=FastSelect)
    incoming_number = forms.CharField(label=_("Số đến"), max_length=40, required=False)
    received_on = DateField(label=_("Ngày nhận đơn"), widget=DateInput())
    source = forms.ChoiceField(label=_("Nguồn đơn"), choices=_blank(LetterSource.choices))
    forwarded_by = forms.CharField(
        label=_("Cơ quan chuyển đơn đến"),
        max_length=255,
        required=False,
        help_text=_("Khi đơn do cơ quan khác chuyển."),
    )
    signer_kind = forms.ChoiceField(label=_("Người đứng đơn"), choices=_blank(SignerKind.choices))
    signer_count = forms.IntegerField(label=_("Số người ký"), min_value=1, max_value=MAX_SIGNERS, initial=1)
    signer_name = forms.CharField(label=_("Họ tên người đứng đơn"), max_length=255, required=False)
    signer_address = forms.CharField(label=_("Địa chỉ người đứng đơn"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Phân loại theo nội dung"), choices=_blank(LetterKind.choices))
    main_kind = forms.ChoiceField(
        label=_("Nội dung chính (đơn nhiều nội dung)"), choices=_blank(PetitionKind.choices), required=False
    )
    topic = forms.ChoiceField(label=_("Lĩnh vực"), choices=_blank(Topic.choices))
    summary = forms.CharField(label=_("Tóm tắt nội dung"), widget=forms.Textarea(attrs={"rows": 4}))
    subject_unit = UnitChoiceField(
        label=_("Đơn vị bị khiếu nại, tố cáo, phản ánh"), queryset=Unit.objects.none(), required=False
    )
    against_party_member = forms.BooleanField(label=_("Đối tượng là đảng viên, tổ chức đảng"), required=False)
    address = forms.CharField(
        label=_("Địa chỉ nơi phát sinh vụ việc"),
        max_length=500,
        required=False,
        help_text=_("Ghi theo đơn; tên phường, xã trước sắp xếp năm 2025 được nhận ra và quy về đơn vị hiện nay."),
    )
    commune = UnitChoiceField(
        label=_("Phường, xã nơi phát sinh"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Để trống để lấy theo địa chỉ."),
    )
    accepted_on = DateField(label=_("Ngày thụ lý"), widget=DateInput(), required=False)
    complexity = forms.ChoiceField(label=_("Mức độ phức tạp"), choices=Complexity.choices)
    remote = forms.BooleanField(label=_("Vụ việc ở vùng sâu, vùng xa"), required=False)
    eligible = forms.BooleanField(label=_("Đơn đủ điều kiện xử lý"), required=False, initial=True)
    in_competence = forms.BooleanField(label=_("Thuộc thẩm quyền giải quyết của đơn vị"), required=False, initial=True)
    hotspot_marks = forms.MultipleChoiceField(
        label=_("Dấu hiệu phức tạp (cảnh báo điểm nóng)"),
        choices=HotSpotMark.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu khi vụ việc có một trong các dấu hiệu này: đơn được đưa vào danh sách điểm nóng."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Letter | None = None,
        sender: identity.IdentityShown | None = None,
        visit: Reception | None = None,
    ) -> None:
        initial: dict[str, Any] = {"received_on": clock.today(), "complexity": Complexity.NORMAL}
        if visit is not None:
            initial.update(_from_visit(visit, sender))
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in (
                    "incoming_number",
                    "received_on",
                    "source",
                    "forwarded_by",
                    "signer_kind",
                    "signer_count",
                    "signer_name",
                    "signer_address",
                    "kind",
                    "main_kind",
                    "topic",
                    "summary",
                    "against_party_member",
                    "address",
                    "accepted_on",
                    "complexity",
                    "remote",
                    "eligible",
                    "in_competence",
                    "version",
                )
            }
            initial.update(unit=instance.unit_id, subject_unit=instance.subject_unit_id, commune=instance.commune_id)
            initial["hotspot_marks"] = instance.hotspot_mark_list
            if sender is not None and sender.state == identity.SHOWN:
                initial.update(signer_name=sender.sender.name, signer_address=sender.sender.address)
        super().__init__(data, initial=initial)
        _offer_units(self, user, every=("unit", "subject_unit"), local=("commune",))
        protected_hint(self, sender, ("signer_name", "signer_address"))
        mark_invalid(self)

    def to_input(self) -> LetterInput:
        d = self.cleaned_data
        return LetterInput(
            unit_id=d["unit"].pk,
            incoming_number=d.get("incoming_number") or "",
            received_on=d["received_on"],
            source=d["source"],
            forwarded_by=d.get("forwarded_by") or "",
            signer_kind=d["signer_kind"],
            signer_count=d["signer_count"],
            signer_name=d.get("signer_name") or "",
            signer_address=d.get("signer_address") or "",
            kind=d["kind"],
            main_kind=d.get("main_kind") or "",
            topic=d["topic"],
            summary=d["summary"],
            subject_unit_id=d["subject_unit"].pk if d.get("subject_unit") else None,
            against_party_member=bool(d.get("against_party_member")),
            address=d.get("address") or "",
            commune_id=d["commune"].pk if d.get("commune") else None,
            accepted_on=d.get("accepted_on"),
            complexity=d["complexity"],
            remote=bool(d.get("remote")),
            eligible=bool(d.get("eligible")),
            in_competence=bool(d.get("in_competence")),
            hotspot_marks=tuple(d.get("hotspot_marks") or ()),
        )

    def duplicate_fields(self) -> dict[str, Any]:
        """What the near-duplicate search is given (``selectors.likely_duplicates``): the fields typed so far."""
        data = getattr(self, "cleaned_data", {}) or {}
        keys = ("signer_name", "signer_address", "summary", "address", "topic", "kind", "received_on")
        fields = {k: data.get(k) for k in keys if data.get(k)}
        for name in ("commune", "subject_unit", "unit"):
            if data.get(name) is not None:
                fields[f"{name}_id"] = data[name].pk
        return fields


def _from_visit(visit: Reception, sender: identity.IdentityShown | None) -> dict[str, Any]:
    """A new letter's fields as the visit it was handed in at already gives them: the same unit, day, people, kind,
    account and commune; the citizen as sender (a protected identity only when ``sender`` shows it)."""
    several = visit.people_count > 1
    initial: dict[str, Any] = {
        "unit": visit.unit_id,
        "received_on": visit.received_on,
        "source": LetterSource.IN_PERSON,
        "signer_kind": SignerKind.SEVERAL if several else SignerKind.ONE,
        "signer_count": visit.people_count,
        "kind": visit.kind,
        "summary": visit.summary,
        "commune": visit.commune_id,
    }
    if sender is None:
        initial.update(signer_name=visit.citizen_name, signer_address=visit.citizen_address)
    elif sender.state == identity.SHOWN:
        initial.update(signer_name=sender.sender.name, signer_address=sender.sender.address)
    return initial


class DecisionForm(_ServiceErrors, forms.Form):
    """The decision on a letter; handled here or forwarded to a unit also names its task's officer, product and
    authority (the due date defaults to the statutory deadline)."""

    decision = forms.ChoiceField(label=_("Hướng xử lý"), choices=_blank(Decision.choices))
    decided_on = DateField(label=_("Ngày xử lý"), widget=DateInput(), required=False)
    document_number = forms.CharField(label=_("Số văn bản chuyển, hướng dẫn"), max_length=60, required=False)
    forward_unit = UnitChoiceField(
        label=_("Chuyển cho đơn vị (trong hệ thống)"), queryset=Unit.objects.none(), required=False
    )
    forward_body = forms.CharField(label=_("hoặc cơ quan ngoài hệ thống"), max_length=255, required=False)
    lead_unit = UnitChoiceField(
        label=_("Đơn vị giải quyết (khi thụ lý tại đơn vị)"), queryset=Unit.objects.none(), required=False
    )
    officer = PersonChoiceField(label=_("Cán bộ chịu trách nhiệm"), required=False)
    product = forms.ChoiceField(label=_("Sản phẩm"), choices=_blank(LetterProduct.choices), required=False)
    authority_unit = UnitChoiceField(label=_("Cấp có thẩm quyền duyệt"), queryset=Unit.objects.none(), required=False)
    due_date = DateField(
        label=_("Thời hạn"),
        widget=DateInput(),
        required=False,
        help_text=_("Để trống để lấy thời hạn luật định; không được sau thời hạn luật định."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, user: User, letter: Letter) -> None:
        super().__init__(data, initial={"decided_on": clock.today(), "version": letter.version})
        _offer_units(self, user, every=("forward_unit", "lead_unit", "authority_unit"))
        officer: PersonChoiceField = self.fields["officer"]  # type: ignore[assignment]
        officer.set_people(working_people(user, Q(unit__in=active_units(user))), accept=people_visible_to(user))
        mark_invalid(self)

    def to_input(self) -> DecisionInput:
        d = self.cleaned_data

        def pk(name: str) -> int | None:
            return d[name].pk if d.get(name) is not None else None

        return DecisionInput(
            decision=d["decision"],
            decided_on=d.get("decided_on"),
            document_number=d.get("document_number") or "",
            forward_unit_id=pk("forward_unit"),
            forward_body=d.get("forward_body") or "",
            lead_unit_id=pk("lead_unit"),
            officer_id=pk("officer"),
            product=d.get("product") or "",
            authority_unit_id=pk("authority_unit"),
            due_date=d.get("due_date"),
            note=d.get("note") or "",
        )


RECEPTION_FIELDS = (
    "received_on",
    "receiver_kind",
    "citizen_name",
    "citizen_address",
    "id_number",
    "people_count",
    "is_group",
    "representatives",
    "kind",
    "summary",
    "handled_by",
    "competence",
    "guidance",
    "document_number",
    "outcome",
)


class ReceptionForm(_ServiceErrors, forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị tiếp"), queryset=Unit.objects.none(), widget=FastSelect)
    received_on = DateField(label=_("Ngày tiếp"), widget=DateInput())
    receiver_kind = forms.ChoiceField(label=_("Người tiếp"), choices=ReceiverKind.choices)
    receiving_leader = PersonChoiceField(label=_("Lãnh đạo tiếp"), required=False)
    citizen_name = forms.CharField(label=_("Họ tên công dân"), max_length=255)
    citizen_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    id_number = forms.CharField(label=_("Số CCCD/CMND"), max_length=20, required=False)
    people_count = forms.IntegerField(label=_("Số người"), min_value=1, max_value=MAX_PEOPLE, initial=1)
    is_group = forms.BooleanField(label=_("Đoàn đông người"), required=False)
    representatives = forms.CharField(label=_("Người đại diện"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Phân loại"), choices=_blank(LetterKind.choices))
    summary = forms.CharField(label=_("Nội dung vụ việc"), widget=forms.Textarea(attrs={"rows": 4}))
    handled_by = forms.CharField(label=_("Cơ quan đã giải quyết"), max_length=500, required=False)
    competence = forms.ChoiceField(label=_("Thẩm quyền"), choices=Competence.choices, initial=Competence.UNCLEAR)
    guidance = forms.ChoiceField(label=_("Hướng dẫn, chuyển đơn"), choices=Guidance.choices)
    document_number = forms.CharField(label=_("Số văn bản"), max_length=60, required=False)
    outcome = forms.CharField(label=_("Kết quả tiếp"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    commune = UnitChoiceField(
        label=_("Phường, xã nơi phát sinh"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Để trống để lấy theo địa chỉ."),
    )

    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Reception | None = None,
        sender: identity.IdentityShown | None = None,
    ) -> None:
        initial: dict[str, Any] = {"received_on": clock.today()}
        if instance is not None:
            initial = {name: getattr(instance, name) for name in RECEPTION_FIELDS}
            initial.update(
                unit=instance.unit_id,
                receiving_leader=instance.receiving_leader_id,
                commune=instance.commune_id,
                version=instance.version,
            )
            if sender is not None and sender.state == identity.SHOWN:
                initial.update(
                    citizen_name=sender.sender.name,
                    citizen_address=sender.sender.address,
                    id_number=sender.sender.id_number,
                    representatives=sender.sender.representatives,
                )
        super().__init__(data, initial=initial)
        protected_hint(self, sender, ("citizen_name", "citizen_address", "id_number", "representatives"))
        _offer_units(self, user, every=("unit",), local=("commune",))
        leader: PersonChoiceField = self.fields["receiving_leader"]  # type: ignore[assignment]
        leader.set_people(_leaders(user), accept=people_visible_to(user))
        mark_invalid(self)

    def to_input(self, reception_day_id: int | None = None, letter_id: int | None = None) -> ReceptionInput:
        d = self.cleaned_data
        return ReceptionInput(
            unit_id=d["unit"].pk,
            received_on=d["received_on"],
            receiver_kind=d["receiver_kind"],
            receiving_leader_id=d["receiving_leader"].pk if d.get("receiving_leader") else None,
            reception_day_id=reception_day_id,
            citizen_name=d["citizen_name"],
            citizen_address=d.get("citizen_address") or "",
            id_number=d.get("id_number") or "",
            people_count=d["people_count"],
            is_group=bool(d.get("is_group")),
            representatives=d.get("representatives") or "",
            summary=d["summary"],
            kind=d["kind"],
            handled_by=d.get("handled_by") or "",
            competence=d["competence"],
            guidance=d["guidance"],
            document_number=d.get("document_number") or "",
            outcome=d.get("outcome") or "",
            commune_id=d["commune"].pk if d.get("commune") else None,
            letter_id=letter_id,
        )


class ReceptionDayForm(_ServiceErrors, forms.Form):
    unit = UnitChoiceField(label=_("Cấp ủy, đảng ủy"), queryset=Unit.objects.none(), widget=FastSelect)
    leader = PersonChoiceField(label=_("Lãnh đạo tiếp"))
    day = DateField(label=_("Ngày tiếp"), widget=DateInput())
    state = forms.ChoiceField(label=_("Tình trạng"), choices=ReceptionDayState.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data, initial={"day": clock.today(), "state": ReceptionDayState.PLANNED})
        self.fields["unit"].queryset = active_units(user).filter(  # type: ignore[attr-defined]
            Q(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]) | Q(kind=UnitKind.COMMITTEE, parent__isnull=True)
        )
        leader: PersonChoiceField = self.fields["leader"]  # type: ignore[assignment]
        leader.set_people(_leaders(user), accept=people_visible_to(user))
        mark_invalid(self)

    def to_input(self) -> ReceptionDayInput:
        d = self.cleaned_data
        return ReceptionDayInput(
            unit_id=d["unit"].pk, leader_id=d["leader"].pk, day=d["day"], state=d["state"], note=d.get("note") or ""
        )


class ReceptionDayStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Tình trạng"), choices=ReceptionDayState.choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class MonthForm(forms.Form):
    """The month of the reception days' figure (``2026-02``); the current month by default."""

    month = forms.RegexField(
        label=_("Tháng"),
        regex=r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Tháng phải có dạng YYYY-MM, ví dụ 2026-02.")},
    )
    after = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.is_valid()
        mark_invalid(self)

    def clean_after(self) -> str:
        return _check_cursor(selectors.RECEPTION_ORDER, self.cleaned_data.get("after") or "")

    def year_month(self) -> tuple[int, int]:
        value = self.cleaned_data.get("month") or ""
        if value:
            year, month = value.split("-")
            return int(year), int(month)
        today = clock.today()
        return today.year, today.month

    @property
    def cursor(self) -> str:
        return str(self.cleaned_data.get("after") or "")


class HotSpotFilterForm(forms.Form):
    """The hot spots' list filters (``/diem-nong/``), read from the query string."""

    commune = UnitChoiceField(
        label=_("Phường, xã nơi phát sinh"), queryset=Unit.objects.none(), required=False, widget=FastSelect
    )
    topic = forms.ChoiceField(label=_("Lĩnh vực"), required=False, widget=FastSelect)
    reason = forms.ChoiceField(label=_("Lý do cảnh báo"), required=False, widget=FastSelect)
    ended = forms.BooleanField(label=_("Kể cả cảnh báo đã hết"), required=False)
    after = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.fields["commune"].empty_label = str(EVERYTHING)  # type: ignore[attr-defined]
        _offer_units(self, user, local=("commune",))
        self.fields["topic"].choices = [("", str(EVERYTHING)), *Topic.choices]  # type: ignore[attr-defined]
        self.fields["reason"].choices = [("", str(EVERYTHING)), *HotSpotReason.choices]  # type: ignore[attr-defined]
        self.is_valid()
        mark_invalid(self)

    def clean_after(self) -> str:
        return _check_cursor(HOTSPOT_ORDER, self.cleaned_data.get("after") or "")

    def filters(self) -> HotSpotFilters:
        d = self.cleaned_data
        commune = d.get("commune")
        return HotSpotFilters(
            commune_id=commune.pk if commune else None,
            topic=d.get("topic") or "",
            reason=d.get("reason") or "",
            include_ended=bool(d.get("ended")),
        )

    @property
    def cursor(self) -> str:
        return str(self.cleaned_data.get("after") or "")

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(n) for n in ("commune", "topic", "reason", "ended"))


class DuplicateLinkForm(forms.Form):
    """The proposals of the entry form the officer ticks as the same letter: the new letter is linked to them when it
    is saved (``links.letter_create_linked``). Only ids among the proposals are accepted."""

    duplicate_of = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: Any = None, *, proposals: Any = ()) -> None:
        super().__init__(data)
        self.fields["duplicate_of"].choices = [(p.letter_id, p.label) for p in proposals]  # type: ignore[attr-defined]

    def chosen(self) -> list[int]:
        """The ticked proposals (none when the post names something else)."""
        return list(self.cleaned_data.get("duplicate_of") or []) if self.is_valid() else []
