"""The list's filter choices at ten-year scale: recent directives and the chosen unit's people are offered, and any
directive or person the user may see is still accepted (links carry them) and shown as chosen. The unit select is
drawn from rows and its markup kept per process: it must follow every change of the units and never show a unit to
someone who does not see it."""

from __future__ import annotations

import datetime
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sauro.accounts.models import User
from sauro.common.models import DataVersion
from sauro.directives.models import Directive, Term
from sauro.org.choices import UnitKind
from sauro.org.models import Membership, Unit
from sauro.org.services import membership_end, unit_create, unit_move, unit_rename
from sauro.tasks import forms, views
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_issue
from tests.conftest import Org

from .conftest import TODAY, Clock
from .test_views import get, row_count

ClientFor = Callable[[User], Client]
MakeDraft = Callable[..., Task]
LIST = reverse("tasks:list")


def select(markup: str, name: str) -> str:
    found = re.search(rf'<select name="{name}".*?</select>', markup, re.S)
    assert found, name
    return found.group(0)


def directive(org: Org, number: int, issued_on: datetime.date) -> Directive:
    term, _ = Term.objects.get_or_create(
        committee=org.city, starts_on=datetime.date(2020, 10, 1), defaults={"name": "Nhiệm kỳ 2020 – 2025"}
    )
    return Directive.objects.create(
        kind="KL", number=number, issuer_code="TU", issuing_unit=org.city, term=term, issued_on=issued_on,
        summary=f"Kết luận số {number}",
    )  # fmt: skip


def test_recent_directives_are_offered_and_an_old_one_is_accepted(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    old = directive(org, 1, TODAY - datetime.timedelta(days=3 * 365))
    recent = directive(org, 2, TODAY - datetime.timedelta(days=30))
    task_issue(acting_user=org.monitor, task=make_draft(directive=old.pk, title="Việc của kết luận cũ"))
    task_issue(acting_user=org.monitor, task=make_draft(directive=recent.pk, title="Việc của kết luận mới"))
    client = client_for(org.monitor)
    offered = select(get(client, LIST), "directive")
    assert f'value="{recent.pk}"' in offered and f'value="{old.pk}"' not in offered
    markup = get(client, f"{LIST}?directive={old.pk}")
    assert f'<option value="{old.pk}" selected>' in select(markup, "directive")
    assert row_count(markup) == 1 and "Việc của kết luận cũ" in markup


def test_the_chosen_units_people_are_offered_and_anyone_visible_is_accepted(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    task = task_issue(acting_user=org.monitor, task=make_draft(title="Việc của Ban Tổ chức"))
    task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_head.pk)
    client = client_for(org.monitor)
    people = select(get(client, f"{LIST}?unit={org.btc.pk}"), "person")
    assert f'value="{org.btc_head.pk}"' in people and f'value="{org.phuxuan_head.pk}"' not in people
    # Without a unit, the monitor is offered the people of their own unit; a link may still name anyone visible.
    own: Any = select(get(client, LIST), "person")
    assert f'value="{org.btc_head.pk}"' not in own
    markup = get(client, f"{LIST}?person={org.btc_head.pk}")
    assert f'<option value="{org.btc_head.pk}" selected>' in select(markup, "person")
    assert row_count(markup) == 1


# --- the unit select, drawn from rows and kept rendered (common.widgets.FastSelect) --------------------------------


def offered_units(markup: str) -> dict[str, str]:
    """The unit select's options: value → label (indentation kept)."""
    return offered(markup, "unit")


def offered(markup: str, name: str) -> dict[str, str]:
    """A select's options but the empty one: value → label."""
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select(markup, name))
    return {value: html.unescape(label) for value, label in options if value}


def test_each_person_is_offered_exactly_the_units_they_see(org: Org, client_for: ClientFor) -> None:
    # The committee's list first, so that its rendered options are kept before a ward head's page is drawn.
    wide = offered_units(get(client_for(org.monitor), LIST))
    ward = offered_units(get(client_for(org.phuxuan_head), LIST))
    again = offered_units(get(client_for(org.monitor), LIST))
    assert wide == again
    assert wide[str(org.btc_dept.pk)] == "\u00a0" * 6 + "Phòng Tổ chức cán bộ"  # indented by its depth
    assert set(wide) == {str(u.pk) for u in Unit.objects.filter(valid_to__isnull=True)}
    # A ward head sees the committee above it and their ward, never another ward or an agency.
    assert set(ward) == {str(org.city.pk), str(org.phuxuan.pk)}
    assert ward[str(org.phuxuan.pk)] == "\u00a0" * 3 + "Đảng ủy phường Phú Xuân"


