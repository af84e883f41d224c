"""One sentence → the tasks it assigns (lead, coordinating units, product, authority, time, open clears).

SKELETON: the grammar helper fills this in.
"""

from __future__ import annotations

import datetime

from sauro.extraction.segment import Sentence
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.types import TaskProposal
from sauro.extraction.units import UnitMatcher


def read_sentence(
    sentence: Sentence, ref: datetime.date, matcher: UnitMatcher, *, collective: bool = False
) -> list[TaskProposal]:
    """The tasks ``sentence`` assigns ([] when it assigns none). ``collective``: propose one task per unit a
    collective subject covers ("các cơ quan, đơn vị"), else one task with the lead left open."""
    mentions = matcher.mentions(sentence.text)
    if not mentions:
        return []
    return [TaskProposal(title=sentence.text, lead=mentions[0].unit, time=parse_time(sentence.text, ref))]
