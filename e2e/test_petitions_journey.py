"""Citizens' petitions in the browser, on the Huế demo (issue 19).

The reception office (Văn phòng Thành ủy) records a group visit of six people about a matter in phường Phú Xuân;
the letter they hand in repeats one registered a few days earlier (the same signer and content, typed without
diacritics): the entry page proposes the earlier letter with its reason, the officer ticks it and the new letter is
linked to it. The daily scan raises the crowd flag, seen on "Điểm nóng". The letter is forwarded to the ward as a
task due on its statutory deadline; the ward's head accepts it, the ward's officer sends the answer letter, and the
city Secretary (Thường trực Thành ủy being the authority) approves it: the task is done on time, the letter answered,
and the Secretary's dashboard shows the ward's hot spot.

Locators are by role, label and text (what a person sees), never by CSS class.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.conftest import BrowserLog
from e2e.test_task_journey import assert_clean, choose, log_in, log_out
from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.loader import LoadResult
from sauro.org.models import Unit
from sauro.petitions import services
from sauro.petitions.choices import HotSpotReason, LetterKind, LetterSource, SignerKind, Topic
from sauro.petitions.hotspots import hotspot_scan
from sauro.petitions.models import HotSpot, Letter, LetterLink, Reception
from sauro.petitions.selectors import letter_deadlines_of
from sauro.tasks.choices import TaskState

pytestmark = pytest.mark.e2e

OFFICE = "Văn phòng Thành ủy"
WARD = "Đảng ủy phường Phú Xuân"
AUTHORITY = "Thường trực Thành ủy"
SIGNER = "Tôn Thất Quỳnh Hoa"
ADDRESS = "Kiệt 42 đường Nguyễn Chí Thanh, phường Phú Xuân"
SUMMARY = (
    "Đề nghị xem xét việc san lấp mương thoát nước tại kiệt 42 đường Nguyễn Chí Thanh làm ngập úng "
    "nhà của sáu hộ dân mỗi khi mưa lớn."
)
# The same letter as the citizens hand it in again, typed on a keyboard without diacritics.
SUMMARY_PLAIN = (
    "De nghi xem xet viec san lap muong thoat nuoc tai kiet 42 duong Nguyen Chi Thanh lam ngap ung "
    "nha cua sau ho dan moi khi mua lon."
)
REPRESENTATIVES = "Tôn Thất Quỳnh Hoa, Lê Văn Bảy"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def earlier_letter() -> Letter:
    """Registered by Văn phòng five days ago, through the services: one signer, a matter in phường Phú Xuân."""
    office = User.objects.get(username="vanphong")
    ward = Unit.objects.get(name=WARD, valid_to=None)
    data = services.LetterInput(
        unit_id=Unit.objects.get(name=OFFICE, valid_to=None).pk,
        source=LetterSource.POST,
        signer_kind=SignerKind.ONE,
        signer_count=1,
        signer_name=SIGNER,
        signer_address=ADDRESS,
        kind=LetterKind.KIEN_NGHI,
        topic=Topic.ENVIRONMENT,
        summary=SUMMARY,
        address=ADDRESS,
        commune_id=ward.pk,
        received_on=clock.today() - datetime.timedelta(days=5),
    )
    return services.letter_create(acting_user=office, data=data)


def ward_row(page: Page) -> Locator:
    """The ward's row in the dashboard's league of units."""
    name = page.get_by_role("rowheader", name=WARD, exact=True)
    return page.get_by_role("row").filter(has=name)


def test_a_crowd_letter_repeating_an_earlier_one_is_answered_by_the_ward_on_time(
    page: Page, demo: LoadResult, browser_log: BrowserLog
) -> None:
    earlier = earlier_letter()
    ward_officer = User.objects.get(username="phuxuan.cv1")

    # --- the reception office: the group visit of six people ------------------------------------------------
    log_in(page, "vanphong")
    page.goto("/tiep-cong-dan/vao-so/")
    expect(page.get_by_role("heading", name="Vào sổ tiếp công dân")).to_be_visible()
    choose(page.get_by_label("Đơn vị tiếp"), OFFICE)
    page.get_by_label("Người tiếp").select_option(label="Bộ phận tiếp công dân")
    page.get_by_label("Họ tên công dân").fill(SIGNER)
    page.get_by_label("Địa chỉ", exact=True).fill(ADDRESS)
    page.get_by_label("Số người").fill("6")
    page.get_by_label("Đoàn đông người").check()
    page.get_by_label("Người đại diện").fill(REPRESENTATIVES)
    page.get_by_label("Phân loại").select_option(label="Kiến nghị")
    page.get_by_label("Nội dung vụ việc").fill(SUMMARY)
    choose(page.get_by_label("Phường, xã nơi phát sinh"), WARD)
    page.get_by_label("Kết quả tiếp").fill("Tiếp nhận đơn của đoàn, hẹn trả lời theo quy định.")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text("Đã vào sổ tiếp công dân.")).to_be_visible()
    expect(page.get_by_text(REPRESENTATIVES).first).to_be_visible()
    visit = Reception.objects.get(summary=SUMMARY)
    assert (visit.people_count, visit.is_group, visit.commune.name) == (6, True, WARD)
    visit_url = page.url
    assert visit_url.endswith(f"/tiep-cong-dan/{visit.pk}/")

    # --- the letter they handed in, from the visit's page: the earlier one is proposed with its reason ----------
    page.get_by_role("link", name="Vào sổ đơn nhận khi tiếp").click()
    expect(page.get_by_role("heading", name="Vào sổ đơn")).to_be_visible()
    # The form starts from the visit: its unit, day, six signers, the citizen, kind, account and ward.
    expect(page.get_by_role("combobox", name="Người đứng đơn", exact=True)).to_have_value("several")
    expect(page.get_by_label("Số người ký")).to_have_value("6")
    expect(page.get_by_label("Họ tên người đứng đơn")).to_have_value(SIGNER)
    page.get_by_label("Họ tên người đứng đơn").fill("Ton That Quynh Hoa")
    page.get_by_label("Nguồn đơn").select_option(label="Nhận trực tiếp")
    page.get_by_label("Phân loại theo nội dung").select_option(label="Kiến nghị")
    page.get_by_label("Lĩnh vực").select_option(label="Môi trường")
    page.get_by_label("Tóm tắt nội dung").fill(SUMMARY_PLAIN)
    page.get_by_label("Địa chỉ nơi phát sinh vụ việc").fill(ADDRESS)
    page.get_by_role("button", name="Vào sổ").click()

    proposals = page.get_by_role("region", name="Đơn có thể trùng với đơn đã vào sổ")
    expect(proposals).to_be_visible()
    proposal = proposals.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(SIGNER)))
    expect(proposal).to_have_count(1)
    expect(proposal.get_by_text(re.compile(r"cùng người gửi|cùng nội dung"))).to_be_visible()
    assert Letter.objects.count() == Letter.objects.filter(pk__lte=earlier.pk).count()  # nothing saved yet
    proposal.get_by_label("Trùng với").check()
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text("Đã vào sổ đơn thư. Đã liên kết với 1 đơn trùng.")).to_be_visible()

    letter = Letter.objects.get(summary=SUMMARY_PLAIN)
    assert LetterLink.objects.filter(letter=letter, duplicate_of=earlier).exists()
    links = page.get_by_role("region", name="Đơn trùng, đơn kéo dài")
    link = links.get_by_role("listitem").filter(has_text="Trùng với")
    expect(link.get_by_role("link", name=re.compile(SIGNER))).to_have_attribute("href", f"/don-thu/{earlier.pk}/")
    expect(page.get_by_text("6 người ký")).to_be_visible()
    letter_url = page.url

    # The visit records the letter ("Đơn nhận khi tiếp"), and the letter names the visit.
    expect(page.get_by_role("link", name=str(visit))).to_have_attribute("href", f"/tiep-cong-dan/{visit.pk}/")
    page.goto(visit_url)
    expect(page.get_by_role("link", name=str(letter))).to_have_attribute("href", f"/don-thu/{letter.pk}/")

    # --- the daily scan raises the crowd flag, seen on "Điểm nóng" --------------------------------------------
    hotspot_scan()
    flag = HotSpot.objects.get(reason=HotSpotReason.CROWD, key=f"crowd:L{letter.pk}")
    assert set(flag.receptions.all()) == {visit}  # one flag: the letter and the visit it was handed in at
    assert not HotSpot.objects.filter(key=f"crowd:R{visit.pk}").exists()
    page.goto("/diem-nong/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=flag.detail))
    expect(row).to_have_count(1)
    expect(row.get_by_text("Đông người")).to_be_visible()
    expect(row.get_by_role("cell", name=WARD)).to_be_visible()
    expect(row.get_by_text("6 người", exact=False).first).to_be_visible()
    row.get_by_role("link", name=flag.detail).click()
    expect(page.get_by_text(flag.detail)).to_be_visible()
    on_flag = page.get_by_role("row").filter(has=page.get_by_role("link", name=SUMMARY_PLAIN[:60]))
    expect(on_flag.get_by_role("link")).to_have_attribute("href", f"/don-thu/{letter.pk}/")
    expect(on_flag.get_by_role("cell", name="Chưa xử lý", exact=True)).to_be_visible()
    visits = page.get_by_role("region", name="Lượt tiếp công dân")
    expect(visits.get_by_role("listitem")).to_have_text(re.compile(rf"{SIGNER}.*\(6 người, {OFFICE}\)"))

    # --- forwarded to the ward as a task, due on the statutory deadline --------------------------------------
    page.goto(letter_url)
    statutory = services.statutory_due(letter_deadlines_of(letter))
    assert statutory is not None
    due = statutory[1]
    marked = page.get_by_role("row").filter(has_text="thời hạn nhiệm vụ")
    expect(marked.get_by_role("cell", name=f"{due:%d/%m/%Y}")).to_be_visible()
    decision = page.get_by_role("region", name="Hướng xử lý")
    decision.get_by_label("Hướng xử lý").select_option(label="Chuyển đơn")
    decision.get_by_label("Số văn bản chuyển, hướng dẫn").fill("215-CV/VPTU")
    choose(decision.get_by_label("Chuyển cho đơn vị (trong hệ thống)"), WARD)
    choose(decision.get_by_label("Cán bộ chịu trách nhiệm"), ward_officer.full_name)
    decision.get_by_label("Sản phẩm").select_option(label="Văn bản trả lời người gửi đơn")
    choose(decision.get_by_label("Cấp có thẩm quyền duyệt"), AUTHORITY)
    expect(decision.get_by_label("Thời hạn")).to_have_value("")  # empty: the statutory deadline
    decision.get_by_role("button", name="Ghi hướng xử lý").click()
    expect(page.get_by_text("Đã ghi hướng xử lý đơn.", exact=False)).to_be_visible()

    letter.refresh_from_db()
    assert letter.task is not None
    task = letter.task
    assert task.due_date == due
    assert task.lead_unit.name == WARD
    task_link = page.get_by_role("link", name=task.title)
    expect(page.get_by_text(f"hạn {due:%d/%m/%Y}", exact=False)).to_be_visible()
    task_url = task_link.get_attribute("href")
    assert task_url == f"/nhiem-vu/{task.pk}/"
    log_out(page)

    # --- the ward's head accepts it (its officer is responsible) -------------------------------------------------
    log_in(page, "phuxuan")
    page.goto(task_url)
    expect(page.get_by_role("heading", name=task.title)).to_be_visible()
    # The officer chosen on the decision is the responsible person already: the head accepts, assigning no one else.
    page.get_by_role("button", name="Tiếp nhận nhiệm vụ").click()
    expect(page.get_by_text("Đã tiếp nhận nhiệm vụ.", exact=True)).to_be_visible()
    expect(page.get_by_text("Đang thực hiện", exact=True).first).to_be_visible()
    log_out(page)

    # --- the ward's officer sends the answer letter -----------------------------------------------------------
    log_in(page, "phuxuan.cv1")
    page.goto(task_url)
    page.locator("summary", has_text="Gửi sản phẩm").click()
    page.get_by_label("Sản phẩm đã hoàn thành").fill("Văn bản số 37-CV/ĐU trả lời bà Tôn Thất Quỳnh Hoa và các hộ dân")
    page.get_by_label("Tệp sản phẩm").set_input_files(
        {"name": "tra-loi-37.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Tôi xác nhận gửi sản phẩm khi tiến độ mới đạt 0%.").check()
    page.get_by_role("button", name="Gửi sản phẩm").click()
    expect(page.get_by_text("Đã gửi sản phẩm tới cấp có thẩm quyền.")).to_be_visible()
    log_out(page)

    # --- the city Secretary: approves, sees the task on time, the letter answered, the hot spot -------------
    log_in(page, "bithu")
    page.goto("/tong-hop/")
    done_on_time = ward_row(page).locator('[data-figure="done_on_time"]')
    before = int(done_on_time.inner_text())
    page.goto(task_url)
    expect(page.get_by_role("link", name="tra-loi-37.pdf").first).to_be_visible()
    page.get_by_role("button", name="Duyệt sản phẩm").click()
    expect(page.get_by_text("Đã duyệt sản phẩm; nhiệm vụ hoàn thành.")).to_be_visible()
    expect(page.get_by_text("Hoàn thành đúng hạn", exact=True).first).to_be_visible()
    task.refresh_from_db()
    assert task.state == TaskState.DONE

    page.goto(letter_url)
    expect(page.get_by_text("Đã giải quyết", exact=True).first).to_be_visible()
    expect(page.get_by_text("(hoàn thành)", exact=False)).to_be_visible()

    page.goto("/tong-hop/")
    # The ward's row counts one more task done on time, and the figure lists it.
    expect(done_on_time).to_have_text(str(before + 1))
    done_on_time.click()
    expect(page.get_by_label("Tình hình thực hiện", exact=True)).to_have_value("done_on_time")
    expect(page.get_by_role("link", name=task.title)).to_be_visible()

    page.goto("/tong-hop/")
    card = page.get_by_role("region", name="Điểm nóng đơn thư")
    expect(card).to_be_visible()  # loaded after the page (htmx)
    card.locator("summary", has_text="Xem theo phường, xã và lĩnh vực").click()
    line = card.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(r"Phú Xuân — Môi trường")))
    expect(line).to_have_count(1)
    expect(line.get_by_text("Đông người")).to_be_visible()
    assert_clean(browser_log)
