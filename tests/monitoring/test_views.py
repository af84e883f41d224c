"""Monitoring on the pages: the actions on a task's page (progress update with files, obstacle with its mandatory
proposal, the answer, the delivery-confidence rating) offered only to who may take them and refused to a forged
post; the sections they fill; the file download; the obstacles page (oldest first, filters, counts, the
visibility gate); the confidence badge in the task lists; the directive's overall progress."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.common.uploads import ERR_FILE_CONTENT
from sauro.monitoring import services
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import Obstacle, ProgressAttachment, ProgressUpdate
from sauro.monitoring.services import (
    confidence_rate,
    obstacle_answer,
    obstacle_create,
    obstacle_escalate,
    progress_update_create,
)
from sauro.tasks.models import Task
from sauro.tasks.selectors import directive_rollup_progress
from sauro.tasks.services import task_accept, task_create, task_issue
from tests.common import files
from tests.common.test_security import inline_code
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, complete_fields

ClientFor = Callable[[User], Client]
InProgress = Callable[..., Task]
D = datetime.timedelta
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
# Session, user, scope, unit filter, units' paths, counts, one page, calendar, the shell: whatever the number.
OBSTACLES_QUERIES = 16

DESCRIPTION = "Chưa có hướng dẫn của Trung ương về số lượng cấp phó của các ban sau hợp nhất."
PROPOSAL = "Đề nghị Thường trực Thành ủy cho phép tạm giữ nguyên số lượng cấp phó hiện có."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:3000])
    text = response.content.decode()
    assert inline_code(text) == [], inline_code(text)
    assert not re.search(r"\sstyle\s*=", text)
    return text


def get(client: Client, url: str, status: int = 200) -> str:
    return page(client.get(url), status)


def text_of(markup: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def action_urls(markup: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="/nhiem-vu/\d+/([a-z-]+)/"', markup))


def detail(task: Task) -> str:
    return reverse("tasks:detail", args=[task.pk])


def ancuu_task(org: Org, make_draft: Callable[..., Task], **overrides: Any) -> Task:
    """A task led by phường An Cựu (its head responsible), in progress."""
    fields = {
        "title": "Kiện toàn chi bộ khu vực 3 phường An Cựu",
        "lead_unit": org.ancuu.pk,
        "responsible_person": org.ancuu_head.pk,
        "coordinating_units": [],
        **overrides,
    }
    task = task_issue(acting_user=org.monitor, task=make_draft(**fields))
    return task_accept(acting_user=org.ancuu_head, task=task, officer_ids=[org.ancuu_officer.pk])


def raise_obstacle(
    org: Org, task: Task, user: User | None = None, decider: Any = None, text: str = DESCRIPTION
) -> Obstacle:
    return obstacle_create(
        acting_user=user or org.btc_officer,
        task=task,
        description=text,
        proposal=PROPOSAL,
        decider_unit_id=(decider or org.standing).pk,
    )


# --- who is offered what, and forged posts --------------------------------------------------------------------


def test_each_action_is_offered_only_to_who_may_take_it(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    url = detail(task)
    officer = get(client_for(org.btc_officer), url)
    assert {"cap-nhat-tien-do", "bao-cao-vuong-mac"} <= action_urls(officer)
    assert "danh-gia-kha-nang" not in action_urls(officer)
    monitor = get(client_for(org.monitor), url)
    assert action_urls(monitor) == {"danh-gia-kha-nang", "trong-tam"}  # the office also flags it "trọng tâm"
    # The leader answers obstacles addressed to the Standing Committee, nothing yet.
    assert "tra-loi-vuong-mac" not in action_urls(get(client_for(org.leader), url))
    raise_obstacle(org, task)
    leader = get(client_for(org.leader), url)
    assert "tra-loi-vuong-mac" in action_urls(leader)
    assert "tra-loi-vuong-mac" not in action_urls(get(client_for(org.btc_officer), url))
    # The progress form sends files; the obstacle form does not block a missing proposal in the browser.
    assert 'enctype="multipart/form-data"' in officer
    proposal = re.search(r"<textarea[^>]*name=\"raise_obstacle-proposal\"[^>]*>", officer)
    assert proposal is not None and "required" not in proposal.group(0)
    assert 'accept=".pdf,.doc,.docx' in officer


def test_forged_posts_are_refused_like_the_tasks_own_actions(
    org: Org, in_progress: InProgress, make_draft: Callable[..., Task], today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task)
    # The office is not working on the task: 403 with the reason, nothing written.
    response = client_for(org.monitor).post(
        reverse("tasks:progress", args=[task.pk]), {"progress-done": "Giả mạo", "progress-percent": "90"}
    )
    assert services.ERR_NOT_WORKER in text_of(page(response, 403))
    assert not ProgressUpdate.objects.exists()
    # The officer may not rate, nor answer.
    response = client_for(org.btc_officer).post(
        reverse("tasks:rate_confidence", args=[task.pk]), {"rate_confidence-level": "red"}
    )
    assert services.ERR_NOT_MONITOR in text_of(page(response, 403))
    response = client_for(org.btc_officer).post(
        reverse("tasks:answer_obstacle", args=[task.pk]),
        {"answer_obstacle-obstacle": obstacle.pk, "answer_obstacle-answer": "Tự trả lời"},
    )
    assert services.ERR_NOT_ANSWERER in text_of(page(response, 403))
    # Another unit's head does not see the task at all: 404, for each action.
    other = client_for(org.ancuu_head)
    for name in ("progress", "raise_obstacle", "answer_obstacle", "rate_confidence"):
        assert other.post(reverse(f"tasks:{name}", args=[task.pk]), {}).status_code == 404
    # An obstacle of another task, posted through this one: 404.
    foreign = raise_obstacle(org, ancuu_task(org, make_draft), user=org.ancuu_head)
    response = client_for(org.leader).post(
        reverse("tasks:answer_obstacle", args=[task.pk]),
        {"answer_obstacle-obstacle": foreign.pk, "answer_obstacle-answer": "Trả lời nhầm nhiệm vụ"},
    )
    assert response.status_code == 404
    obstacle.refresh_from_db()
    foreign.refresh_from_db()
    assert obstacle.state == foreign.state == ObstacleState.OPEN
    # A draft has no monitoring actions.
    draft = make_draft()
    response = client_for(org.monitor).post(
        reverse("tasks:rate_confidence", args=[draft.pk]), {"rate_confidence-level": "red"}
    )
    assert services.ERR_NOT_RATEABLE in text_of(page(response, 409))


# --- progress updates and their files -------------------------------------------------------------------------


def test_progress_update_with_indicators_and_files_shows_up_and_downloads(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    client = client_for(org.btc_officer)
    form = get(client, detail(task))
    assert 'name="progress-percent" value="0"' in form  # the current progress
    response = client.post(
        reverse("tasks:progress", args=[task.pk]),
        {
            "progress-done": "Đã rà soát 12/20 hồ sơ quy hoạch.",
            "progress-next_steps": "Hoàn thành rà soát 8 hồ sơ còn lại.",
            "progress-percent": "60",
            "progress-indicator_name_1": "Hồ sơ đã rà soát",
            "progress-indicator_value_1": "12",
            "progress-indicator_unit_1": "hồ sơ",
            "progress-attachments": [
                SimpleUploadedFile("Báo cáo tiến độ.pdf", PDF, content_type="application/octet-stream"),
                SimpleUploadedFile("danh-sach.pdf", PDF),
            ],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    markup = get(client, detail(task))
    text = text_of(markup)
    assert "Đã gửi cập nhật tiến độ: 60%." in text
    assert "Đã rà soát 12/20 hồ sơ quy hoạch." in text and "Hoàn thành rà soát 8 hồ sơ còn lại." in text
    assert "Hồ sơ đã rà soát 12 hồ sơ" in text
    assert "Tiến độ 0% → 60%" in text  # the timeline
    update = ProgressUpdate.objects.get()
    assert update.percent == 60 and update.indicators == [{"name": "Hồ sơ đã rà soát", "value": "12", "unit": "hồ sơ"}]
    first = ProgressAttachment.objects.get(original_name="Báo cáo tiến độ.pdf")
    url = reverse("monitoring:progress_attachment", args=[first.pk])
    assert f'href="{url}"' in markup
    # The file, as a download, with the content type found on upload.
    response = client_for(org.monitor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    # Someone who does not see the task: 404.
    assert client_for(org.ancuu_head).get(url).status_code == 404
    assert client_for(org.monitor).get(reverse("monitoring:progress_attachment", args=[9999])).status_code == 404


def test_a_renamed_program_is_refused_and_the_text_is_kept(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    response = client_for(org.btc_officer).post(
        reverse("tasks:progress", args=[task.pk]),
        {
            "progress-done": "Kết quả viết rất kỹ của chuyên viên.",
            "progress-percent": "30",
            "progress-attachments": [SimpleUploadedFile("bao-cao.pdf", EXE)],
        },
    )
    markup = page(response, 422)
    assert str(ERR_FILE_CONTENT).format(name="bao-cao.pdf", label="PDF", ext=".pdf") in text_of(markup)
    assert "Kết quả viết rất kỹ của chuyên viên." in markup
    assert 'id="thao-tac-progress" open' in markup
    assert not ProgressUpdate.objects.exists() and not ProgressAttachment.objects.exists()


def test_a_bad_percent_is_named_next_to_the_field(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    response = client_for(org.btc_officer).post(
        reverse("tasks:progress", args=[task.pk]), {"progress-done": "Có kết quả", "progress-percent": "150"}
    )
    markup = page(response, 200)
    assert services.ERR_PERCENT in text_of(markup)
    assert 'aria-invalid="true"' in markup
    # An indicator value without its name is refused by the service, the rest kept.
    response = client_for(org.btc_officer).post(
        reverse("tasks:progress", args=[task.pk]),
        {"progress-done": "Có kết quả", "progress-percent": "20", "progress-indicator_value_2": "7"},
    )
    assert services.ERR_INDICATOR in text_of(page(response, 422))
    assert not ProgressUpdate.objects.exists()


# --- obstacles ------------------------------------------------------------------------------------------------


def test_an_obstacle_without_a_proposal_gets_the_servers_message_and_keeps_the_description(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    client = client_for(org.btc_officer)
    form = get(client, detail(task))
    # The authority is the default body asked; the choices are the lead unit and above.
    assert re.search(rf'<option value="{org.standing.pk}" selected>Thường trực Thành ủy</option>', form)
    assert f'<option value="{org.btc.pk}">Ban Tổ chức Thành ủy</option>' in form
    assert f'<option value="{org.ancuu.pk}"' not in form
    url = reverse("tasks:raise_obstacle", args=[task.pk])
    data = {"raise_obstacle-description": DESCRIPTION, "raise_obstacle-decider_unit": org.standing.pk}
    markup = page(client.post(url, data), 422)
    field = markup[markup.index('id="field-raise_obstacle-proposal"') :]
    field = field[: field.index("</div>")]
    assert html_lib.escape(services.ERR_PROPOSAL_REQUIRED) in field or services.ERR_PROPOSAL_REQUIRED in field
    assert DESCRIPTION in markup  # kept in the form
    assert not Obstacle.objects.exists()
    # With the proposal it goes; the page shows it, open, with its response date.
    response = client.post(url, {**data, "raise_obstacle-proposal": PROPOSAL})
    assert response.status_code == 302
    obstacle = Obstacle.objects.get()
    markup = get(client, detail(task))
    text = text_of(markup)
    assert f'id="vuong-mac-{obstacle.pk}"' in markup
    assert PROPOSAL in text and "Chờ trả lời" in text
    assert f"{obstacle.response_due_on:%d/%m/%Y}" in text
    assert "Đề nghị Thường trực Thành ủy cho ý kiến" in text  # the timeline


def test_the_body_asked_answers_and_the_answer_shows_up(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task)
    today.set(TODAY + D(days=3))
    client = client_for(org.leader)
    markup = get(client, detail(task))
    panel = markup[markup.index(f'id="tra-loi-vuong-mac-{obstacle.pk}"') :]
    panel = text_of(panel[: panel.index("</details>")])
    assert "Trả lời khó khăn, vướng mắc" in panel
    assert DESCRIPTION in panel and PROPOSAL in panel and "Phạm Thị Chuyên" in panel
    assert "đã 3 ngày làm việc" in panel
    assert f"{obstacle.response_due_on:%d/%m/%Y}" in panel
    url = reverse("tasks:answer_obstacle", args=[task.pk])
    # An empty answer is named; nothing changes.
    response = client.post(url, {"answer_obstacle-obstacle": obstacle.pk, "answer_obstacle-answer": " "})
    assert services.ERR_ANSWER_REQUIRED in text_of(page(response, 200))
    answer = "Thống nhất tạm giữ nguyên số lượng cấp phó."
    response = client.post(url, {"answer_obstacle-obstacle": obstacle.pk, "answer_obstacle-answer": answer})
    assert response.status_code == 302
    markup = get(client_for(org.btc_officer), detail(task))
    text = text_of(markup)
    assert answer in text and "Đã trả lời" in text and "Nguyễn Văn Bí" in text
    assert "Trả lời khó khăn, vướng mắc" in text  # the timeline
    assert "tra-loi-vuong-mac" not in action_urls(get(client, detail(task)))
    # Answered meanwhile by someone else: a conflict, said so.
    second = raise_obstacle(org, task, text="Thiếu kinh phí tổ chức hội nghị.")
    obstacle_answer(acting_user=org.leader, obstacle=second, answer="Đã bố trí")
    response = client.post(url, {"answer_obstacle-obstacle": second.pk, "answer_obstacle-answer": "Lần nữa"})
    assert services.ERR_ALREADY_ANSWERED in text_of(page(response, 409))


def test_an_overdue_obstacle_is_marked_and_its_escalation_shown(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    obstacle = raise_obstacle(org, task, decider=org.btc)

    def item() -> str:
        markup = get(client_for(org.btc_officer), detail(task))
        found = markup[markup.index(f'id="vuong-mac-{obstacle.pk}"') :]
        return found[: found.index("</li>")]

    assert "Quá hạn" not in text_of(item()) and "is-overdue" not in item()
    # Past its response date: red, with the words.
    today.set(obstacle.response_due_on + D(days=1))
    assert "is-overdue" in item() and "Quá hạn" in text_of(item())
    # Moved one level up: who it waits on now, and the level, with a new response date.
    obstacle_escalate(obstacle_id=obstacle.pk, as_of=today.day)
    obstacle.refresh_from_db()
    text = text_of(item())
    assert f"Đang chờ ý kiến của {obstacle.waiting_on.name}" in text
    assert "Đã chuyển lên: Cấp trên trực tiếp" in text
    assert f"{obstacle.response_due_on:%d/%m/%Y}" in text and "Quá hạn" not in text


# --- delivery confidence -------------------------------------------------------------------------------------


def test_the_office_rates_confidence_and_the_badge_shows_in_the_header_and_lists(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    client = client_for(org.monitor)
    form = get(client, detail(task))
    for label in ("Xanh", "Xanh - vàng", "Vàng", "Vàng - đỏ", "Đỏ"):
        assert f">{label}</span>" in form
    assert "Tự xác định theo lần đánh giá trước" in form
    url = reverse("tasks:rate_confidence", args=[task.pk])
    assert (
        client.post(url, {"rate_confidence-level": "amber", "rate_confidence-note": "Chậm thu thập hồ sơ"}).status_code
        == 302
    )
    assert client.post(url, {"rate_confidence-level": "red", "rate_confidence-trend": ""}).status_code == 302
    markup = get(client, detail(task))
    header = markup[markup.index('class="task-badges"') :]
    header = header[: header.index("</p>")]
    assert "confidence--red" in header and "Khả năng hoàn thành: Đỏ" in text_of(header) and "Xấu đi" in header
    text = text_of(markup)
    assert "Chậm thu thập hồ sơ" in text  # the history
    assert "Khả năng hoàn thành: Vàng → Đỏ (xấu đi)" in text  # the timeline
    # In the task lists, with its name.
    for listing_url in (reverse("tasks:list"), reverse("tasks:mine")):
        listing = get(client_for(org.btc_officer), listing_url)
        row = listing[listing.index("<tbody>") : listing.index("</tbody>")]
        assert "confidence--red" in row and "Đỏ ↘ Xấu đi" in text_of(row)
    # A bad level is refused with the service's words.
    response = client.post(url, {"rate_confidence-level": "tim"})
    assert services.ERR_LEVEL in text_of(page(response, 200))


# --- the obstacles page ---------------------------------------------------------------------------------------


def test_obstacles_page_oldest_first_with_filters_counts_and_the_gate(
    org: Org, in_progress: InProgress, make_draft: Callable[..., Task], today: Clock, client_for: ClientFor
) -> None:
    btc_task = in_progress(title="Rà soát quy hoạch cán bộ diện Ban Thường vụ quản lý")
    old = raise_obstacle(org, btc_task, text="Vướng mắc cũ nhất")
    today.set(TODAY + D(days=1))
    ancuu = ancuu_task(org, make_draft)
    to_ward = raise_obstacle(org, ancuu, user=org.ancuu_head, decider=org.ancuu, text="Vướng mắc của phường")
    today.set(TODAY + D(days=2))
    answered = raise_obstacle(org, btc_task, text="Vướng mắc đã có trả lời")
    obstacle_answer(acting_user=org.leader, obstacle=answered, answer="Đồng ý đề xuất")
    today.set(TODAY + D(days=3))
    newest = raise_obstacle(org, btc_task, decider=org.btc, text="Vướng mắc mới nhất")
    url = reverse("monitoring:obstacles")

    # The office sees every open one, the oldest first, with counts.
    markup = get(client_for(org.monitor), url)
    text = text_of(markup)
    order = [text.index(t) for t in ("Vướng mắc cũ nhất", "Vướng mắc của phường", "Vướng mắc mới nhất")]
    assert order == sorted(order)
    assert "Vướng mắc đã có trả lời" not in text
    counts = dict(re.findall(r'obstacle-count--(\w+).*?task-count-number">(\d+)<', markup, re.S))
    assert counts == {"open": "3", "overdue": "0", "answered": "1"}
    assert f"{reverse('tasks:detail', args=[btc_task.pk])}#vuong-mac-{old.pk}" in markup
    assert "3 ngày làm việc" in text  # the oldest, raised on Monday, seen on Thursday
    # State filter.
    assert "Vướng mắc đã có trả lời" in text_of(get(client_for(org.monitor), url + "?state=answered"))
    everything = text_of(get(client_for(org.monitor), url + "?state=all"))
    assert all(t in everything for t in ("Vướng mắc cũ nhất", "Vướng mắc đã có trả lời", "Vướng mắc mới nhất"))
    # Unit filter.
    ward = text_of(get(client_for(org.monitor), url + f"?unit={org.ancuu.pk}"))
    assert "Vướng mắc của phường" in ward and "Vướng mắc cũ nhất" not in ward
    # What waits for my unit: the leader (Standing Committee) has the oldest only; Ban Tổ chức's head the newest.
    mine = text_of(get(client_for(org.leader), url + "?mine=on"))
    assert "Vướng mắc cũ nhất" in mine and "Vướng mắc mới nhất" not in mine and "Vướng mắc của phường" not in mine
    head = text_of(get(client_for(org.btc_head), url + "?mine=on"))
    assert "Vướng mắc mới nhất" in head and "Vướng mắc cũ nhất" not in head
    # Overdue only, once the response dates pass.
    assert "Không có khó khăn, vướng mắc nào phù hợp" in text_of(get(client_for(org.monitor), url + "?overdue=on"))
    today.set(old.response_due_on + D(days=1))
    overdue = get(client_for(org.monitor), url + "?overdue=on")
    assert "Vướng mắc cũ nhất" in text_of(overdue) and "Quá hạn" in text_of(overdue) and "is-overdue" in overdue
    assert ("Vướng mắc mới nhất" in text_of(overdue)) == (newest.response_due_on < today.day)

    # Another unit sees none of Ban Tổ chức's; An Cựu sees its own.
    assert "Vướng mắc cũ nhất" not in text_of(get(client_for(org.phuxuan_head), url))
    assert "Không có khó khăn, vướng mắc nào đang chờ trả lời" in text_of(get(client_for(org.phuxuan_head), url))
    own = text_of(get(client_for(org.ancuu_officer), url))
    assert "Vướng mắc của phường" in own and "Vướng mắc cũ nhất" not in own
    assert to_ward.pk
    # A bad value in the URL is named, not a 500.
    assert "Một số điều kiện lọc không hợp lệ" in text_of(get(client_for(org.monitor), url + "?unit=abc&state=x"))


def test_obstacles_page_query_count_does_not_grow_and_pages_by_50(
    org: Org,
    in_progress: InProgress,
    today: Clock,
    client_for: ClientFor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    task = in_progress()
    raise_obstacle(org, task)
    client = client_for(org.monitor)
    url = reverse("monitoring:obstacles") + f"?unit={org.btc.pk}&mine=on&state=all"
    client.get(url)
    with django_assert_max_num_queries(OBSTACLES_QUERIES):
        get(client, url)
    for i in range(54):
        raise_obstacle(org, task, decider=org.btc if i % 2 else org.standing, text=f"Vướng mắc số {i}")
    with django_assert_max_num_queries(OBSTACLES_QUERIES):
        markup = get(client, reverse("monitoring:obstacles"))
    assert markup.count('class="task-title"') == 50
    assert "Trang 1/2" in text_of(markup)
    second = get(client, reverse("monitoring:obstacles") + "?page=2")
    assert second.count('class="task-title"') == 5


def test_nav_has_the_obstacles_entry_for_everybody(org: Org, today: Clock, client_for: ClientFor) -> None:
    for user in (org.ancuu_officer, org.leader):
        markup = get(client_for(user), reverse("home"))
        nav = markup[markup.index('class="main-nav"') :]
        assert f'href="{reverse("monitoring:obstacles")}"' in nav and "Khó khăn, vướng mắc" in nav
    markup = get(client_for(org.ancuu_officer), reverse("monitoring:obstacles"))
    assert 'aria-current="page">Khó khăn, vướng mắc' in markup


# --- the directive's overall progress ------------------------------------------------------------------------


def test_directive_rollup_weighs_top_level_tasks_and_their_sub_tasks(
    org: Org, in_progress: InProgress, make_draft: Callable[..., Task], today: Clock, client_for: ClientFor
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
    assert directive_rollup_progress(directive=directive) is None
    first = in_progress(title="Nhiệm vụ thứ nhất", directive=directive.pk)
    second = in_progress(title="Nhiệm vụ thứ hai", directive=directive.pk)
    make_draft(title="Dự thảo không tính", directive=directive.pk)
    Task.objects.filter(pk=first.pk).update(weight=Decimal("3"))
    progress_update_create(acting_user=org.btc_officer, task=second, done="Xong một nửa", percent=50)
    # The first is split in two sub-tasks at 100% and 20%: it counts 60%.
    subs = []
    for i in range(2):
        sub = task_create(
            acting_user=org.btc_head,
            owner_unit=org.btc,
            parent=first,
            fields=complete_fields(
                org,
                title=f"Nhiệm vụ con {i}",
                directive=directive.pk,
                lead_unit=org.btc_dept.pk,
                coordinating_units=[],
                supervising_leader=None,
                authority_unit=org.btc.pk,
            ),
        )
        subs.append(sub)
    Task.objects.filter(pk=subs[0].pk).update(progress=100)
    Task.objects.filter(pk=subs[1].pk).update(progress=20)
    # (3 × 60 + 1 × 50) / 4 = 57.5 → 58
    assert directive_rollup_progress(directive=directive) == 58
    # The tasks app's panel, registered at start-up (apps.ready).
    markup = get(client_for(org.monitor), reverse("directives:detail", args=[directive.pk]))
    assert "Tiến độ chung" in markup and 'value="58"' in markup


# --- every new page without inline code -----------------------------------------------------------------------


def test_every_monitoring_page_renders_without_inline_code(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    progress_update_create(
        acting_user=org.btc_officer,
        task=task,
        done="Đã rà soát",
        percent=40,
        indicators=[{"name": "Hồ sơ", "value": "12", "unit": "hồ sơ"}],
        files=[SimpleUploadedFile("a.pdf", PDF)],
    )
    raise_obstacle(org, task)
    answered = raise_obstacle(org, task, text="Đã có ý kiến")
    obstacle_answer(acting_user=org.leader, obstacle=answered, answer="Đồng ý")
    confidence_rate(acting_user=org.monitor, task=task, level="green_amber", note="Theo dõi thêm")
    for user in (org.btc_officer, org.leader, org.monitor, org.btc_head):
        get(client_for(user), detail(task))
    for query in ("", "?state=all", "?state=answered&overdue=on&mine=on", f"?unit={org.btc.pk}", "?page=9"):
        get(client_for(org.monitor), reverse("monitoring:obstacles") + query)
    # The refused forms too.
    page(client_for(org.btc_officer).post(reverse("tasks:raise_obstacle", args=[task.pk]), {}), 422)
    page(client_for(org.monitor).post(reverse("tasks:rate_confidence", args=[task.pk]), {}), 200)


def test_an_active_pdf_or_a_zip_bomb_is_refused_on_the_progress_form(
    org: Org, in_progress: InProgress, today: Clock, client_for: ClientFor
) -> None:
    task = in_progress()
    for name, content, message in (
        (
            "to-trinh.pdf",
            files.pdf_bytes(object_stream=files.JS_ACTION),
            "Không nhận tệp “to-trinh.pdf”: tệp PDF có mã JavaScript.",
        ),
        ("bom.docx", files.deep_member_docx(), "Không nhận tệp “bom.docx”: thành phần “word/media/image1.png” nén"),
    ):
        response = client_for(org.btc_officer).post(
            reverse("tasks:progress", args=[task.pk]),
            {
                "progress-done": "Kết quả trong kỳ.",
                "progress-percent": "30",
                "progress-attachments": [SimpleUploadedFile("bien-ban.pdf", PDF), SimpleUploadedFile(name, content)],
            },
        )
        assert message in text_of(page(response, 422))
    assert not ProgressUpdate.objects.exists() and not ProgressAttachment.objects.exists()
