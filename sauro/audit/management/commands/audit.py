"""``sauro audit verify``: check the journal's hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sauro.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: `verify` kiểm tra chuỗi mã băm, báo mục hỏng đầu tiên."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn vẹn nhật ký (thoát mã khác 0 nếu có mục bị sửa hoặc xóa).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(
                    f"Nhật ký KHÔNG toàn vẹn: mục số {result.bad_seq} — {result.problem} "
                    f"(đã kiểm tra {result.checked} mục hợp lệ trước đó)."
                )
            self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.checked} mục, chuỗi mã băm khớp."))
