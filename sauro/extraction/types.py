"""What the extractor proposes, as plain values (no database): the CLI prints them as JSON, the API returns them,
the proposals kept with a directive are made from them.

The pipeline (``extraction.pipeline.propose``) splits a text into its points and sentences
(``extraction.segment``), reads each sentence that assigns work (``extraction.sentence``) with the unit matcher
(``extraction.units``) and the time parser (``extraction.timeexpr``), and returns one ``Item`` per such sentence.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

TimeKind = Literal["date", "recurring", "ongoing", "relative", "unclear"]
RecurrenceName = Literal["weekly", "monthly", "quarterly", "half_yearly", "yearly"]
# The six clears a proposal may leave open, named as in ``tasks.rules.six_clears``.
Clear = Literal["person", "task", "time", "responsibility", "product", "authority"]


@dataclass(frozen=True)
class UnitRef:
    """A unit of the organisation the text names (a former name is already mapped to its successor)."""

    id: int
    code: str
    name: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name}


@dataclass(frozen=True)
class TimeSpec:
    """When a proposal is due, as the text says it.

    ``kind``: ``date`` (a deadline: ``due``), ``recurring`` (``recurrence``; ``due`` is the first occurrence's
    deadline when the text gives one), ``ongoing`` ("thường xuyên"), ``relative`` (counted from the document's
    date: ``due`` is that count's end), ``unclear`` (no deadline in the text, or only "ngay", "khẩn trương").
    ``text`` is the expression as written ("" when none). ``stated`` is the day the text names when ``due`` was
    moved to the next working day (a deadline on a day off), else None.
    """

    kind: TimeKind
    due: datetime.date | None = None
    recurrence: RecurrenceName | None = None
    text: str = ""
    stated: datetime.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "recurrence": self.recurrence,
            "text": self.text,
            "stated": self.stated.isoformat() if self.stated else None,
        }


UNCLEAR = TimeSpec(kind="unclear")


@dataclass(frozen=True)
class UnitMention:
    """A stretch of text (``start``:``end`` in the sentence) that names a unit, or a collective subject
    ("các cơ quan, đơn vị", "Đảng ủy các xã, phường": ``collective`` with the units it covers)."""

    start: int
    end: int
    text: str
    unit: UnitRef | None
    collective: tuple[UnitRef, ...] = ()

    @property
    def is_collective(self) -> bool:
        return self.unit is None


@dataclass
class TaskProposal:
    """One task a sentence assigns (one per lead unit when it names several)."""

    title: str
    lead: UnitRef | None = None
    lead_text: str = ""
    coordinating: list[UnitRef] = field(default_factory=list)
    product_kind: str | None = None  # a ``tasks.choices.ProductKind`` value
    product: str = ""
    authority: UnitRef | None = None
    authority_text: str = ""
    time: TimeSpec = UNCLEAR
    open_clears: list[Clear] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "lead": self.lead.as_json() if self.lead else None,
            "lead_text": self.lead_text,
            "coordinating": [u.as_json() for u in self.coordinating],
            "product_kind": self.product_kind,
            "product": self.product,
            "authority": self.authority.as_json() if self.authority else None,
            "authority_text": self.authority_text,
            "time": self.time.as_json(),
            "open_clears": list(self.open_clears),
        }


@dataclass
class Item:
    """A sentence that assigns work, where it stands in the text (``start``:``end``), the numbered point it
    belongs to ("2.1", or None) and what it proposes."""

    sentence: str
    point: str | None
    start: int
    end: int
    tasks: list[TaskProposal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "point": self.point,
            "start": self.start,
            "end": self.end,
            "tasks": [t.as_json() for t in self.tasks],
        }
