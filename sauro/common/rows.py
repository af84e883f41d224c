"""A list's rows drawn in Python: the one home of the helpers every list's row tag uses.

A list page shows 50 rows. As template code (``{% for %}`` with a ``{% translate %}`` per cell, ``{% url %}``, filters
and ``get_FOO_display``) each row cost more than the query that read it: at a million rows most of a list page's
time was Django's template engine resolving variables and looking up the same labels fifty times. The lists'
``<tr>`` are therefore drawn by a template tag of their app (``tasks.templatetags.task_badges.task_rows``,
``petitions.templatetags.petition_rows``, the dashboard's league table ``dashboard.templatetags.league_rows``), with
the same markup as the former template — each app's tests compare the two — and these helpers:

- ``esc``: escaping without Django's check for lazy arguments (every value from the database goes through it once);
- ``dmy``: ``27/11/2026`` as ``|date:"d/m/Y"`` gives it, without its per-call format lookups;
- ``choice_label``: a choice's label in the active language, kept per language;
- ``RowUrl``: a detail URL reversed once per list, the row's id put in its place;
- ``cell_labels``: a row's translated ``data-label`` texts, escaped once per list.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Mapping

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language

__all__ = ["RowUrl", "cell_labels", "choice_label", "dmy", "esc"]


def esc(value: object) -> str:
    """``django.utils.html.escape`` (the same ``html.escape``) without its check for lazy arguments, which cost more
    than the escaping in a list's rows."""
    return html.escape(str(value))


def dmy(day: datetime.date | None) -> str:
    """``27/11/2026``: what ``|date:"d/m/Y"`` gives for a date, without its per-call format lookups."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` among ``choices`` in the active language (the value itself when it is not one)."""
    return _choice_label(choices, value, get_language())


@functools.lru_cache(maxsize=512)
def _choice_label(choices: type[models.TextChoices], value: str, language: str | None) -> str:
    # Kept per language: resolving a lazy label through the catalogue costs more than the rest of a badge.
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# Any id: the detail URL is reversed once per list and the id put in its place for each row.
_ANY_ID = 987654321


class RowUrl:
    """``RowUrl("tasks:detail")(42)`` is ``reverse("tasks:detail", args=[42])``, escaped for an attribute; the URL is
    reversed once, when the list's rows begin."""

    def __init__(self, viewname: str) -> None:
        self.before, self.after = reverse(viewname, args=[_ANY_ID]).split(str(_ANY_ID))

    def __call__(self, pk: int) -> str:
        return esc(f"{self.before}{int(pk)}{self.after}")


def cell_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """The translated texts of a row (``data-label`` of each cell, fixed words), escaped once per list."""
    return {key: esc(text) for key, text in labels.items()}
