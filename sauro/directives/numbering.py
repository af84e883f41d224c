"""Number-symbols of Party documents (Hướng dẫn 36-HD/VPTW): ``Số 15-KL/TU``.

A number-symbol is the number, a hyphen, the kind code, a slash and the issuer code. Numbers run from 01 per kind
and issuer within a term of the committee (nhiệm kỳ) and are written with at least two digits. People type them in
many ways ("số 15 – kl/tu", "15-KL/TU", copied from a PDF in decomposed Unicode …): ``parse_number_symbol`` accepts
all of those and answers the canonical parts, or a ``SymbolError`` with a Vietnamese message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from sauro.common.text import fold
from sauro.directives.choices import DirectiveKind

if TYPE_CHECKING:
    from sauro.directives.models import Term

MAX_NUMBER = 999_999
ISSUER_CODE_MAX_LENGTH = 20
# Issuer codes are upper-case abbreviations of the issuing body (TU, BTVTU, VPTU, ĐU, BCĐ35): Latin letters without
# diacritics except Đ, and digits, starting with a letter.
ISSUER_CODE_RE = re.compile(r"^[A-ZĐ][A-Z0-9Đ]{0,19}$")
# The same for input, where lower case is accepted (and upper-cased); no look-ahead, so JSON Schema can use it.
ISSUER_CODE_INPUT_PATTERN = r"^[A-Za-zĐđ][A-Za-z0-9Đđ]{0,19}$"

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen, non-breaking hyphen, en/em dashes, minus
_SLASHES = "/\u2044\u2215\uff0f"  # slash, fraction slash, division slash, full-width slash
_SYMBOL_RE = re.compile(
    rf"^(?:(?P<prefix>[^\W\d_]+)\s*[.:]?\s*)?"
    rf"(?P<number>[0-9]+)\s*[{_DASHES}]\s*(?P<kind>[^\W\d_]+)\s*[{_SLASHES}]\s*(?P<issuer>[^\W_]+)$"
)
_NUMBER_WORD = "so"  # "Số", folded

# Kind codes folded the same way as search text: "qđi", "QDi" and "QĐi" all name Quy định. The nineteen codes stay
# distinct when folded (CT/CTr, TT/TTr, QĐ/QĐi differ by a letter, not by case; ĐA/ĐC by their second letter).
_KINDS_BY_FOLDED = {fold(kind.value): DirectiveKind(kind.value) for kind in DirectiveKind}

ERR_SYMBOL_FORMAT = _("“{text}” không đúng dạng số, ký hiệu văn bản. Ví dụ đúng: Số 15-KL/TU.")
ERR_SYMBOL_KIND = _("“{code}” không phải mã loại văn bản. Các mã được dùng: {codes}.")
ERR_NUMBER_RANGE = _("Số văn bản phải từ 01 đến {max}.")
ERR_ISSUER_CODE = _(
    "Ký hiệu cơ quan ban hành “{code}” không hợp lệ: chỉ gồm chữ cái không dấu (được dùng Đ) và chữ số, "
    "bắt đầu bằng chữ cái, tối đa 20 ký tự; ví dụ TU, BTVTU, VPTU."
)


class SymbolError(ValueError):
    """A number-symbol, kind code or issuer code that cannot be read; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NumberSymbol(NamedTuple):
    number: int
    kind: DirectiveKind
    issuer_code: str

    @property
    def symbol(self) -> str:
        return format_symbol(self.number, self.kind, self.issuer_code)

    @property
    def number_symbol(self) -> str:
        return format_number_symbol(self.number, self.kind, self.issuer_code)


def _normalize(text: str) -> str:
    """NFC (text copied from PDFs is often decomposed) with every run of whitespace, NBSP included, one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def kind_from_code(code: str) -> DirectiveKind:
    """The kind a code names, whatever its case or diacritics ("qd" and "QĐ" are Quyết định)."""
    kind = _KINDS_BY_FOLDED.get(fold(code))
    if kind is None:
        codes = ", ".join(k.value for k in DirectiveKind)
        raise SymbolError(str(ERR_SYMBOL_KIND).format(code=code, codes=codes))
    return kind


def normalize_issuer_code(code: str) -> str:
    """The canonical (upper-case, NFC) issuer code, or ``SymbolError``."""
    canonical = _normalize(code).upper()
    if not ISSUER_CODE_RE.match(canonical):
        raise SymbolError(str(ERR_ISSUER_CODE).format(code=code.strip()))
    return canonical


def check_number(number: int) -> int:
    if not 1 <= number <= MAX_NUMBER:
        raise SymbolError(str(ERR_NUMBER_RANGE).format(max=f"{MAX_NUMBER:,}".replace(",", ".")))
    return number


def parse_number_symbol(text: str) -> NumberSymbol:
    """``"Số 15-KL/TU"`` → ``NumberSymbol(15, DirectiveKind.KL, "TU")``.

    Tolerates a missing or lower-case "Số" (with or without a colon), spaces around the separators, en and em
    dashes, full-width slashes, leading zeros, decomposed Unicode, and kind codes typed in any case or without
    the "Đ" ("15-qd/tu").
    """
    normalized = _normalize(text)
    match = _SYMBOL_RE.match(normalized)
    if match is None or (match["prefix"] is not None and fold(match["prefix"]) != _NUMBER_WORD):
        raise SymbolError(str(ERR_SYMBOL_FORMAT).format(text=normalized[:60]))
    number = check_number(int(match["number"]))
    return NumberSymbol(number, kind_from_code(match["kind"]), normalize_issuer_code(match["issuer"]))


def format_symbol(number: int, kind: str, issuer_code: str) -> str:
    """``15-KL/TU``; numbers below 10 with two digits (``01-CTr/TU``), as numbering starts from 01."""
    return f"{number:02d}-{kind}/{issuer_code}"


def format_number_symbol(number: int, kind: str, issuer_code: str) -> str:
    """``Số 15-KL/TU``, as printed under the issuing body's name."""
    return f"Số {format_symbol(number, kind, issuer_code)}"


def next_number(kind: str, issuer_code: str, term: Term) -> int:
    """The number the system proposes: one more than the highest of this kind and issuer in ``term`` (01 first)."""
    highest = term.directives.filter(kind=kind, issuer_code=issuer_code).aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1
