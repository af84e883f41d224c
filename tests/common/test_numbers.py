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


def test_the_search_summaries_group_their_count_like_the_cards() -> None:
    """ "Tìm thấy 30.721 nhiệm vụ" beside cards that print 25.018: the same reading (the count stays plain in
    ``data-found``, for scripts)."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/nhiem-vu/")
    tasks = render_to_string("tasks/_counts.html", {"cards": [], "search": "chuyen doi so", "found": 30721}, request)
    assert 'data-found="30721"' in tasks and "Tìm thấy <strong>30.721</strong> nhiệm vụ" in tasks
    filtered = render_to_string("tasks/_counts.html", {"cards": [], "is_filtered": True, "found": 1200}, request)
    assert "<strong>1.200</strong> nhiệm vụ phù hợp" in filtered
