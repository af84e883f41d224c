"""``sauro restore FILE [--keys KEYFILE]``: put an archive of ``sauro backup`` back into this instance (the one
``SAURO_VAR_DIR`` / ``DATABASE_URL`` point at), which must be empty, then check it (``backup.restore``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from sauro.backup import database
from sauro.backup.archive import passphrase_from_env
from sauro.backup.keys import KeysError
from sauro.backup.restore import RestoreRefused, restore_backup

ERR_CHECKS_FAILED = "Đã khôi phục nhưng kiểm tra sau khôi phục KHÔNG đạt: xem các dòng trên."


class Command(BaseCommand):
    help = (
        "Khôi phục một tệp của `sauro backup` vào phiên bản TRỐNG này (SAURO_VAR_DIR / DATABASE_URL), rồi kiểm "
        "tra: số dòng từng bảng, mã SHA-256 từng tệp, nhật ký kiểm toán. Từ chối tệp hỏng và phiên bản đã có dữ "
        "liệu trước khi ghi bất cứ thứ gì. --keys: tệp khóa ghi bởi `sauro backup --keys-out`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp sao lưu.")
        parser.add_argument("--keys", default=None, help="Tệp khóa (sauro backup --keys-out) để khôi phục khóa.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Khôi phục từ {options['file']}…")
        try:
            result = restore_backup(
                Path(options["file"]),
                keys_path=Path(options["keys"]) if options["keys"] else None,
                passphrase=passphrase_from_env(),
                progress=self._line,
            )
        except (RestoreRefused, KeysError) as e:
            raise CommandError(str(e)) from e
        except database.DatabaseStepError as e:
            raise CommandError(f"Khôi phục cơ sở dữ liệu thất bại: {e}") from e
        except DatabaseError as e:
            raise CommandError(f"Lỗi cơ sở dữ liệu đích (DATABASE_URL): {e}") from e
        for check in result.checks:
            mark = self.style.SUCCESS("ĐẠT") if check.ok else self.style.ERROR("KHÔNG ĐẠT")
            self.stdout.write(f"  [{mark}] {check.label}: {check.detail}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"Lưu ý: {note}"))
        if not result.ok:
            raise CommandError(ERR_CHECKS_FAILED)
        self.stdout.write(self.style.SUCCESS("Đã khôi phục xong; mọi kiểm tra đều đạt."))

    def _line(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
