"""The maintained summary of done tasks (``tasks.summary``): the trigger keeps it equal to a recount whatever writes
the tasks, and every figure read through it equals the same figure counted live from the tasks."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.dashboard import stats
from sauro.org.models import Unit
from sauro.tasks import selectors, summary
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import Classification, ReportingState, TaskState
from sauro.tasks.models import DoneTaskMonth, Task
from sauro.tasks.selectors import TaskFilters

from .conftest import AS_OF, END, PREV_END, PREV_START, START, World

D = datetime.date
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the summary is kept by a PostgreSQL trigger (CI runs both)"
)


@pytest.mark.parametrize(
    ("day", "month", "cut"),
    [
        (D(2026, 3, 14), D(2026, 3, 14), D(2026, 3, 14)),  # a regime month's last day is its own cut-off
        (D(2026, 3, 13), D(2026, 3, 14), D(2026, 2, 14)),
        (D(2026, 3, 15), D(2026, 4, 14), D(2026, 3, 14)),
        (D(2025, 12, 15), D(2026, 1, 14), D(2025, 12, 14)),  # into the next year
        (D(2026, 1, 1), D(2026, 1, 14), D(2025, 12, 14)),  # back into the previous one
        (D(2024, 2, 29), D(2024, 3, 14), D(2024, 2, 14)),
    ],
)
def test_regime_month_and_cut_off(day: datetime.date, month: datetime.date, cut: datetime.date) -> None:
    assert summary.regime_month(day) == month
    assert summary.cut_off(day) == cut


def test_whole_months() -> None:
    assert summary.whole_months(START, END)  # a regime quarter
    assert summary.whole_months(D(2026, 2, 15), D(2026, 3, 14))
    assert not summary.whole_months(D(2026, 3, 1), D(2026, 3, 31))  # a calendar month (a custom range)
    assert not summary.whole_months(D(2026, 3, 15), D(2026, 3, 14))


@on_postgresql
def test_sql_regime_month_agrees_with_python(db: None) -> None:
    days = [D(2025, 12, 1) + datetime.timedelta(days=i) for i in range(0, 500, 3)]
    with connection.cursor() as cur:
        cur.execute("SELECT d, sauro_regime_month(d) FROM unnest(%s::date[]) AS d", [days])
        assert dict(cur.fetchall()) == {d: summary.regime_month(d) for d in days}


@on_postgresql
def test_the_trigger_keeps_the_summary_whatever_writes_the_tasks(world: World) -> None:
    # Built through the services: A, B (this quarter), P1 and P2 (the previous one) are done.
    assert summary.drift() == []
    assert sum(DoneTaskMonth.objects.values_list("n", flat=True)) == 4
    org, tasks = world.org, world.tasks
    writes = [
        lambda: Task.objects.filter(pk=tasks["A"].pk).update(lead_unit=org.ancuu),  # moved to another unit
        lambda: Task.objects.filter(pk=tasks["B"].pk).update(classification=Classification.SECRET),  # leaves it
        lambda: Task.objects.filter(pk=tasks["B"].pk).update(classification=Classification.NORMAL),  # comes back
        lambda: Task.objects.filter(pk=tasks["P1"].pk).update(due_date=D(2026, 1, 20)),  # another due month
        lambda: Task.objects.filter(pk=tasks["P1"].pk).update(deadline=D(2025, 12, 1)),  # now done late
        lambda: Task.objects.filter(pk=tasks["P2"].pk).update(state=TaskState.RETURNED, completed_on=None),
        lambda: Task.objects.filter(pk=tasks["C"].pk).update(state=TaskState.DONE, completed_on=D(2026, 3, 13)),
        lambda: Task.objects.filter(pk=tasks["D"].pk).update(
            state=TaskState.DONE, completed_on=D(2026, 3, 1), issued_on=D(2026, 3, 2)
        ),  # completed before it was issued: left to the live count
        lambda: Task.objects.filter(pk=tasks["E"].pk).update(state=TaskState.DONE, completed_on=D(2026, 3, 1)),
        lambda: Task.objects.filter(title__startswith="I").update(lead_unit=None),  # not done: nothing to move
    ]
    for write in writes:
        write()
        assert summary.drift() == []
    # Approved in another regime month than it was submitted: the approval's month counts.
    Task.objects.filter(pk=tasks["A"].pk).update(approved_on=D(2026, 3, 20))
    assert summary.drift() == []
    assert DoneTaskMonth.objects.filter(done_month=D(2026, 4, 14), n__gt=0).exists()
    with connection.cursor() as cur:  # a write outside Django
        cur.execute("UPDATE tasks_task SET completed_on = completed_on + 40 WHERE state = 'done'")
    assert summary.drift() == []
    assert summary.rebuild() == DoneTaskMonth.objects.filter(n__gt=0).count()
    assert summary.drift() == []


def figures(world: World, as_of: datetime.date, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    org = world.org
    user = org.leader
    out: dict[str, Any] = {}
    for name, unit in (("all", None), ("city", org.city.pk), ("btc", org.btc.pk), ("phuxuan", org.phuxuan.pk)):
        out[name] = stats.task_stats(user=user, unit_id=unit, start=start, end=end, as_of=as_of)
    out["by_unit"] = [
        (u.pk, s)
        for u, s in stats.task_stats_by_unit(user=user, parent_unit_id=org.city.pk, start=start, end=end, as_of=as_of)
    ]
    monthly, quarterly = stats.trends(
        user=user, unit_id=org.city.pk, month_start=start, quarter_start=start, end=end, as_of=as_of
    )
    out["trend"] = [(p.label, p.stats) for p in monthly + quarterly]
    return out


def more_shapes(tasks: dict[str, Task]) -> None:
    """Done on the cut-off day of AS_OF (14/2) and on the day after, a done *mật* task, one done before it was
    issued, one done before it was issued and without a lead unit; submitted before a cut-off and approved after it
    (C); due in the previous quarter and approved in this one (P2: carried over); the same but ongoing (P1: counted
    as ongoing, never carried over); issued in the quarter, due after it and done by the cut-off (I); cancelled on
    5/3, issued on 10/1 (F: open as seen on 20/2, gone as seen on 13/3)."""
    early = {"state": TaskState.DONE, "issued_on": D(2026, 1, 10)}
    Task.objects.filter(pk=tasks["C"].pk).update(**early, completed_on=D(2026, 2, 14), approved_on=D(2026, 2, 20))
    Task.objects.filter(pk=tasks["D"].pk).update(**early, completed_on=D(2026, 2, 15))
    Task.objects.filter(pk=tasks["H"].pk).update(
        state=TaskState.DONE, completed_on=D(2026, 3, 11), classification=Classification.SECRET
    )
    Task.objects.filter(pk=tasks["I"].pk).update(**early, completed_on=D(2026, 2, 1), approved_on=D(2026, 2, 3))
    Task.objects.filter(pk=tasks["J"].pk).update(**early, completed_on=D(2026, 1, 5), lead_unit=None)
    Task.objects.filter(pk=tasks["P2"].pk).update(approved_on=D(2025, 12, 20))
    Task.objects.filter(pk=tasks["P1"].pk).update(is_ongoing=True, approved_on=D(2026, 1, 20))
    Task.objects.filter(pk=tasks["F"].pk).update(issued_on=D(2026, 1, 10))


@on_postgresql
def test_figures_read_through_the_summary_equal_the_live_count(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    more_shapes(world.tasks)
    cases = [
        (AS_OF, START, END),  # cut-off 14/2: A, B, D done after it
        (D(2026, 3, 14), START, END),  # the quarter's last day: all in the summary
        (D(2026, 2, 20), START, END),
        (D(2026, 6, 1), START, END),  # seen later
        (PREV_END, PREV_START, PREV_END),  # the league's previous period
        (AS_OF, D(2025, 12, 15), D(2026, 12, 14)),  # a year
        (AS_OF, D(2026, 2, 15), D(2026, 3, 14)),  # a month
        (AS_OF, D(2026, 3, 1), D(2026, 3, 13)),  # a custom range: live either way
    ]
    for as_of, start, end in cases:
        with CaptureQueriesContext(connection) as ctx:
            through_summary = figures(world, as_of, start, end)
        read = any("tasks_donetaskmonth" in q["sql"] for q in ctx.captured_queries)
        assert read == summary.whole_months(start, end), (as_of, start, end)
        with monkeypatch.context() as m:
            m.setattr(summary, "available", lambda: False)
            live = figures(world, as_of, start, end)
        assert through_summary == live, (as_of, start, end)
    # Not every figure is zero: the comparison means something — P2 carried over, I done before its due date.
    city = figures(world, AS_OF, START, END)["city"]
    assert city.done_late >= 1
    assert city.carried.done_late == 1
    assert figures(world, D(2026, 3, 14), START, END)["city"].done_on_time >= 2


@on_postgresql
def test_a_unit_scoped_reader_is_always_counted_live(world: World) -> None:
    with CaptureQueriesContext(connection) as ctx:
        got = stats.task_stats(user=world.org.ancuu_head, unit_id=None, start=START, end=END, as_of=AS_OF)
    assert not any("tasks_donetaskmonth" in q["sql"] for q in ctx.captured_queries)
    assert got.total >= 1


def list_figures(world: World, filters: TaskFilters) -> tuple[dict[str, int], bool]:
    """The list's count cards for the leader (committee-wide) and whether they read the summary."""
    user = world.org.leader
    tasks = selectors.task_list(user=user, filters=filters)
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.list_counts(user=user, filters=filters, tasks=tasks)
    return counts, any("tasks_donetaskmonth" in q["sql"] for q in ctx.captured_queries)


