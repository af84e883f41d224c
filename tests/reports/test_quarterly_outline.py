"""The quarterly report written as Văn phòng would (issue 17): routine duties summed up in one sentence, highlights
weightiest first, the same task across wards on one line with the late ones named, limitations with their causes,
the next quarter's directives' tasks, the signature block and the recipients; the workbook's titles."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from sauro.monitoring.services import obstacle_create
from sauro.reports.quarterly import HEADINGS, build_quarterly_report
from sauro.tasks.choices import ProductKind, Recurrence
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_issue, task_submit
from tests.reports.conftest import Quarter
from tests.reports.test_quarterly import closing_cells

D = datetime.date


def section(text: str, heading: str, next_heading: str | None) -> str:
    part = text.split(heading, 1)[1]
    return part.split(next_heading, 1)[0] if next_heading else part


@pytest.fixture
def busy_quarter(org: Any, quarter: Quarter, make_draft: Callable[..., Task], today: Any) -> Quarter:
    """The ``quarter`` fixture plus what makes a real quarter read like a data dump: each agency's monthly report
    (routine), one task given to both wards, a task marked "trọng tâm" with a product note ending in a full stop."""
    today.set(D(2026, 1, 5))
    heads = {org.btc.pk: org.btc_head, org.ubkt.pk: org.ubkt_head, org.phuxuan.pk: org.phuxuan_head}
    heads[org.ancuu.pk] = org.ancuu_head

    def issue(unit: Any, **fields: Any) -> Task:
        head = heads[unit.pk]
        fields.setdefault("coordinating_units", [])
        task = task_issue(
            acting_user=org.monitor, task=make_draft(lead_unit=unit.pk, responsible_person=head.pk, **fields)
        )
        return task_accept(acting_user=head, task=task, responsible_person_id=head.pk)

    def finish(task: Task, on: datetime.date, note: str = "Đã thực hiện") -> None:
        today.set(on)
        head = heads[task.lead_unit_id]
        task_submit(acting_user=head, task=Task.objects.get(pk=task.pk), product_note=note)
        task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))

    # Routine: the monthly report of two agencies, January and February; Ủy ban Kiểm tra late in February (due on
    # the 17th, a day of Tết: its deadline is the 23rd).
    for unit in (org.btc, org.ubkt):
        template = issue(
            unit,
            title=f"Báo cáo tình hình, kết quả công tác tháng của {unit.name}",
            is_ongoing=True,
            due_date=None,
            review_cadence="monthly",
        )
        Task.objects.filter(pk=template.pk).update(recurrence=Recurrence.MONTHLY)
        for month in (1, 2):
            today.set(D(2026, 1, 5))
            instance = issue(
                unit,
                title=f"Báo cáo tình hình, kết quả công tác tháng của {unit.name} (tháng {month}/2026)",
                due_date=D(2026, month, 17),
            )
            Task.objects.filter(pk=instance.pk).update(recurrence_template=template, period_key=f"2026-{month:02d}")
            late = unit == org.ubkt and month == 2
            finish(instance, D(2026, month, 25 if late else 16), note="Báo cáo tháng")

    # The same task given to both wards: Phú Xuân on time, An Cựu late.
    today.set(D(2026, 1, 5))
    cells = {
        u: issue(u, title="Kiện toàn các chi bộ thôn, tổ dân phố sau sắp xếp", due_date=D(2026, 2, 27))
        for u in (org.phuxuan, org.ancuu)
    }
    finish(cells[org.phuxuan], D(2026, 2, 20))
    finish(cells[org.ancuu], D(2026, 3, 4))
    # A task naming its ward in its title, overdue in both wards; An Cựu reported why.
    today.set(D(2026, 1, 5))
    citizens = {
        u: issue(
            u,
            title=f"Tiếp công dân, giải quyết đơn thư tại {u.name.replace('Đảng ủy phường', 'Phường')}",
            due_date=D(2026, 3, 6),
        )
        for u in (org.phuxuan, org.ancuu)
    }
    today.set(D(2026, 3, 2))
    obstacle_create(
        acting_user=org.ancuu_head,
        task=Task.objects.get(pk=citizens[org.ancuu].pk),
        description="Số đơn thư tồn đọng từ trước sắp xếp lớn, hồ sơ chưa được bàn giao đầy đủ.",
        proposal="Đề nghị Ủy ban Kiểm tra Thành ủy hướng dẫn việc tiếp nhận hồ sơ.",
        decider_unit_id=org.standing.pk,
    )
    # A focus task (trọng tâm), done after the quarter's first highlight; its product note ends with a full stop.
    today.set(D(2026, 1, 5))
    focus = issue(
        org.btc,
        title="Xây dựng đề án sắp xếp tổ chức bộ máy",
        is_focus=True,
        product_kind=ProductKind.SCHEME,
        due_date=D(2026, 3, 10),
    )
    finish(focus, D(2026, 3, 9), note="Đề án số 05-ĐA/BTCTU kèm kiến nghị.")
    today.set(D(2026, 3, 14))
    return quarter


@pytest.fixture
def busy_report(org: Any, busy_quarter: Quarter) -> tuple[str, Any, Any]:
    docx_bytes, xlsx_bytes = build_quarterly_report(user=org.leader, unit=org.city, quarter="2026Q1")
    doc = Document(io.BytesIO(docx_bytes))
    return "\n".join(p.text for p in doc.paragraphs), doc, load_workbook(io.BytesIO(xlsx_bytes))


def test_routine_duties_are_one_sentence_with_counts_not_highlights(busy_report: tuple[str, Any, Any]) -> None:
    text, _doc, _wb = busy_report
    results = section(text, HEADINGS[0], HEADINGS[1])
    assert (
        "7. Nhiệm vụ định kỳ: 1/2 cơ quan, đơn vị gửi báo cáo tháng đúng hạn (3/4 báo cáo; chậm: Ủy ban Kiểm tra "
        "Thành ủy)." in results
    )
    highlights = results.split("Một số kết quả nổi bật:", 1)[1]
    assert "Báo cáo tình hình, kết quả công tác tháng" not in highlights
    # The next quarter's focus names no routine duty either, only the one line about them.
    next_quarter = section(text, HEADINGS[2], HEADINGS[3])
    assert "Báo cáo tình hình, kết quả công tác tháng" not in next_quarter
    assert "Sơ kết 6 tháng công tác tổ chức" in next_quarter


def test_focus_first_and_one_line_for_the_same_task_across_wards(busy_report: tuple[str, Any, Any]) -> None:
    text, _doc, _wb = busy_report
    highlights = [
        line for line in section(text, "Một số kết quả nổi bật:", HEADINGS[1]).splitlines() if line.startswith("- ")
    ]
    assert highlights[0].startswith("- Xây dựng đề án sắp xếp tổ chức bộ máy (Ban Tổ chức Thành ủy")
    assert highlights.index(next(h for h in highlights if "Ban hành kế hoạch tổ chức hội nghị" in h)) > 0
    assert (
        "- Kiện toàn các chi bộ thôn, tổ dân phố sau sắp xếp: 1/2 đảng ủy xã, phường hoàn thành đúng hạn; chậm: "
        "Đảng ủy phường An Cựu." in highlights
    )
    assert sum("Kiện toàn các chi bộ thôn" in h for h in highlights) == 1
    # Free text ending a sentence gets one full stop.
    assert "Sản phẩm: Đề án số 05-ĐA/BTCTU kèm kiến nghị." in text
    assert ".." not in text.replace("…", "")


def test_limitations_in_one_line_with_the_details_in_the_appendix(busy_report: tuple[str, Any, Any]) -> None:
    """Section II says how many tasks are overdue and sends to Phụ lục 2 (issue 20.6): the tasks, their units and
    reasons are not listed twice; the causes are summed up before the lists (see test_narrative)."""
    text, doc, _wb = busy_report
    limits = section(text, HEADINGS[1], HEADINGS[2])
    summary = "1. Nhiệm vụ chưa hoàn thành, đã quá hạn: 4 nhiệm vụ (chi tiết theo từng cơ quan, đơn vị tại Phụ lục 2)."
    assert summary in limits
    overdue_part = limits.split("2. Khó khăn, vướng mắc được báo cáo:", 1)[0]
    assert "Tiếp công dân" not in overdue_part and "chậm" not in overdue_part
    # The appendix has each overdue task under its unit, with the reason the unit reported.
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][-1] == "Lý do")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    ancuu = next(r for r in rows if r[1].startswith("Tiếp công dân") and "An Cựu" in r[1])
    assert ancuu[-1] == "Số đơn thư tồn đọng từ trước sắp xếp lớn, hồ sơ chưa được bàn giao đầy đủ."
    # The cause is summed up, once, in section I's causes.
    causes = section(text, "Nguyên nhân của ", "Bài học kinh nghiệm:")
    assert "“Số đơn thư tồn đọng từ trước sắp xếp lớn, hồ sơ chưa được bàn giao đầy đủ” – Đảng ủy phường An Cựu" in (
        causes
    )


def test_signature_block_and_recipients(busy_report: tuple[str, Any, Any]) -> None:
    _text, doc, _wb = busy_report
    recipients, signature = closing_cells(doc)
    lines = [p.text for p in recipients.paragraphs]
    assert lines[0] == "Nơi nhận:"
    assert lines[-1] == "- Lưu Văn phòng Thành ủy."
    signed = [p.text for p in signature.paragraphs if p.text]
    assert signed == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "[Họ và tên]"]


def test_agency_report_is_signed_by_its_head(org: Any, busy_quarter: Quarter) -> None:
    docx_bytes, _xlsx = build_quarterly_report(user=org.btc_head, unit=org.btc, quarter="2026Q1")
    recipients, signature = closing_cells(Document(io.BytesIO(docx_bytes)))
    assert [p.text for p in signature.paragraphs if p.text] == ["TRƯỞNG BAN", "[Họ và tên]"]
    assert [p.text for p in recipients.paragraphs][-1] == "- Lưu Văn phòng Ban."


def test_workbook_titles_keep_the_roman_numeral_upper_case(org: Any, quarter: Quarter) -> None:
    _docx, xlsx_bytes = build_quarterly_report(user=org.leader, unit=org.city, quarter="2026Q4")
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    assert wb.properties.title == "Phụ lục báo cáo sơ kết quý IV năm 2026"
    caption = wb["Nhiệm vụ quý tới"].cell(row=1, column=1).value
    assert caption.startswith("Phụ lục 5. Nhiệm vụ có thời hạn trong quý I năm 2027 — ")
