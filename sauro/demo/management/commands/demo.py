"""``sauro demo load``: load the Huế demo organisation and its fictional officials (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauro.common.errors import ServiceError
from sauro.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, ERR_DEMO_CONFLICT, load_demo
from sauro.org.choices import Role


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Thành ủy Huế (đơn vị, cán bộ, tài khoản mẫu). Chạy lại không thay đổi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"], help="load: nạp dữ liệu mẫu nếu chưa có")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(message)

        try:
            result = load_demo(progress)
        except ServiceError as e:
            raise CommandError(ERR_DEMO_CONFLICT.format(message=e.message)) from e
        if not result.created:
            if verbose:
                self.stdout.write("Dữ liệu mẫu Huế đã có sẵn (đơn vị mã TU đã tồn tại): không thay đổi gì.")
            return
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp dữ liệu mẫu Huế: {result.units} đơn vị, {result.people} người, "
                    f"{result.memberships} vai trò — trong {result.seconds:.1f} giây."
                )
            )
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for login in DEMO_LOGINS:
                self.stdout.write(f"  {login.username:<16} {Role(login.role).label} — {login.description}")
