"""The figures of ``dashboard.stats`` against the hand-counted world of ``conftest.py``."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauro.dashboard import stats
from sauro.dashboard.stats import TaskStats
from sauro.monitoring.choices import ExpectationReason
from sauro.monitoring.models import UpdateExpectation
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import ReportingState, TaskState
from sauro.tasks.models import Task
from sauro.tasks.selectors import TaskFilters, task_list, with_reporting_state

from .conftest import AS_OF, END, PREV_END, PREV_START, START

D = datetime.date


def ids(qs) -> set[int]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("pk", flat=True))


def test_period_membership(world) -> None:  # type: ignore[no-untyped-def]
    qs = stats.period_tasks(user=world.org.leader, unit_id=None, start=START, end=END, as_of=AS_OF)
    # Not F (cancelled), G (draft), P1/P2 (previous period, done in it). I is due after the period but was issued in
    # it: open, within its time.
    assert ids(qs) == world.ids("A", "B", "C", "D", "E", "H", "I", "J")
    states = dict(qs.values_list("title", "reporting_state"))
    assert {t[:1]: s for t, s in states.items()} == {
        "A": "done_on_time",
        "B": "done_late",
        "C": "open_on_time",
        "D": "open_overdue",
        "E": "ongoing",
        "H": "open_overdue",
        "I": "open_on_time",
        "J": "open_on_time",  # extended from 9/3 to 14/3 on 11/3
    }


def test_city_figures(world) -> None:  # type: ignore[no-untyped-def]
    got = stats.task_stats(user=world.org.leader, unit_id=world.org.city.pk, start=START, end=END, as_of=AS_OF)
    assert got == TaskStats(
        total=7,
        done_on_time=1,
        done_late=1,
        open_on_time=3,  # C, J and I (issued in the period, due after it)
        open_overdue=2,
        ongoing=1,
        on_time_rate=14.3,
        completion_rate=28.6,
    )


def test_subtree_and_past_as_of(world) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    btc = stats.task_stats(user=org.leader, unit_id=org.btc.pk, start=START, end=END, as_of=AS_OF)
    assert (btc.total, btc.done_on_time, btc.done_late, btc.ongoing, btc.on_time_rate) == (3, 1, 1, 1, 33.3)
    # Seen on 9/3: nothing done yet, nothing past due (D is due 6/3 — an An Cựu task), J still due 9/3.
    early = stats.task_stats(user=org.leader, unit_id=None, start=START, end=END, as_of=D(2026, 3, 9))
    assert (early.done_on_time, early.done_late, early.open_on_time, early.open_overdue) == (0, 0, 6, 1)
    # On 10/3, J is past its original due date (the extension was only decided on 11/3); H is due 12/3.
    on_10 = stats.task_stats(user=org.leader, unit_id=org.phuxuan.pk, start=START, end=END, as_of=D(2026, 3, 10))
    assert (on_10.open_overdue, on_10.open_on_time) == (1, 1)
    assert (
        stats.period_tasks(user=org.leader, unit_id=org.phuxuan.pk, start=START, end=END, as_of=D(2026, 3, 10))
        .get(reporting_state="open_overdue")
        .pk
        == world.tasks["J"].pk
    )
    # Before the issue date nothing counts; the previous quarter holds P1 on time and P2 late.
    assert stats.task_stats(user=org.leader, unit_id=None, start=START, end=END, as_of=D(2026, 3, 1)).total == 0
    prev = stats.task_stats(user=org.leader, unit_id=None, start=PREV_START, end=PREV_END, as_of=PREV_END)
    assert (prev.total, prev.done_on_time, prev.done_late, prev.on_time_rate, prev.completion_rate) == (
        2,
        1,
        1,
        50.0,
        100.0,
    )


def test_empty_period_has_no_rates(world) -> None:  # type: ignore[no-untyped-def]
    got = stats.task_stats(user=world.org.leader, unit_id=None, start=D(2027, 1, 1), end=D(2027, 3, 31), as_of=AS_OF)
    assert got.total == 0 and got.on_time_rate is None and got.completion_rate is None
    assert got.ongoing == 1  # an ongoing task is under way in every period once issued


def test_visibility_a_ward_head_sees_only_their_ward(world) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    mine = stats.task_stats(user=org.ancuu_head, unit_id=None, start=START, end=END, as_of=AS_OF)
    assert (mine.total, mine.open_on_time, mine.open_overdue) == (2, 1, 1)
    # Asking for the whole city still counts only what they may see.
    city = stats.task_stats(user=org.ancuu_head, unit_id=org.city.pk, start=START, end=END, as_of=AS_OF)
    assert city == mine
    other = stats.task_stats(user=org.ancuu_head, unit_id=org.phuxuan.pk, start=START, end=END, as_of=AS_OF)
    assert other.total == 0


def test_by_unit_groups_sub_units_under_their_child(world) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    with CaptureQueriesContext(connection) as ctx:
        rows = stats.task_stats_by_unit(user=org.leader, parent_unit_id=org.city.pk, start=START, end=END, as_of=AS_OF)
    # The parent, the user's scope, every unit's path, the visible units, two grouped aggregates (dated, ongoing).
    assert len(ctx.captured_queries) <= 6
    got = {u.code: (s.done_on_time, s.done_late, s.open_on_time, s.open_overdue, s.ongoing) for u, s in rows}
    assert got == {
        "TTTU": (0, 0, 0, 0, 0),
        "VPTU": (0, 0, 0, 0, 0),
        "BTCTU": (1, 1, 1, 0, 1),  # B is led by Phòng TCCB, under Ban Tổ chức; I due after the period
        "UBKTTU": (0, 0, 0, 0, 0),
        "P-PHUXUAN": (0, 0, 1, 1, 0),
        "P-ANCUU": (0, 0, 1, 1, 0),
    }
    below = stats.task_stats_by_unit(user=org.leader, parent_unit_id=org.btc.pk, start=START, end=END, as_of=AS_OF)
    assert [(u.code, s.done_on_time, s.done_late, s.ongoing) for u, s in below] == [
        ("BTCTU-TCCB", 0, 1, 0),
        ("BTCTU", 1, 0, 1),  # the parent's own tasks come last
    ]


def test_trends_by_month_and_quarter(world) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    # Per reporting-regime month and quarter of due date: T3/2026 is 15/2 – 14/3/2026.
    months = stats.monthly_trend(user=org.leader, unit_id=None, start=PREV_START, end=END, as_of=AS_OF)
    assert [p.label for p in months] == ["T10/2025", "T11/2025", "T12/2025", "T1/2026", "T2/2026", "T3/2026"]
    assert [p.stats.total for p in months] == [0, 0, 2, 0, 0, 6]
    assert (months[0].start, months[0].end, months[5].start, months[5].end) == (
        D(2025, 9, 15),
        D(2025, 10, 14),
        D(2026, 2, 15),
        D(2026, 3, 14),
    )
    assert months[2].stats.on_time_rate == 50.0
    assert months[5].stats.ongoing == 0  # ongoing tasks have no month
    # I, due on the 15th of April, is in May's window.
    later = stats.monthly_trend(user=org.leader, unit_id=None, start=D(2026, 3, 15), end=D(2026, 6, 14), as_of=AS_OF)
    assert [(p.label, p.stats.total) for p in later] == [("T4/2026", 0), ("T5/2026", 1), ("T6/2026", 0)]
    quarters = stats.quarterly_trend(user=org.leader, unit_id=None, start=PREV_START, end=D(2026, 6, 14), as_of=AS_OF)
    assert [(p.label, p.stats.total) for p in quarters] == [("Q4/2025", 2), ("Q1/2026", 6), ("Q2/2026", 1)]
    assert (quarters[1].start, quarters[1].end) == (START, END)
    assert quarters[2].start == D(2026, 3, 15) and quarters[2].end == D(2026, 6, 14)
    # A range not on the windows' edges clips the first and last window.
    clipped = stats.quarterly_trend(user=org.leader, unit_id=None, start=D(2026, 1, 1), end=D(2026, 3, 31), as_of=AS_OF)
    assert [(p.label, p.start, p.end) for p in clipped] == [
        ("Q1/2026", D(2026, 1, 1), D(2026, 3, 14)),
        ("Q2/2026", D(2026, 3, 15), D(2026, 3, 31)),
    ]


def test_overdue_ranked_by_days_late(world) -> None:  # type: ignore[no-untyped-def]
    rows = stats.overdue_tasks(user=world.org.leader, unit_id=None, as_of=AS_OF, limit=20)
    # D due Friday 6/3: 5 working days to Friday 13/3; H due Thursday 12/3: 1.
    assert [(t.title[:1], t.days_late) for t in rows] == [("D", 5), ("H", 1)]  # type: ignore[attr-defined]
    assert stats.overdue_tasks(user=world.org.ancuu_head, unit_id=None, as_of=AS_OF, limit=20)[0].pk == (
        world.tasks["D"].pk
    )


def test_overdue_from_today_is_exactly_the_reporting_states_overdue(world, today) -> None:  # type: ignore[no-untyped-def]
    org, t = world.org, world.tasks
    # The ongoing task E past a deadline stays "ongoing"; a task returned after it was done is open again.
    Task.objects.filter(pk=t["E"].pk).update(due_date=D(2026, 3, 2), deadline=D(2026, 3, 2))
    Task.objects.filter(pk=t["A"].pk).update(state=TaskState.RETURNED, completed_on=None)
    # Seen on 9/3, a task issued on 10/3 has no reporting state yet, even past its deadline.
    Task.objects.filter(pk=t["J"].pk).update(issued_on=D(2026, 3, 10), deadline=D(2026, 3, 5))
    seen = set()
    for day in (D(2026, 3, 2), D(2026, 3, 9), AS_OF, D(2026, 3, 16), D(2026, 6, 1)):
        today.set(day)
        for user in (org.leader, org.ancuu_head, org.btc_head):
            got = [task.pk for task in stats.overdue_queryset(user=user, unit_id=None, as_of=day)]
            by_state = with_reporting_state(tasks_visible_to(user), day).filter(
                reporting_state=ReportingState.OPEN_OVERDUE
            )
            assert got == list(by_state.order_by("deadline", "due_date", "id").values_list("pk", flat=True)), day
            listed = task_list(user=user, filters=TaskFilters(reporting_states=[ReportingState.OPEN_OVERDUE]))
            assert set(listed.values_list("pk", flat=True)) == set(got), day
            seen |= set(got)
    assert t["E"].pk not in seen and {t["A"].pk, t["D"].pk, t["H"].pk, t["J"].pk} <= seen


def _owe(task, unit, due: D, fulfilled: D | None) -> None:  # type: ignore[no-untyped-def]
    UpdateExpectation.objects.create(
        task=task, unit=unit, reason=ExpectationReason.ISSUED, opened_on=due, due_on=due, fulfilled_on=fulfilled
    )


def test_league_table(world) -> None:  # type: ignore[no-untyped-def]
    from sauro.monitoring.models import Obstacle

    org, t = world.org, world.tasks
    UpdateExpectation.objects.all().delete()  # only the hand-made rows below
    _owe(t["A"], org.btc, D(2026, 3, 3), D(2026, 3, 3))  # on time
    _owe(t["B"], org.btc_dept, D(2026, 3, 3), D(2026, 3, 5))  # late, in the sub-unit
    _owe(t["B"], org.btc_dept, D(2026, 3, 14), None)  # pending (due after AS_OF)
    _owe(t["D"], org.ancuu, D(2026, 3, 4), None)  # not made: late
    _owe(t["D"], org.ancuu, D(2025, 12, 1), None)  # due before the period: not counted
    # Obstacles: An Cựu raised one on Mon 9/3 answered Thu 12/3 (3 working days); one still open since Mon 9/3
    # (4 working days to Fri 13/3). Ban Tổ chức's was answered in the previous period: not counted.
    common = {"raised_by": org.ancuu_head, "description": "Vướng mặt bằng", "proposal": "Đề nghị cho ý kiến"}
    stamp = datetime.datetime(2026, 3, 9, 9, tzinfo=datetime.UTC)

    def obstacle(task, unit, raised: D, answered: D | None) -> None:  # type: ignore[no-untyped-def]
        Obstacle.objects.create(
            task=task,
            lead_unit=unit,
            raised_at=stamp,
            raised_on=raised,
            decider_unit=org.standing,
            waiting_on=org.standing,
            response_due_on=raised + datetime.timedelta(days=7),
            state="answered" if answered else "open",
            answer="Đồng ý" if answered else "",
            answered_on=answered,
            **common,
        )

    obstacle(t["D"], org.ancuu, D(2026, 3, 9), D(2026, 3, 12))
    obstacle(t["C"], org.ancuu, D(2026, 3, 9), None)
    obstacle(t["P1"], org.btc, D(2025, 11, 10), D(2025, 11, 12))

    calls = []

    def reports(unit_ids, start, end, as_of):  # type: ignore[no-untyped-def]
        calls.append((start, end, as_of))
        return {org.phuxuan.pk: 2}

    stats.register_report_counter(reports)
    try:
        with CaptureQueriesContext(connection) as ctx:
            rows = stats.league_table(
                user=org.leader,
                parent_unit_id=org.city.pk,
                start=START,
                end=END,
                as_of=AS_OF,
                previous_start=PREV_START,
                previous_end=PREV_END,
            )
    finally:
        stats._report_counters.remove(reports)
    # parent, scope, the units' paths, 2 × 2 grouped task aggregates (due in the period; ongoing), units,
    # discipline, reports provider, calendar, obstacles
    assert len(ctx.captured_queries) <= 12
    assert calls == [(START, END, AS_OF)]
    by = {r.unit.code: r for r in rows}
    # Ranked by on-time rate (units with nothing due last), then fewer overdue, then the tree order.
    assert [r.unit.code for r in rows] == ["BTCTU", "P-ANCUU", "P-PHUXUAN", "TTTU", "VPTU", "UBKTTU"]
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    btc, ancuu, phuxuan = by["BTCTU"], by["P-ANCUU"], by["P-PHUXUAN"]
    assert (btc.stats.on_time_rate, btc.previous.on_time_rate, btc.trend, btc.trend_direction) == (
        33.3,  # A of A, B and I (issued in the period, due after it)
        100.0,
        -66.7,
        "down",
    )
    assert (ancuu.stats.on_time_rate, ancuu.previous.on_time_rate, ancuu.trend_direction) == (0.0, 0.0, "flat")
    assert (phuxuan.trend, phuxuan.trend_direction) == (None, "none")
    assert (btc.updates_expected, btc.updates_late, btc.update_on_time_rate) == (3, 1, 50.0)
    assert (ancuu.updates_expected, ancuu.updates_late, ancuu.update_on_time_rate) == (1, 1, 0.0)
    assert (ancuu.obstacles, ancuu.obstacle_response_days) == (2, 3.5)
    assert (btc.obstacles, btc.obstacle_response_days) == (0, None)
    assert (phuxuan.late_reports, btc.late_reports) == (2, 0)
    assert set(btc.descendant_ids) == {org.btc.pk, org.btc_dept.pk}
