"""The visibility gate for directives (ARCHITECTURE rule 2) and who may register them.

Directives are documents of the Party committee. Who sees which:
- holders of a committee-wide role (leader, monitor, inspector, admin) see every directive issued by a unit of
  their committee;
- a unit head or an officer sees the directives issued by their own unit(s) and the units below, by the chain of
  units above them (the committee, their agency …), and by the standing bodies of a committee in that chain
  (Thường trực, Ban Thường vụ: they issue in the committee's name, so a ward reads their conclusions even though
  it does not see them as units);
- plus whatever a registered visibility rule adds: the tasks app adds the directives that have tasks for the
  user's units (``register_visibility_rule``).

Every page, API call and export takes directives through ``directives_visible_to``; anything outside is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.directives.choices import DIRECTIVE_EDITOR_ROLES, TERM_MANAGER_ROLES
from sauro.directives.models import Directive
from sauro.org.access import units_visible_to, user_scope
from sauro.org.choices import UnitKind

# A rule answers, for a user, a condition over ``Directive`` that makes more directives visible. It must not
# multiply rows: express it as ``Q(pk__in=<subquery of directive ids>)``, never as a join through a to-many.
VisibilityRule = Callable[[User], Q]

_rules: dict[str, VisibilityRule] = {}


def register_visibility_rule(name: str, rule: VisibilityRule) -> None:
    """Hook for other apps: make more directives visible, e.g. from the tasks app's ``AppConfig.ready``::

        register_visibility_rule(
            "tasks", lambda user: Q(pk__in=tasks_visible_to(user).values("directive_id"))
        )

    Registering again under the same ``name`` replaces the rule.
    """
    _rules[name] = rule


def unregister_visibility_rule(name: str) -> None:
    _rules.pop(name, None)


def visibility_rules() -> dict[str, VisibilityRule]:
    return dict(_rules)


def _issued_by_visible_units(user: User) -> Q:
    units = units_visible_to(user)
    return Q(issuing_unit__in=units) | Q(issuing_unit__kind=UnitKind.STANDING, issuing_unit__parent__in=units)


def directives_visible_to(user: User) -> QuerySet[Directive]:
    """Every directive the user may see; the one gate for pages, API and exports."""
    if not user.is_authenticated or not user.is_active:
        return Directive.objects.none()
    visible = _issued_by_visible_units(user)
    for rule in _rules.values():
        visible |= rule(user)
    return Directive.objects.filter(visible)


def directives_issued_for(user: User) -> QuerySet[Directive]:
    """The directives issued by the bodies the user sees: part of ``directives_visible_to`` without the other
    apps' rules (e.g. a directive seen only through one of its tasks), for lists of choices that must stay cheap."""
    if not user.is_authenticated or not user.is_active:
        return Directive.objects.none()
    return Directive.objects.filter(_issued_by_visible_units(user))


def can_register_directives(user: User) -> bool:
    """Văn phòng (monitor) and leaders register and edit directives and their attachments."""
    return user_scope(user).has_role(*DIRECTIVE_EDITOR_ROLES)


def can_manage_terms(user: User) -> bool:
    return user_scope(user).has_role(*TERM_MANAGER_ROLES)
