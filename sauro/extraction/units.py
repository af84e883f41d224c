"""Which units of the organisation a sentence names: full names, short forms and the abbreviations of Party
documents, with or without diacritics; former names mapped to their successor; collective subjects.

Nothing here names one unit. The names come from the organisation (``from_db``: each unit's name and short name,
its former names, the entries of its ``merged_from_note`` and the names of the units merged into it); the rules
of ``unit_names.json`` make their variants ("Ban Thường vụ Thành ủy" → "BTV Thành ủy", "Ban TVTU", "BTVTU",
"Ban Thường vụ"...). Every variant becomes a sequence of word keys in one trie: a word is matched folded (no
diacritics, no case), an abbreviation ("TU", "UBKT") only when written in capitals ("từ" is never "TU", "TƯ" —
Trung ương — never either). A sentence is read once, left to right, taking at each word the longest name that
starts there; offsets point into the sentence as given (NFC or NFD). See docs/extraction.md, "Units".
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sauro.extraction.types import UnitMention, UnitRef

RULES_FILE = Path(__file__).with_name("unit_names.json")

# Between two words of a name: only spaces, or a comma or a dash ("Phòng Hành chính – Lưu trữ", "Đảng ủy các xã,
# phường"). Any other mark (a full stop, a semicolon, a bracket, a quotation mark) ends every name.
_SOFT = frozenset(",-–—‐‑−&/+")
_WORD = re.compile(r"[^\W_]+")
# A former name written with its old district ("Phường An Tây, Quận Thuận Hóa"): the part before the comma is
# also a name.
_PLACE_TAIL = re.compile(r",\s*(quận|huyện|thị xã|thành phố|tỉnh)\b", re.IGNORECASE)
# Names that start with a local level: "Phường An Cựu" is also called "Đảng ủy phường An Cựu" and back.
_LEVELS = ("phường", "xã", "thị trấn")
_PARTY = "Đảng ủy"
# Variants of one name are bounded (a name has a handful of phrases that vary).
_MAX_VARIANTS = 512
_CACHE_SIZE = 8

Gap = Literal["space", "soft", "hard"]
Key = tuple[str, ...]

# Kinds of ``org.choices.UnitKind``, as strings so that building a matcher needs no Django.
COMMITTEE, STANDING, AGENCY, PARTY_COMMITTEE, PRESS, DEPARTMENT, WARD, COMMUNE = (
    "committee",
    "standing",
    "agency",
    "party_committee",
    "press",
    "department",
    "ward",
    "commune",
)
LOCAL_KINDS = frozenset({WARD, COMMUNE})


@dataclass(frozen=True)
class UnitEntry:
    """A unit as the matcher knows it: its reference, every name it may be called by, its kind
    (``org.choices.UnitKind``) and its parent's code. ``former``: names it was called by before (its own former
    names, those of the units merged into it); a current name of another unit wins over them."""

    unit: UnitRef
    names: tuple[str, ...]
    kind: str
    parent_code: str | None = None
    former: tuple[str, ...] = ()


# --- Words ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character folded: no diacritics, lower case, đ → d ("" for a combining mark of NFD text)."""
    plain = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    return plain.replace("đ", "d").replace("Đ", "d").lower()


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding each character (filled as characters are met)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        if len(folded) != 1:
            _IRREGULAR.add(chr(code))
        return folded


_FOLD = _FoldTable()
_IRREGULAR: set[str] = set()  # characters that do not fold to exactly one (NFD's combining marks)


@dataclass(slots=True)
class _Token:
    start: int  # in the original text
    end: int
    key: str  # folded
    abbr: str | None  # "^BTVTU" when written in capitals (Đ as D, other marks kept: "TƯ" is not "TU")
    gap: Gap  # what separates it from the word before


def _abbr_key(word: str) -> str | None:
    word = unicodedata.normalize("NFC", word)
    if len(word) >= 2 and word.isupper():
        return "^" + word.replace("Đ", "D")
    return None


