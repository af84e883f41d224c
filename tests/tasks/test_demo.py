"""The demo tasks: about three hundred tasks of 2026 lived through the services, every state, the seed's own tasks."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.audit.verify import audit_verify
from sauro.common import clock
from sauro.demo.directives import conclusion_text
from sauro.demo.loader import load_demo
from sauro.demo.tasks import AGENCIES, _spec, load_demo_tasks, seed_sentences, tasks_data
from sauro.demo.timing import clock_at
from sauro.directives.models import Directive
from sauro.org.models import Unit
from sauro.tasks import rules
from sauro.tasks.choices import EventKind, Recurrence, ReportingState, RequestState, TaskState
from sauro.tasks.models import ExtensionRequest, Submission, Task, TaskEvent
from sauro.tasks.selectors import with_reporting_state

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The whole demo (organisation, directives, tasks) loaded once for the class, rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        "tasks": Task.objects.count(),
        "events": TaskEvent.objects.count(),
        "submissions": Submission.objects.count(),
        "extensions": ExtensionRequest.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


class TestDemoTasks:
    def test_about_three_hundred_tasks_in_every_state(self, demo: None, db: None) -> None:
        # The tasks demo's own (the letters of the petitions demo make about 140 more: tests/petitions/test_demo.py).
        own = Task.objects.filter(letter__isnull=True)
        assert 280 <= own.count() <= 330
        states = Counter(own.values_list("state", flat=True))
        assert set(states) == set(TaskState.values)
        assert states[TaskState.DONE] > states[TaskState.IN_PROGRESS] > states[TaskState.CANCELLED]
        # Agencies, departments and all 40 communes and wards lead tasks.
        leads = set(Task.objects.values_list("lead_unit__code", flat=True))
        assert set(AGENCIES) <= leads
        assert sum(1 for code in leads if code and code[:2] in {"P-", "X-"}) == 40
        assert any(code and code.startswith("BTCTU-") for code in leads)

    def test_every_reporting_state_is_there(self, demo: None, db: None) -> None:
        found = Counter(with_reporting_state(Task.objects.all()).values_list("reporting_state", flat=True))
        for state in ReportingState.values:
            assert found[state] > 0, state

    def test_every_issued_task_was_clear_on_six_points(self, demo: None, db: None) -> None:
        issued = Task.objects.exclude(state=TaskState.DRAFT).select_related(
            "lead_unit", "authority_unit", "responsible_person"
        )
        for task in issued:
            assert task.issued_on is not None
            clears = rules.six_clears(task, issue_date=task.issued_on)
            assert clears.complete, (task.title, clears.missing)
        drafts = Task.objects.filter(state=TaskState.DRAFT)
        assert drafts.exists()
        assert any(not rules.six_clears(t, issue_date=clock.today()).complete for t in drafts)

    def test_timelines_are_genuine(self, demo: None, db: None) -> None:
        today = clock.today()
        assert not Task.objects.filter(issued_on__gt=today).exists()
        assert not Task.objects.filter(completed_on__gt=today).exists()
        first, last = TaskEvent.objects.order_by("at").first(), TaskEvent.objects.order_by("at").last()
        assert first is not None and last is not None
        # Drafted from the last days of 2025 (for January's tasks); nothing happens after today.
        assert datetime.date(2025, 12, 1) <= timezone.localdate(first.at) <= timezone.localdate(last.at) <= today
        # The rows' own times and the journal agree with the timeline.
        first_event = TaskEvent.objects.filter(task=OuterRef("pk")).order_by("at", "id").values("at")[:1]
        disagreeing = Task.objects.annotate(first_at=Subquery(first_event)).exclude(created_at=F("first_at"))
        assert Task.objects.exists() and not disagreeing.exists(), list(disagreeing.values_list("title", flat=True)[:5])
        entry = AuditEntry.objects.filter(action="task.issued").order_by("seq").first()
        assert entry is not None and timezone.localdate(entry.at).year == 2026
        # The completion date is the day the accepted product was submitted (not approved).
        for task in Task.objects.filter(state=TaskState.DONE).prefetch_related("submissions")[:80]:
            approved = [s for s in task.submissions.all() if s.outcome == "approved"]
            assert len(approved) == 1 and approved[0].submitted_on == task.completed_on
            events = list(task.events.order_by("at", "id").values_list("kind", flat=True))
            assert events[0] in {EventKind.CREATED, EventKind.GENERATED} and events[-1] == EventKind.APPROVED
        late = with_reporting_state(Task.objects.filter(state=TaskState.DONE)).filter(
            reporting_state=ReportingState.DONE_LATE
        )
        assert all(t.completed_on > t.deadline for t in late)

    def test_requests_returns_and_buck_passing(self, demo: None, db: None) -> None:
        decided = set(ExtensionRequest.objects.values_list("state", flat=True))
        assert {RequestState.APPROVED, RequestState.REJECTED} <= decided
        extended = Task.objects.filter(extension_count__gt=0).first()
        assert extended is not None and extended.original_due_date < extended.due_date
        assert Task.objects.filter(events__kind=EventKind.RETURNED).distinct().count() >= 2
        suspect = Task.objects.get(bounce_count__gte=3)
        assert suspect.is_buck_passing_suspect
        assert suspect.reassignment_requests.count() == 2
        assert Task.objects.filter(parent__isnull=False).count() >= 3

    def test_recurring_templates_and_their_instances(self, demo: None, db: None) -> None:
        templates = Task.objects.exclude(recurrence="").annotate(n=Count("instances"))
        monthly = templates.filter(recurrence=Recurrence.MONTHLY)
        assert set(monthly.values_list("lead_unit__code", flat=True)) == set(AGENCIES)
        assert all(t.n >= 1 and t.is_ongoing for t in templates)
        assert templates.filter(recurrence=Recurrence.QUARTERLY).exists()
        assert templates.filter(recurrence=Recurrence.YEARLY).exists()
        instance = Task.objects.filter(recurrence_template__isnull=False, period_key="2026-02").first()
        assert instance is not None and instance.title.endswith("(tháng 2/2026)")
        assert instance.due_date == datetime.date(2026, 2, 23)  # the 17th fell in Tết
        keys = Task.objects.filter(recurrence_template__isnull=False).values_list("recurrence_template", "period_key")
        assert len(keys) == len(set(keys))

    def test_the_seed_conclusion_has_its_tasks(self, demo: None, db: None) -> None:
        conclusion = Directive.objects.get(kind="TB", issuer_code="TU", number=1)
        tasks = Task.objects.filter(directive=conclusion, recurrence_template__isnull=True)
        assert tasks.count() >= 40
        text = " ".join(conclusion_text().split())
        quoted = set(tasks.values_list("source_paragraph", flat=True))
        assert quoted <= {*seed_sentences(), ""}
        assert all(sentence in text for sentence in seed_sentences())
        titles = list(tasks.values_list("title", flat=True))
        assert sum(t.startswith("Cụ thể hóa Nghị quyết Đại hội XVII") for t in titles) == len(AGENCIES)
        assert sum("điểm nóng" in t for t in titles) == 40
        assert any("sơ kết quý I/2026" in t for t in titles)
        assert any("giảm hội họp" in t for t in titles)
        assert any("đùn đẩy" in t for t in titles)
        assert Task.objects.filter(directive__kind="CTr").exists()
        assert Task.objects.filter(directive__kind="KH").exists()

    def test_the_audit_chain_holds(self, demo: None, db: None) -> None:
        assert AuditEntry.objects.filter(action="task.approved").exists()
        assert audit_verify().ok

    def test_loading_twice_changes_nothing(self, demo: None, db: None) -> None:
        before = counts()
        assert not load_demo().created
        again = load_demo_tasks()
        assert not again.created and again.skipped_reason
        assert counts() == before

    def test_the_data_names_only_units_and_people_of_the_demo(self, demo: None, db: None) -> None:
        units = set(Unit.objects.values_list("code", flat=True))
        people = set(User.objects.values_list("username", flat=True))
        for spec in tasks_data().specs:
            assert {spec.owner, spec.lead, spec.authority, *spec.coordinating, *spec.bounce_to} <= units, spec.key
            named = {spec.drafter, spec.responsible, spec.acceptor, spec.approver, *spec.officers}
            assert named | ({spec.supervisor} if spec.supervisor else set()) <= people, spec.key


def test_the_task_data_hangs_together(db: None) -> None:
    # Without the organisation there is nothing to load.
    assert not load_demo_tasks().created
    data = tasks_data()
    keys = [spec.key for spec in data.specs]
    assert len(set(keys)) == len(keys)
    seen: set[str] = set()
    for spec in data.specs:
        assert not spec.parent or spec.parent in seen, spec.key  # a sub-task comes after its parent
        assert not spec.directive or spec.directive in data.directives, spec.key
        assert spec.source in {*seed_sentences(), ""}, spec.key
        seen.add(spec.key)
    # A misspelt field in the data is refused, not silently dropped.
    with pytest.raises(ValueError, match="titel"):
        _spec({"key": "x", "titel": "Nhiệm vụ"}, data.sentences)


def test_clock_at_is_undone_even_on_error() -> None:
    real_today, real_now, real_django_now = clock.today, clock.now, timezone.now
    day = datetime.date(2026, 2, 23)
    with pytest.raises(RuntimeError), clock_at(day, datetime.time(9, 15)):
        assert clock.today() == day
        assert timezone.localtime(clock.now()).time() == datetime.time(9, 15)
        assert timezone.now() == clock.now() and timezone.now().tzinfo == datetime.UTC
        raise RuntimeError("step failed")
    assert clock.today is real_today and clock.now is real_now and timezone.now is real_django_now
