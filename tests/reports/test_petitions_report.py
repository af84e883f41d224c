"""The petitions report (issue 19, point 8): its figures on a planted set of letters, visits and reception days, the
.docx in Party format and the .xlsx with every table, the page and the API, another unit's letters not counted for
a ward, and the quarterly review report's item "tiếp dân, giải quyết đơn thư"."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from sauro.periods.choices import ReportKind
from sauro.periods.regime import RegimeError, period
from sauro.petitions.choices import HotSpotReason
from sauro.petitions.hotspots import hotspot_scan
from sauro.petitions.models import Letter
from sauro.petitions.services import (
    DecisionInput,
    ReceptionDayInput,
    letter_create,
    letter_decide,
    reception_create,
    reception_day_create,
)
from sauro.reports.petitions_figures import PetitionFigures, petition_figures
from sauro.reports.petitions_report import (
    NO_HOT_SPOTS,
    collect,
    petitions_docx,
    petitions_xlsx,
    report_period,
)
from sauro.reports.quarterly import PETITIONS_ITEM, build_quarterly_report
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_cancel, task_submit
from tests.conftest import Org
from tests.petitions.conftest import forward_to_ancuu, letter_input, name_secretaries, reception_input

D = datetime.date
MONTH = "2026-03"  # the reporting month: 15 Feb → 14 Mar 2026
QUARTER = "2026Q1"  # 15 Dec 2025 → 14 Mar 2026


@dataclass
class Planted:
    on_time: Letter
    late: Letter
    overdue: Letter
    in_time: Letter
    other_ward: Letter


def _finish(org: Org, letter: Letter) -> None:
    """An Cựu's head accepts the letter's task, its officer answers, the leader approves (today)."""
    task = Task.objects.get(pk=letter.task_id)
    task = task_accept(acting_user=org.ancuu_head, task=task, officer_ids=[org.ancuu_officer.pk])
    task_submit(acting_user=org.ancuu_officer, task=task, product_note="Văn bản trả lời số 12/UBND")
    task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))


@pytest.fixture
def planted(org: Org, today: Any) -> Planted:
    """Văn phòng's letters and visits in Q1 2026, a ward's own letter, the Secretaries' days; seen on 14 Mar 2026.

    In the month (15 Feb → 14 Mar): on_time, late, in_time, guided, kept, forwarded outside; overdue (10 Feb) and an
    undecided one (10 Jan) only in the quarter; one of 10 Dec 2025 in neither."""
    name_secretaries(org)
    m = org.monitor

    def letter(**fields: Any) -> Letter:
        return letter_create(acting_user=m, data=letter_input(org, **fields))

    today.set(D(2026, 1, 10))
    undecided = letter(received_on=D(2026, 1, 10), kind="to_cao", source="in_person", topic="officials")
    letter(received_on=D(2025, 12, 10))  # before the quarter's cut-off window
    reception_day_create(
        acting_user=m,
        data=ReceptionDayInput(unit_id=org.city.pk, leader_id=org.leader.pk, day=D(2026, 1, 10), state="held"),
    )
    assert undecided.decision == ""

    today.set(D(2026, 2, 10))
    overdue = letter(
        received_on=D(2026, 2, 10),
        kind="phan_anh",
        source="citizen_app",
        topic="environment",
        address="Tổ 5, phường Phú Xuân",
    )
    overdue = letter_decide(acting_user=m, letter=overdue, data=forward_to_ancuu(org, due_date=D(2026, 2, 25)))

    today.set(D(2026, 2, 20))
    late = letter(
        received_on=D(2026, 2, 20),
        kind="khieu_nai_1",
        source="in_person",
        topic="compensation",
        address="Tổ 5, phường Phú Xuân",
    )
    late = letter_decide(acting_user=m, letter=late, data=forward_to_ancuu(org, due_date=D(2026, 2, 24)))
    reception_day_create(
        acting_user=m,
        data=ReceptionDayInput(unit_id=org.phuxuan.pk, leader_id=org.phuxuan_head.pk, day=D(2026, 2, 20), state="held"),
    )
    # A ward's own letter: Phú Xuân's register, not An Cựu's.
    other_ward = letter_create(
        acting_user=org.phuxuan_head,
        data=letter_input(org, unit_id=org.phuxuan.pk, received_on=D(2026, 2, 20), source="post", topic="land"),
    )

    today.set(D(2026, 2, 26))
    on_time = letter(received_on=D(2026, 2, 26))  # kiến nghị, post, land, An Cựu
    on_time = letter_decide(acting_user=m, letter=on_time, data=forward_to_ancuu(org))
    guided = letter(received_on=D(2026, 2, 26), in_competence=False, source="email")
    letter_decide(acting_user=m, letter=guided, data=DecisionInput(decision="guide", document_number="12-HD/VPTU"))
    kept = letter(
        received_on=D(2026, 2, 26),
        kind="to_cao",
        topic="party_members",
        source="forwarded",
        forwarded_by="Ban Tiếp công dân thành phố",
    )
    letter_decide(acting_user=m, letter=kept, data=DecisionInput(decision="keep"))
    outside = letter(received_on=D(2026, 2, 26), in_competence=False, address="")
    letter_decide(
        acting_user=m,
        letter=outside,
        data=DecisionInput(decision="forward", forward_body="UBND thành phố Huế", document_number="130-CV"),
    )
    # A delegation of six (recorded as a group), a family of five (not recorded as a group), one citizen.
    reception_create(acting_user=m, data=reception_input(org))
    reception_create(
        acting_user=m,
        data=reception_input(
            org, people_count=5, is_group=False, representatives="", kind="kien_nghi", citizen_address="phường An Cựu"
        ),
    )
    reception_create(
        acting_user=m,
        data=reception_input(
            org,
            people_count=1,
            is_group=False,
            representatives="",
            receiver_kind="leader",
            receiving_leader_id=org.leader.pk,
            citizen_address="",
            kind="phan_anh",
        ),
    )

    today.set(D(2026, 3, 2))
    in_time = letter(received_on=D(2026, 3, 2), source="email", topic="other", address="")
    in_time = letter_decide(acting_user=m, letter=in_time, data=forward_to_ancuu(org))  # due 16 Mar
    reception_day_create(
        acting_user=m, data=ReceptionDayInput(unit_id=org.phuxuan.pk, leader_id=org.phuxuan_head.pk, day=D(2026, 3, 20))
    )  # planned, after the month
    today.set(D(2026, 3, 3))
    _finish(org, late)  # due 24 Feb: late
    _finish(org, on_time)  # due 12 Mar: on time
    today.set(D(2026, 3, 14))
    return Planted(on_time=on_time, late=late, overdue=overdue, in_time=in_time, other_ward=other_ward)


def figures(user: Any, unit: Any, key: str) -> PetitionFigures:
    return petition_figures(user=user, unit=unit, period=report_period(key))


def by_label(lines: Any) -> dict[str, int]:
    return {line.label: line.letters for line in lines if line.letters}


# --- the figures ------------------------------------------------------------------------------------------------


def test_the_months_figures_on_the_planted_set(org: Org, planted: Planted) -> None:
    f = figures(org.monitor, org.city, MONTH)
    # Letters: 7 in the month (the ward's own among them: the city reads its wards' registers).
    assert (f.received, f.in_competence, f.out_of_competence) == (7, 5, 2)
    assert (f.undecided, f.handled_here, f.forwarded, f.forwarded_outside, f.guided, f.kept) == (1, 0, 4, 1, 1, 1)
    assert f.with_task == 3
    assert (f.resolved_on_time, f.resolved_late, f.pending_on_time, f.pending_overdue, f.stopped) == (1, 1, 1, 0, 0)
    assert by_label(f.by_kind) == {"Kiến nghị": 5, "Khiếu nại lần đầu": 1, "Tố cáo": 1}
    assert by_label(f.by_source) == {
        "Qua bưu chính": 3,
        "Nhận trực tiếp": 1,
        "Thư điện tử": 2,
        "Cơ quan khác chuyển đến": 1,
    }
    assert by_label(f.by_topic) == {
        "Đất đai": 4,
        "Bồi thường, hỗ trợ, tái định cư": 1,
        "Đảng viên, tổ chức đảng": 1,
        "Khác": 1,
    }
    # Every kind is listed, with zeros, in the rule book's order.
    assert [line.label for line in f.by_kind][:3] == ["Khiếu nại lần đầu", "Khiếu nại lần hai", "Tố cáo"]
    communes = {c.label: (c.letters, c.visits) for c in f.by_commune}
    assert communes == {
        "Đảng ủy phường An Cựu": (4, 1),
        "Đảng ủy phường Phú Xuân": (1, 1),
        "Chưa xác định phường, xã": (2, 1),
    }
    # Visits: three, 12 people; two crowd delegations (a group of six, five people); one received by a leader.
    assert (f.visits, f.people, f.delegations, f.delegation_people, f.leader_visits) == (3, 12, 2, 11, 1)
    # The Secretaries: Phú Xuân's held one of two; An Cựu's none; the city's none in the month (its day was 10 Jan).
    held = {r.unit_name: (r.held, r.required) for r in f.secretaries}
    assert held == {"Thành ủy Huế": (0, 1), "Đảng ủy phường Phú Xuân": (1, 2), "Đảng ủy phường An Cựu": (0, 2)}


def test_the_quarters_figures_add_the_earlier_months(org: Org, planted: Planted) -> None:
    f = figures(org.monitor, org.city, QUARTER)
    assert (f.received, f.undecided, f.with_task) == (9, 2, 4)
    # The 10 February letter, due 25 February, still open on 14 March: pending and overdue.
    assert (f.resolved_on_time, f.resolved_late, f.pending_on_time, f.pending_overdue) == (1, 1, 1, 1)
    assert (f.secretary_days_held, f.secretary_days_required) == (2, 15)


def test_the_states_are_those_of_the_day(org: Org, planted: Planted) -> None:
    """On 28 February nothing was resolved yet: both letters answered on 3 March were still pending, one overdue
    since 24 February; the letter of 2 March was not received yet."""
    f = petition_figures(user=org.monitor, unit=org.city, period=report_period(MONTH), as_of=D(2026, 2, 28))
    assert (f.received, f.with_task) == (6, 2)
    assert (f.resolved_on_time, f.resolved_late, f.pending_on_time, f.pending_overdue) == (0, 0, 1, 1)


def test_a_letter_whose_task_was_cancelled_is_stopped(org: Org, planted: Planted) -> None:
    task_cancel(acting_user=org.leader, task=Task.objects.get(pk=planted.overdue.task_id), reason="Người gửi rút đơn")
    f = figures(org.monitor, org.city, QUARTER)
    assert (f.with_task, f.stopped, f.pending_overdue, f.pending_on_time, f.resolved) == (4, 1, 0, 1, 2)


def test_a_ward_counts_only_what_its_people_see(org: Org, planted: Planted) -> None:
    """An Cựu's head: the letters forwarded to An Cựu, not Phú Xuân's own, nor Văn phòng's others, nor its visits."""
    f = figures(org.ancuu_head, org.ancuu, MONTH)
    assert f.received == 3  # on_time, late, in_time (the overdue one was received before the month)
    assert (f.resolved_on_time, f.resolved_late, f.pending_on_time) == (1, 1, 1)
    assert f.visits == 0
    assert [r.unit_name for r in f.secretaries] == ["Đảng ủy phường An Cựu"]
    # Phú Xuân's head sees their own letter only (the city's forwarded to An Cựu are not theirs).
    g = figures(org.phuxuan_head, org.phuxuan, MONTH)
    assert g.received == 1 and by_label(g.by_topic) == {"Đất đai": 1}
    # Asking for another ward's subtree gives nothing of it.
    assert figures(org.phuxuan_head, org.ancuu, MONTH).received == 0


