"""The discussion thread on a task's page (``{% task_thread task as thread %}`` in ``discussions/_thread.html``,
which ``tasks/detail.html`` includes) and a comment's body as safe HTML.

The tag reads through ``discussions.selectors`` after the task page has put the task through its gate: a fixed
number of queries (the latest comments, their files, their mentions; for those who may write, the picker's people),
whatever the number of comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sauro.common import clock
from sauro.discussions import access, selectors
from sauro.discussions.forms import CommentForm
from sauro.discussions.models import Comment
from sauro.discussions.services import MENTION
from sauro.tasks.models import Task

register = template.Library()


@dataclass
class Thread:
    """What the thread's template shows: the comments, whether older ones exist, and the form for those who write."""

    task: Task
    comments: list[Comment]
    has_older: bool = False
    form: CommentForm | None = None
    user_id: int | None = None
    paged: bool = False
    next_cursor: str | None = None
    is_first_page: bool = True
    notes: list[str] = field(default_factory=list)


def thread_for(user: Any, task: Task, *, form: CommentForm | None = None) -> Thread:
    """The task page's thread: the latest comments and, for someone who may write, the form (``form``: a refused
    one to show again)."""
    comments, has_older = selectors.recent_comments(task=task)
    today = clock.today()
    if form is None and access.may_post(user, task, today):
        form = CommentForm(candidates=access.mention_candidates(task, today).exclude(pk=user.pk))
    return Thread(task=task, comments=comments, has_older=has_older, form=form, user_id=user.pk)


@register.simple_tag(takes_context=True)
def task_thread(context: template.Context, task: Task) -> Thread:
    thread = context.get("thread")
    if isinstance(thread, Thread):  # the thread's own page hands it over
        return thread
    return thread_for(context["request"].user, task)


@register.filter
def comment_body(comment: Comment) -> SafeString:
    """The comment's plain text, escaped, line breaks kept, each ``@username`` it mentions marked with the person's
    name (other ``@…`` stay as typed)."""
    people = {p.username.lower(): p for p in comment.mentions.all()}
    body = comment.body
    parts: list[str] = []
    last = 0
    for match in MENTION.finditer(body):
        parts.append(escape(body[last : match.start()]))
        person = people.get(match.group(1).lower())
        if person is not None:
            parts.append(
                format_html('<strong class="mention" title="{}">@{}</strong>', person.get_full_name(), match.group(1))
            )
        else:
            parts.append(escape(match.group(0)))
        last = match.end()
    parts.append(escape(body[last:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every piece is escaped above
