"""Posting, editing and deleting comments: who may, what mentions do, what files may be, what the journal keeps."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.discussions import access, services
from sauro.discussions.models import Comment
from sauro.notifications.choices import NotificationKind
from sauro.notifications.models import Notification
from sauro.tasks.choices import Classification
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.discussions.conftest import PDF


def mentions_of(person: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=NotificationKind.MENTIONED))


def test_a_comment_is_posted_and_journalled(org: Org, task: Task) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="  Đã gửi công văn xin ý kiến.  ")
    assert (comment.body, comment.author_id, comment.version, comment.deleted) == (
        "Đã gửi công văn xin ý kiến.",
        org.btc_officer.pk,
        1,
        False,
    )
    entry = AuditEntry.objects.filter(action="discussion.comment_post").get()
    assert entry.after[services.BODY] == "Đã gửi công văn xin ý kiến."
    assert entry.actor_id == org.btc_officer.pk


def test_a_mention_notifies_with_a_link_to_the_comment(org: Org, task: Task) -> None:
    comment = services.comment_post(
        acting_user=org.btc_officer, task=task, body="@bantochuc anh xem giúp danh sách, cảm ơn @bithu."
    )
    assert set(comment.mentions.values_list("username", flat=True)) == {"bantochuc", "bithu"}
    (notice,) = mentions_of(org.btc_head)
    assert notice.url == f"/nhiem-vu/{task.pk}/#trao-doi-{comment.pk}"
    assert notice.task_id == task.pk
    assert "Phạm Thị Chuyên nhắc đến bạn" in notice.title and task.title in notice.title
    assert len(mentions_of(org.leader)) == 1
    # The writer mentioning themselves is not told; an e-mail address is no mention.
    services.comment_post(acting_user=org.btc_head, task=task, body="Tôi @bantochuc, thư: bantochuc@hue.gov.vn")
    assert len(mentions_of(org.btc_head)) == 1


def test_a_picked_person_is_mentioned_too(org: Org, task: Task) -> None:
    services.comment_post(acting_user=org.btc_officer, task=task, body="Xin ý kiến.", mention_ids=[org.leader.pk])
    assert len(mentions_of(org.leader)) == 1


def test_mentioning_someone_who_cannot_see_the_task_is_refused(org: Org, task: Task) -> None:
    assert not access.sees_task(org.phuxuan_head, task)
    with pytest.raises(ValidationFailed) as refused:
        services.comment_post(acting_user=org.btc_officer, task=task, body="@phuxuan anh phối hợp nhé")
    assert refused.value.message == services.ERR_MENTION_OUTSIDER.format(username="phuxuan")
    assert refused.value.fields == {"body": refused.value.message}
    # Nothing was written, nobody outside the task learned its title.
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(recipient=org.phuxuan_head).exists()
    # An unknown name gets the very same answer (who exists is not told either); a picked outsider too.
    with pytest.raises(ValidationFailed) as unknown:
        services.comment_post(acting_user=org.btc_officer, task=task, body="@khongco xem giúp")
    assert unknown.value.message == services.ERR_MENTION_OUTSIDER.format(username="khongco")
    with pytest.raises(ValidationFailed):
        services.comment_post(acting_user=org.btc_officer, task=task, body="Xem", mention_ids=[org.phuxuan_head.pk])


def test_a_secret_task_refuses_a_mention_of_a_committee_reader_not_cleared(
    org: Org, make_draft: Any, moment: Any
) -> None:
    from sauro.tasks.services import task_accept, task_issue

    secret = task_issue(acting_user=org.monitor, task=make_draft(classification=Classification.SECRET))
    secret = task_accept(acting_user=org.btc_head, task=secret, officer_ids=[org.btc_officer.pk])
    # The inspector reads every normal task of the committee, not a *mật* one they are not cleared for.
    with pytest.raises(ValidationFailed):
        services.comment_post(acting_user=org.btc_officer, task=secret, body="@kiemtra xin ý kiến")
    assert not mentions_of(org.inspector)


def test_files_are_checked_and_kept(org: Org, task: Task) -> None:
    comment = services.comment_post(
        acting_user=org.btc_officer, task=task, body="Gửi dự thảo.", files=[SimpleUploadedFile("du-thao.pdf", PDF)]
    )
    (attachment,) = comment.files.all()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "du-thao.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.file.read() == PDF
    with pytest.raises(ValidationFailed) as refused:
        services.comment_post(
            acting_user=org.btc_officer, task=task, body="Tệp lạ", files=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00")]
        )
    assert refused.value.fields.get("file")
    assert Comment.objects.count() == 1


def test_only_people_involved_may_write(org: Org, task: Task) -> None:
    today = clock.today()
    for person in (org.btc_officer, org.btc_head, org.leader, org.monitor):
        assert access.may_post(person, task, today), person.username
    # The inspector sees the task and reads the thread, but takes no part in it.
    assert access.sees_task(org.inspector, task)
    with pytest.raises(PermissionDeniedError):
        services.comment_post(acting_user=org.inspector, task=task, body="Ý kiến")


def test_an_edit_is_journalled_with_the_body_before_and_after(org: Org, task: Task, moment: Any) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Bản đầu")
    moment(5)
    edited = services.comment_edit(
        acting_user=org.btc_officer, comment=comment, body="Bản sửa, nhờ @bithu xem", expected_version=1
    )
    assert (edited.body, edited.version) == ("Bản sửa, nhờ @bithu xem", 2)
    assert edited.edited_at is not None and edited.edited_at > edited.created_at
    entry = AuditEntry.objects.filter(action="discussion.comment_edit").get()
    assert entry.before == {services.BODY: "Bản đầu"}
    assert entry.after[services.BODY] == "Bản sửa, nhờ @bithu xem"
    # The person newly mentioned is told; a second edit does not tell them again.
    assert len(mentions_of(org.leader)) == 1
    services.comment_edit(acting_user=org.btc_officer, comment=edited, body="@bithu bản cuối", expected_version=2)
    assert len(mentions_of(org.leader)) == 1


def test_only_the_author_edits_or_deletes(org: Org, task: Task) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Của tôi")
    for other in (org.btc_head, org.leader, org.admin):
        with pytest.raises(PermissionDeniedError):
            services.comment_edit(acting_user=other, comment=comment, body="Của người khác", expected_version=1)
        with pytest.raises(PermissionDeniedError):
            services.comment_delete(acting_user=other, comment=comment)
    comment.refresh_from_db()
    assert comment.body == "Của tôi" and not comment.deleted


def test_a_stale_edit_is_a_conflict(org: Org, task: Task) -> None:
    comment = services.comment_post(acting_user=org.btc_officer, task=task, body="Một")
    services.comment_edit(acting_user=org.btc_officer, comment=comment, body="Hai", expected_version=1)
    with pytest.raises(Conflict):
        services.comment_edit(acting_user=org.btc_officer, comment=comment, body="Ba", expected_version=1)


def test_a_deleted_comment_keeps_its_place_and_the_journal_its_text(org: Org, task: Task) -> None:
    comment = services.comment_post(
        acting_user=org.btc_officer, task=task, body="Nhầm", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    services.comment_delete(acting_user=org.btc_officer, comment=comment)
    comment.refresh_from_db()
    assert comment.deleted and comment.body == ""
    entry = AuditEntry.objects.filter(action="discussion.comment_delete").get()
    assert entry.before == {services.BODY: "Nhầm", services.FILES: ["a.pdf"]}
    with pytest.raises(Conflict):
        services.comment_delete(acting_user=org.btc_officer, comment=comment)
    with pytest.raises(Conflict):
        services.comment_edit(acting_user=org.btc_officer, comment=comment, body="Lại", expected_version=None)


def test_a_blank_comment_is_refused(org: Org, task: Task) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.comment_post(acting_user=org.btc_officer, task=task, body="   \n ")
    assert refused.value.message == services.ERR_BODY_REQUIRED
