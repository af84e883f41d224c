"""The benchmark checks each answer against its raw-SQL floor (``bench.scenarios``): a check that misreads the page
would report a correct page as wrong — or a wrong one as right. The count cards print their figures with the
Vietnamese thousands separator (25.018): the check reads them from the real template."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory

from bench.client import Response
from bench.scenarios import _dashboard

FIGURES = {"done_on_time": 25018, "done_late": 4529, "open_on_time": 610, "open_overdue": 1234567}


def _cards_page(figures: dict[str, int]) -> Response:
    cards = [SimpleNamespace(key=k, count=n, label=k, active=False) for k, n in figures.items()]
    html = render_to_string(
        "tasks/_counts.html",
        {
            "cards": cards,
            "ongoing": SimpleNamespace(key="ongoing", count=12000, label="ongoing", active=False),
            "search": "",
            "is_filtered": False,
        },
        request=RequestFactory().get("/nhiem-vu/"),
    )
    assert "25.018" in html  # as the reader sees it
    return Response(status=200, headers={"content-type": "text/html; charset=utf-8"}, body=html.encode(), seconds=0)


def test_the_cards_check_reads_grouped_figures() -> None:
    page = _cards_page(FIGURES)
    assert _dashboard(FIGURES)(page, 0) is None
    wrong = {**FIGURES, "done_late": 4528}
    assert _dashboard(wrong)(page, 0) == f"cards {FIGURES}, floor says {wrong}"