def test_the_figures_are_a_fixed_number_of_queries(org: Org, planted: Planted) -> None:
    figures(org.monitor, org.city, MONTH)  # the user's units and scope, read once and kept for the request
    with CaptureQueriesContext(connection) as small:
        figures(org.monitor, org.city, MONTH)
    for _i in range(3):
        letter_create(acting_user=org.monitor, data=letter_input(org, received_on=D(2026, 3, 10)))
    with CaptureQueriesContext(connection) as large:
        grown = figures(org.monitor, org.city, MONTH)
    assert grown.received == 10
    assert len(large) == len(small)


def test_a_period_is_a_reporting_month_or_quarter(db: Any) -> None:
    assert report_period("2026-03") == period(ReportKind.MONTHLY, 2026, 3)
    assert report_period("2026q1").cutoff_start == D(2025, 12, 15)
    for bad in ("2026-13", "2026Q5", "tháng 3", "", "2535-01"):
        with pytest.raises(RegimeError, match="Kỳ báo cáo không hợp lệ"):
            report_period(bad)


# --- the files --------------------------------------------------------------------------------------------------


def docx_text(body: bytes) -> tuple[list[str], list[Any]]:
    document = Document(io.BytesIO(body))
    return [p.text for p in document.paragraphs], document.tables


