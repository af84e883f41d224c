"""The segmenter: a directive's text → its numbered points and sentences, with offsets into the text."""

from __future__ import annotations

import pytest

from sauro.extraction.segment import sentences
from tests.extraction.grammar_texts import CONCLUSION, DATA


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def test_offsets_point_into_the_original_text() -> None:
    """Văn phòng sees each proposal beside the words it came from: start/end cut the sentence out of the text."""
    for s in sentences(CONCLUSION):
        assert " ".join(CONCLUSION[s.start : s.end].split()) == s.text
        assert CONCLUSION[s.start] == s.text[0] and CONCLUSION[s.end - 1] == s.text[-1]


def test_sentences_of_a_real_paragraph() -> None:
    text = (DATA / "seed-hue-conclusion-2026-01.txt").read_text(encoding="utf-8")
    found = texts(text)
    assert (
        "Công tác tham mưu phải chuyển mạnh từ phản ánh sang đề xuất giải pháp, cụ thể, rõ việc, rõ trách nhiệm, "
        "rõ thời gian và rõ sản phẩm." in found
    )
    assert any(t.startswith("Trên tinh thần đó, đồng chí Phạm Đức Tiến đề nghị") for t in found)
    # The paragraph of the caption is a sentence of its own, not glued to the next paragraph.
    assert "Đồng chí Phạm Đức Tiến, Phó Bí thư Thường trực Thành ủy phát biểu kết luận hội nghị" in found
    # "quý IV/2025," and "2 cấp" do not cut a sentence.
    assert any(t.startswith("Trong quý IV/2025, toàn hệ thống các cơ quan") and t.endswith("đặt ra.") for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "Tốc độ tăng trưởng kinh tế của TP. Huế đạt 8,5%.",
        "Thực hiện Kết luận số 15-KL/TU ngày 15/3/2026 của Ban Thường vụ Thành ủy.",
        "Chỉ tiêu thu ngân sách đạt 1.250,5 tỷ đồng, tăng 12,3% so với cùng kỳ.",
        "Các nhiệm vụ về văn hóa, du lịch, y tế, v.v. được triển khai đồng bộ.",
        "Thực hiện Nghị quyết của Ban Chấp hành TW. Đảng về công tác cán bộ.",
        "Hội nghị có sự tham dự của đồng chí Nguyễn V. An, Trưởng Ban Tổ chức Thành ủy.",
        "Các phong trào thi đua... Đoàn viên, hội viên tích cực hưởng ứng.",
        "Ngày 15.3.2026 Ban Thường vụ Thành ủy họp.",
    ],
)
def test_no_break_inside_abbreviations_dates_numbers_ellipses(text: str) -> None:
    assert texts(text) == [text]


def test_breaks_after_a_document_number_and_a_date_that_end_a_sentence() -> None:
    text = (
        "Tiếp tục thực hiện Nghị quyết số 57-NQ/TW. Ban Tổ chức Thành ủy hoàn thành trước ngày 15/3/2026. "
        "Văn phòng Thành ủy theo dõi, đôn đốc."
    )
    assert texts(text) == [
        "Tiếp tục thực hiện Nghị quyết số 57-NQ/TW.",
        "Ban Tổ chức Thành ủy hoàn thành trước ngày 15/3/2026.",
        "Văn phòng Thành ủy theo dõi, đôn đốc.",
    ]


