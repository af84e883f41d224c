"""``sauro audit verify|checkpoint|upgrade``: check the journal, anchor its head, seal an old journal with the key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sauro.audit.checkpoints import CheckpointError, checkpoint_path, checkpoint_write
from sauro.audit.keys import AuditKeyError
from sauro.audit.rotation import RotationError, rotate_key
from sauro.audit.upgrade import UpgradeError, audit_upgrade
from sauro.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Nhật ký kiểm toán: «verify» kiểm tra chuỗi mã băm có khóa và các mốc kiểm, báo chỗ hỏng đầu tiên; "
        "«checkpoint» ghi mốc kiểm đầu chuỗi vào tệp ngoài cơ sở dữ liệu; «upgrade» kiểm tra chuỗi SHA-256 cũ "
        "rồi khóa lại bằng khóa nhật ký (một lần, sau khi nâng cấp phiên bản); «rotate-key» đổi khóa nhật ký."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn vẹn nhật ký (thoát mã khác 0 nếu có mục bị sửa hoặc xóa).")
        sub.add_parser("checkpoint", help="Ghi ngay một mốc kiểm đầu chuỗi vào tệp mốc kiểm.")
        sub.add_parser("upgrade", help="Khóa chuỗi nhật ký cũ (SHA-256 không khóa) bằng khóa nhật ký.")
        sub.add_parser("rotate-key", help="Đổi khóa nhật ký: kiểm tra, niêm phong lại toàn bộ bằng khóa mới.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))()

    def _verify(self) -> None:
        result = audit_verify(record=True)
        if not result.ok:
            if result.bad_seq is None:  # the key or the checkpoint file, before any entry
                raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {result.problem}")
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: mục số {result.bad_seq} — {result.problem} "
                f"(đã kiểm tra {result.checked} mục hợp lệ trước đó)."
            )
        anchors = (
            f"{result.checkpoints} mốc kiểm khớp"
            if result.checkpoints
            else f"chưa có mốc kiểm nào trong {checkpoint_path()} (chạy `sauro audit checkpoint`)"
        )
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.checked} mục, chuỗi mã băm khớp; {anchors}."))

    def _checkpoint(self) -> None:
        try:
            checkpoint = checkpoint_write()
        except (AuditKeyError, CheckpointError) as error:
            raise CommandError(f"Không ghi được mốc kiểm: {error}") from error
        if checkpoint is None:
            self.stdout.write("Nhật ký chưa có mục nào: không có gì để ghi mốc kiểm.")
            return
        self.stdout.write(self.style.SUCCESS(f"Đã ghi mốc kiểm mục số {checkpoint.seq} vào {checkpoint_path()}:"))
        self.stdout.write(checkpoint.line)

    def _upgrade(self) -> None:
        try:
            result = audit_upgrade()
        except (AuditKeyError, CheckpointError, UpgradeError) as error:
            raise CommandError(f"Không nâng cấp được nhật ký: {error}") from error
        if not result.plain:
            self.stdout.write("Chuỗi nhật ký đã được khóa bằng khóa nhật ký: không cần nâng cấp.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã kiểm tra {result.resealed} mục ({result.plain} mục mã băm SHA-256 cũ) và khóa lại chuỗi "
                "bằng khóa nhật ký; việc này được ghi vào nhật ký."
            )
        )
        if result.checkpoint is not None:
            self.stdout.write(f"Mốc kiểm đầu tiên: {result.checkpoint.line}")

    def _rotate_key(self) -> None:
        try:
            result = rotate_key()
        except (AuditKeyError, CheckpointError, RotationError) as error:
            raise CommandError(f"Không đổi được khóa nhật ký: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã đổi khóa nhật ký (dấu {result.old_key_id} → {result.new_key_id}): {result.resealed} mục được "
                "niêm phong lại; việc này được ghi vào nhật ký."
            )
        )
        self.stdout.write(f"Khóa cũ được giữ ở {result.retired_key} (để đối chiếu các mốc kiểm cũ).")
        if result.retired_checkpoints is not None:
            self.stdout.write(f"Các mốc kiểm cũ được chuyển sang {result.retired_checkpoints}.")
        if result.checkpoint is not None:
            self.stdout.write(f"Mốc kiểm đầu tiên với khóa mới: {result.checkpoint.line}")
        self.stdout.write(self.style.WARNING("Hãy sao khóa mới ra nơi cất giữ an toàn, tách khỏi bản sao lưu dữ liệu."))
