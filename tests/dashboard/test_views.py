"""The dashboard pages: every figure links to the task list showing exactly the tasks it counts; the unit picker
and the visibility gate; pinned query counts; no inline code (CSP)."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.dashboard import stats
from sauro.tasks.services import task_issue
from tests.common.test_security import inline_code

from .conftest import AS_OF, END, START

D = datetime.date
FIGURES = ("total", "done_on_time", "done_late", "open_on_time", "open_overdue", "ongoing")
# Every unit's path is read once, so the task gate and the subtrees are lists of ids; the period's counts are two
# index scans each (due in the period; ongoing); the cards are the league's counts added up; the meetings' section is
# two grouped queries (meetings per host unit against last year, the conclusions with their tasks). The petitions'
# cards come after the page (dashboard:petitions, pinned in tests/perf/test_query_counts.py).
OVERVIEW_QUERIES = 28  # -1 (issue 22): the unit picker from the rows kept between requests
LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-figure="(\w+)"')


def listed_ids(client: Any, url: str) -> set[int]:
    """The ids of the tasks the task list page shows for ``url``."""
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Một số điều kiện lọc không hợp lệ" not in body
    return {int(pk) for pk in re.findall(r'class="task-title" href="/nhiem-vu/(\d+)/"', body)}


def expected_ids(user: Any, unit_id: int | None, key: str) -> set[int]:
    """The ids of the period's tasks behind one figure, from ``dashboard.stats``."""
    qs = stats.period_tasks(user=user, unit_id=unit_id, start=START, end=END, as_of=AS_OF)
    qs = qs.exclude(reporting_state="ongoing") if key == "total" else qs.filter(reporting_state=key)
    return set(qs.values_list("pk", flat=True))


def links_of(body: str, unit_id: int | None = None) -> dict[str, str]:
    """The figure links of the cards (``unit_id`` None) or of one league row."""
    if unit_id is not None:
        match = re.search(rf'<tr data-unit="{unit_id}"[^>]*>(.*?)</tr>', body, re.S)
        assert match, unit_id
        body = match.group(1)
    else:
        body = body.split('id="dash-league-title"')[0]
    return {key: html_lib.unescape(href) for href, key in LINK.findall(body)}


