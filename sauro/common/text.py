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
