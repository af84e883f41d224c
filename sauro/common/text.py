"""Text helpers shared by search: Vietnamese folded to plain lower-case ASCII-ish text."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics (đ → d), whitespace collapsed: "Rà soát" → "ra soat".

    Stored beside searchable text so that a diacritics-free, case-free search is a plain ``LIKE`` on both
    SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("đ", "d").replace("Đ", "d").lower().split())


def number(value: object) -> str:
    """A count as a Vietnamese reader writes it, thousands grouped with a dot: 923603 → "923.603".

    Not Django's ``USE_THOUSAND_SEPARATOR``: that also groups every id and year a template prints into a link or an
    attribute ("/nhiem-vu/1.234/", "2.026"). Pages print counts through the ``number`` filter
    (``{% load numbers %}``), messages and exports through this function."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = int(str(value))
        except (TypeError, ValueError):
            return "" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        whole, _dot, fraction = f"{value:.1f}".partition(".")
        return f"{number(int(whole))},{fraction}"
    digits = f"{int(value):,}"
    return digits.replace(",", ".")