def test_the_docx_is_a_party_report_with_its_tables(org: Org, planted: Planted) -> None:
    body = petitions_docx(user=org.ancuu_head, unit=org.ancuu, period=MONTH)
    paragraphs, tables = docx_text(body)
    header = [p.text for cell in tables[0].rows[0].cells for p in cell.paragraphs]
    assert header[:2] == ["ĐẢNG BỘ THÀNH PHỐ HUẾ", "ĐẢNG ỦY PHƯỜNG AN CỰU"]
    assert "Số       -BC/ĐU" in header and "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert "BÁO CÁO" in paragraphs
    assert "Kết quả tiếp công dân, giải quyết đơn thư tháng 3 năm 2026" in paragraphs
    text = "\n".join(paragraphs)
    for heading in ("I. CÔNG TÁC TIẾP CÔNG DÂN", "II. TIẾP NHẬN, PHÂN LOẠI ĐƠN THƯ", "IV. ĐIỂM NÓNG"):
        assert heading in text
    assert NO_HOT_SPOTS in paragraphs
    assert "Tiếp nhận 3 đơn, thư (3 đơn thuộc thẩm quyền); đã giải quyết 2 đơn (1 đúng hạn, 1 quá hạn)" in text
    # Tables: the Secretaries', kind, source, topic, commune, the results; then "Nơi nhận" and the signer.
    first_cells = [t.rows[0].cells[1].text for t in tables[1:]]
    assert first_cells[:5] == ["Cấp ủy, đảng ủy", "Loại đơn", "Nguồn đơn", "Lĩnh vực", "Phường, xã nơi phát sinh"]
    results = {r.cells[1].text: r.cells[2].text for r in tables[6].rows[1:]}
    assert results["Đã giải quyết đúng hạn"] == "1" and results["Đang giải quyết, trong hạn"] == "1"
    recipients, signature = ([p.text for p in cell.paragraphs] for cell in tables[-1].rows[0].cells)
    # The petitions report's own recipients (not the quarterly report's): the bodies that follow petitions.
    assert recipients == [
        "Nơi nhận:",
        "- Thường trực Thành ủy (để báo cáo),",
        "- Ban Nội chính Thành ủy,",
        "- Ủy ban Kiểm tra Thành ủy,",
        "- Các đồng chí đảng ủy viên,",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    assert "T/M BAN THƯỜNG VỤ" in signature and "BÍ THƯ" in signature
    # A wide name column: the name column is the widest of the kinds' table.
    widths = [c.width for c in tables[2].columns]
    assert widths[1] == max(widths)


def test_hot_spots_passed_in_are_listed(org: Org, planted: Planted) -> None:
    body = petitions_docx(
        user=org.monitor, unit=org.city, period=QUARTER, hot_spots=["Phường An Cựu: 4 đơn về đất đai dự án đường"]
    )
    paragraphs, _tables = docx_text(body)
    assert "- Phường An Cựu: 4 đơn về đất đai dự án đường" in paragraphs
    assert NO_HOT_SPOTS not in paragraphs
    assert "Kết quả tiếp công dân, giải quyết đơn thư quý I năm 2026" in paragraphs
    closing = [p.text for p in _tables[-1].rows[0].cells[0].paragraphs]
    assert closing == [
        "Nơi nhận:",
        "- Ban Nội chính Trung ương (để báo cáo),",
        "- Thường trực Thành ủy,",
        "- Ủy ban Kiểm tra Thành ủy,",
        "- Ban Nội chính Thành ủy,",
        "- Lưu Văn phòng Thành ủy.",
    ]


def test_the_hot_spots_raised_within_the_unit_are_read_by_the_report(org: Org, planted: Planted) -> None:
    # A crowd letter about An Cựu, flagged by the early warning (petitions.hotspots, point 7).
    crowd = letter_create(
        acting_user=org.ancuu_head,
        data=letter_input(org, unit_id=org.ancuu.pk, commune_id=org.ancuu.pk, signer_kind="several", signer_count=7),
    )
    hotspot_scan()

    ward = collect(user=org.monitor, unit=org.ancuu, period=QUARTER)
    other = collect(user=org.monitor, unit=org.phuxuan, period=QUARTER)

    crowd_label = str(HotSpotReason.CROWD.label)
    ancuu_crowd = [r for r in ward.hot_spots if r.commune_name == org.ancuu.name and crowd_label in r.reasons]
    assert ancuu_crowd and "đơn" in str(ancuu_crowd[0]) and org.ancuu.name in str(ancuu_crowd[0])
    # Phú Xuân's report lists what arose in Phú Xuân or its register holds, not An Cựu's own crowd letter.
    assert not [r for r in other.hot_spots if r.commune_name == org.ancuu.name and crowd_label in r.reasons]
    assert crowd.pk is not None


def test_the_xlsx_has_a_sheet_per_table_and_no_formula(org: Org, planted: Planted) -> None:
    body = petitions_xlsx(
        user=org.monitor, unit=org.city, period=MONTH, hot_spots=['=HYPERLINK("http://x.invalid","Bấm vào")']
    )
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == [
        "Kết quả xử lý",
        "Tiếp công dân",
        "Tiếp dân theo loại",
        "Ngày tiếp của Bí thư",
        "Theo loại đơn",
        "Theo nguồn đơn",
        "Theo lĩnh vực",
        "Theo phường, xã",
        "Điểm nóng",
    ]
    kinds = wb["Theo loại đơn"]
    assert [c.value for c in kinds[3]] == ["STT", "Loại đơn", "Số đơn, thư", "Tỷ lệ (%)"]
    rows = {r[1]: r[2] for r in kinds.iter_rows(min_row=4, values_only=True)}
    assert rows["Kiến nghị"] == 5 and rows["Tổng cộng"] == 7
    results = {r[1]: r[2] for r in wb["Kết quả xử lý"].iter_rows(min_row=4, values_only=True)}
    assert results["Tổng số đơn, thư tiếp nhận trong kỳ"] == 7 and results["Đã giải quyết quá hạn"] == 1
    spot = wb["Điểm nóng"]["B4"]
    assert spot.data_type == "s" and spot.value == '\'=HYPERLINK("http://x.invalid","Bấm vào")'
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=") for ws in wb for row in ws.iter_rows() for c in row
    )


