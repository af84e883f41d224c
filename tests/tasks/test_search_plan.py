"""A text search's first page: the ordinary plan under a time limit, else a walk along the due-date index —
the same rows either way, and nothing left changed on the connection."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

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


def test_same_rows_as_the_plain_read_and_settings_untouched(org: Org, tasks: list[Task]) -> None:
    before = (setting("enable_bitmapscan"), setting("statement_timeout"))
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"))[:51]
    rows = selectors.first_rows(qs, text_search=True)
    assert [t.pk for t in rows] == [t.pk for t in qs.all()] and len(rows) == 3
    assert (setting("enable_bitmapscan"), setting("statement_timeout")) == before


def test_a_gather_that_runs_out_of_time_falls_back_to_the_walk(
    org: Org, tasks: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read that cannot finish in 1 ms: the first attempt is cancelled, the walk (no time limit) answers.
    monkeypatch.setattr(selectors, "SEARCH_GATHER_TIMEOUT", "1ms")
    attempts: list[tuple[str, ...]] = []
    read = selectors._read

    def spy(qs, *settings: str):  # type: ignore[no-untyped-def]
        attempts.append(settings)
        return read(qs, *settings)

    monkeypatch.setattr(selectors, "_read", spy)
    qs = selectors.task_list(user=org.leader, filters=selectors.TaskFilters(q="chuyen doi so"))
    slow = qs.annotate(pause=RawSQL("pg_sleep(0.05)", []))[:51]
    rows = selectors.first_rows(slow, text_search=True)
    assert sorted(t.pk for t in rows) == sorted(t.pk for t in tasks if "Chuyển" in t.title or "chuyển" in t.title)
    assert attempts == [("statement_timeout = '1ms'",), ("enable_bitmapscan = off",)]
    assert setting("enable_bitmapscan") == "on" and setting("statement_timeout") == "0"
