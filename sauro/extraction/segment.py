"""A directive's text → its numbered points and sentences, with their offsets in the text.

SKELETON: the grammar helper fills this in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    text: str
    point: str | None  # "2.1" for the sentence under point 2, item 1; None outside numbered points
    start: int
    end: int


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    pos = 0
    for part in text.replace("\n", ". ").split(". "):
        start = text.find(part, pos)
        if part.strip():
            out.append(Sentence(part.strip(), None, start, start + len(part)))
        pos = max(pos, start + len(part))
    return out
