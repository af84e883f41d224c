"""The overview page as each person's desk: their tasks by urgency, what waits for their decision, their unit's
overdue tasks and report duties, obstacles to answer; every number a link to exactly what it counts; few queries."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.reports.choices import ReportKind
from sauro.reports.models import ReportRegime
from sauro.reports.services import reports_generate
from sauro.tasks.models import Task
from sauro.tasks.services import extension_request_create, task_accept, task_issue, task_submit
from tests.reports.conftest import Quarter, quarter  # noqa: F401  (fixture)
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures)

D = datetime.date


@pytest.fixture
def desk_world(org: Any, quarter: Quarter, today: Any, make_draft: Callable[..., Task]) -> Quarter:  # noqa: F811
    """The quarter seen on 14/3/2026: Ban Tổ chức's head carries four open tasks (one overdue, one due on the day),
    has sent one product to the standing body and asked for an extension; Phú Xuân has an overdue task; an obstacle
    waits on the standing body; the quarterly report duties fall due on 17/3; the Ban's officer is assigned a task."""
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=D(2026, 3, 2))
    task_submit(acting_user=org.btc_head, task=Task.objects.get(pk=quarter.next_quarter.pk), product_note="Dự thảo")
    seen_on = today.day
    today.set(D(2026, 3, 12))  # asked before its deadline (13/3): an overdue task can no longer ask (issue 20)
    extension_request_create(
        acting_user=org.btc_head,
        task=Task.objects.get(pk=quarter.overdue_btc.pk),
        new_due_date=D(2026, 4, 15),
        reason="Chờ hướng dẫn của Trung ương.",
    )
    today.set(seen_on)
    draft = make_draft(title="Tổng hợp hồ sơ nhân sự", due_date=D(2026, 3, 20))
    task_accept(
        acting_user=org.btc_head,
        task=task_issue(acting_user=org.monitor, task=draft),
        responsible_person_id=org.btc_head.pk,
        officer_ids=[org.btc_officer.pk],
    )
    return quarter


def block(page: str, key: str) -> str | None:
    """The markup of one desk block (``id="desk-<key>"``), or None when the page has none."""
    match = re.search(rf'<section class="card desk-block" id="desk-{key}".*?</section>', page, re.S)
    return match.group(0) if match else None


def figures(markup: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'<a class="desk-figure[^"]*" href="([^"]+)"[^>]*><span class="desk-figure-number">(\d+)</span> '
        r'<span class="desk-figure-label">([^<]+)</span>',
        markup,
    )
    return {label: (int(n), html_lib.unescape(href)) for href, n, label in found}


