"""``sauro backup --out FILE [--keys-out KEYFILE]``: one archive of this instance (``backup.archive``), and its keys
in a file of their own (mode 0600). Encrypted when ``SAURO_BACKUP_PASSPHRASE`` is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from sauro.backup import database
from sauro.backup.archive import create_backup, passphrase_from_env

ERR_SAME_FILE = "Tệp khóa (--keys-out) phải khác tệp sao lưu (--out): khóa không bao giờ nằm trong tệp sao lưu."


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


class Command(BaseCommand):
    help = (
        "Sao lưu: ghi MỘT tệp gồm cơ sở dữ liệu, mọi tệp đã tải lên, tệp mốc kiểm tra nhật ký và bản kê có mã "
        "SHA-256 từng thành phần. Khóa không nằm trong tệp sao lưu: --keys-out ghi chúng ra tệp riêng (quyền 0600). "
        "Đặt SAURO_BACKUP_PASSPHRASE để mã hóa tệp sao lưu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="Tệp sao lưu cần ghi (ví dụ sauro-2026-03-02.tar.gz).")
        parser.add_argument(
            "--keys-out",
            dest="keys_out",
            default=None,
            help="Ghi khóa nhật ký (và SECRET_KEY nếu lấy từ var/secret_key) ra tệp này, quyền 0600; cất riêng.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        keys_out = Path(options["keys_out"]) if options["keys_out"] else None
        if keys_out is not None and keys_out.resolve() == out.resolve():
            raise CommandError(ERR_SAME_FILE)
        passphrase = passphrase_from_env()
        self.stdout.write(f"Sao lưu vào {out}{' (mã hóa)' if passphrase else ''}…")
        try:
            result = create_backup(out, passphrase=passphrase, keys_out=keys_out, progress=self._line)
        except database.DatabaseStepError as e:
            raise CommandError(f"Sao lưu thất bại: {e}") from e
        except DatabaseError as e:
            raise CommandError(f"Sao lưu thất bại: lỗi cơ sở dữ liệu ({e}).") from e
        except OSError as e:
            raise CommandError(f"Sao lưu thất bại: không ghi được tệp ({e.strerror or e}).") from e
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu: {result.path} ({_size(result.size)}; nhật ký {result.journal_entries} mục, "
                f"{result.files} tệp) trong {result.seconds:.1f} giây."
            )
        )
        if keys_out is not None:
            self.stdout.write(f"Đã ghi khóa vào {keys_out} (quyền 0600). Cất tệp này RIÊNG, không để cạnh tệp sao lưu.")
        else:
            self.stdout.write("Khóa không nằm trong tệp sao lưu: dùng --keys-out để ghi chúng ra tệp riêng.")

    def _line(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
