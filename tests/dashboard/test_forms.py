"""The dashboard's picker shows what the page shows: the unit and the period actually displayed — a default chosen by
role, or the fallback after an invalid choice — so that pressing "Xem" unchanged shows the same page again."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import QueryDict

from sauro.dashboard.forms import DashboardForm

D = datetime.date
TODAY = D(2026, 3, 13)  # the regime's quarter I of 2026 (15/12/2025 – 14/3/2026)


def shown(user: Any, query: str = "") -> tuple[DashboardForm, Any, Any]:
    """The form as the page renders it, with the unit and period the page displays."""
    form = DashboardForm(QueryDict(query), user=user)
    unit = form.chosen_unit()
    period = form.chosen_period(TODAY)
    form.show(unit, period)
    return form, unit, period


def resubmitted(form: DashboardForm, user: Any) -> tuple[Any, Any]:
    """What pressing "Xem" without changing anything shows: the form's values sent back."""
    again = DashboardForm(form.data, user=user)
    return again.chosen_unit(), again.chosen_period(TODAY)


def test_a_leader_sees_the_committee_and_the_quarter_in_the_picker(org) -> None:  # type: ignore[no-untyped-def]
    form, unit, period = shown(org.leader)
    assert unit == org.city and period.kind == "quarter"
    assert form["unit"].value() == str(org.city.pk)
    assert form["period"].value() == "quarter"
    html = str(form["unit"]) + str(form["period"])
    assert f'<option value="{org.city.pk}" selected>' in html
    assert '<option value="quarter" selected>Quý</option>' in html
    assert '<option value="month" selected' not in html
    assert form["as_of"].value() in (None, "")  # blank still means "today"
    assert resubmitted(form, org.leader) == (unit, period)


def test_a_ward_secretary_sees_their_ward_not_the_first_unit_offered(org) -> None:  # type: ignore[no-untyped-def]
    form, unit, period = shown(org.phuxuan_head)
    assert unit == org.phuxuan
    assert form["unit"].value() == str(org.phuxuan.pk)
    assert f'<option value="{org.phuxuan.pk}" selected>' in str(form["unit"])
    assert f'<option value="{org.city.pk}" selected>' not in str(form["unit"])
    assert resubmitted(form, org.phuxuan_head) == (unit, period)


def test_a_chosen_unit_and_period_are_kept(org) -> None:  # type: ignore[no-untyped-def]
    form, unit, period = shown(org.leader, f"unit={org.ancuu.pk}&period=year&as_of=2026-01-20")
    assert (unit, period.kind) == (org.ancuu, "year")
    assert form["unit"].value() == str(org.ancuu.pk)
    assert form["period"].value() == "year"
    assert form["as_of"].value() == "2026-01-20"
    assert resubmitted(form, org.leader) == (unit, period)


def test_after_an_invalid_choice_the_picker_shows_the_fallback(org) -> None:  # type: ignore[no-untyped-def]
    # A unit the ward head may not see: the page shows their own unit, so does the picker (with the error).
    form, unit, _period = shown(org.ancuu_head, f"unit={org.phuxuan.pk}")
    assert unit == org.ancuu and "unit" in form.errors
    assert form["unit"].value() == str(org.ancuu.pk)
    # A custom range ending before it starts: the page falls back to the quarter, so does the picker.
    query = "period=custom&from=2026-03-09&to=2026-03-01"
    form, _unit, period = shown(org.leader, query)
    assert period.kind == "quarter" and "to" in form.errors
    assert form["period"].value() == "quarter"
    # An as-of day the regime does not know is ignored by the page (today), and cleared in the picker.
    form, _unit, period = shown(org.leader, "period=month&as_of=1901-06-01")
    assert period.as_of == TODAY and "as_of" in form.errors
    assert form["as_of"].value() == "" and form["period"].value() == "month"
    assert resubmitted(form, org.leader)[1] == period


def test_a_custom_range_is_shown_as_picked(org) -> None:  # type: ignore[no-untyped-def]
    form, _unit, period = shown(org.leader, "period=custom&from=2026-03-01&to=2026-03-10")
    assert (period.kind, period.start, period.end) == ("custom", D(2026, 3, 1), D(2026, 3, 10))
    assert (form["period"].value(), form["from_"].value(), form["to"].value()) == ("custom", "2026-03-01", "2026-03-10")
    assert resubmitted(form, org.leader)[1] == period