def test_a_unit_renamed_added_moved_or_closed_shows_on_the_next_page(
    org: Org, client_for: ClientFor, today: Clock
) -> None:
    client = client_for(org.monitor)
    before = offered_units(get(client, LIST))
    assert before[str(org.btc.pk)].endswith("Ban Tổ chức Thành ủy")
    unit_rename(acting_user=None, unit=org.btc, new_name="Ban Tổ chức Thành ủy Huế", on_date=TODAY)
    added = unit_create(
        acting_user=None, code="P-THUANHOA", name="Đảng ủy phường Thuận Hóa", kind=UnitKind.WARD, parent=org.city,
        valid_from=org.START,
    )  # fmt: skip
    unit_move(acting_user=None, unit=org.btc_dept, new_parent=org.office)
    Unit.objects.filter(pk=org.ancuu.pk).update(valid_to=TODAY - datetime.timedelta(days=1))
    after = offered_units(get(client, LIST))
    assert after[str(org.btc.pk)] == "\u00a0" * 3 + "Ban Tổ chức Thành ủy Huế"
    assert after[str(added.pk)] == "\u00a0" * 3 + "Đảng ủy phường Thuận Hóa"
    assert str(org.ancuu.pk) not in after
    order = list(after)
    assert order.index(str(org.btc_dept.pk)) == order.index(str(org.office.pk)) + 1  # now under Văn phòng


