"""Task selectors: visibility, filters, and the four reporting states computed in SQL for any day."""

from __future__ import annotations

import datetime

import pytest

from sauro.org.choices import Role
from sauro.tasks.choices import ReportingState, TaskState
from sauro.tasks.selectors import CARRIED, CURRENT, TaskFilters, task_counts, task_get, task_list
from sauro.tasks.services import (
    extension_request_create,
    extension_request_decide,
    task_accept,
    task_approve,
    task_cancel,
    task_issue,
    task_submit,
)

from .conftest import TODAY

D = datetime.timedelta


def states_as_of(user, day):  # type: ignore[no-untyped-def]
    return {t.title: t.reporting_state for t in task_list(user=user, filters=TaskFilters(as_of=day))}


def finish(org, task, today, submitted_on):  # type: ignore[no-untyped-def]
    task_accept(acting_user=org.btc_head, task=task)
    today.set(submitted_on)
    task_submit(acting_user=org.btc_head, task=task, product_note="Sản phẩm")
    task_approve(acting_user=org.leader, task=task)


def test_the_four_states_and_ongoing(org, make_draft, today):
    on_time = make_draft(title="A đúng hạn", due_date=TODAY + D(days=10))
    late = make_draft(title="B quá hạn", due_date=TODAY + D(days=10))
    open_ok = make_draft(title="C trong hạn", due_date=TODAY + D(days=60))
    open_late = make_draft(title="D quá hạn chưa xong", due_date=TODAY + D(days=5))
    ongoing = make_draft(title="E thường xuyên", is_ongoing=True, due_date=None, review_cadence="quarterly")
    draft = make_draft(title="F dự thảo")
    for t in (on_time, late, open_ok, open_late, ongoing):
        task_issue(acting_user=org.monitor, task=t)
    finish(org, on_time, today, TODAY + D(days=10))  # on the due date itself: on time
    finish(org, late, today, TODAY + D(days=11))
    today.set(TODAY + D(days=20))
    got = states_as_of(org.monitor, TODAY + D(days=20))
    assert got == {
        "A đúng hạn": ReportingState.DONE_ON_TIME,
        "B quá hạn": ReportingState.DONE_LATE,
        "C trong hạn": ReportingState.OPEN_ON_TIME,
        "D quá hạn chưa xong": ReportingState.OPEN_OVERDUE,
        "E thường xuyên": ReportingState.ONGOING,
        "F dự thảo": None,
    }
    assert draft.state == TaskState.DRAFT
    counts = task_counts(user=org.monitor, filters=TaskFilters(as_of=TODAY + D(days=20)))
    assert counts == {"done_on_time": 1, "done_late": 1, "open_on_time": 1, "open_overdue": 1, "ongoing": 1}


def test_as_of_a_past_day_a_later_completion_is_still_open(org, make_draft, today):
    task = make_draft(title="Báo cáo quý", due_date=TODAY + D(days=10))
    task_issue(acting_user=org.monitor, task=task)
    finish(org, task, today, TODAY + D(days=15))
    today.set(TODAY + D(days=30))
    assert states_as_of(org.monitor, TODAY + D(days=5)) == {"Báo cáo quý": ReportingState.OPEN_ON_TIME}
    assert states_as_of(org.monitor, TODAY + D(days=12)) == {"Báo cáo quý": ReportingState.OPEN_OVERDUE}
    assert states_as_of(org.monitor, TODAY + D(days=15)) == {"Báo cáo quý": ReportingState.DONE_LATE}
    assert states_as_of(org.monitor, TODAY - D(days=1)) == {"Báo cáo quý": None}  # not issued yet


def test_an_extension_counts_from_its_decision(org, make_draft, today):
    task = make_draft(title="Đề án", due_date=TODAY + D(days=10))
    task_issue(acting_user=org.monitor, task=task)
    today.set(TODAY + D(days=8))  # asked before the deadline (after it, it is refused)
    request = extension_request_create(
        acting_user=org.btc_head, task=task, new_due_date=TODAY + D(days=40), reason="Chờ ý kiến các ban"
    )
    today.set(TODAY + D(days=12))
    extension_request_decide(acting_user=org.leader, request=request, approve=True)
    today.set(TODAY + D(days=20))
    # Before the decision the task was overdue; after it, within the new due date.
    assert states_as_of(org.monitor, TODAY + D(days=11)) == {"Đề án": ReportingState.OPEN_OVERDUE}
    assert states_as_of(org.monitor, TODAY + D(days=20)) == {"Đề án": ReportingState.OPEN_ON_TIME}
    task_accept(acting_user=org.btc_head, task=task)
    task_submit(acting_user=org.btc_head, task=task, product_note="Đề án hoàn chỉnh")
    task_approve(acting_user=org.leader, task=task)
    assert states_as_of(org.monitor, TODAY + D(days=20)) == {"Đề án": ReportingState.DONE_ON_TIME}


