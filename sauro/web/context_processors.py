"""Template context for the page shell: who is logged in, in which unit, and the navigation."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from sauro.notifications.selectors import notification_bell
from sauro.org.access import can_read_audit, is_admin
from sauro.org.selectors import primary_membership


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = primary_membership(user=user)
    return {
        "shell_membership": membership,
        "shell_can_read_audit": can_read_audit(user),
        "shell_is_admin": is_admin(user),
        # A callable: the template calls it only when the bell is drawn, so an htmx fragment that never shows the
        # header costs no query; cached, so the bell and the notification page share one query.
        "shell_bell": cache(lambda: notification_bell(user=user)),
    }
