"""The demo's work programs and report history: what a newcomer sees on /chuong-trinh-cong-tac/ and /bao-cao/
after ``make run`` — on one load of the whole demo, rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.audit.verify import audit_verify
from sauro.common import clock
from sauro.common.text import fold
from sauro.demo.loader import load_demo
from sauro.demo.programs import load_demo_programs
from sauro.demo.reports import load_demo_reports
from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.reports.choices import DutyState
from sauro.reports.models import ReportDuty, ReportSubmission

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_office_has_its_annual_program_and_ban_to_chuc_its_quarter(demo: None) -> None:
    today = clock.today()
    annual = WorkProgram.objects.get(unit__code="VPTU", year=today.year, quarter=None)
    quarterly = WorkProgram.objects.get(unit__code="BTCTU", year=today.year, quarter=(today.month - 1) // 3 + 1)
    items = WorkProgramItem.objects.filter(program=annual)
    assert items.count() >= 10
    assert set(items.values_list("month", flat=True)) >= {1, 3, 6, 9, 12}
    assert all(i.lead_unit_id and i.content and i.product for i in items)
    linked = WorkProgramItem.objects.filter(program=quarterly).exclude(task=None)
    assert linked.count() == 1 and linked.get().task.lead_unit.code == "BTCTU"


def _words(text: str) -> set[str]:
    return {w for w in fold(text).replace(",", " ").split() if len(w) > 2}


@pytest.mark.django_db
def test_every_linked_task_is_the_work_of_its_program_item(demo: None) -> None:
    # An item linked to a task reports that task's progress as its own: the task must be the same work, led by the
    # same unit, not whichever task of the unit came first.
    linked = list(WorkProgramItem.objects.exclude(task=None).select_related("task", "lead_unit"))
    assert linked
    for item in linked:
        assert item.task.lead_unit_id == item.lead_unit_id, item.content
        shared = _words(item.content) & _words(item.task.title)
        assert len(shared) >= 0.6 * len(_words(item.content)), (item.content, item.task.title)


@pytest.mark.django_db
def test_report_duties_have_a_history_on_time_late_and_missing(demo: None) -> None:
    today = clock.today()
    past = ReportDuty.objects.filter(due_on__lt=today)
    submitted = past.filter(state=DutyState.SUBMITTED)
    on_time = [d for d in submitted if d.submitted_on <= d.due_on]
    late = [d for d in submitted if d.submitted_on > d.due_on]
    missing = past.filter(state=DutyState.PENDING)
    assert on_time and late and missing.exists()
    assert len(on_time) > len(late) > 0
    # Each submission is the unit head's, dated when it was sent, never in the future.
    assert not ReportSubmission.objects.filter(submitted_on__gte=today).exists()
    assert ReportSubmission.objects.count() == submitted.count()


@pytest.mark.django_db
def test_loading_again_adds_nothing_and_the_journal_holds(demo: None) -> None:
    before = (WorkProgramItem.objects.count(), ReportDuty.objects.count(), ReportSubmission.objects.count())
    assert load_demo_programs() == 0
    assert load_demo_reports() == 0
    assert (WorkProgramItem.objects.count(), ReportDuty.objects.count(), ReportSubmission.objects.count()) == before
    assert audit_verify().ok
