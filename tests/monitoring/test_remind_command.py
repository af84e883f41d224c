"""``sauro remind``: one pass now with a Vietnamese summary; ``--schedule`` queues the daily chain."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sauro.common.calendar import add_working_days, is_working_day
from sauro.daily.jobs import daily_pass_jobs
from sauro.monitoring.choices import ReminderKind
from sauro.monitoring.models import ReminderLog

from ..tasks.conftest import TODAY


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_a_pass_prints_what_it_sent_per_kind(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 200
    settings.SAURO_STUCK_DAYS = 200
    make_task(on=TODAY, due_date=TODAY)
    make_task(on=TODAY, due_date=TODAY)
    out = remind("--as-of", TODAY.isoformat())
    sent = ReminderLog.objects.filter(day=TODAY, kind=ReminderKind.DUE_TODAY).count()
    assert sent == 2
    assert f"Nhắc việc ngày {TODAY:%d/%m/%Y}: đã gửi {sent} lượt." in out
    assert f"{ReminderKind.DUE_TODAY.label}: {sent}" in out
    assert f"{ReminderKind.OVERDUE.label}: 0" in out
    # Again: nothing new, and it says so.
    again = remind("--as-of", TODAY.isoformat())
    assert "đã gửi 0 lượt" in again
    assert f"{sent} lượt đã gửi từ trước nên không gửi lại" in again


def test_without_a_date_the_pass_is_for_today(org, make_task, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 200
    settings.SAURO_STUCK_DAYS = 200
    make_task(on=TODAY, due_date=TODAY)
    assert f"Nhắc việc ngày {TODAY:%d/%m/%Y}" in remind()
    assert ReminderLog.objects.filter(day=TODAY).exists()


def test_a_day_off_is_said_so(db, today) -> None:  # type: ignore[no-untyped-def]
    day = TODAY
    while is_working_day(day):
        day += datetime.timedelta(days=1)
    out = remind("--as-of", day.isoformat())
    assert f"Ngày {day:%d/%m/%Y} là ngày nghỉ: không gửi nhắc việc." in out


@pytest.mark.parametrize("value", ["02/03/2026", "2026-02-30", "hôm nay"])
def test_a_bad_date_is_refused_in_vietnamese(db, today, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=f"Ngày không hợp lệ: “{value}”"):
        remind("--as-of", value)


def test_schedule_queues_today_and_tomorrow_once(db, today) -> None:  # type: ignore[no-untyped-def]
    tomorrow = TODAY + datetime.timedelta(days=1)
    out = remind("--schedule")
    assert f"Đã xếp lịch nhắc việc cho ngày: {TODAY:%d/%m/%Y}, {tomorrow:%d/%m/%Y}." in out
    assert len(daily_pass_jobs(TODAY)) == len(daily_pass_jobs(tomorrow)) == 1
    assert "đã có sẵn" in remind("--schedule")
    assert len(daily_pass_jobs(TODAY)) == len(daily_pass_jobs(tomorrow)) == 1
    assert ReminderLog.objects.count() == 0  # scheduling sends nothing by itself


def test_schedule_and_a_date_do_not_mix(db, today) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="Không dùng --as-of cùng với --schedule"):
        remind("--schedule", "--as-of", add_working_days(TODAY, 1).isoformat())