def dashboard(client: Any, **params: Any) -> str:
    response = client.get(reverse("dashboard:overview"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_cards_drill_down_to_exactly_the_counted_tasks(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.leader)
    body = dashboard(client)  # default: the committee, this regime quarter, as of today (13/3/2026)
    assert "Quý I năm 2026" in body and "Thành ủy Huế" in body
    links = links_of(body)
    assert set(links) == {*FIGURES, "focus"}  # and the focus tasks under way (tests/tasks/test_focus.py)
    figures = stats.task_stats(user=org.leader, unit_id=org.city.pk, start=START, end=END, as_of=AS_OF)
    for key in FIGURES:
        ids = listed_ids(client, links[key])
        assert ids == expected_ids(org.leader, org.city.pk, key), key
        assert len(ids) == getattr(figures, key), key
    assert listed_ids(client, links["open_overdue"]) == world.ids("D", "H")
    assert "16,7%" in body or "16.7%" in body


def test_league_rows_drill_down_per_child_unit(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.leader)
    body = dashboard(client, unit=org.city.pk, period="quarter", as_of="2026-03-13")
    for unit in (org.btc, org.ancuu, org.phuxuan, org.office):
        links = links_of(body, unit.pk)
        assert set(links) == {"total", "done_on_time", "done_late", "open_on_time", "open_overdue"}
        for key, url in links.items():
            assert listed_ids(client, url) == expected_ids(org.leader, unit.pk, key), (unit.code, key)
    # Ban Tổ chức's row counts B, led by its department, and I, issued in the quarter and due after it; and the
    # trend against quarter IV of 2025.
    row = re.search(rf'<tr data-unit="{org.btc.pk}"[^>]*>(.*?)</tr>', body, re.S).group(1)  # type: ignore[union-attr]
    assert "giảm 66.7 điểm" in row or "giảm 66,7 điểm" in row  # 100% → 33.3% (A of A, B, I)
    assert "so với Quý IV năm 2025" in body
    assert listed_ids(client, links_of(body, org.btc.pk)["done_late"]) == world.ids("B")


def test_a_units_own_tasks_row_links_to_exactly_that_lead_unit(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.leader)
    body = dashboard(client, unit=org.btc.pk)
    own = links_of(body, org.btc.pk)  # the parent's own row: A (done on time) and I, not B (its department's)
    assert "lead_unit=" in own["total"]
    assert listed_ids(client, own["total"]) == world.ids("A", "I")
    dept = links_of(body, org.btc_dept.pk)
    assert listed_ids(client, dept["done_late"]) == world.ids("B")


def test_a_ward_head_sees_only_their_ward(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.ancuu_head)
    body = dashboard(client)  # default: their own unit
    assert "Đảng ủy phường An Cựu" in body
    links = links_of(body)
    assert listed_ids(client, links["total"]) == world.ids("C", "D")
    assert world.tasks["H"].title not in body
    # Another ward is not offered, and asking for it shows their own unit with an error.
    body = dashboard(client, unit=org.phuxuan.pk)
    assert world.tasks["H"].title not in body
    assert "Đảng ủy phường Phú Xuân" not in body
    assert listed_ids(client, links_of(body)["open_overdue"]) == world.ids("D")


def test_units_with_nothing_due_are_folded_into_one_line(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    body = dashboard(client_for(org.leader), unit=org.city.pk, period="quarter", as_of="2026-03-13")
    rows = stats.league_table(
        user=org.leader,
        parent_unit_id=org.city.pk,
        start=START,
        end=END,
        as_of=AS_OF,
        previous_start=START,
        previous_end=END,
    )
    empty = {r.unit.pk for r in rows if not r.stats.total}
    assert org.office.pk in empty and org.btc.pk not in empty
    ranked_part, folded_part = body.split('<tbody id="dash-sparse" class="dash-sparse is-folded">')
    folded_part = folded_part.split("</tbody>")[0]
    assert set(map(int, re.findall(r'<tr data-unit="(\d+)"', folded_part))) == empty
    ranked = set(map(int, re.findall(r'<tr data-unit="(\d+)"', ranked_part)))
    assert ranked == {r.unit.pk for r in rows} - empty
    assert {org.btc.pk, org.ancuu.pk, org.phuxuan.pk} <= ranked
    # One line says how many, opens the rows (aria-controls), and names them on paper.
    assert f"{len(empty)} đơn vị chưa đủ số liệu</button>" in body
    assert 'data-fold-toggle aria-expanded="false" aria-controls="dash-sparse"' in body
    names = body.split('class="dash-fold-names"')[1].split("</p>")[0]
    assert "Văn phòng Thành ủy" in names and "Ban Tổ chức Thành ủy" not in names


def test_custom_range_and_bad_range(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.org.leader)
    body = dashboard(client, period="custom", **{"from": "2026-03-01", "to": "2026-03-10"}, as_of="2026-03-20")
    assert "Từ 01/03/2026 đến 10/03/2026" in body
    links = links_of(body)
    # Due in the range: A, B, D (J was extended to 14/3); issued in it (2/3) and due after it: C, H, I, J.
    assert listed_ids(client, links["total"]) == world.ids("A", "B", "C", "D", "H", "I", "J")
    body = dashboard(client, period="custom", **{"from": "2026-03-09", "to": "2026-03-01"})
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in body
    assert "Quý I năm 2026" in body  # falls back to the current (regime) quarter
    # An as-of day outside the calendar's years is refused; the current quarter is shown.
    body = dashboard(client, period="quarter", as_of="0935-01-01")
    assert "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2198." in body
    # So is one whose trend (two years back) the reporting regime does not know.
    body = dashboard(client, period="quarter", as_of="1901-06-01")
    assert "Ngày tính đến phải từ 15/12/1902 đến 31/12/2198." in body
    assert "Quý I năm 2026" in body


def _page_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(world, client_for, make_draft, today) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.leader)
    overview = reverse("dashboard:overview") + "?period=quarter"
    mine = reverse("dashboard:mine")
    client.get(overview)  # warm: the session, the unit picker's rows kept between requests
    before = (_page_queries(client, overview), _page_queries(client, mine))
    today.set(D(2026, 3, 2))
    for i in range(6):
        task_issue(acting_user=org.monitor, task=make_draft(title=f"Thêm việc {i}", due_date=D(2026, 3, 6 + i)))
        task_issue(
            acting_user=org.monitor,
            task=make_draft(
                title=f"Việc phường {i}",
                due_date=D(2026, 3, 4),
                lead_unit=org.ancuu.pk,
                responsible_person=org.ancuu_head.pk,
                coordinating_units=[],
            ),
        )
    today.set(AS_OF)
    after = (_page_queries(client, overview), _page_queries(client, mine))
    assert after == before
    # Session, user, scope and the shell (with the bell), then ~18 for the page: cards, overdue, obstacles, league
    # table (units, 2 grouped aggregates, discipline, reports, obstacles), 2 trends, the picker, the meetings (2), the
    # reception days (3), the hot spots (1) — whatever the data.
    assert before[0] <= OVERVIEW_QUERIES


def test_mine_summary(world, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.org
    client = client_for(org.ancuu_head)
    response = client.get(reverse("dashboard:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    links = links_of(body)
    assert listed_ids(client, links["open_overdue"]) == world.ids("D")
    assert listed_ids(client, links["open_on_time"]) == world.ids("C")
    assert body.index(world.tasks["D"].title) < body.index(world.tasks["C"].title)  # the nearest deadline first


@pytest.mark.parametrize("name", ["dashboard:overview", "dashboard:mine"])
def test_no_inline_code(world, client_for, name) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.org.leader).get(reverse(name))
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []
    assert "Tổng hợp" in response.content.decode()


def test_login_required(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 302
