"""Issue 20, point 1: the figures of a period are those of its cut-off day, whenever the report is made.

A task becomes done on the day its product is approved (``approved_on``), its completion day stays the product's
submission; the deadline in force and the progress are those of the cut-off; an extension is not asked once the
deadline has passed."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from sauro.common.errors import ValidationFailed
from sauro.dashboard.stats import overdue_tasks, period_tasks, task_stats
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.services import obstacle_answer, obstacle_create, progress_update_create
from sauro.reports import quarterly
from sauro.tasks.choices import ReportingState, RequestState
from sauro.tasks.models import ExtensionRequest, Task
from sauro.tasks.services import (
    ERR_DONE_BEFORE_DECISION,
    extension_request_create,
    task_accept,
    task_approve,
    task_issue,
    task_submit,
)
from tests.tasks.test_api import api_client, assert_error, post

D = datetime.date
Q1_START, Q1_END = D(2025, 12, 15), D(2026, 3, 14)


def figures(user: Any, unit: Any) -> tuple[Any, dict[str, str]]:
    """The quarter I report's counts for ``unit`` and each of its tasks' state, as the report reads them."""
    data = quarterly.collect(user=user, unit=unit, quarter="2026Q1", lists=True, outline=False)
    states = {
        t.title: t.reporting_state  # type: ignore[attr-defined]
        for t in period_tasks(user=user, unit_id=unit.pk, start=Q1_START, end=Q1_END, as_of=data.as_of)
    }
    return data.stats, states


def issue_accepted(org: Any, make_draft: Callable[..., Task], **fields: Any) -> Task:
    task = task_issue(acting_user=org.monitor, task=make_draft(**fields))
    return task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_head.pk)


@pytest.mark.django_db
def test_a_report_made_later_gives_the_same_figures(org: Any, make_draft: Callable[..., Task], today: Any) -> None:
    """The issue's case: submitted 12/03 for a 13/03 deadline, approved 18/03. Made on 14/03 and again on 20/03, the
    quarter I report counts it open and overdue both times (it was not done on the cut-off day, 14/03)."""
    today.set(D(2026, 3, 2))
    late = issue_accepted(org, make_draft, title="Báo cáo chuyên đề", due_date=D(2026, 3, 13))
    on_time = issue_accepted(org, make_draft, title="Kế hoạch kiểm tra", due_date=D(2026, 3, 10))
    today.set(D(2026, 3, 9))
    task_submit(acting_user=org.btc_head, task=on_time, product_note="Kế hoạch")
    task_approve(acting_user=org.leader, task=on_time)
    today.set(D(2026, 3, 12))
    task_submit(acting_user=org.btc_head, task=late, product_note="Báo cáo")

    today.set(D(2026, 3, 14))
    stats_then, states_then = figures(org.leader, org.btc)
    assert states_then == {
        "Báo cáo chuyên đề": ReportingState.OPEN_OVERDUE,
        "Kế hoạch kiểm tra": ReportingState.DONE_ON_TIME,
    }

    today.set(D(2026, 3, 18))
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=late.pk))
    done = Task.objects.get(pk=late.pk)
    assert (done.completed_on, done.approved_on) == (D(2026, 3, 12), D(2026, 3, 18))

    today.set(D(2026, 3, 20))
    stats_later, states_later = figures(org.leader, org.btc)
    assert states_later == states_then
    assert stats_later == stats_then
    assert (stats_later.done_on_time, stats_later.open_overdue) == (1, 1)
    # Seen on a day after the approval, it is done (submitted in time: on time).
    assert task_stats(user=org.leader, unit_id=org.btc.pk, start=Q1_START, end=Q1_END, as_of=D(2026, 3, 20)) != (
        stats_then
    )


@pytest.mark.django_db
def test_an_extension_granted_after_the_cut_off_does_not_change_the_quarter(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    """Asked in time (10/03) for a 13/03 deadline, granted on 16/03: the quarter I report (cut-off 14/03) keeps the
    task in the quarter, open and overdue, before and after the decision."""
    from sauro.tasks.services import extension_request_decide

    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Đề án nhân sự", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 10))
    request = extension_request_create(
        acting_user=org.btc_head, task=task, new_due_date=D(2026, 4, 30), reason="Chờ ý kiến các ban"
    )
    today.set(D(2026, 3, 14))
    before = figures(org.leader, org.btc)
    today.set(D(2026, 3, 16))
    extension_request_decide(acting_user=org.leader, request=request, approve=True)
    today.set(D(2026, 3, 20))
    assert figures(org.leader, org.btc) == before
    assert before[1] == {"Đề án nhân sự": ReportingState.OPEN_OVERDUE}


@pytest.mark.django_db
def test_an_extension_is_not_asked_after_the_deadline(org: Any, make_draft: Callable[..., Task], today: Any) -> None:
    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Tổng kết chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 16))  # Monday after the Friday deadline
    with pytest.raises(ValidationFailed) as refused:
        extension_request_create(
            acting_user=org.btc_head, task=task, new_due_date=D(2026, 4, 30), reason="Chưa kịp hoàn thành"
        )
    assert refused.value.code == "extension_too_late"
    assert "đã quá hạn" in str(refused.value)
    response = post(
        api_client(org.btc_head),
        f"/api/v1/tasks/{task.pk}/extension-requests",
        {"new_due_date": "2026-04-30", "reason": "Chưa kịp hoàn thành"},
    )
    body = assert_error(response, 422, "extension_too_late")
    assert "không thể đề nghị gia hạn" in body["message"]
    assert "new_due_date" in body["fields"]
    assert not ExtensionRequest.objects.filter(task=task).exists()
    # On the deadline itself it may still be asked.
    today.set(D(2026, 3, 2))
    other = issue_accepted(org, make_draft, title="Sơ kết chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 13))
    assert extension_request_create(
        acting_user=org.btc_head, task=other, new_due_date=D(2026, 4, 30), reason="Chờ số liệu"
    ).pk


@pytest.mark.django_db
def test_an_extension_pending_when_the_task_is_done_is_moot(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    """Done against its deadline, the task's deadline no longer moves: the pending request is closed."""
    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Báo cáo nhanh", due_date=D(2026, 3, 13))
    request = extension_request_create(
        acting_user=org.btc_head, task=task, new_due_date=D(2026, 4, 30), reason="Chờ số liệu"
    )
    today.set(D(2026, 3, 12))
    task_submit(acting_user=org.btc_head, task=task, product_note="Báo cáo")
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))
    request.refresh_from_db()
    assert (request.state, request.decision_note) == (RequestState.REJECTED, ERR_DONE_BEFORE_DECISION)


