"""A directive's text → the items (sentences that assign work) with their proposed tasks."""

from __future__ import annotations

import datetime

from sauro.extraction.segment import Sentence, sentences
from sauro.extraction.sentence import LeadIn, coordinators_only, lead_in_of, read_sentence
from sauro.extraction.types import Item
from sauro.extraction.units import UnitMatcher


def _under(s: Sentence, point: str | None) -> bool:
    """Whether ``s`` is an item of the list a lead-in at ``point`` introduces (the same point or one below it)."""
    if not s.item or s.heading or s.closing:
        return False
    return point is None or s.point == point or (s.point or "").startswith(point + ".")


def propose(text: str, ref: datetime.date, matcher: UnitMatcher, *, collective: bool = False) -> list[Item]:
    """One ``Item`` per sentence of ``text`` that assigns work, in the text's order. Pure: the matcher holds the
    organisation (build it once: ``UnitMatcher.from_db``).

    Across sentences: a sentence ending with ":" that names a lead ("Giao Văn phòng Thành ủy:") hands it to the
    items under it that name none ("- Xây dựng…"); a sentence that only names coordinating units ("Ban Nội chính
    Thành ủy phối hợp.") adds them to the tasks of the item just before it in the same point."""
    items: list[Item] = []
    lead_in: tuple[LeadIn, str | None] | None = None
    for s in sentences(text):
        if lead_in is not None and not _under(s, lead_in[1]):
            lead_in = None
        if s.text.endswith(":"):
            found = lead_in_of(s, matcher)
            lead_in = (found, s.point) if found else None
            continue
        tasks = read_sentence(s, ref, matcher, collective=collective, lead_in=lead_in[0] if lead_in else None)
        if tasks:
            items.append(Item(sentence=s.text, point=s.point, start=s.start, end=s.end, tasks=tasks))
            continue
        if items and items[-1].point == s.point and (more := coordinators_only(s, matcher, collective=collective)):
            for task in items[-1].tasks:
                known = {u.id for u in task.coordinating} | ({task.lead.id} if task.lead else set())
                task.coordinating.extend(u for u in dict.fromkeys(more) if u.id not in known)
    return items
