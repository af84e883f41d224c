"""Forms of the monitoring pages: the actions on a task's page (progress update, obstacle, answer, confidence)
and the filters of the obstacles page.

The forms only shape what was typed; the rules (a proposal is mandatory, who may act, the percent range …) are the
services' (``monitoring.services``), whose Vietnamese messages are shown next to the fields they name. That is why
the proposal is not ``required`` here: the browser must not stop the form before the server explains the rule.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common.fields import IdField, ModelChoiceField, MultipleFileField, MultipleFileInput
from sauro.common.uploads import ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES, human_size
from sauro.monitoring import access, services
from sauro.monitoring.choices import ObstacleState
from sauro.org.models import Unit
from sauro.org.pickers import UnitChoiceField, active_units
from sauro.tasks.choices import Confidence, Trend
from sauro.tasks.models import Task

INDICATOR_ROWS = 3
ERR_UNIT_CHOICE = _("Đơn vị không hợp lệ.")
ERR_DECIDER_CHOICE = _("Hãy chọn một cấp trong danh sách.")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- the actions on a task's page ---------------------------------------------------------------------------


class ProgressUpdateForm(forms.Form):
    done = forms.CharField(
        label=_("Kết quả thực hiện trong kỳ"),
        max_length=10000,
        widget=_textarea(4),
        error_messages={"required": services.ERR_DONE_REQUIRED},
    )
    next_steps = forms.CharField(label=_("Nhiệm vụ tiếp theo"), max_length=10000, required=False, widget=_textarea())
    percent = forms.IntegerField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": services.ERR_PERCENT,
            "invalid": services.ERR_PERCENT,
            "min_value": services.ERR_PERCENT,
            "max_value": services.ERR_PERCENT,
        },
        help_text=_("Phần trăm khối lượng công việc đã hoàn thành, từ 0 đến 100."),
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_(
            "Có thể chọn nhiều tệp (tối đa %(count)s tệp, mỗi tệp không quá %(size)s, tổng cộng không quá "
            "%(total)s): PDF, Word, Excel, OpenDocument, ảnh JPG, PNG."
        )
        % {
            "count": services.MAX_FILES,
            "size": human_size(MAX_UPLOAD_BYTES),
            "total": human_size(settings.SAURO_MAX_REQUEST_BYTES),
        },
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"percent": task.progress})
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100, "step": 1, "class": "input--short"})
        for i in range(1, INDICATOR_ROWS + 1):
            self.fields[f"indicator_name_{i}"] = forms.CharField(
                label=_("Tên chỉ tiêu %(n)s") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"indicator_value_{i}"] = forms.CharField(
                label=_("Giá trị chỉ tiêu %(n)s") % {"n": i}, max_length=100, required=False
            )
            self.fields[f"indicator_unit_{i}"] = forms.CharField(
                label=_("Đơn vị tính chỉ tiêu %(n)s") % {"n": i}, max_length=50, required=False
            )

    def indicator_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (i, self[f"indicator_name_{i}"], self[f"indicator_value_{i}"], self[f"indicator_unit_{i}"])
            for i in range(1, INDICATOR_ROWS + 1)
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("done", "next_steps", "percent")]

    def indicators(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "name": data.get(f"indicator_name_{i}") or "",
                "value": data.get(f"indicator_value_{i}") or "",
                "unit": data.get(f"indicator_unit_{i}") or "",
            }
            for i in range(1, INDICATOR_ROWS + 1)
        ]


class DeciderChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ObstacleForm(forms.Form):
    description = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        max_length=10000,
        required=False,  # the service names what is missing
        widget=_textarea(4),
        help_text=_("Bắt buộc: vướng mắc gì, ở khâu nào, ảnh hưởng thế nào đến tiến độ."),
    )
    proposal = forms.CharField(
        label=_("Đề xuất, kiến nghị"),
        max_length=10000,
        required=False,  # mandatory, but said by the server (no browser-side block): see the module docstring
        widget=_textarea(4),
        help_text=_("Bắt buộc: nêu hướng giải quyết đề nghị cấp trên cho ý kiến."),
    )
    decider_unit = DeciderChoiceField(
        label=_("Cấp được đề nghị cho ý kiến"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn —",
        error_messages={"invalid_choice": ERR_DECIDER_CHOICE},
        help_text=_("Đơn vị chủ trì hoặc cấp trên của đơn vị chủ trì."),
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decider_unit"].queryset = access.decider_choices(task)  # type: ignore[attr-defined]
        # The task's authority by default; when it is not among the choices, nothing is preselected.
        self.initial.setdefault("decider_unit", task.authority_unit_id)
        # Mandatory (an asterisk), though not ``required``: the service says what is missing. Not on the description,
        # whose label must read exactly "Khó khăn, vướng mắc" (the section's title): it says so in its help.
        for name in ("proposal", "decider_unit"):
            self.fields[name].mandatory = True  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    obstacle = IdField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Ý kiến trả lời"),
        max_length=10000,
        widget=_textarea(4),
        error_messages={"required": services.ERR_ANSWER_REQUIRED},
    )


CONFIDENCE_HELP = {
    Confidence.GREEN: _("chắc chắn hoàn thành đúng hạn"),
    Confidence.GREEN_AMBER: _("nhiều khả năng hoàn thành, cần theo dõi"),
    Confidence.AMBER: _("có nguy cơ chậm, cần đôn đốc"),
    Confidence.AMBER_RED: _("khó hoàn thành nếu không có biện pháp"),
    Confidence.RED: _("không thể hoàn thành đúng hạn"),
}


class ConfidenceForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Mức đánh giá"),
        choices=Confidence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": services.ERR_LEVEL, "invalid_choice": services.ERR_LEVEL},
    )
    trend = forms.ChoiceField(
        label=_("Xu hướng"),
        choices=[("", _("Tự xác định theo lần đánh giá trước")), *Trend.choices],
        required=False,
        error_messages={"invalid_choice": services.ERR_TREND},
    )
    note = forms.CharField(label=_("Nhận xét"), max_length=5000, required=False, widget=_textarea())

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if task.confidence:
            self.initial.setdefault("level", task.confidence)

    def level_choices(self) -> list[tuple[Any, str, str]]:
        """(radio, level, what it means) for the template, which marks each level with its colour."""
        return [
            (radio, str(radio.data["value"]), str(CONFIDENCE_HELP.get(radio.data["value"], "")))
            for radio in self["level"]
        ]


# --- the obstacles page ---------------------------------------------------------------------------------------

STATE_ALL = "all"
STATE_CHOICES = [
    (ObstacleState.OPEN.value, _("Chờ trả lời")),
    (ObstacleState.ANSWERED.value, _("Đã trả lời")),
    (STATE_ALL, _("Tất cả")),
]


class ObstacleFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), choices=STATE_CHOICES, required=False)
    unit = UnitChoiceField(
        label=_("Đơn vị chủ trì"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=str(_("Tất cả đơn vị")),
        error_messages={"invalid_choice": ERR_UNIT_CHOICE},
    )
    mine = forms.BooleanField(label=_("Chỉ những việc chờ đơn vị tôi trả lời"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ những việc quá hạn trả lời"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.fields["unit"].queryset = active_units(user)  # type: ignore[attr-defined]
        self.is_valid()

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if name not in self.errors else None

    @property
    def chosen_state(self) -> str:
        """ "open", "answered" or "" (all); open when not chosen."""
        raw = self.value("state") or ObstacleState.OPEN.value
        return "" if raw == STATE_ALL else raw

    @property
    def chosen_unit(self) -> Unit | None:
        return self.value("unit")

    @property
    def page_number(self) -> int:
        return self.value("page") or 1

    @property
    def is_filtered(self) -> bool:
        return any(self.value(n) for n in ("unit", "mine", "overdue")) or self.value("state") not in (None, "", "open")