@pytest.mark.django_db
def test_the_overdue_list_shows_the_progress_of_the_cut_off(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    """Overdue on 14/03 at 40%, finished on 24/03: the quarter I report made on 25/03 lists it at 40%."""
    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Rà soát quy chế", due_date=D(2026, 3, 10))
    today.set(D(2026, 3, 6))
    progress_update_create(acting_user=org.btc_head, task=task, done="Đã dự thảo", percent=40)
    today.set(D(2026, 3, 20))
    progress_update_create(acting_user=org.btc_head, task=Task.objects.get(pk=task.pk), done="Hoàn chỉnh", percent=90)
    today.set(D(2026, 3, 24))
    task_submit(acting_user=org.btc_head, task=Task.objects.get(pk=task.pk), product_note="Quy chế")
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))

    today.set(D(2026, 3, 25))
    data = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q1")
    assert [(t.title, t.progress) for t in data.overdue] == [("Rà soát quy chế", 40)]
    assert data.as_of == Q1_END
    [row] = [r for r in quarterly.appendix_overdue_rows(data)[0] if isinstance(r, list)]
    assert row[4] == 40
    # The dashboard's overdue list of that day: the same task.
    assert [t.pk for t in overdue_tasks(user=org.leader, unit_id=org.btc.pk, as_of=Q1_END)] == [task.pk]


