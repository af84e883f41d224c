"""``sauro extract text FILE_OR_- --ref YYYY-MM-DD --json`` and ``sauro extract time "TEXT" --ref … --json``.

SKELETON: the grammar helper (text) and the time helper (time) fill in their subcommand.
"""

from __future__ import annotations

import datetime
import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sauro.extraction.pipeline import propose
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.units import UnitMatcher


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (định dạng YYYY-MM-DD).") from e


class Command(BaseCommand):
    help = "Đề xuất nhiệm vụ từ văn bản: «text» đọc cả văn bản, «time» đọc một cụm chỉ thời gian."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        text = sub.add_parser("text", help="Đề xuất nhiệm vụ từ một tệp văn bản (hoặc - để đọc từ đầu vào chuẩn).")
        text.add_argument("source")
        text.add_argument("--ref", required=True, help="Ngày của văn bản (YYYY-MM-DD).")
        text.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        text.add_argument("--collective", action="store_true", help="Tách chủ thể chung thành từng đơn vị.")
        time = sub.add_parser("time", help="Đọc một cụm chỉ thời gian.")
        time.add_argument("text")
        time.add_argument("--ref", required=True, help="Ngày của văn bản (YYYY-MM-DD).")
        time.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        ref = _day(options["ref"])
        if options["action"] == "time":
            self.stdout.write(json.dumps(parse_time(options["text"], ref).as_json(), ensure_ascii=False))
            return
        source = options["source"]
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        items = propose(text, ref, UnitMatcher.from_db(ref), collective=options["collective"])
        self.stdout.write(json.dumps({"items": [i.as_json() for i in items]}, ensure_ascii=False, indent=2))
