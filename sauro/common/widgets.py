"""Form widgets shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A single ``<select>`` rendered in Python with the markup of Django's template, for long lists (the units of
    a committee, a hundred directives): Django renders one template per option, ~50 µs each, which made a filter
    form cost more than the query behind the list it filters."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        body = self._options(self.choices, chosen)
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), body)

    def _options(self, choices: Iterable[Any], chosen: set[str]) -> SafeString:
        parts: list[SafeString] = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option_value, self._options(label, chosen))
                )
                continue
            key = "" if option_value is None else str(option_value)
            selected = mark_safe(" selected") if key in chosen else ""
            parts.append(format_html('<option value="{}"{}>{}</option>', key, selected, label))
        return format_html_join("\n", "{}", ((p,) for p in parts))
