"""The override table: seeded decisions, immediate effect of changes, the admin page."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.audit.models import AuditEntry
from sauro.common import calendar, request_context
from sauro.common.calendar import HolidayKind
from sauro.workdays.models import WorkdayOverride

D = datetime.date

pytestmark = pytest.mark.django_db


def test_the_seeded_2026_new_year_swap_applies() -> None:
    assert not calendar.is_working_day(D(2026, 1, 2))  # Friday off
    assert calendar.is_working_day(D(2026, 1, 10))  # Saturday worked
    assert calendar.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert calendar.working_days_between(D(2026, 1, 4), D(2026, 1, 10)) == 6


def test_the_example_from_the_specification() -> None:
    assert calendar.add_working_days(D(2026, 2, 10), 10) == D(2026, 3, 3)
    assert calendar.working_days_between(D(2026, 2, 10), D(2026, 3, 3)) == 10
    assert calendar.deadline_on_or_after(D(2026, 2, 14)) == D(2026, 2, 23)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 24), True),  # Friday before the Tết break
        (D(2025, 1, 27), False),  # 28 tháng Chạp, the first of the 5 Tết days decided for 2025
        (D(2025, 1, 31), False),
        (D(2025, 2, 3), True),  # not a nghỉ bù: the decided layout ends on Sunday 2 Feb
        (D(2025, 2, 8), False),  # an ordinary Saturday
        (D(2025, 4, 26), True),  # Saturday worked for …
        (D(2025, 5, 2), False),  # … Friday 2 May off
        (D(2025, 9, 1), False),
        (D(2025, 9, 3), True),
        (D(2026, 11, 24), True),  # Ngày Văn hóa Việt Nam: no legal text makes it a day off (0003 unseeds it)
    ],
)
def test_the_seeded_2025_decisions_apply(day: datetime.date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_every_seeded_row_cites_a_document() -> None:
    rows = list(WorkdayOverride.objects.all())
    assert len(rows) >= 7
    assert all(row.name and row.citing_document and row.note for row in rows)


def test_holidays_between_names_the_seeded_days() -> None:
    days = {h.date: h for h in calendar.holidays_between(D(2026, 1, 1), D(2026, 1, 31))}
    assert days[D(2026, 1, 1)].kind == HolidayKind.STATUTORY
    assert days[D(2026, 1, 2)].kind == HolidayKind.OVERRIDE
    assert "Bộ Nội vụ" in days[D(2026, 1, 2)].citing_document
    assert D(2026, 1, 10) not in days


def test_a_new_override_applies_at_once() -> None:
    day = D(2026, 3, 4)  # an ordinary Wednesday
    assert calendar.is_working_day(day)
    row = WorkdayOverride.objects.create(date=day, name="Nghỉ đột xuất", citing_document="Văn bản thử nghiệm")
    assert not calendar.is_working_day(day)
    assert calendar.add_working_days(D(2026, 3, 3), 1) == D(2026, 3, 5)

    row.is_working_day = True
    row.save()
    assert calendar.is_working_day(day)

    WorkdayOverride.objects.filter(pk=row.pk).update(is_working_day=False)
    assert not calendar.is_working_day(day)

    row.delete()
    assert calendar.is_working_day(day)


def test_an_unchanged_table_costs_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    calendar.is_working_day(D(2026, 1, 2))
    with django_assert_num_queries(1):
        assert calendar.is_working_day(D(2026, 1, 10))
    snapshot = calendar.current_calendar()
    with django_assert_num_queries(0):
        assert snapshot.add_working_days(D(2026, 2, 10), 10) == D(2026, 3, 3)


def test_one_request_reads_the_table_once_and_the_next_sees_a_change(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    day = D(2026, 3, 4)  # a Wednesday
    token = request_context.start_memo()
    try:
        with django_assert_num_queries(1):
            assert calendar.is_working_day(day)
            assert calendar.add_working_days(day, 1) == D(2026, 3, 5)
        WorkdayOverride.objects.create(date=day, is_working_day=False, name="Nghỉ đột xuất", citing_document="Thử")
        assert calendar.is_working_day(day)  # the request goes on with the calendar it started with
    finally:
        request_context.end_memo(token)
    token = request_context.start_memo()
    try:
        assert not calendar.is_working_day(day)  # the next request sees the change
    finally:
        request_context.end_memo(token)


def test_the_admin_page_edits_the_table_and_journals_it(admin_client: Client) -> None:
    changelist = reverse("admin:workdays_workdayoverride_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert "Làm bù cho thứ Sáu 02/01/2026" in response.content.decode()
    assert "Ngày Văn hóa Việt Nam" not in response.content.decode()

    response = admin_client.post(
        reverse("admin:workdays_workdayoverride_add"),
        {
            "date": "04/03/2026",
            "name": "Nghỉ đột xuất",
            "citing_document": "Văn bản thử nghiệm",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WorkdayOverride.objects.filter(date=D(2026, 3, 4)).exists()  # day/month/year, as written in Vietnam
    assert not calendar.is_working_day(D(2026, 3, 4))
    assert AuditEntry.objects.filter(action="workdayoverride.create").exists()


def test_dates_outside_the_calendar_are_refused() -> None:
    row = WorkdayOverride(date=D(2300, 1, 1), name="x", citing_document="y")
    with pytest.raises(Exception, match="1800"):
        row.full_clean()


# --- 0003: 24/11 is not a day off ------------------------------------------------------------------------------

_UNSEED = importlib.import_module("sauro.workdays.migrations.0003_unseed_culture_day")


def test_24_november_is_not_seeded_as_a_day_off() -> None:
    assert not WorkdayOverride.objects.filter(date=D(2026, 11, 24)).exists()
    assert calendar.is_working_day(D(2026, 11, 24))  # a Tuesday
    assert calendar.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
    assert D(2026, 11, 24) not in {h.date for h in calendar.holidays_between(D(2026, 11, 1), D(2026, 11, 30))}


def test_the_migration_deletes_the_seeded_row_only() -> None:
    WorkdayOverride.objects.create(date=_UNSEED.DAY, **_UNSEED.SEEDED)  # as 0002 wrote it
    assert not calendar.is_working_day(D(2026, 11, 24))
    _UNSEED.unseed_culture_day(django_apps, None)
    assert not WorkdayOverride.objects.filter(date=D(2026, 11, 24)).exists()
    assert calendar.is_working_day(D(2026, 11, 24))

    _UNSEED.reseed_culture_day(django_apps, None)  # the reverse puts it back
    assert WorkdayOverride.objects.get(date=D(2026, 11, 24)).name == "Ngày Văn hóa Việt Nam"


@pytest.mark.parametrize(
    "change",
    [
        {"citing_document": "Luật sửa đổi, bổ sung Điều 112 Bộ luật Lao động (văn bản thử nghiệm)"},
        {"note": "Đã kiểm tra lại."},
        {"name": "Ngày Văn hóa Việt Nam (nghỉ theo luật sửa đổi)"},
        {"is_working_day": True},
    ],
)
def test_the_migration_keeps_a_row_an_administrator_changed(change: dict[str, object]) -> None:
    WorkdayOverride.objects.create(date=_UNSEED.DAY, **{**_UNSEED.SEEDED, **change})
    _UNSEED.unseed_culture_day(django_apps, None)
    row = WorkdayOverride.objects.get(date=D(2026, 11, 24))
    assert all(getattr(row, field) == value for field, value in change.items())
