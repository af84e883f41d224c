"""Who a sentence gives its work to when the organisation does not name it: bodies of other levels and provinces,
collective subjects, lists, lead-ins; and the sentences that tell rather than assign (issue 18's development set
drove these rules; each case below is of a kind met there)."""

from __future__ import annotations

import datetime

import pytest

from sauro.extraction.pipeline import propose
from sauro.extraction.segment import Sentence
from sauro.extraction.sentence import read_sentence
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.types import TaskProposal
from tests.extraction.grammar_texts import REF, matcher, unit

pytestmark = pytest.mark.django_db


def read(text: str, ref: datetime.date = REF) -> list[TaskProposal]:
    return read_sentence(Sentence(text, None, 0, len(text)), ref, matcher())


def leads(tasks: list[TaskProposal]) -> list[tuple[str | None, str]]:
    return [(t.lead.code if t.lead else None, t.lead_text) for t in tasks]


def test_a_place_after_a_body_is_part_of_its_name() -> None:
    [task] = read("Cụ thể, quý II/2026, Thành ủy Hà Nội sẽ tổ chức một cuộc giám sát chuyên đề về công tác cán bộ.")
    assert leads([task]) == [("TU", "Thành ủy Hà Nội")]
    assert task.time.kind == "date" and task.time.due == datetime.date(2026, 6, 30)
    [task] = read("Ban Thường vụ Tỉnh ủy Lạng Sơn chuẩn bị báo cáo tự kiểm tra, gửi đoàn kiểm tra trước 30/6/2026.")
    assert task.lead == unit("BTVTU")


def test_a_body_of_that_name_elsewhere_is_not_ours() -> None:
    [task] = read("Ban Tổ chức Giải tổ chức chấm Giải vòng Sơ khảo.")
    assert leads([task]) == [(None, "Ban Tổ chức Giải")]
    [task] = read("Tiểu ban Tổ chức - phục vụ đại hội sẽ bố trí trung tâm báo chí phục vụ phóng viên.")
    assert leads([task]) == [(None, "Tiểu ban Tổ chức - phục vụ đại hội")]


def test_committees_in_lower_case_are_any_committee() -> None:
    [task] = read("Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương tập trung lãnh đạo, chỉ đạo 6 nhiệm vụ.")
    assert leads([task]) == [(None, "Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương")]


def test_bodies_the_organisation_does_not_hold_lead_with_their_name() -> None:
    [task] = read("Bộ CHQS, Công an tỉnh xây dựng kế hoạch đảm bảo an ninh trật tự trước, trong và sau đại hội.")
    assert leads([task]) == [(None, "Bộ CHQS, Công an tỉnh")]
    [task] = read("Theo đó, Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành rà soát công tác.")
    assert leads([task]) == [(None, "Sở Thông tin và Truyền thông")]
    [task] = read("Đối với các ban tham mưu của Tỉnh ủy, tập trung thẩm định hồ sơ đại hội của các đảng bộ trực thuộc.")
    assert leads([task]) == [(None, "các ban tham mưu của Tỉnh ủy")]


def test_named_leads_and_unknown_ones_each_get_a_task() -> None:
    tasks = read(
        "Thường trực Thành ủy giao Văn phòng Thành ủy, Văn phòng HĐND TP, Văn phòng UBND TP phối hợp theo dõi, "
        "đôn đốc việc xây dựng chương trình công tác."
    )
    assert leads(tasks) == [("VPTU", "Văn phòng Thành ủy"), (None, "Văn phòng HĐND TP"), (None, "Văn phòng UBND TP")]


def test_a_collective_after_a_named_lead_is_left_to_it() -> None:
    tasks = read("Văn phòng Tỉnh ủy và các ban của Tỉnh ủy giúp Ban Thường vụ Tỉnh ủy đôn đốc, kiểm tra việc này.")
    assert [t.lead for t in tasks] == [unit("VPTU")]


def test_a_standing_committee_of_many_is_a_collective() -> None:
    [task] = read(
        "Ban Thường vụ các đảng bộ trực thuộc Tỉnh ủy (trừ TP Hà Tĩnh, Can Lộc) chủ động lựa chọn 1 - 2 đảng bộ "
        "trực thuộc tổ chức đại hội điểm."
    )
    assert task.lead is None and task.lead_text.startswith("Ban Thường vụ các đảng bộ trực thuộc Tỉnh ủy")


