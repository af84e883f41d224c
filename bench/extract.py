"""``python -m bench.extract`` (``make bench-extract``): how long proposing tasks from a long directive takes.

Issue 18's target: "a 40-page conclusion (about 300 sentences) proposes in under 3 s on this machine, the Vietnamese
tools loaded once per process". It is measured here, not in a timed unit test.

A throw-away SQLite database (in a temporary folder) is migrated and given the demo's organisation (the Huế
Thành ủy, its agencies and departments, the 40 wards and communes); the unit matcher is built from it once, as a
web worker builds it once. The text is real Vietnamese: the demo's texts (``sauro/demo/data/*.txt``: the January
2026 conclusion of the Huế conference, the Congress resolution, the action programme) and the tests' conclusion
(``tests/extraction/data``), laid out as numbered points and repeated until it holds at least ``--sentences``
sentences (300) and ``--pages`` pages (40, of ``CHARS_PER_PAGE`` characters: Party documents' sentences are long,
so the pages decide). Then ``extraction.pipeline.propose`` reads the whole text ``--runs`` times (after one untimed
warm-up); the median, p95 and slowest run are printed, with the machine's reference speed (as ``make bench`` prints
it). The exit status is 1 when the median is over the budget.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "sauro" / "demo" / "data").glob("*.txt")),
    ROOT / "tests" / "extraction" / "data" / "ket-luan-quy-1-2026.txt",
]
REF = datetime.date(2026, 1, 15)
BUDGET_S = 3.0
# A page of a Party document (A4, 14 pt Times New Roman) holds about 2,000 characters.
CHARS_PER_PAGE = 2000


def _paragraphs() -> list[str]:
    """The body paragraphs of the sources (headers, signatures and the demo's notes left out)."""
    out: list[str] = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) < 40 or line.startswith(("(Dữ liệu mẫu", "Nơi nhận", "date ")) or line.isupper():
                continue
            out.append(line.lstrip("-+•abcdefgh0123456789.) ").strip())
    return out


def build_text(min_sentences: int, min_pages: int = 0) -> str:
    """A conclusion of at least ``min_sentences`` sentences and ``min_pages`` pages: numbered parts and points of real
    paragraphs."""
    from sauro.extraction.segment import sentences

    paragraphs = _paragraphs()
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
    lines = ["THÀNH ỦY HUẾ", "Số 15-KL/TU", "KẾT LUẬN", "của Ban Thường vụ Thành ủy", ""]
    part = 0
    while len(sentences("\n".join(lines))) < min_sentences or len("\n".join(lines)) < min_pages * CHARS_PER_PAGE:
        lines.append(f"{romans[part % len(romans)]}. NHIỆM VỤ TRỌNG TÂM PHẦN {part + 1}")
        for point, paragraph in enumerate(paragraphs, start=1):
            lines.append(f"{point}. {paragraph}" if point % 3 else f"- {paragraph}")
        part += 1
    lines += ["", "Nơi nhận:", "- Ban Thường vụ Thành ủy,", "- Lưu Văn phòng Thành ủy.", "T/M BAN THƯỜNG VỤ"]
    return "\n".join(lines) + "\n"


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from sauro.demo.loader import load_demo_organisation

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        load_demo_organisation()


def _percentile(values: list[float], q: float) -> float:
    from bench.stats import percentile

    return percentile(values, q)


def _machine() -> str:
    from bench.db import REFERENCE_RUNS, _best_ms, _cpu_model, _python_reference

    return (
        f"{os.cpu_count()} cores ({_cpu_model()}), Python {sys.version.split()[0]}\n"
        f"Speed: reference Python loop {_best_ms(_python_reference):.0f} ms (best of {REFERENCE_RUNS}, lower is faster)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=300, help="sentences in the text (default 300)")
    parser.add_argument("--pages", type=int, default=40, help="pages in the text, at least (default 40)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs (default 30)")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="sauro-bench-extract-")
    os.environ["SAURO_VAR_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    _setup()

    from sauro.common.calendar import current_calendar
    from sauro.extraction.pipeline import propose
    from sauro.extraction.segment import sentences
    from sauro.extraction.units import UnitMatcher

    text = build_text(args.sentences, args.pages)
    count = len(sentences(text))
    started = time.perf_counter()
    matcher = UnitMatcher.from_db(REF)
    load_s = time.perf_counter() - started

    calendar = current_calendar()  # one snapshot per document, as the proposals page takes it
    items = propose(text, REF, matcher, calendar=calendar)  # warm-up: compiled patterns, the time parser's tables
    times: list[float] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        propose(text, REF, matcher, calendar=calendar)
        times.append(time.perf_counter() - started)

    median = statistics.median(times)
    print(
        f"Text: {count} sentences, {len(text):,} characters (≈ {len(text) / CHARS_PER_PAGE:.0f} pages), "
        f"{len(items)} sentences assigning work, {sum(len(i.tasks) for i in items)} proposals"
    )
    print(f"Unit matcher: {len(matcher.entries)} units, built in {load_s * 1000:.0f} ms (once per process)")
    print("| runs | median | p95 | slowest | budget |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {args.runs} | {median * 1000:.0f} ms | {_percentile(times, 95) * 1000:.0f} ms | "
        f"{max(times) * 1000:.0f} ms | {BUDGET_S * 1000:.0f} ms |" + ("" if median < BUDGET_S else " ← VƯỢT")
    )
    print(f"\nMachine: {_machine()}")
    return 0 if median < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
