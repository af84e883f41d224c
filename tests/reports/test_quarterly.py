"""The quarterly review report: Party document layout, structure, and every figure equal to the dashboard's."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from sauro.dashboard.stats import task_stats, task_stats_by_unit
from sauro.reports import quarterly
from sauro.reports.quarterly import HEADINGS, PARTY, build_quarterly_report, fmt_rate
from tests.reports.conftest import Quarter

D = datetime.date
# Q1 2026 cut-off window (no database needed for the two ends).
Q1_START, Q1_END = D(2025, 12, 15), D(2026, 3, 14)


def stats_for(user: Any, unit: Any, as_of: datetime.date) -> Any:
    return task_stats(user=user, unit_id=unit.pk, start=Q1_START, end=Q1_END, as_of=as_of)


def body_paragraphs(doc: Any) -> list[Any]:
    return list(doc.paragraphs)


def texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def closing_cells(doc: Any) -> tuple[Any, Any]:
    """The recipients' and the signature's cells: the table that opens with "Nơi nhận:"."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    left, right = table.rows[0].cells
    return left, right


def table_with(doc: Any, first_header: str, second_header: str) -> Any:
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == [first_header, second_header])


@pytest.fixture
def report(org: Any, quarter: Quarter) -> tuple[Any, Any]:
    docx_bytes, xlsx_bytes = build_quarterly_report(user=org.leader, unit=org.city, quarter="2026Q1")
    return Document(io.BytesIO(docx_bytes)), load_workbook(io.BytesIO(xlsx_bytes))


def test_page_setup_a4_and_margins(report: tuple[Any, Any]) -> None:
    doc, _ = report
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [
        20,
        20,
        30,
        15,
    ]


