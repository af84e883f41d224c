"""The visibility gate for obstacles and who may act in monitoring.

An obstacle is visible to whoever sees its task (``tasks_visible_to``) and to the people of the units it is
addressed to (the body asked and any unit it climbed to), who must be able to read what they are asked to decide.
Everything else is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from sauro.accounts.models import User
from sauro.common import clock
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import Obstacle
from sauro.org.access import user_scope
from sauro.org.choices import Role
from sauro.org.models import Membership, Unit
from sauro.org.selectors import tree_order, units_governing
from sauro.tasks.access import hidden_secret_tasks, sees_every_normal_task, tasks_visible_to, works_on
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task

ANSWER_ROLES = (Role.LEADER, Role.UNIT_HEAD)
# Progress is reported while the lead unit works on the task (accepted, product not yet sent); an obstacle may be
# raised from the moment the task is issued — a unit that cannot accept a task as given says why before accepting —
# until its product is sent. Confidence is rated while the task is open.
UPDATABLE_STATES = (TaskState.IN_PROGRESS, TaskState.RETURNED)
OBSTACLE_STATES = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED)
RATEABLE_STATES = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED)
# The names of monitoring's actions on a task (routes ``tasks:<name>``, ``allowed_actions`` of the task API).
PROGRESS = "progress"
RAISE_OBSTACLE = "raise_obstacle"
ANSWER_OBSTACLE = "answer_obstacle"
RATE_CONFIDENCE = "rate_confidence"


def obstacles_visible_to(user: User) -> QuerySet[Obstacle]:
    if not user.is_authenticated or not user.is_active:
        return Obstacle.objects.none()
    scope = user_scope(user)
    addressed = Q(pk__in=[])
    # A unit head or officer: obstacles addressed to their unit or a unit below it.
    for path in scope.unit_paths:
        addressed |= Q(waiting_on__path__startswith=path) | Q(decider_unit__path__startswith=path)
    # A committee-wide role: only what is addressed to their own unit (the monitoring office, the standing body)
    # or, for the standing body, to the committee it acts for — not every obstacle of the committee, which would
    # show those of secret tasks to every monitor and inspector.
    own = sorted(scope.unit_ids)
    units = Unit.objects.filter(
        Q(pk__in=own) | Q(pk__in=Unit.objects.filter(pk__in=own, kind="standing").values("parent_id"))
    )
    addressed |= Q(waiting_on__in=units.values("pk")) | Q(decider_unit__in=units.values("pk"))
    if sees_every_normal_task(user):
        # Every task but the hidden *mật* ones (a few, hashed once): no look-up of each obstacle's task.
        seen_task = ~Q(task_id__in=hidden_secret_tasks(user).values("pk"))
    else:
        # EXISTS per obstacle (an index probe on its task), not IN over every visible task.
        seen_task = Q(Exists(tasks_visible_to(user).filter(pk=OuterRef("task_id"))))
    return Obstacle.objects.filter(seen_task | addressed)


def decider_choices(task: Task) -> QuerySet[Unit]:
    """The bodies an obstacle on ``task`` may be addressed to: active units at or above the lead unit (a standing
    body counts for its committee): ``org.selectors.units_governing``."""
    lead = task.lead_unit
    if lead is None:
        return Unit.objects.none()
    ok = [u.pk for u in units_governing(lead)]
    return tree_order(Unit.objects.filter(pk__in=ok))


def _answers_as(membership: Membership, obstacle: Obstacle) -> bool:
    if membership.role in ANSWER_ROLES and membership.unit.governs(obstacle.decider_unit):
        return True
    if membership.role in ANSWER_ROLES and membership.unit_id == obstacle.waiting_on_id:
        return True
    return membership.role == Role.MONITOR and membership.unit_id == obstacle.waiting_on_id


def answerable(user: User, obstacles: Iterable[Obstacle], day: datetime.date) -> list[Obstacle]:
    """The open obstacles among ``obstacles`` that ``user`` may answer (``may_answer``), memberships read once."""
    candidates = [o for o in obstacles if o.is_open]
    if not candidates or not user.is_active:
        return []
    memberships = list(Membership.objects.active_on(day).filter(person=user).select_related("unit"))
    return [o for o in candidates if any(_answers_as(m, o) for m in memberships)]


def may_answer(user: User, obstacle: Obstacle, day: datetime.date) -> bool:
    """A leader or head of a unit that governs the body asked (the body itself, a level above, the standing body),
    or — once it has climbed to the monitoring office — a monitor of that office, who records the answer given."""
    return bool(answerable(user, [obstacle], day))


def may_rate_confidence(user: User, task: Task) -> bool:
    """The monitoring office (monitor role) of the task's committee rates delivery confidence."""
    scope = user_scope(user)
    if not scope.has_role(Role.MONITOR):
        return False
    return any(task.owner_unit.path.startswith(p) for p in scope.committee_paths)


def task_actions(
    user: User, task: Task, obstacles: Iterable[Obstacle], day: datetime.date
) -> tuple[list[str], list[Obstacle]]:
    """Monitoring's actions ``user`` may take on ``task`` (``obstacles``: the task's, read by the caller) and the
    obstacles they may answer: the rule of the task page's monitoring panels and of the API's ``allowed_actions``."""
    if task.state == TaskState.DRAFT:
        return [], []
    names = []
    works = task.state in OBSTACLE_STATES and works_on(user, task, day)
    if works and task.state in UPDATABLE_STATES:
        names.append(PROGRESS)
    if works:
        names.append(RAISE_OBSTACLE)
    to_answer = answerable(user, obstacles, day)
    if to_answer:
        names.append(ANSWER_OBSTACLE)
    if task.state in RATEABLE_STATES and may_rate_confidence(user, task):
        names.append(RATE_CONFIDENCE)
    return names, to_answer


def allowed_task_actions(user: User, task: Task) -> list[str]:
    """``task_actions`` with the task's open obstacles read here (registered with ``tasks.access``)."""
    if task.state == TaskState.DRAFT:
        return []
    open_obstacles = Obstacle.objects.filter(task=task, state=ObstacleState.OPEN).select_related("decider_unit")
    return task_actions(user, task, open_obstacles, clock.today())[0]


def submit_caveats(task: Task) -> list[str]:
    """Monitoring's reason for confirming a product's submission (``tasks.access.register_submit_caveat``): an
    obstacle of the task still waiting for an answer (one query)."""
    count = Obstacle.objects.filter(task_id=task.pk, state=ObstacleState.OPEN).count()
    if not count:
        return []
    return [f"còn {count} khó khăn, vướng mắc chưa được trả lời"]
