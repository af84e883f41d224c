"""Forms of the task pages: the list's filters, the draft form grouped by the six clears, and the small action
forms of a task's page.

Every choice a form offers comes through a visibility gate (``org.access``, ``directives.access``,
``tasks.selectors``): a form never offers, nor accepts, a unit, person or directive the user may not see.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.fields import (
    DateField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultipleFileField,
    MultipleFileInput,
)
from sauro.common.forms import ERR_DATE_RANGE, mark_invalid
from sauro.common.pagination import BadCursor, Key, Keyset, KeyType
from sauro.common.uploads import ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES, human_size
from sauro.common.versioned import cached_for
from sauro.common.widgets import DateInput, FastSelect, Options
from sauro.directives.access import directives_issued_for, directives_visible_to
from sauro.directives.models import Directive, kind_label
from sauro.directives.numbering import format_symbol
from sauro.org.access import people_visible_to, user_scope
from sauro.org.models import Unit
from sauro.org.pickers import (
    PersonChoice,
    PersonChoiceField,
    UnitChoiceField,
    UnitMultipleChoiceField,
    active_units,
    leader_choices,
    offer_units,
    offered_units,
    people_under,
    unit_people,
    working_people,
)
from sauro.org.selectors import people_with_ids, units_with_ids
from sauro.tasks import selectors, services
from sauro.tasks.access import authority_choices, draft_owner, lead_filter, submit_confirmation_label
from sauro.tasks.choices import (
    OPEN_STATES,
    Classification,
    ProductKind,
    ReportingState,
    ReviewCadence,
    TaskState,
)
from sauro.tasks.models import Task
from sauro.tasks.selectors import TaskFilters

EVERYTHING = _("Tất cả")
NONE_CHOSEN = _("— Chưa chọn —")
OPEN_FILTER = "open"
# The reporting filter's value for the four states of tasks with a due date (ongoing ones apart): the tasks a
# dashboard's "total" counts.
COUNTED_FILTER = "counted"
ERR_CURSOR = _("Đường dẫn phân trang không hợp lệ; đang hiển thị trang đầu.")
ERR_LEAD_IS_COORDINATOR = _("Đơn vị chủ trì không được đồng thời là đơn vị phối hợp.")
ERR_PICK_LEAD_FIRST = _("Hãy chọn đơn vị chủ trì trước, rồi chọn người trong đơn vị đó.")
ERR_PERSON_CHOICE = _("Người được chọn không giữ vai trò tại đơn vị chủ trì (hoặc đơn vị trực thuộc).")
ERR_AUTHORITY_CHOICE = _("Cấp có thẩm quyền phải là đơn vị chủ trì hoặc cấp trên của đơn vị chủ trì.")

# The list's sort orders: (label, model field, descending). Ties are broken by id in the same direction.
SORTS: dict[str, tuple[Any, str, bool]] = {
    "due": (_("Hạn gần trước"), "due_date", False),
    "-due": (_("Hạn xa trước"), "due_date", True),
    "-issued": (_("Mới giao trước"), "issued_on", True),
    "-updated": (_("Mới cập nhật trước"), "updated_at", True),
    "title": (_("Tên (A – Z)"), "title", False),
}
DEFAULT_SORT = "due"


# --- choices through the gates -------------------------------------------------------------------------------


def authority_candidates(user: User, lead: Unit | None, owner: Unit | None) -> list[Unit]:
    """Visible active units that may decide a task issued by ``owner`` and led by ``lead``
    (``access.authority_choices``); without a lead unit, the committees and their standing bodies among them."""
    if owner is None:
        return []
    return authority_choices(owner, active_units(user), lead, clock.today())


def directive_label(kind: str, number: int, issuer_code: str, issued_on: datetime.date, summary: str) -> str:
    """ "Kết luận 15-KL/TU (02/03/2026) — summary…", from the columns (``DIRECTIVE_LABEL_FIELDS`` after the id)."""
    summary = summary if len(summary) <= 80 else summary[:79] + "…"
    return f"{kind_label(kind)} {format_symbol(number, kind, issuer_code)} ({issued_on:%d/%m/%Y}) — {summary}"


class DirectiveChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return directive_label(obj.kind, obj.number, obj.issuer_code, obj.issued_on, obj.summary)


# --- the list's filters --------------------------------------------------------------------------------------


# The type of each sort's column, for its cursor; every sort's column may be empty (those tasks come last).
_SORT_TYPES: dict[str, KeyType] = {
    "due_date": datetime.date,
    "issued_on": datetime.date,
    "updated_at": datetime.datetime,
    "title": str,
}


def sort_keyset(sort: str) -> Keyset:
    """The list's order for ``sort``: its column (empty values last), then id, in the same direction."""
    key = sort if sort in SORTS else DEFAULT_SORT
    _label, name, desc = SORTS[key]
    return Keyset(
        f"tasks.list.{key}",
        Key(name, _SORT_TYPES[name], descending=desc, nullable=True),
        Key("id", int, descending=desc),
    )


