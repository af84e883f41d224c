"""Who sees the petitions register and who writes in it.

- **Reading.** Văn phòng (monitor), the leaders and Ủy ban Kiểm tra (inspector, read-only over everything, PRODUCT §2)
  see every reception, reception day and letter of their committee. A unit head or an officer sees those of their
  own unit and the units below it (not the chain above: a ward never sees the city's register) and, for letters,
  those forwarded to their unit or whose task their unit leads — "the units involved". Nobody else, the
  administrator included (a letter holds citizens' personal data): another unit's letter is a 404.
- **Registering** (a visit, a reception day, a letter, correcting one): Văn phòng and the leaders for any unit of the
  committee; a unit head or an officer for their own unit (and its departments).
- **Deciding** a letter's path (handled here, forwarded, guided back, kept): Văn phòng, the leaders, and those who
  act for the letter's unit (``org.access.acts_for``: its heads). Making the task also needs the right to draft for
  the unit, which ``tasks.services.task_create`` checks again.

Pages, the API and the services ask these functions.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.access import acts_for, ids_under, unit_paths, user_scope
from sauro.org.choices import Role
from sauro.org.models import Unit
from sauro.petitions.models import HotSpot, Letter, Reception, ReceptionDay

# Committee-wide readers of the register; of them, who also writes and decides.
READER_ROLES = frozenset({Role.MONITOR, Role.LEADER, Role.INSPECTOR})
REGISTRAR_ROLES = frozenset({Role.MONITOR, Role.LEADER})
# Unit-scoped roles that keep their own unit's register.
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.OFFICER})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _wide_ids(user: User) -> list[int]:
    """The units of the committees the user reads as a whole (monitor, leader, inspector)."""
    scope = user_scope(user)
    if not scope.has_role(*READER_ROLES) or not scope.committee_paths:
        return []
    return ids_under(unit_paths(user), scope.committee_paths)


def _own_ids(user: User) -> list[int]:
    """The units (with those below) the user holds a unit-scoped role in."""
    scope = user_scope(user)
    if not scope.unit_paths:
        return []
    return ids_under(unit_paths(user), scope.unit_paths)


def register_unit_ids(user: User) -> list[int]:
    """Every unit whose register (receptions, reception days, letters received) the user reads."""
    if not _active(user):
        return []
    return sorted(set(_wide_ids(user)) | set(_own_ids(user)))


def letters_visible_to(user: User) -> QuerySet[Letter]:
    """Every letter the user may see; the one gate for pages, the API and the figures."""
    if not _active(user):
        return Letter.objects.none()
    wide, own = _wide_ids(user), _own_ids(user)
    if not wide and not own:
        return Letter.objects.none()
    condition = Q(unit_id__in=sorted(set(wide) | set(own)))
    if own:
        condition |= Q(forward_unit_id__in=own) | Q(task__lead_unit_id__in=own)
    return Letter.objects.filter(condition)


def receptions_visible_to(user: User) -> QuerySet[Reception]:
    """Every visit of the reception registers the user reads."""
    ids = register_unit_ids(user)
    return Reception.objects.filter(unit_id__in=ids) if ids else Reception.objects.none()


def reception_days_visible_to(user: User) -> QuerySet[ReceptionDay]:
    """Every reception day of the units whose register the user reads."""
    ids = register_unit_ids(user)
    return ReceptionDay.objects.filter(unit_id__in=ids) if ids else ReceptionDay.objects.none()


def _in_committee(user: User, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in user_scope(user).committee_paths)


def may_register(user: User, unit: Unit | None = None) -> bool:
    """Whether ``user`` may register visits, reception days and letters in ``unit``'s register (any unit when
    ``None``: whether the page offers the buttons at all)."""
    if not _active(user):
        return False
    scope = user_scope(user)
    if scope.has_role(*REGISTRAR_ROLES) and (unit is None or _in_committee(user, unit)):
        return True
    if unit is None:
        return scope.has_role(*UNIT_ROLES)
    return any(unit.path.startswith(p) for p in scope.unit_paths) and scope.has_role(*UNIT_ROLES)


def may_decide(user: User, letter: Letter) -> bool:
    """Whether ``user`` may decide ``letter``'s path (and so make its task)."""
    if not _active(user):
        return False
    if user_scope(user).has_role(*REGISTRAR_ROLES) and _in_committee(user, letter.unit):
        return True
    return acts_for(user, letter.unit, clock.today())


def hotspots_visible_to(user: User) -> QuerySet[HotSpot]:
    """Every hot spot (point 7) the user may see: those resting on a letter or a visit the user sees
    (``letters_visible_to``, ``receptions_visible_to``). Another unit's hot spot is a 404 and is absent from lists."""
    if not register_unit_ids(user):
        return HotSpot.objects.none()
    letters = letters_visible_to(user)
    receptions = receptions_visible_to(user)
    on_letter = HotSpot.letters.through.objects.filter(hotspot_id=OuterRef("pk"), letter__in=letters.values("pk"))
    on_visit = HotSpot.receptions.through.objects.filter(
        hotspot_id=OuterRef("pk"), reception__in=receptions.values("pk")
    )
    return HotSpot.objects.filter(Exists(on_letter) | Exists(on_visit))


def may_see_identity(user: User, record: Letter | Reception) -> bool:
    """Whether ``user`` may see the protected identity of a denouncer (issue 19, point 6) on ``record`` — a letter
    or a visit they already see. The one rule: **the officer handling it** — who registered it, and for a letter the
    officer responsible for its task and the officers assigned to it; for a visit, the leader who received the
    citizen — and **the leader deciding it** (``may_decide`` on its unit: Văn phòng, the committee's leaders, the
    unit's head). A visit where a letter was handed in also opens to whoever may see that letter's. Everyone else
    (Ủy ban Kiểm tra, the unit's other officers, the units it was forwarded to) sees "đã được giữ bí mật"."""
    if not _active(user):
        return False
    if record.created_by_id is not None and record.created_by_id == user.pk:
        return True
    if isinstance(record, Reception):
        if record.receiving_leader_id == user.pk:
            return True
        if user_scope(user).has_role(*REGISTRAR_ROLES) and _in_committee(user, record.unit):
            return True
        if acts_for(user, record.unit, clock.today()):
            return True
        return record.letter_id is not None and record.letter is not None and may_see_identity(user, record.letter)
    if may_decide(user, record):
        return True
    if record.task_id is not None:
        task = record.task
        if task is not None and (task.responsible_person_id == user.pk or task.officers.filter(pk=user.pk).exists()):
            return True
    return False
