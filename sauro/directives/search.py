"""Diacritics-free search over directives: the folded text kept in ``Directive.search_text``."""

from __future__ import annotations

import unicodedata

# A search box is not a query language: more words than this are ignored.
MAX_SEARCH_WORDS = 12


def fold(text: str) -> str:
    """Lower-case ``text`` without Vietnamese diacritics (đ → d), whitespace collapsed.

    "Kết luận Hội nghị" and "ket luan hoi nghi" fold to the same text, so that a stored folded column answers a
    case- and diacritics-free search with a plain ``LIKE`` on both SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("đ", "d").replace("Đ", "d").lower().split())


def search_words(query: str) -> list[str]:
    """The folded words of a search box, each of which must appear in a result."""
    return fold(query.replace("\x00", " ")).split()[:MAX_SEARCH_WORDS]


def search_text(*parts: str) -> str:
    """The folded text stored for searching: every part, one space apart."""
    return fold(" ".join(p for p in parts if p))