def task_rows(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""
    return body.count("<tr>")


def duty_rows(client: Client, url: str) -> int:
    return len(re.findall(r'<tr id="duty-\d+">', client.get(url).content.decode()))


def obstacle_rows(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""
    return body.count("<tr")


def test_a_unit_head_sees_their_tasks_decisions_unit_and_reports(
    org: Any, client_for: Any, desk_world: Quarter
) -> None:
    client = client_for(org.btc_head)
    page = client.get(reverse("home")).content.decode()
    mine = block(page, "mine")
    assert mine is not None
    numbers = figures(mine)
    # Open: on time (due today), overdue, ongoing, submitted next-quarter task, the officer's task.
    assert {k: n for k, (n, _u) in numbers.items()} == {"Quá hạn": 1, "Đến hạn trong 7 ngày": 2, "Đang thực hiện": 5}
    for _label, (count, url) in numbers.items():
        assert "mine=on" in url and task_rows(client, url) == count
    assert desk_world.overdue_btc.title in mine and reverse("tasks:detail", args=[desk_world.overdue_btc.pk]) in mine
    # The Ban decides nothing itself (the standing body is the authority): the empty state says so.
    decisions = block(page, "decisions")
    assert decisions is not None and "Không có sản phẩm hay đề nghị nào chờ bạn quyết định." in decisions
    overdue = block(page, "unit-overdue")
    assert overdue is not None and "Nhiệm vụ quá hạn của Ban Tổ chức Thành ủy" in overdue
    assert desk_world.overdue_btc.title in overdue and desk_world.overdue_ward.title not in overdue
    count, link = figures(overdue)["Chưa hoàn thành – quá hạn"]
    assert count == 1 and f"unit={org.btc.pk}" in link and "reporting=open_overdue" in link
    assert task_rows(client, link) == 1
    reports = block(page, "reports")
    assert reports is not None
    duty = figures(reports)
    assert duty["Sắp đến hạn (7 ngày tới)"][0] == 1 and duty["Chưa gửi – quá hạn"][0] == 0
    for _label, (count, url) in duty.items():
        assert f"unit={org.btc.pk}" in url and duty_rows(client, url) == count
    assert "Báo cáo quý I năm 2026" in reports
    obstacles = block(page, "obstacles")
    assert obstacles is not None and "Không có khó khăn, vướng mắc nào chờ đơn vị bạn trả lời." in obstacles


def test_a_leader_sees_what_waits_for_the_standing_body_and_the_whole_committee(
    org: Any, client_for: Any, desk_world: Quarter
) -> None:
    client = client_for(org.leader)
    page = client.get(reverse("home")).content.decode()
    mine = block(page, "mine")
    assert mine is not None and "Bạn không có nhiệm vụ nào đang thực hiện." in mine
    decisions = block(page, "decisions")
    assert decisions is not None
    numbers = figures(decisions)
    assert numbers["Sản phẩm chờ duyệt"][0] == 1 and numbers["Đề nghị gia hạn, điều chỉnh"][0] == 1
    assert numbers["Sản phẩm chờ duyệt"][1] == reverse("tasks:inbox") + "#approve-title"
    assert desk_world.next_quarter.title in decisions
    assert "Đề nghị gia hạn đến 15/04/2026" in decisions and desk_world.overdue_btc.title in decisions
    inbox = client.get(reverse("tasks:inbox")).content.decode()
    assert 'id="approve-title"' in inbox and 'id="requests-title"' in inbox
    overdue = block(page, "unit-overdue")
    assert overdue is not None and "Thành ủy Huế" in overdue
    assert desk_world.overdue_btc.title in overdue and desk_world.overdue_ward.title in overdue
    reports = block(page, "reports")
    assert reports is not None
    due = figures(reports)["Sắp đến hạn (7 ngày tới)"]
    assert due[0] == 5 and duty_rows(client, due[1]) == 5
    obstacles = block(page, "obstacles")
    assert obstacles is not None
    waiting = figures(obstacles)["Chờ trả lời"]
    assert waiting[0] == 1 and "mine=on" in waiting[1] and obstacle_rows(client, waiting[1]) == 1
    assert "Chưa có hướng dẫn của Trung ương" in obstacles


def test_an_officer_sees_only_their_own_tasks(org: Any, client_for: Any, desk_world: Quarter) -> None:
    page = client_for(org.btc_officer).get(reverse("home")).content.decode()
    mine = block(page, "mine")
    assert mine is not None and "Tổng hợp hồ sơ nhân sự" in mine
    assert {k: n for k, (n, _u) in figures(mine).items()} == {
        "Quá hạn": 0,
        "Đến hạn trong 7 ngày": 1,
        "Đang thực hiện": 1,
    }
    for key in ("decisions", "unit-overdue", "reports", "obstacles"):
        assert block(page, key) is None, key
    assert "đang được xây dựng" not in page.lower()


def test_a_title_on_the_desk_is_escaped(org: Any, client_for: Any, desk_world: Quarter) -> None:
    Task.objects.filter(pk=desk_world.overdue_btc.pk).update(title="<script>alert(1)</script> Rà soát")
    page = client_for(org.btc_head).get(reverse("home")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Rà soát" in page and "<script>alert(1)" not in page


def test_the_desk_costs_few_queries_whatever_the_number_of_tasks(
    org: Any,
    client_for: Any,
    desk_world: Quarter,
    make_draft: Callable[..., Task],  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    client = client_for(org.leader)
    client.get(reverse("home"))  # the calendar cache, the session
    # The shell: session, user, the header's membership, the bell, the session's refresh (3); the page: the roles,
    # the scope, the unit paths; then per block: my tasks 2, decisions 4 (aggregate, products to approve, two kinds
    # of request), the committee's name 1, overdue 2, reports 2, obstacles 2.
    with django_assert_num_queries(LEADER_HOME_QUERIES):
        client.get(reverse("home"))
    for i in range(8):
        task = task_issue(acting_user=org.monitor, task=make_draft(title=f"Nhiệm vụ thêm {i}"))
        task_accept(acting_user=org.btc_head, task=task, responsible_person_id=org.btc_head.pk)
        late = D(2026, 3, 1 + i)  # overdue on the 14th (issued earlier, as far as the desk can tell)
        Task.objects.filter(pk=task.pk).update(due_date=late, deadline=late, original_deadline=late)
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("home")).content.decode()
    assert len(more) == LEADER_HOME_QUERIES
    overdue = block(page, "unit-overdue")
    assert overdue is not None and figures(overdue)["Chưa hoàn thành – quá hạn"][0] == 2 + 8
    # Five rows, the most overdue first (Phú Xuân's, due 20/2, then 1/3 … 4/3); the link has the rest.
    assert desk_world.overdue_ward.title in overdue and overdue.count("Nhiệm vụ thêm") == 4
    assert "Nhiệm vụ thêm 4" not in overdue and desk_world.overdue_btc.title not in overdue


LEADER_HOME_QUERIES = 22
