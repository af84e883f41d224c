"""``sauro bench seed --tasks N [--reset]``: fill a PostgreSQL database with the synthetic ten-year Huế."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauro.bench import seed as seeding


class Command(BaseCommand):
    help = "Dữ liệu đo hiệu năng: `sauro bench seed --tasks N` nạp một Huế mười năm giả lập vào PostgreSQL."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("seed", help="Nạp dữ liệu giả lập (chỉ PostgreSQL).")
        s.add_argument("--tasks", type=int, default=1_000_000, help="Số nhiệm vụ (mặc định 1.000.000).")
        s.add_argument("--reset", action="store_true", help="Xóa toàn bộ dữ liệu hiện có rồi nạp mới.")
        s.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = options["tasks"]
        if tasks < 100:
            raise CommandError("--tasks phải từ 100 trở lên.")
        started = time.monotonic()
        try:
            if options["reset"]:
                seeding.reset_database(self.stdout.write)
            seeding.seed(tasks=tasks, seed_value=options["seed"], out=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã nạp xong trong {time.monotonic() - started:.0f} giây."))
