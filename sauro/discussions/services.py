"""Every write of a task's discussion: post, edit, delete a comment.

Each runs in one transaction with its journal entry, which keeps the body before and after (``discussions.comment.
body``), the files attached and the people mentioned; each new mention notifies that person
(``notifications.services.notify``, kind ``mentioned``) with a link to the comment on the task's page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.uploads import check_upload
from sauro.discussions import access
from sauro.discussions.models import Comment, CommentFile
from sauro.notifications.choices import NotificationKind
from sauro.notifications.services import notify
from sauro.tasks.models import Task

ERR_BODY_REQUIRED = "Hãy nhập nội dung trao đổi."
ERR_BODY_TOO_LONG = "Nội dung trao đổi dài quá 10.000 ký tự."
ERR_NOT_INVOLVED = (
    "Chỉ những người tham gia nhiệm vụ (người chịu trách nhiệm, cán bộ được phân công, lãnh đạo đơn vị chủ trì, "
    "cấp có thẩm quyền, đơn vị phối hợp, người giao nhiệm vụ) mới trao đổi được về nhiệm vụ này."
)
ERR_NOT_AUTHOR = "Chỉ người viết mới sửa hoặc xóa được ý kiến trao đổi của mình."
ERR_DELETED = "Ý kiến trao đổi này đã bị xóa."
ERR_STALE = "Ý kiến trao đổi vừa được sửa ở nơi khác; hãy tải lại trang rồi sửa lại."
ERR_MENTION_OUTSIDER = (
    "Không nhắc đến được @{username}: không có người dùng này, hoặc người này không được xem nhiệm vụ. "
    "Chỉ nhắc đến được những người được xem nhiệm vụ."
)
ERR_TOO_MANY_MENTIONS = "Mỗi ý kiến trao đổi nhắc đến tối đa 20 người."
ERR_TOO_MANY_FILES = "Mỗi ý kiến trao đổi có tối đa 10 tệp đính kèm."

MAX_BODY = 10_000
MAX_MENTIONS = 20
MAX_FILES = 10

# ``@username`` not preceded by a word character, a dot or another @ (so an e-mail address is not a mention).
# Usernames are Django's: letters, digits and @ . + - _; a dot ending the sentence is not part of the name.
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]*[\w+-])")

# Journal keys: ``<app>.<model>.<field>``, named on the journal page by the field's label.
BODY = "discussions.comment.body"
FILES = "discussions.commentfile.original_name"
MENTIONS = "discussions.comment.mentions"
MENTION_TITLE = "{name} nhắc đến bạn trong trao đổi về nhiệm vụ: {title}"


def mentioned_usernames(body: str) -> list[str]:
    """The ``@username``s of ``body``, each once, in the order written."""
    return list(dict.fromkeys(MENTION.findall(body)))


def comment_url(comment: Comment) -> str:
    """The comment on its task's page."""
    return f"{reverse('tasks:detail', args=[comment.task_id])}#{comment.anchor}"


def _clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(ERR_BODY_REQUIRED, fields={"body": ERR_BODY_REQUIRED})
    if len(text) > MAX_BODY:
        raise ValidationFailed(ERR_BODY_TOO_LONG, fields={"body": ERR_BODY_TOO_LONG})
    return text


def _mentioned_people(task: Task, body: str, extra_ids: Iterable[int]) -> list[User]:
    """The people ``body`` names with ``@username`` and those picked (``extra_ids``), each checked against the task's
    gate. A name that is unknown and a person outside the task are refused alike: the message tells the writer
    nothing about who exists, the person is told nothing about the task."""
    names = mentioned_usernames(body)
    ids = list(dict.fromkeys(extra_ids))
    if len(names) + len(ids) > MAX_MENTIONS:
        raise ValidationFailed(ERR_TOO_MANY_MENTIONS, fields={"body": ERR_TOO_MANY_MENTIONS})
    found = {u.username.lower(): u for u in User.objects.filter(username__in=names, is_active=True)}
    people: dict[int, User] = {}
    for name in names:
        person = found.get(name.lower())
        if person is None or not access.sees_task(person, task):
            message = ERR_MENTION_OUTSIDER.format(username=name)
            raise ValidationFailed(message, code="mention_outsider", fields={"body": message})
        people[person.pk] = person
    picked = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(picked) < len(ids):
        message = ERR_MENTION_OUTSIDER.format(username="?")
        raise ValidationFailed(message, code="mention_outsider", fields={"mentions": message})
    for person in picked:
        if not access.sees_task(person, task):
            message = ERR_MENTION_OUTSIDER.format(username=person.username)
            raise ValidationFailed(message, code="mention_outsider", fields={"mentions": message})
        people[person.pk] = person
    return list(people.values())