# --- the quarterly review report ---------------------------------------------------------------------------------


def test_the_quarterly_report_has_the_petitions_item(org: Org, planted: Planted) -> None:
    docx_bytes, _xlsx = build_quarterly_report(user=org.leader, unit=org.city, quarter=QUARTER)
    paragraphs = [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]
    item = next(p for p in paragraphs if PETITIONS_ITEM in p)
    # Section I's last item, before section II.
    assert paragraphs.index(item) < paragraphs.index("II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC")
    assert paragraphs.index(item) > paragraphs.index("I. KẾT QUẢ THỰC HIỆN")
    assert item.split(".")[0].isdigit()
    assert "Trong quý, Thành ủy Huế đã tiếp 3 lượt công dân (12 người; 2 đoàn đông người)" in item
    assert "tiếp nhận 9 đơn, thư".capitalize() in item or "Tiếp nhận 9 đơn, thư" in item
    assert "đã giải quyết 2 đơn (1 đúng hạn, 1 quá hạn); đang giải quyết 2 đơn (1 đơn quá hạn)" in item


def test_a_ban_with_no_register_has_no_petitions_item(org: Org, planted: Planted) -> None:
    docx_bytes, _xlsx = build_quarterly_report(user=org.btc_head, unit=org.btc, quarter=QUARTER)
    paragraphs = [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]
    assert not any(PETITIONS_ITEM in p for p in paragraphs)


