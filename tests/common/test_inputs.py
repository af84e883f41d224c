"""Dates and ids a user sends are bounded everywhere by one shared type (issue 16, point 7).

Dates to the working-day calendar's years (``common.inputs.FIRST_DAY..LAST_DAY``), ids to the database's keys
(``1..2**63 - 1``): the API's ``ApiDate``/``ApiId`` and the pages' ``common.fields``. Out of range is a 422 naming
the field on the API and the form's error on a page, never a 500 (the calendar's ``ValueError``, the database's
integer overflow).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel

import sauro
from sauro.common import fields as common_fields
from sauro.common.api import DATE_PATTERN, ApiDate, ApiId, date_between, iso_date_only
from sauro.common.calendar import WorkCalendar
from sauro.common.inputs import FIRST_DAY, LAST_DAY, MAX_DB_ID, id_in_range
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, complete_fields

HUGE_ID = "99999999999999999999"
FAR_DATE = "3000-01-01"
RANGE_MESSAGE = "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2198."


# --- the range itself ---------------------------------------------------------------------------------------------


def test_the_accepted_days_are_inside_the_working_day_calendar() -> None:
    calendar = WorkCalendar()
    # A year to spare after the last day: deadlines and periods are counted after a day.
    assert calendar.add_working_days(LAST_DAY, 250) > LAST_DAY
    assert calendar.add_working_days(FIRST_DAY, -250) < FIRST_DAY
    with pytest.raises(ValueError):
        calendar.is_working_day(datetime.date(LAST_DAY.year + 2, 1, 2))


def test_the_schema_pattern_says_the_same_years() -> None:
    for year in range(1000, 3000):
        day = f"{year:04d}-06-15"
        assert bool(re.fullmatch(DATE_PATTERN, day)) == (FIRST_DAY.year <= year <= LAST_DAY.year), day


def test_id_range() -> None:
    assert id_in_range(1) and id_in_range(str(MAX_DB_ID)) and id_in_range("abc")
    assert not id_in_range(0) and not id_in_range(MAX_DB_ID + 1) and not id_in_range(HUGE_ID)
    assert not id_in_range("9" * 100_000)  # refused without reading it as a number


# --- the API ------------------------------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The tasks' fixed day (``tests/tasks/conftest.py``), for the tests that draft tasks."""
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def issued(org: Org, today: Clock) -> None:
    """An issued task, so that the dashboards count working days (the calendar is asked)."""
    from sauro.tasks.services import task_create, task_issue

    task_issue(
        acting_user=org.monitor,
        task=task_create(acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org)),
    )


