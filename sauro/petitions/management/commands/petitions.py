"""``sauro petitions deadlines --kind KIND --received YYYY-MM-DD [--accepted YYYY-MM-DD] [--complexity C] [--remote]
[--suspension YYYY-MM-DD:YYYY-MM-DD …] [--json]``: the statutory deadlines of a letter, from the rule book.

With ``--json``: ``{"rules": "<rule book version>", "deadlines": {key: "YYYY-MM-DD", …}}`` with only the deadlines
that apply (a period counted from the acceptance only with ``--accepted``); without it, a table in Vietnamese.
Bad input is refused with a Vietnamese message on standard error and exit code 2, as argparse does for its own.

``sauro petitions rekey [--batch N]``: every letter's keys of the duplicate search recomputed from its fields (after a
change of ``similar.SCHEME`` or of the secret, docs/petitions.md "Duplicates"), printing the progress per batch.
"""

from __future__ import annotations

import datetime
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sauro.common.inputs import date_in_range, date_range_message
from sauro.common.text import number
from sauro.petitions.choices import Complexity, CountedFrom, DeadlineKey, PetitionKind
from sauro.petitions.deadlines import Deadlines, Suspension
from sauro.petitions.duplicates import letters_rekey
from sauro.petitions.selectors import deadline_rules, letter_deadlines
from sauro.petitions.similar import SCHEME

BAD_INPUT = 2  # the exit code of a refused command line (argparse's)

ERR_MISSING = "Thiếu {option}. {hint}"
ERR_BAD_DATE = "Ngày không hợp lệ cho {option}: “{value}”. Hãy viết theo dạng YYYY-MM-DD, ví dụ 2026-07-01."
ERR_DATE_RANGE = "Ngày cho {option} không hợp lệ: {message}"
ERR_BAD_KIND = "Loại đơn không hợp lệ: “{value}”. Chọn một trong: {choices}."
ERR_BAD_COMPLEXITY = "Mức độ phức tạp không hợp lệ: “{value}”. Chọn một trong: {choices}."
ERR_BAD_SUSPENSION = (
    "Thời gian tạm đình chỉ không hợp lệ: “{value}”. Hãy viết NGÀY_BẮT_ĐẦU:NGÀY_KẾT_THÚC, ví dụ 2026-08-03:2026-08-14."
)
ERR_NO_RULES = "Bộ quy tắc thời hạn không có quy tắc nào cho đơn {kind} nhận ngày {received}."
HINT_KIND = "Chọn loại đơn: " + ", ".join(PetitionKind.values) + "."
HINT_RECEIVED = "Cho ngày nhận đơn, ví dụ --received 2026-07-01."
ERR_DATABASE = (
    "Chưa đọc được cơ sở dữ liệu (bộ quy tắc thời hạn, lịch ngày làm việc): hãy chạy `sauro migrate` trước. "
    "Chi tiết: {error}"
)

