"""``sauro bench seed``: the synthetic ten-year Huế the benchmarks run on (PostgreSQL only: it loads with COPY)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from sauro.accounts.models import User
from sauro.audit.verify import audit_verify
from sauro.bench import profile
from sauro.bench.seed import seed
from sauro.monitoring.models import Obstacle, ProgressUpdate
from sauro.org.choices import COMMITTEE_WIDE_ROLES, Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.tasks import summary
from sauro.tasks.choices import ReportingState, TaskState
from sauro.tasks.models import DoneTaskMonth, Task
from sauro.tasks.selectors import TaskFilters, task_counts, task_list

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="loads with COPY: PostgreSQL (CI runs both)"),
]
TASKS = 1500


@pytest.fixture
def seeded() -> dict[str, int]:
    return seed(tasks=TASKS, out=lambda _line: None)


def test_the_requested_number_of_tasks_with_their_history(seeded: dict[str, int]) -> None:
    assert Task.objects.count() == TASKS == seeded["tasks_task"]
    assert 240 <= Unit.objects.count() <= 280
    assert 4500 <= User.objects.count() <= 5500
    issued = Task.objects.exclude(state=TaskState.DRAFT).count()
    # ~5 progress updates per issued task, an obstacle for ~1 task in 5 (averages over a random draw).
    assert 4.0 * issued <= ProgressUpdate.objects.count() <= 6.0 * issued
    assert 0.12 * TASKS <= Obstacle.objects.count() <= 0.28 * TASKS
    assert Task.objects.filter(parent__isnull=False).count() > TASKS / 3  # sub-tasks
    # Every task's progress updates are its lead unit's, and every issued task has an audit entry in a valid chain.
    assert not ProgressUpdate.objects.exclude(unit_id=F("task__lead_unit")).exists()
    result = audit_verify()
    assert result.ok and result.checked == issued


def test_the_accounts_the_benchmarks_log_in_with(seeded: dict[str, int]) -> None:
    leader = User.objects.get(username=profile.LEADER_USERNAME)
    assert leader.check_password(profile.PASSWORD)
    assert not leader.is_superuser and not leader.is_staff
    roles = set(Membership.objects.filter(person=leader).values_list("role", flat=True))
    assert roles & COMMITTEE_WIDE_ROLES and Role.ADMIN not in roles
    focus = Unit.objects.get(code=profile.FOCUS_UNIT_CODE)
    assert focus.kind in {UnitKind.WARD, UnitKind.COMMUNE}
    head = User.objects.get(username=profile.UNIT_HEAD_USERNAME)
    assert Membership.objects.filter(person=head, unit=focus, role=Role.UNIT_HEAD).exists()


def test_ten_years_in_every_reporting_state(seeded: dict[str, int]) -> None:
    leader = User.objects.get(username=profile.LEADER_USERNAME)
    counts = task_counts(user=leader, filters=TaskFilters(as_of=profile.TODAY))
    for state in (ReportingState.DONE_ON_TIME, ReportingState.DONE_LATE, ReportingState.OPEN_ON_TIME):
        assert counts[state] > 0, state
    assert counts[ReportingState.DONE_ON_TIME] > counts[ReportingState.DONE_LATE]
    years = Task.objects.values("due_date__year").annotate(n=Count("id")).filter(n__gt=0)
    assert {row["due_date__year"] for row in years} >= set(range(profile.FIRST_DAY.year, profile.TODAY.year + 1))
    # The search term matches a few percent of the tasks, diacritics-free.
    found = task_list(user=leader, filters=TaskFilters(q=profile.SEARCH_TERM)).count()
    assert 0.01 * TASKS <= found <= 0.08 * TASKS


def test_the_summary_of_done_tasks_is_counted_after_the_load(seeded: dict[str, int]) -> None:
    # COPY bypasses the trigger: the seeder recounts the summary, and the city dashboard reads it.
    assert DoneTaskMonth.objects.filter(n__gt=0).exists()
    assert summary.drift() == []


def test_a_second_seed_needs_reset(seeded: dict[str, int]) -> None:
    with pytest.raises(CommandError, match="--reset"):
        call_command("bench", "seed", "--tasks", "200")
