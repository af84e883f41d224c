"""Who reads, writes and changes a task's discussion, and whom a comment may name.

- **Read**: whoever sees the task (``tasks.access.tasks_visible_to``, through ``tasks.selectors.task_get``);
  everyone else gets a 404, as for the task itself.
- **Write**: the people involved with the task (``may_post``): those who work on it (``tasks.access.works_on``: the
  responsible person, the assigned officers, whoever acts for the lead unit), its supervising leader, its creator,
  whoever acts for its authority or for a coordinating unit, and the drafting side (``tasks.access.may_draft_for``
  the issuing unit: the committee's monitoring office and leaders, the issuing unit's head). Seeing a task is not
  enough: the inspection committee reads every thread and writes in none (PRODUCT §2), a 403.
- **Edit, delete**: the author only, while they still see the task.
- **Mentions**: only people who see the task (``sees_task``), so that a notification never carries the title of
  a task — a *mật* one above all — to someone outside it. ``mention_candidates`` is the picker's list.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.discussions.models import Comment
from sauro.org.access import acting_memberships
from sauro.tasks.access import acts_for_authority, may_draft_for, tasks_visible_to, works_on
from sauro.tasks.choices import Classification, TaskState
from sauro.tasks.models import Task


def may_post(user: User, task: Task, day: datetime.date) -> bool:
    """Whether ``user`` (who sees ``task``) takes part in its discussion: see the module docstring."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk in (task.created_by_id, task.supervising_leader_id, task.responsible_person_id):
        return True
    if task.state != TaskState.DRAFT:
        if works_on(user, task, day) or acts_for_authority(user, task, day):
            return True
        coordinating = list(task.coordinating_units.all())
        if coordinating and acting_memberships(coordinating, day).filter(person=user).exists():
            return True
    return may_draft_for(user, task.owner_unit, day)


def may_change(user: User, comment: Comment) -> bool:
    """The author changes (edits, deletes) their own comment; nobody else does, moderators included."""
    return comment.author_id == user.pk and not comment.deleted


def sees_task(person: User, task: Task) -> bool:
    """Whether ``person`` sees ``task`` (the task gate itself): the rule a mention must pass."""
    return tasks_visible_to(person).filter(pk=task.pk).exists()


def mention_candidates(task: Task, day: datetime.date) -> QuerySet[User]:
    """The people the comment form offers to mention, in one query: those named on the task and its creator, and —
    unless the task is a draft or *mật*, whose readers are only the people named or cleared — whoever acts for its
    lead unit or its authority. Each is someone who sees the task; the service still checks every
    mention against the gate (``sees_task``)."""
    named = Q(pk__in=[pk for pk in (task.responsible_person_id, task.supervising_leader_id) if pk])
    named |= Q(pk=task.created_by_id)
    if task.state == TaskState.DRAFT:
        drafting = acting_memberships([task.owner_unit], day).values("person_id")
        return User.objects.filter(named | Q(pk__in=drafting), is_active=True)
    # The task's officers (and cleared people) as sub-queries on the link tables' task index: ORed with a join to
    # them, PostgreSQL read every officer of every task (1.5 million rows at a million tasks: 0.3 s a task page).
    named |= Q(pk__in=Task.officers.through.objects.filter(task_id=task.pk).values("user_id"))
    if task.classification != Classification.NORMAL:
        named |= Q(pk__in=Task.cleared_people.through.objects.filter(task_id=task.pk).values("user_id"))
        return User.objects.filter(named, is_active=True)
    units = [u for u in (task.lead_unit, task.authority_unit) if u is not None]
    acting_ids = acting_memberships(units, day).values("person_id")
    return User.objects.filter(named | Q(pk__in=acting_ids), is_active=True)
