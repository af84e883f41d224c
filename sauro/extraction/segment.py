"""A directive's text → its numbered points and sentences, with their offsets in the text.

Rules, no model (underthesea's splitter is not a dependency; Party documents' punctuation is regular enough):

- **Blocks.** A line is a block of its own when it starts with a point marker (``I.``, ``II.``, ``1.``, ``2.1.``,
  ``a)``, ``-``, ``+``, ``•``), is a heading (written in capitals, or a numbered line without final punctuation
  shorter than ``HEADING_MAX``), or follows a blank line or a line ending in ``. ! ? : ; …``. Any other line
  continues the previous one (a paragraph wrapped by a PDF's layout); a line holding only a page number ("2",
  "- 2 -") is skipped.
- **Sentences.** A block is split after ``. ! ?`` (and any closing quote or bracket) followed by a space and a
  capital letter, a digit or an opening quote — except after an abbreviation (``TP.``, ``TW.``, ``Tp.``, ``ThS.``,
  an initial ``V.``…). Dates (``15/3/2026``, ``15.3.2026``), document numbers (``15-KL/TU``), decimals and
  ellipses (``...``, ``…``) never end a sentence; ``15-KL/TW.`` does when a capital follows.
- **Points.** ``Sentence.point`` is the numbering path of the points the sentence stands under, the labels joined by
  dots, from the outermost: ``"2.1"`` under point 2, item 1 (written ``2.1.`` or ``1.`` under ``2.``), ``"II.1.a"``
  under ``II.``, ``1.``, ``a)``. A marker of a kind already open closes that level and everything under it (``b)``
  after ``a)``; ``3.`` closes ``2.``'s letters). Bullets (``-``, ``+``, ``•``) start a block but add nothing to the
  path. ``None`` before the first numbered point.
- **Closing.** From ``Nơi nhận`` on, and the signature block (``T/M``, ``K/T``, ``TL.`` lines), sentences are
  ``closing``: the reader ignores them, as it ignores headings.

``text`` is the sentence as written with its runs of whitespace (a wrapped line's break) made single spaces and any
page-number line left out; ``start``
and ``end`` are offsets of its first and last-plus-one characters in the original text, the marker excluded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING_MAX = 80

_ROMAN = r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# A point marker at the start of a line: (kind, label) from the groups below.
_MARKER = re.compile(
    rf"""^[ \t]*(?:
        (?P<roman>(?=[IVXL]){_ROMAN})[.)][ \t]+
      | (?P<arabic>\d{{1,2}}(?:\.\d{{1,2}})*)(?:\.|\))[ \t]+
      | (?P<letter>[a-zđ])\)[ \t]+
      | (?P<bullet>[-+•–—*])[ \t]+
    )""",
    re.VERBOSE,
)
_END_PUNCT = ".!?:;…"
# A possible sentence end: the punctuation, closing quotes/brackets, the space, the next sentence's first character.
_BREAK = re.compile(r"[.!?][”\"’)\]]*(?=\s+[“\"(\[]?(\S))")
# Words whose final dot is an abbreviation's, not a sentence end (compared as written).
_ABBREVIATIONS = frozenset(
    {"TP", "Tp", "tp", "TW", "T.Ư", "TƯ", "ThS", "TS", "PGS", "GS", "BS", "KS", "CN", "Đ/c", "đ/c", "St", "tr", "Tr"}
    | {"TT", "Q", "P", "H", "X", "Th", "K/T", "T/M", "TM", "KT", "TL", "TUQ", "Ths"}
)
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
_PAGE_NUMBER_LINE = re.compile(r"\n[ \t]*(?:-[ \t]*)?\d{1,3}(?:[ \t]*-)?[ \t]*(?=\r?\n)")
_CLOSING = re.compile(r"^(?:Nơi nhận|T/M|TM\.|K/T|KT\.|TL\.|TUQ\.|\(Đã ký\))", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    text: str
    point: str | None  # "2.1" for the sentence under point 2, item 1; None outside numbered points (see above)
    start: int
    end: int
    heading: bool = False  # a heading line ("II. NHIỆM VỤ TRỌNG TÂM", "1. Về công tác cán bộ")
    closing: bool = False  # "Nơi nhận" and the signature block
    item: bool = False  # its paragraph starts with a point marker or a bullet


@dataclass
class _Block:
    start: int
    end: int
    point: str | None
    heading: bool
    closing: bool
    item: bool


def _is_upper_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


class _Path:
    """The open numbering levels: (kind, label) from the outermost."""

    def __init__(self) -> None:
        self.levels: list[tuple[str, str]] = []

    def enter(self, kind: str, label: str) -> None:
        kinds = [k for k, _ in self.levels]
        if kind in kinds:
            del self.levels[kinds.index(kind) :]
        self.levels.append((kind, label))

    @property
    def point(self) -> str | None:
        return ".".join(label for _, label in self.levels) or None


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    path = _Path()
    closing = False
    open_block: _Block | None = None  # the block a following line may continue
    pos = 0
    for raw in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(raw)
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            open_block = None
            continue
        if _PAGE_NUMBER.match(stripped):  # a PDF's page number between two halves of a sentence
            continue
        marker = _MARKER.match(line)
        body_start = line_start + (marker.end() if marker else len(line) - len(line.lstrip()))
        body_end = line_start + len(line.rstrip())
        if body_end <= body_start:  # a marker alone on its line
            open_block = None
            continue
        body = text[body_start:body_end]
        if _CLOSING.match(body):
            closing = True
        ends_sentence = body[-1] in _END_PUNCT or body.endswith(("”", '"', ")"))
        upper = _is_upper_line(body)
        if marker is None and open_block is not None and not upper and not closing:
            open_block.end = body_end
            open_block = open_block if not ends_sentence else None
            continue
        heading = upper or (
            marker is not None
            and (marker.group("roman") or marker.group("arabic")) is not None
            and not ends_sentence
            and len(body) <= HEADING_MAX
        )
        if marker is not None and not closing:
            if marker.group("roman"):
                path.enter("roman", marker.group("roman"))
            elif marker.group("arabic"):
                label = marker.group("arabic")
                path.enter("arabic", label)
            elif marker.group("letter"):
                path.enter("letter", marker.group("letter"))
        block = _Block(body_start, body_end, None if closing else path.point, heading, closing, marker is not None)
        blocks.append(block)
        open_block = None if (ends_sentence or heading or upper) else block
    return blocks


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the dot at ``dot`` closes an abbreviation rather than a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in '(“"':
        word_start -= 1
    word = text[word_start:dot]
    if word in _ABBREVIATIONS:
        return True
    if "/" in word or "-" in word:  # "15-KL/TW." ends a sentence; "K/T." does not (above)
        return False
    # An initial ("Nguyễn V. An"), an abbreviation with inner dots ("T.Ư.", but not "v.v." nor "...").
    return (len(word) == 1 and word.isupper()) or (
        "." in word and word.replace(".", "").isalpha() and word.replace(".", "").isupper()
    )


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as (start, end) offsets."""
    spans: list[tuple[int, int]] = []
    cut = start
    for m in _BREAK.finditer(text, start, end):
        dot = m.start()
        if not (m.group(1).isupper() or m.group(1).isdigit()):
            continue
        if dot > 0 and text[dot] == "." and text[dot - 1] == ".":  # an ellipsis
            continue
        if _is_abbreviation(text, dot):
            continue
        spans.append((cut, m.end()))
        cut = m.end()
    spans.append((cut, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for block in _blocks(text):
        for s, e in _split(text, block.start, block.end):
            words = " ".join(_PAGE_NUMBER_LINE.sub("\n", text[s:e]).split())
            out.append(Sentence(words, block.point, s, e, block.heading, block.closing, block.item))
    return out
