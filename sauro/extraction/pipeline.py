"""A directive's text → the items (sentences that assign work) with their proposed tasks."""

from __future__ import annotations

import datetime

from sauro.extraction.segment import sentences
from sauro.extraction.sentence import read_sentence
from sauro.extraction.types import Item
from sauro.extraction.units import UnitMatcher


def propose(text: str, ref: datetime.date, matcher: UnitMatcher, *, collective: bool = False) -> list[Item]:
    items: list[Item] = []
    for s in sentences(text):
        tasks = read_sentence(s, ref, matcher, collective=collective)
        if tasks:
            items.append(Item(sentence=s.text, point=s.point, start=s.start, end=s.end, tasks=tasks))
    return items
