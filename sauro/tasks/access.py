"""The visibility gate for tasks (ARCHITECTURE rule 2) and who may act on a task.

Visibility:
- committee-wide roles (leader, monitor, inspector, admin) see every task of their committee;
- a unit head or officer sees tasks whose lead, coordinating or authority unit is in their subtree, and the
  drafts of their own units;
- anyone sees the issued tasks they are named on (responsible person, officer, supervising leader) and
  the drafts they created;
- a task classified *mật* is visible only to the people named on it, its creator and the people cleared for it.
Everything else is a 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from sauro.accounts.models import User
from sauro.org.access import ids_under, unit_paths, user_scope
from sauro.org.choices import Role
from sauro.org.models import Membership, Unit
from sauro.tasks.choices import Classification, TaskState
from sauro.tasks.models import Task


def _exists(qs: QuerySet[Any]) -> Q:
    # Exists() combines with Q objects; wrapping keeps the type checker's Q arithmetic simple.
    return Q(Exists(qs))


def _committee_unit_ids(user: User) -> list[int]:
    """The units of the committees in which the user holds a committee-wide role."""
    scope = user_scope(user)
    return ids_under(unit_paths(user), scope.committee_paths) if scope.committee_paths else []


def _holds_every_unit(wide_ids: list[int], paths: dict[int, str]) -> bool:
    return bool(wide_ids) and len(wide_ids) == len(paths)


def sees_every_normal_task(user: User) -> bool:
    """The user's committee holds every unit: every task of normal classification is visible to them (only *mật*
    tasks are still gated). Such readers may be given counts from ``tasks.summary``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return _holds_every_unit(_committee_unit_ids(user), unit_paths(user))


def tasks_visible_to(user: User) -> QuerySet[Task]:
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    scope = user_scope(user)
    # Subtrees as lists of unit ids (a few hundred at most): no join on the unit table per task, and a committee
    # that holds every unit (the usual case) is no condition at all.
    paths = unit_paths(user)
    wide_ids = _committee_unit_ids(user)
    if _holds_every_unit(wide_ids, paths):
        visible = Q()
    else:
        named = Q(responsible_person=user) | Q(supervising_leader=user)
        named |= _exists(Task.officers.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk))
        # A draft is the drafting unit's working copy: the people it names see it once it is issued.
        named = (named & ~Q(state=TaskState.DRAFT)) | Q(created_by=user)
        unit_ids = ids_under(paths, scope.unit_paths) if scope.unit_paths else []
        issued = ~Q(state=TaskState.DRAFT)
        by_unit = issued & (
            Q(lead_unit_id__in=unit_ids)
            | Q(authority_unit_id__in=unit_ids)
            | _exists(Task.coordinating_units.through.objects.filter(task_id=OuterRef("pk"), unit_id__in=unit_ids))
        )
        own_drafts = Q(state=TaskState.DRAFT, owner_unit_id__in=sorted(scope.unit_ids))
        visible = Q(owner_unit_id__in=wide_ids) | by_unit | own_drafts | named
    return Task.objects.filter(visible).filter(Q(classification=Classification.NORMAL) | _secret_ok(user))


def _secret_ok(user: User) -> Q:
    """A *mật* task the user may see: named on it (once issued), its creator, or cleared for it."""
    named_secret = (Q(responsible_person=user) | Q(supervising_leader=user)) & ~Q(state=TaskState.DRAFT)
    named_secret |= _exists(Task.officers.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk)) & ~Q(
        state=TaskState.DRAFT
    )
    return (
        named_secret
        | Q(created_by=user)
        | _exists(Task.cleared_people.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk))
    )


def hidden_secret_tasks(user: User) -> QuerySet[Task]:
    """The *mật* tasks the user may not see (their own small index). For a reader who sees every normal task
    (``sees_every_normal_task``) these are exactly the tasks ``tasks_visible_to`` leaves out, so "not one of these"
    is their gate without looking at each task."""
    return Task.objects.filter(~Q(classification=Classification.NORMAL)).exclude(_secret_ok(user))


def _active_roles_in(user: User, unit: Unit | None, day: datetime.date, roles: tuple[str, ...]) -> bool:
    if unit is None or not user.is_active:
        return False
    return Membership.objects.active_on(day).filter(person=user, unit=unit, role__in=roles).exists()


def acts_for_authority(user: User, task: Task, day: datetime.date) -> bool:
    """A leader (or the head) of the authority unit acts for it: e.g. a member of "Thường trực Thành ủy"."""
    return _active_roles_in(user, task.authority_unit, day, (Role.LEADER, Role.UNIT_HEAD))


def heads_lead_unit(user: User, task: Task, day: datetime.date) -> bool:
    return _active_roles_in(user, task.lead_unit, day, (Role.UNIT_HEAD, Role.LEADER))


def may_draft_for(user: User, owner_unit: Unit, day: datetime.date) -> bool:
    """Monitors and leaders draft the committee's tasks; a unit head drafts tasks (sub-tasks) of their unit."""
    scope = user_scope(user)
    if scope.has_role(Role.MONITOR, Role.LEADER) and any(owner_unit.path.startswith(p) for p in scope.subtree_paths):
        return True
    return _active_roles_in(user, owner_unit, day, (Role.UNIT_HEAD,))


def may_draft(user: User) -> bool:
    """Whether the user drafts tasks in some unit (``views.drafting_unit`` finds one), from their scope alone: a
    monitor or leader drafts for their committee, a unit head for their unit."""
    return user_scope(user).has_role(Role.MONITOR, Role.LEADER, Role.UNIT_HEAD)


def works_on(user: User, task: Task, day: datetime.date) -> bool:
    """The responsible person, an assigned officer, or the head of the lead unit."""
    if task.responsible_person_id == user.pk:
        return True
    if task.pk is not None and task.officers.filter(pk=user.pk).exists():
        return True
    return heads_lead_unit(user, task, day)
