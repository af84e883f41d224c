"""Every form of the pages takes dates as ``dd/mm/yyyy`` text (``common.widgets.DateInput``, not the browser's
``<input type=date>``, drawn in the browser's locale) and several choices through the searchable list of checkboxes
(``common.widgets.SearchableSelectMultiple``: no "hold Ctrl", which a phone does not have)."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from sauro.common.fields import ERR_DATE_DAY, ERR_DATE_FORMAT, ERR_DATE_MONTH, DateField
from sauro.common.widgets import DateInput, SearchableSelectMultiple
from tests.common.test_inputs import _form_classes


def test_every_date_and_multiple_choice_uses_the_shared_widgets() -> None:
    wrong = []
    dates = multiples = 0
    for form in _form_classes():
        for name, field in form.base_fields.items():
            where = f"{form.__module__}.{form.__name__}.{name}"
            if isinstance(field, forms.DateField) and not isinstance(field.widget, forms.HiddenInput):
                # (A hidden date is carried by a link, never typed: the task list's reporting period.)
                dates += 1
                if not isinstance(field.widget, DateInput) or field.widget.input_type != "text":
                    wrong.append(where)
            if isinstance(field.widget, forms.SelectMultiple) and not isinstance(
                field.widget, forms.CheckboxSelectMultiple
            ):
                wrong.append(where)  # a plain <select multiple>
            if isinstance(field.widget, SearchableSelectMultiple):
                multiples += 1
            if "Ctrl" in str(field.help_text):
                wrong.append(where)
    assert dates > 10 and multiples >= 1
    assert wrong == []


def test_the_date_box_shows_day_first() -> None:
    html = DateField().widget.render("due", datetime.date(2026, 2, 13))
    assert 'type="text"' in html and 'value="13/02/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'type="date"' not in html
    # An ISO date sent back by a link is shown day first too.
    assert 'value="13/02/2026"' in DateField().widget.render("due", "2026-02-13")


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("13/02/2026", datetime.date(2026, 2, 13)),
        ("3/2/2026", datetime.date(2026, 2, 3)),
        (" 13-02-2026 ", datetime.date(2026, 2, 13)),
        ("2026-02-13", datetime.date(2026, 2, 13)),  # ISO, from a link or an old bookmark
    ],
)
def test_a_date_is_read_day_first(typed: str, day: datetime.date) -> None:
    assert DateField().clean(typed) == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12/31/2026", str(ERR_DATE_MONTH)),  # month first: there is no 31st month
        ("02/30/2026", str(ERR_DATE_MONTH)),
        ("30/02/2026", str(ERR_DATE_DAY).format(day=30, month=2, year=2026)),
        ("13/02/26", str(ERR_DATE_FORMAT)),
        ("13 tháng 2", str(ERR_DATE_FORMAT)),
        ("February 13, 2026", str(ERR_DATE_FORMAT)),
    ],
)
def test_a_wrong_date_gets_a_vietnamese_message(typed: str, message: str) -> None:
    with pytest.raises(forms.ValidationError) as caught:
        DateField().clean(typed)
    assert caught.value.messages == [message]
    assert "dd/mm/yyyy" in message or "không có ngày" in message


def test_a_page_reads_the_typed_date_and_names_a_wrong_one(org, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(org.inspector)
    good = client.get("/nhat-ky/", {"date_from": "13/02/2026"}).content.decode()
    assert 'value="13/02/2026"' in good and "notice--error" not in good
    bad = client.get("/nhat-ky/", {"date_from": "12/31/2026"}).content.decode()
    assert "Tháng phải từ 1 đến 12" in bad