def test_points_are_numbering_paths() -> None:
    by_text = {s.text: s for s in sentences(CONCLUSION)}
    assert by_text["ĐÁNH GIÁ CHUNG"].point == "I"
    assert by_text["ĐÁNH GIÁ CHUNG"].heading
    assert by_text["Về công tác xây dựng Đảng"].point == "II.1"
    assert by_text["Về công tác xây dựng Đảng"].heading
    lead_a = next(t for t in by_text if t.startswith("Ban Tổ chức Thành ủy chủ trì, phối hợp"))
    assert by_text[lead_a].point == "II.1.a"
    assert not by_text[lead_a].heading
    # Two sentences of item b) both stand under it.
    assert by_text["Ban Nội chính Thành ủy phối hợp."].point == "II.1.b"
    # "2.1." written in full under "2.", then "2.2."; a bullet adds nothing to the path.
    assert by_text[next(t for t in by_text if t.startswith("Ban Tuyên giáo và Dân vận Thành ủy tham mưu"))].point == (
        "II.2.1"
    )
    bullet = next(t for t in by_text if t.startswith("Đề nghị các cơ quan, đơn vị"))
    assert by_text[bullet].point == "II.2.2"
    # "3." closes "2.2": back to one level under II.
    assert by_text[next(t for t in by_text if t.startswith("Văn phòng Thành ủy theo dõi"))].point == "II.3"
    # The preamble stands under no point.
    assert by_text["Ban Thường vụ Thành ủy kết luận như sau:"].point is None


def test_marker_is_not_part_of_the_sentence() -> None:
    found = texts("1. Ban Tổ chức Thành ủy xây dựng kế hoạch.\na) Văn phòng Thành ủy tổng hợp.\n+ Lưu ý thời hạn.")
    assert found == ["Ban Tổ chức Thành ủy xây dựng kế hoạch.", "Văn phòng Thành ủy tổng hợp.", "Lưu ý thời hạn."]
    points = [s.point for s in sentences("1. Một việc.\na) Việc a.\nb) Việc b.\n2. Việc hai.\n• Gạch đầu dòng.")]
    assert points == ["1", "1.a", "1.b", "2", "2"]


def test_letter_after_roman_and_numbered_points_without_roman() -> None:
    points = [s.point for s in sentences("I. Phần một.\n1. Mục một.\n2. Mục hai.\nII. Phần hai.\n1. Mục một.")]
    assert points == ["I", "I.1", "I.2", "II", "II.1"]


def test_a_wrapped_line_continues_its_sentence() -> None:
    """Text pasted from a PDF breaks lines inside sentences: the line break is not a sentence end."""
    text = (
        "a) Ban Tổ chức Thành ủy chủ trì, phối hợp với\n"
        "Văn phòng Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW,\n"
        "báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026.\n"
        "b) Văn phòng Thành ủy theo dõi, đôn đốc."
    )
    found = sentences(text)
    assert [s.text for s in found] == [
        "Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số "
        "57-NQ/TW, báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026.",
        "Văn phòng Thành ủy theo dõi, đôn đốc.",
    ]
    assert text[found[0].start : found[0].end].count("\n") == 2
    assert [s.point for s in found] == ["a", "b"]


def test_recipients_and_signature_are_closing() -> None:
    found = sentences(CONCLUSION)
    closing = [s.text for s in found if s.closing]
    assert closing[0] == "Nơi nhận:"
    assert "Lưu Văn phòng Thành ủy." in closing
    assert "T/M BAN THƯỜNG VỤ" in closing
    assert all(s.point is None for s in found if s.closing)
    assert not any(s.closing for s in found if s.text.startswith("Văn phòng Thành ủy theo dõi"))


def test_empty_and_blank_text() -> None:
    assert sentences("") == []
    assert sentences("\n\n   \n") == []


def test_items_are_marked() -> None:
    found = sentences("Giao Văn phòng Thành ủy:\n- Xây dựng kế hoạch. Trình duyệt.\nMột đoạn thường.")
    assert [(s.text, s.item) for s in found] == [
        ("Giao Văn phòng Thành ủy:", False),
        ("Xây dựng kế hoạch.", True),
        ("Trình duyệt.", True),
        ("Một đoạn thường.", False),
    ]


def test_a_page_number_inside_a_sentence_is_skipped() -> None:
    text = "a) Ban Tổ chức Thành ủy xây dựng Kế hoạch triển khai\n- 2 -\nNghị quyết số 57-NQ/TW.\n3\nb) Việc khác."
    assert texts(text) == ["Ban Tổ chức Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW.", "Việc khác."]
