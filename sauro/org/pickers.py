"""The unit and people pickers of every form (tasks, monitoring, dashboards): the units and people a user may pick,
through the visibility gates of ``org.access``, and the form fields that draw them (units indented as in the
organisation chart, people with their position and unit)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.fields import ModelChoiceField, ModelMultipleChoiceField
from sauro.common.versioned import cached_for
from sauro.common.widgets import Options
from sauro.org.access import people_visible_to, user_scope
from sauro.org.choices import Role
from sauro.org.models import Membership, Unit
from sauro.org.selectors import people_with_ids, unit_list

# Roles that do not make someone a worker of a unit (PRODUCT §2): they oversee, they do not carry tasks.
NON_WORKER_ROLES = (Role.ADMIN, Role.INSPECTOR)


def active_units(user: User) -> QuerySet[Unit]:
    """Active units the user may see, in tree order."""
    return unit_list(user=user)


class OfferedUnit(NamedTuple):
    """A unit as a picker draws it: its id, name, depth (the indent), path and kind."""

    pk: int
    name: str
    depth: int
    path: str
    kind: str


def offered_units(user: User) -> list[OfferedUnit]:
    """``active_units(user)`` as rows, in tree order, for the unit pickers a page draws on every request (a committee
    has a few hundred units; a list page draws one or two pickers): read once and kept between requests under the
    version of the units and memberships (``common.versioned.cached_for``; built afresh on SQLite). Rows, not model
    instances, and ``tree_order``'s ordering compiled once per version rather than for each picker of each page."""
    return cached_for(
        user,
        "filter-units",
        lambda: [OfferedUnit(*row) for row in active_units(user).values_list("pk", "name", "depth", "path", "kind")],
    )


def offer_units(field: ModelChoiceField, units: Iterable[OfferedUnit]) -> None:
    """Draw ``units`` (``offered_units``, or some of them) as ``field``'s options, indented as in the organisation
    chart after the field's empty label. What the field accepts is still its queryset."""
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.choices = Options([*empty, *((u.pk, indented_name(u.name, u.depth)) for u in units)])


def unit_subtree(user: User, unit: Unit) -> QuerySet[Unit]:
    return active_units(user).filter(path__startswith=unit.path)


@dataclass(frozen=True)
class PersonChoice:
    """A person offered by a picker: their id and the name ``User.get_full_name`` gives, with where they work."""

    person_id: int
    name: str
    position: str = ""
    unit_name: str = ""

    @classmethod
    def of(cls, person: User) -> PersonChoice:
        return cls(person_id=person.pk, name=person.get_full_name())

    @property
    def label(self) -> str:
        detail = ", ".join(filter(None, [self.position, self.unit_name]))
        return f"{self.name} — {detail}" if detail else self.name


def unit_people(user: User, unit: Unit | None, *, heads_only: bool = False) -> list[PersonChoice]:
    """Active people holding a working role today in ``unit`` or below it, whom the user may see; one entry per
    person (their role in the highest unit), heads first, in one query."""
    if unit is None:
        return []
    if not heads_only:
        return people_under(user, unit.path)
    where = Q(unit=unit, role__in=[Role.LEADER, Role.UNIT_HEAD])
    return working_people(user, where, gated=not _sees_all_people_under(user, unit.path))


def people_under(user: User, path: str) -> list[PersonChoice]:
    """``unit_people`` of the unit whose materialised path is ``path`` (a unit the user sees)."""
    return working_people(user, Q(unit__path__startswith=path), gated=not _sees_all_people_under(user, path))


def _sees_all_people_under(user: User, path: str) -> bool:
    # The people of a unit inside a subtree the user sees whole are all visible (org.access): no gate to apply.
    subtrees = user_scope(user).subtree_paths
    return path.startswith(subtrees) if subtrees else False


def working_people(user: User, where: Q, *, gated: bool = True) -> list[PersonChoice]:
    """People holding a working role today in the memberships ``where`` selects (gated: only those the user sees),
    one entry per person, heads first."""
    memberships = (
        Membership.objects.active_on(clock.today())
        .filter(where, unit__valid_to__isnull=True, person__is_active=True)
        .exclude(role__in=NON_WORKER_ROLES)
    )
    if gated:
        memberships = memberships.filter(person__in=people_visible_to(user))
    # Rows, not model instances: a unit's subtree may hold a hundred people, listed on every filtered list page.
    rows = memberships.order_by("unit__depth", "unit__path", "role", "person__full_name").values_list(
        "person_id", "role", "position", "person__full_name", "person__username", "unit__name"
    )
    rank = {Role.LEADER: 0, Role.UNIT_HEAD: 1, Role.MONITOR: 2, Role.OFFICER: 3}
    seen: dict[int, tuple[int, int, PersonChoice]] = {}
    for order, (person_id, role, position, full_name, username, unit_name) in enumerate(rows):
        if person_id not in seen:
            choice = PersonChoice(person_id, full_name or username, position, unit_name)
            seen[person_id] = (rank.get(Role(role), 9), order, choice)
    return [c for _r, _o, c in sorted(seen.values(), key=lambda x: (x[0], x[1]))]


def leader_choices(user: User) -> list[PersonChoice]:
    """People who may supervise a task: those holding a leader's role in a unit the user sees."""
    memberships = (
        Membership.objects.active_on(clock.today())
        .filter(role=Role.LEADER, person__is_active=True, unit__valid_to__isnull=True)
        .filter(unit__in=active_units(user))
        .order_by("unit__depth", "unit__path", "person__full_name")
        .values_list("person_id", "position", "person__full_name", "person__username")
    )
    seen: dict[int, PersonChoice] = {}
    for person_id, position, full_name, username in memberships:
        seen.setdefault(person_id, PersonChoice(person_id, full_name or username, position))
    return list(seen.values())


def _indented(unit: Unit, base_depth: int = 0) -> str:
    return indented_name(unit.name, unit.depth - base_depth)


def indented_name(name: str, depth: int) -> str:
    return "\u00a0\u00a0\u00a0" * max(depth, 0) + name


class UnitChoiceField(ModelChoiceField):
    """Units shown indented by their depth in the tree, so the select reads like the organisation chart."""

    def label_from_instance(self, obj: Any) -> str:
        return _indented(obj)


class UnitMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _indented(obj)


class PersonChoiceField(ModelChoiceField):
    """A person picked from a prepared list of ``PersonChoice`` (labels with position and unit)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=User.objects.none(), **kwargs)
        self.labels: dict[int, str] = {}
        self.accept_any = False

    def set_people(self, people: Iterable[PersonChoice], *, accept: QuerySet[User] | None = None) -> None:
        """Offer ``people`` (in that order); accept only them, or anyone of ``accept`` when given."""
        people = list(people)
        self.labels = {p.person_id: p.label for p in people}
        self.accept_any = accept is not None
        self.queryset = accept if accept is not None else people_with_ids(self.labels)
        # Keep the prepared order (heads first) instead of the queryset's.
        self.choices = Options([("", self.empty_label or ""), *((p.person_id, p.label) for p in people)])

    def to_python(self, value: Any) -> User | None:
        if value in self.empty_values:
            return None
        try:
            key = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc
        if key not in self.labels and not self.accept_any:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(key)
