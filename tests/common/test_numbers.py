"""Counts read the Vietnamese way: thousands grouped with a dot (923.603), ids and years in links left alone."""

from __future__ import annotations

from django.template import engines

from sauro.common.text import number


def test_number_groups_thousands_with_a_dot() -> None:
    assert number(923603) == "923.603"
    assert number(1234567) == "1.234.567"
    assert number(999) == "999"
    assert number(0) == "0"
    assert number(12.5) == "12,5"
    assert number(None) == ""


def test_every_template_has_the_filter_and_ids_stay_plain() -> None:
    template = engines["django"].from_string('{{ n|number }} <a href="/nhiem-vu/{{ pk }}/">{{ year }}</a>')
    assert template.render({"n": 923603, "pk": 12345, "year": 2026}) == '923.603 <a href="/nhiem-vu/12345/">2026</a>'
