"""Services of monitoring (PRODUCT §6–§7): every rule of obstacles (proposal and description mandatory, the body
asked at or above the lead unit, the response date in working days, who may answer, escalation), of progress
updates (who, when, percent, indicators, what they change on the task, the roll-up) and of delivery confidence."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.monitoring import services
from sauro.monitoring.choices import EscalationLevel, ObstacleState, ReminderKind
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate, ReminderLog
from sauro.tasks import services as task_services
from sauro.tasks.choices import EventKind, TaskState
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.selectors import task_rollup_progress
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, complete_fields

D = datetime.timedelta
MakeTask = Callable[..., Task]


def raise_obstacle(org: Org, task: Task, **overrides: Any) -> Obstacle:
    values: dict[str, Any] = {
        "acting_user": org.btc_officer,
        "task": task,
        "description": "Một số đơn vị chưa gửi danh sách quy hoạch",
        "proposal": "Đề nghị Thường trực Thành ủy có văn bản đôn đốc",
        "decider_unit_id": org.btc.pk,
    }
    values.update(overrides)
    return services.obstacle_create(**values)


def refused(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return exc.value.fields


# --- obstacles: what a report must hold -------------------------------------------------------------------------


@pytest.mark.parametrize("proposal", ["", "   \n\t", None])
def test_an_obstacle_without_a_proposal_is_refused(org: Org, in_progress: MakeTask, proposal: str | None) -> None:
    task = in_progress()
    with pytest.raises(ValidationFailed) as exc:
        raise_obstacle(org, task, proposal=proposal)
    assert exc.value.message == services.ERR_PROPOSAL_REQUIRED
    assert refused(exc) == {"proposal": services.ERR_PROPOSAL_REQUIRED}
    assert not Obstacle.objects.exists()
    assert not TaskEvent.objects.filter(kind=EventKind.OBSTACLE_RAISED).exists()


def test_an_obstacle_without_a_description_is_refused_and_every_gap_is_named(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    with pytest.raises(ValidationFailed) as exc:
        raise_obstacle(org, task, description=" ")
    assert refused(exc) == {"description": services.ERR_DESCRIPTION_REQUIRED}
    with pytest.raises(ValidationFailed) as exc:
        raise_obstacle(org, task, description="", proposal="", decider_unit_id=None)
    # The proposal is the rule the conclusion insists on: its message is the one shown first.
    assert exc.value.message == services.ERR_PROPOSAL_REQUIRED
    assert refused(exc) == {
        "description": services.ERR_DESCRIPTION_REQUIRED,
        "proposal": services.ERR_PROPOSAL_REQUIRED,
        "decider_unit_id": services.ERR_DECIDER_REQUIRED,
    }


def test_the_body_asked_is_the_lead_unit_or_above_including_the_standing_body(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    for unit in (org.btc, org.city, org.standing):
        obstacle = raise_obstacle(org, task, decider_unit_id=unit.pk)
        assert (obstacle.decider_unit_id, obstacle.waiting_on_id) == (unit.pk, unit.pk)
    # Below the lead unit (its department), beside it (another agency, a ward) or no unit at all: refused.
    for unit_id in (org.btc_dept.pk, org.office.pk, org.phuxuan.pk, 10**9):
        with pytest.raises(ValidationFailed) as exc:
            raise_obstacle(org, task, decider_unit_id=unit_id)
        assert refused(exc) == {"decider_unit_id": services.ERR_DECIDER_BELOW}
    with pytest.raises(ValidationFailed) as exc:
        raise_obstacle(org, task, decider_unit_id=None)
    assert refused(exc) == {"decider_unit_id": services.ERR_DECIDER_REQUIRED}
    assert Obstacle.objects.count() == 3


def test_only_the_people_working_on_an_open_task_raise_obstacles(
    org: Org, in_progress: MakeTask, make_draft: MakeTask
) -> None:
    task = in_progress()
    for outsider in (org.monitor, org.leader, org.ancuu_officer, org.phuxuan_head):
        with pytest.raises(PermissionDeniedError):
            raise_obstacle(org, task, acting_user=outsider)
    for worker in (org.btc_officer, org.btc_head):
        raise_obstacle(org, task, acting_user=worker)
    # From the moment it is issued, before it is accepted: the lead unit's head says what stands in the way.
    issued = task_services.task_issue(acting_user=org.monitor, task=make_draft())
    for outsider in (org.monitor, org.leader, org.ancuu_officer):
        with pytest.raises(PermissionDeniedError):
            raise_obstacle(org, issued, acting_user=outsider)
    obstacle = raise_obstacle(org, issued, acting_user=org.btc_head)
    issued.refresh_from_db()
    assert (issued.state, obstacle.task_id, obstacle.lead_unit_id) == (TaskState.ISSUED, issued.pk, org.btc.pk)
    # Not once the product is sent, nor on a draft.
    task_services.task_submit(acting_user=org.btc_head, task=task, product_note="Báo cáo")
    for closed in (task, make_draft()):
        with pytest.raises(Conflict) as exc:
            raise_obstacle(org, closed, acting_user=org.btc_head)
        assert (exc.value.code, exc.value.message) == ("wrong_state", services.ERR_NOT_OPEN_FOR_OBSTACLE)


def test_an_obstacle_is_recorded_on_the_timeline_with_its_proposal(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, description="  Thiếu số liệu  ", decider_unit_id=org.standing.pk)
    assert obstacle.description == "Thiếu số liệu"
    assert (obstacle.state, obstacle.escalation_level) == (ObstacleState.OPEN, EscalationLevel.DECIDER)
    assert (obstacle.raised_on, obstacle.lead_unit_id, obstacle.raised_by_id) == (TODAY, org.btc.pk, org.btc_officer.pk)
    event = TaskEvent.objects.get(task=task, kind=EventKind.OBSTACLE_RAISED)
    assert event.data["obstacle_id"] == obstacle.pk
    assert event.data["proposal"] == obstacle.proposal
    assert event.actor_id == org.btc_officer.pk


# --- obstacles: the response date -------------------------------------------------------------------------------


def test_the_response_date_counts_working_days_from_the_setting(
    org: Org, today: Clock, in_progress: MakeTask, settings: Any
) -> None:
    task = in_progress()
    # Default: 5 working days from Monday 2 March 2026 → Monday 9 March.
    assert raise_obstacle(org, task).response_due_on == datetime.date(2026, 3, 9)
    settings.SAURO_OBSTACLE_RESPONSE_DAYS = 3
    assert raise_obstacle(org, task).response_due_on == datetime.date(2026, 3, 5)
    # Raised on a Saturday: counted from the next working day (Monday 9 March) → Thursday 12 March.
    today.set(datetime.date(2026, 3, 7))
    assert raise_obstacle(org, task).response_due_on == datetime.date(2026, 3, 12)


def test_the_response_date_skips_public_holidays(org: Org, today: Clock, in_progress: MakeTask, settings: Any) -> None:
    task = in_progress(due_date=datetime.date(2026, 6, 30))
    settings.SAURO_OBSTACLE_RESPONSE_DAYS = 3
    # Tuesday 28 April 2026: Wednesday 29 counts; 30/4, 1/5 and the weekend do not; then Monday 4 and Tuesday 5 May.
    today.set(datetime.date(2026, 4, 28))
    assert raise_obstacle(org, task).response_due_on == datetime.date(2026, 5, 5)


# --- obstacles: who answers -------------------------------------------------------------------------------------


def test_the_standing_body_and_the_unit_asked_answer_another_agency_does_not(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    first = raise_obstacle(org, task)
    for outsider in (org.phuxuan_head, org.ancuu_head, org.btc_officer, org.monitor, org.inspector):
        with pytest.raises(PermissionDeniedError) as exc:
            services.obstacle_answer(acting_user=outsider, obstacle=first, answer="Đồng ý")
        assert exc.value.message == services.ERR_NOT_ANSWERER
    answered = services.obstacle_answer(acting_user=org.leader, obstacle=first, answer="  Đồng ý với đề xuất  ")
    assert (answered.state, answered.answer) == (ObstacleState.ANSWERED, "Đồng ý với đề xuất")
    assert (answered.answered_by_id, answered.answered_on) == (org.leader.pk, TODAY)
    assert TaskEvent.objects.filter(task=task, kind=EventKind.OBSTACLE_ANSWERED).count() == 1
    # The head of the unit asked answers what was addressed to it.
    second = raise_obstacle(org, task)
    assert services.obstacle_answer(acting_user=org.btc_head, obstacle=second, answer="Đã chỉ đạo").is_open is False


def test_an_answer_is_given_once_and_is_not_blank(org: Org, in_progress: MakeTask) -> None:
    obstacle = raise_obstacle(org, in_progress())
    with pytest.raises(ValidationFailed) as exc:
        services.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="  ")
    assert exc.value.fields == {"answer": services.ERR_ANSWER_REQUIRED}
    services.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Đồng ý")
    with pytest.raises(Conflict) as conflict:
        services.obstacle_answer(acting_user=org.btc_head, obstacle=obstacle, answer="Lần nữa")
    assert conflict.value.code == "obstacle_answered"
    obstacle.refresh_from_db()
    assert (obstacle.answer, obstacle.answered_by_id) == ("Đồng ý", org.leader.pk)


def test_the_monitoring_office_records_an_answer_only_once_the_obstacle_reached_it(
    org: Org, in_progress: MakeTask
) -> None:
    obstacle = raise_obstacle(org, in_progress())
    with pytest.raises(PermissionDeniedError):
        services.obstacle_answer(acting_user=org.monitor, obstacle=obstacle, answer="Đề nghị đơn vị chủ động")
    first = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=obstacle.response_due_on + D(days=1))
    assert first is not None and first.escalation_level == EscalationLevel.ONE_UP
    with pytest.raises(PermissionDeniedError):
        services.obstacle_answer(acting_user=org.monitor, obstacle=first, answer="Đề nghị đơn vị chủ động")
    second = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=first.response_due_on + D(days=1))
    assert second is not None and second.waiting_on_id == org.office.pk
    answered = services.obstacle_answer(acting_user=org.monitor, obstacle=second, answer="Thường trực đã cho ý kiến")
    assert answered.answered_by_id == org.monitor.pk


# --- obstacles: escalation --------------------------------------------------------------------------------------


def test_an_unanswered_obstacle_climbs_one_level_then_to_the_office_once_a_day(org: Org, in_progress: MakeTask) -> None:
    obstacle = raise_obstacle(org, in_progress())  # asked: Ban Tổ chức; due Monday 9 March
    assert services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=obstacle.response_due_on) is None
    day = obstacle.response_due_on + D(days=1)  # Tuesday 10 March
    moved = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=day)
    assert moved is not None
    assert (moved.escalation_level, moved.waiting_on_id, moved.escalated_on) == (
        EscalationLevel.ONE_UP,
        org.city.pk,
        day,
    )
    assert moved.response_due_on == datetime.date(2026, 3, 17)  # 5 working days after Tuesday 10 March
    # The same day again: nothing more (idempotent, whoever runs the pass).
    assert services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=day) is None
    assert (
        ReminderLog.objects.filter(kind=ReminderKind.OBSTACLE_ESCALATION, subject=f"obstacle:{obstacle.pk}").count()
        == 1
    )
    top = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=datetime.date(2026, 3, 18))
    assert top is not None
    assert (top.escalation_level, top.waiting_on_id) == (EscalationLevel.OFFICE, org.office.pk)
    assert top.decider_unit_id == org.btc.pk  # the body asked is kept
    # At the top: it stays with the office.
    assert services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=datetime.date(2026, 4, 30)) is None
    events = TaskEvent.objects.filter(task=obstacle.task, kind=EventKind.OBSTACLE_ESCALATED).order_by("id")
    assert [e.data["level"] for e in events] == [EscalationLevel.ONE_UP, EscalationLevel.OFFICE]
    assert all(e.actor_id is None for e in events)


def test_an_obstacle_put_to_the_standing_body_goes_straight_to_the_office(org: Org, in_progress: MakeTask) -> None:
    # Thường trực acts for the committee: "one level up" would put it to the same leaders again.
    obstacle = raise_obstacle(org, in_progress(), decider_unit_id=org.standing.pk)
    moved = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=obstacle.response_due_on + D(days=1))
    assert moved is not None
    assert (moved.escalation_level, moved.waiting_on_id) == (EscalationLevel.OFFICE, org.office.pk)


def test_an_answered_obstacle_does_not_escalate(org: Org, in_progress: MakeTask) -> None:
    obstacle = raise_obstacle(org, in_progress())
    services.obstacle_answer(acting_user=org.btc_head, obstacle=obstacle, answer="Đồng ý")
    assert services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=datetime.date(2026, 5, 1)) is None


# --- progress updates -------------------------------------------------------------------------------------------


def update(org: Org, task: Task, **overrides: Any) -> ProgressUpdate:
    values: dict[str, Any] = {
        "acting_user": org.btc_officer,
        "task": task,
        "done": "Đã tổng hợp danh sách của 12/20 đơn vị",
        "percent": 60,
    }
    values.update(overrides)
    return services.progress_update_create(**values)


@pytest.mark.parametrize("percent", [-1, 101, 1000, True, 50.5, "50"])
def test_percent_is_a_whole_number_from_0_to_100(org: Org, in_progress: MakeTask, percent: Any) -> None:
    task = in_progress()
    with pytest.raises(ValidationFailed) as exc:
        update(org, task, percent=percent)
    assert exc.value.fields == {"percent": services.ERR_PERCENT}
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_bounds_are_accepted(org: Org, in_progress: MakeTask, percent: int) -> None:
    assert update(org, in_progress(), percent=percent).percent == percent


def test_what_was_done_is_required(org: Org, in_progress: MakeTask) -> None:
    with pytest.raises(ValidationFailed) as exc:
        update(org, in_progress(), done="  ")
    assert exc.value.fields == {"done": services.ERR_DONE_REQUIRED}


def test_indicators_need_a_name_and_a_value_empty_rows_are_dropped(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    saved = update(
        org,
        task,
        indicators=[
            {"name": " Số đơn vị đã gửi ", "value": 12, "unit": "đơn vị"},
            {"name": "", "value": "", "unit": ""},
            {"name": "Tỷ lệ", "value": "60"},
        ],
    )
    assert saved.indicators == [
        {"name": "Số đơn vị đã gửi", "value": "12", "unit": "đơn vị"},
        {"name": "Tỷ lệ", "value": "60", "unit": ""},
    ]
    for bad in ({"name": "Số đơn vị", "value": ""}, {"name": "", "value": "12"}, {"unit": "người", "value": None}):
        with pytest.raises(ValidationFailed) as exc:
            update(org, task, indicators=[bad])
        assert exc.value.fields == {"indicators": services.ERR_INDICATOR}
    with pytest.raises(ValidationFailed) as exc:
        update(org, task, indicators=[{"name": f"Chỉ tiêu {i}", "value": str(i)} for i in range(21)])
    assert exc.value.fields == {"indicators": services.ERR_TOO_MANY_INDICATORS}


def test_a_progress_update_sets_the_task_progress_last_update_and_the_timeline(
    org: Org, today: Clock, in_progress: MakeTask
) -> None:
    task = in_progress()
    version = Task.objects.get(pk=task.pk).version
    today.set(TODAY + D(days=3))
    saved = update(org, task, percent=40, next_steps="Trình Thường trực", indicators=[])
    assert (saved.recorded_on, saved.unit_id, saved.author_id, saved.next_steps) == (
        TODAY + D(days=3),
        org.btc.pk,
        org.btc_officer.pk,
        "Trình Thường trực",
    )
    task.refresh_from_db()
    assert (task.progress, task.last_update_on, task.version) == (40, TODAY + D(days=3), version + 1)
    event = TaskEvent.objects.get(task=task, kind=EventKind.PROGRESS)
    assert event.data == {"update_id": saved.pk, "percent": 40, "previous_percent": 0}
    assert event.note == saved.done
    update(org, task, percent=70, acting_user=org.btc_head)
    task.refresh_from_db()
    assert task.progress == 70
    assert TaskEvent.objects.filter(task=task, kind=EventKind.PROGRESS).latest("id").data["previous_percent"] == 40


def test_only_workers_update_and_only_while_under_way(org: Org, in_progress: MakeTask, make_draft: MakeTask) -> None:
    task = in_progress()
    for outsider in (org.monitor, org.leader, org.ancuu_officer):
        with pytest.raises(PermissionDeniedError):
            update(org, task, acting_user=outsider)
    issued = task_services.task_issue(acting_user=org.monitor, task=make_draft())
    with pytest.raises(Conflict):
        update(org, issued, acting_user=org.btc_head)
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    with pytest.raises(Conflict):
        update(org, task)
    # A returned product is work under way again.
    task_services.task_return(acting_user=org.leader, task=task, reason="Bổ sung số liệu")
    assert update(org, task, percent=80).percent == 80


def test_a_sub_task_progress_rolls_up_to_its_parent(org: Org, in_progress: MakeTask) -> None:
    parent = in_progress()

    def sub_task(title: str) -> Task:
        fields = complete_fields(
            org,
            title=title,
            lead_unit=org.btc.pk,
            responsible_person=org.btc_officer.pk,
            coordinating_units=[],
            authority_unit=org.btc.pk,
            supervising_leader=None,
        )
        child = task_services.task_create(acting_user=org.btc_head, owner_unit=org.btc, parent=parent, fields=fields)
        task_services.task_issue(acting_user=org.btc_head, task=child)
        return task_services.task_accept(acting_user=org.btc_head, task=child)

    first, second = sub_task("Tổng hợp danh sách"), sub_task("Dự thảo báo cáo")
    assert task_rollup_progress(task=parent) == 0
    update(org, first, percent=50)
    assert task_rollup_progress(task=parent) == 25
    update(org, second, percent=100)
    assert task_rollup_progress(task=parent) == 75
    assert Task.objects.get(pk=parent.pk).progress == 0  # the parent's own figure is not overwritten


# --- delivery confidence ----------------------------------------------------------------------------------------


def test_only_the_monitoring_office_rates_confidence(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    for other in (org.leader, org.btc_head, org.btc_officer, org.inspector, org.ancuu_head):
        with pytest.raises(PermissionDeniedError) as exc:
            services.confidence_rate(acting_user=other, task=task, level="green")
        assert exc.value.message == services.ERR_NOT_MONITOR
    assert not ConfidenceRating.objects.exists()
    assert services.confidence_rate(acting_user=org.monitor, task=task, level="green").rated_by_id == org.monitor.pk


def test_the_trend_follows_the_previous_rating_and_the_history_is_kept(
    org: Org, today: Clock, in_progress: MakeTask
) -> None:
    task = in_progress()
    first = services.confidence_rate(acting_user=org.monitor, task=task, level="green_amber", note=" Đúng kế hoạch ")
    assert (first.trend, first.note) == ("stable", "Đúng kế hoạch")
    today.set(TODAY + D(days=7))
    worse = services.confidence_rate(acting_user=org.monitor, task=task, level="amber_red")
    assert worse.trend == "worsening"
    same = services.confidence_rate(acting_user=org.monitor, task=task, level="amber_red")
    assert same.trend == "stable"
    better = services.confidence_rate(acting_user=org.monitor, task=task, level="green")
    assert better.trend == "improving"
    told = services.confidence_rate(acting_user=org.monitor, task=task, level="green", trend="worsening")
    assert told.trend == "worsening"  # the office may say so itself
    assert ConfidenceRating.objects.filter(task=task).count() == 5
    task.refresh_from_db()
    assert (task.confidence, task.confidence_trend, task.confidence_on) == ("green", "worsening", TODAY + D(days=7))
    events = TaskEvent.objects.filter(task=task, kind=EventKind.CONFIDENCE_RATED).order_by("id")
    assert [e.data["previous"] for e in events] == ["", "green_amber", "amber_red", "amber_red", "green"]


def test_confidence_refuses_an_unknown_level_or_trend_and_a_finished_task(
    org: Org, in_progress: MakeTask, make_draft: MakeTask
) -> None:
    task = in_progress()
    with pytest.raises(ValidationFailed) as exc:
        services.confidence_rate(acting_user=org.monitor, task=task, level="purple")
    assert exc.value.fields == {"level": services.ERR_LEVEL}
    with pytest.raises(ValidationFailed) as exc:
        services.confidence_rate(acting_user=org.monitor, task=task, level="red", trend="sideways")
    assert exc.value.fields == {"trend": services.ERR_TREND}
    with pytest.raises(Conflict):
        services.confidence_rate(acting_user=org.monitor, task=make_draft(), level="red")
    task_services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo")
    assert services.confidence_rate(acting_user=org.monitor, task=task, level="green").level == "green"
    task_services.task_approve(acting_user=org.leader, task=task)
    with pytest.raises(Conflict):
        services.confidence_rate(acting_user=org.monitor, task=task, level="green")
    assert Task.objects.get(pk=task.pk).state == TaskState.DONE