FILTER_DIRECTIVE_CHOICES = 100  # the most recent …
FILTER_DIRECTIVE_DAYS = 730  # … of the last two years
DIRECTIVE_LABEL_FIELDS = ("id", "kind", "number", "issuer_code", "issued_on", "summary")


def _raw_id(value: Any) -> int | None:
    """A submitted id before the form cleans it (to prepare the choices); ``None`` when it is not one."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _recent_directives(user: User) -> list[tuple[int, str]]:
    """The directives a filter offers (id, label): the most recent ones issued by the bodies the user sees."""
    since = clock.today() - datetime.timedelta(days=FILTER_DIRECTIVE_DAYS)
    recent = directives_issued_for(user).filter(issued_on__gte=since).order_by("-issued_on", "-id")
    # Rows, not model instances: a hundred directives on every list page.
    rows = recent.values_list(*DIRECTIVE_LABEL_FIELDS)[:FILTER_DIRECTIVE_CHOICES]
    return [(pk, directive_label(*label_fields)) for pk, *label_fields in rows]


class TaskFilterForm(forms.Form):
    """The list's filters, read from the query string: a filtered list is a link one can send to a colleague."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    unit = UnitChoiceField(
        label=_("Đơn vị chủ trì"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=str(EVERYTHING),
        widget=FastSelect,
    )
    state = forms.ChoiceField(label=_("Trạng thái"), required=False, widget=FastSelect)
    reporting = forms.ChoiceField(label=_("Tình hình thực hiện"), required=False, widget=FastSelect)
    due_from = DateField(label=_("Thời hạn từ ngày"), required=False, widget=DateInput())
    due_to = DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    directive = DirectiveChoiceField(
        label=_("Văn bản chỉ đạo"),
        queryset=Directive.objects.none(),
        required=False,
        empty_label=str(EVERYTHING),
        widget=FastSelect,
    )
    person = PersonChoiceField(
        label=_("Người chịu trách nhiệm"),
        required=False,
        widget=FastSelect,
        empty_label=str(EVERYTHING),
        help_text=_("Danh sách gồm người của đơn vị đang lọc; chọn đơn vị rồi bấm Lọc để chọn người của đơn vị khác."),
    )
    mine = forms.BooleanField(label=_("Chỉ việc của tôi (chịu trách nhiệm hoặc được phân công)"), required=False)
    focus = forms.BooleanField(label=_("Chỉ nhiệm vụ trọng tâm"), required=False)
    as_of = DateField(
        label=_("Tình hình tính đến ngày"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống: tính đến hôm nay."),
    )
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, widget=FastSelect)
    # Exactly this lead unit (not the units below it): a dashboard's row for a unit's own tasks links here.
    lead_unit = ModelChoiceField(queryset=Unit.objects.none(), required=False, widget=forms.HiddenInput)
    # The tasks of a reporting period (``selectors.in_period``: due in it, carried over into it, issued in it and
    # due later), as the dashboards and reports count them: their figures link here.
    period_from = DateField(label=_("Kỳ báo cáo từ ngày"), required=False, widget=forms.HiddenInput)
    period_to = DateField(label=_("Kỳ báo cáo đến ngày"), required=False, widget=forms.HiddenInput)
    after = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, with_choices: bool = True, **kwargs: Any) -> None:
        """``with_choices=False``: the filters are only read (count cards, export), never drawn, so the unit,
        directive and person lists are not built; the same gates still decide which values are accepted."""
        super().__init__(*args, **kwargs)
        self.user = user
        units = active_units(user)
        unit_field = cast(UnitChoiceField, self.fields["unit"])
        unit_field.queryset = units
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        # The units offered (a committee has a few hundred, drawn on every list page) as rows kept between requests;
        # their paths are what the people's list follows.
        offered = offered_units(user) if with_choices else []
        offer_units(unit_field, offered)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            ("", str(EVERYTHING)),
            (OPEN_FILTER, str(_("Chưa hoàn thành (đang mở)"))),
            *TaskState.choices,
        ]
        self.fields["reporting"].choices = [  # type: ignore[attr-defined]
            ("", str(EVERYTHING)),
            *ReportingState.choices,
            (COUNTED_FILTER, str(_("Có thời hạn (cả bốn tình trạng)"))),
        ]
        self._offer_directives(user, with_choices)
        self._offer_people(user, {u.pk: u.path for u in offered} if with_choices else None)
        self.fields["sort"].choices = [(k, str(v[0])) for k, v in SORTS.items()]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Tên, nội dung nhiệm vụ… có thể gõ không dấu"), "type": "search"}
        )
        mark_invalid(self)

    # Ten years hold thousands of directives and people: the filter offers the most recent directives issued by the
    # bodies the user sees and the people of the chosen unit (of the user's own units without one), yet accepts
    # any directive or person the user may see (links carry them) and always lists the chosen one. The lists offered
    # are kept between requests under the version of their data (sauro.common.versioned).
    def _offer_directives(self, user: User, with_choices: bool) -> None:
        field = cast(DirectiveChoiceField, self.fields["directive"])
        chosen = _raw_id(self.data.get("directive"))
        # The gate is built (and checked) only when a directive was submitted.
        field.queryset = directives_visible_to(user) if self.data.get("directive") else Directive.objects.none()
        if not with_choices:
            return
        offered = list(cached_for(user, "filter-directives", lambda: _recent_directives(user)))
        if chosen is not None and chosen not in {pk for pk, _label in offered}:
            offered[:0] = [(d.pk, field.label_from_instance(d)) for d in field.queryset.filter(pk=chosen)]
        field.choices = Options([("", field.empty_label or ""), *offered])

    def _offer_people(self, user: User, unit_paths: dict[int, str] | None) -> None:
        """``unit_paths``: the path of each unit offered (active and visible), ``None`` without choices."""
        field = cast(PersonChoiceField, self.fields["person"])
        if unit_paths is None:
            field.set_people([], accept=people_visible_to(user))
            return
        unit_id = _raw_id(self.data.get("unit"))
        path = unit_paths.get(unit_id) if unit_id is not None else None
        if path is not None:
            people = list(cached_for(user, "filter-people", lambda: people_under(user, path), path))
        else:
            # The user's own units: their members are visible to them.
            own = Q(unit_id__in=sorted(user_scope(user).unit_ids))
            people = list(cached_for(user, "filter-people", lambda: working_people(user, own, gated=False)))
        chosen = _raw_id(self.data.get("person"))
        if chosen is not None and chosen not in {p.person_id for p in people}:
            extra = people_visible_to(user).filter(pk=chosen).first()
            if extra is not None:
                people.insert(0, PersonChoice.of(extra))
        field.set_people(people, accept=people_visible_to(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", ERR_DATE_RANGE)
        period_start, period_end = data.get("period_from"), data.get("period_to")
        if (period_start is None) != (period_end is None) or (
            period_start and period_end and period_end < period_start
        ):
            self.add_error("period_to", ERR_DATE_RANGE)
        after = data.get("after") or ""
        if after:
            try:
                data["cursor"] = sort_keyset(data.get("sort") or DEFAULT_SORT).decode(after)
            except BadCursor:
                self.add_error("after", ERR_CURSOR)
        return data

    def _data(self) -> dict[str, Any]:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data

    def filters(self, *, with_reporting: bool = True) -> TaskFilters:
        """The filters from the fields that are valid; an invalid field filters nothing (its error is shown)."""
        data = self._data()
        state = data.get("state") or ""
        reporting = data.get("reporting") or ""
        unit, directive, person = data.get("unit"), data.get("directive"), data.get("person")
        lead_unit = data.get("lead_unit")
        if reporting == COUNTED_FILTER:
            reporting_states = [str(s) for s in ReportingState if s != ReportingState.ONGOING]
        else:
            reporting_states = [reporting] if reporting else []
        return TaskFilters(
            q=(data.get("q") or "").strip(),
            unit_id=unit.pk if unit else None,
            lead_unit_id=lead_unit.pk if lead_unit else None,
            states=[str(s) for s in OPEN_STATES] if state == OPEN_FILTER else ([state] if state else []),
            reporting_states=reporting_states if with_reporting else [],
            due_after=data.get("due_from"),
            due_before=data.get("due_to"),
            directive_id=directive.pk if directive else None,
            responsible_person_id=person.pk if person else None,
            officer_id=self.user.pk if data.get("mine") else None,
            focus_only=bool(data.get("focus")),
            as_of=data.get("as_of"),
            period_start=data.get("period_from") if data.get("period_to") else None,
            period_end=data.get("period_to") if data.get("period_from") else None,
        )

    @property
    def sort_key(self) -> str:
        return str(self._data().get("sort") or DEFAULT_SORT)

    @property
    def cursor(self) -> tuple[Any, ...] | None:
        """The key values of the last row shown (``sort_keyset``), or ``None`` on the first page."""
        cursor: tuple[Any, ...] | None = self._data().get("cursor")
        return cursor

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return any([f.q, f.unit_id, f.states, f.reporting_states, f.due_after, f.due_before, f.directive_id]) or bool(
            f.responsible_person_id or f.lead_unit_id or f.as_of or f.officer_id or f.focus_only or f.period_start
        )


# --- the draft form ------------------------------------------------------------------------------------------

# Service field names → the form's, for errors a service names.
SERVICE_FIELDS = {"parent": "__all__"}
# The groups of the form, in the order an official fills them in; each is one of the six clears.
FORM_GROUPS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("task", _("Rõ việc"), ("title", "content", "directive", "source_paragraph")),
    ("responsibility", _("Rõ trách nhiệm"), ("lead_unit", "coordinating_units", "supervising_leader")),
    ("person", _("Rõ người"), ("responsible_person",)),
    ("time", _("Rõ thời gian"), ("due_date", "is_ongoing", "review_cadence")),
    ("product", _("Rõ sản phẩm"), ("product_kind", "product_description")),
    ("authority", _("Rõ thẩm quyền"), ("authority_unit",)),
]


def _posted_id(data: Any, name: str) -> int | None:
    raw = str(data.get(name) or "").strip() if data is not None else ""
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class TaskForm(forms.Form):
    """A draft task: every field but the title may be left empty (the six-clear checklist names the gaps).

    The responsible person is chosen among the people of the lead unit, the authority among the units that govern
    it; both lists follow the lead unit (posted, or the draft's) and are reloaded by htmx when it changes.
    """

    title = forms.CharField(
        label=_("Tên nhiệm vụ"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea--short"}),
        help_text=_("Bắt đầu bằng động từ chỉ việc cụ thể, ví dụ: “Xây dựng đề án…”, “Tổ chức hội nghị…”."),
    )
    content = forms.CharField(
        label=_("Nội dung công việc"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Nêu rõ phải làm gì, làm đến đâu; tránh các cụm chung chung như “tăng cường”, “quan tâm”."),
    )
    directive = DirectiveChoiceField(
        label=_("Văn bản chỉ đạo (nguồn)"),
        queryset=Directive.objects.none(),
        required=False,
        empty_label=str(NONE_CHOSEN),
    )
    source_paragraph = forms.CharField(
        label=_("Đoạn, điểm trong văn bản"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea--short"}),
        help_text=_("Chép đoạn, điểm của văn bản mà nhiệm vụ cụ thể hóa, ví dụ: “Mục 2, điểm 2.3: …”."),
    )
    lead_unit = UnitChoiceField(
        label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), required=False, empty_label=str(NONE_CHOSEN)
    )
    coordinating_units = UnitMultipleChoiceField(
        label=_("Đơn vị phối hợp"),
        queryset=Unit.objects.none(),
        required=False,
    )
    supervising_leader = PersonChoiceField(label=_("Lãnh đạo phụ trách"), required=False, empty_label=str(NONE_CHOSEN))
    responsible_person = PersonChoiceField(
        label=_("Người chịu trách nhiệm chính"),
        required=False,
        error_messages={"invalid_choice": ERR_PERSON_CHOICE},
        empty_label=str(NONE_CHOSEN),
        help_text=_("Người đang giữ vai trò tại đơn vị chủ trì hoặc đơn vị trực thuộc."),
    )
    due_date = DateField(label=_("Thời hạn hoàn thành"), required=False, widget=DateInput())
    is_ongoing = forms.BooleanField(
        label=_("Nhiệm vụ thường xuyên (không có thời hạn cụ thể)"),
        required=False,
        help_text=_("Nhiệm vụ thường xuyên phải có chu kỳ rà soát."),
    )
    review_cadence = forms.ChoiceField(label=_("Chu kỳ rà soát"), required=False, choices=ReviewCadence.choices)
    product_kind = forms.ChoiceField(label=_("Loại sản phẩm"), required=False)
    product_description = forms.CharField(
        label=_("Mô tả sản phẩm cần đạt"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea--short"}),
    )
    authority_unit = UnitChoiceField(
        label=_("Cấp có thẩm quyền nghiệm thu sản phẩm"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": ERR_AUTHORITY_CHOICE},
        empty_label=str(NONE_CHOSEN),
        help_text=_("Đơn vị chủ trì hoặc cấp trên của đơn vị chủ trì."),
    )
    classification = forms.ChoiceField(label=_("Độ mật"), choices=Classification.choices)
    is_focus = forms.BooleanField(
        label=_("Nhiệm vụ trọng tâm"),
        required=False,
        help_text=_("Được ưu tiên nêu trước trong báo cáo sơ kết và theo dõi riêng trên bảng điều hành."),
    )
    weight = forms.DecimalField(
        label=_("Trọng số trong nhiệm vụ cha"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: User, instance: Task | None = None, parent: Task | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from_task(instance)
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.parent = parent if parent is not None else (instance.parent if instance is not None else None)
        # The issuing unit: the authority must be within its reach.
        self.owner = draft_owner(user, instance=instance, parent=self.parent)
        units = active_units(user)
        if self.parent is not None and self.parent.lead_unit is not None:
            units_below = units.filter(path__startswith=self.parent.lead_unit.path)
        else:
            units_below = units
        # Only units that may lead a task (``access.lead_filter``): someone to receive it, not a whole committee.
        lead_units = units_below.filter(lead_filter(clock.today()))
        self.fields["lead_unit"].queryset = self._with_current(lead_units, "lead_unit_id")  # type: ignore[attr-defined]
        self.fields["coordinating_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["directive"].queryset = (  # type: ignore[attr-defined]
            directives_visible_to(user).order_by("-issued_on", "-id")
        )
        self.fields["product_kind"].choices = [("", str(NONE_CHOSEN)), *ProductKind.choices]  # type: ignore[attr-defined]
        self.lead = self._lead_unit(lead_units)
        self._set_people()
        authorities = authority_candidates(user, self.lead, self.owner)
        current_authority = instance.authority_unit if instance is not None else None
        if current_authority is not None and current_authority not in authorities:
            authorities.append(current_authority)
        self.fields["authority_unit"].queryset = units_with_ids(u.pk for u in authorities)  # type: ignore[attr-defined]
        if self.parent is None:
            del self.fields["weight"]
        if self.lead is None:
            self.fields["responsible_person"].help_text = ERR_PICK_LEAD_FIRST
        # When the lead unit changes, htmx reloads the people and authorities that fit it (tasks:lead_options).
        self.fields["lead_unit"].widget.attrs.update(
            {
                "hx-get": reverse("tasks:lead_options"),
                "hx-trigger": "change",
                "hx-include": "[name='responsible_person'],[name='authority_unit']",
                "hx-vals": json.dumps(
                    {"parent": self.parent.pk if self.parent else "", "task": instance.pk if instance else ""}
                ),
                "hx-swap": "none",
                # One request at a time with the live checklist (queued, none dropped).
                "hx-sync": "closest form:queue all",
                "aria-controls": "field-responsible_person field-authority_unit",
            }
        )
        mark_invalid(self)

    def _with_current(self, units: QuerySet[Unit], attr: str) -> QuerySet[Unit]:
        current = getattr(self.instance, attr, None) if self.instance is not None else None
        return (units | units_with_ids([current])).distinct() if current else units

    def _lead_unit(self, lead_units: QuerySet[Unit]) -> Unit | None:
        """The lead unit the dependent lists follow: the posted one if valid, else the initial (the draft's)."""
        if self.is_bound:
            pk = _posted_id(self.data, self.add_prefix("lead_unit"))
        else:
            initial = self.initial.get("lead_unit")
            pk = initial.pk if isinstance(initial, Unit) else initial
        if pk is None:
            return None
        found: Unit | None = self.fields["lead_unit"].queryset.filter(pk=pk).first()  # type: ignore[attr-defined]
        return found

    def _set_people(self) -> None:
        people = unit_people(self.user, self.lead)
        leaders = leader_choices(self.user)
        if self.parent is not None and self.parent.lead_unit is not None:
            # A sub-task is supervised inside the unit that splits it: its heads come first.
            known = {c.person_id for c in leaders}
            heads = unit_people(self.user, self.parent.lead_unit, heads_only=True)
            heads = [p for p in heads if p.person_id not in known]
            leaders = [*heads, *leaders]
        if self.instance is not None:
            for attr, chosen in (("responsible_person", people), ("supervising_leader", leaders)):
                current = getattr(self.instance, attr)
                if current is not None and current.pk not in {c.person_id for c in chosen}:
                    chosen.append(PersonChoice.of(current))
        cast(PersonChoiceField, self.fields["responsible_person"]).set_people(people)
        cast(PersonChoiceField, self.fields["supervising_leader"]).set_people(leaders)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead_unit")
        if lead is not None and lead in (data.get("coordinating_units") or []):
            self.add_error("coordinating_units", ERR_LEAD_IS_COORDINATOR)
        if data.get("is_ongoing"):
            data["due_date"] = None
        return data

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        mark_invalid(self)

    def groups(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        return [(name, title, [self[f] for f in fields if f in self.fields]) for name, title, fields in FORM_GROUPS]

    def service_fields(self) -> dict[str, Any]:
        """The mapping ``task_create`` takes: every field, relations as ids."""
        return self._as_service({name: self.cleaned_data.get(name) for name in self._service_names()})

    def changes(self) -> dict[str, Any]:
        """Only what the person changed, for ``task_update`` (the journal then names exactly those fields)."""
        names = [n for n in self._service_names() if n in self.changed_data]
        if "is_ongoing" in names and "due_date" not in names:
            names.append("due_date")
        return self._as_service({name: self.cleaned_data.get(name) for name in names})

    def _service_names(self) -> list[str]:
        return [n for n in self.fields if n != "version"]

    @staticmethod
    def _as_service(values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in values.items():
            if name == "coordinating_units":
                out[name] = [u.pk for u in value or []]
            elif name == "weight" and value is None:
                continue
            elif hasattr(value, "pk"):
                out[name] = value.pk
            elif value is None and name in {"content", "source_paragraph", "product_description"}:
                out[name] = ""
            else:
                out[name] = value
        return out

    def unsaved_task(self, owner_unit: Unit) -> tuple[Task, set[int]]:
        """A ``Task`` built from the valid fields, never saved, for the live six-clear check; and the
        coordinating unit ids (the many-to-many cannot be set on an unsaved task)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        task = Task(
            owner_unit=owner_unit,
            parent=self.parent,
            title=data.get("title") or "",
            content=data.get("content") or "",
            lead_unit=data.get("lead_unit"),
            responsible_person=data.get("responsible_person"),
            supervising_leader=data.get("supervising_leader"),
            due_date=data.get("due_date"),
            is_ongoing=bool(data.get("is_ongoing")),
            is_focus=bool(data.get("is_focus")),
            review_cadence=data.get("review_cadence") or "",
            product_kind=data.get("product_kind") or "",
            product_description=data.get("product_description") or "",
            authority_unit=data.get("authority_unit"),
        )
        return task, {u.pk for u in data.get("coordinating_units") or []}


def initial_from_task(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "content": task.content,
        "directive": task.directive_id,
        "source_paragraph": task.source_paragraph,
        "lead_unit": task.lead_unit_id,
        "coordinating_units": [u.pk for u in task.coordinating_units.all()] if task.pk else [],
        "supervising_leader": task.supervising_leader_id,
        "responsible_person": task.responsible_person_id,
        "due_date": task.due_date,
        "is_ongoing": task.is_ongoing,
        "review_cadence": task.review_cadence,
        "product_kind": task.product_kind,
        "product_description": task.product_description,
        "authority_unit": task.authority_unit_id,
        "classification": task.classification,
        "is_focus": task.is_focus,
        "weight": task.weight,
        "version": task.version,
    }


# --- actions on a task's page -------------------------------------------------------------------------------


class IssueForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class AcceptForm(forms.Form):
    officers = ModelMultipleChoiceField(
        label=_("Phân công cán bộ thực hiện"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Có thể để trống và phân công sau; người chịu trách nhiệm chính đã được ghi trên nhiệm vụ."),
    )

    def __init__(self, *args: Any, user: User, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [p for p in unit_people(user, task.lead_unit) if p.person_id != task.responsible_person_id]
        field = cast(forms.ModelMultipleChoiceField, self.fields["officers"])
        field.queryset = people_with_ids(p.person_id for p in people)
        field.choices = [(p.person_id, p.label) for p in people]


class SubmitForm(forms.Form):
    """The product: what it is, its number or link, its files; and, when ``caveats`` (``access.submit_caveats``:
    progress below 100%, an open obstacle) name a reason to wait, the checkbox confirming the person submits
    anyway, which the form then requires (the service refuses an unconfirmed submission as well)."""

    product_note = forms.CharField(
        label=_("Sản phẩm đã hoàn thành"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mô tả ngắn sản phẩm gửi cấp có thẩm quyền."),
    )
    product_ref = forms.CharField(
        label=_("Số, ký hiệu hoặc đường dẫn sản phẩm"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Báo cáo số 125-BC/BTCTU; có thể để trống."),
    )
    attachments = MultipleFileField(
        label=_("Tệp sản phẩm"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_(
            "Văn bản, báo cáo đã hoàn thành để cấp có thẩm quyền xem trước khi duyệt. Có thể chọn nhiều tệp (tối đa "
            "%(count)s tệp, mỗi tệp không quá %(size)s, tổng cộng không quá %(total)s): PDF, Word, Excel, "
            "OpenDocument, ảnh JPG, PNG."
        )
        % {
            "count": services.MAX_SUBMISSION_FILES,
            "size": human_size(MAX_UPLOAD_BYTES),
            "total": human_size(settings.SAURO_MAX_REQUEST_BYTES),
        },
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, caveats: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.caveats = list(caveats or [])
        if self.caveats:
            self.fields["confirm"].label = submit_confirmation_label(self.caveats)
        else:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.caveats and not cleaned.get("confirm"):
            message = services.ERR_CONFIRM_SUBMIT.format(caveats=" và ".join(self.caveats))
            self.add_error("confirm", message)
        return cleaned


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến (nếu có)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FocusForm(forms.Form):
    is_focus = forms.BooleanField(
        label=_("Nhiệm vụ trọng tâm"),
        required=False,
        help_text=_("Được nêu trước trong báo cáo sơ kết và được đếm riêng trên bảng điều hành."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionRequestForm(forms.Form):
    new_due_date = DateField(label=_("Thời hạn đề nghị"), widget=DateInput())
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignmentRequestForm(forms.Form):
    proposed_unit = UnitChoiceField(
        label=_("Đơn vị đề nghị chủ trì"), queryset=Unit.objects.none(), empty_label=str(NONE_CHOSEN)
    )
    reason = forms.CharField(
        label=_("Lý do đề nghị điều chỉnh"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_unit"].queryset = selectors.reassignment_candidates(task)  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """The authority's decision on a request: two submit buttons, "Đồng ý" and "Không đồng ý"."""

    decision = forms.TypedChoiceField(
        choices=[("1", _("Đồng ý")), ("0", _("Không đồng ý"))], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Ý kiến (nếu có)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# Service field names → the action forms' fields.
ACTION_SERVICE_FIELDS = {"officer_ids": "officers", "proposed_unit_id": "proposed_unit"}
