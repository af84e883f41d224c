"""Task pages: the list with its filters, counts and pages, "Việc của tôi", the unit inbox, a task's page with only
the actions its reader may take, the draft form with its live six-clear checklist — and the visibility gate on
each (another unit's task is a 404, not a 403)."""

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
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.org.models import Membership
from sauro.org.services import membership_end
from sauro.tasks import access, forms, rules, views
from sauro.tasks.choices import ProductKind, ReportingState, RequestState, TaskState
from sauro.tasks.models import Task
from sauro.tasks.services import (
    ERR_STALE,
    extension_request_create,
    task_accept,
    task_create,
    task_issue,
    task_submit,
    task_update,
)
from tests.common.test_security import inline_code
from tests.conftest import Org

from .conftest import TODAY, Clock, complete_fields

ClientFor = Callable[[User], Client]
MakeDraft = Callable[..., Task]
D = datetime.timedelta
# Session, user, scope, the shell; then the page itself: a fixed number whatever the number of tasks.
# The list filtered by unit and reporting state: the filters' choices (units, directives, the unit's people), the
# units' paths, the page, the counts (without the reporting filter: a query of their own), the session refreshed.
LIST_QUERIES = 15
# The task page: 24, the notification bell's count, monitoring's obstacles and progress updates, every unit's path
# (the task gate's subtrees as ids), and whether someone acts for the lead unit and the authority (the six clears);
# + 1 (issue 17) when "Gửi sản phẩm" is offered: the open obstacles its confirmation names (access.submit_caveats).
# +2 for the discussion thread (its latest comments; the people the comment form offers to mention). With comments,
# their files and mentions add two prefetches, whatever their number (tests/discussions/test_views.py).
# +1 for whether the reader may flag the task "trọng tâm" (the drafting right, asked when not its authority).
# +1 (issue 19) for the citizen's letter the task was made for (petitions.views.task_page).
DETAIL_QUERIES = 34


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    text = response.content.decode()
    assert inline_code(text) == [], inline_code(text)
    assert not re.search(r"\sstyle\s*=", text)
    return text


def get(client: Client, url: str, status: int = 200) -> str:
    return page(client.get(url), status)


def text_of(markup: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def row_count(markup: str) -> int:
    body = markup[markup.index("<tbody>") : markup.index("</tbody>")] if "<tbody>" in markup else ""
    return body.count("<tr>")


def issued(org: Org, make_draft: MakeDraft, **overrides: Any) -> Task:
    task = make_draft(**overrides)
    return task_issue(acting_user=org.monitor, task=task)


def in_progress(org: Org, make_draft: MakeDraft, **overrides: Any) -> Task:
    task = issued(org, make_draft, **overrides)
    return task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])


# --- the list --------------------------------------------------------------------------------------------------