def test_dashboard_far_date_is_422_not_500(org: Org, issued: None, client_for: Any) -> None:
    client = client_for(org.leader)
    response = client.get("/api/v1/stats/dashboard", {"as_of": FAR_DATE, "period": "year"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"as_of": RANGE_MESSAGE}
    page = client.get("/tong-hop/", {"as_of": FAR_DATE, "period": "year"})
    assert page.status_code == 200 and page.context["form"].errors["as_of"] == [RANGE_MESSAGE]
    for period in ("month", "quarter", "year"):
        assert client.get("/api/v1/stats/dashboard", {"as_of": "2198-12-31", "period": period}).status_code == 200
        assert client.get("/tong-hop/", {"as_of": "2198-12-31", "period": period}).status_code == 200
        assert client.get("/api/v1/stats/dashboard", {"as_of": "1902-12-15", "period": period}).status_code == 200
        assert client.get("/tong-hop/", {"as_of": "1902-12-15", "period": period}).status_code == 200
    early = client.get("/api/v1/stats/dashboard", {"as_of": "1902-12-14", "period": "year"})
    assert early.json()["fields"] == {"as_of": "Ngày tính đến phải từ 15/12/1902 đến 31/12/2198."}


def test_stats_far_date_is_422(org: Org, client_for: Any) -> None:
    response = client_for(org.leader).get("/api/v1/stats/tasks", {"from": "2026-01-01", "to": FAR_DATE})
    assert (response.status_code, response.json()["fields"]) == (422, {"to": RANGE_MESSAGE})


def test_huge_ids_in_the_api_are_422(org: Org, client_for: Any) -> None:
    client = client_for(org.leader)
    assert client.get(f"/api/v1/tasks/{HUGE_ID}").status_code == 422
    assert client.get("/api/v1/tasks", {"unit_id": HUGE_ID}).json()["fields"].keys() == {"unit_id"}


def _date_checked(annotation: Any, checks: set[Any]) -> bool:
    """Whether every date in ``annotation`` goes through one of ``checks`` (an ``AfterValidator`` function)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        if base is datetime.date:
            funcs = {getattr(m, "func", None) for m in metadata}
            return iso_date_only in funcs and bool({f.__qualname__ for f in funcs if f} & checks)
        return _date_checked(base, checks)
    if origin in (typing.Union, types.UnionType, list, tuple):
        return all(_date_checked(arg, checks) for arg in typing.get_args(annotation))
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return all(_date_checked(_annotation(f), checks) for f in annotation.model_fields.values())
    return annotation is not datetime.date


def _annotation(field: Any) -> Any:
    """A pydantic field's type with its own metadata (``ApiDate`` used directly keeps its validators there)."""
    if field.metadata:
        return typing.Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def _ids_checked(name: str, annotation: Any) -> Iterator[str]:
    """The names of the id fields (``…_id``, ``…_ids``, ``id``) whose type is not ``ApiId`` (or a list of them)."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        for field_name, field in annotation.model_fields.items():
            yield from _ids_checked(field_name, _annotation(field))
        return
    for arg in typing.get_args(annotation):
        if inspect.isclass(arg) and issubclass(arg, BaseModel):
            yield from _ids_checked(name, arg)
    if not (name == "id" or name.endswith(("_id", "_ids"))):
        return
    allowed = {ApiId, ApiId | None, list[ApiId], typing.Annotated[list[ApiId], typing.Any]}
    text = repr(annotation)
    if annotation not in allowed and "_whole_number" not in text:
        yield name


def _operations() -> Iterator[tuple[str, Any]]:
    from sauro.api import api

    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{'/'.join(operation.methods)} {path}", operation


def test_every_api_date_and_id_is_bounded() -> None:
    checks = {date_between(FIRST_DAY, LAST_DAY).__qualname__}
    unchecked_dates, unchecked_ids = [], []
    for name, operation in _operations():
        for model in operation.models:
            for field_name, field in model.model_fields.items():
                if not _date_checked(_annotation(field), checks):
                    unchecked_dates.append(f"{name}: {field_name}")
                unchecked_ids += [f"{name}: {bad}" for bad in _ids_checked(field_name, _annotation(field))]
    assert unchecked_dates == []
    # Open311 GeoReport v2 names its list of ids ``service_request_id`` ("1,2,3"): its pattern holds every id to 18
    # digits, within the database's range (sauro/petitions/open311.py, IDS_PATTERN).
    assert unchecked_ids == ["GET /open311/requests: service_request_id"]
    assert _date_checked(ApiDate, checks) and not _date_checked(datetime.date, checks)


# --- the pages ----------------------------------------------------------------------------------------------------


def _form_classes() -> Iterator[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(sauro.__path__, "sauro."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "pickers"} or ".forms." in module.name:
            loaded = importlib.import_module(module.name)
            for _name, value in vars(loaded).items():
                if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__ == module.name:
                    yield value


def test_every_form_takes_dates_and_ids_through_the_shared_fields() -> None:
    plain = []
    found = 0
    for form in _form_classes():
        for name, field in form.base_fields.items():
            found += 1
            if isinstance(field, forms.DateField) and not isinstance(field, common_fields.DateField):
                plain.append(f"{form.__module__}.{form.__name__}.{name}")
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, common_fields.ModelChoiceField | common_fields.ModelMultipleChoiceField
            ):
                plain.append(f"{form.__module__}.{form.__name__}.{name}")
            is_id = name in {"task", "obstacle", "parent"} or name.endswith("_id")
            if isinstance(field, forms.IntegerField) and is_id and not isinstance(field, common_fields.IdField):
                plain.append(f"{form.__module__}.{form.__name__}.{name}")
    assert found > 50
    assert plain == []


@pytest.fixture
def leader(org: Org, today: Clock, client_for: Any) -> Client:
    client: Client = client_for(org.leader)
    return client


def _form_error(response: Any, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


def _task_post(org: Org, **overrides: Any) -> dict[str, Any]:
    data = complete_fields(org, **overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_huge_coordinating_unit_is_a_form_error(org: Org, leader: Client) -> None:
    response = leader.post(reverse("tasks:create"), _task_post(org, coordinating_units=[HUGE_ID]))
    assert _form_error(response, "coordinating_units") == [
        "Mã không hợp lệ: phải là một số nguyên từ 1 đến 9223372036854775807."
    ]


def test_huge_coordinating_unit_in_the_six_clears_check_answers(org: Org, leader: Client) -> None:
    # The checklist of the draft being typed (a fragment, no form errors shown): it answers, it does not fail.
    response = leader.post(reverse("tasks:check"), _task_post(org, coordinating_units=[HUGE_ID]))
    assert response.status_code == 200
    assert [name for name, _label, holds, _message in response.context["checklist"] if not holds] == []


def test_huge_ids_on_the_edit_page_are_form_errors(org: Org, leader: Client) -> None:
    from sauro.tasks.services import task_create

    task = task_create(acting_user=org.leader, owner_unit=org.standing, fields=complete_fields(org))
    data = _task_post(org, coordinating_units=[HUGE_ID], lead_unit=HUGE_ID, responsible_person=HUGE_ID)
    response = leader.post(reverse("tasks:edit", args=[task.pk]), {**data, "version": task.version})
    assert _form_error(response, "coordinating_units")
    assert _form_error(response, "lead_unit")


def test_far_due_date_is_a_form_error(org: Org, leader: Client) -> None:
    response = leader.post(reverse("tasks:create"), _task_post(org, due_date=FAR_DATE))
    assert _form_error(response, "due_date")


@pytest.mark.parametrize(
    "url",
    [
        f"/nhiem-vu/?due_from={FAR_DATE}",
        f"/nhiem-vu/?as_of={FAR_DATE}",
        f"/nhiem-vu/?lead_unit={HUGE_ID}",
        f"/tong-hop/?as_of={FAR_DATE}&period=year",
        f"/tong-hop/?period=custom&from=2026-01-01&to={FAR_DATE}",
        f"/van-ban/?parent={HUGE_ID}",
        f"/van-ban/?date_from={FAR_DATE}",
    ],
)
def test_list_filters_with_far_dates_or_huge_ids_answer(org: Org, leader: Client, url: str) -> None:
    assert leader.get(url).status_code == 200


def test_huge_id_in_a_page_path_is_404(org: Org, leader: Client) -> None:
    assert leader.get(f"/nhiem-vu/{HUGE_ID}/").status_code == 404
    assert leader.get(f"/nhiem-vu/{HUGE_ID}/sua/").status_code == 404


def test_shared_id_field() -> None:
    field = common_fields.IdField(required=False)
    assert field.clean("12") == 12
    with pytest.raises(forms.ValidationError):
        field.clean(HUGE_ID)
    date_field = common_fields.DateField(required=False)
    assert date_field.clean("2026-03-01") == datetime.date(2026, 3, 1)
    with pytest.raises(forms.ValidationError, match="01/01/1900"):
        date_field.clean(FAR_DATE)
