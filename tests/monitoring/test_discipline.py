"""Update discipline per unit (PRODUCT §7): the updates each unit owed, made on time, late, or still pending."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauro.common.calendar import add_working_days
from sauro.monitoring.choices import ExpectationReason
from sauro.monitoring.discipline import UnitDiscipline, update_discipline
from sauro.monitoring.models import UpdateExpectation
from sauro.monitoring.reminders import run_reminders
from sauro.monitoring.services import progress_update_create

from ..tasks.conftest import TODAY

D = datetime.date
START, END = TODAY, TODAY + datetime.timedelta(days=30)
AS_OF = TODAY + datetime.timedelta(days=10)


def owe(task: Any, unit: Any, *, due: D, fulfilled: D | None) -> None:
    UpdateExpectation.objects.create(
        task=task,
        unit=unit,
        reason=ExpectationReason.ISSUED,
        opened_on=due - datetime.timedelta(days=2),
        due_on=due,
        fulfilled_on=fulfilled,
    )


def test_counts_on_time_late_and_pending_per_unit(org, make_task) -> None:  # type: ignore[no-untyped-def]
    task = make_task(on=TODAY)
    UpdateExpectation.objects.all().delete()  # only the hand-made rows below
    day = datetime.timedelta(days=1)
    # (unit, due, fulfilled, what it is on AS_OF)
    rows = [
        (org.btc, START + day, START, "on_time"),  # made before the due date
        (org.btc, START + 2 * day, START + 2 * day, "on_time"),  # made on the due date
        (org.btc, START + 3 * day, START + 5 * day, "late"),  # made after it
        (org.btc, AS_OF - day, None, "late"),  # not made, due date passed
        (org.btc, AS_OF, None, "pending"),  # not made, due today
        (org.btc, AS_OF + day, AS_OF + 3 * day, "late"),  # made late (seen from a later as_of in the data)
        (org.btc, AS_OF + 5 * day, None, "pending"),  # not made, due later
        (org.btc, START - day, START + 5 * day, None),  # due before the period: not counted
        (org.btc, END + day, None, None),  # due after the period: not counted
        (org.ancuu, START + day, START + 9 * day, "late"),
        (org.ancuu, END, END, "on_time"),  # the period's last day counts
    ]
    for unit, due, fulfilled, _what in rows:
        owe(task, unit, due=due, fulfilled=fulfilled)
    tally: dict[int, Counter[str]] = {}
    for unit, _due, _fulfilled, what in rows:
        if what:
            tally.setdefault(unit.pk, Counter())[what] += 1

    with CaptureQueriesContext(connection) as ctx:
        result = update_discipline(
            unit_ids=[org.btc.pk, org.ancuu.pk, org.phuxuan.pk], start=START, end=END, as_of=AS_OF
        )
    assert len(ctx.captured_queries) == 1

    by_unit = {r.unit_id: r for r in result}
    assert [r.unit_id for r in result] == sorted(by_unit)
    for unit_id, counts in tally.items():
        r = by_unit[unit_id]
        assert (r.on_time, r.late, r.pending) == (counts["on_time"], counts["late"], counts["pending"])
        assert r.expected == sum(counts.values()) == r.on_time + r.late + r.pending
    # A listed unit that owed nothing is shown with zeros; without a list, only units that owed something.
    assert by_unit[org.phuxuan.pk] == UnitDiscipline(unit_id=org.phuxuan.pk, expected=0, on_time=0, late=0, pending=0)
    everyone = update_discipline(unit_ids=None, start=START, end=END, as_of=AS_OF)
    assert {r.unit_id for r in everyone} == set(tally)
    assert by_unit[org.btc.pk].on_time_rate == tally[org.btc.pk]["on_time"] / (
        tally[org.btc.pk]["on_time"] + tally[org.btc.pk]["late"]
    )
    assert by_unit[org.phuxuan.pk].on_time_rate is None


def test_a_pending_update_turns_late_once_its_due_date_has_passed(org, make_task) -> None:  # type: ignore[no-untyped-def]
    task = make_task(on=TODAY)
    UpdateExpectation.objects.all().delete()
    owe(task, org.btc, due=AS_OF, fulfilled=None)
    on_due = update_discipline(unit_ids=[org.btc.pk], start=START, end=END, as_of=AS_OF)[0]
    after = update_discipline(unit_ids=[org.btc.pk], start=START, end=END, as_of=AS_OF + datetime.timedelta(days=1))[0]
    assert (on_due.pending, on_due.late) == (1, 0)
    assert (after.pending, after.late) == (0, 1)


def test_a_nudge_is_an_update_owed_and_counted(org, make_task, today, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAURO_NO_UPDATE_DAYS = 2
    settings.SAURO_STUCK_DAYS = 200
    prompt = make_task(on=TODAY)
    silent = make_task(on=TODAY)
    UpdateExpectation.objects.all().delete()  # what issuing the tasks opened is not under test here
    nudge_day = add_working_days(TODAY, 2)
    run_reminders(as_of=nudge_day)
    nudges = UpdateExpectation.objects.filter(reason=ExpectationReason.NUDGED)
    assert {e.task_id for e in nudges} == {prompt.pk, silent.pk}
    due = nudges.get(task=prompt).due_on
    today.set(nudge_day)
    progress_update_create(acting_user=org.btc_officer, task=prompt, done="Đã tổng hợp danh sách", percent=30)

    (r,) = update_discipline(unit_ids=[org.btc.pk], start=nudge_day, end=due, as_of=add_working_days(due, 1))
    assert (r.expected, r.on_time, r.late, r.pending) == (2, 1, 1, 0)
