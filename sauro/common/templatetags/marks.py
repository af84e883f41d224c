"""``{{ text|marked:words }}``: ``text`` with the words a search matched inside ``<mark>`` (``common.text.highlight``,
which escapes the text); unchanged, and escaped by the template as usual, without words."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from sauro.common.text import highlight

register = template.Library()


@register.filter
def marked(text: object, words: Sequence[str] | None) -> object:
    if not words or text is None:
        return text
    return highlight(str(text), words)