def test_the_counts_and_the_export_accept_only_what_the_list_accepts(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    """The count cards and the export read the filters without building the choice lists; the same gates decide:
    a person, unit or directive the reader may not see filters nothing, as on the list page."""
    ward = make_draft(title="Việc của phường", lead_unit=org.phuxuan.pk, responsible_person=org.phuxuan_head.pk)
    task_accept(acting_user=org.phuxuan_head, task=task_issue(acting_user=org.monitor, task=ward))
    agency = directive(org, 7, TODAY - datetime.timedelta(days=10))
    Directive.objects.filter(pk=agency.pk).update(issuing_unit=org.btc, issuer_code="BTCTU")
    task_issue(acting_user=org.monitor, task=make_draft(title="Việc của Ban Tổ chức", directive=agency.pk))
    head = client_for(org.phuxuan_head)
    counts = reverse("tasks:counts")

    def numbers(markup: str) -> list[str]:
        return re.findall(r'task-count-number">(\d+)<', markup)

    unfiltered = numbers(get(head, counts))
    assert unfiltered == ["0", "0", "1", "0", "0"]  # the head sees their ward's task only
    assert numbers(get(head, f"{counts}?person={org.phuxuan_head.pk}")) == unfiltered
    foreign = (f"person={org.btc_head.pk}", f"unit={org.btc.pk}", f"directive={agency.pk}", "person=999999")
    for query in foreign:
        assert numbers(get(head, f"{counts}?{query}")) == unfiltered, query
        page = get(head, f"{LIST}?{query}")
        assert numbers(page) == unfiltered, query
        assert 'role="alert"' in page  # the list names the filter it refused
    monitor = client_for(org.monitor)
    for query in (f"unit={org.phuxuan.pk}", f"person={org.phuxuan_head.pk}", f"directive={agency.pk}"):
        filtered = numbers(get(monitor, f"{counts}?{query}"))
        assert filtered == numbers(get(monitor, f"{LIST}?{query}")), query
        assert filtered != numbers(get(monitor, counts)), query
    exported = head.get(reverse("tasks:export") + f"?unit={org.btc.pk}")
    assert exported.status_code == 200
    rows = load_workbook(io.BytesIO(exported.content)).active.max_row
    assert rows == load_workbook(io.BytesIO(head.get(reverse("tasks:export")).content)).active.max_row


def test_every_sort_order_reads_the_same_queries_and_pages_on(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    """The list reads only the columns its rows show and its cursor needs (views.LIST_ROW_FIELDS): a column missing
    there would cost a query per row, or break the next page of one sort order."""
    for i in range(views.PAGE_SIZE + 3):
        task_issue(acting_user=org.monitor, task=make_draft(title=f"Nhiệm vụ {i:02d}"))
    client = client_for(org.monitor)
    get(client, LIST)  # the filter's choice lists kept (common.versioned), as on every page but the first
    counts = set()
    for sort in forms.SORTS:
        with CaptureQueriesContext(connection) as ctx:
            first = get(client, f"{LIST}?sort={sort}")
        counts.add(len(ctx.captured_queries))
        assert row_count(first) == views.PAGE_SIZE
        after = re.search(r'href="([^"]*after=[^"]*)" hx-get', first)
        assert after, sort
        second = get(client, html.unescape(after.group(1)))
        assert row_count(second) == 3, sort
    assert len(counts) == 1


# --- the choice lists kept between requests (common.versioned) ---------------------------------------------------

# The version is moved by triggers; SQLite has none and keeps no list (the two tests above hold on both).
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the version is kept by PostgreSQL triggers (CI runs both)"
)


def test_directives_and_people_changed_by_any_write_show_on_the_next_page(
    org: Org, client_for: ClientFor, today: Clock
) -> None:
    """The lists are kept under a version that triggers move on every write to their tables (PostgreSQL), so a change
    made outside the services, by a bulk update or by hand in SQL, shows at once, as one made by a service does."""
    client = client_for(org.monitor)
    btc_people = f"{LIST}?unit={org.btc.pk}"
    assert offered(get(client, LIST), "directive") == {}
    assert offered(get(client, btc_people), "person") == {
        str(org.btc_head.pk): "Lê Văn Tổ — Ban Tổ chức Thành ủy",
        str(org.btc_officer.pk): "Phạm Thị Chuyên — Phòng Tổ chức cán bộ",
        str(org.btc_dept_head.pk): "Ngô Văn Phòng — Phòng Tổ chức cán bộ",
    }
    issued = directive(org, 3, TODAY - datetime.timedelta(days=5))
    assert offered(get(client, LIST), "directive") == {str(issued.pk): "Kết luận 03-KL/TU (25/02/2026) — Kết luận số 3"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directives_directive SET summary = %s WHERE id = %s", ["Về chuyển đổi số", issued.pk])
        cursor.execute("UPDATE accounts_user SET full_name = %s WHERE id = %s", ["Lê Văn Tổ Chức", org.btc_head.pk])
    assert offered(get(client, LIST), "directive")[str(issued.pk)].endswith("— Về chuyển đổi số")
    assert offered(get(client, btc_people), "person")[str(org.btc_head.pk)] == "Lê Văn Tổ Chức — Ban Tổ chức Thành ủy"
    User.objects.filter(pk=org.btc_officer.pk).update(is_active=False)
    assert str(org.btc_officer.pk) not in offered(get(client, btc_people), "person")
    membership = Membership.objects.get(person=org.btc_head, unit=org.btc)
    membership_end(acting_user=None, membership=membership, valid_to=TODAY - datetime.timedelta(days=1))
    assert set(offered(get(client, btc_people), "person")) == {str(org.btc_dept_head.pk)}


def test_a_list_drawn_again_reads_its_choices_from_the_cache(org: Org, client_for: ClientFor, today: Clock) -> None:
    client = client_for(org.monitor)
    url = f"{LIST}?unit={org.btc.pk}"
    with CaptureQueriesContext(connection) as first:
        page = get(client, url)
    with CaptureQueriesContext(connection) as again:
        assert offered(get(client, url), "person") == offered(page, "person") != {}
    if connection.vendor == "postgresql":
        # The units, the directives and the unit's people are three queries fewer; the version is one.
        assert len(again.captured_queries) == len(first.captured_queries) - 3
    else:  # SQLite has no triggers: every page builds its lists
        assert len(again.captured_queries) == len(first.captured_queries)


@on_postgresql
def test_the_version_moves_on_writes_to_its_tables_and_not_on_logins_or_tasks(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, today: Clock
) -> None:
    def version() -> int:
        return DataVersion.objects.get(key="choices").version

    before = version()
    update_last_login(None, org.btc_head)  # what each login writes
    task_issue(acting_user=org.monitor, task=make_draft(title="Một nhiệm vụ"))
    assert version() == before
    statements = [
        ("UPDATE org_unit SET name = name || '.' WHERE id = %s", org.btc.pk),
        ("UPDATE org_membership SET position = 'Trưởng ban' WHERE person_id = %s", org.btc_head.pk),
        ("UPDATE accounts_user SET username = username || '1' WHERE id = %s", org.btc_head.pk),
        ("DELETE FROM directives_directive WHERE id = %s", directive(org, 4, TODAY).pk),
    ]
    for sql, pk in statements:
        moved_from = version()
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
        assert version() > moved_from, sql


@on_postgresql
def test_an_emptied_version_table_starts_again_from_an_unused_version(org: Org, client_for: ClientFor) -> None:
    """``flush`` (the transactional tests) empties every table: the next page makes the row again, from the clock, so
    no list kept under an earlier version can be taken for the new data."""
    before = DataVersion.objects.get(key="choices").version
    DataVersion.objects.all().delete()
    client = client_for(org.monitor)
    with CaptureQueriesContext(connection) as first:
        page = get(client, LIST)
    started = DataVersion.objects.get(key="choices").version
    assert started > before
    with CaptureQueriesContext(connection) as again:
        assert offered_units(get(client, LIST)) == offered_units(page) != {}
    assert len(again.captured_queries) < len(first.captured_queries)
