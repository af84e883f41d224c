"""Who is told: the people behind a unit, a task or an obstacle, as of a day.

These are system lookups for delivering notifications (no visibility gate: they decide who receives, and a
notification only links to what its recipient may open anyway).
"""

from __future__ import annotations

import datetime

from sauro.monitoring.models import Obstacle
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task

HEAD_ROLES = (Role.UNIT_HEAD, Role.LEADER)


def unit_heads(unit_id: int | None, day: datetime.date) -> set[int]:
    """The heads (and leaders) of exactly this unit."""
    if unit_id is None:
        return set()
    return set(
        Membership.objects.active_on(day)
        .filter(unit_id=unit_id, role__in=HEAD_ROLES, person__is_active=True)
        .values_list("person_id", flat=True)
    )


def committee_of(unit: Unit) -> Unit | None:
    """The committee (cấp ủy) a unit belongs to: the nearest committee at or above it."""
    ids = [*unit.ancestor_ids, unit.pk]
    return (
        Unit.objects.filter(pk__in=ids, kind=UnitKind.COMMITTEE).order_by("-depth").first()
        if unit.kind != UnitKind.COMMITTEE
        else unit
    )


def monitoring_office(unit: Unit, day: datetime.date) -> Unit | None:
    """The monitoring office (Văn phòng) of the unit's committee: the unit of the committee whose people hold the
    monitor role; the highest such unit when there are several."""
    committee = committee_of(unit)
    if committee is None:
        return None
    office_ids = (
        Membership.objects.active_on(day)
        .filter(role=Role.MONITOR, unit__path__startswith=committee.path, unit__valid_to__isnull=True)
        .values("unit_id")
    )
    return Unit.objects.filter(pk__in=office_ids).order_by("depth", "path").first()


def monitors(unit: Unit | None, day: datetime.date) -> set[int]:
    """The people of a monitoring office who hold the monitor role."""
    if unit is None:
        return set()
    return set(
        Membership.objects.active_on(day)
        .filter(unit=unit, role=Role.MONITOR, person__is_active=True)
        .values_list("person_id", flat=True)
    )


def workers(task: Task) -> set[int]:
    """The responsible person and the assigned officers."""
    ids = set(Task.officers.through.objects.filter(task_id=task.pk).values_list("user_id", flat=True))
    if task.responsible_person_id:
        ids.add(task.responsible_person_id)
    return ids


def authority_people(task: Task, day: datetime.date) -> set[int]:
    """Who decides for the authority: the supervising leader when they act for it, else its heads and leaders."""
    heads = unit_heads(task.authority_unit_id, day)
    if task.supervising_leader_id and task.supervising_leader_id in heads:
        return {task.supervising_leader_id}
    return heads


def answerers(unit: Unit, day: datetime.date) -> set[int]:
    """Who is asked to answer an obstacle waiting on ``unit``: its heads and leaders, or the monitors of an office.

    A committee (cấp ủy) has no members of its own in the tree: its leaders sit in its standing body, so an obstacle
    that climbed to the committee is put to them.
    """
    people = unit_heads(unit.pk, day) or monitors(unit, day)
    if not people and unit.kind == UnitKind.COMMITTEE:
        standing = Unit.objects.filter(parent=unit, kind=UnitKind.STANDING, valid_to__isnull=True)
        people = set(
            Membership.objects.active_on(day)
            .filter(unit__in=standing, role__in=HEAD_ROLES, person__is_active=True)
            .values_list("person_id", flat=True)
        )
    return people


def requester(request_model: type[ExtensionRequest | ReassignmentRequest], request_id: int | None) -> int | None:
    """Who asked for an extension or a reassignment (they hear the answer, even once the task left their unit)."""
    if request_id is None:
        return None
    row = request_model.objects.filter(pk=request_id).values("requested_by_id").first()
    return row["requested_by_id"] if row is not None else None


def reassignment_from_unit(request_id: int | None) -> int | None:
    """The unit that asked to hand the task on (no longer the lead unit once approved)."""
    if request_id is None:
        return None
    return ReassignmentRequest.objects.filter(pk=request_id).values_list("from_unit_id", flat=True).first()


def obstacle_of_event(obstacle_id: int) -> Obstacle:
    """The obstacle a timeline event is about, with the body it waits on and who raised it."""
    return Obstacle.objects.select_related("waiting_on", "raised_by").get(pk=obstacle_id)