def test_a_past_day_reads_the_extension_granted_by_then_not_a_later_one(org, make_draft, today):
    # Due Thursday 12/3; extended on 11/3 to Thursday 19/3, then on 26/3 to Thursday 9/4 (asked on 18/3, before 19/3).
    task = make_draft(title="Đề án", due_date=TODAY + D(days=10))
    task_issue(acting_user=org.monitor, task=task)
    for asked, granted, new_due in ((8, 9, 17), (16, 24, 38)):
        today.set(TODAY + D(days=asked))
        request = extension_request_create(
            acting_user=org.btc_head, task=task, new_due_date=TODAY + D(days=new_due), reason="Chờ ý kiến các ban"
        )
        today.set(TODAY + D(days=granted))
        extension_request_decide(acting_user=org.leader, request=request, approve=True)
    today.set(TODAY + D(days=30))
    # 16/3: past the original deadline, within the first extension.
    assert states_as_of(org.monitor, TODAY + D(days=14)) == {"Đề án": ReportingState.OPEN_ON_TIME}
    # 23/3: past the first extension; the second was not granted yet.
    assert states_as_of(org.monitor, TODAY + D(days=21)) == {"Đề án": ReportingState.OPEN_OVERDUE}
    assert states_as_of(org.monitor, TODAY + D(days=25)) == {"Đề án": ReportingState.OPEN_ON_TIME}

    # The due date in force decides the period part: for a period from 20/3, due 19/3 then (carried over), due
    # 9/4 once the second extension was granted (due in it).
    def part(day: datetime.date) -> str:
        period = TaskFilters(period_start=TODAY + D(days=18), period_end=TODAY + D(days=43), as_of=day)
        return task_list(user=org.monitor, filters=period).get().period_part

    assert part(TODAY + D(days=21)) == CARRIED
    assert part(TODAY + D(days=25)) == CURRENT


def test_a_due_date_on_a_day_off_ends_on_the_next_working_day(org, make_draft, today):
    saturday = datetime.date(2026, 3, 7)
    task = make_draft(title="Hạn thứ Bảy", due_date=saturday)
    task_issue(acting_user=org.monitor, task=task)
    finish(org, task, today, datetime.date(2026, 3, 9))  # Monday
    assert task_get(user=org.monitor, task_id=task.pk).reporting_state == ReportingState.DONE_ON_TIME


def test_cancelled_tasks_leave_the_count(org, make_draft, today):
    task = make_draft(title="Dừng")
    task_issue(acting_user=org.monitor, task=task)
    today.set(TODAY + D(days=3))
    task_cancel(acting_user=org.leader, task=task, reason="Không còn phù hợp")
    assert states_as_of(org.monitor, TODAY + D(days=1)) == {"Dừng": ReportingState.OPEN_ON_TIME}
    assert states_as_of(org.monitor, TODAY + D(days=3)) == {"Dừng": None}


def test_visibility(org, make_draft):
    btc_task = make_draft(title="Việc Ban Tổ chức")
    ward_task = make_draft(
        title="Việc phường An Cựu", lead_unit=org.ancuu.pk, responsible_person=org.ancuu_head.pk, coordinating_units=[]
    )
    draft_only = make_draft(title="Dự thảo chưa giao")
    for t in (btc_task, ward_task):
        task_issue(acting_user=org.monitor, task=t)

    def titles(user):  # type: ignore[no-untyped-def]
        return {t.title for t in task_list(user=user)}

    everything = {"Việc Ban Tổ chức", "Việc phường An Cựu", "Dự thảo chưa giao"}
    assert titles(org.leader) == everything
    assert titles(org.inspector) == everything
    assert titles(org.btc_head) == {"Việc Ban Tổ chức"}  # not the drafts of Văn phòng
    # An officer of a department sees the agency's task once assigned to it (one who works only there: the
    # fixture's officer of the department also works in Văn phòng, the drafting and a coordinating unit).
    dept_officer = org.person("cv2.btc", "Lý Thị Hai", org.btc_dept, Role.OFFICER)
    assert titles(dept_officer) == set()
    task_accept(acting_user=org.btc_head, task=btc_task, officer_ids=[dept_officer.pk])
    assert titles(dept_officer) == {"Việc Ban Tổ chức"}
    # Văn phòng's officer: its drafts and the tasks it coordinates, not the ward's task.
    assert titles(org.btc_officer) == {"Việc Ban Tổ chức", "Dự thảo chưa giao"}
    assert titles(org.ancuu_officer) == {"Việc phường An Cựu"}
    assert titles(org.phuxuan_head) == set()
    # A coordinating unit sees the task.
    assert "Việc Ban Tổ chức" in {t.title for t in task_list(user=org.monitor)}
    with pytest.raises(Exception) as exc:
        task_get(user=org.phuxuan_head, task_id=btc_task.pk)
    assert exc.type.__name__ == "Http404"
    assert draft_only.state == TaskState.DRAFT


