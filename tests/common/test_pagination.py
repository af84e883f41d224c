"""The one keyset paginator (``sauro.common.pagination``): walking a whole list page by page, in every kind of order
(NULLs, ties, dates, moments, decimals; ascending and descending) gives every row once, in the order the database
sorts them; a cursor cannot be forged or reused for another list; a page is one query at any depth; the task list
keeps the SQL its million-task plans rely on. Runs on SQLite and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.core import signing
from django.db.models import DecimalField, QuerySet
from django.db.models.functions import Cast, Length, TruncDate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.common.pagination import MSG_BAD_CURSOR, BadCursor, Key, Keyset
from sauro.notifications.models import Notification

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ICT = datetime.timezone(datetime.timedelta(hours=7))
# Moments that tie, differ by a microsecond, and fall on both sides of midnight in Huế (for the dates below).
MOMENTS = [
    datetime.datetime(2026, 3, 1, 16, 59, 59, 999999, tzinfo=UTC),
    datetime.datetime(2026, 3, 1, 17, 0, tzinfo=UTC),
    datetime.datetime(2026, 3, 1, 17, 0, 0, 1, tzinfo=UTC),
    datetime.datetime(2026, 3, 2, 9, 30, tzinfo=ICT),
    datetime.datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
]
TITLES = ["a", "ab", "b", "ba", "c"]  # lowercase ASCII: the same order under every collation


def _rows(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    # ``day``: a nullable date (the day read, in the configured zone); ``size``: a decimal with ties.
    return qs.annotate(
        day=TruncDate("read_at"), size=Cast(Length("title"), DecimalField(max_digits=6, decimal_places=2))
    )


KEYSETS = {
    "nullable moment, ascending": Keyset("t1", Key("read_at", datetime.datetime, nullable=True), Key("id", int)),
    "nullable moment, descending": Keyset(
        "t2", Key("read_at", datetime.datetime, descending=True, nullable=True), Key("id", int, descending=True)
    ),
    "nullable date, ascending": Keyset("t3", Key("day", datetime.date, nullable=True), Key("id", int)),
    "nullable date, descending": Keyset(
        "t4", Key("day", datetime.date, descending=True, nullable=True), Key("id", int, descending=True)
    ),
    "string then moment, mixed": Keyset(
        "t5", Key("title", str), Key("created_at", datetime.datetime, descending=True), Key("id", int)
    ),
    "string then nullable date, mixed": Keyset(
        "t6", Key("title", str, descending=True), Key("day", datetime.date, nullable=True), Key("id", int)
    ),
    "decimal then nullable moment": Keyset(
        "t7",
        Key("size", decimal.Decimal),
        Key("read_at", datetime.datetime, descending=True, nullable=True),
        Key("id", int, descending=True),
    ),
}


def expected_order(rows: list[Notification], keyset: Keyset) -> list[int]:
    """The order the keyset promises, computed in Python: NULLs last in both directions, then the next keys."""
    ordered = list(rows)
    for key in reversed(keyset.keys):  # stable sorts, least significant key first
        present = [r for r in ordered if getattr(r, key.field) is not None]
        absent = [r for r in ordered if getattr(r, key.field) is None]
        ordered = sorted(present, key=lambda r, k=key: getattr(r, k.field), reverse=key.descending) + absent
    return [r.pk for r in ordered]


def walk(keyset: Keyset, qs: QuerySet[Notification], limit: int) -> list[list[int]]:
    """Every page's ids, following ``next_cursor`` to the end."""
    pages: list[list[int]] = []
    cursor: str | None = None
    while True:
        page = keyset.page(qs, cursor=cursor, limit=limit)
        pages.append([n.pk for n in page.items])
        assert len(page.items) <= limit
        if page.next_cursor is None:
            return pages
        assert len(page.items) == limit
        cursor = page.next_cursor
        assert len(pages) <= 100, "the walk does not end"


@pytest.fixture
def person(db: Any) -> User:
    return User.objects.create(username="phan-trang", full_name="Người Phân Trang")


def fill(person: User, specs: Sequence[tuple[str, int, int | None]]) -> QuerySet[Notification]:
    Notification.objects.filter(recipient=person).delete()
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind="test",
            title=title,
            created_at=MOMENTS[created],
            read_at=None if read is None else MOMENTS[read],
        )
        for title, created, read in specs
    )
    return _rows(Notification.objects.filter(recipient=person))


ROW = st.tuples(
    st.sampled_from(TITLES),
    st.integers(0, len(MOMENTS) - 1),
    st.none() | st.integers(0, len(MOMENTS) - 1),
)


