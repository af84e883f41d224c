"""The thread on a task's page: posting with a mention and a file, the body escaped, "(đã sửa)", the author's edit
and delete, the gate (404 outside the task, 403 for a reader who takes no part), a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sauro.discussions import services
from sauro.discussions.models import Comment
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.discussions.conftest import PDF


def detail(client: Client, task: Task) -> str:
    response = client.get(reverse("tasks:detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_posting_from_the_task_page(org: Org, task: Task, client_for: Any) -> None:
    client = client_for(org.btc_officer)
    markup = detail(client, task)
    assert "Gửi ý kiến trao đổi" in markup
    # The picker offers people who see the task (the Ban's head, the supervising Secretary), not the writer.
    assert "Lê Văn Tổ (@bantochuc)" in markup and "(@chuyenvien.btc)" not in markup
    response = client.post(
        reverse("discussions:post", args=[task.pk]),
        {
            "body": "Anh @bantochuc xem <b>dự thảo</b>\ndòng hai",
            "attachments": [SimpleUploadedFile("du-thao.pdf", PDF)],
        },
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nhiem-vu/{task.pk}/#trao-doi-{comment.pk}"
    markup = detail(client, task)
    # Plain text, escaped; the mention marked with the person's name; line breaks kept.
    assert "&lt;b&gt;dự thảo&lt;/b&gt;<br>dòng hai" in markup
    assert '<strong class="mention" title="Lê Văn Tổ">@bantochuc</strong>' in markup
    assert f'id="trao-doi-{comment.pk}"' in markup
    file_url = reverse("discussions:file", args=[comment.files.get().pk])
    assert file_url in markup
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert Notification.objects.filter(recipient=org.btc_head, kind=NotificationKind.MENTIONED).count() == 1


def test_a_refused_mention_shows_the_reason_and_keeps_the_text(org: Org, task: Task, client_for: Any) -> None:
    client = client_for(org.btc_officer)
    response = client.post(reverse("discussions:post", args=[task.pk]), {"body": "@phuxuan phối hợp"})
    assert response.status_code == 422
    markup = response.content.decode()
    assert services.ERR_MENTION_OUTSIDER.format(username="phuxuan") in markup
    assert "@phuxuan phối hợp</textarea>" in markup
    assert not Comment.objects.exists()


def test_the_author_edits_and_the_page_says_edited(org: Org, task: Task, client_for: Any, moment: Any) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Bản đầu")
    client = client_for(org.btc_officer)
    edit_url = reverse("discussions:edit", args=[comment.pk])
    assert client.get(edit_url).status_code == 200
    moment(3)
    response = client.post(edit_url, {"body": "Bản sửa", "version": 1})
    assert response.status_code == 302
    markup = detail(client, task)
    assert "Bản sửa" in markup and "(đã sửa)" in markup
    # A stale form is a conflict, shown with its reason.
    stale = client.post(edit_url, {"body": "Bản khác", "version": 1})
    assert stale.status_code == 409 and services.ERR_STALE in stale.content.decode()


def test_another_person_may_not_edit_or_delete(org: Org, task: Task, client_for: Any) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Của tôi")
    head = client_for(org.btc_head)
    assert "discussions:edit" not in detail(head, task)
    assert reverse("discussions:edit", args=[comment.pk]) not in detail(head, task)
    assert head.get(reverse("discussions:edit", args=[comment.pk])).status_code == 403
    assert head.post(reverse("discussions:edit", args=[comment.pk]), {"body": "x", "version": 1}).status_code == 403
    assert head.post(reverse("discussions:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Của tôi" and not comment.deleted


def test_the_author_deletes(org: Org, task: Task, client_for: Any) -> None:
    comment = services.comment_post(
        acting_user=org.btc_officer, task=task, body="Nhầm", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    file_url = reverse("discussions:file", args=[comment.files.get().pk])
    client = client_for(org.btc_officer)
    assert client.post(reverse("discussions:delete", args=[comment.pk])).status_code == 302
    markup = detail(client, task)
    assert "Ý kiến này đã được người viết xóa." in markup and "Nhầm" not in markup
    assert client.get(file_url).status_code == 404


def test_outsiders_get_404_and_readers_who_take_no_part_get_no_form(org: Org, task: Task, client_for: Any) -> None:
    comment = services.comment_post(
        acting_user=org.btc_officer, task=task, body="Nội bộ", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    outsider = client_for(org.phuxuan_head)
    for url in (
        reverse("discussions:thread", args=[task.pk]),
        reverse("discussions:edit", args=[comment.pk]),
        reverse("discussions:file", args=[comment.files.get().pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(reverse("discussions:post", args=[task.pk]), {"body": "x"}).status_code == 404
    assert outsider.post(reverse("discussions:delete", args=[comment.pk])).status_code == 404
    inspector = client_for(org.inspector)
    markup = detail(inspector, task)
    assert "Nội bộ" in markup and "Gửi ý kiến trao đổi" not in markup
    assert inspector.post(reverse("discussions:post", args=[task.pk]), {"body": "x"}).status_code == 403


def test_the_thread_page_pages_oldest_first(org: Org, task: Task, client_for: Any, moment: Any) -> None:
    from sauro.discussions import selectors

    for i in range(selectors.PAGE_SIZE + 2):
        moment(i)
        services.comment_post(acting_user=org.btc_officer, task=task, body=f"Ý kiến số {i:03d}")
    client = client_for(org.btc_head)
    first = client.get(reverse("discussions:thread", args=[task.pk])).content.decode()
    assert "Ý kiến số 000" in first and "Ý kiến số 051" not in first and 'rel="next"' in first
    # The task page shows the latest ones and links to the whole thread.
    markup = detail(client, task)
    assert "Ý kiến số 051" in markup and "Ý kiến số 000" not in markup and "Xem toàn bộ trao đổi" in markup


def test_the_thread_costs_a_fixed_number_of_queries(
    org: Org, task: Task, client_for: Any, django_assert_num_queries: Any
) -> None:
    """However many comments, mentions and files, the task page costs the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.btc_officer)
    url = reverse("tasks:detail", args=[task.pk])
    services.comment_post(acting_user=org.btc_head, task=task, body="Một @chuyenvien.btc")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(10):
        services.comment_post(
            acting_user=org.btc_head,
            task=task,
            body=f"Ý kiến {i} @chuyenvien.btc @bithu",
            files=[SimpleUploadedFile(f"{i}.pdf", PDF)],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
