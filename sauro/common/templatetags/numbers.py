"""``{{ count|number }}``: a count with the Vietnamese thousands separator (923.603); ``common.text.number``."""

from __future__ import annotations

from django import template

from sauro.common.text import number as _number

register = template.Library()


@register.filter(name="number", is_safe=True)
def number(value: object) -> str:
    return _number(value)
