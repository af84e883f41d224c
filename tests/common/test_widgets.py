"""``FastSelect``: the markup of Django's own select, built without a template per option."""

from __future__ import annotations

import re

from django import forms

from sauro.common.widgets import FastSelect

CHOICES = [
    ("", "Tất cả"),
    (1, "Ban Tổ chức"),
    (2, "<b>Đảng ủy</b> & phường"),
    ("Nhóm", [(3, "Phòng 1"), (4, "Phòng 2")]),
]


def options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*(?:<[^/][^<]*)*?)</option>', html
        )
    ]


def test_same_options_attributes_and_selection_as_djangos_select() -> None:
    attrs = {"id": "id_unit", "class": "wide", "required": True, "disabled": False}
    ours = FastSelect(choices=CHOICES).render("unit", 2, attrs=attrs)
    theirs = forms.Select(choices=CHOICES).render("unit", 2, attrs=attrs)
    assert options(ours) == options(theirs)
    assert ("selected" in ours) and ours.count(" selected") == 1
    for fragment in ('name="unit"', 'id="id_unit"', 'class="wide"', " required", '<optgroup label="Nhóm">'):
        assert fragment in ours and fragment in theirs
    assert "disabled" not in ours


def test_labels_are_escaped() -> None:
    html = FastSelect(choices=CHOICES).render("unit", None)
    assert "&lt;b&gt;Đảng ủy&lt;/b&gt; &amp; phường" in html
    assert "<b>" not in html
    assert '<option value="" selected>Tất cả</option>' in html
