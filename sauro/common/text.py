"""Text helpers shared by search: Vietnamese folded to plain lower-case ASCII-ish text."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics (đ → d), whitespace collapsed: "Rà soát" → "ra soat".

    Stored beside searchable text so that a diacritics-free, case-free search is a plain ``LIKE`` on both
    SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("đ", "d").replace("Đ", "d").lower().split())


# A search box is not a query language: more words than this are ignored (each one is a ``LIKE`` the query must
# satisfy; on a million letters or tasks a bounded number keeps the trigram index's work bounded).
MAX_SEARCH_WORDS = 8


def search_words(query: str) -> list[str]:
    """The folded words of a search box, each of which a result's folded ``search_text`` must contain (and a list
    marks with ``highlight``). A NUL byte (which PostgreSQL refuses in text) separates words like a space."""
    return fold(query.replace("\x00", " ")).split()[:MAX_SEARCH_WORDS]


def search_text(*parts: str | None) -> str:
    """The folded text stored beside a record for searching: every non-empty part, one space apart."""
    return fold(" ".join(p for p in parts if p))


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """``fold`` of one character, whitespace kept as it is (a search word never holds any). Cached: a page marks the
    words in fifty summaries, a few thousand characters drawn from a few hundred distinct ones."""
    plain = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    return plain.replace("đ", "d").replace("Đ", "d").lower()


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """``text`` escaped, each place matching one of ``words`` (already folded, as the search folds the query) inside
    ``<mark>``: "Rà soát" searched as "ra soat" or "soát" is marked whatever its accents and case. Matches are
    substrings, as the search's ``LIKE`` is; overlapping ones are merged."""
    folded: list[str] = []
    origin: list[int] = []  # for each folded character, the index of the character of ``text`` it comes from
    for i, c in enumerate(text):
        for f in _fold_char(c):
            folded.append(f)
            origin.append(i)
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for word in {w for w in words if w}:
        start = haystack.find(word)
        while start != -1:
            end = origin[start + len(word) - 1] + 1
            # A decomposed accent following the last letter belongs to it.
            while end < len(text) and not _fold_char(text[end]):
                end += 1
            spans.append((origin[start], end))
            start = haystack.find(word, start + 1)
    if not spans:
        return SafeString(escape(text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out.append(f"{escape(text[last:start])}<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return SafeString("".join(out))


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


def truncate(text: str, length: int) -> str:
    """``text|truncatechars:length``: at most ``length`` characters, the last one "…" when cut (combining marks not
    counted, as Django counts them). A text already short enough — most summaries — costs one normalisation."""
    normalized = unicodedata.normalize("NFC", text or "")
    if len(normalized) <= length:
        return normalized
    return Truncator(normalized).chars(length)