def test_header_block_of_a_party_document(report: tuple[Any, Any]) -> None:
    doc, _ = report
    header = doc.tables[0]
    left, right = header.rows[0].cells
    left_lines = [p.text for p in left.paragraphs]
    assert left_lines[0] == "THÀNH ỦY HUẾ"
    assert left.paragraphs[0].runs[0].bold
    assert "*" in left_lines
    number = next(line for line in left_lines if line.startswith("Số"))
    assert number.endswith("-BC/TU")
    party = right.paragraphs[0]
    assert party.text == PARTY
    assert party.runs[0].bold and party.runs[0].underline
    place = next(p for p in right.paragraphs if p.text.startswith("Huế, ngày"))
    assert place.text == "Huế, ngày 14 tháng 3 năm 2026"
    assert all(r.italic for r in place.runs)
    assert place.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_title_and_the_four_sections(report: tuple[Any, Any]) -> None:
    doc, _ = report
    paragraphs = body_paragraphs(doc)
    title = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    subtitle = paragraphs[paragraphs.index(title) + 1]
    assert subtitle.text == "Sơ kết công tác quý I năm 2026 và nhiệm vụ trọng tâm quý II năm 2026"
    assert subtitle.alignment == WD_ALIGN_PARAGRAPH.CENTER and subtitle.runs[0].bold
    all_text = texts(doc)
    positions = [all_text.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert HEADINGS == (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
        "III. NHIỆM VỤ TRỌNG TÂM QUÝ TỚI",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
    )
    for h in HEADINGS:
        assert next(p for p in paragraphs if p.text == h).runs[0].bold
    closing, _signature = closing_cells(doc)
    assert closing.paragraphs[0].text == "Nơi nhận:"


def test_every_run_is_times_new_roman_and_body_is_14(report: tuple[Any, Any]) -> None:
    doc, _ = report
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        assert run.font.name == "Times New Roman"
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert fonts.get(qn("w:cs")) == "Times New Roman"
    body = [r for p in doc.paragraphs if p.text and p.text != "BÁO CÁO" for r in p.runs]
    assert body and all(r.font.size.pt == 14 for r in body)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14


def test_section_contents(org: Any, quarter: Quarter, report: tuple[Any, Any]) -> None:
    doc, _ = report
    text = "\n".join(texts(doc))
    # I: the highlight with its accepted product.
    assert "Ban hành kế hoạch tổ chức hội nghị" in text and "Kế hoạch số 12-KH/BTCTU (12-KH)" in text
    # II: both overdue tasks, the obstacle with its proposal.
    assert "Rà soát tiêu chuẩn chức danh" in text  # the obstacle reported on it
    assert (
        "Đề xuất: Đề nghị Thường trực Thành ủy cho phép áp dụng tạm tiêu chuẩn hiện hành (chưa được trả lời)." in text
    )
    # The overdue tasks themselves are in Phụ lục 2 only (issue 20.6), not listed again in section II.
    section2 = text.split(HEADINGS[1])[1].split(HEADINGS[2])[0]
    assert "Kiện toàn chi bộ khu dân cư" not in section2
    overdue = [[c.text for c in row.cells] for row in table_with(doc, "STT", "Nhiệm vụ").rows[1:]]
    assert ["2", "Kiện toàn chi bộ khu dân cư", "23/02/2026", "14", "0", "Đơn vị chưa báo cáo lý do."] in overdue
    # III: the next quarter's task; IV: the open proposal addressed to the body asked.
    section3 = text.split(HEADINGS[2])[1].split(HEADINGS[3])[0]
    assert "Sơ kết 6 tháng công tác tổ chức" in section3 and "Xây dựng đề án" not in section3
    section4 = text.split(HEADINGS[3])[1]
    assert (
        "- Đề nghị Thường trực Thành ủy cho phép áp dụng tạm tiêu chuẩn hiện hành (gửi Thường trực Thành ủy; "
        "nhiệm vụ “Rà soát tiêu chuẩn chức danh” của Ban Tổ chức Thành ủy)." in section4
    )


def test_every_figure_equals_the_dashboards(org: Any, quarter: Quarter, report: tuple[Any, Any]) -> None:
    doc, wb = report
    s = stats_for(org.leader, org.city, quarter.as_of)
    # "Sơ kết 6 tháng …" (issued in the quarter, due in the next) counts as open, within its time.
    assert (s.total, s.done_on_time, s.done_late, s.open_on_time, s.open_overdue, s.ongoing) == (6, 1, 1, 2, 2, 1)
    text = "\n".join(texts(doc))
    assert f"Tổng số nhiệm vụ trong kỳ: {s.total} nhiệm vụ" in text
    assert f"- Hoàn thành đúng hạn: {s.done_on_time} nhiệm vụ;" in text
    assert f"- Hoàn thành quá hạn: {s.done_late} nhiệm vụ;" in text
    assert f"- Chưa hoàn thành – trong hạn: {s.open_on_time} nhiệm vụ;" in text
    assert f"- Chưa hoàn thành – quá hạn: {s.open_overdue} nhiệm vụ." in text
    assert f"Ngoài ra có {s.ongoing} nhiệm vụ thường xuyên" in text
    assert (
        f"Tỷ lệ hoàn thành đúng hạn: {fmt_rate(s.on_time_rate)}%; tỷ lệ hoàn thành: {fmt_rate(s.completion_rate)}%"
        in text
    )
    assert (
        f"Nhiệm vụ chưa hoàn thành, đã quá hạn: {s.open_overdue} nhiệm vụ (chi tiết theo từng cơ quan, đơn vị tại "
        "Phụ lục 2)." in text
    )
    assert "7. Một số kết quả nổi bật:" in text

    by_unit = task_stats_by_unit(
        user=org.leader, parent_unit_id=org.city.pk, start=Q1_START, end=Q1_END, as_of=quarter.as_of
    )
    expected = [
        [u.name, st.total, st.done_on_time, st.done_late, st.open_on_time, st.open_overdue, st.ongoing]
        for u, st in by_unit
    ]
    expected.append(
        [f"Tổng cộng: {org.city.name}", s.total, s.done_on_time, s.done_late, s.open_on_time, s.open_overdue, s.ongoing]
    )

    # The .docx summary table (Phụ lục 1): the units with something in the period, then the others in one line.
    table = table_with(doc, "STT", "Đơn vị")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    idle = [e for e in expected[:-1] if e[1] == 0 and e[6] == 0]
    busy = [e for e in expected if e not in idle]
    assert idle and busy
    folded = next(r for r in rows if "không có nhiệm vụ trong kỳ" in r[1])
    assert folded[1] == (
        f"{len(idle)} cơ quan, đơn vị không có nhiệm vụ trong kỳ: {', '.join(str(e[0]) for e in idle)}."
    )
    assert [[r[1], *map(int, r[2:8])] for r in rows if r is not folded] == busy
    assert rows[-1][8] == fmt_rate(s.on_time_rate) and rows[-1][9] == fmt_rate(s.completion_rate)
    btc_row = next(r for r in rows if r[1] == org.btc.name)
    btc = next(st for u, st in by_unit if u.pk == org.btc.pk)
    assert btc_row[8] == fmt_rate(btc.on_time_rate)

    # The .xlsx appendix: the same numbers, as numbers.
    ws = wb["Tổng hợp theo đơn vị"]
    values = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    assert [[r[1], *r[2:8]] for r in values] == expected
    assert values[-1][8] == s.on_time_rate and values[-1][9] == s.completion_rate
    assert ws.max_row - 3 == len(by_unit) + 1
    # The lists hold as many rows as the matching counts.
    assert wb["Hoàn thành đúng hạn"].max_row - 3 == s.done_on_time
    assert wb["Quá hạn"].max_row - 3 == s.open_overdue
    assert wb["Khó khăn, vướng mắc"].max_row - 3 == 1


def test_report_of_a_unit_head_shows_only_their_subtree(org: Any, quarter: Quarter) -> None:
    docx_bytes, _xlsx = build_quarterly_report(user=org.btc_head, unit=org.btc, quarter="2026Q1")
    doc = Document(io.BytesIO(docx_bytes))
    text = "\n".join(texts(doc))
    s = stats_for(org.btc_head, org.btc, quarter.as_of)
    assert s.total == 5 and s.open_overdue == 1
    assert f"Tổng số nhiệm vụ trong kỳ: {s.total} nhiệm vụ" in text
    assert "Kiện toàn chi bộ khu dân cư" not in text
    # An agency: the committee above it on the first line, its own name in bold below.
    left = doc.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs][:3] == ["THÀNH ỦY HUẾ", "BAN TỔ CHỨC", "*"]
    assert left.paragraphs[1].runs[0].bold
    assert "-BC/BTCTU" in left.paragraphs[3].text


