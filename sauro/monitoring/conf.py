"""Monitoring thresholds (PRODUCT §7), read from settings so each deployment can set its own.

Every value can be set by an environment variable of the same name (see ``sauro/settings.py``). Working days are
counted by ``common.calendar``.
"""

from __future__ import annotations

from django.conf import settings


def reminder_days_before() -> tuple[int, ...]:
    """Working days before the deadline on which the people working on a task are reminded (default 7, 3, 1)."""
    return tuple(sorted({int(d) for d in settings.SAURO_REMINDER_DAYS_BEFORE if int(d) > 0}, reverse=True))


def no_update_days() -> int:
    """Working days without an update after which the people working on a task are nudged."""
    return int(settings.SAURO_NO_UPDATE_DAYS)


def stuck_days() -> int:
    """Working days in one state after which a task is reported to the lead unit's head, and twice that to the
    monitoring office."""
    return int(settings.SAURO_STUCK_DAYS)


def overdue_escalation_days() -> int:
    """Working days overdue after which a task still with its workers is reported to its supervising leader, and
    twice that to the monitoring office (default 5; 0 turns the escalation off)."""
    return int(settings.SAURO_OVERDUE_ESCALATION_DAYS)


def obstacle_response_days() -> int:
    """Working days the body asked has to answer an obstacle, at each level of escalation."""
    return int(settings.SAURO_OBSTACLE_RESPONSE_DAYS)


def update_window_days(*, urgent: bool) -> int:
    """Working days within which an expected update is on time: 0 (the same working day) for urgent directives."""
    return int(settings.SAURO_UPDATE_WINDOW_URGENT_DAYS if urgent else settings.SAURO_UPDATE_WINDOW_DAYS)
