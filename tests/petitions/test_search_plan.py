"""A search's page of the register on PostgreSQL: the ordinary plan under a time limit, else a walk along the
receipt-date index, else the ordinary plan without one — the same rows whichever answers, and nothing left changed on
the connection (as the tasks' search page, tests/tasks/test_search_plan.py)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from sauro.common import search_plan
from sauro.petitions import selectors, services
from sauro.petitions.models import Letter
from sauro.petitions.selectors import LETTER_ORDER, LetterFilters
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, letter_input
from tests.tasks.conftest import Clock

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans and time limits: PostgreSQL (CI runs both)"
    ),
]
WALK = ("enable_bitmapscan = off", "enable_seqscan = off", "statement_timeout = '500ms'")


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


def settings_now() -> tuple[str, str, str]:
    return setting("enable_bitmapscan"), setting("enable_seqscan"), setting("statement_timeout")


@pytest.fixture
def letters(org: Org, today: Clock) -> list[Letter]:
    """Five letters, three about the industrial zone, received on different days (newest last)."""
    summaries = [
        "Phản ánh khói bụi từ khu công nghiệp Phú Bài.",
        "Kiến nghị sửa chữa đường kiệt.",
        "Phản ánh nước thải của khu công nghiệp chảy ra sông.",
        "Kiến nghị cấp giấy chứng nhận.",
        "Đề nghị di dời khu công nghiệp khỏi khu dân cư.",
    ]
    return [
        services.letter_create(
            acting_user=org.monitor,
            data=letter_input(org, summary=s, received_on=RECEIVED - datetime.timedelta(days=5 - n)),
        )
        for n, s in enumerate(summaries)
    ]


def searched(org: Org, q: str = "KHU cong nghiep") -> QuerySet[Letter]:
    return LETTER_ORDER.order(selectors.letter_list(user=org.monitor, filters=LetterFilters(q=q)))


def spy_on_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    attempts: list[tuple[str, ...]] = []
    read = search_plan.read_with

    def spy(qs: QuerySet[Letter], *settings: str) -> list[Letter]:
        attempts.append(settings)
        return read(qs, *settings)

    monkeypatch.setattr(search_plan, "read_with", spy)
    return attempts


def test_the_page_has_the_rows_of_the_plain_read_and_leaves_the_settings_as_they_were(
    org: Org, letters: list[Letter], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = settings_now()
    attempts = spy_on_reads(monkeypatch)
    page = selectors.letter_page(user=org.monitor, filters=LetterFilters(q="KHU cong nghiep"), limit=2)
    expected = [x.pk for x in searched(org)]
    assert expected == [letters[4].pk, letters[2].pk, letters[0].pk]  # newest first
    assert [x.pk for x in page.items] == expected[:2]
    # With what a row shows: its state, whether its identity is protected, its units.
    shown = [(getattr(x, "state"), getattr(x, "identity_protected"), x.unit.pk) for x in page.items]  # noqa: B009
    assert shown == [("received", False, org.office.pk)] * 2
    # The next page, through the cursor, has the rest.
    rest = selectors.letter_page(
        user=org.monitor, filters=LetterFilters(q="khu cong nghiep"), cursor=page.next_cursor, limit=2
    )
    assert [x.pk for x in rest.items] == expected[2:] and rest.next_cursor is None
    # Each page tried the ordinary plan under its time limit first (in time here, unless the machine is very busy).
    assert attempts.count(("statement_timeout = '40ms'",)) == 2 and attempts[0] == ("statement_timeout = '40ms'",)
    assert settings_now() == before


def test_a_gather_that_runs_out_of_time_falls_back_to_the_walk(
    org: Org, letters: list[Letter], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read that cannot finish in 1 ms: the first attempt is cancelled, the walk (within its limit) answers.
    monkeypatch.setattr(search_plan, "SEARCH_GATHER_TIMEOUT", "1ms")
    attempts = spy_on_reads(monkeypatch)
    slow = searched(org).filter(pk__in=RawSQL("SELECT id FROM petitions_letter WHERE pg_sleep(0.02) IS NOT NULL", []))
    rows = selectors._search_rows(slow, 51)
    assert [x.pk for x in rows] == [letters[4].pk, letters[2].pk, letters[0].pk]
    assert attempts == [("statement_timeout = '1ms'",), WALK]
    assert settings_now() == ("on", "on", "0")


def test_a_walk_that_runs_out_of_time_too_ends_in_the_plain_read(
    org: Org, letters: list[Letter], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both limited attempts are cancelled (a rare word on a busy server): the plain read answers, nothing is lost.
    monkeypatch.setattr(search_plan, "SEARCH_GATHER_TIMEOUT", "1ms")
    monkeypatch.setattr(search_plan, "SEARCH_WALK_TIMEOUT", "1ms")
    slow = searched(org).filter(pk__in=RawSQL("SELECT id FROM petitions_letter WHERE pg_sleep(0.01) IS NOT NULL", []))
    rows = selectors._search_rows(slow, 51)
    assert [x.pk for x in rows] == [letters[4].pk, letters[2].pk, letters[0].pk]
    assert settings_now() == ("on", "on", "0")


def test_without_a_search_the_page_is_one_plain_read(
    org: Org, letters: list[Letter], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = spy_on_reads(monkeypatch)
    page = selectors.letter_page(user=org.monitor, filters=LetterFilters(q="  "))
    assert len(page.items) == 5 and attempts == []
