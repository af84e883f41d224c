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
from django.db import DatabaseError

from sauro.common.calendar import current_calendar
from sauro.extraction.pipeline import propose
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.types import Item
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
        try:
            self._handle(**options)
        except DatabaseError as e:  # the organisation and the working-day calendar are read from the database
            raise CommandError(
                "Chưa đọc được cơ sở dữ liệu (sơ đồ tổ chức, lịch ngày làm việc): hãy chạy `sauro migrate` "
                f"(và nạp tổ chức) trước. Chi tiết: {e}"
            ) from e

    def _handle(self, **options: Any) -> None:
        ref = _day(options["ref"])
        if options["action"] == "time":
            self.stdout.write(json.dumps(parse_time(options["text"], ref).as_json(), ensure_ascii=False))
            return
        text = _read_source(options["source"])
        items = propose(
            text, ref, UnitMatcher.from_db(ref), collective=options["collective"], calendar=current_calendar()
        )
        if options["json"]:
            self.stdout.write(json.dumps({"items": [i.as_json() for i in items]}, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_items_text(items))


def _read_source(source: str) -> str:
    """The text of ``source``: a UTF-8 file, or standard input for ``-``."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise CommandError(f"Không tìm thấy tệp {source!r}.") from e
    except UnicodeDecodeError as e:
        raise CommandError(f"Tệp {source!r} không phải văn bản UTF-8.") from e
    except OSError as e:
        raise CommandError(f"Không đọc được tệp {source!r}: {e.strerror}.") from e


def _items_text(items: list[Item]) -> str:
    """The proposals for a reader: each sentence under its point, its tasks below it."""
    from sauro.tasks.rules import CLEAR_LABELS

    if not items:
        return "Không có câu nào giao việc."
    lines: list[str] = []
    for item in items:
        lines.append(f"[{item.point or '—'}] {item.sentence}")
        for task in item.tasks:
            lead = task.lead.name if task.lead else f"chưa xác định ({task.lead_text or 'không nêu'})"
            lines.append(f"  • {task.title}")
            lines.append(f"    Chủ trì: {lead}")
            if task.coordinating:
                lines.append(f"    Phối hợp: {', '.join(u.name for u in task.coordinating)}")
            if task.product:
                lines.append(f"    Sản phẩm: {task.product}")
            if task.authority or task.authority_text:
                lines.append(f"    Thẩm quyền: {task.authority.name if task.authority else task.authority_text}")
            if task.time.text or task.time.due:
                due = f" (hạn {task.time.due:%d/%m/%Y})" if task.time.due else ""
                lines.append(f"    Thời gian: {task.time.text}{due}")
            if task.open_clears:
                lines.append(f"    Còn thiếu: {', '.join(CLEAR_LABELS[c] for c in task.open_clears)}")
    return "\n".join(lines)