# --- the page and the API ---------------------------------------------------------------------------------------


def test_the_reports_page_offers_the_petitions_report(org: Org, client_for: Any, planted: Planted) -> None:
    page = client_for(org.ancuu_head).get(reverse("reports:list")).content.decode()
    assert 'id="petitions-report-title"' in page
    assert 'value="2026-03"' in page and 'value="2026Q1"' in page
    url = reverse("reports:petitions")
    response = client_for(org.ancuu_head).get(url, {"unit": org.ancuu.pk, "period": MONTH, "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-tiep-dan-don-thu-thang-03-2026-p-ancuu.docx"'
    )
    paragraphs, _tables = docx_text(response.content)
    assert "Kết quả tiếp công dân, giải quyết đơn thư tháng 3 năm 2026" in paragraphs
    xlsx = client_for(org.ancuu_head).get(url, {"unit": org.ancuu.pk, "period": QUARTER, "format": "xlsx"})
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Kết quả xử lý"
    # Another ward is a 404; a bad period is the page again with the error.
    other = client_for(org.ancuu_head).get(url, {"unit": org.phuxuan.pk, "period": MONTH, "format": "docx"})
    assert other.status_code == 404
    bad = client_for(org.ancuu_head).get(url, {"unit": org.ancuu.pk, "period": "2019-01", "format": "docx"})
    assert bad.status_code == 400 and 'id="petitions-report-title"' in bad.content.decode()


def test_the_api_gives_the_report(org: Org, client_for: Any, planted: Planted) -> None:
    client = client_for(org.ancuu_head)
    url = "/api/v1/reports/petitions"
    response = client.get(url, {"unit": org.ancuu.pk, "period": MONTH, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    results = {
        r[1]: r[2]
        for r in load_workbook(io.BytesIO(response.content))["Kết quả xử lý"].iter_rows(min_row=4, values_only=True)
    }
    assert results["Tổng số đơn, thư tiếp nhận trong kỳ"] == 3
    assert client.get(url, {"unit": org.phuxuan.pk, "period": MONTH}).status_code == 404
    bad = client.get(url, {"unit": org.ancuu.pk, "period": "2026-13"})
    assert bad.status_code == 422 and "period" in bad.json()["fields"]
    operation = client.get("/api/v1/openapi.json").json()["paths"][url]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
