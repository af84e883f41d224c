"""A directive's text → the items (sentences that assign work) with their proposed tasks."""

from __future__ import annotations

import datetime

from sauro.extraction.segment import sentences
from sauro.extraction.sentence import coordinators_only, read_sentence
from sauro.extraction.types import Item
from sauro.extraction.units import UnitMatcher


def propose(text: str, ref: datetime.date, matcher: UnitMatcher, *, collective: bool = False) -> list[Item]:
    """One ``Item`` per sentence of ``text`` that assigns work, in the text's order. A sentence that only names
    coordinating units ("Ban Nội chính Thành ủy phối hợp.") adds them to the tasks of the item just before it in the
    same point. Pure: the matcher holds the organisation (build it once: ``UnitMatcher.from_db``)."""
    items: list[Item] = []
    for s in sentences(text):
        tasks = read_sentence(s, ref, matcher, collective=collective)
        if tasks:
            items.append(Item(sentence=s.text, point=s.point, start=s.start, end=s.end, tasks=tasks))
            continue
        if items and items[-1].point == s.point and (more := coordinators_only(s, matcher, collective=collective)):
            for task in items[-1].tasks:
                known = {u.id for u in task.coordinating} | ({task.lead.id} if task.lead else set())
                task.coordinating.extend(u for u in dict.fromkeys(more) if u.id not in known)
    return items