def _notify_mentioned(comment: Comment, task: Task, people: Iterable[User], actor: User) -> None:
    notify(
        recipients=people,
        kind=NotificationKind.MENTIONED,
        title=MENTION_TITLE.format(name=actor.get_full_name(), title=task.title),
        body=comment.body[:1000],
        url=comment_url(comment),
        task_id=task.pk,
        actor=actor,
    )


def _journal(action: str, comment: Comment, acting_user: User, summary: str, **kw: Any) -> None:
    audit_record(
        acting_user=acting_user,
        action=action,
        obj=comment,
        object_repr=f"Trao đổi #{comment.pk} về nhiệm vụ #{comment.task_id}",
        unit_id=comment.task.lead_unit_id or comment.task.owner_unit_id,
        summary=summary,
        **kw,
    )


@transaction.atomic
def comment_post(
    *,
    acting_user: User,
    task: Task,
    body: str,
    files: Sequence[UploadedFile] = (),
    mention_ids: Iterable[int] = (),
) -> Comment:
    """Post a comment on ``task`` (which the caller got through the task gate): plain text, up to ten files checked
    by ``common.uploads``, the people it mentions notified."""
    if not access.may_post(acting_user, task, clock.today()):
        raise PermissionDeniedError(ERR_NOT_INVOLVED)
    text = _clean_body(body)
    if len(files) > MAX_FILES:
        raise ValidationFailed(ERR_TOO_MANY_FILES, fields={"files": ERR_TOO_MANY_FILES})
    checked = [(upload, check_upload(upload)) for upload in files]
    people = _mentioned_people(task, text, mention_ids)
    comment = Comment.objects.create(task=task, author=acting_user, body=text, created_at=clock.now())
    for upload, info in checked:
        attachment = CommentFile(
            comment=comment, original_name=info.name, size=info.size, content_type=info.content_type
        )
        attachment.file.save(f"{uuid.uuid4().hex}{info.extension}", upload, save=False)
        attachment.save()
    if people:
        comment.mentions.set(people)
    _journal(
        "discussion.comment_post",
        comment,
        acting_user,
        f"Trao đổi về nhiệm vụ “{task.title}”",
        after={
            BODY: text,
            **({FILES: [info.name for _u, info in checked]} if checked else {}),
            **({MENTIONS: sorted(p.username for p in people)} if people else {}),
        },
    )
    _notify_mentioned(comment, task, people, acting_user)
    return comment


def _lock(comment: Comment, acting_user: User, expected_version: int | None) -> Comment:
    locked = Comment.objects.select_for_update(of=("self",)).select_related("task").get(pk=comment.pk)
    if locked.deleted:
        raise Conflict(ERR_DELETED, code="comment_deleted")
    if not access.may_change(acting_user, locked):
        raise PermissionDeniedError(ERR_NOT_AUTHOR)
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(ERR_STALE, code="stale_version")
    return locked


@transaction.atomic
def comment_edit(*, acting_user: User, comment: Comment, body: str, expected_version: int | None) -> Comment:
    """The author rewrites their comment (``expected_version``: the version they edited, else 409). People newly
    mentioned are notified; those already mentioned are not told twice."""
    comment = _lock(comment, acting_user, expected_version)
    text = _clean_body(body)
    task = comment.task
    people = _mentioned_people(task, text, ())
    already = set(comment.mentions.values_list("pk", flat=True))
    before = {BODY: comment.body}
    comment.body = text
    comment.edited_at = clock.now()
    comment.version += 1
    comment.save(update_fields=["body", "edited_at", "version"])
    new = [p for p in people if p.pk not in already]
    if new:
        comment.mentions.add(*new)
    _journal(
        "discussion.comment_edit",
        comment,
        acting_user,
        f"Sửa ý kiến trao đổi về nhiệm vụ “{task.title}”",
        before=before,
        after={BODY: text, **({MENTIONS: sorted(p.username for p in new)} if new else {})},
    )
    _notify_mentioned(comment, task, new, acting_user)
    return comment


@transaction.atomic
def comment_delete(*, acting_user: User, comment: Comment, expected_version: int | None = None) -> Comment:
    """The author withdraws their comment: it stays in the thread as "đã xóa", without its text or files (the
    journal keeps what it said)."""
    comment = _lock(comment, acting_user, expected_version)
    names = [f.original_name for f in comment.files.all()]
    before = {BODY: comment.body, **({FILES: names} if names else {})}
    comment.deleted = True
    comment.body = ""
    comment.edited_at = clock.now()
    comment.version += 1
    comment.save(update_fields=["deleted", "body", "edited_at", "version"])
    _journal(
        "discussion.comment_delete",
        comment,
        acting_user,
        f"Xóa ý kiến trao đổi về nhiệm vụ “{comment.task.title}”",
        before=before,
        after={BODY: ""},
    )
    return comment
