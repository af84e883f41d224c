"""Every read of discussions, through the task gate: a comment or file of a task the user does not see is a 404."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sauro.accounts.models import User
from sauro.common.pagination import Key, Keyset, Page
from sauro.discussions.models import Comment, CommentFile
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.models import Task

# The thread in the order it was written; (created_at, id) is total. The task page shows the newest ones.
THREAD_ORDER = Keyset("discussions.thread", Key("created_at", datetime.datetime), Key("id", int))
NEWEST_ORDER = Keyset(
    "discussions.newest", Key("created_at", datetime.datetime, descending=True), Key("id", int, descending=True)
)
PAGE_SIZE = 50
# How many of the latest comments the task page shows (the rest: the thread's own page).
RECENT = 20


def task_comments(*, task: Task) -> QuerySet[Comment]:
    """The comments of ``task`` (which the caller got through the task gate) with what a row shows: the author,
    the files and the people mentioned, in three queries whatever the number of comments."""
    return (
        Comment.objects.filter(task=task)
        .select_related("author")
        .prefetch_related(
            "files", Prefetch("mentions", queryset=User.objects.only("id", "username", "full_name").order_by())
        )
    )


def thread_page(*, task: Task, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[Comment]:
    """One page of the thread, oldest first, after ``cursor`` (``BadCursor`` for a forged one)."""
    return THREAD_ORDER.page(task_comments(task=task), cursor=cursor, limit=limit)


def recent_comments(*, task: Task, limit: int = RECENT) -> tuple[list[Comment], bool]:
    """The latest ``limit`` comments, oldest first, and whether older ones exist."""
    page = NEWEST_ORDER.page(task_comments(task=task), limit=limit)
    return list(reversed(page.items)), page.next_cursor is not None


def comment_get(*, user: User, comment_id: int) -> Comment:
    """A comment of a task the user sees, or 404 (never 403)."""
    comment = (
        Comment.objects.filter(pk=comment_id, task__in=tasks_visible_to(user))
        .select_related("author", "task", "task__owner_unit", "task__lead_unit", "task__authority_unit")
        .first()
    )
    if comment is None:
        raise Http404("Không tìm thấy ý kiến trao đổi.")
    return comment


def comment_file_get(*, user: User, file_id: int) -> CommentFile:
    """A file of a comment still standing, on a task the user sees, or 404."""
    attachment = CommentFile.objects.filter(
        pk=file_id, comment__deleted=False, comment__task__in=tasks_visible_to(user)
    ).first()
    if attachment is None:
        raise Http404("Không tìm thấy tệp đính kèm.")
    return attachment
