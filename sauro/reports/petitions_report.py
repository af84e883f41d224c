"""The monthly and quarterly petitions report (báo cáo kết quả tiếp công dân, giải quyết đơn thư; issue 19,
point 8): a ``.docx`` in the Party document format and an ``.xlsx`` with every table, generated for a person to edit.

The figures are ``petitions_figures.petition_figures`` (SQL aggregates through the petitions gate) for a unit and
the units below it over a reporting month (``2026-03``) or quarter (``2026Q1``): the regime's data cut-off windows,
as the quarterly review report, whose item "tiếp dân, giải quyết đơn thư" says the same figures in short.

The .docx is rendered by the quarterly report's Party-format helpers (``reports.quarterly``: page set-up, the
letterhead's header with ``Số …-BC/<symbol>``, paragraphs, bordered tables with a wide name column, "Nơi nhận" and
the signature block, page numbers from page 2): sections I. Tiếp công dân, II. Tiếp nhận, phân loại đơn thư,
III. Kết quả xử lý, giải quyết đơn thư, IV. Điểm nóng, V. Nhận xét, kiến nghị. The .xlsx has one sheet per table,
Vietnamese headers, every cell through ``common.excel.safe_cell`` (no text can become a formula).

Hot spots (điểm nóng) are detected elsewhere (``petitions.hotspots``): ``collect`` reads those raised within the unit
(``hotspot_rows``) unless given as ``hot_spots``, any objects whose ``str()`` is the line to print; none gives "Không có
điểm nóng trong kỳ."
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpResponse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.letterhead import Letterhead
from sauro.org.models import Unit
from sauro.org.selectors import unit_letterhead
from sauro.periods.choices import ReportKind
from sauro.periods.regime import ROMAN, RegimeError, ReportPeriod, parse_period_key
from sauro.petitions.access import register_unit_ids
from sauro.petitions.hotspots import hotspot_rows
from sauro.reports.petitions_figures import Line, PetitionFigures, petition_figures, summary_sentences
from sauro.reports.quarterly import (
    PETITIONS,
    _closing,
    _data_table,
    _header,
    _page_numbers,
    _para,
    _setup,
    _sheet,
    fmt_day,
    fmt_rate,
)

ERR_PERIOD = "Kỳ báo cáo không hợp lệ: “{value}”. Hãy viết tháng theo dạng 2026-03 hoặc quý theo dạng 2026Q1."
NO_HOT_SPOTS = "Không có điểm nóng trong kỳ."
HEADINGS = (
    "I. CÔNG TÁC TIẾP CÔNG DÂN",
    "II. TIẾP NHẬN, PHÂN LOẠI ĐƠN THƯ",
    "III. KẾT QUẢ XỬ LÝ, GIẢI QUYẾT ĐƠN THƯ",
    "IV. ĐIỂM NÓNG, VỤ VIỆC PHỨC TẠP",
    "V. NHẬN XÉT, KIẾN NGHỊ",
)
# Portrait tables: 210 mm less the 30 + 15 mm side margins = 165 mm; the name column wide enough for a commune's
# or a unit's name on one line.
COUNT_WIDTHS_MM = (14, 101, 25, 25)
COMMUNE_WIDTHS_MM = (14, 91, 30, 30)
SECRETARY_WIDTHS_MM = (14, 63, 48, 20, 20)
RESULT_WIDTHS_MM = (14, 121, 30)
SECRETARY_HEADERS = ("STT", "Cấp ủy, đảng ủy", "Bí thư", "Số buổi đã tiếp", "Số buổi theo quy định")
COMMUNE_HEADERS = ("STT", "Phường, xã nơi phát sinh", "Số đơn, thư", "Số lượt tiếp")


def count_headers(what: str) -> tuple[str, str, str, str]:
    return ("STT", what, "Số đơn, thư", "Tỷ lệ (%)")


@dataclass
class PetitionsReport:
    unit: Unit
    period: ReportPeriod
    issued_on: datetime.date
    figures: PetitionFigures
    hot_spots: list[object] = field(default_factory=list)
    letterhead: Letterhead | None = None

    @property
    def as_of(self) -> datetime.date:
        return self.figures.as_of


def report_period(value: str) -> ReportPeriod:
    """``2026-03`` (the reporting month) or ``2026Q1`` (the quarter) → the period; ``RegimeError`` (Vietnamese)."""
    text = (value or "").strip().upper()
    kind = ReportKind.QUARTERLY if "Q" in text else ReportKind.MONTHLY
    try:
        return parse_period_key(kind, text)
    except ValueError:  # RegimeError, or a year outside the working-day calendar (the due day is counted on it)
        raise RegimeError(ERR_PERIOD.format(value=(value or "")[:40])) from None


def collect(
    *,
    user: User,
    unit: Unit,
    period: str,
    as_of: datetime.date | None = None,
    hot_spots: Sequence[object] = (),
) -> PetitionsReport:
    """The report's content for ``unit`` (its subtree) and ``period`` as ``user`` sees it. The states are those of
    ``as_of``: by default the cut-off end, or today while the period runs."""
    p = report_period(period)
    today = clock.today()
    day = as_of or min(p.cutoff_end, today)
    # The hot spots raised in the period within the unit (``petitions.hotspots``, point 7), one line each.
    spots = list(hot_spots) or list(hotspot_rows(user=user, start=p.cutoff_start, end=day, within=unit))
    return PetitionsReport(
        unit=unit,
        period=p,
        issued_on=today,
        figures=petition_figures(user=user, unit=unit, period=p, as_of=day),
        hot_spots=spots,
        letterhead=unit_letterhead(unit),
    )


def period_words(p: ReportPeriod) -> str:
    """``tháng 3 năm 2026``, ``quý I năm 2026``."""
    if p.kind == ReportKind.QUARTERLY:
        return f"quý {ROMAN[p.number]} năm {p.year}"
    return f"tháng {p.number} năm {p.year}"


def title_line(p: ReportPeriod) -> str:
    return f"Kết quả tiếp công dân, giải quyết đơn thư {period_words(p)}"


def _share(n: int, total: int) -> str:
    return fmt_rate(100 * n / total) if total else "–"


def count_rows(lines: Sequence[Line], total: int) -> list[list[object]]:
    """Numbered rows (label, letters, share), then "Tổng cộng"."""
    rows: list[list[object]] = [
        [i, line.label, line.letters, _share(line.letters, total)] for i, line in enumerate(lines, start=1)
    ]
    rows.append(["", "Tổng cộng", total, _share(total, total)])
    return rows


def commune_rows(f: PetitionFigures) -> list[list[object]]:
    rows: list[list[object]] = [[i, c.label, c.letters, c.visits] for i, c in enumerate(f.by_commune, start=1)]
    rows.append(["", "Tổng cộng", sum(c.letters for c in f.by_commune), sum(c.visits for c in f.by_commune)])
    return rows


def secretary_rows(f: PetitionFigures) -> list[list[object]]:
    return [
        [i, r.unit_name, ", ".join(r.secretaries) or "Chưa ghi chức vụ Bí thư", r.held, r.required]
        for i, r in enumerate(f.secretaries, start=1)
    ]


def result_rows(f: PetitionFigures) -> list[list[object]]:
    """The letters' path and resolution, as the clerk's summary table has it."""
    return [
        [1, "Tổng số đơn, thư tiếp nhận trong kỳ", f.received],
        [2, "Đơn thuộc thẩm quyền", f.in_competence],
        [3, "Đơn không thuộc thẩm quyền", f.out_of_competence],
        [4, "Chưa xử lý", f.undecided],
        [5, "Thụ lý, giải quyết tại đơn vị", f.handled_here],
        [6, "Chuyển đơn (trong và ngoài hệ thống)", f.forwarded],
        [7, "Hướng dẫn người gửi đơn", f.guided],
        [8, "Lưu theo dõi, tham khảo", f.kept],
        [9, "Đơn phải giải quyết (đã giao nhiệm vụ)", f.with_task],
        [10, "Đã giải quyết đúng hạn", f.resolved_on_time],
        [11, "Đã giải quyết quá hạn", f.resolved_late],
        [12, "Đang giải quyết, trong hạn", f.pending_on_time],
        [13, "Đang giải quyết, quá hạn", f.pending_overdue],
        [14, "Dừng giải quyết", f.stopped],
    ]


def reception_lines(f: PetitionFigures) -> list[str]:
    lines = [
        f"- Tổng số lượt tiếp: {f.visits} lượt ({f.people} người), trong đó lãnh đạo trực tiếp tiếp "
        f"{f.leader_visits} lượt;",
        f"- Đoàn đông người: {f.delegations} đoàn ({f.delegation_people} người).",
    ]
    if f.secretaries:
        missed = [r.unit_name for r in f.secretaries if not r.met]
        lines.append(
            f"- Bí thư cấp ủy tiếp công dân định kỳ: {f.secretary_days_held}/{f.secretary_days_required} buổi theo "
            "quy định" + (f"; chưa đủ số buổi: {', '.join(missed)}." if missed else "; các đơn vị đều đủ số buổi.")
        )
    return lines


def render_docx(data: PetitionsReport) -> bytes:
    document = Document()
    _setup(document)
    _header(document, data)
    p, f = data.period, data.figures
    _para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=15)
    _para(document, title_line(p), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _para(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        document,
        f"{data.unit.name} báo cáo kết quả công tác tiếp công dân, giải quyết đơn thư {period_words(p)} (số liệu từ "
        f"ngày {fmt_day(p.cutoff_start)} đến ngày {fmt_day(p.cutoff_end)}, tính đến ngày {fmt_day(data.as_of)}) "
        "như sau:",
    )
    _para(document, summary_sentences(f))

    _para(document, HEADINGS[0], bold=True)
    for line in reception_lines(f):
        _para(document, line)
    if f.secretaries:
        _data_table(document, SECRETARY_HEADERS, secretary_rows(f), widths_mm=SECRETARY_WIDTHS_MM, left_columns=(1, 2))

    _para(document, HEADINGS[1], bold=True)
    _para(
        document,
        f"Tổng số đơn, thư tiếp nhận: {f.received} đơn; thuộc thẩm quyền: {f.in_competence} đơn; không thuộc thẩm "
        f"quyền: {f.out_of_competence} đơn.",
    )
    for number, (what, lines) in enumerate(
        (("Loại đơn", f.by_kind), ("Nguồn đơn", f.by_source), ("Lĩnh vực", f.by_topic)), start=1
    ):
        _para(document, f"{number}. Phân loại theo {what.lower()}:")
        rows = count_rows(lines, f.received)
        _data_table(document, count_headers(what), rows, bold_rows=[len(rows) - 1], widths_mm=COUNT_WIDTHS_MM)
    _para(document, "4. Theo địa bàn phường, xã nơi phát sinh vụ việc:")
    if f.by_commune:
        rows = commune_rows(f)
        _data_table(document, COMMUNE_HEADERS, rows, bold_rows=[len(rows) - 1], widths_mm=COMMUNE_WIDTHS_MM)
    else:
        _para(document, "Không có đơn, thư và lượt tiếp công dân trong kỳ.", italic=True)

    _para(document, HEADINGS[2], bold=True)
    _data_table(document, ("STT", "Nội dung", "Số đơn"), result_rows(f), widths_mm=RESULT_WIDTHS_MM)
    _para(
        document,
        f"Tỷ lệ giải quyết đúng hạn: {_share(f.resolved_on_time, f.resolved)}% số đơn đã giải quyết; tỷ lệ đã giải "
        f"quyết: {_share(f.resolved, f.with_task)}% số đơn phải giải quyết.",
    )

    _para(document, HEADINGS[3], bold=True)
    if not data.hot_spots:
        _para(document, NO_HOT_SPOTS)
    for spot in data.hot_spots:
        _para(document, f"- {spot}")

    _para(document, HEADINGS[4], bold=True)
    _para(document, "…")

    _closing(document, data, PETITIONS)
    _page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_xlsx(data: PetitionsReport) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    p, f = data.period, data.figures
    wb.properties.title = f"Báo cáo {title_line(p).lower()}"
    wb.properties.creator = "Sáu Rõ"
    caption = (
        f"{data.unit.name} — {period_words(p)} (số liệu từ {fmt_day(p.cutoff_start)} đến {fmt_day(p.cutoff_end)}, "
        f"tính đến {fmt_day(data.as_of)})"
    )
    _sheet(
        wb,
        "Kết quả xử lý",
        f"Kết quả xử lý, giải quyết đơn thư — {caption}",
        ("STT", "Nội dung", "Số đơn"),
        result_rows(f),
        [6, 50, 12],
    )
    reception = [
        [1, "Lượt tiếp công dân", f.visits],
        [2, "Số người", f.people],
        [3, "Lượt lãnh đạo trực tiếp tiếp", f.leader_visits],
        [4, "Đoàn đông người", f.delegations],
        [5, "Số người trong các đoàn đông người", f.delegation_people],
        [6, "Buổi tiếp định kỳ của Bí thư đã thực hiện", f.secretary_days_held],
        [7, "Buổi tiếp định kỳ của Bí thư theo quy định", f.secretary_days_required],
    ]
    _sheet(
        wb,
        "Tiếp công dân",
        f"Công tác tiếp công dân — {caption}",
        ("STT", "Nội dung", "Số lượng"),
        reception,
        [6, 50, 12],
    )
    _sheet(
        wb,
        "Tiếp dân theo loại",
        f"Lượt tiếp công dân theo loại vụ việc — {caption}",
        ("STT", "Loại vụ việc", "Số lượt tiếp", "Tỷ lệ (%)"),
        count_rows(f.visits_by_kind, f.visits),
        [6, 44, 14, 12],
    )
    _sheet(
        wb,
        "Ngày tiếp của Bí thư",
        f"Ngày tiếp công dân định kỳ của Bí thư — {caption}",
        SECRETARY_HEADERS,
        secretary_rows(f),
        [6, 40, 30, 14, 14],
    )
    for what, lines in (("Loại đơn", f.by_kind), ("Nguồn đơn", f.by_source), ("Lĩnh vực", f.by_topic)):
        _sheet(
            wb,
            f"Theo {what.lower()}",
            f"Đơn, thư theo {what.lower()} — {caption}",
            count_headers(what),
            count_rows(lines, f.received),
            [6, 44, 14, 12],
        )
    _sheet(
        wb,
        "Theo phường, xã",
        f"Đơn, thư và lượt tiếp theo phường, xã — {caption}",
        COMMUNE_HEADERS,
        commune_rows(f),
        [6, 40, 14, 14],
    )
    spots: list[list[object]] = [[i, str(s)] for i, s in enumerate(data.hot_spots, start=1)] or [["", NO_HOT_SPOTS]]
    _sheet(wb, "Điểm nóng", f"Điểm nóng, vụ việc phức tạp — {caption}", ("STT", "Nội dung"), spots, [6, 100])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def petitions_docx(
    *, user: User, unit: Unit, period: str, as_of: datetime.date | None = None, hot_spots: Sequence[object] = ()
) -> bytes:
    return render_docx(collect(user=user, unit=unit, period=period, as_of=as_of, hot_spots=hot_spots))


def petitions_xlsx(
    *, user: User, unit: Unit, period: str, as_of: datetime.date | None = None, hot_spots: Sequence[object] = ()
) -> bytes:
    return render_xlsx(collect(user=user, unit=unit, period=period, as_of=as_of, hot_spots=hot_spots))


def petitions_filename(unit: Unit, period: str, extension: str) -> str:
    p = report_period(period)
    which = f"quy-{p.number}" if p.kind == ReportKind.QUARTERLY else f"thang-{p.number:02d}"
    return f"bao-cao-tiep-dan-don-thu-{which}-{p.year}-{unit.code.lower()}.{extension}"


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def petitions_report_units(user: User) -> QuerySet[Unit]:
    """The units a petitions report may be asked for: those whose register the user reads, in force."""
    return Unit.objects.filter(pk__in=register_unit_ids(user), valid_to__isnull=True)


def petitions_download(*, user: User, unit: Unit, period: str, fmt: str) -> HttpResponse:
    """The report as an attachment (the page's and the API's), never cached."""
    if fmt == "xlsx":
        body, content_type = petitions_xlsx(user=user, unit=unit, period=period), XLSX_TYPE
    else:
        body, content_type = petitions_docx(user=user, unit=unit, period=period), DOCX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{petitions_filename(unit, period, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
