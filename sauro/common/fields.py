"""The form fields every page form takes dates and ids with, bounded as ``common.inputs`` says.

Django's own fields pass any date its parser reads (year 1 to 9999) to the working-day calendar, which knows only
1800–2199, and any integer to the database as a key: ``99999999999999999999`` overflows the database's integer and
the page answers 500. These answer the form's error instead, in Vietnamese:

- ``DateField``: a date from ``FIRST_DAY`` to ``LAST_DAY`` (or a narrower range given to it);
- ``IdField``: a hidden id, ``1..MAX_DB_ID``;
- ``ModelChoiceField``, ``ModelMultipleChoiceField``: a pick (or picks) by key, refused before the query when a key
  is out of the database's range. Every picker of the apps derives from these (``org.pickers`` and the apps'
  own choice fields); ``tests/common/test_inputs.py`` finds any form field that does not.
- ``MultipleFileField``: several files from one ``<input type=file multiple>`` (their content is checked by the
  service that stores them, through ``common.uploads.check_upload``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

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


class DateField(forms.DateField):
    """A date within the calendar's years (``common.inputs``), or within ``first``..``last`` when given."""

    def __init__(self, *, first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.first, self.last = first, last

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
    """Picks by key; a key the database cannot hold is the form's error, not an overflow in the query."""

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
