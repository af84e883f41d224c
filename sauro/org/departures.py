"""Hooks through which other apps hand over what a person held in a unit once their membership there has ended.

A person who leaves a unit, or moves to another, keeps their history but loses access on the day their membership
ends (the visibility gate reads the memberships in force). What they were working on must not stay with them: when a
membership's last day (``valid_to``) has passed and the person holds no other membership in force in that unit,
``org.services.membership_ended`` calls every registered handler with a ``Departure``, inside the transaction of the
change. The tasks app registers one that hands the person's open tasks to the unit's head (``tasks.services
.tasks_hand_over``); each handler writes its own audit entries and must be idempotent: a departure is offered again
by the daily pass (``org.services.membership_ends_catch_up``) for the few days after it, which is how an end entered
ahead of time takes effect at midnight. org never imports the apps above it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from sauro.accounts.models import User
from sauro.org.models import Unit


@dataclass(frozen=True)
class Departure:
    """``person`` no longer holds any membership in force in ``unit`` on ``day`` (the day the handover is for): the
    one ``membership_id`` ended on ``last_day`` (its ``valid_to``, the last day it was in force)."""

    person: User
    unit: Unit
    last_day: datetime.date
    membership_id: int
    acting_user: User | None
    day: datetime.date

    @property
    def first_day_gone(self) -> datetime.date:
        return self.last_day + datetime.timedelta(days=1)


DepartureHandler = Callable[[Departure], int]

_handlers: dict[str, DepartureHandler] = {}


def register_membership_end_handler(name: str, handler: DepartureHandler) -> None:
    """Register ``handler`` (returns how many objects it handed over) under a unique ``name``."""
    _handlers[name] = handler


def membership_end_handlers() -> dict[str, DepartureHandler]:
    return dict(_handlers)
