"""Likely duplicates of a letter (issue 19, point 5): near-duplicate search, pure and incremental.

On entry the officer sees the earlier letters that are probably the same matter, ranked, each with **why**: the
same sender ("cùng người gửi"), the same content with or without diacritics ("cùng nội dung"), the same place and
affair ("cùng địa bàn và vụ việc"). Nothing here touches the database: letters come in as :class:`LetterRecord`
values and the index keeps what it needs in a :class:`KeyStore` — :class:`MemoryKeyStore` here, a table in the
letters' app (``docs/petitions.md``, "Duplicates", gives the table), so the same code runs on SQLite and PostgreSQL.

How a letter is found (docs/petitions.md, "Duplicates", for the figures):

1. **Folding.** Every field is folded with ``common.text.fold`` (lower case, no diacritics, đ → d), so a letter typed
   without accents meets its accented original; a name's words are sorted ("An Nguyễn Văn" = "Nguyễn Văn An"); the
   commune is the current one — the caller's, or read from the address by :class:`CommuneResolver`, which knows the
   names the communes had before the 2025 merger.
2. **Facts.** What makes a matter its own is what its letters name: numbers (plot and map sheet, decision, date,
   sum) and names (people, villages, projects: runs of capitalised words inside sentences), less the sender's
   address (:func:`letter_facts`). Letters of one kind share their boilerplate — two unrelated compensation letters
   can be 80 % alike by edit similarity — but not their facts.
3. **Candidates by keys.** A letter gets integer keys (:func:`letter_keys`): the bands of a MinHash of its folded
   content's character 5-grams (``datasketch.MinHash``, bands from ``datasketch.MinHashLSH``'s optimum for a
   Jaccard threshold of 0.5: close copies), one key per fact tied to the commune (rewritten letters on one matter),
   one for the sender (sorted name + commune) and one for the ID number. Keys are 63-bit integers (blake2b, keyed
   when the index has a secret), stable across processes and versions: stored in a ``bigint`` column with an index,
   a lookup is a ``key IN (…)`` query grouped by letter (:mod:`sauro.petitions.similar_store`). The sender's
   letters are always rescored; of the others, those sharing most keys (a fact weighs ``FACT_WEIGHT`` bands).
4. **Rescoring.** Each candidate is compared field by field (:func:`compare`): the contents' edit similarity
   (``rapidfuzz`` Indel ratio, on the words as written and sorted), the share of facts in common — each fact
   weighing 1/√n when n letters of the commune give it —, the names, the house or village, the year of birth, the
   subjects. It is proposed only with a reason, ranked by a score in [0, 1]:

   - **cùng người gửi**: the same ID number; or the same name (words in any order; with accents, the same accents),
     the same house or village, not another commune, not another year of birth;
   - **cùng nội dung**: contents 72 % alike by edit similarity with half the facts in common, or 97 % alike;
   - **cùng địa bàn và vụ việc**: the same commune, subjects 60 % alike, 40 % of the facts in common.

Adding a letter computes its keys once and stores them: nothing is rebuilt (:meth:`SimilarityIndex.add`). The keys
depend on :data:`SCHEME`; a change of it (shingle size, bands, seed) needs the keys recomputed from the letters'
texts (the stored texts are the source of truth, the keys are derived).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from sauro.common.text import fold

__all__ = [
    "SCHEME",
    "Candidate",
    "CommuneResolver",
    "KeyStore",
    "LetterRecord",
    "MemoryKeyStore",
    "Reason",
    "SimilarityIndex",
    "Sketch",
    "address_detail",
    "compare",
    "fact_key",
    "fold_address",
    "letter_keys",
    "name_key",
    "records_index",
    "repeats_after_decision",
    "resolver_from_mapping",
    "sketch",
]

# --- parameters (changing any of them changes SCHEME: stored keys must then be recomputed) -------------------------

SHINGLE = 5  # characters per shingle of the folded content
NUM_PERM = 64  # MinHash permutations of the content
SEED = 19  # the number: the permutations are drawn from it
# Content bands: chosen by datasketch for a Jaccard threshold of 0.5 (false negatives weighted 3 to 1). Letters on a
# topic share much boilerplate (5-gram Jaccard up to 0.4 between unrelated letters), so the bands only catch close
# copies; the facts' keys catch the rewritten ones.
_LSH = MinHashLSH(threshold=0.5, num_perm=NUM_PERM, weights=(0.25, 0.75))
CONTENT_BANDS: tuple[tuple[int, int], ...] = tuple(_LSH.hashranges)
SCHEME = f"minhash-affine32/crc32/k{SHINGLE}/p{NUM_PERM}/s{SEED}/b{_LSH.b}r{_LSH.r}/facts-commune/v1"

RESCORE_LIMIT = 40  # candidates by text compared by edit similarity, the ones sharing most keys
BUCKET_CAP = 500  # keys shared by more letters are not asked (boilerplate)
SENDER_LIMIT = 20  # and the sender's letters (same name and commune, or ID number), the first found
CONTENT_CHARS = 2500  # the content compared by edit similarity: a long letter's first pages say what it is about

# Key families (the first argument of the key hash), so that a content band can never equal a name key.
_CONTENT, _FACT, _PERSON, _ID = "c", "f", "p", "i"
# A fact shared is worth this many content bands when candidates are ranked by shared keys.
FACT_WEIGHT = 3

# Thresholds of the reasons (tuned on the synthetic set of seed 1, measured on seed 2: bench/petitions_dupes.py).
SAME_CONTENT_MIN = 0.72  # edit similarity of the contents…
SAME_FACTS_MIN = 0.5  # …with at least half the facts of the shorter letter in common
IDENTICAL_MIN = 0.97  # or a copy, facts or not
PLACE_SUBJECT_MIN = 0.6  # same commune, subjects this similar…
PLACE_FACTS_MIN = 0.4  # …and this share of facts in common
ADDRESS_SAME_MIN = 0.80


class Reason(StrEnum):
    """Why a letter is proposed as a likely duplicate; ``label`` is what the officer reads."""

    SAME_PERSON = "cung_nguoi_gui"
    SAME_CONTENT = "cung_noi_dung"
    SAME_PLACE = "cung_dia_ban_vu_viec"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    Reason.SAME_PERSON: "cùng người gửi",
    Reason.SAME_CONTENT: "cùng nội dung",
    Reason.SAME_PLACE: "cùng địa bàn và vụ việc",
}


@dataclasses.dataclass(frozen=True)
class LetterRecord:
    """What the search reads of a letter. ``commune``: the key of the current commune when the caller knows it (a
    unit's id); empty, it is read from ``address``. ``id_number``: the sender's CCCD/CMND when the letter gives it."""

    id: Hashable
    citizen: str = ""
    address: str = ""
    subject: str = ""
    content: str = ""
    received: datetime.date | None = None
    commune: Hashable | None = None
    id_number: str = ""


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A likely duplicate: the letter, a score in [0, 1] (higher: more likely), the reasons (at least one) and the
    similarities the score comes from (for the page's "why", and for tuning)."""

    id: Hashable
    score: float
    reasons: tuple[Reason, ...]
    content: float  # edit similarity of the contents
    facts: float  # share of the facts in common (weighted by rarity)
    person: float
    place: float

    @property
    def reason_text(self) -> str:
        """ "cùng người gửi, cùng nội dung": the reasons as the officer reads them."""
        return ", ".join(r.label for r in self.reasons)


@dataclasses.dataclass(frozen=True)
class Sketch:
    """A letter as the rescoring compares it: folded fields, and the keys it is stored under."""

    id: Hashable
    name: str  # folded, words sorted ("an nguyen van")
    name_marked: str  # the same with its diacritics ("an nguyễn văn"), "" when written without them
    address: str  # folded, abbreviations written out
    commune: Hashable | None
    subject: str
    content: str  # folded, first CONTENT_CHARS characters
    content_sorted: str  # the same words, sorted (a reordered letter compares equal)
    id_number: str
    facts: frozenset[str]  # letter_facts
    born: str  # the sender's year of birth the letter gives ("sinh năm 1962"), or ""
    received: datetime.date | None
    content_keys: tuple[int, ...]
    fact_keys: tuple[int, ...]
    sender_keys: tuple[int, ...]

    @property
    def keys(self) -> tuple[int, ...]:
        """Every key the letter is stored under."""
        return self.content_keys + self.fact_keys + self.sender_keys


class KeyStore(Protocol):
    """Where the index keeps its keys and sketches. :class:`MemoryKeyStore` keeps them in dictionaries; the letters'
    app keeps the keys in a table (``letter``, ``key`` bigint, indexed on ``key``) and builds sketches from the
    letters' own fields with :func:`sketch` (docs/petitions.md, "Duplicates")."""

    def put(self, item: Sketch) -> None:
        """Store ``item`` under its keys (replacing what was stored for the same letter)."""

    def remove(self, letter_id: Hashable) -> None:
        """Forget a letter (deleted, or merged as a duplicate the officer wants out of the proposals)."""

    def matches(self, keys: Sequence[int]) -> Counter[Hashable]:
        """Letters stored under any of ``keys``, with how many of them they share."""
        ...

    def sizes(self, keys: Iterable[int], cap: int | None = None) -> dict[int, int]:
        """How many letters are stored under each of ``keys`` (keys no letter has are left out), counted up to
        ``cap`` when given (a key ten thousand letters share is "more than ``cap``": no need to count it all)."""
        ...

    def sketches(self, ids: Sequence[Hashable]) -> list[Sketch]:
        """The sketches of ``ids`` (those that exist)."""
        ...

    def __len__(self) -> int: ...


class MemoryKeyStore:
    """The in-memory :class:`KeyStore`: a dictionary from key to letters, and the sketches."""

    def __init__(self) -> None:
        self._buckets: dict[int, list[Hashable]] = {}
        self._items: dict[Hashable, Sketch] = {}

    def put(self, item: Sketch) -> None:
        if item.id in self._items:
            self.remove(item.id)
        self._items[item.id] = item
        for key in item.keys:
            self._buckets.setdefault(key, []).append(item.id)

    def remove(self, letter_id: Hashable) -> None:
        item = self._items.pop(letter_id, None)
        if item is None:
            return
        for key in item.keys:
            bucket = self._buckets.get(key)
            if bucket is not None:
                bucket.remove(letter_id)
                if not bucket:
                    del self._buckets[key]

    def matches(self, keys: Sequence[int]) -> Counter[Hashable]:
        hits: Counter[Hashable] = Counter()
        for key in keys:
            hits.update(self._buckets.get(key, ()))
        return hits

    def sizes(self, keys: Iterable[int], cap: int | None = None) -> dict[int, int]:
        found = {key: len(self._buckets[key]) for key in keys if key in self._buckets}
        return found if cap is None else {key: min(n, cap) for key, n in found.items()}

    def sketches(self, ids: Sequence[Hashable]) -> list[Sketch]:
        return [self._items[i] for i in ids if i in self._items]

    def __len__(self) -> int:
        return len(self._items)


# --- folding --------------------------------------------------------------------------------------------------------

# Abbreviations of Vietnamese addresses, after folding: "P. An Tây, TP Huế" reads as "phuong an tay, thanh pho hue".
_ABBREVIATIONS = [
    (re.compile(r"\btp\.?\s*(?=\w)"), "thanh pho "),
    (re.compile(r"\btx\.?\s*(?=\w)"), "thi xa "),
    (re.compile(r"\btt\.?\s*(?=\w)"), "thi tran "),
    (re.compile(r"\bp\.\s*"), "phuong "),
    (re.compile(r"\bx\.\s*"), "xa "),
    (re.compile(r"\bq\.\s*"), "quan "),
    (re.compile(r"\bh\.\s*"), "huyen "),
    (re.compile(r"\bk\.\s*"), "kiet "),
]
_PUNCT = re.compile(r"[^\w\s]")
# Honorifics before a name in a letter's signature or a register: "Ông Nguyễn Văn An", "Bà …".
_HONORIFICS = frozenset({"ong", "ba", "anh", "chi", "cu", "co", "chu", "bac", "em"})
_ANONYMOUS = frozenset({"", "nac danh", "an danh", "khong ro", "khong ten"})


def fold_address(text: str) -> str:
    """An address folded, its abbreviations written out, punctuation dropped: "P. An Tây" → "phuong an tay"."""
    out = fold(text)
    for pattern, full in _ABBREVIATIONS:
        out = pattern.sub(full, out)
    return " ".join(_PUNCT.sub(" ", out).split())


_COMMUNE_WORD = re.compile(r"\b(phuong|xa|thi tran|thi xa|quan|huyen|thanh pho|tinh)\b")


def address_detail(folded_address: str) -> str:
    """The part of a folded address before its commune ("so 12 kiet 5 le loi", "thon phu le"): what tells two
    neighbours apart. Vietnamese addresses go from the house to the province."""
    match = _COMMUNE_WORD.search(folded_address)
    return folded_address[: match.start()].strip() if match else folded_address


def name_key(name: str) -> str:
    """A sender's name as the search compares it: folded, honorifics dropped, words sorted, so "An Nguyễn Văn",
    "NGUYEN VAN AN" and "Ông Nguyễn Văn An" are one name. Empty for an anonymous letter."""
    words = _PUNCT.sub(" ", fold(name)).split()
    while words and words[0] in _HONORIFICS and len(words) > 2:
        words = words[1:]
    joined = " ".join(words)
    if joined in _ANONYMOUS:
        return ""
    return " ".join(sorted(words))


def _fold_text(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


class CommuneResolver:
    """The current commune named in an address, under its name or one it had before the 2025 merger.

    Built from ``(key, current name, former names)``: names are matched whole, with their kind ("phường An Tây",
    "xã Quảng Thành", also "P. An Tây"), folded, so "Phuong An Tay, Quan Thuan Hoa" gives Phường An Cựu's key. A name
    that two communes claim (the same former name in two old districts) resolves to nothing rather than a guess;
    a current name wins over a former one."""

    def __init__(self, units: Iterable[tuple[Hashable, str, Iterable[str]]]) -> None:
        current: dict[str, Hashable] = {}
        former: dict[str, set[Hashable]] = {}
        for key, name, old_names in units:
            current[fold_address(name)] = key
            for old in old_names:
                head = old.split(",")[0]  # "Phường An Tây, Quận Thuận Hóa": the district is not always written
                folded = fold_address(head)
                if len(folded.split()) >= 2:  # a kind and a name at least
                    former.setdefault(folded, set()).add(key)
        names = dict(current)
        for folded, keys in former.items():
            if folded not in names and len(keys) == 1:
                names[folded] = next(iter(keys))
        self._names = names
        alternatives = sorted(names, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in alternatives) + r")\b") if names else None

    def resolve(self, address: str) -> Hashable | None:
        """The key of the commune ``address`` names first, or None."""
        if self._pattern is None:
            return None
        match = self._pattern.search(fold_address(address))
        return self._names[match.group(1)] if match else None


# --- keys -----------------------------------------------------------------------------------------------------------

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_PERMUTATIONS = _TEMPLATE.permutations


def _minhash(text: str, *, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature of ``text``'s character shingles (crc32, then datasketch's affine permutations)."""
    shingles = {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    a, b = _PERMUTATIONS
    m = MinHash(
        num_perm=num_perm,
        hashfunc=zlib.crc32,
        scheme="affine32",
        permutations=(a[:num_perm], b[:num_perm]),
    )
    m.update_batch(s.encode() for s in shingles)
    return m.hashvalues


def _key(family: str, *parts: object, secret: bytes = b"") -> int:
    """A 63-bit key (fits a signed ``bigint``), stable across processes: blake2b of the family and the parts, keyed
    with ``secret`` when there is one (a name's key cannot then be found again by hashing a list of names)."""
    h = hashlib.blake2b(digest_size=8, key=secret)
    h.update(family.encode())
    for part in parts:
        h.update(b"\x1f")
        h.update(part if isinstance(part, bytes) else str(part).encode())
    return int.from_bytes(h.digest(), "big") >> 1


@functools.lru_cache(maxsize=1 << 16)
def fact_key(commune: Hashable | None, fact: str, *, secret: bytes = b"") -> int:
    """The key of a fact of a letter of ``commune``; how many letters share it says how common the fact is. (Cached:
    a lookup asks how common the facts of some fifty letters are, and the common ones recur.)"""
    return _key(_FACT, commune, fact, secret=secret)


def letter_keys(
    *, name: str, commune: Hashable | None, content: str, facts: Iterable[str], id_number: str, secret: bytes = b""
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The keys of a letter's folded fields, in three groups asked apart: the content's bands, the facts (each
    distinctive fact with the commune), the sender (name and commune, ID number) — a sender's other letters are
    always rescored, and a shared fact weighs more than a shared band of boilerplate."""
    bands: list[int] = []
    if content:
        signature = _minhash(content)
        bands = [_key(_CONTENT, i, signature[s:e].tobytes(), secret=secret) for i, (s, e) in enumerate(CONTENT_BANDS)]
    keys = [fact_key(commune, fact, secret=secret) for fact in sorted(facts)]
    sender: list[int] = []
    if name:
        sender.append(_key(_PERSON, name, commune, secret=secret))
    if id_number:
        sender.append(_key(_ID, id_number, secret=secret))
    return tuple(bands), tuple(keys), tuple(sender)


_NUMBER = re.compile(r"\d+(?:[./]\d+)*")
# Capitalised words before a name that are not part of it (honorifics, the writer).
_HONORIFIC_CAPITALS = frozenset(["ong", "ba", "anh", "chi", "cu", "toi", "kinh"])
# The kind of a body or place at the head of a run ("Ủy ban nhân dân Phường Phú Xuân" → "phu xuan"), and runs that
# name nothing in particular.
_RUN_PREFIXES = tuple(
    p + " "
    for p in [
        "uy ban nhan dan",
        "ubnd",
        "thanh uy",
        "dang uy",
        "ban",
        "thanh pho",
        "thi tran",
        "thi xa",
        "phuong",
        "xa",
        "huyen",
        "quan",
        "tinh",
        "qd",
    ]
)
_GENERIC_RUNS = frozenset(
    [
        "hue",
        "thua thien hue",
        "viet nam",
        "nha nuoc",
        "ban tiep cong dan",
        "uy ban kiem tra",
        "thuong truc",
        "dang cong san viet nam",
        "qd ubnd",
        "cong hoa xa hoi chu nghia viet nam",
        "doc lap tu do hanh phuc",
    ]
)


def _name_run(words: list[str]) -> str:
    run = " ".join(words)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _RUN_PREFIXES:
            if run.startswith(prefix):
                run, stripped = run[len(prefix) :], True
    return "" if run in _GENERIC_RUNS else run


_TOKEN = re.compile(r"\w+|[^\w\s]")
# A capitalised word folded: names and places repeat across thousands of letters (a lookup sketches dozens).
_fold_word = functools.lru_cache(maxsize=16384)(fold)
_SENTENCE_END = frozenset(".!?\n")


def letter_facts(text: str, address: str = "") -> frozenset[str]:
    """What makes a letter's matter its own, folded: the numbers it gives (plots, map sheets, decisions, dates, sums;
    not bare years) and the names inside its sentences (runs of two capitalised words or more: people, villages,
    projects), less what its address says (the commune and village every neighbour writes too). Two letters about
    one matter share most of their facts however they are worded; two letters about one kind of matter share their
    boilerplate, not these."""
    facts = _facts(text, sentences=True)
    if address:
        facts -= _facts(address, sentences=False)
    return frozenset(facts)


def _facts(text: str, *, sentences: bool) -> set[str]:
    facts: set[str] = {m.group(0).replace(".", "") for m in _NUMBER.finditer(text)}
    run: list[str] = []
    start = True  # at a sentence's first word, capitalised anyway: it starts no name on its own
    for token in [*_TOKEN.findall(text), "."]:
        if token[:1].isalpha() and token[:1].isupper() and not (start and sentences):
            folded = _fold_word(token)
            if folded not in _HONORIFIC_CAPITALS:
                run.append(folded)
                start = False
                continue
        if run:
            name = _name_run(run)
            if " " in name:  # a name has two words at least ("Tứ Hạ", "Nguyễn Văn An"); one is too common
                facts.add(name)
            run = []
        start = token in _SENTENCE_END
    return {f for f in facts if _distinctive(f)}


def _distinctive(fact: str) -> bool:
    """Whether a fact tells a matter apart: a name of two words or more, a number of two digits or more that is not
    a bare year (every letter gives years: births, the start of a use), a date."""
    if fact[:1].isdigit():
        return len(fact) >= 2 and not (len(fact) == 4 and fact.isdigit() and 1900 <= int(fact) <= 2100)
    return " " in fact


# The sender's year of birth, right after their name: "Nguyễn Văn An, sinh năm 1962", "…, năm sinh 1962", "… (1962)".
_BORN = re.compile(r"^\W{0,3}(?:\w+\W+){0,2}?(?:sinh nam|nam sinh)\s*(\d{4})\b|^\s*\(?\s*(\d{4})\b")


def _born(citizen: str, folded_content: str) -> str:
    """The year of birth the letter gives just after the sender's name (a year elsewhere may be anyone's: a parent's
    whose allowance the letter asks for), or ""."""
    name = _fold_text(citizen)
    if not name:
        return ""
    at = folded_content.find(name)
    if at < 0:
        return ""
    match = _BORN.search(folded_content[at + len(name) : at + len(name) + 40])
    return (match.group(1) or match.group(2)) if match else ""


def sketch(
    record: LetterRecord, resolver: CommuneResolver | None = None, *, with_keys: bool = True, secret: bytes = b""
) -> Sketch:
    """The folded fields and keys of ``record`` (the commune read from the address when the record has none).
    ``with_keys=False``: the fields only (a key store rebuilding candidates' sketches from its letters). ``secret``
    keys the hashes (:class:`SimilarityIndex`)."""
    commune = record.commune
    if commune is None and resolver is not None:
        commune = resolver.resolve(record.address)
    name = name_key(record.citizen)
    marked = " ".join(sorted(unicodedata.normalize("NFC", record.citizen).lower().split())) if name else ""
    subject = _fold_text(record.subject)
    # The register's letters are their summary, both subject and content: folded once.
    whole = subject if record.content == record.subject else _fold_text(record.content)
    content = whole[:CONTENT_CHARS]
    id_number = re.sub(r"\D", "", record.id_number)
    facts = letter_facts(f"{record.subject}. {record.content}", record.address)
    born = _born(record.citizen, whole if len(record.content) <= 2000 else _fold_text(record.content[:2000]))
    content_keys: tuple[int, ...] = ()
    fact_keys: tuple[int, ...] = ()
    sender_keys: tuple[int, ...] = ()
    if with_keys:
        content_keys, fact_keys, sender_keys = letter_keys(
            name=name, commune=commune, content=content, facts=facts, id_number=id_number, secret=secret
        )
    return Sketch(
        id=record.id,
        name=name,
        name_marked=marked if name and fold(marked) != marked and name_key(marked) == name else "",
        address=fold_address(record.address),
        commune=commune,
        subject=subject,
        content=content,
        content_sorted=" ".join(sorted(content.split())),
        id_number=id_number,
        facts=facts,
        born=born,
        received=record.received,
        content_keys=content_keys,
        fact_keys=fact_keys,
        sender_keys=sender_keys,
    )


# --- scoring --------------------------------------------------------------------------------------------------------


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0 if a and b else 0.0


Rarity = Mapping[tuple[Hashable | None, str], int]


def _overlap(query: Sketch, other: Sketch, rarity: Rarity | None) -> float:
    """How much of the matter the two letters share: the weight of the common facts over the weight of the smaller
    letter's facts (a letter that drops a sentence keeps its share), each fact weighing 1/√n when n letters of the
    commune give it — a project, a price or a village many letters name says little; a plot number or a date two
    letters give says much. 0 unless two facts at least are shared (one in common is a coincidence)."""
    shared = query.facts & other.facts
    if len(shared) < 2:
        return 0.0

    def weight(item: Sketch, fact: str) -> float:
        if rarity is None:
            return 1.0
        n = rarity.get((item.commune, fact), 1)
        return float(max(1, n)) ** -0.5

    common = sum(weight(query, f) for f in shared)
    return common / min(sum(weight(query, f) for f in query.facts), sum(weight(other, f) for f in other.facts))


def compare(query: Sketch, other: Sketch, rarity: Rarity | None = None) -> Candidate | None:
    """``other`` as a candidate duplicate of ``query``, or None when no reason holds. ``rarity``: how many letters
    of a commune give a fact (``KeyStore.sizes`` of the facts' keys); without it every fact weighs the same."""
    content = _ratio(query.content, other.content)
    if content < IDENTICAL_MIN:  # the same words in another order (sentences moved) compare alike sorted
        content = max(content, _ratio(query.content_sorted, other.content_sorted))
    facts = _overlap(query, other, rarity)
    same_commune = query.commune is not None and query.commune == other.commune
    detail_q, detail_o = address_detail(query.address), address_detail(other.address)
    address = fuzz.ratio(detail_q, detail_o) / 100.0 if detail_q and detail_o else 0.0

    person = 0.0
    if query.id_number and query.id_number == other.id_number:
        person = 1.0
    elif query.name and other.name:
        if query.name == other.name:
            # "Nguyễn Kim Hòa" and "Nguyễn Kim Hoa" fold alike: written with their accents, they are two names.
            marked = query.name_marked and other.name_marked
            name = 0.0 if marked and query.name_marked != other.name_marked else 1.0
        else:
            name = fuzz.ratio(query.name, other.name) / 100.0
            name = name if name >= 0.9 else 0.0  # one letter mistyped, not another person
        # The same name in the same commune is not yet the same person (there are several Nguyễn Văn Hùng in a
        # ward): the house, lane or village must agree too, numbers included.
        # Two years of birth given and different: namesakes of one village.
        other_commune = query.commune is not None and other.commune is not None and not same_commune
        other_born = bool(query.born and other.born and query.born != other.born)
        same_numbers = re.findall(r"\d+", detail_q) == re.findall(r"\d+", detail_o)
        if name and not other_commune and not other_born and same_numbers and address >= ADDRESS_SAME_MIN:
            person = name * (0.85 + 0.15 * address)

    place = 0.0
    if same_commune and query.subject and other.subject and facts >= PLACE_FACTS_MIN:
        subject = fuzz.token_set_ratio(query.subject, other.subject) / 100.0
        if subject >= PLACE_SUBJECT_MIN:
            place = subject

    reasons: list[Reason] = []
    if person >= 0.9:
        reasons.append(Reason.SAME_PERSON)
    if (content >= SAME_CONTENT_MIN and facts >= SAME_FACTS_MIN) or content >= IDENTICAL_MIN:
        reasons.append(Reason.SAME_CONTENT)
    if place:
        reasons.append(Reason.SAME_PLACE)
    if not reasons:
        return None
    score = min(1.0, 0.35 * content + 0.35 * facts + 0.2 * person + 0.1 * place)
    return Candidate(
        id=other.id,
        score=round(score, 3),
        reasons=tuple(reasons),
        content=round(content, 3),
        facts=round(facts, 3),
        person=round(person, 3),
        place=round(place, 3),
    )


class SimilarityIndex:
    """Likely duplicates among the letters added so far; :meth:`add` one letter at a time, :meth:`similar` to ask.

    ``store``: where keys and sketches live (:class:`MemoryKeyStore` by default); ``resolver``: reads the commune of
    an address when a record gives none; ``secret``: keys the hashes (up to 64 bytes, kept outside the database like
    the key of the denouncers' identities), so that the stored keys of a name or an ID number cannot be matched
    against a list of names. Changing it means recomputing every key."""

    def __init__(
        self, store: KeyStore | None = None, *, resolver: CommuneResolver | None = None, secret: bytes = b""
    ) -> None:
        self.store: KeyStore = store if store is not None else MemoryKeyStore()
        self.resolver = resolver
        self.secret = secret

    def __len__(self) -> int:
        return len(self.store)

    def sketch(self, record: LetterRecord) -> Sketch:
        return sketch(record, self.resolver, secret=self.secret)

    def add(self, record: LetterRecord) -> Sketch:
        """Index one letter (again, if it changed): its keys are computed once and stored; nothing is rebuilt."""
        item = self.sketch(record)
        self.store.put(item)
        return item

    def remove(self, letter_id: Hashable) -> None:
        self.store.remove(letter_id)

    def similar(
        self,
        record: LetterRecord | Sketch,
        *,
        limit: int = 5,
        exclude: Iterable[Hashable] = (),
        accept: Callable[[Sketch], bool] | None = None,
    ) -> list[Candidate]:
        """The ``limit`` likeliest duplicates of ``record`` among the indexed letters, best first (itself and
        ``exclude`` left out; ``accept`` filters the candidates, e.g. to letters received earlier)."""
        query = record if isinstance(record, Sketch) else self.sketch(record)
        skip = {query.id, *exclude}
        # A band or a fact hundreds of letters share is boilerplate (a stock sentence, a project every letter of a
        # ward names): it finds nothing and costs the most, so it is not asked.
        sizes = self.store.sizes([*query.content_keys, *query.fact_keys], cap=BUCKET_CAP + 1)
        content_keys = [k for k in query.content_keys if 0 < sizes.get(k, 0) <= BUCKET_CAP]
        fact_keys = [k for k in query.fact_keys if 0 < sizes.get(k, 0) <= BUCKET_CAP]
        by_text = self.store.matches(content_keys) if content_keys else Counter()
        if fact_keys:
            for letter_id, n in self.store.matches(fact_keys).items():
                by_text[letter_id] += FACT_WEIGHT * n
        by_sender = self.store.matches(query.sender_keys) if query.sender_keys else Counter()
        ids = [i for i, _n in by_sender.most_common(SENDER_LIMIT + len(skip)) if i not in skip][:SENDER_LIMIT]
        seen = set(ids)
        for i, _n in by_text.most_common(RESCORE_LIMIT + len(skip) + len(ids)):
            if i not in skip and i not in seen:
                ids.append(i)
                seen.add(i)
                if len(seen) >= RESCORE_LIMIT + SENDER_LIMIT:
                    break
        others = [o for o in self.store.sketches(ids) if accept is None or accept(o)]
        facts = {(item.commune, f) for item in (query, *others) for f in item.facts}
        keyed = {fact_key(commune, f, secret=self.secret): (commune, f) for commune, f in facts}
        rarity = {keyed[key]: n for key, n in self.store.sizes(keyed).items()}
        found: list[Candidate] = []
        for other in others:
            candidate = compare(query, other, rarity)
            if candidate is not None:
                found.append(candidate)
        found.sort(key=lambda c: (-c.score, str(c.id)))
        return found[:limit]


def repeats_after_decision(
    found: Iterable[Candidate], decided: Mapping[Hashable, datetime.date | None], received: datetime.date
) -> list[Candidate]:
    """The candidates that make a letter received on ``received`` a repeat after a decision in force (đơn kéo dài):
    those on the same matter — the same content, or the same place and affair; the same sender alone is not the same
    matter — whose decision (``decided``: the date it took effect, by letter) came into force on or before it."""
    out = []
    for candidate in found:
        day = decided.get(candidate.id)
        same_matter = Reason.SAME_CONTENT in candidate.reasons or Reason.SAME_PLACE in candidate.reasons
        if same_matter and day is not None and day <= received:
            out.append(candidate)
    return out


def records_index(records: Iterable[LetterRecord], *, resolver: CommuneResolver | None = None) -> SimilarityIndex:
    """An in-memory index of ``records`` (tests, the benchmark, a one-off check)."""
    index = SimilarityIndex(resolver=resolver)
    for record in records:
        index.add(record)
    return index


def resolver_from_mapping(data: Mapping[str, Iterable[str]]) -> CommuneResolver:
    """A :class:`CommuneResolver` keyed by the current name: ``{"Phường An Cựu": ["Phường An Tây, …", …]}``."""
    return CommuneResolver((name, name, former) for name, former in data.items())
