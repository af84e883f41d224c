"""The quarterly report's narrative (issue 20.6): the general assessment from the figures, the causes of what is late
split into objective and subjective from the obstacles and the return reasons, the lessons of the dominant causes —
before the lists, in the .docx of the city, a Ban and a ward; one line instead when nothing is late."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from html import unescape as html_unescape
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from sauro.dashboard.stats import TaskStats
from sauro.monitoring.services import obstacle_create
from sauro.reports.choices import ReportKind
from sauro.reports.drafts import duty_draft_text
from sauro.reports.models import ReportDuty, ReportRegime
from sauro.reports.narrative import (
    CAUSE_TOPICS,
    OBJECTIVE,
    OTHER,
    SUBJECTIVE,
    TOPICS,
    UNCLASSIFIED,
    Reason,
    UnitFigures,
    assessment_lines,
    cause_lines,
    classify,
    lesson_lines,
    summarise_causes,
)
from sauro.reports.quarterly import HEADINGS, build_quarterly_report, collect
from sauro.reports.services import reports_generate
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_issue, task_return, task_submit

D = datetime.date


def figures(on_time: int, late: int = 0, open_on_time: int = 0, overdue: int = 0) -> TaskStats:
    return TaskStats.from_counts(
        {"done_on_time": on_time, "done_late": late, "open_on_time": open_on_time, "open_overdue": overdue}
    )


# --- the classification rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Chưa có hướng dẫn của Trung ương về tiêu chuẩn mới.", "legal"),
        ("Vướng mắc về cơ chế, chính sách đất đai", "legal"),
        ("Chưa được bố trí kinh phí thực hiện", "funding"),
        ("Chưa bố trí được kinh phí theo quy định", "funding"),  # "theo quy định" alone is no legal obstacle
        ("Thiếu kinh phí cho các hạng mục liên quan", "funding"),
        ("Sở Tài chính chưa cho ý kiến, cơ quan phối hợp chậm gửi số liệu", "coordination"),
        ("Ảnh hưởng của mưa lũ kéo dài cuối năm", "circumstances"),
        ("Cán bộ phụ trách nghỉ ốm dài ngày, chưa bố trí được người thay", "staff"),
        ("Đơn vị chưa chủ động, triển khai chậm", "slow"),
        ("chua co huong dan cua trung uong", "legal"),  # typed without diacritics
    ],
)
def test_each_obstacle_falls_in_its_topic(text: str, key: str) -> None:
    assert classify(text).key == key


def test_sides_of_the_topics_and_the_other_bucket() -> None:
    sides = {t.key: t.side for t in CAUSE_TOPICS}
    assert [k for k, s in sides.items() if s == OBJECTIVE] == ["legal", "funding", "coordination", "circumstances"]
    assert [k for k, s in sides.items() if s == SUBJECTIVE] == ["staff", "slow", "quality"]
    # An obstacle matching no topic is "other"; words inside longer words do not count ("báo cáo" is not "bão").
    assert classify("Đề nghị báo cáo lại sau Tết") is UNCLASSIFIED and UNCLASSIFIED.side == OTHER


def test_a_return_reason_is_subjective_and_the_products_quality_by_default() -> None:
    assert classify("Đề nghị viết lại phần mở đầu", returned=True).key == "quality"
    assert classify("Số liệu chưa đầy đủ, đề nghị bổ sung", returned=True).key == "quality"
    assert classify("Tham mưu chậm, chưa chủ động", returned=True).key == "slow"
    # Words of an objective topic do not make a returned product objective.
    assert classify("Chưa có ý kiến phối hợp của Sở Tài chính", returned=True).side == SUBJECTIVE


# --- causes and lessons (pure) -------------------------------------------------------------------------------------


def test_causes_split_with_counts_and_grouped_examples() -> None:
    reasons = [
        Reason("Chưa được bố trí kinh phí thực hiện.", "Đảng ủy phường An Cựu"),
        Reason("Chưa được bố trí kinh phí thực hiện", "Đảng ủy phường An Cựu"),
        Reason("Thiếu nguồn vốn đối ứng", "Đảng ủy phường Phú Xuân"),
        Reason("Chưa có hướng dẫn của Trung ương", "Ban Tổ chức Thành ủy"),
        Reason("Số liệu chưa đầy đủ, đề nghị bổ sung", "Đảng ủy phường Phú Xuân", returned=True),
        Reason("Đề nghị báo cáo lại sau Tết", "Ủy ban Kiểm tra Thành ủy"),
    ]
    summary = summarise_causes(late_tasks=6, reasons=reasons, unreported=1)
    assert (summary.obstacles, summary.returns) == (5, 1)
    assert summary.total(OBJECTIVE) == 4 and summary.total(SUBJECTIVE) == 2 and summary.total(OTHER) == 1
    assert [g.topic.key for g in summary.side(OBJECTIVE)] == ["funding", "legal"]
    lines = cause_lines(summary)
    assert lines[0] == (
        "Nguyên nhân của 6 nhiệm vụ chậm tiến độ (hoàn thành quá hạn hoặc chưa hoàn thành, quá hạn), tổng hợp từ 5 "
        "khó khăn, vướng mắc được báo cáo và 1 lần sản phẩm bị trả lại:"
    )
    assert lines[1].startswith(
        "a) Nguyên nhân khách quan (4 trường hợp): kinh phí, nguồn lực, điều kiện bảo đảm chưa đáp ứng (3 trường "
        "hợp, như: “Chưa được bố trí kinh phí thực hiện” – Đảng ủy phường An Cựu; “Thiếu nguồn vốn đối ứng” – "
        "Đảng ủy phường Phú Xuân); cơ chế, chính sách"
    )
    # The same text said twice is quoted once (grouped, not dumped).
    assert lines[1].count("Chưa được bố trí kinh phí") == 1
    assert lines[2] == (
        "b) Nguyên nhân chủ quan (2 trường hợp): chất lượng sản phẩm, hồ sơ chưa đạt yêu cầu (1 trường hợp, như: "
        "“Số liệu chưa đầy đủ, đề nghị bổ sung” – Đảng ủy phường Phú Xuân, lý do trả lại sản phẩm); 1 nhiệm vụ chậm "
        "tiến độ nhưng đơn vị chưa chủ động báo cáo khó khăn, vướng mắc."
    )
    assert lines[3] == (
        "c) Nguyên nhân khác, chưa phân loại (1 trường hợp): “Đề nghị báo cáo lại sau Tết” – Ủy ban Kiểm tra Thành ủy."
    )
    assert len(lines) == 4


def test_a_return_reason_of_the_reports_own_unit_is_quoted_without_it() -> None:
    summary = summarise_causes(late_tasks=1, reasons=[Reason("Sai thể thức", "", returned=True)], unreported=0)
    assert cause_lines(summary)[2] == (
        "b) Nguyên nhân chủ quan (1 trường hợp): chất lượng sản phẩm, hồ sơ chưa đạt yêu cầu (1 trường hợp, như: "
        "“Sai thể thức” (lý do trả lại sản phẩm))."
    )


def test_no_other_bucket_and_an_empty_side_said_in_words() -> None:
    summary = summarise_causes(late_tasks=1, reasons=[Reason("Thiếu kinh phí", "X")], unreported=0)
    lines = cause_lines(summary)
    assert lines[2] == "b) Nguyên nhân chủ quan: không có trường hợp nào được ghi nhận."
    assert not any(line.startswith("c)") for line in lines)


def test_lessons_follow_the_dominant_causes() -> None:
    funding = [Reason("Chưa được bố trí kinh phí", "X")] * 3
    staff = [Reason("Thiếu cán bộ, cán bộ kiêm nhiệm nhiều việc", "Y")] * 2
    quality = [Reason("Sai thể thức", "Z", returned=True)]
    lessons = lesson_lines(summarise_causes(late_tasks=6, reasons=funding + staff + quality, unreported=0))
    assert lessons == [
        f"- {TOPICS['funding'].lesson}",
        f"- {TOPICS['staff'].lesson}",
        f"- {TOPICS['quality'].lesson}",
    ]
    # When returned products dominate, the lesson on quality comes first.
    lessons = lesson_lines(summarise_causes(late_tasks=4, reasons=quality * 3 + funding[:1], unreported=0))
    assert lessons[0] == f"- {TOPICS['quality'].lesson}" and len(lessons) == 2
    # Nothing late: no causes, no lessons.
    nothing = summarise_causes(late_tasks=0, reasons=[], unreported=0)
    assert cause_lines(nothing) == [] and lesson_lines(nothing) == []


# --- the general assessment (pure) -------------------------------------------------------------------------------


def test_assessment_names_improvement_decline_and_the_lagging_unit() -> None:
    units = [
        UnitFigures(1, "Ban Tổ chức Thành ủy", figures(2), previous=figures(0, late=1)),
        UnitFigures(2, "Đảng ủy phường Phú Xuân", figures(1, late=1, overdue=1), previous=figures(1)),
        UnitFigures(3, "Đảng ủy phường An Cựu", figures(0, overdue=2)),
    ]
    lines = assessment_lines(
        unit_name="Thành ủy Huế",
        period_label="quý I năm 2026",
        previous_label="quý IV năm 2025",
        stats=figures(3, late=1, overdue=3),
        previous=figures(1, late=1),
        units=units,
    )
    assert lines[0] == (
        "Trong quý I năm 2026, Thành ủy Huế có 7 nhiệm vụ có thời hạn; tỷ lệ hoàn thành đúng hạn đạt 42,9%, giảm 7,1 "
        "điểm phần trăm so với quý IV năm 2025 (50,0%)."
    )
    assert lines[1] == (
        "Đã hoàn thành 4/7 nhiệm vụ (tỷ lệ hoàn thành 57,1%), trong đó 1 nhiệm vụ hoàn thành quá hạn; còn 3 nhiệm vụ "
        "chưa hoàn thành, quá hạn (quý IV năm 2025: 0 nhiệm vụ chưa hoàn thành, quá hạn)."
    )
    assert lines[2] == (
        "So với quý IV năm 2025, tỷ lệ hoàn thành đúng hạn tăng ở Ban Tổ chức Thành ủy (từ 0,0% lên 100,0%); giảm ở "
        "Đảng ủy phường Phú Xuân (từ 100,0% xuống 33,3%)."
    )
    assert lines[3] == (
        "Dẫn đầu về tỷ lệ hoàn thành đúng hạn: Ban Tổ chức Thành ủy (100,0%; 2/2 nhiệm vụ đúng hạn); thấp nhất: Đảng "
        "ủy phường An Cựu (0,0%; 0/2 nhiệm vụ đúng hạn, 2 nhiệm vụ quá hạn)."
    )


def test_assessment_of_a_rise_without_units_and_of_an_empty_quarter() -> None:
    lines = assessment_lines(
        unit_name="Đảng ủy phường An Cựu",
        period_label="quý I năm 2026",
        previous_label="quý IV năm 2025",
        stats=figures(3, open_on_time=1),
        previous=figures(1, late=1),
        units=[],
    )
    assert lines == [
        "Trong quý I năm 2026, Đảng ủy phường An Cựu có 4 nhiệm vụ có thời hạn; tỷ lệ hoàn thành đúng hạn đạt 75,0%, "
        "tăng 25,0 điểm phần trăm so với quý IV năm 2025 (50,0%).",
        "Đã hoàn thành 3/4 nhiệm vụ (tỷ lệ hoàn thành 75,0%); không có nhiệm vụ chưa hoàn thành, quá hạn (quý IV "
        "năm 2025: 0 nhiệm vụ chưa hoàn thành, quá hạn).",
    ]
    empty = assessment_lines(
        unit_name="Ban Tổ chức Thành ủy",
        period_label="quý I năm 2026",
        previous_label="quý IV năm 2025",
        stats=figures(0),
        previous=None,
        units=[],
    )
    assert empty == ["Trong quý I năm 2026, Ban Tổ chức Thành ủy không có nhiệm vụ có thời hạn trong kỳ."]


# --- planted data, read and rendered ---------------------------------------------------------------------------------


@pytest.fixture
def planted(org: Any, make_draft: Callable[..., Task], today: Any) -> Any:
    """Q4 2025: the Ban late, Phú Xuân on time. Q1 2026: the Ban on time (2/2); Phú Xuân one on time, one done late
    after its product was returned, one overdue for want of funds; An Cựu two overdue (funds; a sick officer)."""
    heads = {org.btc.pk: org.btc_head, org.phuxuan.pk: org.phuxuan_head, org.ancuu.pk: org.ancuu_head}

    def issue(unit: Any, title: str, due: datetime.date) -> Task:
        head = heads[unit.pk]
        draft = make_draft(
            title=title, lead_unit=unit.pk, responsible_person=head.pk, coordinating_units=[], due_date=due
        )
        task = task_issue(acting_user=org.monitor, task=draft)
        return task_accept(acting_user=head, task=task, responsible_person_id=head.pk)

    def submit(task: Task, on: datetime.date) -> None:
        today.set(on)
        task_submit(acting_user=heads[task.lead_unit_id], task=Task.objects.get(pk=task.pk), product_note="Báo cáo")

    def finish(task: Task, on: datetime.date) -> None:
        submit(task, on)
        task_approve(acting_user=org.leader, task=Task.objects.get(pk=task.pk))

    def obstacle(task: Task, on: datetime.date, text: str) -> None:
        today.set(on)
        obstacle_create(
            acting_user=heads[task.lead_unit_id],
            task=Task.objects.get(pk=task.pk),
            description=text,
            proposal="Đề nghị Thường trực Thành ủy chỉ đạo tháo gỡ.",
            decider_unit_id=org.standing.pk,
        )

    today.set(D(2025, 10, 1))
    q4_btc = issue(org.btc, "Tổng kết công tác tổ chức năm 2025", D(2025, 11, 10))
    q4_px = issue(org.phuxuan, "Kiện toàn ban chỉ đạo phường", D(2025, 11, 10))
    finish(q4_px, D(2025, 11, 5))
    finish(q4_btc, D(2025, 11, 20))

    today.set(D(2026, 1, 5))
    btc = [issue(org.btc, f"Hướng dẫn đại hội chi bộ đợt {n}", D(2026, 2, 10 + n)) for n in (1, 2)]
    px_on_time = issue(org.phuxuan, "Sơ kết mô hình dân vận khéo", D(2026, 2, 10))
    px_returned = issue(org.phuxuan, "Báo cáo rà soát đảng viên", D(2026, 1, 30))
    px_overdue = issue(org.phuxuan, "Sửa chữa nhà văn hóa tổ dân phố", D(2026, 2, 10))
    ac_funds = issue(org.ancuu, "Xây dựng tủ sách pháp luật", D(2026, 2, 10))
    ac_staff = issue(org.ancuu, "Số hóa hồ sơ đảng viên", D(2026, 2, 10))
    for task in btc:
        finish(task, D(2026, 2, 5))
    finish(px_on_time, D(2026, 2, 9))
    submit(px_returned, D(2026, 1, 28))
    task_return(
        acting_user=org.leader,
        task=Task.objects.get(pk=px_returned.pk),
        reason="Số liệu chưa đầy đủ, đề nghị bổ sung danh sách.",
    )
    finish(px_returned, D(2026, 2, 6))
    obstacle(px_overdue, D(2026, 2, 2), "Chưa được bố trí kinh phí sửa chữa.")
    obstacle(ac_funds, D(2026, 2, 3), "Chưa được bố trí kinh phí mua sách.")
    obstacle(ac_staff, D(2026, 2, 4), "Cán bộ phụ trách nghỉ ốm dài ngày, chưa bố trí được người thay.")
    today.set(D(2026, 3, 14))
    return org


def report_text(user: Any, unit: Any) -> str:
    docx_bytes, _xlsx = build_quarterly_report(user=user, unit=unit, quarter="2026Q1")
    return "\n".join(p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs)


def test_planted_assessment_names_the_rise_the_fall_and_the_lagging_unit(planted: Any) -> None:
    org = planted
    data = collect(user=org.leader, unit=org.city, quarter="2026Q1")
    assert data.narrative is not None
    assessment = data.narrative.assessment
    assert assessment[0] == (
        "Trong quý I năm 2026, Thành ủy Huế có 7 nhiệm vụ có thời hạn; tỷ lệ hoàn thành đúng hạn đạt 42,9%, giảm 7,1 "
        "điểm phần trăm so với quý IV năm 2025 (50,0%)."
    )
    assert (
        "tăng ở Ban Tổ chức Thành ủy (từ 0,0% lên 100,0%); giảm ở Đảng ủy phường Phú Xuân (từ 100,0% xuống 33,3%)"
        in assessment[2]
    )
    assert assessment[3].startswith("Dẫn đầu về tỷ lệ hoàn thành đúng hạn: Ban Tổ chức Thành ủy (100,0%; 2/2")
    assert assessment[3].endswith("thấp nhất: Đảng ủy phường An Cựu (0,0%; 0/2 nhiệm vụ đúng hạn, 2 nhiệm vụ quá hạn).")


def test_planted_causes_from_obstacles_and_the_return_reason(planted: Any) -> None:
    org = planted
    data = collect(user=org.leader, unit=org.city, quarter="2026Q1")
    assert data.narrative is not None
    causes = data.narrative.causes
    assert (causes.late_tasks, causes.obstacles, causes.returns) == (4, 3, 1)
    assert [(g.topic.key, g.count) for g in causes.side(OBJECTIVE)] == [("funding", 2)]
    assert [(g.topic.key, g.count) for g in causes.side(SUBJECTIVE)] == [("staff", 1), ("quality", 1)]
    assert data.narrative.lessons[0] == f"- {TOPICS['funding'].lesson}"
    text = report_text(org.leader, org.city)
    assert "“Số liệu chưa đầy đủ, đề nghị bổ sung danh sách” – Đảng ủy phường Phú Xuân, lý do trả lại sản phẩm" in text


def test_a_return_after_the_day_of_the_figures_is_not_a_reason_yet(planted: Any) -> None:
    org = planted
    data = collect(user=org.leader, unit=org.city, quarter="2026Q1", as_of=D(2026, 1, 28))
    assert data.narrative is not None and data.narrative.causes.returns == 0


def order_of(text: str, *markers: str) -> list[int]:
    return [text.index(m) for m in markers]


@pytest.mark.parametrize("body", ["city", "ward"])
def test_docx_sections_in_order_before_the_lists(planted: Any, body: str) -> None:
    org = planted
    user, unit = (org.leader, org.city) if body == "city" else (org.ancuu_head, org.ancuu)
    text = report_text(user, unit)
    positions = order_of(
        text,
        "4. Đánh giá chung:",
        "5. Nguyên nhân của ",
        "a) Nguyên nhân khách quan",
        "b) Nguyên nhân chủ quan",
        "6. Bài học kinh nghiệm:",
        "7. Một số kết quả nổi bật:",
        HEADINGS[1],
        "2. Khó khăn, vướng mắc được báo cáo:",
        HEADINGS[2],
    )
    assert positions == sorted(positions)
    assert text.count("Đánh giá chung") == 1 and text.count("Bài học kinh nghiệm") == 1
    if body == "ward":
        # A ward: no ranking of units below it; its causes are its own.
        assert "Dẫn đầu" not in text
        assert "5. Nguyên nhân của 2 nhiệm vụ chậm tiến độ" in text
        assert "a) Nguyên nhân khách quan (1 trường hợp): kinh phí" in text
        assert "b) Nguyên nhân chủ quan (1 trường hợp): nhân lực, năng lực cán bộ" in text
        # The ward's own reasons are quoted without naming the ward again.
        assert "(1 trường hợp, như: “Chưa được bố trí kinh phí mua sách”)." in text
        assert "– Đảng ủy phường An Cựu" not in text


def test_a_ban_with_nothing_late_shows_one_line_not_empty_headings(planted: Any) -> None:
    org = planted
    text = report_text(org.btc_head, org.btc)
    assert "4. Đánh giá chung:" in text
    assert (
        "5. Nguyên nhân và bài học kinh nghiệm: trong kỳ không có nhiệm vụ chậm tiến độ (hoàn thành quá hạn hoặc chưa "
        "hoàn thành, quá hạn)." in text
    )
    assert "Nguyên nhân khách quan" not in text and "Nguyên nhân chủ quan" not in text
    assert "Bài học kinh nghiệm:" not in text
    assert "1. Không có nhiệm vụ chưa hoàn thành, quá hạn." in text
    positions = order_of(text, "4. Đánh giá chung:", "5. Nguyên nhân và bài học", "6. Một số kết quả nổi bật:")
    assert positions == sorted(positions)
    assert "tăng 100,0 điểm phần trăm so với quý IV năm 2025 (0,0%)" in text


def test_the_quarterly_duty_draft_carries_the_narrative_for_the_unit_head_to_edit(
    planted: Any, client_for: Any
) -> None:
    """The lessons are template sentences: the unit head edits them in the draft before sending (reports.drafts)."""
    org = planted
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=D(2026, 3, 2))
    duty = ReportDuty.objects.get(unit=org.ancuu, kind=ReportKind.QUARTERLY, period_key="2026Q1")
    draft = duty_draft_text(user=org.ancuu_head, duty=duty).splitlines()
    results, limits = draft.index("I. KẾT QUẢ THỰC HIỆN"), draft.index("II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC")
    assert draft.index("Đánh giá chung:") in range(results, limits)
    assert draft[limits + 1].startswith("Nguyên nhân của 2 nhiệm vụ chậm tiến độ")
    lessons = draft.index("Bài học kinh nghiệm:")
    assert draft[lessons + 1] == f"- {TOPICS['funding'].lesson}" and lessons < draft.index(
        "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI"
    )

    client = client_for(org.ancuu_head)
    url = reverse("reports:duty", args=[duty.pk])
    page = html_unescape(client.get(url).content.decode())
    assert "Bài học kinh nghiệm:" in page and TOPICS["funding"].lesson in page
    edited = "\n".join([*draft[: lessons + 1], "- Phường chủ động đề nghị bố trí kinh phí từ đầu năm."])
    assert client.post(url, {"text": edited, "version": duty.version}).status_code == 302
    sent = duty.submissions.get()
    assert sent.text.splitlines()[-1] == "- Phường chủ động đề nghị bố trí kinh phí từ đầu năm."
    assert TOPICS["funding"].lesson not in sent.text


def test_other_duties_have_no_narrative(planted: Any) -> None:
    org = planted
    reports_generate(as_of=D(2026, 3, 2))
    duty = ReportDuty.objects.filter(unit=org.ancuu).exclude(kind=ReportKind.QUARTERLY).first()
    assert duty is not None
    assert "Đánh giá chung" not in duty_draft_text(user=org.ancuu_head, duty=duty)
