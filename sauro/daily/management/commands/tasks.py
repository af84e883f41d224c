"""``sauro tasks generate [--as-of YYYY-MM-DD]`` and ``sauro tasks schedule``: recurring tasks by hand or by the worker.

``generate`` creates, now and in this process, the instances of recurring tasks due for a day (default today).
``schedule`` queues the daily generation job for the background worker (``sauro db_worker``, started by
``sauro serve``): today's run at once and tomorrow's shortly after midnight; every run then queues the next day's,
so the worker runs the generation daily. Both are safe to repeat: a period never gets two instances and a day's
job is queued at most once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sauro.common import clock
from sauro.common.commands import parse_day


class Command(BaseCommand):
    help = (
        "Nhiệm vụ định kỳ. «generate»: tạo và giao ngay các nhiệm vụ định kỳ đến kỳ (mặc định: hôm nay; "
        "--as-of YYYY-MM-DD để chọn ngày). «schedule»: xếp lịch cho tiến trình nền (db_worker) chạy việc tạo "
        "nhiệm vụ định kỳ hằng ngày — lượt hôm nay chạy ngay, lượt ngày mai lúc 00:30, mỗi lượt tự xếp lượt "
        "ngày hôm sau. Chạy lại nhiều lần không tạo trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="Tạo các nhiệm vụ định kỳ đến kỳ (một lần, ngay bây giờ).")
        generate.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Ngày xét kỳ (YYYY-MM-DD); mặc định là hôm nay.",
        )
        sub.add_parser("schedule", help="Xếp lịch chạy hằng ngày cho tiến trình nền (db_worker).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options.get("as_of"), verbose=options["verbosity"] >= 1)
        else:
            self._schedule(verbose=options["verbosity"] >= 1)

    def _generate(self, as_of_text: str | None, *, verbose: bool) -> None:
        from sauro.tasks.recurrence import run_generation

        as_of = parse_day(as_of_text) if as_of_text else clock.today()
        result = run_generation(as_of=as_of)
        if not verbose:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Kỳ chứa ngày {as_of:%d/%m/%Y}: đã tạo và giao {len(result.created)} nhiệm vụ định kỳ; "
                f"{result.already_there} đã có từ trước."
            )
        )
        if result.left_as_draft:
            ids = ", ".join(str(pk) for pk in result.left_as_draft)
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.left_as_draft)} nhiệm vụ còn ở dạng dự thảo vì chưa bảo đảm “6 rõ” (mã: {ids})."
                )
            )
        for template_id, message in result.failed:
            self.stdout.write(self.style.ERROR(f"Nhiệm vụ định kỳ gốc {template_id}: {message}"))

    def _schedule(self, *, verbose: bool) -> None:
        from sauro.daily.jobs import ensure_recurring_generation

        queued = ensure_recurring_generation()
        if not verbose:
            return
        if queued:
            days = ", ".join(f"{d:%d/%m/%Y}" for d in queued)
            self.stdout.write(self.style.SUCCESS(f"Đã xếp lịch tạo nhiệm vụ định kỳ cho ngày: {days}."))
        else:
            self.stdout.write("Lịch tạo nhiệm vụ định kỳ hôm nay và ngày mai đã có sẵn: không thay đổi gì.")