@pytest.mark.parametrize("name", list(KEYSETS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(ROW, max_size=14), limit=st.integers(1, 4))
def test_walking_every_page_gives_every_row_once_in_order(
    person: User, name: str, specs: list[tuple[str, int, int | None]], limit: int
) -> None:
    keyset = KEYSETS[name]
    qs = fill(person, specs)
    pages = walk(keyset, qs, limit)
    walked = [pk for page in pages for pk in page]
    assert len(walked) == len(set(walked)) == len(specs)  # no row repeated or skipped
    assert walked == expected_order(list(qs), keyset)
    assert walked == [n.pk for n in keyset.order(qs)]


def test_ties_nulls_and_both_directions_by_hand(person: User) -> None:
    # Due dates as the task list has them: several on one day, several without one.
    qs = fill(person, [("a", 0, 3), ("b", 0, None), ("c", 0, 0), ("d", 0, None), ("e", 0, 4), ("f", 0, 1)])
    ids = [n.pk for n in Notification.objects.filter(recipient=person).order_by("id")]
    up = KEYSETS["nullable date, ascending"]
    down = KEYSETS["nullable date, descending"]
    # Days in Huế: a and f on 2 March (f read at midnight), c one microsecond before it (1 March), e on 1 January.
    assert walk(up, qs, 2) == [[ids[4], ids[2]], [ids[0], ids[5]], [ids[1], ids[3]]]
    assert walk(down, qs, 4) == [[ids[5], ids[0], ids[2], ids[4]], [ids[3], ids[1]]]


def test_rows_added_while_walking_neither_repeat_nor_hide_the_others(person: User) -> None:
    keyset = KEYSETS["nullable moment, descending"]
    qs = fill(person, [("a", 0, i % len(MOMENTS)) for i in range(6)] + [("a", 0, None)] * 2)
    before = [n.pk for n in keyset.order(qs)]
    first = keyset.page(qs, limit=3)
    Notification.objects.create(recipient=person, kind="test", title="new", created_at=MOMENTS[0], read_at=None)
    Notification.objects.create(
        recipient=person, kind="test", title="new", created_at=MOMENTS[0], read_at=MOMENTS[4] - datetime.timedelta(1)
    )
    seen = [n.pk for n in first.items]
    cursor = first.next_cursor
    while cursor:
        page = keyset.page(qs, cursor=cursor, limit=3)
        seen += [n.pk for n in page.items]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen))
    assert [pk for pk in seen if pk in before] == before


