"""The quarterly report of the city, a Ban and a ward as each body signs it (issue 20, points 3–5; Hướng dẫn
36-HD/VPTW): header lines, symbol, place, signer block, "Nơi nhận" in Party style, the appendices' tables and the
page numbers from page 2, read back from the .docx."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from sauro.audit.models import AuditEntry
from sauro.org.services import unit_letterhead_set
from sauro.reports.quarterly import NAME_PLACEHOLDER, OVERDUE_HEADERS, SUMMARY_HEADERS, build_quarterly_report
from tests.reports.conftest import Quarter
from tests.reports.test_quarterly import closing_cells


@dataclass
class Expected:
    lines: list[str]
    symbol: str
    place: str
    signer: list[str]
    recipients: list[str]


CITY = Expected(
    lines=["THÀNH ỦY HUẾ"],
    symbol="TU",
    place="Huế",
    signer=["T/M BAN THƯỜNG VỤ", "BÍ THƯ", NAME_PLACEHOLDER],
    recipients=[
        "- Văn phòng Trung ương Đảng (để báo cáo),",
        "- Các đồng chí Ủy viên Ban Chấp hành Đảng bộ,",
        "- Các cơ quan tham mưu, giúp việc Thành ủy,",
        "- Các đảng ủy trực thuộc,",
        "- Lưu Văn phòng Thành ủy.",
    ],
)
BAN = Expected(
    lines=["THÀNH ỦY HUẾ", "BAN TỔ CHỨC"],
    symbol="BTCTU",
    place="Huế",
    signer=["TRƯỞNG BAN", NAME_PLACEHOLDER],
    recipients=["- Thường trực Thành ủy (để báo cáo),", "- Văn phòng Thành ủy (để tổng hợp),", "- Lưu Văn phòng Ban."],
)
WARD = Expected(
    lines=["ĐẢNG BỘ THÀNH PHỐ HUẾ", "ĐẢNG ỦY PHƯỜNG PHÚ XUÂN"],
    symbol="ĐU",
    place="Phú Xuân",
    signer=["T/M BAN THƯỜNG VỤ", "BÍ THƯ", NAME_PLACEHOLDER],
    recipients=[
        "- Ban Thường vụ Thành ủy (để báo cáo),",
        "- Văn phòng Thành ủy (để tổng hợp),",
        "- Các đồng chí đảng ủy viên,",
        "- Các chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    ],
)


def render(user: Any, unit: Any) -> Any:
    docx_bytes, _xlsx = build_quarterly_report(user=user, unit=unit, quarter="2026Q1")
    return Document(io.BytesIO(docx_bytes))


def bodies(org: Any) -> dict[str, tuple[Any, Any, Expected]]:
    return {
        "city": (org.leader, org.city, CITY),
        "ban": (org.btc_head, org.btc, BAN),
        "ward": (org.phuxuan_head, org.phuxuan, WARD),
    }


@pytest.mark.parametrize("body", ["city", "ban", "ward"])
def test_header_symbol_place_signer_and_recipients_of_each_body(org: Any, quarter: Quarter, body: str) -> None:
    user, unit, expected = bodies(org)[body]
    doc = render(user, unit)
    left, right = doc.tables[0].rows[0].cells
    lines = [p.text for p in left.paragraphs]
    n = len(expected.lines)
    assert lines == [*expected.lines, "*", f"Số       -BC/{expected.symbol}"]
    # The body above upright, the issuing body bold, both 14 pt.
    for i, paragraph in enumerate(left.paragraphs[:n]):
        run = paragraph.runs[0]
        assert bool(run.bold) == (i == n - 1) and run.font.size.pt == 14 and not run.italic
    place = next(p for p in right.paragraphs if "ngày" in p.text)
    assert place.text == f"{expected.place}, ngày 14 tháng 3 năm 2026"
    assert all(r.italic for r in place.runs)

    recipients, signature = closing_cells(doc)
    # "Nơi nhận:" 14 pt, upright, underlined, not bold; the list 12 pt upright; never the sender itself.
    label = recipients.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:"
    assert label.font.size.pt == 14 and label.underline and not label.italic and not label.bold
    listed = recipients.paragraphs[1:]
    assert [p.text for p in listed] == expected.recipients
    assert all(r.font.size.pt == 12 and not r.italic and not r.bold for p in listed for r in p.runs)
    assert all(unit.name not in p.text.split(" (")[0] for p in listed[:-1])
    # The signer block: authority and title, four empty lines to sign in, then the name; all bold 14 pt.
    signed = [p.text for p in signature.paragraphs]
    assert [t for t in signed if t] == expected.signer
    title_at = signed.index(expected.signer[-2])
    assert signed[title_at + 1 : title_at + 5] == ["", "", "", ""]
    assert all(r.bold and r.font.size.pt == 14 for p in signature.paragraphs for r in p.runs if r.text)


def page_number_fields(header: Any) -> list[str]:
    return [t.text.strip() for t in header._element.iter(qn("w:instrText"))]


@pytest.mark.parametrize("body", ["city", "ban", "ward"])
def test_page_numbers_from_page_two_centred_at_the_top(org: Any, quarter: Quarter, body: str) -> None:
    user, unit, _expected = bodies(org)[body]
    doc = render(user, unit)
    first, appendix = doc.sections[0], doc.sections[-1]
    # "Different first page": w:titlePg in the first section, its first-page header empty.
    assert first._sectPr.find(qn("w:titlePg")) is not None
    assert first.different_first_page_header_footer
    assert page_number_fields(first.first_page_header) == []
    assert "".join(p.text for p in first.first_page_header.paragraphs) == ""
    # The other pages: a PAGE field, centred, at the top (the header, not the footer).
    assert page_number_fields(first.header) == ["PAGE"]
    assert first.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert page_number_fields(first.footer) == []
    # The appendix: landscape, numbered on every page (its first page too) with the same header.
    assert len(doc.sections) == 2
    assert appendix.orientation == WD_ORIENT.LANDSCAPE and round(appendix.page_width.mm) == 297
    assert not appendix.different_first_page_header_footer
    assert appendix.header.is_linked_to_previous


def table_with(doc: Any, headers: tuple[str, ...]) -> Any:
    return next(t for t in doc.tables if tuple(c.text for c in t.rows[0].cells) == headers)


def test_table_by_unit_is_an_appendix_with_a_wide_name_column_and_idle_units_folded(org: Any, quarter: Quarter) -> None:
    doc = render(org.leader, org.city)
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert "3. Kết quả theo từng cơ quan, đơn vị: chi tiết tại Phụ lục 1 kèm theo." in body_text
    table = table_with(doc, SUMMARY_HEADERS)
    # The table sits after the signature, on the landscape pages (the last section).
    order = [t._tbl for t in doc.tables]
    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    assert order.index(table._tbl) > order.index(closing._tbl)
    grid = [round(c.width.mm) for c in table.columns]
    assert grid[1] >= 75 and sum(grid) <= 252
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    names = [r[1] for r in rows]
    # Ban Tổ chức and Phú Xuân have tasks; Thường trực, Văn phòng, Ủy ban Kiểm tra and An Cựu none: one line.
    assert names[:2] == ["Ban Tổ chức Thành ủy", "Đảng ủy phường Phú Xuân"]
    assert [r[0] for r in rows[:2]] == ["1", "2"]
    assert names[2] == (
        "4 cơ quan, đơn vị không có nhiệm vụ trong kỳ: Thường trực Thành ủy, Văn phòng Thành ủy, "
        "Ủy ban Kiểm tra Thành ủy, Đảng ủy phường An Cựu."
    )
    assert names[3] == "Tổng cộng: Thành ủy Huế" and len(rows) == 4


def test_overdue_tasks_as_a_table_by_unit(org: Any, quarter: Quarter) -> None:
    doc = render(org.leader, org.city)
    table = table_with(doc, OVERDUE_HEADERS)
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    # A unit's name over its tasks (one merged cell), then task, deadline, working days late, progress, reason.
    assert rows[0][1] == "Ban Tổ chức Thành ủy (1 nhiệm vụ)" and rows[0][1] == rows[0][-1]
    assert rows[1] == [
        "1",
        "Rà soát tiêu chuẩn chức danh",
        "13/03/2026",
        "–",
        "0",
        "Chưa có hướng dẫn của Trung ương về tiêu chuẩn mới.",
    ]
    assert rows[2][1] == "Đảng ủy phường Phú Xuân (1 nhiệm vụ)"
    assert rows[3] == ["2", "Kiện toàn chi bộ khu dân cư", "23/02/2026", "14", "0", "Đơn vị chưa báo cáo lý do."]
    assert len(rows) == 4


def test_the_office_sets_a_deputy_signer_and_the_report_prints_it(org: Any, quarter: Quarter) -> None:
    unit_letterhead_set(
        acting_user=org.monitor,
        unit=org.btc,
        values={
            "doc_superior": "Thành ủy Huế",
            "doc_name": "Ban Tổ chức",
            "doc_symbol": "BTCTU",
            "doc_place": "Huế",
            "signer_on_behalf": "K/T TRƯỞNG BAN",
            "signer_title": "PHÓ TRƯỞNG BAN",
            "signer_name": "Lê Văn Phó",
            "doc_archive": "Văn phòng Ban",
        },
    )
    org.btc.refresh_from_db()
    entry = AuditEntry.objects.filter(action="unit.letterhead").latest("seq")
    assert entry.actor_id == org.monitor.pk and entry.after["signer_title"] == "PHÓ TRƯỞNG BAN"
    _recipients, signature = closing_cells(render(org.btc_head, org.btc))
    assert [p.text for p in signature.paragraphs if p.text] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Lê Văn Phó"]


def test_the_city_signed_by_its_standing_deputy_secretary(org: Any, quarter: Quarter) -> None:
    unit_letterhead_set(
        acting_user=org.admin,
        unit=org.city,
        values={
            "doc_name": "Thành ủy Huế",
            "doc_symbol": "TU",
            "doc_place": "Huế",
            "signer_on_behalf": "T/M BAN THƯỜNG VỤ",
            "signer_title": "PHÓ BÍ THƯ THƯỜNG TRỰC",
            "signer_name": "Trần Văn Trực",
            "doc_archive": "Văn phòng Thành ủy",
        },
    )
    org.city.refresh_from_db()
    doc = render(org.leader, org.city)
    left = doc.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs][:2] == ["THÀNH ỦY HUẾ", "*"]
    _recipients, signature = closing_cells(doc)
    assert [p.text for p in signature.paragraphs if p.text] == [
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Trần Văn Trực",
    ]