@on_postgresql
def test_a_lists_count_cards_read_through_the_summary_equal_the_live_count(world: World) -> None:
    org, tasks = world.org, world.tasks
    # The dashboards' shapes, one returned past its deadline and one done without a lead unit (J, done before it was
    # issued, is not in the summary); the ongoing task E has no due date.
    more_shapes(tasks)
    Task.objects.filter(pk=tasks["B"].pk).update(state=TaskState.RETURNED, completed_on=None)  # overdue from 11/3
    Task.objects.filter(pk=tasks["P1"].pk).update(lead_unit=None)  # done in December, in the summary as unit 0
    summarised = [
        TaskFilters(),  # the list as a leader opens it: every task of every year
        TaskFilters(unit_id=org.city.pk),  # the committee's subtree: every unit, so the tasks with a lead unit
        TaskFilters(due_after=START, due_before=END),  # a regime quarter
        TaskFilters(due_after=PREV_START, due_before=END),  # two
        TaskFilters(unit_id=org.city.pk, due_after=START, due_before=END),
    ]
    live = [
        TaskFilters(unit_id=org.btc.pk),  # a unit's subtree
        TaskFilters(lead_unit_id=org.ancuu.pk),
        TaskFilters(due_after=D(2026, 3, 1), due_before=D(2026, 3, 13)),  # a custom range
        TaskFilters(due_after=START),  # open-ended
        TaskFilters(q="kiem thu"),
        TaskFilters(states=[TaskState.DONE]),
    ]
    days = [AS_OF, D(2026, 2, 14), D(2026, 2, 15), D(2026, 3, 14), D(2026, 6, 1), PREV_END]
    seen: set[str] = set()
    for as_of in days:
        for base in summarised + live:
            filters = dataclasses.replace(base, as_of=as_of)
            counts, read = list_figures(world, filters)
            assert read == (base in summarised), filters
            expected = selectors.reporting_counts(selectors.task_list(user=org.leader, filters=filters))
            assert counts == expected, filters
            seen |= {state for state, n in counts.items() if n}
    # The comparison means something: every card counts a task on some day.
    assert seen == {s.value for s in ReportingState}, seen
    # The committee's own subtree is every task led by one of its units (so not P1, without a lead unit).
    city = TaskFilters(unit_id=org.city.pk)
    in_city = selectors.task_list(user=org.leader, filters=city).values_list("pk", flat=True)
    led = tasks_visible_to(org.leader).filter(lead_unit_id__in=Unit.objects.values("pk")).values_list("pk", flat=True)
    assert set(in_city) == set(led) and tasks["P1"].pk not in set(in_city)


@on_postgresql
def test_the_list_page_shows_the_summarys_counts_and_a_unit_head_is_counted_live(world: World, client_for: Any) -> None:
    leader = client_for(world.org.leader)
    with CaptureQueriesContext(connection) as ctx:
        response = leader.get(reverse("tasks:list"))
    assert any("tasks_donetaskmonth" in q["sql"] for q in ctx.captured_queries)
    live = selectors.reporting_counts(selectors.task_list(user=world.org.leader, filters=TaskFilters()))
    shown = {card.key: card.count for card in response.context["cards"]}
    assert shown == {key: live[key] for key in shown} and sum(shown.values()) >= 4
    assert response.context["ongoing"].count == live["ongoing"] == 1

    head = world.org.ancuu_head  # sees the tasks of the units they head: never the summary
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.list_counts(
            user=head, filters=TaskFilters(), tasks=selectors.task_list(user=head, filters=TaskFilters())
        )
    assert not any("tasks_donetaskmonth" in q["sql"] for q in ctx.captured_queries)
    assert sum(counts.values()) >= 1
