"""Which units of the organisation a sentence names: full names, short forms and the abbreviations of Party
documents, with or without diacritics; former names mapped to their successor; collective subjects.

SKELETON: the units helper fills this in. The interface below is what ``sentence`` uses.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from sauro.common.text import fold
from sauro.extraction.types import UnitMention, UnitRef


@dataclass(frozen=True)
class UnitEntry:
    """A unit as the matcher knows it: its reference, every name it may be called by, its kind
    (``org.choices.UnitKind``) and its parent's code."""

    unit: UnitRef
    names: tuple[str, ...]
    kind: str
    parent_code: str | None = None


class UnitMatcher:
    def __init__(self, entries: Iterable[UnitEntry]) -> None:
        self.entries = list(entries)

    @classmethod
    def from_db(cls, day: datetime.date | None = None) -> UnitMatcher:
        """The units in force on ``day`` (today by default) with their former names."""
        from sauro.org.models import Unit

        entries = [
            UnitEntry(UnitRef(u.id, u.code, u.name), (u.name, u.short_name) if u.short_name else (u.name,), u.kind)
            for u in Unit.objects.filter(valid_to__isnull=True)
        ]
        return cls(entries)

    def mentions(self, sentence: str) -> list[UnitMention]:
        """Every unit (or collective subject) ``sentence`` names, in order, not overlapping."""
        folded = fold(sentence)
        found: list[UnitMention] = []
        if len(folded) != len(sentence):
            return found
        for entry in self.entries:
            for name in entry.names:
                at = folded.find(fold(name))
                if at >= 0:
                    found.append(UnitMention(at, at + len(name), sentence[at : at + len(name)], entry.unit))
                    break
        return sorted(found, key=lambda m: m.start)
