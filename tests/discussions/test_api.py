"""The discussion over the API: list, post (multipart with files), edit (PATCH with version), delete."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sauro.audit.models import AuditEntry
from sauro.discussions import services
from sauro.discussions.models import Comment
from sauro.notifications.models import Notification
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.discussions.conftest import PDF


def url(task: Task) -> str:
    return f"/api/v1/tasks/{task.pk}/comments"


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_post_with_a_file_and_a_mention_then_list(org: Org, task: Task, client_for: Any) -> None:
    client = client_for(org.btc_officer)
    response = client.post(
        url(task), {"body": "Gửi @bantochuc bản dự thảo", "files": [SimpleUploadedFile("du-thao.pdf", PDF)]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body"] == "Gửi @bantochuc bản dự thảo"
    assert [m["username"] for m in body["mentions"]] == ["bantochuc"]
    (attachment,) = body["files"]
    assert attachment["name"] == "du-thao.pdf" and attachment["content_type"] == "application/pdf"
    assert client.get(attachment["url"]).status_code == 200
    assert Notification.objects.filter(recipient=org.btc_head, kind="mentioned").count() == 1
    listed = client_for(org.inspector).get(url(task)).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]] and listed["next_cursor"] is None


def test_a_mention_of_an_outsider_is_a_422(org: Org, task: Task, client_for: Any) -> None:
    response = client_for(org.btc_officer).post(url(task), {"body": "@phuxuan xem giúp"})
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "mention_outsider"
    assert error["message"] == services.ERR_MENTION_OUTSIDER.format(username="phuxuan")
    assert not Comment.objects.exists()


def test_the_gate(org: Org, task: Task, client_for: Any) -> None:
    assert client_for(org.phuxuan_head).get(url(task)).status_code == 404
    assert client_for(org.phuxuan_head).post(url(task), {"body": "x"}).status_code == 404
    assert client_for(org.inspector).post(url(task), {"body": "x"}).status_code == 403


def test_edit_with_version_and_delete(org: Org, task: Task, client_for: Any) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Bản đầu")
    path = f"/api/v1/comments/{comment.pk}"
    author = client_for(org.btc_officer)
    assert patch(client_for(org.btc_head), path, {"body": "Của tôi", "version": 1}).status_code == 403
    assert patch(client_for(org.phuxuan_head), path, {"body": "x", "version": 1}).status_code == 404
    missing = patch(author, path, {"body": "Không có phiên bản"})
    assert missing.status_code == 422 and "version" in missing.json()["fields"]
    response = patch(author, path, {"body": "Bản sửa", "version": 1})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["version"], response.json()["edited"]) == ("Bản sửa", 2, True)
    stale = patch(author, path, {"body": "Bản khác", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    entry = AuditEntry.objects.filter(action="discussion.comment_edit").get()
    assert (entry.before[services.BODY], entry.after[services.BODY]) == ("Bản đầu", "Bản sửa")
    assert client_for(org.btc_head).delete(path).status_code == 403
    assert author.delete(path).status_code == 204
    assert author.delete(path).status_code == 409
    (row,) = author.get(url(task)).json()["items"]
    assert row["deleted"] is True and row["body"] == "" and row["files"] == []
