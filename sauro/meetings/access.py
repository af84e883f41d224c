"""Who sees a meeting and who records one.

- A meeting is seen by whoever sees its host unit (``org.access.units_visible_to``: the committee-wide roles see the
  whole committee; a unit head or an officer their unit's subtree and the chain above it) and, as for directives,
  a standing body's meetings (Thường trực, Ban Thường vụ) by whoever sees the committee it acts for.
- A meeting is registered, edited, deleted and given its conclusion by Văn phòng (monitor) and leaders — the
  people who register directives (``MEETING_REGISTRAR_ROLES``) — and by those who act for its host unit
  (``org.access.acts_for``: its leaders and heads).
- Recording the conclusion as a new directive also needs the right to register directives
  (``directives.access.can_register_directives``), which ``directives.services`` checks again: a unit's head who may
  not register directives links the notice the office registered instead.

Pages, the API and the services ask these functions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.common import clock
from sauro.directives.access import can_register_directives
from sauro.meetings.choices import MEETING_REGISTRAR_ROLES
from sauro.meetings.models import Meeting
from sauro.org.access import acts_for, units_visible_to, user_scope
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Every meeting the user may see; the one gate for pages, the API and the figures."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    units = units_visible_to(user)
    return Meeting.objects.filter(
        Q(host_unit__in=units) | Q(host_unit__kind=UnitKind.STANDING, host_unit__parent__in=units)
    )


def is_registrar(user: User) -> bool:
    """Văn phòng and leaders register the meetings of every unit they see."""
    return user_scope(user).has_role(*MEETING_REGISTRAR_ROLES)


def may_record(user: User, unit: Unit | None = None) -> bool:
    """Whether ``user`` may register, edit or delete a meeting hosted by ``unit`` (any unit when ``None``: whether
    the page offers "Vào sổ cuộc họp" at all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = user_scope(user)
    if scope.has_role(*MEETING_REGISTRAR_ROLES):
        return True
    if unit is None:
        return scope.has_role(Role.LEADER, Role.UNIT_HEAD)
    return acts_for(user, unit, clock.today())


def may_write_conclusion(user: User, meeting: Meeting) -> bool:
    """Whether ``user`` may record the meeting's conclusion as a new directive (a Thông báo kết luận)."""
    return may_record(user, meeting.host_unit) and can_register_directives(user)
