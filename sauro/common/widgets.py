"""Form widgets shared by the apps."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# Rendered option lists kept per process: a list of a few hundred units is some 30 kB.
OPTIONS_MEMO_SIZE = 128


class Options(BaseChoiceIterator):
    """Choices already in the form Django keeps them, a list of (value, label) pairs without groups, which a field
    and its widget then take as they are. Given a plain list, Django normalises it on every assignment, once for the
    field and again for its widget: ~1 ms per list page for a committee's few hundred units."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.pairs = list(pairs)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


class FastSelect(forms.Select):
    """A single ``<select>`` rendered in Python with the markup of Django's template, for long lists (the units of
    a committee, a hundred directives): Django renders one template per option, ~50 µs each, which made a filter
    form cost more than the query behind the list it filters.

    The options of a list without groups are also kept, rendered, keyed by the options themselves (values and
    labels) and the chosen values: a list page draws the same few hundred units on every request. A list that
    differs in any option (a unit renamed or added, another person's visible units) is another key, so nothing
    needs invalidating and no markup is ever shared between different lists."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        # Not list(self.choices): it would ask a ModelChoiceIterator its len(), a COUNT query.
        choices = list(iter(self.choices))
        if any(isinstance(label, list | tuple) for _value, label in choices):  # optgroups: not kept
            body = self._options(choices, chosen)
        else:
            # Whether a label was marked safe (drawn unescaped) is part of the key, as its text is.
            options = tuple(
                (_key(v), label if isinstance(label, str) else str(label), isinstance(label, SafeData))
                for v, label in choices
            )
            body = _flat_options(options, frozenset(chosen))
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), body)

    def _options(self, choices: Iterable[Any], chosen: set[str]) -> SafeString:
        parts: list[SafeString] = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option_value, self._options(label, chosen))
                )
                continue
            key = _key(option_value)
            parts.append(_option(key, label, key in chosen))
        return format_html_join("\n", "{}", ((p,) for p in parts))


def _key(option_value: Any) -> str:
    return "" if option_value is None else str(option_value)


def _option(key: str, label: Any, selected: bool) -> SafeString:
    return format_html('<option value="{}"{}>{}</option>', key, mark_safe(" selected") if selected else "", label)


@functools.lru_cache(maxsize=OPTIONS_MEMO_SIZE)
def _flat_options(options: tuple[tuple[str, str, bool], ...], chosen: frozenset[str]) -> SafeString:
    """The markup of ``options`` (value, label, whether the label is marked safe), ``chosen`` ones selected."""
    return format_html_join("\n", "{}", ((_option(key, label, key in chosen),) for key, label, _safe in options))


# --- Dates --------------------------------------------------------------------------------------------------------

DATE_DISPLAY_FORMAT = "%d/%m/%Y"
DATE_PLACEHOLDER = "dd/mm/yyyy"
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class DateInput(forms.DateInput):
    """Every date of every page form: a text box showing ``dd/mm/yyyy`` whatever the browser's language, with a
    small calendar (``static/sauro/js/widgets.js``) opened by a button beside it.

    Not ``<input type="date">``: the browser draws that in its own locale, ``mm/dd/yyyy`` in an English Chromium.
    ``common.fields.DateField`` takes it by default; a date sent back in ISO form (a link from the dashboard, an old
    bookmark) is shown day first too. The calendar's words come from the attributes rendered here (translated),
    never from the script."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "size": "10",
            "class": "date-input",
            "data-datepicker": "",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or DATE_DISPLAY_FORMAT)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str):
            match = ISO_DATE.match(value.strip())
            if match:
                year, month, day = match.groups()
                return f"{day}/{month}/{year}"
        return super().format_value(value)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, attrs, renderer)
        return format_html(
            '<span class="date-field" data-months="{}" data-weekdays="{}" data-open="{}" data-prev="{}" '
            'data-next="{}" data-today="{}" data-close="{}">{}</span>',
            "|".join(str(_("Tháng {n}")).format(n=n) for n in range(1, 13)),
            str(_("T2|T3|T4|T5|T6|T7|CN")),
            _("Chọn ngày trên lịch"),
            _("Tháng trước"),
            _("Tháng sau"),
            _("Hôm nay"),
            _("Đóng lịch"),
            box,
        )


# --- Several choices ----------------------------------------------------------------------------------------------


class SearchableSelectMultiple(FastSelect):
    """Every ``<select multiple>`` of the pages: drawn by ``static/sauro/js/widgets.js`` as a filter box over a list
    of checkboxes (a tap picks or drops one, on a phone too; no Ctrl key), the select itself kept, hidden, as the
    form's value. Without the script it is the plain multiple select, with a hint on how to pick several.
    ``common.fields.ModelMultipleChoiceField`` takes it by default."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs={"size": "8", **(attrs or {})}, choices=choices)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)  # type: ignore[arg-type]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an unticked list sends nothing: that is a value (none chosen), as for SelectMultiple

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        select = super().render(name, value, {**(attrs or {}), "multiple": True}, renderer)
        return format_html(
            '<div class="multi-select" data-placeholder="{}" data-chosen="{}">{}'
            '<p class="multi-help muted">{}</p></div>',
            _("Gõ để lọc danh sách"),
            _("Đã chọn {n}"),
            select,
            _("Giữ phím Ctrl (trên máy Mac: Cmd) và bấm để chọn nhiều mục."),
        )