def test_xlsx_neutralises_formulas(org: Any, quarter: Quarter, make_draft: Any) -> None:
    from sauro.tasks.models import Task

    Task.objects.filter(pk=quarter.done_on_time.pk).update(title='=HYPERLINK("http://x")')
    _, xlsx_bytes = build_quarterly_report(user=org.leader, unit=org.city, quarter="2026Q1")
    ws = load_workbook(io.BytesIO(xlsx_bytes))["Hoàn thành đúng hạn"]
    assert ws.cell(row=4, column=2).value == '\'=HYPERLINK("http://x")'
    assert ws.cell(row=4, column=2).data_type == "s"


def test_command_writes_both_files(org: Any, quarter: Quarter, tmp_path: Any) -> None:
    out = tmp_path / "bao-cao.docx"
    call_command("report", "quarterly", "--unit", "TU", "--quarter", "2026Q1", "--out", str(out))
    assert out.exists() and (tmp_path / "bao-cao.xlsx").exists()
    doc = Document(str(out))
    s = stats_for(org.leader, org.city, quarter.as_of)
    carried = f" (trong đó {s.carried.total} nhiệm vụ kỳ trước chuyển sang)" if s.carried.total else ""
    assert f"Tổng số nhiệm vụ trong kỳ: {s.total} nhiệm vụ{carried}; trong đó:" in "\n".join(texts(doc))
    wb = load_workbook(str(tmp_path / "bao-cao.xlsx"))
    assert "Tổng hợp theo đơn vị" in wb.sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "TU", "--quarter", "2026Q5"], "Quý không hợp lệ: “2026Q5”"),
        (["--unit", "TU", "--quarter", "quy 1"], "Quý không hợp lệ"),
        (["--unit", "KHONG-CO", "--quarter", "2026Q1"], "Không có đơn vị mã “KHONG-CO”"),
    ],
)
def test_command_refuses_bad_input_in_vietnamese(org: Any, tmp_path: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", "quarterly", *args, "--out", str(tmp_path / "r.docx"))
    assert not (tmp_path / "r.docx").exists()


def test_docx_alone_reads_only_what_it_prints_and_says_the_same(
    org: Any, quarter: Quarter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With one row printed per list, the report read with the limit (the page's .docx) is the report made from
    # every row (the command's), word for word: the totals and the "… và N khác" lines come from counts.
    monkeypatch.setattr(quarterly, "DOCX_LIST_LIMIT", 1)
    limited = quarterly.quarterly_docx(user=org.leader, unit=org.city, quarter="2026Q1")
    full, _xlsx = build_quarterly_report(user=org.leader, unit=org.city, quarter="2026Q1")
    limited_text, full_text = texts(Document(io.BytesIO(limited))), texts(Document(io.BytesIO(full)))
    assert limited_text == full_text
    assert (
        "1. Nhiệm vụ chưa hoàn thành, đã quá hạn: 2 nhiệm vụ (chi tiết theo từng cơ quan, đơn vị tại Phụ lục 2)."
        in limited_text
    )
    # The page's .docx carries the assessment, causes and lessons too (issue 20.6).
    assert "4. Đánh giá chung:" in limited_text and "6. Bài học kinh nghiệm:" in limited_text
