"""``sauro report``: reporting-regime commands.

- ``sauro report quarterly --unit TU --quarter 2026Q1 --out bao-cao.docx`` writes the quarterly review report
  (``.docx``) and its appendix beside it (same name, ``.xlsx``). It runs as the system, with the visibility of a
  leader of the unit's committee (``reports.quarterly.system_reporter``).
- ``sauro report generate [--as-of YYYY-MM-DD]`` creates the report duties of the day (idempotent).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sauro.common.commands import parse_day
from sauro.org.models import Unit
from sauro.periods.regime import RegimeError, parse_quarter
from sauro.reports.quarterly import build_quarterly_report, system_reporter
from sauro.reports.services import reports_generate

ERR_UNKNOWN_UNIT = "Không có đơn vị mã “{code}”. Xem mã các đơn vị ở trang Tổ chức."
ERR_OUT = "Tệp kết quả phải có đuôi .docx, ví dụ --out bao-cao-quy-1.docx."
ERR_WRITE = "Không ghi được tệp “{path}”: {error}"


class Command(BaseCommand):
    help = "Báo cáo: `quarterly` lập báo cáo sơ kết quý (.docx và phụ lục .xlsx); `generate` tạo nghĩa vụ báo cáo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        q = sub.add_parser("quarterly", help="Lập báo cáo sơ kết quý của một đơn vị.")
        q.add_argument("--unit", required=True, help="Mã đơn vị, ví dụ TU.")
        q.add_argument("--quarter", required=True, help="Quý, ví dụ 2026Q1.")
        q.add_argument("--out", required=True, help="Tệp .docx kết quả; phụ lục .xlsx được ghi cạnh nó.")
        q.add_argument("--as-of", default="", help="Tính số liệu đến ngày (YYYY-MM-DD); mặc định ngày chốt số liệu.")
        g = sub.add_parser("generate", help="Tạo nghĩa vụ báo cáo của các đơn vị (chạy nhiều lần không tạo trùng).")
        g.add_argument("--as-of", default="", help="Ngày (YYYY-MM-DD); mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            as_of = parse_day(options["as_of"]) if options["as_of"] else None
            result = reports_generate(as_of=as_of)
            self.stdout.write(self.style.SUCCESS(f"Đã tạo {result.created} nghĩa vụ báo cáo."))
            return
        try:
            parse_quarter(options["quarter"])
        except RegimeError as e:
            raise CommandError(str(e)) from e
        code = options["unit"].strip()
        unit = Unit.objects.filter(code__iexact=code).first()
        if unit is None:
            raise CommandError(ERR_UNKNOWN_UNIT.format(code=code))
        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError(ERR_OUT)
        as_of = parse_day(options["as_of"]) if options["as_of"] else None
        try:
            user = system_reporter(unit)
        except LookupError as e:
            raise CommandError(str(e)) from e
        docx_bytes, xlsx_bytes = build_quarterly_report(user=user, unit=unit, quarter=options["quarter"], as_of=as_of)
        xlsx_path = out.with_suffix(".xlsx")
        try:
            out.write_bytes(docx_bytes)
            xlsx_path.write_bytes(xlsx_bytes)
        except OSError as e:
            raise CommandError(ERR_WRITE.format(path=out, error=e.strerror or e)) from e
        self.stdout.write(self.style.SUCCESS(f"Đã ghi báo cáo: {out} và phụ lục: {xlsx_path}"))
