"""``sauro directory sync``: disable the accounts whose directory entries were removed or disabled, move memberships
with the directory's groups (docs/identity.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Đồng bộ tài khoản với danh bạ của cơ quan (LDAP / Active Directory)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "LDAP_AUTH_URL", None):
            raise CommandError("Chưa cấu hình danh bạ: đặt biến môi trường SAURO_LDAP_URL (xem docs/identity.md).")
        from sauro.identity.directory import directory_sync

        try:
            result = directory_sync()
        except ConnectionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã kiểm tra {result.checked} tài khoản; {result.missing} không còn trong danh bạ; "
            f"{result.disabled} tài khoản bị khóa."
        )