ERR_REKEY_DATABASE = "Chưa đọc được cơ sở dữ liệu: hãy chạy `sauro migrate` trước. Chi tiết: {error}"

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _day(option: str, value: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as e:
        raise refuse(ERR_BAD_DATE.format(option=option, value=value)) from e
    if not date_in_range(day):
        raise refuse(ERR_DATE_RANGE.format(option=option, message=date_range_message()))
    return day


def _suspension(value: str) -> Suspension:
    start, sep, end = value.partition(":")
    if not sep:
        raise refuse(ERR_BAD_SUSPENSION.format(value=value))
    try:
        return Suspension(_day("--suspension", start), _day("--suspension", end))
    except CommandError as e:
        raise refuse(f"{ERR_BAD_SUSPENSION.format(value=value)} {e}") from e
    except ValueError as e:  # the end before the start
        raise refuse(str(e)) from e


class Command(BaseCommand):
    help = (
        "Tiếp công dân, đơn thư: «deadlines» tính các thời hạn theo luật định của một lá đơn; «protect-identities» mã "
        "hóa danh tính người tố cáo (chuyển vào kho mã hóa, mã hóa lại sau khi đổi khóa); «rekey» tính lại khóa tìm "
        "đơn trùng của mọi đơn."
    )

    def _protect_identities(self) -> None:
        from sauro.common.errors import ServiceError
        from sauro.petitions.identity import identities_protect

        try:
            done = identities_protect(acting_user=None)
        except ServiceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Đã chuyển {done.moved} danh tính vào kho mã hóa; đã mã hóa lại {done.rekeyed} danh tính bằng khóa mới."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "protect-identities",
            help=(
                "Mã hóa danh tính người tố cáo còn lưu dạng rõ, và mã hóa lại bằng khóa đầu tiên sau khi đổi khóa "
                "(docs/petitions.md)."
            ),
        )
        deadlines = sub.add_parser("deadlines", help="Tính các thời hạn của một lá đơn theo bộ quy tắc thời hạn.")
        # Kinds, dates and complexity are checked here rather than by argparse, to refuse them in Vietnamese.
        deadlines.add_argument("--kind", help="Loại đơn: " + ", ".join(PetitionKind.values) + ".")
        deadlines.add_argument("--received", help="Ngày nhận đơn (YYYY-MM-DD).")
        deadlines.add_argument("--accepted", help="Ngày thụ lý (YYYY-MM-DD), nếu đã thụ lý.")
        deadlines.add_argument(
            "--complexity", default=Complexity.NORMAL, help="Mức độ: " + ", ".join(Complexity.values) + "."
        )
        deadlines.add_argument("--remote", action="store_true", help="Vụ việc ở vùng sâu, vùng xa.")
        deadlines.add_argument(
            "--suspension",
            action="append",
            default=[],
            help="Thời gian tạm đình chỉ BẮT_ĐẦU:KẾT_THÚC (YYYY-MM-DD, cả hai ngày không tính); có thể lặp lại.",
        )
        deadlines.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        rekey = sub.add_parser(
            "rekey",
            help="Tính lại khóa tìm đơn trùng của mọi đơn (khi đổi cách tính similar.SCHEME hoặc khóa bí mật).",
        )
        rekey.add_argument("--batch", type=int, default=500, help="Số đơn mỗi lượt (mặc định 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "protect-identities":
            self._protect_identities()
            return
        if options["action"] == "rekey":
            self._rekey(max(1, min(int(options["batch"]), 10_000)))
            return
        kind = options["kind"]
        if not kind:
            raise refuse(ERR_MISSING.format(option="--kind", hint=HINT_KIND))
        if kind not in PetitionKind.values:
            raise refuse(ERR_BAD_KIND.format(value=kind, choices=", ".join(PetitionKind.values)))
        if not options["received"]:
            raise refuse(ERR_MISSING.format(option="--received", hint=HINT_RECEIVED))
        received = _day("--received", options["received"])
        accepted = _day("--accepted", options["accepted"]) if options["accepted"] else None
        complexity = options["complexity"]
        if complexity not in Complexity.values:
            raise refuse(ERR_BAD_COMPLEXITY.format(value=complexity, choices=", ".join(Complexity.values)))
        suspensions = [_suspension(value) for value in options["suspension"]]
        try:
            result = letter_deadlines(
                kind=kind,
                received=received,
                accepted=accepted,
                complexity=complexity,
                remote=options["remote"],
                suspensions=suspensions,
            )
            awaiting_acceptance = accepted is None and any(
                rule.counted_from == CountedFrom.ACCEPTANCE and rule.in_force_on(received)
                for rule in deadline_rules(kind=kind)
            )
        except DatabaseError as e:
            raise CommandError(ERR_DATABASE.format(error=e)) from e
        except ValueError as e:  # the acceptance before the receipt; a rule book with two rules for one case
            raise refuse(str(e)) from e
        if not result.rules:
            raise refuse(ERR_NO_RULES.format(kind=PetitionKind(kind).label, received=f"{received:%d/%m/%Y}"))
        if options["json"]:
            payload = {"rules": result.version, "deadlines": {key: day.isoformat() for key, day in result.due.items()}}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            _table(
                result,
                kind=kind,
                received=received,
                accepted=accepted,
                complexity=complexity,
                remote=options["remote"],
                suspensions=suspensions,
                awaiting_acceptance=awaiting_acceptance,
            )
        )

    def _rekey(self, batch: int) -> None:
        """``sauro petitions rekey``: every letter's keys recomputed, with the progress printed per batch."""

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"Đã tính lại khóa của {number(done)}/{number(total)} đơn.")

        try:
            done = letters_rekey(batch=batch, progress=progress)
        except DatabaseError as e:
            raise CommandError(ERR_REKEY_DATABASE.format(error=e)) from e
        self.stdout.write(f"Xong: {number(done)} đơn, cách tính {SCHEME}.")


def _table(
    result: Deadlines,
    *,
    kind: str,
    received: datetime.date,
    accepted: datetime.date | None,
    complexity: str,
    remote: bool,
    suspensions: list[Suspension],
    awaiting_acceptance: bool,
) -> str:
    """The deadlines for a reader: the letter's facts, then one line per deadline with its day and its rule."""
    facts = f"{PetitionKind(kind).label}, nhận ngày {received:%d/%m/%Y}"
    if accepted is not None:
        facts += f", thụ lý ngày {accepted:%d/%m/%Y}"
    lines = [facts, f"Mức độ: {Complexity(complexity).label}" + ("; vùng sâu, vùng xa" if remote else "")]
    for pause in suspensions:
        until = f"{pause.end:%d/%m/%Y}" if pause.end else "chưa tiếp tục"
        lines.append(f"Tạm đình chỉ: {pause.start:%d/%m/%Y} – {until}")
    lines += [f"Bộ quy tắc thời hạn: {result.version}", ""]
    rows = [("Thời hạn", "Hạn chót", "Thứ", "Quy tắc")]
    for key, rule in result.rules.items():
        day = result.due.get(key)
        rows.append(
            (
                str(DeadlineKey(key).label),
                f"{day:%d/%m/%Y}" if day else "đang tạm đình chỉ",
                WEEKDAYS[day.weekday()] if day else "",
                rule.describe(),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines += ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]]) for row in rows]
    if awaiting_acceptance:
        lines += ["", "Chưa có ngày thụ lý: thời hạn tính từ ngày thụ lý sẽ có khi cho --accepted."]
    return "\n".join(lines)