def _fold_with_origin(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded character by character, and for each folded character the index of the character of
    ``text`` it comes from (``None`` when each character folds to exactly one: NFC text, the usual case)."""
    folded = text.translate(_FOLD)
    if _IRREGULAR.isdisjoint(text):
        return folded, None
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        for f in _FOLD[ord(c)]:
            chars.append(f)
            origin.append(i)
    return "".join(chars), origin


def _tokens(text: str) -> list[_Token]:
    haystack, origin = _fold_with_origin(text)
    tokens: list[_Token] = []
    last_end = 0
    for m in _WORD.finditer(haystack):
        if origin is None:
            start, end = m.start(), m.end()
        else:
            start, end = origin[m.start()], origin[m.end() - 1] + 1
            # The combining marks of NFD text after the word's last letter belong to it.
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
        gap: Gap = "space"
        if tokens and start > last_end:
            between = text[last_end:start]
            if not between.isspace():
                gap = "soft" if all(c.isspace() or c in _SOFT for c in between) else "hard"
        abbr = _abbr_key(text[start:end]) if text[start].isupper() and end - start > 1 else None
        tokens.append(_Token(start, end, m.group(), abbr, gap))
        last_end = end
    return tokens


def _name_key(words: Sequence[str]) -> Key:
    """The trie key of a name given as words: each word folded, or ``^WORD`` for an abbreviation (two or more
    capitals: a unit's name is written in ordinary case, "UBKT TU" is two abbreviations)."""
    out: list[str] = []
    for w in words:
        abbr = _abbr_key(w)
        out.append(abbr if abbr is not None else "".join(_fold_char(c) for c in w))
    return tuple(out)


def _words(name: str) -> tuple[str, ...]:
    return tuple(name[t.start : t.end] for t in _tokens(name))


# --- Rules ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rules:
    qualifiers: tuple[tuple[str, ...], ...]
    committee: tuple[str, ...]
    phrases: tuple[tuple[tuple[str, ...], ...], ...]
    generic: frozenset[Key]
    foreign: frozenset[Key]
    collectives: tuple[tuple[str, tuple[str, ...]], ...]
    titles: tuple[tuple[Key, Key], ...]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return _Rules(
        qualifiers=tuple(_words(q) for q in raw["qualifiers"]),
        committee=tuple(raw["committee"]),
        phrases=tuple(tuple(_words(p) for p in group) for group in raw["phrases"]),
        generic=frozenset(_name_key(_words(g)) for g in raw["generic"]),
        foreign=frozenset(_name_key(_words(f)) for f in raw["foreign"]),
        collectives=tuple((c["scope"], tuple(c["phrases"])) for c in raw["collectives"]),
        titles=tuple((_name_key(_words(b)), _name_key(_words(t))) for b, t in raw["titles"]),
    )


# --- Targets ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    unit: UnitRef | None = None
    collective: tuple[UnitRef, ...] = ()
    bare: bool = False  # a body's name without the committee: not ours when a foreign word follows
    blocked: bool = False  # two units share this name: it names neither


class _Node:
    __slots__ = ("children", "target")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.target: _Target | None = None


# Priorities of a name: a collective phrase, a unit's own name, a variant of it (+1), a former name, a variant of
# that (+1). The lowest wins.
_COLLECTIVE, _OWN, _FORMER = 0, 1, 3


class UnitMatcher:
    def __init__(self, entries: Iterable[UnitEntry]) -> None:
        self.entries = list(entries)
        rules = _rules()
        self._rules = rules
        root = next((e for e in self.entries if e.kind == COMMITTEE and e.parent_code is None), None)
        qualifiers = list(rules.qualifiers)
        if root is not None:
            qualifiers += [_words(n) for n in root.names if n]
        # The committee's own names take their place among the interchangeable phrases ("Thành ủy Huế").
        phrases = [tuple(qualifiers) if rules.qualifiers[0] in group else group for group in rules.phrases]
        self._phrases = phrases
        self._qualifier_keys = sorted({_name_key(q) for q in qualifiers}, key=len, reverse=True)
        self._phrase_index = self._index_phrases(phrases)
        candidates: dict[Key, list[tuple[int, _Target]]] = {}

        def add(key: Key, priority: int, target: _Target) -> None:
            if key and key not in rules.generic:
                candidates.setdefault(key, []).append((priority, target))

        by_code = {e.unit.code: e for e in self.entries}
        for entry in self.entries:
            if entry.kind == DEPARTMENT:
                parent = by_code.get(entry.parent_code or "")
                if parent is None:
                    continue
                for priority, key, bare in self._department_keys(entry, parent):
                    add(key, priority, _Target(unit=entry.unit, bare=bare))
                continue
            own = [(n, _OWN) for n in entry.names if n] + [(n, _FORMER) for n in entry.former if n]
            if entry is root:
                own += [(" ".join(q), _OWN) for q in qualifiers] + [(n, _OWN) for n in rules.committee]
            for name, priority in own:
                for key, exact, bare in self._name_keys(name, entry.kind):
                    target = _Target(unit=entry.unit, bare=bare and entry is not root)
                    add(key, priority if exact else priority + 1, target)
        for scope, texts in rules.collectives:
            units = self._scope(scope)
            if not units:
                continue
            for text in texts:
                for words in self._variants(_words(text)):
                    add(_name_key(words), _COLLECTIVE, _Target(collective=units))
        self._root = _Node()
        for key, found in candidates.items():
            best = min(p for p, _ in found)
            targets = {t.unit or t.collective: t for p, t in found if p == best}
            if len(targets) == 1:
                target = next(iter(targets.values()))
                if any(t.bare for p, t in found if p == best) and not target.bare:
                    target = _Target(unit=target.unit, collective=target.collective, bare=True)
            else:
                target = _Target(blocked=True)
            node = self._root
            for word in key:
                node = node.children.setdefault(word, _Node())
            node.target = target
        self._foreign = _Node()
        for key in rules.foreign:
            node = self._foreign
            for word in key:
                node = node.children.setdefault(word, _Node())
            node.target = _Target(blocked=True)

    # --- Building names ------------------------------------------------------------------------------------
    @staticmethod
    def _index_phrases(phrases: Sequence[tuple[tuple[str, ...], ...]]) -> dict[str, list[tuple[Key, int]]]:
        """For each first word key, the phrases starting with it (their key and group), longest first."""
        index: dict[str, list[tuple[Key, int]]] = {}
        for g, group in enumerate(phrases):
            for words in group:
                key = _name_key(words)
                index.setdefault(key[0], []).append((key, g))
        for options in index.values():
            options.sort(key=lambda o: len(o[0]), reverse=True)
        return index

    def _variants(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """``words`` with each phrase it holds replaced by each phrase of its group, then abbreviations followed by
        "TU" glued ("BTV TU" → "BTVTU"). The name itself comes first."""
        key = _name_key(words)
        parts: list[list[tuple[str, ...]]] = []
        i = 0
        while i < len(words):
            for pkey, g in self._phrase_index.get(key[i], ()):
                if key[i : i + len(pkey)] == pkey:
                    own = words[i : i + len(pkey)]
                    parts.append([own, *(p for p in self._phrases[g] if _name_key(p) != pkey)])
                    i += len(pkey)
                    break
            else:
                parts.append([words[i : i + 1]])
                i += 1
        out: dict[Key, tuple[str, ...]] = {}
        for combo in itertools.islice(itertools.product(*parts), _MAX_VARIANTS):
            variant = tuple(w for part in combo for w in part)
            out.setdefault(_name_key(variant), variant)
            glued = self._glue(variant)
            if glued is not None:
                out.setdefault(_name_key(glued), glued)
        return list(out.values())

    @staticmethod
    def _glue(words: tuple[str, ...]) -> tuple[str, ...] | None:
        for i in range(len(words) - 1):
            if words[i + 1] == "TU" and _abbr_key(words[i]) is not None:
                return (*words[:i], words[i] + "TU", *words[i + 2 :])
        return None

    def _strip_qualifier(self, key: Key) -> Key | None:
        for q in self._qualifier_keys:
            if len(key) > len(q) and key[-len(q) :] == q:
                return key[: -len(q)]
        return None

    def _name_keys(self, name: str, kind: str) -> Iterator[tuple[Key, bool, bool]]:
        """Every key of ``name``: (key, the name as written, a body's name without the committee)."""
        bases = [_words(name)]
        head = _PLACE_TAIL.split(name, maxsplit=1)[0]
        if head != name and head.strip():
            bases.append(_words(head))
        party = _words(_PARTY)
        for words in list(bases):
            level = words[0].lower() if words else ""
            if level in _LEVELS:
                bases.append((*party, level, *words[1:]))
            if len(words) > 2 and _name_key(words[:2]) == _name_key(party) and words[2].lower() in _LEVELS:
                bases.append(words[2:])
        for b, words in enumerate(bases):
            for v, variant in enumerate(self._variants(words)):
                key = _name_key(variant)
                exact = b == 0 and v == 0
                stripped = self._strip_qualifier(key)
                yield key, exact, stripped is None and kind not in LOCAL_KINDS
                if stripped is not None and stripped not in self._rules.generic:
                    yield stripped, False, True

    def _department_keys(self, entry: UnitEntry, parent: UnitEntry) -> Iterator[tuple[int, Key, bool]]:
        """A department only with its agency: "Phòng Tổng hợp Văn phòng Thành ủy", "… thuộc VPTU"; a name ending
        as the agency's begins is said once ("Văn phòng Đảng ủy" + "Đảng ủy các cơ quan Đảng")."""
        agency_keys: list[tuple[Key, bool]] = []
        for name in (*parent.names, *parent.former):
            for key, _exact, bare in self._name_keys(name, parent.kind):
                agency_keys.append((key, bare))
        own = [(n, _OWN) for n in entry.names if n] + [(n, _FORMER) for n in entry.former if n]
        for name, priority in own:
            for v, variant in enumerate(self._variants(_words(name))):
                dept = _name_key(variant)
                for agency, bare in agency_keys:
                    overlap = next(
                        (k for k in range(min(len(dept), len(agency)) - 1, 0, -1) if dept[-k:] == agency[:k]), 0
                    )
                    p = priority if v == 0 else priority + 1
                    yield p, dept + agency[overlap:], bare
                    yield p, (*dept, "thuoc", *agency), bare

    def _scope(self, scope: str) -> tuple[UnitRef, ...]:
        kinds = {
            "communes": LOCAL_KINDS,
            "agencies": {AGENCY},
            "bans": {AGENCY},
            "committees": {PARTY_COMMITTEE} | LOCAL_KINDS,
            "all": {AGENCY, PARTY_COMMITTEE, PRESS} | LOCAL_KINDS,
        }.get(scope, set())
        return tuple(
            e.unit
            for e in self.entries
            if e.kind in kinds and (scope != "bans" or _name_key(_words(e.unit.name))[:1] == ("ban",))
        )

    # --- Reading --------------------------------------------------------------------------------------------
    @classmethod
    def from_db(cls, day: datetime.date | None = None) -> UnitMatcher:
        """The units in force on ``day`` (today by default) with their former names; built once per process and
        state of the organisation (``_org_signature``)."""
        from sauro.common import clock

        day = day or clock.today()
        signature = (day, _org_signature())
        matcher = _BUILT.get(signature)
        if matcher is None:
            matcher = cls(_entries_from_db(day))
            if len(_BUILT) >= _CACHE_SIZE:
                _BUILT.pop(next(iter(_BUILT), signature), None)
            _BUILT[signature] = matcher
        return matcher

    def _longest(self, tokens: Sequence[_Token], i: int) -> tuple[int, _Target] | None:
        best: tuple[int, _Target] | None = None
        stack: list[tuple[_Node, int]] = [(self._root, i)]
        while stack:
            node, j = stack.pop()
            if node.target is not None and j > i and (best is None or j > best[0]):
                best = (j, node.target)
            if j >= len(tokens) or (j > i and tokens[j].gap == "hard"):
                continue
            token = tokens[j]
            child = node.children.get(token.key)
            if child is not None:
                stack.append((child, j + 1))
            if token.abbr is not None:
                child = node.children.get(token.abbr)
                if child is not None:
                    stack.append((child, j + 1))
        return best

    def _foreign_at(self, tokens: Sequence[_Token], j: int) -> bool:
        """A word of another level or organisation right after a body's name ("Ban Tổ chức Trung ương")."""
        if j >= len(tokens) or tokens[j].gap != "space":
            return False
        node = self._foreign
        while j < len(tokens):
            token = tokens[j]
            child = node.children.get(token.key) or (node.children.get(token.abbr) if token.abbr else None)
            if child is None:
                return False
            if child.target is not None:
                return True
            node = child
            j += 1
            if j < len(tokens) and tokens[j].gap != "space":
                return False
        return False

    def _title_at(self, tokens: Sequence[_Token], i: int) -> int:
        """How many words at ``i`` belong to a person's title before them ("Bí thư | Thường trực Thành ủy"), else 0."""
        for before, start in self._rules.titles:
            b, n = len(before), len(start)
            if i < b or i + n > len(tokens):
                continue
            window = tokens[i - b : i + n]
            if any(t.gap != "space" for t in window[1:]):
                continue
            if all(k in (t.key, t.abbr) for k, t in zip(before + start, window, strict=True)):
                return n
        return 0

    def mentions(self, sentence: str) -> list[UnitMention]:
        """Every unit (or collective subject) ``sentence`` names, in order, not overlapping."""
        tokens = _tokens(sentence)
        found: list[UnitMention] = []
        first = self._root.children
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.key not in first and (token.abbr is None or token.abbr not in first):
                i += 1
                continue
            skip = self._title_at(tokens, i)
            if skip:
                i += skip
                continue
            hit = self._longest(tokens, i)
            if hit is None:
                i += 1
                continue
            j, target = hit
            if not target.blocked and not (target.bare and self._foreign_at(tokens, j)):
                start, end = tokens[i].start, tokens[j - 1].end
                found.append(UnitMention(start, end, sentence[start:end], target.unit, target.collective))
            i = j
        return found


_BUILT: dict[tuple[datetime.date, int], UnitMatcher] = {}


def _org_signature() -> int:
    """A digest of everything the matcher is built from: each unit's id, names, kind, parent, validity, successor and
    note, and the former names. Two small reads of a few hundred rows (a millisecond or two), exact on SQLite and
    PostgreSQL alike, whoever wrote the change (a service, the admin, a rolled-back test reusing ids)."""
    from sauro.org.models import Unit, UnitName

    units = Unit.objects.order_by("pk").values_list(
        "pk",
        "code",
        "name",
        "short_name",
        "kind",
        "parent_id",
        "valid_from",
        "valid_to",
        "successor_id",
        "merged_from_note",
        "version",
    )
    names = UnitName.objects.order_by("pk").values_list("pk", "unit_id", "name")
    return hash((tuple(units), tuple(names)))


def _entries_from_db(day: datetime.date) -> list[UnitEntry]:
    from sauro.org.models import Unit, UnitName
    from sauro.org.selectors import tree_order

    units = list(tree_order(Unit.objects.select_related("parent")))
    by_id = {u.pk: u for u in units}
    in_force = [u for u in units if u.is_active_on(day)]
    former: dict[int, list[str]] = {u.pk: [] for u in in_force}

    def heir(unit_id: int) -> int | None:
        """The unit in force on ``day`` that ``unit_id`` became (itself when in force)."""
        seen: set[int] = set()
        unit = by_id.get(unit_id)
        while unit is not None and unit.pk not in seen:
            if unit.is_active_on(day):
                return unit.pk
            if unit.valid_from > day:
                return None
            seen.add(unit.pk)
            unit = by_id.get(unit.successor_id) if unit.successor_id else None
        return None

    for unit in units:
        target = heir(unit.pk)
        if target is None:
            continue
        if target != unit.pk:
            former[target] += [n for n in (unit.name, unit.short_name) if n]
        former[target] += [n.strip() for n in unit.merged_from_note.split(";") if n.strip()]
    for unit_id, name in UnitName.objects.values_list("unit_id", "name"):
        target = heir(unit_id)
        if target is not None:
            former[target].append(name)
    return [
        UnitEntry(
            unit=UnitRef(u.pk, u.code, u.name),
            names=tuple(n for n in (u.name, u.short_name) if n),
            kind=u.kind,
            parent_code=u.parent.code if u.parent else None,
            former=tuple(dict.fromkeys(former[u.pk])),
        )
        for u in in_force
    ]
