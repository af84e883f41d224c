"""``sauro remind [--as-of YYYY-MM-DD]`` and ``sauro remind --schedule``: the reminder pass by hand or by the worker.

Without ``--schedule`` it runs, now and in this process, the reminder pass for a day (default today) and prints
what was sent. ``--schedule`` queues the daily pass (``daily.jobs``: reminders, report duties, digests) for the
background worker (``sauro db_worker``, started by ``sauro serve``): today's run at once and tomorrow's at 06:30;
every run then queues the next day's.
Both are safe to repeat: each reminder is sent at most once a day and a day's run is queued at most once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauro.common import clock
from sauro.common.commands import parse_day

ERR_BOTH = "Không dùng --as-of cùng với --schedule: lượt chạy theo lịch luôn là của ngày chạy."


class Command(BaseCommand):
    help = (
        "Nhắc việc: gửi ngay lượt nhắc hạn, nhắc quá hạn, nhắc cập nhật tiến độ, báo nhiệm vụ chậm chuyển bước "
        "và chuyển khó khăn, vướng mắc quá hạn trả lời lên cấp trên (mặc định: hôm nay; --as-of YYYY-MM-DD để "
        "chọn ngày). --schedule: xếp lịch cho tiến trình nền (db_worker) chạy nhắc việc hằng ngày lúc 06:30. "
        "Chạy lại nhiều lần không gửi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", dest="as_of", default=None, help="Ngày nhắc việc (YYYY-MM-DD); mặc định là hôm nay."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Xếp lịch chạy nhắc việc hằng ngày cho tiến trình nền (db_worker), không gửi ngay.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        if options["schedule"]:
            if options.get("as_of"):
                raise CommandError(ERR_BOTH)
            self._schedule(verbose=verbose)
        else:
            self._run(options.get("as_of"), verbose=verbose)

    def _run(self, as_of_text: str | None, *, verbose: bool) -> None:
        from sauro.monitoring.choices import ReminderKind
        from sauro.monitoring.reminders import run_reminders

        as_of = parse_day(as_of_text) if as_of_text else clock.today()
        result = run_reminders(as_of=as_of)
        if not verbose:
            return
        if result.skipped_day_off:
            self.stdout.write(f"Ngày {as_of:%d/%m/%Y} là ngày nghỉ: không gửi nhắc việc.")
            return
        self.stdout.write(self.style.SUCCESS(f"Nhắc việc ngày {as_of:%d/%m/%Y}: đã gửi {result.total} lượt."))
        for kind in ReminderKind:
            self.stdout.write(f"  – {kind.label}: {result.count(kind)}")
        if result.already_sent:
            self.stdout.write(f"{result.already_sent} lượt đã gửi từ trước nên không gửi lại.")
        if result.failed:
            self.stdout.write(
                self.style.ERROR(f"{result.failed} lượt không gửi được (xem nhật ký); lượt sau sẽ thử lại.")
            )

    def _schedule(self, *, verbose: bool) -> None:
        from sauro.daily.jobs import ensure_daily_pass

        queued = ensure_daily_pass()
        if not verbose:
            return
        if queued:
            days = ", ".join(f"{d:%d/%m/%Y}" for d in queued)
            self.stdout.write(self.style.SUCCESS(f"Đã xếp lịch nhắc việc cho ngày: {days}."))
        else:
            self.stdout.write("Lịch nhắc việc hôm nay và ngày mai đã có sẵn: không thay đổi gì.")
