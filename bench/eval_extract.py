"""``python -m bench.eval_extract`` (``make eval-extract``): the extractor against the development set (issue 18).

The unit matcher is the product's own (``UnitMatcher.from_db``) over the Huế demo organisation: a throw-away SQLite
database (in a temporary folder) is migrated and given the demo's organisation (``load_demo_organisation``: units,
people, roles; not its directives or tasks), exactly the units a deployment of the demo has. Every sentence is then
read by ``pipeline.propose`` with its document's date and scored by ``sauro.extraction.evaluate``.

Options: ``--markdown`` prints the table for ``docs/extraction.md``; ``--errors`` lists the sentences that are not
right and what differs; ``--check`` exits with status 1 when a target of the issue is not met; ``--dir`` reads
another folder of ``*.jsonl`` files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sauro.extraction.units import UnitMatcher


def _matcher() -> UnitMatcher:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    from sauro.demo.loader import load_demo_organisation
    from sauro.extraction.units import UnitMatcher

    call_command("migrate", verbosity=0)
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=fast), transaction.atomic():
        load_demo_organisation()
    return UnitMatcher.from_db()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval-extract", description="Đo bộ trích xuất trên tập phát triển.")
    parser.add_argument("--markdown", action="store_true", help="In bảng Markdown (cho docs/extraction.md).")
    parser.add_argument("--errors", action="store_true", help="Liệt kê các câu chưa đúng và chỗ sai.")
    parser.add_argument("--check", action="store_true", help="Trả mã 1 khi chưa đạt mục tiêu.")
    parser.add_argument("--dir", type=Path, default=None, help="Thư mục các tệp *.jsonl (mặc định eval/extraction).")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="sauro-eval-extract-")
    try:
        os.environ["SAURO_VAR_DIR"] = workdir
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/eval.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
        os.environ.setdefault("PYTHONWARNINGS", "ignore")
        os.environ.setdefault("LOG_LEVEL", "ERROR")
        matcher = _matcher()
        from sauro.extraction import evaluate as ev

        cases = ev.load_devset(args.dir or ev.DEFAULT_DIR)
        report = ev.evaluate(cases, matcher)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(ev.as_markdown(report) if args.markdown else ev.as_text(report))
    if args.errors:
        print()
        print("\n".join(ev.errors(report)))
    failures = report.failures()
    if failures:
        print()
        print("Chưa đạt mục tiêu:")
        print("\n".join(f"  - {line}" for line in failures))
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
