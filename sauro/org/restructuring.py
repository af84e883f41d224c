"""Hooks through which other apps move their open obligations to a successor unit, and say beforehand what would move.

When units are merged (``org.services.units_merge``), every registered handler is called inside the same
transaction, for each predecessor. The tasks app registers one that moves open tasks, the reporting app
one that moves report duties, and so on; each handler writes its own audit entries.

Before a merge is confirmed, its preview page (``org.selectors.merge_preview``) asks every registered preview
(``register_succession_preview``, from the same apps' ``AppConfig.ready``) what its handler would move: org counts
its own people and units and never imports the apps above it.
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


# The most objects of one kind a preview lists by name (the count is always complete).
PREVIEW_LIST_LIMIT = 200


@dataclass(frozen=True)
class PreviewGroup:
    """What one app's handler would move to the successor: a heading, the full count, and the first objects by name
    (``PREVIEW_LIST_LIMIT`` at most) each with the unit it comes from."""

    label: str
    count: int
    items: list[tuple[str, str]]  # (object, predecessor's name)
    order: int = 100

    @property
    def more(self) -> int:
        return self.count - len(self.items)


SuccessionPreview = Callable[[list[Unit], datetime.date], list[PreviewGroup]]

_previews: dict[str, SuccessionPreview] = {}


def register_succession_preview(name: str, preview: SuccessionPreview) -> None:
    """Register ``preview`` (what the handler registered under the same ``name`` would move from these predecessors
    on that day; reads only) under a unique ``name``."""
    _previews[name] = preview


def succession_previews() -> dict[str, SuccessionPreview]:
    return dict(_previews)