@pytest.mark.django_db
def test_a_report_dated_by_the_user(org: Any, make_draft: Callable[..., Task], today: Any) -> None:
    """The report's date is its data cut-off when earlier than the quarter's end; it says so."""
    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Báo cáo chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 20))
    early = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q1", as_of=D(2026, 3, 12))
    assert early.as_of == D(2026, 3, 12)
    assert (early.stats.open_on_time, early.stats.open_overdue) == (1, 0)
    late = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q1", as_of=D(2026, 3, 20))
    assert late.as_of == Q1_END
    assert (late.stats.open_on_time, late.stats.open_overdue) == (0, 1)
    sheet = load_workbook(io.BytesIO(quarterly.render_xlsx(early))).worksheets[0]
    assert any("số liệu tính đến ngày 12/03/2026" in str(c.value) for row in sheet.iter_rows() for c in row)
    assert [t.pk for t in early.next_tasks + late.overdue] == [task.pk]


@pytest.mark.django_db
def test_the_report_form_takes_its_date(org: Any, make_draft: Callable[..., Task], today: Any, client: Any) -> None:
    today.set(D(2026, 3, 2))
    issue_accepted(org, make_draft, title="Báo cáo chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 20))
    client.force_login(org.leader)
    page = client.get("/bao-cao/")
    assert "Ngày lập báo cáo" in page.content.decode()
    response = client.get(
        "/bao-cao/so-ket-quy/", {"unit": org.btc.pk, "quarter": "2026Q1", "format": "xlsx", "as_of": "12/03/2026"}
    )
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert any("số liệu tính đến ngày 12/03/2026" in str(c.value) for row in sheet.iter_rows() for c in row)


@pytest.mark.django_db
def test_the_date_line_is_the_day_the_user_dated_the_report(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    today.set(D(2026, 3, 2))
    issue_accepted(org, make_draft, title="Báo cáo chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 20))
    document = Document(
        io.BytesIO(quarterly.quarterly_docx(user=org.leader, unit=org.btc, quarter="2026Q1", as_of=D(2026, 3, 12)))
    )
    header = document.tables[0].rows[0].cells[1]
    assert [p.text for p in header.paragraphs if "ngày" in p.text] == ["Huế, ngày 12 tháng 3 năm 2026"]
    undated = Document(io.BytesIO(quarterly.quarterly_docx(user=org.leader, unit=org.btc, quarter="2026Q1")))
    header = undated.tables[0].rows[0].cells[1]
    assert [p.text for p in header.paragraphs if "ngày" in p.text] == ["Huế, ngày 20 tháng 3 năm 2026"]


@pytest.mark.django_db
def test_a_report_is_not_dated_after_today(org: Any, client: Any, today: Any) -> None:
    today.set(D(2026, 3, 20))
    client.force_login(org.leader)
    response = client.get(
        "/bao-cao/so-ket-quy/", {"unit": org.btc.pk, "quarter": "2026Q1", "format": "docx", "as_of": "21/03/2026"}
    )
    assert response.status_code == 400
    assert "Ngày lập báo cáo không được sau hôm nay (20/03/2026)." in response.content.decode()


@pytest.mark.django_db
def test_an_obstacle_answered_after_the_cut_off_stays_open_in_the_report(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    """Raised before the quarter, open on its cut-off (14/03), answered on 16/03: the report made on 14/03 and the one
    made on 20/03 list the same difficulties and the same proposals still open."""
    today.set(D(2025, 12, 1))
    task = issue_accepted(org, make_draft, title="Rà soát quy chế", due_date=D(2026, 3, 10))
    today.set(D(2025, 12, 10))
    obstacle = obstacle_create(
        acting_user=org.btc_head,
        task=task,
        description="Chưa có hướng dẫn.",
        proposal="Đề nghị hướng dẫn.",
        decider_unit_id=org.standing.pk,
    )

    def made() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        lists = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q1")
        docx = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q1", limit=30, lists=False)
        return (
            [(o.task_title, o.state) for o in lists.obstacles],
            [(o.task_title, o.state) for o in docx.open_proposals],
        )

    today.set(D(2026, 3, 14))
    then = made()
    assert then == ([("Rà soát quy chế", ObstacleState.OPEN)], [("Rà soát quy chế", ObstacleState.OPEN)])
    today.set(D(2026, 3, 16))
    obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Áp dụng tạm tiêu chuẩn hiện hành.")
    today.set(D(2026, 3, 20))
    assert made() == then


# --- point 2: which tasks belong to a period ---------------------------------------------------------------------

Q2_START, Q2_END = D(2026, 3, 15), D(2026, 6, 14)


def done(org: Any, task: Task, today: Any, day: datetime.date) -> None:
    today.set(day)
    task_submit(acting_user=org.btc_head, task=Task.objects.get(pk=task.pk), product_note="Sản phẩm")
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))


@pytest.mark.django_db
def test_a_task_overdue_from_an_earlier_quarter_is_carried_over_apart(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    today.set(D(2026, 3, 2))
    issue_accepted(org, make_draft, title="Quy chế làm việc", due_date=D(2026, 3, 10))
    done_in_q2 = issue_accepted(org, make_draft, title="Đề án đào tạo", due_date=D(2026, 3, 10))
    done_in_q1 = issue_accepted(org, make_draft, title="Kế hoạch tập huấn", due_date=D(2026, 3, 10))
    done(org, done_in_q1, today, D(2026, 3, 12))
    done(org, done_in_q2, today, D(2026, 4, 20))

    today.set(D(2026, 6, 20))
    q1 = task_stats(user=org.leader, unit_id=org.btc.pk, start=Q1_START, end=Q1_END, as_of=Q1_END)
    assert (q1.total, q1.done_late, q1.open_overdue, q1.carried.total) == (3, 1, 2, 0)

    q2_tasks = period_tasks(user=org.leader, unit_id=org.btc.pk, start=Q2_START, end=Q2_END, as_of=Q2_END)
    got = {t.title: (t.period_part, t.reporting_state) for t in q2_tasks}  # type: ignore[attr-defined]
    assert got == {
        "Quy chế làm việc": ("carried", ReportingState.OPEN_OVERDUE),
        "Đề án đào tạo": ("carried", ReportingState.DONE_LATE),
    }
    q2 = task_stats(user=org.leader, unit_id=org.btc.pk, start=Q2_START, end=Q2_END, as_of=Q2_END)
    assert (q2.total, q2.done_late, q2.open_overdue) == (2, 1, 1)
    assert (q2.carried.total, q2.carried.done_late, q2.carried.open_overdue) == (2, 1, 1)

    # The report shows them apart, under the total of its table by unit.
    data = quarterly.collect(user=org.leader, unit=org.btc, quarter="2026Q2")
    assert data.stats == q2
    rows = [r for r in quarterly.appendix_summary_rows(data) if isinstance(r, list)]
    assert rows[-1][1] == quarterly.CARRIED_LABEL and rows[-1][2:7] == [2, 0, 1, 0, 1]
    sheet = load_workbook(io.BytesIO(quarterly.render_xlsx(data)))["Tổng hợp theo đơn vị"]
    assert quarterly.CARRIED_LABEL in [row[1] for row in sheet.iter_rows(values_only=True)]
    # The dashboard's figure links to the same tasks (the list's period filter).
    from sauro.tasks.selectors import TaskFilters, task_list

    listed = task_list(user=org.leader, filters=TaskFilters(period_start=Q2_START, period_end=Q2_END, as_of=Q2_END))
    assert {t.pk for t in listed if t.reporting_state} == {t.pk for t in q2_tasks}  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_open_on_time_counts_the_open_tasks_not_yet_due(org: Any, make_draft: Callable[..., Task], today: Any) -> None:
    """Due after the quarter and not done before it began: "chưa hoàn thành – trong hạn" while open at the cut-off,
    "hoàn thành đúng hạn" once done by it, whichever quarter it was issued in; a task done before the quarter began is
    not in it."""
    today.set(D(2026, 3, 2))
    issue_accepted(org, make_draft, title="Tổng kết nhiệm kỳ", due_date=D(2026, 9, 30))
    early = issue_accepted(org, make_draft, title="Đề án vị trí việc làm", due_date=D(2026, 9, 30))
    quick = issue_accepted(org, make_draft, title="Báo cáo nhanh chuyên đề", due_date=D(2026, 9, 30))
    done(org, quick, today, D(2026, 3, 10))
    today.set(D(2026, 3, 20))
    issue_accepted(org, make_draft, title="Sổ tay công tác", due_date=D(2026, 10, 30))
    done(org, early, today, D(2026, 6, 1))

    today.set(D(2026, 6, 20))
    q1 = {
        t.title: t.reporting_state  # type: ignore[attr-defined]
        for t in period_tasks(user=org.leader, unit_id=org.btc.pk, start=Q1_START, end=Q1_END, as_of=Q1_END)
    }
    assert q1 == {
        "Tổng kết nhiệm kỳ": ReportingState.OPEN_ON_TIME,
        "Đề án vị trí việc làm": ReportingState.OPEN_ON_TIME,
        "Báo cáo nhanh chuyên đề": ReportingState.DONE_ON_TIME,
    }
    q2 = {
        t.title: t.reporting_state  # type: ignore[attr-defined]
        for t in period_tasks(user=org.leader, unit_id=org.btc.pk, start=Q2_START, end=Q2_END, as_of=Q2_END)
    }
    # Issued in quarter I and still open at quarter II's cut-off: counted in quarter II too (it did not drop out).
    assert q2 == {
        "Tổng kết nhiệm kỳ": ReportingState.OPEN_ON_TIME,
        "Đề án vị trí việc làm": ReportingState.DONE_ON_TIME,
        "Sổ tay công tác": ReportingState.OPEN_ON_TIME,
    }
    stats_q1 = task_stats(user=org.leader, unit_id=org.btc.pk, start=Q1_START, end=Q1_END, as_of=Q1_END)
    assert (stats_q1.total, stats_q1.open_on_time) == (3, 2)
    # Quarter II seen on 31/05, before "Đề án" was done: the three are open and on time.
    early_q2 = task_stats(user=org.leader, unit_id=org.btc.pk, start=Q2_START, end=Q2_END, as_of=D(2026, 5, 31))
    assert (early_q2.total, early_q2.open_on_time) == (3, 3)


@pytest.mark.django_db
def test_the_extension_form_says_why_a_late_request_is_refused(
    org: Any, make_draft: Callable[..., Task], today: Any, client: Any
) -> None:
    from django.urls import reverse

    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Tổng kết chuyên đề", due_date=D(2026, 3, 13))
    today.set(D(2026, 3, 16))
    client.force_login(org.btc_head)
    response = client.post(
        reverse("tasks:request_extension", args=[task.pk]),
        {"request_extension-new_due_date": "2026-04-30", "request_extension-reason": "Chưa kịp hoàn thành"},
    )
    assert response.status_code == 422
    assert "không thể đề nghị gia hạn sau khi đã quá hạn" in response.content.decode()
    assert not ExtensionRequest.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_the_migration_fills_the_approval_day_in_local_days(
    org: Any, make_draft: Callable[..., Task], today: Any
) -> None:
    """A decision at 20:00 UTC on 17/03 is on 18/03 in Huế: the task done before the column existed gets 18/03."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from sauro.tasks.models import Submission

    migration = importlib.import_module("sauro.tasks.migrations.0010_done_month_by_approval")
    today.set(D(2026, 3, 2))
    task = issue_accepted(org, make_draft, title="Báo cáo chuyên đề", due_date=D(2026, 3, 13))
    done(org, task, today, D(2026, 3, 12))
    late_evening = timezone.make_aware(datetime.datetime(2026, 3, 17, 20, 0), datetime.UTC)
    Submission.objects.filter(task=task).update(decided_at=late_evening)
    Task.objects.filter(pk=task.pk).update(approved_on=None)
    migration.backfill_approved_on(apps, None)
    assert Task.objects.get(pk=task.pk).approved_on == D(2026, 3, 18)
