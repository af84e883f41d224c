"""A text search's first page: the ordinary plan under a time limit, else a walk along the due-date index —
the same rows either way, and nothing left changed on the connection. In another order, no walk: one plain read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from sauro.common import search_plan
from sauro.tasks import selectors
from sauro.tasks.models import Task
from sauro.tasks.services import task_issue
from tests.conftest import Org

from .conftest import Clock

MakeDraft = Callable[..., Task]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans and time limits: PostgreSQL (CI runs both)"
)


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.fixture
def tasks(org: Org, make_draft: MakeDraft, today: Clock) -> list[Task]:
    titles = ["Chuyển đổi số ở phường An Cựu", "Đề án chuyển đổi số", "Hội nghị sơ kết", "Chuyển đổi số bước 2"]
    return [task_issue(acting_user=org.monitor, task=make_draft(title=t)) for t in titles]


def search_page(qs: QuerySet[Task], *, in_due_order: bool = True) -> list[Task]:
    return selectors.page_rows(
        qs, 51, shape=lambda rows: rows.order_by("due_date", "id"), text_search=True, in_due_order=in_due_order
    )


def test_same_rows_as_the_plain_read_and_settings_untouched(org: Org, tasks: list[Task]) -> None:
    before = (setting("enable_bitmapscan"), setting("enable_seqscan"), setting("statement_timeout"))
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"))
    rows = search_page(qs)
    assert [t.pk for t in rows] == [t.pk for t in qs[:51]] and len(rows) == 3
    assert [t.reporting_state for t in rows] == [t.reporting_state for t in qs[:51]]
    assert (setting("enable_bitmapscan"), setting("enable_seqscan"), setting("statement_timeout")) == before


def test_a_gather_that_runs_out_of_time_falls_back_to_the_walk(
    org: Org, tasks: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read that cannot finish in 1 ms: the first attempt is cancelled, the walk (no time limit) answers.
    monkeypatch.setattr(search_plan, "SEARCH_GATHER_TIMEOUT", "1ms")
    attempts: list[tuple[str, ...]] = []
    read = search_plan.read_with

    def spy(qs, *settings: str):  # type: ignore[no-untyped-def]
        attempts.append(settings)
        return read(qs, *settings)

    monkeypatch.setattr(search_plan, "read_with", spy)
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"))
    slow = qs.filter(pk__in=RawSQL("SELECT id FROM tasks_task WHERE pg_sleep(0.05) IS NOT NULL", []))
    rows = search_page(slow)
    assert [t.pk for t in rows] == sorted(t.pk for t in tasks if "Chuyển" in t.title or "chuyển" in t.title)
    walk = ("enable_bitmapscan = off", "enable_seqscan = off", "statement_timeout = '500ms'")
    assert attempts == [("statement_timeout = '1ms'",), walk]
    assert setting("enable_bitmapscan") == "on" and setting("enable_seqscan") == "on"
    assert setting("statement_timeout") == "0"


def test_in_another_order_the_matches_are_gathered_at_once(
    org: Org, tasks: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[tuple[str, ...]] = []
    monkeypatch.setattr(search_plan, "read_with", lambda qs, *settings: attempts.append(settings) or list(qs))
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"), sort="title")
    rows = search_page(qs, in_due_order=False)
    assert len(rows) == 3 and attempts == []


def test_a_walk_that_runs_out_of_time_too_ends_in_the_plain_read(
    org: Org, tasks: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both limited attempts are cancelled (a rare term on a busy server): the plain read answers, nothing is lost.
    monkeypatch.setattr(search_plan, "SEARCH_GATHER_TIMEOUT", "1ms")
    monkeypatch.setattr(search_plan, "SEARCH_WALK_TIMEOUT", "1ms")
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"))
    slow = qs.filter(pk__in=RawSQL("SELECT id FROM tasks_task WHERE pg_sleep(0.01) IS NOT NULL", []))
    rows = search_page(slow)
    assert [t.pk for t in rows] == sorted(t.pk for t in tasks if "huyển" in t.title)
    assert setting("statement_timeout") == "0" and setting("enable_seqscan") == "on"
