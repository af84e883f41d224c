"""The "Báo cáo" pages: duties with their timeliness, sending a report, files, and the quarterly report download;
no inline code (CSP), another unit's duty is a 404."""

from __future__ import annotations

import datetime
import io
import re
from html import unescape as html_unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from sauro.reports.choices import DutyState, ReportKind
from sauro.reports.models import ReportDuty, ReportRegime
from sauro.reports.services import ERR_EMPTY, report_submit, reports_generate
from tests.common import files
from tests.common.test_security import inline_code
from tests.reports.conftest import Quarter

D = datetime.date


@pytest.fixture
def duties(org: Any, today: Any) -> dict[str, ReportDuty]:
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=D(2026, 3, 2))
    today.set(D(2026, 3, 18))
    return {d.unit.code: d for d in ReportDuty.objects.select_related("unit")}


def test_list_for_a_leader_shows_every_unit_with_timeliness(org: Any, client_for: Any, duties: Any) -> None:
    report_submit(acting_user=org.btc_head, duty=duties["BTCTU"], text="Đã gửi")
    response = client_for(org.leader).get(reverse("reports:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert inline_code(page) == []
    assert "Báo cáo quý I năm 2026" in page
    for code in ("BTCTU", "P-PHUXUAN", "P-ANCUU", "VPTU"):
        assert duties[code].unit.name in page
    assert "Gửi đúng hạn" in page and "Chưa gửi – quá hạn" in page
    assert "Báo cáo sơ kết quý" in page and 'value="2026Q1"' in page
    assert 'aria-current="page">Báo cáo</a>' in page


def test_a_unit_head_sees_only_their_units_duties(org: Any, client_for: Any, duties: Any) -> None:
    client = client_for(org.phuxuan_head)
    page = client.get(reverse("reports:list")).content.decode()
    assert "Đảng ủy phường Phú Xuân" in page
    assert org.btc.name not in page.split("duty-list-title")[1]
    assert client.get(reverse("reports:duty", args=[duties["BTCTU"].pk])).status_code == 404
    assert client.get(reverse("reports:duty", args=[duties["P-PHUXUAN"].pk])).status_code == 200
    assert client.post(reverse("reports:duty", args=[duties["BTCTU"].pk]), {"text": "x"}).status_code == 404


def test_the_unit_head_sends_the_draft(org: Any, client_for: Any, duties: Any) -> None:
    client = client_for(org.phuxuan_head)
    url = reverse("reports:duty", args=[duties["P-PHUXUAN"].pk])
    page = client.get(url).content.decode()
    assert inline_code(page) == []
    assert "BÁO CÁO QUÝ I NĂM 2026" in page and "I. KẾT QUẢ THỰC HIỆN" in page  # the generated draft
    response = client.post(url, {"text": "   ", "version": duties["P-PHUXUAN"].version})
    assert response.status_code == 422 and ERR_EMPTY in response.content.decode()
    response = client.post(url, {"text": "Báo cáo quý I của phường", "version": duties["P-PHUXUAN"].version})
    assert response.status_code == 302
    duty = ReportDuty.objects.get(pk=duties["P-PHUXUAN"].pk)
    assert duty.state == DutyState.SUBMITTED and duty.submitted_on == D(2026, 3, 18)
    page = client.get(url).content.decode()
    assert "Gửi quá hạn" in page and "Báo cáo quý I của phường" in page
    # A stale form (old version) is refused with 409.
    assert client.post(url, {"text": "Bản sửa", "version": 1}).status_code == 409


def test_an_officer_sees_the_duty_but_cannot_send(org: Any, client_for: Any, duties: Any) -> None:
    client = client_for(org.ancuu_officer)
    url = reverse("reports:duty", args=[duties["P-ANCUU"].pk])
    page = client.get(url).content.decode()
    assert "Đơn vị chưa gửi báo cáo kỳ này." in page and 'enctype="multipart/form-data"' not in page
    # They see the duty, so the refusal is a 403 (a 404 is for what they cannot see), and nothing is sent.
    assert client.post(url, {"text": "x"}).status_code == 403
    assert client.get(url).content.decode().count("Đơn vị chưa gửi báo cáo kỳ này.") == 1


def test_file_download_only_for_who_sees_the_duty(
    org: Any, client_for: Any, duties: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    s = report_submit(acting_user=org.ancuu_head, duty=duties["P-ANCUU"], upload=upload)
    url = reverse("reports:submission_file", args=[s.pk])
    response = client_for(org.ancuu_officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(org.phuxuan_head).get(url).status_code == 404


def test_quarterly_report_downloads(org: Any, client_for: Any, quarter: Quarter) -> None:
    client = client_for(org.monitor)
    url = reverse("reports:quarterly")
    response = client.get(url, {"unit": org.city.pk, "quarter": "2026Q1", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "bao-cao-so-ket-quy-1-2026-tu.docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC" in [p.text for p in doc.paragraphs]
    response = client.get(url, {"unit": org.city.pk, "quarter": "2026Q1", "format": "xlsx"})
    assert response.status_code == 200
    assert "Tổng hợp theo đơn vị" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_quarterly_report_of_an_invisible_unit_is_404_and_a_bad_quarter_400(
    org: Any, client_for: Any, quarter: Quarter
) -> None:
    url = reverse("reports:quarterly")
    client = client_for(org.phuxuan_head)
    assert client.get(url, {"unit": org.btc.pk, "quarter": "2026Q1", "format": "docx"}).status_code == 404
    ok = client.get(url, {"unit": org.phuxuan.pk, "quarter": "2026Q1", "format": "docx"})
    assert ok.status_code == 200
    bad = client.get(url, {"unit": org.phuxuan.pk, "quarter": "2026Q9", "format": "docx"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Quý:" in page and inline_code(page) == []


def test_list_page_query_count_does_not_grow_with_duties(org: Any, client_for: Any, duties: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.leader)
    client.get(reverse("reports:list"))  # warm the calendar cache and the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:list"))
    ReportRegime.objects.update(active=True)
    reports_generate(as_of=D(2026, 3, 18))  # many more duties (every kind)
    assert ReportDuty.objects.count() > 4 * len(duties)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:list"))
    assert len(many) == len(few)


def test_a_report_file_with_a_program_inside_is_refused_on_the_form(
    org: Any, client_for: Any, duties: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("reports:duty", args=[duties["P-PHUXUAN"].pk])
    upload = SimpleUploadedFile("bao-cao.docx", files.docx_with_exe())
    response = client_for(org.phuxuan_head).post(url, {"file": upload, "version": duties["P-PHUXUAN"].version})
    assert response.status_code == 422
    assert (
        "Không nhận tệp “bao-cao.docx”: tệp có nhúng chương trình hoặc đối tượng OLE (“word/embeddings/setup.exe”)"
        in response.content.decode()
    )
    assert ReportDuty.objects.get(pk=duties["P-PHUXUAN"].pk).state == DutyState.PENDING


# --- finding the late reporters: filters by unit and status, every count a link, the quarterly form opened bare --


def _late_and_on_time(org: Any, today: Any, duties: dict[str, ReportDuty]) -> None:
    """Ban Tổ chức sends on its due day (17/3), Phú Xuân a day late; the others have sent nothing by 18/3."""
    today.set(D(2026, 3, 17))
    report_submit(acting_user=org.btc_head, duty=duties["BTCTU"], text="Báo cáo đúng hạn")
    today.set(D(2026, 3, 18))
    report_submit(acting_user=org.phuxuan_head, duty=duties["P-PHUXUAN"], text="Báo cáo muộn")


def _listed(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr id="duty-(\d+)">', page)}


def _cards(page: str) -> dict[str, tuple[int, str]]:
    """Each count card of the list: its status → (number, link)."""
    found = re.findall(
        r'<a class="task-count report-count--(\w+)[^"]*" href="([^"]+)"[^>]*>\s*<span class="task-count-number">(\d+)',
        page,
    )
    return {key: (int(n), html_unescape(href)) for key, href, n in found}


def test_the_status_filter_finds_the_late_reporters(org: Any, client_for: Any, today: Any, duties: Any) -> None:
    _late_and_on_time(org, today, duties)
    client = client_for(org.leader)
    ids = {code: d.pk for code, d in duties.items()}
    late = client.get(reverse("reports:list"), {"status": "late"}).content.decode()
    assert _listed(late) == {ids["P-PHUXUAN"]}
    missing = client.get(reverse("reports:list"), {"status": "missing"}).content.decode()
    assert _listed(missing) == {ids["P-ANCUU"], ids["VPTU"], ids["UBKTTU"]}
    both = client.get(reverse("reports:list"), {"status": "late_or_missing"}).content.decode()
    assert _listed(both) == {ids["P-PHUXUAN"], ids["P-ANCUU"], ids["VPTU"], ids["UBKTTU"]}
    on_time = client.get(reverse("reports:list"), {"status": "on_time"}).content.decode()
    assert _listed(on_time) == {ids["BTCTU"]}
    assert _listed(client.get(reverse("reports:list"), {"status": "not_due"}).content.decode()) == set()
    assert (
        "Không có báo cáo nào phù hợp với điều kiện lọc."
        in client.get(reverse("reports:list"), {"status": "not_due"}).content.decode()
    )


def test_the_unit_filter_takes_the_unit_and_those_below(org: Any, client_for: Any, today: Any, duties: Any) -> None:
    _late_and_on_time(org, today, duties)
    client = client_for(org.leader)
    ward = client.get(reverse("reports:list"), {"unit": org.ancuu.pk, "status": "missing"}).content.decode()
    assert _listed(ward) == {duties["P-ANCUU"].pk}
    whole = client.get(reverse("reports:list"), {"unit": org.city.pk}).content.decode()
    assert _listed(whole) == {d.pk for d in duties.values()}
    # A unit head may not pick another unit: the filter says so and is not applied, their own duties stay listed.
    page = client_for(org.phuxuan_head).get(reverse("reports:list"), {"unit": org.btc.pk}).content.decode()
    assert "Một số điều kiện lọc không hợp lệ" in page
    assert _listed(page) == {duties["P-PHUXUAN"].pk}


def test_every_count_is_a_link_to_exactly_what_it_counts(org: Any, client_for: Any, today: Any, duties: Any) -> None:
    _late_and_on_time(org, today, duties)
    client = client_for(org.leader)
    page = client.get(reverse("reports:list"), {"year": 2026}).content.decode()
    cards = _cards(page)
    assert set(cards) == {"on_time", "late", "missing", "not_due", "late_or_missing", "due_soon"}
    assert {k: n for k, (n, _url) in cards.items()} == {
        "on_time": 1,
        "late": 1,
        "missing": 3,
        "not_due": 0,
        "late_or_missing": 4,
        "due_soon": 0,
    }
    for key, (count, url) in cards.items():
        assert f"status={key}" in url and "year=2026" in url  # the other filters are kept
        linked = client.get(url)
        assert linked.status_code == 200
        assert len(_listed(linked.content.decode())) == count, key
    # The card of the status chosen is marked.
    late = client.get(cards["late"][1]).content.decode()
    assert re.search(r'report-count--late[^"]*is-active[^"]*" href="[^"]+" aria-current="true"', late)


def test_the_quarterly_page_opened_bare_shows_its_form(org: Any, client_for: Any, duties: Any) -> None:
    response = client_for(org.leader).get(reverse("reports:quarterly"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "bắt buộc" not in page
    assert 'id="quarterly-title"' in page and 'value="2026Q1"' in page
    assert 'name="format" value="docx"' in page
    assert inline_code(page) == []
    # Half a choice still says what is missing.
    half = client_for(org.leader).get(reverse("reports:quarterly"), {"format": "docx"})
    assert half.status_code == 400 and "bắt buộc" in half.content.decode()
