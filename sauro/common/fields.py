"""The form fields every page form takes dates and ids with, bounded as ``common.inputs`` says.

Django's own fields pass any date its parser reads (year 1 to 9999) to the working-day calendar, which knows only
1800–2199, and any integer to the database as a key: ``99999999999999999999`` overflows the database's integer and
the page answers 500. These answer the form's error instead, in Vietnamese:

- ``DateField``: a date written day first, ``dd/mm/yyyy`` (an ISO ``yyyy-mm-dd`` from a link is read too), from
  ``FIRST_DAY`` to ``LAST_DAY`` (or a narrower range given to it), typed in ``common.widgets.DateInput`` on every
  form; a month-first date ("12/31/2026") is refused with a message that says which part is wrong;
- ``IdField``: a hidden id, ``1..MAX_DB_ID``;
- ``ModelChoiceField``, ``ModelMultipleChoiceField``: a pick (or picks) by key, refused before the query when a key
  is out of the database's range. Every picker of the apps derives from these (``org.pickers`` and the apps'
  own choice fields); ``tests/common/test_inputs.py`` finds any form field that does not.
- ``MultipleFileField``: several files from one ``<input type=file multiple>`` (their content is checked by the
  service that stores them, through ``common.uploads.check_upload``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sauro.common.inputs import (
    FIRST_DAY,
    LAST_DAY,
    MAX_DB_ID,
    MIN_DB_ID,
    date_in_range,
    date_range_message,
    id_in_range,
    id_range_message,
)
from sauro.common.widgets import DateInput, SearchableSelectMultiple

ERR_DATE_FORMAT = _("Hãy nhập ngày theo dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 13/02/2026.")
ERR_DATE_MONTH = _("Tháng phải từ 1 đến 12. Hãy nhập ngày trước, tháng sau (dd/mm/yyyy), ví dụ 13/02/2026.")
ERR_DATE_DAY = _("Tháng {month:02d}/{year} không có ngày {day}.")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateField(forms.DateField):
    """A date written ``dd/mm/yyyy`` within the calendar's years (``common.inputs``), or within ``first``..``last``
    when given. Its widget is ``common.widgets.DateInput`` unless a form gives another."""

    widget = DateInput

    def __init__(self, *, first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY, **kwargs: Any) -> None:
        kwargs.pop("input_formats", None)  # one reading for every form: day first, or ISO from a link
        super().__init__(**kwargs)
        self.first, self.last = first, last

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        iso = ISO.match(text)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
        else:
            day_first = DAY_FIRST.match(text)
            if not day_first:
                raise ValidationError(ERR_DATE_FORMAT, code="invalid")
            day, month, year = (int(part) for part in day_first.groups())
        if not 1 <= month <= 12:
            raise ValidationError(ERR_DATE_MONTH, code="invalid")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            if year < datetime.MINYEAR:
                raise ValidationError(date_range_message(self.first, self.last), code="date_range") from None
            raise ValidationError(str(ERR_DATE_DAY).format(day=day, month=month, year=year), code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, datetime.date) and not date_in_range(value, self.first, self.last):
            raise ValidationError(date_range_message(self.first, self.last), code="date_range")


class IdField(forms.IntegerField):
    """An id sent back by a page (a hidden input, a filter): a key the database can hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_DB_ID)
        kwargs.setdefault("max_value", MAX_DB_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not id_in_range(value):
            raise ValidationError(id_range_message(), code="id_range")
        return super().to_python(value)


def _check_ids(field: forms.ModelChoiceField[Any], values: Iterable[Any]) -> None:
    if field.to_field_name not in (None, "pk", "id"):
        return
    if not all(id_in_range(value) for value in values):
        raise ValidationError(id_range_message(), code="invalid_choice")


class ModelChoiceField(forms.ModelChoiceField):
    """A pick by key; a key the database cannot hold is the form's error, not an overflow in the query."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            _check_ids(self, [value])
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Picks by key; a key the database cannot hold is the form's error, not an overflow in the query. Drawn as a
    searchable list of checkboxes (``common.widgets.SearchableSelectMultiple``) unless a form gives another widget."""

    widget = SearchableSelectMultiple

    def _check_values(self, value: Any) -> Any:
        if isinstance(value, list | tuple | set | frozenset):
            _check_ids(self, value)
        return super()._check_values(value)  # type: ignore[misc]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; their content is checked by the service."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = []
        for item in items:
            if item:
                cleaned.append(super().clean(item, initial))
        return cleaned
