"""``FastSelect``: the markup of Django's own select, built without a template per option, kept for lists drawn
again."""

from __future__ import annotations

import re

from django import forms
from django.utils.safestring import mark_safe
from pytest_django import DjangoAssertNumQueries

from sauro.common.widgets import FastSelect, _flat_options
from sauro.org.models import Unit
from tests.conftest import Org

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


# --- the kept markup of flat lists ------------------------------------------------------------------------------

UNITS = [("", "Tất cả"), (1, "Thành ủy"), (2, "\u00a0\u00a0\u00a0Ban Tổ chức"), (3, "\u00a0\u00a0\u00a0Đảng ủy <xã>")]


def test_a_flat_list_is_rendered_once_and_drawn_the_same() -> None:
    _flat_options.cache_clear()
    first = FastSelect(choices=UNITS).render("unit", 2)
    again = FastSelect(choices=list(UNITS)).render("unit", 2)
    assert again == first
    assert _flat_options.cache_info().hits == 1
    assert options(first) == options(forms.Select(choices=UNITS).render("unit", 2))
    assert "Đảng ủy &lt;xã&gt;" in first


def test_the_selection_is_part_of_what_is_kept() -> None:
    assert options(FastSelect(choices=UNITS).render("unit", 2))[2] == ("2", True, "\u00a0\u00a0\u00a0Ban Tổ chức")
    assert [o[1] for o in options(FastSelect(choices=UNITS).render("unit", 3))] == [False, False, False, True]
    assert [o[1] for o in options(FastSelect(choices=UNITS).render("unit", None))] == [True, False, False, False]


def test_a_changed_list_is_drawn_anew() -> None:
    """A unit renamed, added or not visible to this person: another list, never the markup of the first."""
    FastSelect(choices=UNITS).render("unit", None)
    renamed = [*UNITS[:2], (2, "Ban Dân vận"), UNITS[3]]
    assert "Ban Dân vận" in FastSelect(choices=renamed).render("unit", None)
    assert "Ban Tổ chức" not in FastSelect(choices=renamed).render("unit", None)
    fewer = FastSelect(choices=UNITS[:2]).render("unit", None)
    assert [o[0] for o in options(fewer)] == ["", "1"]
    moved = [*UNITS[:3], (4, "\u00a0\u00a0\u00a0Đảng ủy <xã>")]
    assert [o[0] for o in options(FastSelect(choices=moved).render("unit", None))] == ["", "1", "2", "4"]


def test_a_label_marked_safe_is_kept_apart_from_the_same_text_unmarked() -> None:
    text = "<b>Thành ủy</b>"
    plain = FastSelect(choices=[(1, text)]).render("unit", None)
    marked = FastSelect(choices=[(1, mark_safe("<b>Thành ủy</b>"))]).render("unit", None)
    assert "&lt;b&gt;Thành ủy&lt;/b&gt;" in plain
    assert "<b>Thành ủy</b>" in marked
    assert "&lt;b&gt;" in FastSelect(choices=[(1, text)]).render("unit", None)


def test_a_model_choice_list_costs_one_query(org: Org, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    """``list(choices)`` would ask a ModelChoiceIterator its len(): a COUNT before the rows."""
    field = forms.ModelChoiceField(queryset=Unit.objects.order_by("path"), widget=FastSelect)
    with django_assert_num_queries(1):
        markup = field.widget.render("unit", org.btc.pk)
    assert f'<option value="{org.btc.pk}" selected>Ban Tổ chức Thành ủy</option>' in markup