def test_semicolons_that_only_list_addressees_make_one_task() -> None:
    tasks = read(
        "Từng cấp ủy, tổ chức đảng, đảng viên; cơ quan chỉ đạo, quản lý báo chí; cơ quan báo, tạp chí của đảng xác "
        "định rõ trách nhiệm, nhiệm vụ của mình."
    )
    assert len(tasks) == 1 and tasks[0].lead is None


def test_work_without_a_doer() -> None:
    [task] = read("Cùng với đó, cần tiếp tục siết chặt kỷ luật, kỷ cương trong Đảng và kỷ luật công vụ.")
    assert task.lead is None and task.title.startswith("Siết chặt kỷ luật")
    [task] = read("Nhiệm vụ trọng tâm trong quý I năm 2026 là khẩn trương cụ thể hóa Nghị quyết Đại hội.")
    assert task.title.startswith("Khẩn trương cụ thể hóa") and task.time.due == datetime.date(2026, 3, 31)
    [task] = read("Các nhiệm vụ đã xác định triển khai trong năm 2026 phải được phân công ngay.")
    assert task.time.kind == "unclear"  # "ngay": at once, the year is the work's


def test_sentences_that_tell_assign_nothing() -> None:
    assert read("TTH - Sáng 23/3, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị báo cáo viên tháng 3.") == []
    assert read("Lãnh đạo Ban Tuyên giáo Tỉnh ủy cho biết đại hội sẽ không nhận hoa chúc mừng.") == []
    assert read("Ban Tuyên giáo Thành ủy, các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này.") == []
    assert read("Năm 2025, Đảng ủy các cơ quan Đảng thành phố kịp thời cụ thể hóa nghị quyết.") == []
    assert read("Thực hiện kế hoạch của Tỉnh ủy, các cơ quan liên quan đã triển khai các nội dung được giao.") == []
    assert read("Ban Thường vụ Thành ủy kêu gọi toàn Đảng bộ phát huy tinh thần đoàn kết, sáng tạo.") == []
    assert read("Quy chế nêu rõ, tất cả nhiệm vụ do Bộ Chính trị giao phải được theo dõi, đôn đốc.") == []


def test_a_news_report_still_assigns_through_an_explicit_cue() -> None:
    [task] = read("Sáng 3/7, Thường trực Tỉnh ủy giao ban, yêu cầu các cơ quan bám sát chương trình công tác quý III.")
    assert leads([task]) == [(None, "các cơ quan")]
    assert task.time.kind == "unclear"  # "chương trình công tác quý III": which programme, not a deadline


def test_a_time_before_the_lead_counts_only_in_a_short_lead_in() -> None:
    [task] = read(
        "Sau khi rà soát tiến độ các nhiệm vụ trọng tâm trong tháng 6 vừa qua, ông yêu cầu các cơ quan bám sát "
        "chương trình công tác."
    )
    assert task.time.kind == "unclear"


def test_a_colon_sentence_with_no_item_under_it_is_a_task() -> None:
    text = "Ban Thường vụ Thành ủy yêu cầu các cơ quan, đơn vị khẩn trương thực hiện tốt một số nội dung sau:"
    [item] = propose(text, REF, matcher())
    assert [t.lead_text for t in item.tasks] == ["các cơ quan, đơn vị"]
    with_items = text + "\n- Rà soát chương trình công tác quý I.\n- Báo cáo kết quả trước ngày 20/3/2026."
    assert [i.sentence for i in propose(with_items, REF, matcher())] == [
        "Rà soát chương trình công tác quý I.",
        "Báo cáo kết quả trước ngày 20/3/2026.",
    ]
    # A document presenting itself ("…, cụ thể:") assigns nothing.
    presenting = "Ban Thường vụ Thành ủy xây dựng Kế hoạch củng cố hệ thống chính trị cơ sở, cụ thể:"
    assert propose(presenting, REF, matcher()) == []


def test_tentative_and_approximate_times_are_not_deadlines() -> None:
    assert parse_time("tổ chức đại hội điểm vào giữa tháng 3/2026", REF).kind == "unclear"
    assert parse_time("hoàn thiện dự thảo (dự kiến thông qua vào đầu quý II/2026)", REF).kind == "unclear"
    assert parse_time("hoàn thiện dự thảo trong quý II/2026", REF).due == datetime.date(2026, 6, 30)
