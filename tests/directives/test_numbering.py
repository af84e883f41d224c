"""Number-symbols: reading what people type, writing the canonical form, and the next number per kind and term."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sauro.directives.choices import DirectiveKind
from sauro.directives.numbering import (
    ISSUER_CODE_RE,
    MAX_NUMBER,
    NumberSymbol,
    SymbolError,
    format_number_symbol,
    format_symbol,
    kind_from_code,
    normalize_issuer_code,
    parse_number_symbol,
)

ISSUER_CODES = st.from_regex(ISSUER_CODE_RE, fullmatch=True)
KINDS = st.sampled_from(list(DirectiveKind))
NUMBERS = st.integers(min_value=1, max_value=MAX_NUMBER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số 15-KL/TU", (15, DirectiveKind.KL, "TU")),
        ("15-KL/TU", (15, DirectiveKind.KL, "TU")),
        ("số 15-KL/TU", (15, DirectiveKind.KL, "TU")),
        ("SỐ: 15 - KL / TU", (15, DirectiveKind.KL, "TU")),
        ("  Số\u00a015–KL/TU  ", (15, DirectiveKind.KL, "TU")),  # NBSP and an en dash, as Word writes them
        ("Số 15—KL／TU", (15, DirectiveKind.KL, "TU")),  # em dash, full-width slash
        ("Số 01-CTr/TU", (1, DirectiveKind.CTR, "TU")),
        ("Số 1-ctr/tu", (1, DirectiveKind.CTR, "TU")),
        ("Số 07-TTr/VPTU", (7, DirectiveKind.TTR, "VPTU")),
        ("12-TT/TU", (12, DirectiveKind.TT, "TU")),
        ("Số 3-QĐ/TU", (3, DirectiveKind.QD, "TU")),
        ("Số 3-QĐi/TU", (3, DirectiveKind.QDI, "TU")),
        ("3-qd/tu", (3, DirectiveKind.QD, "TU")),  # typed without Đ
        ("3-QDi/TU", (3, DirectiveKind.QDI, "TU")),
        ("Số 2-ĐA/BCĐ35", (2, DirectiveKind.DA, "BCĐ35")),
        ("So 2-da/bcđ35", (2, DirectiveKind.DA, "BCĐ35")),
        ("Số 123-CV/BTVTU", (123, DirectiveKind.CV, "BTVTU")),
        # Phương án, Quy hoạch, Đề cương, Biên bản (Hướng dẫn 36-HD/VPTW)
        ("Số 04-PA/TU", (4, DirectiveKind.PA, "TU")),
        ("4-pa/tu", (4, DirectiveKind.PA, "TU")),
        ("Số 02-QHo/TU", (2, DirectiveKind.QHO, "TU")),
        ("2-QHO/TU", (2, DirectiveKind.QHO, "TU")),
        ("Số 11-ĐC/BTGTU", (11, DirectiveKind.DC, "BTGTU")),
        ("11-dc/btgtu", (11, DirectiveKind.DC, "BTGTU")),  # typed without Đ
        ("Số 36-BB/TU", (36, DirectiveKind.BB, "TU")),
        ("so 36 – bb / tu", (36, DirectiveKind.BB, "TU")),
    ],
)
def test_parse_is_tolerant(text: str, expected: tuple[int, DirectiveKind, str]) -> None:
    assert parse_number_symbol(text) == expected


def test_parse_accepts_decomposed_unicode() -> None:
    text = unicodedata.normalize("NFD", "Số 15-QĐi/TU")
    assert text != unicodedata.normalize("NFC", text)
    assert parse_number_symbol(text) == (15, DirectiveKind.QDI, "TU")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "không đúng dạng số, ký hiệu văn bản. Ví dụ đúng: Số 15-KL/TU."),
        ("KL/TU", "không đúng dạng số, ký hiệu văn bản"),
        ("Số 15/TU", "không đúng dạng số, ký hiệu văn bản"),
        ("Văn bản 15-KL/TU", "không đúng dạng số, ký hiệu văn bản"),
        ("Số 15-KL", "không đúng dạng số, ký hiệu văn bản"),
        ("Số 15-XY/TU", "“XY” không phải mã loại văn bản. Các mã được dùng: NQ, KL, CT, QĐ, QĐi"),
        # Quy hoạch is QHo (QH is not a Party code); a Party minutes is BB, not BBH.
        ("Số 02-QH/TU", "“QH” không phải mã loại văn bản. Các mã được dùng:"),
        ("Số 36-BBH/TU", "“BBH” không phải mã loại văn bản. Các mã được dùng:"),
        ("Số 0-KL/TU", "Số văn bản phải từ 01 đến 999.999."),
        ("Số 1000000-KL/TU", "Số văn bản phải từ 01 đến 999.999."),
        ("Số 15-KL/1TU", "Ký hiệu cơ quan ban hành “1TU” không hợp lệ"),
        ("Số 15-KL/THÀNHỦY", "Ký hiệu cơ quan ban hành “THÀNHỦY” không hợp lệ"),
        ("Số ١٥-KL/TU", "không đúng dạng số, ký hiệu văn bản"),  # Arabic-Indic digits are not numbers here
    ],
)
def test_parse_refuses_with_a_vietnamese_message(text: str, message: str) -> None:
    with pytest.raises(SymbolError) as caught:
        parse_number_symbol(text)
    assert message in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_format_writes_at_least_two_digits() -> None:
    assert format_number_symbol(1, DirectiveKind.CTR, "TU") == "Số 01-CTr/TU"
    assert format_number_symbol(15, DirectiveKind.KL, "TU") == "Số 15-KL/TU"
    assert format_number_symbol(123, DirectiveKind.QDI, "BTVTU") == "Số 123-QĐi/BTVTU"
    assert format_symbol(9, DirectiveKind.DA, "VPTU") == "09-ĐA/VPTU"
    assert NumberSymbol(5, DirectiveKind.TB, "TU").number_symbol == "Số 05-TB/TU"


def test_every_kind_code_is_distinct_when_folded() -> None:
    for kind in DirectiveKind:
        assert kind_from_code(kind.value) is kind
        assert kind_from_code(kind.value.lower()) is kind
    assert kind_from_code("qd") is DirectiveKind.QD
    assert kind_from_code("qdi") is DirectiveKind.QDI
    assert kind_from_code("da") is DirectiveKind.DA
    assert kind_from_code("dc") is DirectiveKind.DC
    assert kind_from_code("qho") is DirectiveKind.QHO


def test_the_refusal_lists_every_code_with_its_diacritics() -> None:
    with pytest.raises(SymbolError) as caught:
        kind_from_code("XY")
    assert caught.value.message == (
        "“XY” không phải mã loại văn bản. Các mã được dùng: NQ, KL, CT, QĐ, QĐi, QC, CTr, KH, TB, HD, BC, TTr, ĐA, "
        "PA, QHo, ĐC, BB, CV, TT."
    )
    assert {
        k.value: str(k.label) for k in (DirectiveKind.PA, DirectiveKind.QHO, DirectiveKind.DC, DirectiveKind.BB)
    } == {"PA": "Phương án", "QHo": "Quy hoạch", "ĐC": "Đề cương", "BB": "Biên bản"}


def test_issuer_codes_are_upper_case() -> None:
    assert normalize_issuer_code(" vptu ") == "VPTU"
    assert normalize_issuer_code("đu") == "ĐU"
    with pytest.raises(SymbolError):
        normalize_issuer_code("TU-BTC")


@given(number=NUMBERS, kind=KINDS, issuer=ISSUER_CODES)
def test_round_trip(number: int, kind: DirectiveKind, issuer: str) -> None:
    written = format_number_symbol(number, kind, issuer)
    assert parse_number_symbol(written) == (number, kind, issuer)
    assert parse_number_symbol(format_symbol(number, kind, issuer)) == (number, kind, issuer)


@given(
    number=NUMBERS,
    kind=KINDS,
    issuer=ISSUER_CODES,
    dash=st.sampled_from(["-", "–", "—", "‑", "−"]),
    space=st.sampled_from(["", " ", "  ", "\u00a0"]),
    prefix=st.sampled_from(["", "Số ", "số ", "SỐ ", "Số: ", "So "]),
    lower=st.booleans(),
    nfd=st.booleans(),
)
def test_round_trip_of_what_people_type(
    number: int, kind: DirectiveKind, issuer: str, dash: str, space: str, prefix: str, lower: bool, nfd: bool
) -> None:
    text = f"{prefix}{number}{space}{dash}{space}{kind.value}{space}/{space}{issuer}"
    if lower:
        text = text.lower()
    if nfd:
        text = unicodedata.normalize("NFD", text)
    assert parse_number_symbol(text) == (number, kind, issuer)