def test_one_query_a_page_at_any_depth(person: User, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    keyset = KEYSETS["string then nullable date, mixed"]
    qs = fill(person, [(TITLES[i % 5], i % 5, None if i % 3 else i % 5) for i in range(30)])
    cursor = None
    for _ in range(6):
        with django_assert_num_queries(1):
            page = keyset.page(qs, cursor=cursor, limit=5)
        cursor = page.next_cursor
    assert cursor is None


# --- cursors that were not made by the keyset -------------------------------------------------------------------


def refused(keyset: Keyset, cursor: str) -> BadCursor:
    with pytest.raises(BadCursor) as caught:
        keyset.decode(cursor)
    return caught.value


def test_a_tampered_cursor_is_refused_with_a_vietnamese_message(person: User) -> None:
    keyset = KEYSETS["nullable date, ascending"]
    qs = fill(person, [("a", 0, 1)] * 3)
    cursor = keyset.page(qs, limit=1).next_cursor
    assert cursor is not None
    payload, _, signature = cursor.rpartition(":")
    for forged in [
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # the signature changed
        f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}:{signature}",  # the payload changed
        cursor[: len(cursor) // 2],
        "gia-mao",
        "",
    ]:
        error = refused(keyset, forged)
        assert (
            error.message
            == str(MSG_BAD_CURSOR)
            == "Con trỏ phân trang không hợp lệ. Hãy tải lại trang đầu của danh sách."
        )
        assert error.fields == {"cursor": error.message}
        assert error.status == 422
    with pytest.raises(BadCursor):
        keyset.page(qs, cursor="gia-mao", limit=1)


def test_a_cursor_of_another_list_or_order_is_refused(person: User) -> None:
    qs = fill(person, [("a", 0, 1)] * 3)
    up = Keyset("same", Key("day", datetime.date, nullable=True), Key("id", int))
    down = Keyset("same", Key("day", datetime.date, descending=True, nullable=True), Key("id", int, descending=True))
    other = Keyset("other", Key("day", datetime.date, nullable=True), Key("id", int))
    cursor = up.page(qs, limit=1).next_cursor
    assert cursor is not None
    assert up.decode(cursor)[0] == datetime.date(2026, 3, 2)
    refused(down, cursor)
    refused(other, cursor)


def test_a_signed_payload_of_the_wrong_shape_is_refused() -> None:
    keyset = Keyset(
        "shape", Key("read_at", datetime.datetime, nullable=True), Key("day", datetime.date), Key("id", int)
    )

    def signed(payload: Any) -> str:
        return signing.dumps(payload, salt=keyset._salt, compress=True)

    assert keyset.decode(signed([None, "2026-03-02", 7])) == (None, datetime.date(2026, 3, 2), 7)
    assert keyset.decode(signed(["2026-03-02T09:30:00+07:00", "2026-03-02", 7]))[0] == MOMENTS[3]
    for payload in [
        ["2026-03-02T09:30:00", "2026-03-02", 7],  # a naive moment
        [None, None, 7],  # NULL where the key cannot be
        [None, "2026-03-02", "7"],  # a string id
        [None, "2026-03-02", True],
        [None, "2026-02-30", 7],
        [None, "2026-03-02"],
        {"id": 7},
        "7",
    ]:
        refused(keyset, signed(payload))
    decimals = Keyset("decimal", Key("size", decimal.Decimal), Key("id", int))
    assert decimals.decode(signing.dumps(["2.50", 1], salt=decimals._salt)) == (decimal.Decimal("2.50"), 1)
    for bad in ["NaN", "Infinity", "hai", 2]:
        refused(decimals, signing.dumps([bad, 1], salt=decimals._salt))


def test_a_keyset_must_end_with_a_key_that_is_never_null() -> None:
    with pytest.raises(ValueError):
        Keyset("x", Key("day", datetime.date, nullable=True))
    with pytest.raises(ValueError):
        Keyset("x")


# --- the task list's SQL ------------------------------------------------------------------------------------------


def _sql(qs: QuerySet[Any]) -> str:
    return re.sub(r'"tasks_task"\.', "", str(qs.query).replace("`", '"'))


@pytest.mark.parametrize(
    ("sort", "condition", "order"),
    [
        (
            "due",
            r'\("due_date" > [^()]+? OR \("due_date" = [^()]+? AND "id" > [^()]+?\) OR "due_date" IS NULL\)',
            r'ORDER BY "due_date" ASC NULLS LAST, "id" ASC',
        ),
        (
            "-updated",
            r'\("updated_at" < [^()]+? OR \("updated_at" = [^()]+? AND "id" < [^()]+?\) OR "updated_at" IS NULL\)',
            r'ORDER BY "updated_at" DESC NULLS LAST, "id" DESC',
        ),
    ],
)
def test_the_task_list_keeps_its_index_friendly_condition(sort: str, condition: str, order: str) -> None:
    """The expanded row comparison the due-date index walk serves (tasks.selectors.page_rows, bench/)."""
    from sauro.tasks.forms import sort_keyset
    from sauro.tasks.models import Task

    keyset = sort_keyset(sort)
    value = datetime.date(2026, 3, 2) if sort == "due" else MOMENTS[1]
    qs = keyset.order(Task.objects.all()).filter(keyset.after((value, 42)))
    sql = _sql(qs)
    assert re.search(condition, sql), sql
    assert re.search(order, sql), sql
    # Among the undated, only the id continues the walk.
    sql = _sql(keyset.order(Task.objects.all()).filter(keyset.after((None, 42))))
    op = ">" if sort == "due" else "<"
    assert re.search(rf'WHERE \("\w+" IS NULL AND "id" {op} [^()]+?\)', sql), sql


def test_the_pager_keeps_the_filters_and_moves_only_the_cursor() -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template('{% load pager %}{% pager "/nhiem-vu/" next first_page=False param="after" %}')

    def links(query: str, next_cursor: str) -> list[str]:
        context = Context({"next": next_cursor})
        context.request = RequestFactory().get(f"/nhiem-vu/{query}")  # type: ignore[attr-defined]
        return re.findall(r'href="([^"]*)"', template.render(context))

    # The first page keeps the filter and drops the cursor; the next page replaces it.
    assert links("?q=so&after=abc", "xyz") == ["/nhiem-vu/?q=so", "/nhiem-vu/?q=so&amp;after=xyz"]
    # With no filter, the first page is the bare list, not "/nhiem-vu/?".
    assert links("?after=abc", "") == ["/nhiem-vu/"]
