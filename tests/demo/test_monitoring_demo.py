"""The demo's monitoring: progress updates, obstacles with proposals (answered and open), confidence ratings, the
obstacle journey's task for ``chuyenvien.btc`` — on one load of the whole demo, rolled back afterwards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.audit.verify import audit_verify
from sauro.common import clock
from sauro.demo.loader import load_demo
from sauro.demo.monitoring import JOURNEY_OFFICER, JOURNEY_TITLE, journey_task, load_demo_monitoring
from sauro.monitoring import access
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate
from sauro.notifications.choices import NotificationKind as N
from sauro.notifications.models import Notification
from sauro.notifications.selectors import notification_bell
from sauro.tasks.access import works_on
from sauro.tasks.choices import EventKind, TaskState
from sauro.tasks.models import Task, TaskEvent

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UNDER_WAY = (TaskState.IN_PROGRESS, TaskState.RETURNED)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The whole demo loaded once for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        "tasks": Task.objects.count(),
        "events": TaskEvent.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "obstacles": Obstacle.objects.count(),
        "ratings": ConfidenceRating.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_most_tasks_under_way_have_rising_progress(demo: None, db: None) -> None:
    # The tasks demo's: the monitoring demo writes nothing on the tasks made from the petitions demo's letters.
    under_way = Task.objects.filter(state__in=UNDER_WAY, recurrence="", letter__isnull=True)
    updated = under_way.filter(progress_updates__isnull=False).distinct()
    assert under_way.count() >= 30
    assert updated.count() >= 0.7 * under_way.count()
    assert not ProgressUpdate.objects.exclude(task__state__in=UNDER_WAY).exists()
    per_task = Counter(ProgressUpdate.objects.values_list("task_id", flat=True))
    assert max(per_task.values()) <= 5 and min(per_task.values()) >= 1  # 1–4, and one after an answer
    for task in updated.prefetch_related("progress_updates"):
        updates = sorted(task.progress_updates.all(), key=lambda u: u.created_at)
        percents = [u.percent for u in updates]
        assert percents == sorted(percents) and all(0 < p < 100 for p in percents), (task.title, percents)
        assert task.progress == percents[-1]
        assert all(u.done.strip() and u.done[0].isupper() for u in updates)
    assert ProgressUpdate.objects.exclude(indicators=[]).count() >= 10


def test_updates_are_dated_between_acceptance_and_today_by_the_workers(demo: None, db: None) -> None:
    today = clock.today()
    for update in ProgressUpdate.objects.select_related("task", "author"):
        task = update.task
        assert task.accepted_on is not None and task.accepted_on < update.recorded_on < today, task.title
        assert timezone.localdate(update.created_at) == update.recorded_on
        assert works_on(update.author, task, update.recorded_on)
    # The timeline and the journal record them at the same moments.
    events = TaskEvent.objects.filter(kind=EventKind.PROGRESS)
    assert events.count() == ProgressUpdate.objects.count()
    assert all(timezone.localdate(e.at) < today for e in events)


def test_updates_speak_of_the_task(demo: None, db: None) -> None:
    texts = {u.task.title: u.done for u in ProgressUpdate.objects.select_related("task")}
    digitised = next(text for title, text in texts.items() if "Số hóa hồ sơ" in title)
    assert "hồ sơ" in digitised and "." in digitised.split("/")[-1]  # 8.036, Vietnamese grouping
    citizens = [text for title, text in texts.items() if "Tiếp công dân, giải quyết đơn thư" in title]
    assert citizens and all("đơn" in text or "ý kiến" in text for text in citizens)
    journey = journey_task()
    assert journey is not None
    assert any("12/18 đơn vị" in u.done for u in journey.progress_updates.all())


def test_obstacles_with_proposals_answered_and_open(demo: None, db: None) -> None:
    today = clock.today()
    obstacles = list(Obstacle.objects.select_related("task__lead_unit", "decider_unit", "answered_by", "raised_by"))
    # The tasks demo's: the monitoring demo writes nothing on the tasks made from the petitions demo's letters.
    under_way = Task.objects.filter(state__in=UNDER_WAY, recurrence="", letter__isnull=True).count()
    assert 4 <= len(obstacles) <= max(4, round(0.12 * under_way))
    states = Counter(o.state for o in obstacles)
    assert states[ObstacleState.ANSWERED] >= 2 and states[ObstacleState.OPEN] >= 2
    assert abs(states[ObstacleState.ANSWERED] - states[ObstacleState.OPEN]) <= 1
    open_ = [o for o in obstacles if o.state == ObstacleState.OPEN]
    assert any(o.response_due_on < today for o in open_)  # past its response date
    assert any(o.response_due_on >= today for o in open_)  # still within it
    assert len({o.description for o in obstacles}) == len(obstacles)
    for o in obstacles:
        assert len(o.proposal) > 40 and o.proposal.startswith("Đề nghị"), o.proposal
        assert o.description.strip()
        assert o.decider_unit in access.decider_choices(o.task)
        assert o.decider_unit != o.task.lead_unit
        assert o.raised_on < today and works_on(o.raised_by, o.task, o.raised_on)
        if o.state == ObstacleState.ANSWERED:
            assert o.answer.strip() and o.answered_by is not None and o.answered_on is not None
            assert o.raised_on < o.answered_on < today
        else:
            assert o.answer == "" and o.answered_by is None
    by_standing = [o for o in obstacles if o.decider_unit.code == "TTTU" and o.state == ObstacleState.ANSWERED]
    assert by_standing and all(o.answered_by.username == "pbtthuongtruc" for o in by_standing)
    # The body asked was told; the raiser was told of the answer.
    assert Notification.objects.filter(recipient__username="pbtthuongtruc", task__obstacles__isnull=False).exists()


def test_confidence_by_the_office_some_twice(demo: None, db: None) -> None:
    open_tasks = Task.objects.filter(
        state__in=(TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED), recurrence=""
    )
    rated = open_tasks.filter(confidence_ratings__isnull=False).distinct()
    assert 0.2 * open_tasks.count() <= rated.count() <= 0.45 * open_tasks.count()
    assert set(ConfidenceRating.objects.values_list("rated_by__username", flat=True)) == {"vanphong"}
    twice = rated.annotate(n=Count("confidence_ratings")).filter(n__gte=2)
    assert twice.count() >= 2
    levels = set(ConfidenceRating.objects.values_list("level", flat=True))
    assert len(levels) >= 3
    for task in rated.prefetch_related("confidence_ratings"):
        last = max(task.confidence_ratings.all(), key=lambda r: r.rated_at)
        assert (task.confidence, task.confidence_on) == (last.level, last.rated_on)
        assert all(r.note and r.rated_on < clock.today() for r in task.confidence_ratings.all())


def test_the_journey_task_for_chuyenvien_btc(demo: None, db: None) -> None:
    task = journey_task()
    assert task is not None
    assert task.title == JOURNEY_TITLE
    assert (task.state, task.lead_unit.code, task.authority_unit.code) == (TaskState.IN_PROGRESS, "BTCTU", "TTTU")
    officer = task.officers.get()
    assert officer.username == JOURNEY_OFFICER
    today = clock.today()
    assert works_on(officer, task, today)
    assert task.deadline is not None and task.deadline > today  # still within its time
    assert not task.obstacles.exists()  # the journey raises the first one
    standing = access.decider_choices(task).get(code="TTTU")
    assert standing.name == "Thường trực Thành ủy"
    assert Task.objects.filter(title=JOURNEY_TITLE).count() == 1


def test_loading_twice_adds_nothing(demo: None, db: None) -> None:
    before = counts()
    assert not load_demo().created
    again = load_demo_monitoring()
    assert not again.created and again.skipped_reason
    assert counts() == before
    assert audit_verify().ok


def test_the_demo_leaves_no_notice_whose_reason_is_gone(demo: None, db: None) -> None:
    """Issue 17: no "Sản phẩm chờ duyệt" about a decided product, no obstacle notice left open once answered, no
    call to act on a finished task; the Secretary's bell counts only what still needs them."""
    open_ = Notification.objects.filter(resolved_at__isnull=True)
    assert not open_.filter(kind=N.TASK_SUBMITTED).exclude(task__state=TaskState.SUBMITTED).exists()
    finished = open_.filter(task__state__in=[TaskState.DONE, TaskState.CANCELLED])
    assert not finished.exclude(
        kind__in=[N.TASK_APPROVED, N.TASK_CANCELLED, N.REQUEST_DECIDED, N.OBSTACLE_ANSWERED, N.CONFIDENCE]
    ).exists()
    answered = Obstacle.objects.filter(state=ObstacleState.ANSWERED).values_list("pk", flat=True)
    raised = open_.filter(kind__in=[N.OBSTACLE_RAISED, N.OBSTACLE_ESCALATED])
    assert not raised.filter(subject__in=[f"obstacle:{pk}" for pk in answered]).exists()
    assert Notification.objects.filter(resolved_at__isnull=False).exists()  # the demo did resolve some
    secretary = User.objects.get(username="bithu")
    submitted = open_.filter(recipient=secretary, kind=N.TASK_SUBMITTED, read_at__isnull=True).count()
    bell = notification_bell(user=secretary)
    assert {g.kind: g.count for g in bell.groups}.get(N.TASK_SUBMITTED, 0) == submitted
