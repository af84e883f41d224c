"""Search text helpers: folding Vietnamese, and marking what a search matched."""

from __future__ import annotations

import unicodedata

from sauro.common.text import MAX_SEARCH_WORDS, fold, highlight, search_text, search_words


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("  Rà   soát ĐẢNG ủy ") == "ra soat dang uy"


def test_search_words_are_the_folded_words_of_the_box_at_most_the_maximum() -> None:
    assert search_words("  Khu CÔNG\tnghiệp ") == ["khu", "cong", "nghiep"]
    # A NUL byte separates words (PostgreSQL refuses it in text).
    assert search_words("Đất\x00đai") == ["dat", "dai"]
    assert search_words("") == [] and search_words("   ") == []
    many = " ".join(f"tu{n}" for n in range(MAX_SEARCH_WORDS + 3))
    assert search_words(many) == [f"tu{n}" for n in range(MAX_SEARCH_WORDS)]


def test_search_text_folds_every_non_empty_part_one_space_apart() -> None:
    assert search_text("Số 12-TB/TU", "", None, "Nguyễn  Văn An") == "so 12-tb/tu nguyen van an"
    assert search_text() == "" and search_text("", None) == ""


def test_highlight_marks_words_whatever_their_accents_and_case() -> None:
    assert highlight("Rà soát quy hoạch", fold("RA soat").split()) == "<mark>Rà</mark> <mark>soát</mark> quy hoạch"
    assert highlight("Đảng ủy phường", ["dang"]) == "<mark>Đảng</mark> ủy phường"
    # Inside a word, as the search's LIKE matches; every occurrence; overlaps merged into one mark.
    assert highlight("kiểm tra, kiểm soát", ["kiem"]) == "<mark>kiểm</mark> tra, <mark>kiểm</mark> soát"
    assert highlight("tuyên truyền", ["tuyen", "yen tr"]) == "<mark>tuyên tr</mark>uyền"


def test_highlight_keeps_a_decomposed_accent_with_its_letter() -> None:
    text = unicodedata.normalize("NFD", "Rà soát")
    assert highlight(text, ["ra"]) == f"<mark>{text[:3]}</mark>{text[3:]}"


def test_highlight_escapes_the_text_and_what_it_marks() -> None:
    marked = highlight("<script>alert('x')</script> & <b>", ["script", "b"])
    assert "<script>" not in marked and "<b>" not in marked
    assert marked == (
        "&lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt; &amp; &lt;<mark>b</mark>&gt;"
    )
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"
