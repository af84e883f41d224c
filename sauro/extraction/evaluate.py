"""How well the extractor reads real sentences: the development set (``eval/extraction/*.jsonl``, labelled by hand,
see ``eval/extraction/README.md``) against ``pipeline.propose``.

Pure: no database. The caller gives the unit matcher (``bench.eval_extract`` builds the demo organisation in a
throw-away SQLite database and uses ``UnitMatcher.from_db``).

Scoring, per sentence:

* the expected tasks and the proposed ones (every task of every item ``propose`` returns for the sentence's text)
  are paired: first a proposal with an expected task of the same lead unit, then the rest in order of appearance.
  A proposal left unpaired is *spurious*, an expected task left unpaired is *missed*;
* for each field, a proposal that gives a value (a lead unit, a product kind, a due date…; the time kind is always
  given) counts once on the precision side, an expected task that has one counts once on the recall side, and a pair
  whose two values are equal counts once on both as a hit. Precision = hits / values proposed, recall = hits /
  values expected. Coordinating units are counted one unit at a time. A field left empty on both sides is not
  counted (it is neither a hit nor an error); a spurious proposal costs precision on every field it fills;
* a proposal *needs no edit* when it is paired and every field (lead, coordinating units, product kind, authority,
  time kind, due date, recurrence) equals the expected one.

A target is met when both the precision and the recall of its field reach it (a side with nothing to count is
reported as "—" and does not fail).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, get_args

from sauro.extraction.pipeline import propose
from sauro.extraction.types import RecurrenceName, TaskProposal
from sauro.extraction.types import TimeKind as TimeKindName
from sauro.extraction.units import UnitMatcher
from sauro.tasks.choices import ProductKind

PRODUCT_KINDS: tuple[str, ...] = tuple(ProductKind.values)
TIME_KINDS: tuple[str, ...] = get_args(TimeKindName)
RECURRENCES: tuple[str, ...] = get_args(RecurrenceName)

# The fields scored, in the order of the table, with their Vietnamese label.
FIELDS: tuple[tuple[str, str], ...] = (
    ("task", "nhiệm vụ (có/không)"),
    ("lead", "đơn vị chủ trì"),
    ("coordinating", "đơn vị phối hợp"),
    ("product_kind", "loại sản phẩm"),
    ("authority", "cấp có thẩm quyền"),
    ("time_kind", "loại thời hạn"),
    ("due", "hạn (ngày)"),
)
# Issue 18: due date and time kind ≥ 95 %, lead unit ≥ 90 %, authority ≥ 85 % (precision and recall).
TARGETS: dict[str, float] = {"due": 0.95, "time_kind": 0.95, "lead": 0.90, "authority": 0.85}

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "eval" / "extraction"


class DevsetError(ValueError):
    """A line of the development set is not in the documented format."""


@dataclass(frozen=True)
class Expected:
    """One task a sentence assigns, as labelled."""

    lead: str | None
    lead_text: str = ""
    coordinating: tuple[str, ...] = ()
    product_kind: str | None = None
    authority: str | None = None
    time_kind: str = "unclear"
    due: datetime.date | None = None
    recurrence: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    ref: datetime.date
    sentence: str
    point: str | None
    tasks: tuple[Expected, ...]
    file: str = ""


@dataclass(frozen=True)
class Got:
    """One proposal reduced to the scored fields."""

    lead: str | None
    coordinating: tuple[str, ...] = ()
    product_kind: str | None = None
    authority: str | None = None
    time_kind: str = "unclear"
    due: datetime.date | None = None
    recurrence: str | None = None

    @classmethod
    def of(cls, task: TaskProposal) -> Got:
        return cls(
            lead=task.lead.code if task.lead else None,
            coordinating=tuple(u.code for u in task.coordinating),
            product_kind=task.product_kind,
            authority=task.authority.code if task.authority else None,
            time_kind=task.time.kind,
            due=task.time.due,
            recurrence=task.time.recurrence,
        )


# --- Loading -------------------------------------------------------------------------------------------------
def _str_or_none(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise DevsetError(f"{where}: «{key}» phải là chuỗi hoặc null.")
    return value


def _expected(raw: Any, where: str) -> Expected:
    if not isinstance(raw, dict):
        raise DevsetError(f"{where}: mỗi nhiệm vụ là một đối tượng JSON.")
    time = raw.get("time")
    if not isinstance(time, dict):
        raise DevsetError(f"{where}: thiếu «time».")
    kind = time.get("kind")
    if kind not in TIME_KINDS:
        raise DevsetError(f"{where}: «time.kind» {kind!r} không thuộc {TIME_KINDS}.")
    recurrence = time.get("recurrence")
    if recurrence is not None and recurrence not in RECURRENCES:
        raise DevsetError(f"{where}: «time.recurrence» {recurrence!r} không thuộc {RECURRENCES}.")
    due_raw = time.get("due")
    try:
        due = datetime.date.fromisoformat(due_raw) if due_raw is not None else None
    except (TypeError, ValueError) as e:
        raise DevsetError(f"{where}: «time.due» {due_raw!r} không phải ngày YYYY-MM-DD.") from e
    if kind == "date" and due is None:
        raise DevsetError(f"{where}: thời hạn loại «date» cần «due».")
    if kind == "recurring" and recurrence is None:
        raise DevsetError(f"{where}: thời hạn loại «recurring» cần «recurrence».")
    product_kind = _str_or_none(raw, "product_kind", where)
    if product_kind is not None and product_kind not in PRODUCT_KINDS:
        raise DevsetError(f"{where}: «product_kind» {product_kind!r} không thuộc {PRODUCT_KINDS}.")
    coordinating = raw.get("coordinating", [])
    if not isinstance(coordinating, list) or not all(isinstance(c, str) for c in coordinating):
        raise DevsetError(f"{where}: «coordinating» là danh sách mã đơn vị.")
    return Expected(
        lead=_str_or_none(raw, "lead", where),
        lead_text=_str_or_none(raw, "lead_text", where) or "",
        coordinating=tuple(coordinating),
        product_kind=product_kind,
        authority=_str_or_none(raw, "authority", where),
        time_kind=kind,
        due=due,
        recurrence=recurrence,
    )


def parse_case(line: str, where: str = "") -> Case:
    """One line of a development set file."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as e:
        raise DevsetError(f"{where}: không phải JSON ({e.msg}).") from e
    if not isinstance(raw, dict):
        raise DevsetError(f"{where}: mỗi dòng là một đối tượng JSON.")
    for key in ("id", "source", "ref", "sentence"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DevsetError(f"{where}: thiếu «{key}».")
    where = f"{where} {raw['id']}".strip()
    try:
        ref = datetime.date.fromisoformat(raw["ref"])
    except ValueError as e:
        raise DevsetError(f"{where}: «ref» {raw['ref']!r} không phải ngày YYYY-MM-DD.") from e
    tasks = raw.get("tasks")
    if not isinstance(tasks, list):
        raise DevsetError(f"{where}: «tasks» là một danh sách (rỗng khi câu không giao việc).")
    return Case(
        id=raw["id"],
        source=raw["source"],
        ref=ref,
        sentence=raw["sentence"],
        point=_str_or_none(raw, "point", where),
        tasks=tuple(_expected(t, f"{where} nhiệm vụ {i + 1}") for i, t in enumerate(tasks)),
    )


def load_file(path: Path) -> list[Case]:
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            cases.append(replace(parse_case(line, f"{path.name}:{number}"), file=path.name))
    return cases


def load_devset(directory: Path = DEFAULT_DIR) -> list[Case]:
    """Every ``*.jsonl`` of ``directory``, in file-name order; ids are unique across files."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.jsonl")):
        cases.extend(load_file(path))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise DevsetError(f"{case.file}: mã câu «{case.id}» bị trùng.")
        seen.add(case.id)
    return cases


# --- Scoring -------------------------------------------------------------------------------------------------
@dataclass
class Count:
    hits: int = 0
    proposed: int = 0
    expected: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.expected if self.expected else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def meets(self, target: float) -> bool:
        return all(v is None or v >= target for v in (self.precision, self.recall))


@dataclass
class CaseResult:
    case: Case
    got: list[Got]
    pairs: list[tuple[Expected, Got]]
    missed: list[Expected]
    spurious: list[Got]

    @property
    def exact(self) -> bool:
        return not self.missed and not self.spurious and all(_no_edit(e, g) for e, g in self.pairs)


@dataclass
class Report:
    counts: dict[str, Count] = field(default_factory=lambda: {name: Count() for name, _ in FIELDS})
    results: list[CaseResult] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        return len(self.results)

    @property
    def proposals(self) -> int:
        return sum(len(r.got) for r in self.results)

    @property
    def expected_tasks(self) -> int:
        return sum(len(r.case.tasks) for r in self.results)

    @property
    def no_edit(self) -> int:
        return sum(sum(1 for e, g in r.pairs if _no_edit(e, g)) for r in self.results)

    @property
    def no_edit_share(self) -> float | None:
        return self.no_edit / self.proposals if self.proposals else None

    @property
    def exact_sentences(self) -> int:
        return sum(1 for r in self.results if r.exact)

    def failures(self, targets: dict[str, float] = TARGETS) -> list[str]:
        """The targets not met, one Vietnamese line each ([] when all are)."""
        out: list[str] = []
        labels = dict(FIELDS)
        for name, target in targets.items():
            count = self.counts[name]
            if not count.meets(target):
                out.append(
                    f"{labels[name]}: độ chính xác {_pct(count.precision)}, độ phủ {_pct(count.recall)} "
                    f"— mục tiêu {_pct(target)}"
                )
        return out


def _no_edit(e: Expected, g: Got) -> bool:
    return (
        e.lead == g.lead
        and set(e.coordinating) == set(g.coordinating)
        and e.product_kind == g.product_kind
        and e.authority == g.authority
        and e.time_kind == g.time_kind
        and e.due == g.due
        and e.recurrence == g.recurrence
    )


def pair(
    expected: Sequence[Expected], got: Sequence[Got]
) -> tuple[list[tuple[Expected, Got]], list[Expected], list[Got]]:
    """Pairs (expected, proposed): same lead unit first, then the rest in order; and the unpaired on each side."""
    free_e = list(range(len(expected)))
    free_g = list(range(len(got)))
    pairs: list[tuple[int, int]] = []
    for i in list(free_e):
        if expected[i].lead is None:
            continue
        for j in free_g:
            if got[j].lead == expected[i].lead:
                pairs.append((i, j))
                free_e.remove(i)
                free_g.remove(j)
                break
    while free_e and free_g:
        pairs.append((free_e.pop(0), free_g.pop(0)))
    pairs.sort()
    return [(expected[i], got[j]) for i, j in pairs], [expected[i] for i in free_e], [got[j] for j in free_g]


def _single(counts: dict[str, Count], name: str, e: Any, g: Any) -> None:
    c = counts[name]
    c.proposed += g is not None
    c.expected += e is not None
    c.hits += e is not None and e == g


def score_case(case: Case, got: list[Got], counts: dict[str, Count]) -> CaseResult:
    """Pairs the proposals with the expected tasks and adds them to ``counts``."""
    pairs, missed, spurious = pair(case.tasks, got)
    task = counts["task"]
    task.hits += len(pairs)
    task.proposed += len(got)
    task.expected += len(case.tasks)
    sides: list[tuple[Expected | None, Got | None]] = [*pairs, *((e, None) for e in missed)]
    sides += [(None, g) for g in spurious]
    for e, g in sides:
        _single(counts, "lead", e.lead if e else None, g.lead if g else None)
        _single(counts, "product_kind", e.product_kind if e else None, g.product_kind if g else None)
        _single(counts, "authority", e.authority if e else None, g.authority if g else None)
        _single(counts, "time_kind", e.time_kind if e else None, g.time_kind if g else None)
        _single(counts, "due", e.due if e else None, g.due if g else None)
        want = set(e.coordinating) if e else set()
        have = set(g.coordinating) if g else set()
        coordinating = counts["coordinating"]
        coordinating.expected += len(want)
        coordinating.proposed += len(have)
        coordinating.hits += len(want & have)
    return CaseResult(case, got, pairs, missed, spurious)


def proposals_for(case: Case, matcher: UnitMatcher) -> list[Got]:
    """What the pipeline proposes for the sentence alone (every task of every item it finds in it)."""
    items = propose(case.sentence, case.ref, matcher)
    return [Got.of(task) for item in items for task in item.tasks]


def evaluate(
    cases: Iterable[Case],
    matcher: UnitMatcher,
    run: Callable[[Case, UnitMatcher], list[Got]] = proposals_for,
) -> Report:
    report = Report()
    for case in cases:
        report.results.append(score_case(case, run(case, matcher), report.counts))
    return report


# --- Output --------------------------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def table_rows(report: Report) -> list[list[str]]:
    rows: list[list[str]] = []
    for name, label in FIELDS:
        c = report.counts[name]
        target = TARGETS.get(name)
        verdict = "" if target is None else ("đạt" if c.meets(target) else "chưa đạt")
        rows.append(
            [
                label,
                _pct(c.precision),
                _pct(c.recall),
                _pct(c.f1),
                str(c.hits),
                str(c.proposed),
                str(c.expected),
                "" if target is None else f"≥ {_pct(target)} ({verdict})",
            ]
        )
    return rows


HEADER = ["trường", "độ chính xác", "độ phủ", "F1", "đúng", "đề xuất", "mong đợi", "mục tiêu"]


def summary_lines(report: Report) -> list[str]:
    files = sorted({r.case.file for r in report.results})
    no_task = sum(1 for r in report.results if not r.case.tasks)
    return [
        f"Tập phát triển: {report.sentences} câu ({no_task} câu không giao việc) trong {len(files)} tệp "
        f"({', '.join(files)}); {report.expected_tasks} nhiệm vụ mong đợi, {report.proposals} đề xuất.",
        f"Đề xuất không phải sửa: {report.no_edit}/{report.proposals} = {_pct(report.no_edit_share)}; "
        f"câu đúng hoàn toàn: {report.exact_sentences}/{report.sentences}.",
    ]


def as_markdown(report: Report) -> str:
    rows = table_rows(report)
    lines = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 2) + "---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join([*lines, "", *summary_lines(report)])


def as_text(report: Report) -> str:
    rows = [HEADER, *table_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    out = []
    for r in rows:
        out.append(
            "  ".join(
                cell.ljust(w) if i in (0, 7) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join([*out, "", *summary_lines(report)])


def errors(report: Report, limit: int | None = None) -> list[str]:
    """One line per sentence that is not right, with what differs (for reading the remaining errors)."""
    out: list[str] = []
    for r in report.results:
        if r.exact:
            continue
        diffs: list[str] = []
        for e, g in r.pairs:
            for name in ("lead", "coordinating", "product_kind", "authority", "time_kind", "due", "recurrence"):
                want, have = getattr(e, name), getattr(g, name)
                if name == "coordinating":
                    want, have = sorted(want), sorted(have)
                if want != have:
                    diffs.append(f"{name}: {_show(want)} ≠ {_show(have)}")
        diffs += [f"thiếu nhiệm vụ (chủ trì {_show(e.lead)}, «{e.lead_text}»)" for e in r.missed]
        diffs += [f"đề xuất thừa (chủ trì {_show(g.lead)})" for g in r.spurious]
        out.append(f"{r.case.id}: " + "; ".join(diffs))
    return out[:limit] if limit is not None else out


def _show(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)