def test_list_keeps_filters_in_the_url_and_counts_link_to_exactly_those_tasks(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    plain = {"content": "Thực hiện theo kế hoạch, báo cáo kết quả bằng văn bản.", "product_description": "Báo cáo"}
    soon = issued(org, make_draft, title="Rà soát quy hoạch cán bộ", due_date=TODAY + D(days=5), **plain)
    issued(org, make_draft, title="Rà soát tiêu chuẩn chức danh", due_date=TODAY + D(days=40), **plain)
    issued(org, make_draft, title="Báo cáo công tác đảng viên", due_date=TODAY + D(days=40), **plain)
    make_draft(title="Rà soát dự thảo chưa giao", **plain)
    today.set(TODAY + D(days=10))  # the first is now overdue
    client = client_for(org.monitor)

    url = reverse("tasks:list") + f"?q=ra+soat&unit={org.btc.pk}&state=open"
    markup = get(client, url)
    # The filters are kept in the form (a GET form: the URL is the filtered list).
    assert 'name="q" value="ra soat"' in markup
    assert re.search(rf'<option value="{org.btc.pk}" selected>', markup)
    assert '<option value="open" selected>' in markup
    assert row_count(markup) == 2
    assert "Rà soát dự thảo chưa giao" not in markup  # a draft is not open
    # A text search's counts come right after its first page, from tasks:counts with the same query (and inline
    # with dem=1, the link offered without JavaScript); one overdue, one on time, for these filters.
    query = f"?q=ra+soat&unit={org.btc.pk}&state=open"
    assert f'hx-get="{reverse("tasks:counts")}{query.replace("&", "&amp;")}"' in markup
    assert "task-count-number" not in markup
    counts = get(client, reverse("tasks:counts") + query)
    assert get(client, url + "&dem=1").count("task-count-number") == counts.count("task-count-number") == 5
    cards = dict(re.findall(r'task-count--(\w+)[^"]*" href="([^"]+)"', counts))
    numbers = dict(re.findall(r'task-count--(\w+).*?task-count-number">(\d+)<', counts, re.S))
    assert numbers["open_overdue"] == "1" and numbers["open_on_time"] == "1" and numbers["done_on_time"] == "0"
    for key, href in cards.items():
        href = html_lib.unescape(href)
        assert "q=ra+soat" in href and f"unit={org.btc.pk}" in href and "state=open" in href
        assert f"reporting={key}" in href
        linked = get(client, href)
        assert row_count(linked) == int(numbers[key]), key
    overdue = get(client, html_lib.unescape(cards["open_overdue"]) + "&dem=1")
    assert "<mark>Rà</mark> <mark>soát</mark> quy hoạch cán bộ" in overdue  # the words searched, marked
    assert soon.title in text_of(overdue)
    assert 'aria-current="true"' in overdue
    # The export keeps the filters too.
    export = re.search(r'href="(/nhiem-vu/xuat-excel/[^"]*)"', markup)
    assert export and "q=ra+soat" in html_lib.unescape(export.group(1))


def test_list_rows_show_unit_person_due_state_reporting_and_bounce_flag(
    org: Org, make_draft: MakeDraft, client_for: ClientFor
) -> None:
    task = issued(org, make_draft)
    Task.objects.filter(pk=task.pk).update(bounce_count=3)
    markup = get(client_for(org.monitor), reverse("tasks:list"))
    row = markup[markup.index("<tbody>") : markup.index("</tbody>")]
    assert reverse("tasks:detail", args=[task.pk]) in row
    assert "Ban Tổ chức Thành ủy" in row
    assert "Lê Văn Tổ" in row
    assert f"{TODAY + D(days=30):%d/%m/%Y}" in row
    assert "task-state--issued" in row and "Đã giao" in row
    assert "task-report--open_on_time" in row and "Chưa hoàn thành – trong hạn" in row
    assert "Nghi đùn đẩy" in row


def test_list_empty_states(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    assert "Chưa có nhiệm vụ nào trong phạm vi bạn được xem." in get(client, reverse("tasks:list"))
    assert "Không có nhiệm vụ nào phù hợp" in get(client, reverse("tasks:list") + "?q=khong+co+gi")
    # A bad value in the URL is named, not a 500.
    markup = get(client, reverse("tasks:list") + "?due_from=32/13/2026&after=%%%&unit=abc")
    assert "Một số điều kiện lọc không hợp lệ" in markup


def test_list_pages_by_keyset_with_tasks_without_a_due_date(
    org: Org, make_draft: MakeDraft, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views.lists, "PAGE_SIZE", 3)
    made = []
    for i in range(4):
        made.append(make_draft(title=f"Có hạn {i}", due_date=TODAY + D(days=10 + i % 2)))
    for i in range(4):
        made.append(make_draft(title=f"Không hạn {i}", due_date=None))
    client = client_for(org.monitor)
    for sort in ["due", "-due", "title", "-updated", "-issued"]:
        seen: list[str] = []
        url = reverse("tasks:list") + f"?sort={sort}"
        for _page in range(5):
            markup = get(client, url)
            seen += re.findall(r'class="task-title" href="/nhiem-vu/(\d+)/"', markup)
            nxt = re.search(r'href="([^"]+)" hx-get="[^"]+" rel="next"', markup)
            if not nxt:
                break
            url = html_lib.unescape(nxt.group(1))
            assert "Về trang đầu" in get(client, url)
        assert sorted(map(int, seen)) == sorted(t.pk for t in made), sort
    # Due dates first, the tasks without one last.
    first = get(client, reverse("tasks:list") + "?sort=due")
    assert "Có hạn" in first and "Không hạn" not in first


def test_list_query_count_does_not_grow(
    org: Org,
    make_draft: MakeDraft,
    client_for: ClientFor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    issued(org, make_draft)
    client = client_for(org.monitor)
    client.get(reverse("tasks:list"))
    with django_assert_max_num_queries(LIST_QUERIES):
        get(client, reverse("tasks:list") + f"?unit={org.btc.pk}&state=open&reporting=open_on_time")
    for i in range(20):
        issued(org, make_draft, title=f"Nhiệm vụ thử {i}")
    with django_assert_max_num_queries(LIST_QUERIES):
        markup = get(client, reverse("tasks:list") + f"?unit={org.btc.pk}&state=open&reporting=open_on_time")
    assert row_count(markup) == 21


def test_htmx_filter_renders_only_the_list(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    issued(org, make_draft)
    response = client_for(org.monitor).get(reverse("tasks:list") + "?state=issued", headers={"HX-Request": "true"})
    markup = page(response)
    assert markup.lstrip().startswith('<div id="task-list"')
    assert "<html" not in markup


def test_export_keeps_the_filters(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    issued(org, make_draft, title="Nhiệm vụ xuất ra Excel")
    response = client_for(org.monitor).get(reverse("tasks:export") + "?q=excel")
    assert response.status_code == 200
    assert response["Content-Type"] == views.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"
    # Another unit's head exports nothing of Ban Tổ chức.
    other = client_for(org.phuxuan_head).get(reverse("tasks:export"))
    assert other.status_code == 200


# --- mine and the unit inbox ----------------------------------------------------------------------------------


def test_my_tasks_lists_open_first_and_drafts(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = in_progress(org, make_draft, title="Việc đang làm của chuyên viên")
    markup = get(client_for(org.btc_officer), reverse("tasks:mine"))
    assert "Việc đang làm của chuyên viên" in markup
    assert markup.index("Đang thực hiện") < markup.index("Việc đang làm của chuyên viên")
    assert 'aria-current="page">Việc của tôi' in markup
    make_draft(title="Dự thảo của Văn phòng")
    mine = get(client_for(org.monitor), reverse("tasks:mine"))
    assert "Dự thảo bạn đang soạn" in mine and "Dự thảo của Văn phòng" in mine
    assert reverse("tasks:detail", args=[task.pk]) not in mine


def test_unit_inbox_for_heads_and_the_authority(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    waiting = issued(org, make_draft, title="Chờ Ban Tổ chức tiếp nhận")
    submitted = in_progress(org, make_draft, title="Chờ Thường trực duyệt")
    task_submit(acting_user=org.btc_officer, task=submitted, product_note="Báo cáo số 12")
    extending = in_progress(org, make_draft, title="Xin gia hạn")
    extension_request_create(
        acting_user=org.btc_head, task=extending, new_due_date=TODAY + D(days=60), reason="Chờ số liệu"
    )
    head = get(client_for(org.btc_head), reverse("tasks:inbox"))
    assert "Chờ Ban Tổ chức tiếp nhận" in head
    assert reverse("tasks:detail", args=[waiting.pk]) in head
    leader = get(client_for(org.leader), reverse("tasks:inbox"))
    assert "Chờ Thường trực duyệt" in leader
    assert "Xin gia hạn" in leader and "Chờ số liệu" in leader
    assert "Chờ Ban Tổ chức tiếp nhận" not in text_of(
        leader.split("Chờ tiếp nhận, phân công")[1].split("</section>")[0]
    )
    officer = get(client_for(org.btc_officer), reverse("tasks:inbox"))
    assert "Bạn không giữ vai trò lãnh đạo đơn vị nào" in officer


# --- visibility ------------------------------------------------------------------------------------------------


def test_another_units_task_is_a_404_everywhere(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = in_progress(org, make_draft)
    before = Task.objects.values().get(pk=task.pk)
    events_before = list(task.events.values_list("pk", flat=True))
    journal_before = AuditEntry.objects.count()
    client = client_for(org.phuxuan_head)
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("tasks:edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("tasks:edit", args=[task.pk]), {"title": "x"}).status_code == 404
    for action in views.ACTIONS:
        response = client.post(reverse(f"tasks:{action}", args=[task.pk]), {f"{action}-reason": "x"})
        assert response.status_code == 404, action
    assert client.get(reverse("tasks:create") + f"?parent={task.pk}").status_code == 404
    assert client.get(reverse("tasks:lead_options") + f"?task={task.pk}").status_code == 404
    assert client.post(reverse("tasks:check"), {"task": task.pk}).status_code == 404
    assert task.title not in get(client, reverse("tasks:list"))
    # Nothing of the refused posts was written: the task, its timeline and the journal are as they were.
    assert Task.objects.values().get(pk=task.pk) == before
    assert list(task.events.values_list("pk", flat=True)) == events_before
    assert AuditEntry.objects.count() == journal_before


def test_creating_needs_a_right_to_draft(org: Org, client_for: ClientFor) -> None:
    assert client_for(org.btc_officer).get(reverse("tasks:create")).status_code == 403
    assert "Tạo nhiệm vụ" not in text_of(get(client_for(org.btc_officer), reverse("tasks:list")))
    assert "Tạo nhiệm vụ" in text_of(get(client_for(org.btc_head), reverse("tasks:list")))


def test_the_create_button_follows_the_drafting_unit(org: Org, today: Clock) -> None:
    """The lists offer "Tạo nhiệm vụ" from the scope alone (access.may_draft): exactly when the create page finds a
    unit to draft in (views.drafting_unit), for every role, and no longer once the role has ended."""
    people = [org.leader, org.monitor, org.btc_head, org.btc_officer, org.inspector, org.phuxuan_head]
    people += [org.ancuu_head, org.ancuu_officer, org.admin]

    def agree() -> dict[str, bool]:
        found = {}
        for person in people:
            fresh = User.objects.get(pk=person.pk)  # the scope is kept on the user object for a request
            found[person.username] = access.may_draft(fresh)
            assert found[person.username] == (views.drafting_unit(User.objects.get(pk=person.pk)) is not None)
        return found

    assert agree() == {
        "bithu": True, "vanphong": True, "bantochuc": True, "chuyenvien.btc": False, "kiemtra": False,
        "phuxuan": True, "ancuu": True, "cv.ancuu": False, "admin": False,
    }  # fmt: skip
    for membership in Membership.objects.filter(person__in=[org.btc_head, org.monitor]):
        membership_end(acting_user=None, membership=membership, valid_to=TODAY - D(days=1))
    found = agree()
    assert not found["bantochuc"] and not found["vanphong"]


# --- a task's page -------------------------------------------------------------------------------------------


def action_urls(markup: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="/nhiem-vu/\d+/([a-z-]+)/"', markup))


def test_only_the_actions_a_user_may_take_are_shown(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    draft = make_draft()
    assert action_urls(get(client_for(org.monitor), reverse("tasks:detail", args=[draft.pk]))) == {"giao"}
    task_issue(acting_user=org.monitor, task=draft)
    url = reverse("tasks:detail", args=[draft.pk])
    # Issued: the lead unit's head accepts (and may ask to hand it on, or raise an obstacle from the start); the
    # authority may stop it or flag it "trọng tâm", as may the issuing office.
    assert action_urls(get(client_for(org.btc_head), url)) == {
        "tiep-nhan",
        "de-nghi-gia-han",
        "de-nghi-dieu-chinh",
        "bao-cao-vuong-mac",
    }
    assert action_urls(get(client_for(org.leader), url)) == {"dung", "trong-tam"}
    # The office rates whether it will be delivered (monitoring).
    assert action_urls(get(client_for(org.monitor), url)) == {"danh-gia-kha-nang", "trong-tam"}
    task_accept(acting_user=org.btc_head, task=draft, officer_ids=[org.btc_officer.pk])
    # In progress: the assigned officer submits the product, and may ask for more time; not approve. They report
    # progress and obstacles (monitoring).
    officer = get(client_for(org.btc_officer), url)
    assert action_urls(officer) == {"gui-san-pham", "de-nghi-gia-han", "cap-nhat-tien-do", "bao-cao-vuong-mac"}
    assert "Duyệt sản phẩm" not in officer
    task_submit(acting_user=org.btc_officer, task=draft, product_note="Báo cáo số 15-BC/BTCTU")
    # Submitted: the authority's leader approves or returns.
    leader = get(client_for(org.leader), url)
    assert {"duyet", "tra-lai", "dung", "trong-tam"} == action_urls(leader)
    assert action_urls(get(client_for(org.btc_officer), url)) == set()


def test_detail_shows_facts_six_clears_timeline_and_submissions(
    org: Org, make_draft: MakeDraft, client_for: ClientFor
) -> None:
    task = in_progress(org, make_draft, source_paragraph="Mục 2, điểm 2.3")
    task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo kết quả rà soát", product_ref="15-BC")
    markup = get(client_for(org.monitor), reverse("tasks:detail", args=[task.pk]))
    text = text_of(markup)
    assert f"<h1>{task.title}</h1>" in markup
    assert "Chờ thẩm quyền duyệt" in text
    for label in rules.CLEAR_LABELS.values():
        assert label in text
    assert markup.count("clear-item--ok") == 6
    assert "Văn phòng Thành ủy" in text  # coordinating unit
    assert "Phạm Thị Chuyên" in text  # officer
    assert "Nguyễn Văn Bí" in text  # supervising leader
    assert "Mục 2, điểm 2.3" in text
    assert "Thường trực Thành ủy" in text
    # The timeline: who, from → to.
    assert "Giao nhiệm vụ" in text and "Dự thảo → Đã giao" in text
    assert "Tiếp nhận, phân công" in text and "Phân công: Phạm Thị Chuyên" in text
    assert "Gửi sản phẩm" in text and "Đang thực hiện → Chờ thẩm quyền duyệt" in text
    assert "Báo cáo kết quả rà soát" in text and "(15-BC)" in text


def test_draft_detail_names_each_gap(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = make_draft(authority_unit=None, product_description="")
    markup = get(client_for(org.monitor), reverse("tasks:detail", args=[task.pk]))
    assert rules.ERR_AUTHORITY_MISSING in markup
    assert rules.ERR_PRODUCT_DESCRIPTION_MISSING in markup
    assert "Còn 2 mục chưa rõ" in markup
    assert reverse("tasks:edit", args=[task.pk]) in markup


def test_detail_query_count_does_not_grow(
    org: Org,
    make_draft: MakeDraft,
    today: Clock,
    client_for: ClientFor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    task = in_progress(org, make_draft)
    client = client_for(org.btc_head)
    url = reverse("tasks:detail", args=[task.pk])
    client.get(url)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        get(client, url)
    for i in range(8):
        sub = task_create(
            acting_user=org.btc_head,
            owner_unit=org.btc,
            parent=task,
            fields=complete_fields(
                org,
                title=f"Nhiệm vụ con {i}",
                lead_unit=org.btc_dept.pk,
                coordinating_units=[],
                supervising_leader=None,
                authority_unit=org.btc.pk,
            ),
        )
        task_update(acting_user=org.btc_head, task=sub, changes={"content": sub.content + " thêm."})
    for i in range(3):
        request = extension_request_create(
            acting_user=org.btc_head, task=task, new_due_date=TODAY + D(days=40 + i), reason=f"Lý do {i}"
        )
        from sauro.tasks.services import extension_request_decide

        extension_request_decide(acting_user=org.leader, request=request, approve=True)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        markup = get(client, url)
    assert "Nhiệm vụ con 7" in markup
    assert "đã gia hạn 3 lần" in markup


# --- actions -------------------------------------------------------------------------------------------------


def test_issuing_a_draft_with_a_gap_names_the_gap(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = make_draft(authority_unit=None)
    client = client_for(org.monitor)
    response = client.post(reverse("tasks:issue", args=[task.pk]), {"issue-version": task.version})
    markup = page(response, 422)
    text = text_of(markup)
    assert "Nhiệm vụ chưa bảo đảm “6 rõ”, chưa thể giao." in text
    assert f"Rõ thẩm quyền: {rules.ERR_AUTHORITY_MISSING}" in text
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT


def test_the_whole_life_through_the_pages(org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor) -> None:
    task = make_draft()
    url = reverse("tasks:detail", args=[task.pk])
    monitor, head, officer, leader = (
        client_for(org.monitor),
        client_for(org.btc_head),
        client_for(org.btc_officer),
        client_for(org.leader),
    )
    response = monitor.post(reverse("tasks:issue", args=[task.pk]), {"issue-version": task.version})
    assert response.status_code == 302 and response["Location"] == url
    assert "Đã giao nhiệm vụ cho Ban Tổ chức Thành ủy." in get(monitor, url)
    accept_page = get(head, url)
    assert "Phạm Thị Chuyên" in accept_page and 'name="accept-officers"' in accept_page
    response = head.post(reverse("tasks:accept", args=[task.pk]), {"accept-officers": [org.btc_officer.pk]})
    assert response.status_code == 302
    # A required field left empty is named next to the field; nothing is sent.
    markup = page(officer.post(reverse("tasks:submit", args=[task.pk]), {"submit-product_note": " "}))
    assert "Chưa thực hiện được" in markup and "field-error" in markup
    response = officer.post(
        reverse("tasks:submit", args=[task.pk]),
        {"submit-product_note": "Báo cáo số 15", "submit-product_ref": "", "submit-confirm": "on"},  # at 0%
    )
    assert response.status_code == 302
    today.set(TODAY + D(days=3))
    response = leader.post(reverse("tasks:approve", args=[task.pk]), {"approve-note": "Đồng ý"})
    assert response.status_code == 302
    done = get(leader, url)
    assert "Đã duyệt sản phẩm; nhiệm vụ hoàn thành." in done
    assert "task-report--done_on_time" in done and "Hoàn thành đúng hạn" in done
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.completed_on == TODAY


def test_returns_extensions_and_reassignment_through_the_pages(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress(org, make_draft)
    head, leader = client_for(org.btc_head), client_for(org.leader)
    new_due = TODAY + D(days=45)
    response = head.post(
        reverse("tasks:request_extension", args=[task.pk]),
        {"request_extension-new_due_date": new_due.isoformat(), "request_extension-reason": "Chờ ý kiến các ban"},
    )
    assert response.status_code == 302
    markup = get(leader, reverse("tasks:detail", args=[task.pk]))
    assert "decide_extension-decision" in markup and "Chờ ý kiến các ban" in markup
    response = leader.post(
        reverse("tasks:decide_extension", args=[task.pk]),
        {"decide_extension-decision": "1", "decide_extension-note": ""},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date == new_due and task.extension_count == 1
    # Deciding the same request twice is a conflict, said in Vietnamese.
    markup = page(
        leader.post(reverse("tasks:decide_extension", args=[task.pk]), {"decide_extension-decision": "0"}), 409
    )
    assert "Đã có người khác thao tác trên nhiệm vụ này" in markup
    # A reassignment request names the proposed unit; a return needs a reason.
    response = head.post(
        reverse("tasks:request_reassignment", args=[task.pk]),
        {"request_reassignment-proposed_unit": org.ubkt.pk, "request_reassignment-reason": "Thuộc chức năng UBKT"},
    )
    assert response.status_code == 302
    assert pending_extensions(task) == 0
    markup = get(leader, reverse("tasks:detail", args=[task.pk]))
    assert "Ủy ban Kiểm tra Thành ủy" in markup and "decide_reassignment-decision" in markup


def pending_extensions(task: Task) -> int:
    return task.extension_requests.filter(state=RequestState.PENDING).count()


def test_two_people_acting_at_once_one_sees_a_conflict_and_keeps_the_input(
    org: Org, make_draft: MakeDraft, client_for: ClientFor
) -> None:
    task = in_progress(org, make_draft)
    officer, head = client_for(org.btc_officer), client_for(org.btc_head)
    assert (
        head.post(
            reverse("tasks:submit", args=[task.pk]),
            {"submit-product_note": "Bản của trưởng ban", "submit-confirm": "on"},
        ).status_code
        == 302
    )
    response = officer.post(
        reverse("tasks:submit", args=[task.pk]), {"submit-product_note": "Bản của chuyên viên, viết rất kỹ"}
    )
    markup = page(response, 409)
    text = text_of(markup)
    assert "Đã có người khác thao tác trên nhiệm vụ này" in text
    assert "Tải lại trang để xem tình trạng mới nhất" in text
    assert "Bản của chuyên viên, viết rất kỹ" in markup  # the input is kept
    assert "Chờ thẩm quyền duyệt" in text  # the page shows the task as it is now


def test_a_refused_action_is_never_a_500(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = issued(org, make_draft)
    # The office sees the task but is not its lead unit's head: the page says who may (403 with the reason).
    response = client_for(org.monitor).post(reverse("tasks:accept", args=[task.pk]), {})
    assert "Chỉ lãnh đạo đơn vị chủ trì mới được tiếp nhận" in page(response, 403)
    # A date that is not later than the current due date is named next to the field.
    response = client_for(org.btc_head).post(
        reverse("tasks:request_extension", args=[task.pk]),
        {"request_extension-new_due_date": TODAY.isoformat(), "request_extension-reason": "x"},
    )
    assert "Thời hạn đề nghị phải sau thời hạn hiện tại" in page(response, 422)


# --- the draft form ------------------------------------------------------------------------------------------


def form_data(org: Org, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Xây dựng đề án sắp xếp tổ chức bộ máy",
        "content": "Xây dựng đề án sắp xếp các phòng, bộ phận của các ban đảng, trình Ban Thường vụ.",
        "directive": "",
        "source_paragraph": "",
        "lead_unit": org.btc.pk,
        "coordinating_units": [org.office.pk],
        "supervising_leader": org.leader.pk,
        "responsible_person": org.btc_head.pk,
        "due_date": (TODAY + D(days=20)).isoformat(),
        "review_cadence": "",
        "product_kind": ProductKind.SCHEME,
        "product_description": "Đề án trình Ban Thường vụ",
        "authority_unit": org.standing.pk,
        "classification": "normal",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_page_groups_fields_by_the_six_clears_with_valid_choices_only(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    markup = get(client_for(org.monitor), reverse("tasks:create"))
    for clear in ["Rõ việc", "Rõ trách nhiệm", "Rõ người", "Rõ thời gian", "Rõ sản phẩm", "Rõ thẩm quyền"]:
        assert f"<legend>{clear}</legend>" in markup
    for label in ProductKind.labels:
        assert f">{label}</option>" in markup
    assert 'name="version"' in markup
    assert rules.ERR_PERSON_MISSING in markup and rules.ERR_AUTHORITY_MISSING in markup  # the empty checklist
    # Without a lead unit there is nobody to choose yet; the authorities offered are the committee's bodies.
    person = markup[markup.index('id="field-responsible_person"') :].split("</select>")[0]
    assert "<option" in person and "Lê Văn Tổ" not in person
    authority = markup[markup.index('id="field-authority_unit"') :].split("</select>")[0]
    assert "Thường trực Thành ủy" in authority and "Ban Tổ chức Thành ủy" not in authority


def test_lead_unit_options_follow_the_lead_unit(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    response = client.get(reverse("tasks:lead_options") + f"?lead_unit={org.btc.pk}&responsible_person=")
    markup = page(response)
    assert response["HX-Trigger-After-Settle"] == "tasks-options-loaded"
    assert markup.count('hx-swap-oob="true"') == 2
    person = markup[: markup.index('id="field-authority_unit"')]
    assert "Lê Văn Tổ" in person and "Phạm Thị Chuyên" in person  # the head and the department's officer
    assert "Võ Văn Phú" not in person and "Hoàng Văn Kiểm" not in person
    authority = markup[markup.index('id="field-authority_unit"') :]
    for name in ["Thường trực Thành ủy", "Thành ủy Huế"]:
        assert name in authority
    assert "Văn phòng Thành ủy" not in authority and "Phú Xuân" not in authority
    # Văn phòng issues the task: the Ban it gives it to cannot decide it too (issue 16).
    assert "Ban Tổ chức Thành ủy" not in authority
    # A choice that still fits is kept.
    again = get(client, reverse("tasks:lead_options") + f"?lead_unit={org.btc.pk}&responsible_person={org.btc_head.pk}")
    assert f'<option value="{org.btc_head.pk}" selected>' in again


def test_live_check_names_gaps_and_saves_nothing(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    before = Task.objects.count()
    markup = page(client.post(reverse("tasks:check"), form_data(org, authority_unit="")))
    assert markup.lstrip().startswith('<section id="six-clears"')
    assert rules.ERR_AUTHORITY_MISSING in markup
    assert "Còn 1 mục chưa rõ" in markup
    complete = page(client.post(reverse("tasks:check"), form_data(org)))
    assert "Đủ 6 rõ" in complete
    vague = page(client.post(reverse("tasks:check"), form_data(org, content="Tăng cường.")))
    assert rules.ERR_CONTENT_TOO_SHORT in vague
    assert Task.objects.count() == before


def test_save_draft_then_save_and_issue(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    response = client.post(reverse("tasks:create"), {**form_data(org, authority_unit=""), "intent": "issue"})
    task = Task.objects.get()
    # Saved, but not issued: back to the draft, the gap named.
    assert response.status_code == 302 and response["Location"] == reverse("tasks:edit", args=[task.pk])
    markup = get(client, response["Location"])
    assert "Đã lưu dự thảo nhưng chưa giao được." in markup
    assert f"Rõ thẩm quyền: {rules.ERR_AUTHORITY_MISSING}" in markup
    assert task.state == TaskState.DRAFT and task.owner_unit == org.office
    response = client.post(
        reverse("tasks:edit", args=[task.pk]),
        {**form_data(org), "version": task.version, "task": task.pk, "intent": "issue"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("tasks:detail", args=[task.pk])
    task.refresh_from_db()
    assert task.state == TaskState.ISSUED
    assert task.authority_unit == org.standing
    assert set(task.coordinating_units.all()) == {org.office}


def test_create_from_a_directive_and_a_sub_task(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    parent = in_progress(org, make_draft)
    client = client_for(org.btc_head)
    markup = get(client, reverse("tasks:create") + f"?parent={parent.pk}")
    assert "Tạo nhiệm vụ con" in markup and f'name="parent" value="{parent.pk}"' in markup
    lead = markup[markup.index('id="field-lead_unit"') :].split("</select>")[0]
    assert "Phòng Tổ chức cán bộ" in lead and "Văn phòng Thành ủy" not in lead
    data = form_data(
        org,
        lead_unit=org.btc_dept.pk,
        coordinating_units=None,
        responsible_person=org.btc_officer.pk,
        authority_unit=org.btc.pk,
        supervising_leader=org.btc_head.pk,
        weight="2",
    )
    response = client.post(reverse("tasks:create") + f"?parent={parent.pk}", {**data, "parent": parent.pk})
    assert response.status_code == 302, page(response)
    sub = Task.objects.get(parent=parent)
    assert sub.owner_unit == org.btc and sub.lead_unit == org.btc_dept and sub.weight == 2
    assert "Nhiệm vụ con" in get(client, reverse("tasks:detail", args=[parent.pk]))
    # A directive id from the URL preselects it only if visible.
    assert 'name="directive"' in get(client_for(org.monitor), reverse("tasks:create") + "?directive=999999")


def test_a_stale_edit_says_someone_else_changed_it_and_keeps_the_input(
    org: Org, make_draft: MakeDraft, client_for: ClientFor
) -> None:
    task = make_draft()
    client = client_for(org.monitor)
    markup = get(client, reverse("tasks:edit", args=[task.pk]))
    assert f'name="version" value="{task.version}"' in markup
    task_update(acting_user=org.leader, task=task, changes={"title": "Tên do lãnh đạo sửa"})
    response = client.post(
        reverse("tasks:edit", args=[task.pk]),
        {**form_data(org, title="Tên tôi vừa gõ"), "version": task.version, "intent": "save"},
    )
    markup = page(response, 409)
    text = text_of(markup)
    assert "Đã có người khác thao tác trên nhiệm vụ này" in text
    assert ERR_STALE in text
    assert "Tên tôi vừa gõ" in markup  # the input is kept
    assert f'name="version" value="{task.version + 1}"' in markup  # saving again overwrites knowingly
    assert "Tên do lãnh đạo sửa" in text  # what changed meanwhile
    assert reverse("tasks:edit", args=[task.pk]) in markup  # reload link
    task.refresh_from_db()
    assert task.title == "Tên do lãnh đạo sửa"
    response = client.post(
        reverse("tasks:edit", args=[task.pk]),
        {**form_data(org, title="Tên tôi vừa gõ"), "version": task.version, "intent": "save"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Tên tôi vừa gõ"


def test_an_issued_task_is_not_edited(org: Org, make_draft: MakeDraft, client_for: ClientFor) -> None:
    task = issued(org, make_draft)
    response = client_for(org.monitor).get(reverse("tasks:edit", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tasks:detail", args=[task.pk])


def test_invalid_choices_are_named_inline(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    data = form_data(org, responsible_person=org.phuxuan_head.pk, authority_unit=org.phuxuan.pk, title="")
    markup = page(client.post(reverse("tasks:create"), {**data, "intent": "save"}))
    assert "Nhiệm vụ chưa được lưu" in markup
    assert markup.count('aria-invalid="true"') >= 3
    assert str(forms.ERR_PERSON_CHOICE) in markup and str(forms.ERR_AUTHORITY_CHOICE) in markup
    assert Task.objects.count() == 0


# --- every page, without inline code ------------------------------------------------------------------------


def test_every_task_page_renders_without_inline_code(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    draft = make_draft(authority_unit=None)
    task = in_progress(org, make_draft)
    submitted = in_progress(org, make_draft, title="Đã gửi sản phẩm")
    task_submit(acting_user=org.btc_officer, task=submitted, product_note="Sản phẩm")
    pages = [
        (org.monitor, reverse("tasks:list")),
        (org.monitor, reverse("tasks:list") + f"?q=ra&unit={org.btc.pk}&state=open&reporting=open_on_time&sort=-due"),
        (org.monitor, reverse("tasks:mine")),
        (org.btc_head, reverse("tasks:inbox")),
        (org.leader, reverse("tasks:inbox")),
        (org.monitor, reverse("tasks:detail", args=[draft.pk])),
        (org.btc_head, reverse("tasks:detail", args=[task.pk])),
        (org.leader, reverse("tasks:detail", args=[submitted.pk])),
        (org.monitor, reverse("tasks:create")),
        (org.btc_head, reverse("tasks:create") + f"?parent={task.pk}"),
        (org.monitor, reverse("tasks:edit", args=[draft.pk])),
        (org.monitor, reverse("tasks:lead_options") + f"?lead_unit={org.btc.pk}"),
    ]
    for user, url in pages:
        get(client_for(user), url)
    page(client_for(org.monitor).post(reverse("tasks:check"), form_data(org)))
    page(client_for(org.monitor).post(reverse("tasks:issue", args=[draft.pk]), {}), 422)
    assert ReportingState.OPEN_ON_TIME  # the enum the badges name


# --- the directive's page ------------------------------------------------------------------------------------


def test_directive_page_lists_its_tasks_and_offers_a_new_one(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    from sauro.directives.services import DirectiveInput, directive_create, term_create

    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=datetime.date(2025, 10, 1))
    directive = directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="KL",
            issuer_code="TU",
            issuing_unit_id=org.city.pk,
            issued_on=datetime.date(2026, 1, 9),
            summary="Kết luận hội nghị giao ban các cơ quan Đảng quý IV năm 2025",
        ),
    )
    task = issued(org, make_draft, title="Nhiệm vụ từ kết luận", directive=directive.pk)
    # The tasks app registers its panel on the directive page at start-up (apps.ready).
    markup = get(client_for(org.monitor), reverse("directives:detail", args=[directive.pk]))
    assert "Nhiệm vụ từ kết luận" in markup and reverse("tasks:detail", args=[task.pk]) in markup
    create = reverse("tasks:create") + f"?directive={directive.pk}"
    assert create in markup
    # The link prefills the directive as the source.
    form = get(client_for(org.monitor), create)
    assert re.search(rf'<option value="{directive.pk}" selected>', form)


# --- a search's result count and what it matched ----------------------------------------------------------------


def found(markup: str) -> int | None:
    match = re.search(r'class="search-summary" role="status" data-found="(\d+)"', markup)
    return int(match.group(1)) if match else None


def test_a_search_says_how_many_tasks_it_found_from_the_count_cards_query(
    org: Org, make_draft: MakeDraft, today: Clock, client_for: ClientFor
) -> None:
    plain = {"content": "Thực hiện theo kế hoạch.", "product_description": "Báo cáo"}
    issued(org, make_draft, title="Rà soát quy hoạch cán bộ", due_date=TODAY + D(days=5), **plain)
    issued(org, make_draft, title="RÀ SOÁT tiêu chuẩn chức danh", due_date=TODAY + D(days=40), **plain)
    issued(org, make_draft, title="Báo cáo công tác đảng viên", due_date=TODAY + D(days=40), **plain)
    make_draft(title="Rà soát dự thảo chưa giao", **plain)  # a draft: listed to its unit, no reporting state
    today.set(TODAY + D(days=10))
    client = client_for(org.monitor)
    query = "?q=ra+soat"
    # The first page comes without counting; the count arrives with the cards (one query for both).
    first = get(client, reverse("tasks:list") + query)
    assert found(first) is None
    counts = get(client, reverse("tasks:counts") + query)
    assert found(counts) == 3 == row_count(get(client, reverse("tasks:list") + query))
    assert "Tìm thấy <strong>3</strong> nhiệm vụ khớp với “ra soat”." in counts
    assert found(get(client, reverse("tasks:list") + query + "&dem=1")) == 3
    # With a reporting state chosen, the count is that card's.
    overdue = get(client, reverse("tasks:counts") + query + "&reporting=open_overdue")
    assert found(overdue) == 1
    # No search, but filters: the count of the filtered list; nothing filtered: no line.
    assert found(get(client, reverse("tasks:list") + f"?unit={org.btc.pk}")) == 4
    assert found(get(client, reverse("tasks:list"))) is None
    # The count of a search costs no query of its own: as many queries as the cards alone.
    with CaptureQueriesContext(connection) as with_search:
        get(client, reverse("tasks:counts") + query)
    with CaptureQueriesContext(connection) as other:
        get(client, reverse("tasks:counts") + "?q=bao+cao")
    assert len(with_search) == len(other)


def test_search_marks_the_words_found_whatever_their_accents_and_escapes_the_rest(
    org: Org, make_draft: MakeDraft, client_for: ClientFor
) -> None:
    plain = {"content": "Thực hiện theo kế hoạch.", "product_description": "Báo cáo"}
    issued(org, make_draft, title="Đánh giá <script>alert('x')</script> cán bộ", **plain)
    client = client_for(org.monitor)
    markup = get(client, reverse("tasks:list") + "?q=DANH+script")
    assert row_count(markup) == 1
    assert "<mark>Đánh</mark> giá &lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt;" in markup
    assert "<script>alert" not in markup
    # Typed with accents, found without regard to them.
    assert "<mark>Đánh</mark> <mark>giá</mark>" in get(client, reverse("tasks:list") + "?q=đánh+giá")
    # Without a search nothing is marked.
    assert "<mark>" not in get(client, reverse("tasks:list"))