def test_secret_tasks_only_for_named_people(org, make_draft):
    secret = make_draft(title="Việc mật", classification="secret")
    task_issue(acting_user=org.monitor, task=secret)
    assert {t.title for t in task_list(user=org.btc_head)} == {"Việc mật"}  # responsible person
    assert {t.title for t in task_list(user=org.btc_officer)} == set()
    assert {t.title for t in task_list(user=org.inspector)} == set()


def test_filters_and_diacritics_free_search(org, make_draft):
    a = make_draft(title="Rà soát quy hoạch cán bộ")
    b = make_draft(
        title="Tổng kết công tác năm",
        content="Xây dựng báo cáo tổng kết công tác xây dựng Đảng năm 2026 của các cơ quan Đảng.",
        product_description="Báo cáo tổng kết năm",
        due_date=TODAY + D(days=90),
    )
    for t in (a, b):
        task_issue(acting_user=org.monitor, task=t)

    def titles(**kw):  # type: ignore[no-untyped-def]
        return {t.title for t in task_list(user=org.monitor, filters=TaskFilters(**kw))}

    assert titles(q="ra soat") == {"Rà soát quy hoạch cán bộ"}
    assert titles(q="RÀ SOÁT") == {"Rà soát quy hoạch cán bộ"}
    assert titles(q="tong ket cong tac") == {"Tổng kết công tác năm"}
    assert titles(due_after=TODAY + D(days=60)) == {"Tổng kết công tác năm"}
    assert titles(due_before=TODAY + D(days=60)) == {"Rà soát quy hoạch cán bộ"}
    assert titles(unit_id=org.city.pk) == titles(unit_id=org.btc.pk) == {a.title, b.title}
    assert titles(unit_id=org.phuxuan.pk) == set()
    assert titles(reporting_states=["open_on_time"]) == {a.title, b.title}
    assert titles(states=["done"]) == set()


def test_list_query_count_does_not_grow(org, make_draft, django_assert_max_num_queries):
    for i in range(12):
        task_issue(acting_user=org.monitor, task=make_draft(title=f"Nhiệm vụ {i}"))
    with django_assert_max_num_queries(3):
        rows = list(task_list(user=org.btc_head))
        _ = [(t.lead_unit.name, t.responsible_person.full_name if t.responsible_person else "") for t in rows]
    assert len(rows) == 12


def test_rollup_weighs_sub_tasks_level_by_level_in_one_query_per_level(
    org, make_draft, today, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from sauro.tasks.models import Task
    from sauro.tasks.selectors import task_rollup_progress

    parent = make_draft(title="Cha")

    def child(of, title, progress, weight="1", state=TaskState.IN_PROGRESS):  # type: ignore[no-untyped-def]
        return Task.objects.create(
            title=title,
            parent=of,
            owner_unit=org.btc,
            created_by=org.monitor,
            state=state,
            progress=progress,
            weight=Decimal(weight),
        )

    a = child(parent, "A", 0, weight="2")  # counts as its children's average
    child(a, "A1", 100, state=TaskState.DONE)
    child(a, "A2", 50)
    child(a, "A3", 0, state=TaskState.CANCELLED)  # left out
    b = child(parent, "B", 10)
    child(b, "B1", 40)
    child(parent, "C", 90, state=TaskState.CANCELLED)  # left out
    # A = (100 + 50) / 2 = 75, B = 40; the parent = (2 × 75 + 1 × 40) / 3 = 63.3 → 63
    with django_assert_num_queries(3):  # children, grandchildren, and the empty level below
        assert task_rollup_progress(task=parent) == 63
