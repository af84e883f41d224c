"""The pipeline: a whole directive's text → the sentences that assign work, each with its proposed tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sauro.extraction.pipeline import propose
from sauro.extraction.types import Item
from sauro.tasks.choices import ProductKind
from tests.extraction.grammar_texts import CONCLUSION, DATA, REF, matcher, unit

# A deadline the time parser finds is counted on the working-day calendar, which reads the override table.
pytestmark = pytest.mark.django_db


def items_of(text: str) -> list[Item]:
    return propose(text, REF, matcher())


def test_a_conclusion_gives_its_tasks_point_by_point() -> None:
    items = items_of(CONCLUSION)
    assert [i.point for i in items] == ["II.1.a", "II.1.b", "II.2.1", "II.2.2", "II.2.2", "II.2.2", "II.3"]
    assert [[t.lead.code if t.lead else None for t in i.tasks] for i in items] == [
        ["BTCTU"],
        ["UBKTTU"],
        ["BTGDVTU"],
        ["BTCTU", "BTGDVTU"],  # "mỗi ban": one task per Ban
        [None],  # "Đề nghị các cơ quan, đơn vị…": the lead is left open
        ["P-ANCUU", "P-PHUXUAN"],
        ["VPTU"],
    ]
    for item in items:
        assert " ".join(CONCLUSION[item.start : item.end].split()) == item.sentence


def test_evaluation_preamble_and_recipients_propose_nothing() -> None:
    sentences = {i.sentence for i in items_of(CONCLUSION)}
    assert not any("đã họp" in s or "đã bám sát" in s or "đạt 8,5%" in s for s in sentences)
    assert not any(s.startswith(("Nơi nhận", "Ban Thường vụ Thành ủy,", "Lưu")) for s in sentences)


def test_a_sentence_that_only_coordinates_joins_the_task_before_it() -> None:
    """Item b) "Giao Ủy ban Kiểm tra Thành ủy … trình Thường trực Thành ủy trong quý I/2026. Ban Nội chính Thành ủy
    phối hợp." — one task, Ban Nội chính coordinating."""
    item = items_of(CONCLUSION)[1]
    [task] = item.tasks
    assert task.lead == unit("UBKTTU")
    assert task.coordinating == [unit("BNCTU")]
    assert task.product_kind == ProductKind.DRAFT_DOCUMENT
    assert task.authority == unit("TTTU")
    assert "Ban Nội chính Thành ủy phối hợp" not in item.sentence


def test_the_demo_texts() -> None:
    programme = items_of((DATA / "chuong-trinh-hanh-dong-01.txt").read_text(encoding="utf-8"))
    [office] = [i for i in programme if i.sentence.startswith("Văn phòng Thành ủy theo dõi, đôn đốc")]
    [task] = office.tasks
    assert task.lead == unit("VPTU")
    assert task.authority == unit("BTVTU")
    assert task.product_kind == ProductKind.REPORT

    resolution = items_of((DATA / "nghi-quyet-dai-hoi-xvii.txt").read_text(encoding="utf-8"))
    [item] = resolution  # the Congress's narrative proposes nothing; "Giao Ban Chấp hành…" does
    [task] = item.tasks
    assert task.lead == unit("TU")  # the Ban Chấp hành Đảng bộ thành phố is the committee itself
    assert task.lead_text == "Ban Chấp hành Đảng bộ thành phố"
    assert task.product_kind == ProductKind.PLAN
    assert task.product == "Chương trình hành động"

    seed = items_of((DATA / "seed-hue-conclusion-2026-01.txt").read_text(encoding="utf-8"))
    assert [t.lead_text for i in seed for t in i.tasks] == [
        "các cơ quan Đảng thành phố",
        "",  # "Nhiệm vụ trọng tâm … là khẩn trương cụ thể hóa …": the work after "là"
        "",  # "Các nhiệm vụ … phải được phân công ngay": a duty, its doer open
        "Các cơ quan",
        "",  # "Thực hiện nghiêm chế độ thông tin, báo cáo…": the work, its doer named in the sentence before
        "",  # "Cùng với đó, cần tiếp tục siết chặt kỷ luật…"
        "các cơ quan, đơn vị",
    ]
    titles = [t.title for i in seed for t in i.tasks]
    assert titles[2].startswith("Các nhiệm vụ đã xác định triển khai trong năm 2026 phải được phân công ngay")
    assert titles[5].startswith("Siết chặt kỷ luật, kỷ cương trong Đảng")


