"""Hooks through which other apps move their open obligations to a successor unit.

When units are merged (``org.services.units_merge``), every registered handler is called inside the same
transaction, for each predecessor. The tasks app registers one that moves open tasks, the reporting app
one that moves report duties, and so on; each handler writes its own audit entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from sauro.accounts.models import User
from sauro.org.models import Unit


@dataclass(frozen=True)
class Succession:
    predecessor: Unit
    successor: Unit
    on_date: datetime.date
    acting_user: User | None


SuccessionHandler = Callable[[Succession], int]

_handlers: dict[str, SuccessionHandler] = {}


def register_succession_handler(name: str, handler: SuccessionHandler) -> None:
    """Register ``handler`` (returns how many objects it moved) under a unique ``name``."""
    _handlers[name] = handler


def succession_handlers() -> dict[str, SuccessionHandler]:
    return dict(_handlers)