def test_items_as_json() -> None:
    [first, *_] = items_of(CONCLUSION)
    data = first.as_json()
    assert set(data) == {"sentence", "point", "start", "end", "tasks"}
    assert data["tasks"][0]["lead"] == {"id": 5, "code": "BTCTU", "name": "Ban Tổ chức Thành ủy"}
    assert data["tasks"][0]["product_kind"] == "plan"


def test_collective_is_passed_to_the_reader() -> None:
    assert propose("", REF, matcher(), collective=True) == []
    assert propose("Ban Thường vụ Thành ủy kết luận như sau:", REF, matcher()) == []


def test_a_lead_in_hands_its_lead_to_the_items_under_it() -> None:
    """ "1. Giao Văn phòng Thành ủy chủ trì, phối hợp với Ban Tổ chức Thành ủy:" then "- Xây dựng…", "- Tổ chức…"."""
    text = (Path(__file__).parent / "data" / "giao-nhiem-vu-theo-danh-sach.txt").read_text(encoding="utf-8")
    items = items_of(text)
    assert [(i.point, [t.lead.code if t.lead else t.lead_text for t in i.tasks]) for i in items] == [
        ("II.1", ["VPTU"]),
        ("II.1", ["VPTU"]),
        ("II.2.a", ["các cơ quan, đơn vị"]),  # "Đề nghị các cơ quan, đơn vị …:" — the lead left open, its words kept
        ("II.2.b", ["UBKTTU"]),  # an item naming its own lead keeps it
    ]
    plan, conference = items[0].tasks[0], items[1].tasks[0]
    assert plan.coordinating == [unit("BTCTU")]
    assert plan.title == "Xây dựng Kế hoạch kiểm tra việc thực hiện Quy chế làm việc"
    assert plan.authority == unit("BTVTU")
    assert conference.product_kind == ProductKind.CONFERENCE
    assert conference.authority is None
    # The lead-in itself proposes nothing, nor do the narrative items under "Ban Thường vụ Thành ủy lưu ý…:".
    assert not any(i.sentence.endswith(":") for i in items)
    assert not any("95%" in i.sentence for i in items)


def test_a_lead_in_ends_with_its_list() -> None:
    text = (
        "1. Giao Văn phòng Thành ủy:\n- Xây dựng kế hoạch kiểm tra công tác văn thư, lưu trữ.\n"
        "2. Tổ chức hội nghị sơ kết công tác văn phòng cấp ủy.\n"
        "Giao Ban Tổ chức Thành ủy:\n- Xây dựng đề án vị trí việc làm.\nTổ chức hội nghị tổng kết công tác cán bộ."
    )
    items = items_of(text)
    # After its list, a sentence that names no doer is proposed with its lead open: the lead-in does not carry over.
    assert [(i.point, [t.lead for t in i.tasks]) for i in items] == [
        ("1", [unit("VPTU")]),
        ("2", [None]),  # "Tổ chức hội nghị sơ kết…": not Văn phòng's, its list has ended
        ("2", [unit("BTCTU")]),  # "Giao Ban Tổ chức Thành ủy:" stands under point 2 (no marker of its own)
        ("2", [None]),  # "Tổ chức hội nghị tổng kết…" after Ban Tổ chức's list
    ]


def test_a_reporting_part_proposes_nothing() -> None:
    """Under "I. ĐÁNH GIÁ …" a sentence tells what was done even without "đã"; under "II. NHIỆM VỤ …" the same words
    assign work."""
    sentence = "Ban Tổ chức Thành ủy tham mưu tổ chức thành công Hội nghị sơ kết công tác cán bộ."
    text = (
        f"I. ĐÁNH GIÁ KẾT QUẢ QUÝ IV/2025\n1. Về công tác xây dựng Đảng\n{sentence}\n2. Hạn chế\n{sentence}\n"
        f"II. NHIỆM VỤ TRỌNG TÂM QUÝ I/2026\n1. Về công tác xây dựng Đảng\n{sentence}\n"
    )
    items = items_of(text)
    assert [i.point for i in items] == ["II.1"]
    assert items[0].tasks[0].lead == unit("BTCTU")
    # Unnumbered headings too.
    items = items_of(f"ĐÁNH GIÁ CHUNG\n{sentence}\nNHIỆM VỤ THỜI GIAN TỚI\n{sentence}\n")
    assert len(items) == 1
    assert items[0].start > len("ĐÁNH GIÁ CHUNG\n") + len(sentence)
