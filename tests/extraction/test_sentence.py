"""The sentence reader: which tasks a sentence assigns, to whom, with what product, for which authority."""

from __future__ import annotations

import datetime

import pytest

from sauro.extraction import sentence as reader
from sauro.extraction.segment import Sentence
from sauro.extraction.sentence import read_sentence
from sauro.extraction.types import TaskProposal, TimeSpec, UnitMention, UnitRef
from sauro.extraction.units import UnitMatcher
from sauro.tasks.choices import ProductKind
from sauro.tasks.rules import CLEAR_NAMES
from tests.extraction.grammar_texts import DATA, REF, matcher, unit

# A deadline the time parser finds is counted on the working-day calendar, which reads the override table.
pytestmark = pytest.mark.django_db


def read(text: str, *, collective: bool = False, with_matcher: UnitMatcher | None = None) -> list[TaskProposal]:
    return read_sentence(Sentence(text, None, 0, len(text)), REF, with_matcher or matcher(), collective=collective)


def codes(units: list[UnitRef]) -> list[str]:
    return [u.code for u in units]


def test_lead_coordinating_product_authority_and_title() -> None:
    [task] = read(
        "Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy, Ủy ban Kiểm tra Thành ủy xây dựng Kế hoạch "
        "triển khai Nghị quyết số 57-NQ/TW, báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026."
    )
    assert task.lead == unit("BTCTU")
    assert task.lead_text == "Ban Tổ chức Thành ủy"
    assert codes(task.coordinating) == ["VPTU", "UBKTTU"]
    assert task.product_kind == ProductKind.PLAN
    assert task.product == "Kế hoạch triển khai Nghị quyết số 57-NQ/TW"
    assert task.authority == unit("BTVTU")
    assert task.authority_text == "Ban Thường vụ Thành ủy"
    assert task.title == "Xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW"
    assert "responsibility" not in task.open_clears
    assert "product" not in task.open_clears
    assert "authority" not in task.open_clears
    assert "person" in task.open_clears  # nobody is named


def test_giao_names_the_lead_and_trinh_the_authority() -> None:
    [task] = read(
        "Giao Ủy ban Kiểm tra Thành ủy xây dựng dự thảo Quy chế phối hợp kiểm tra, giám sát, trình Thường trực "
        "Thành ủy trong quý I/2026."
    )
    assert task.lead == unit("UBKTTU")
    assert task.product_kind == ProductKind.DRAFT_DOCUMENT
    assert task.product == "Dự thảo Quy chế phối hợp kiểm tra, giám sát"
    assert task.authority == unit("TTTU")
    assert task.title == "Xây dựng dự thảo Quy chế phối hợp kiểm tra, giám sát"


def test_the_issuer_before_giao_is_not_a_lead() -> None:
    [task] = read(
        "Ban Thường vụ Thành ủy giao Văn phòng Thành ủy chủ trì, phối hợp với Ban Tổ chức Thành ủy tham mưu tổ "
        "chức hội nghị sơ kết 6 tháng đầu năm 2026."
    )
    assert task.lead == unit("VPTU")
    assert codes(task.coordinating) == ["BTCTU"]
    assert task.product_kind == ProductKind.CONFERENCE
    assert task.product == "Hội nghị sơ kết 6 tháng đầu năm 2026"
    assert task.title.startswith("Tham mưu tổ chức hội nghị sơ kết")


def test_de_nghi_and_tham_muu_authority() -> None:
    [task] = read(
        "Đề nghị Ban Tuyên giáo và Dân vận Thành ủy tham mưu Ban Thường vụ Thành ủy tổ chức hội nghị quán triệt "
        "Kết luận của Ban Bí thư."
    )
    assert task.lead == unit("BTGDVTU")
    assert task.authority == unit("BTVTU")
    assert task.product_kind == ProductKind.CONFERENCE
    assert task.title == "Tham mưu Ban Thường vụ Thành ủy tổ chức hội nghị quán triệt Kết luận của Ban Bí thư"


def test_subject_then_tham_muu() -> None:
    [task] = read(
        "Ban Nội chính Thành ủy tham mưu Ban Thường vụ Thành ủy ban hành Quyết định thành lập Ban Chỉ đạo phòng, "
        "chống tham nhũng, lãng phí, tiêu cực."
    )
    assert task.lead == unit("BNCTU")
    assert task.authority == unit("BTVTU")
    assert task.product_kind == ProductKind.DECISION
    assert task.product.startswith("Quyết định thành lập Ban Chỉ đạo phòng")


@pytest.mark.parametrize(
    "text",
    [
        "Ban Tổ chức Thành ủy và Ban Nội chính Thành ủy mỗi ban xây dựng một báo cáo chuyên đề về công tác cán bộ.",
        "Ban Tổ chức Thành ủy, Ban Nội chính Thành ủy theo chức năng, nhiệm vụ xây dựng báo cáo chuyên đề về công "
        "tác cán bộ.",
        "Giao Ban Tổ chức Thành ủy, Ban Nội chính Thành ủy theo chức năng, nhiệm vụ được giao xây dựng báo cáo "
        "chuyên đề về công tác cán bộ.",
    ],
)
def test_several_leads_one_proposal_each(text: str) -> None:
    tasks = read(text)
    assert [t.lead for t in tasks] == [unit("BTCTU"), unit("BNCTU")]
    assert {t.title for t in tasks} == {"Xây dựng một báo cáo chuyên đề về công tác cán bộ"} or {
        t.title for t in tasks
    } == {"Xây dựng báo cáo chuyên đề về công tác cán bộ"}
    assert all(t.product_kind == ProductKind.REPORT for t in tasks)
    assert all(t.coordinating == [] for t in tasks)


def test_a_unit_that_only_coordinates_in_a_later_clause() -> None:
    [task] = read(
        "Văn phòng Thành ủy theo dõi, đôn đốc, định kỳ hằng quý báo cáo Ban Thường vụ Thành ủy kết quả thực hiện; "
        "Ban Tổ chức Thành ủy phối hợp."
    )
    assert task.lead == unit("VPTU")
    assert codes(task.coordinating) == ["BTCTU"]
    # "báo cáo Ban Thường vụ Thành ủy kết quả thực hiện": the periodic report is the product.
    assert task.product_kind == ProductKind.REPORT
    assert task.product == "Báo cáo kết quả thực hiện"
    assert task.authority == unit("BTVTU")


def test_subject_phoi_hop_voi_leads() -> None:
    [task] = read("Đảng ủy phường An Cựu phối hợp với Trường Chính trị Nguyễn Chí Thanh tổ chức lớp bồi dưỡng.")
    assert task.lead == unit("P-ANCUU")
    assert codes(task.coordinating) == ["TCT"]
    assert task.title == "Tổ chức lớp bồi dưỡng"


def test_two_clauses_two_leads() -> None:
    tasks = read(
        "Ban Tổ chức Thành ủy xây dựng đề án sắp xếp đội ngũ cán bộ; Ủy ban Kiểm tra Thành ủy tổ chức hội nghị "
        "tổng kết công tác kiểm tra."
    )
    assert [(t.lead, t.product_kind) for t in tasks] == [
        (unit("BTCTU"), ProductKind.SCHEME),
        (unit("UBKTTU"), ProductKind.CONFERENCE),
    ]
    assert tasks[0].title == "Xây dựng đề án sắp xếp đội ngũ cán bộ"
    assert tasks[1].title == "Tổ chức hội nghị tổng kết công tác kiểm tra"


def test_lead_named_by_words_the_matcher_does_not_know() -> None:
    """The seed conclusion's last sentence: "đề nghị các cơ quan, đơn vị rà soát…" — the lead is left open, the
    words kept."""
    text = (DATA / "seed-hue-conclusion-2026-01.txt").read_text(encoding="utf-8").strip().split("\n")[-1]
    [task] = read(text)
    assert task.lead is None
    assert task.lead_text == "các cơ quan, đơn vị"
    assert task.title.startswith("Rà soát lại toàn bộ chương trình công tác quý I và năm 2026")
    assert "responsibility" in task.open_clears


class _CollectiveMatcher(UnitMatcher):
    """The hand-built matcher, and "các đảng ủy phường" as a collective subject covering the two wards."""

    def mentions(self, sentence: str) -> list[UnitMention]:
        found = super().mentions(sentence)
        phrase = "Các đảng ủy phường"
        at = sentence.find(phrase)
        if at >= 0:
            found.append(UnitMention(at, at + len(phrase), phrase, None, (unit("P-ANCUU"), unit("P-PHUXUAN"))))
        return sorted(found, key=lambda m: m.start)


COLLECTIVE = "Các đảng ủy phường xây dựng kế hoạch kiểm tra, giám sát năm 2026, báo cáo Ủy ban Kiểm tra Thành ủy."


def test_collective_subject_one_proposal_per_unit_when_asked() -> None:
    tasks = read(COLLECTIVE, collective=True, with_matcher=_CollectiveMatcher(matcher().entries))
    assert [t.lead for t in tasks] == [unit("P-ANCUU"), unit("P-PHUXUAN")]
    assert all(t.lead_text == "Các đảng ủy phường" for t in tasks)
    assert all(t.authority == unit("UBKTTU") for t in tasks)
    assert all("responsibility" not in t.open_clears for t in tasks)


def test_collective_subject_one_proposal_without_lead_by_default() -> None:
    [task] = read(COLLECTIVE, with_matcher=_CollectiveMatcher(matcher().entries))
    assert task.lead is None
    assert task.lead_text == "Các đảng ủy phường"
    assert task.product_kind == ProductKind.PLAN
    assert "responsibility" in task.open_clears


@pytest.mark.parametrize(
    ("text", "kind", "product"),
    [
        (
            "Ban Tổ chức Thành ủy chuẩn bị tờ trình về việc kiện toàn Ban Chỉ đạo, trình Ban Thường vụ Thành ủy.",
            ProductKind.SUBMISSION,
            "Tờ trình về việc kiện toàn Ban Chỉ đạo",
        ),
        (
            "Ban Tuyên giáo và Dân vận Thành ủy xây dựng dự thảo Chỉ thị về tăng cường công tác dân vận.",
            ProductKind.DRAFT_DOCUMENT,
            "Dự thảo Chỉ thị về tăng cường công tác dân vận",
        ),
        (
            "Văn phòng Thành ủy tổng hợp số liệu về tình hình thực hiện nhiệm vụ, gửi Thường trực Thành ủy.",
            ProductKind.DATA,
            "Số liệu về tình hình thực hiện nhiệm vụ",
        ),
        (
            "Ban Nội chính Thành ủy xây dựng báo cáo tổng kết 10 năm thực hiện Chỉ thị 50-CT/TW.",
            ProductKind.REPORT,
            "Báo cáo tổng kết 10 năm thực hiện Chỉ thị 50-CT/TW",
        ),
        (
            "Trường Chính trị Nguyễn Chí Thanh xây dựng đề án nâng cao chất lượng đào tạo, bồi dưỡng cán bộ.",
            ProductKind.SCHEME,
            "Đề án nâng cao chất lượng đào tạo, bồi dưỡng cán bộ",
        ),
    ],
)
def test_product_kinds(text: str, kind: str, product: str) -> None:
    [task] = read(text)
    assert (task.product_kind, task.product) == (kind, product)
    assert "product" not in task.open_clears


def test_no_product_is_an_open_clear() -> None:
    [task] = read("Ủy ban Kiểm tra Thành ủy tiếp tục theo dõi, nắm tình hình các tổ chức đảng.")
    assert task.product_kind is None
    assert task.product == ""
    assert "product" in task.open_clears
    assert "authority" in task.open_clears


def test_a_named_person_closes_the_person_clear() -> None:
    [task] = read(
        "Giao đồng chí Trưởng Ban Tổ chức Thành ủy trực tiếp chỉ đạo xây dựng đề án vị trí việc làm, báo cáo "
        "Thường trực Thành ủy."
    )
    assert task.lead == unit("BTCTU")
    assert "person" not in task.open_clears
    assert task.title == "Trực tiếp chỉ đạo xây dựng đề án vị trí việc làm"


def test_authority_words_kept_when_the_matcher_does_not_know_them() -> None:
    [task] = read("Văn phòng Thành ủy xây dựng báo cáo tình hình, báo cáo Ban Bí thư Trung ương Đảng.")
    assert task.authority is None
    assert task.authority_text == "Ban Bí thư Trung ương Đảng"
    assert "authority" in task.open_clears


@pytest.mark.parametrize(
    "text",
    [
        # The seed conclusion's evaluation (sauro/demo/data/seed-hue-conclusion-2026-01.txt).
        "Trong quý IV/2025, toàn hệ thống các cơ quan Đảng thành phố đã bám sát sự lãnh đạo, chỉ đạo của Thành ủy, "
        "Ban Thường vụ Thành ủy, chủ động, trách nhiệm trong tham mưu, phục vụ, góp phần giữ vững ổn định chính trị.",
        "Công tác tư tưởng, tuyên truyền được tăng cường, tập trung vào các nghị quyết quan trọng của Trung ương.",
        "Công tác đào tạo, bồi dưỡng cán bộ, nghiên cứu khoa học tiếp tục được chú trọng, từng bước nâng cao chất "
        "lượng đội ngũ.",
        # The Congress resolution's narrative (sauro/demo/data/nghi-quyet-dai-hoi-xvii.txt).
        "Đại hội thông qua Báo cáo chính trị của Ban Chấp hành Đảng bộ thành phố khóa XVI, xác định mục tiêu tổng "
        "quát.",
        "Văn phòng Thành ủy đã chủ trì tổ chức hội nghị sơ kết công tác văn phòng cấp ủy.",
        "Ban Tổ chức Thành ủy được giao chủ trì xây dựng đề án, đến nay đã hoàn thành.",
        "Ngày 12/01/2026, Ban Thường vụ Thành ủy đã họp, nghe Văn phòng Thành ủy báo cáo kết quả thực hiện nhiệm vụ.",
        "Ban Thường vụ Thành ủy kết luận như sau:",
        "Đồng chí Phạm Đức Tiến, Phó Bí thư Thường trực Thành ủy phát biểu kết luận hội nghị",
        "THÀNH ỦY HUẾ",
    ],
)
def test_narrative_and_preamble_assign_nothing(text: str) -> None:
    assert read(text) == []


def test_closing_sentences_assign_nothing() -> None:
    text = "Ban Tổ chức Thành ủy,"
    assert read_sentence(Sentence(text, None, 0, len(text), closing=True), REF, matcher()) == []


def test_time_comes_from_the_time_parser_and_leaves_the_title(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader asks ``parse_time`` (the time helper's) and cuts the expression it found out of the title."""
    seen: list[str] = []

    def fake_parse_time(text: str, ref: datetime.date, **_: object) -> TimeSpec:
        seen.append(text)
        assert ref == REF
        if "15/3/2026" in text:
            return TimeSpec(kind="date", due=datetime.date(2026, 3, 16), text="trước ngày 15/3/2026")
        return TimeSpec(kind="unclear")

    monkeypatch.setattr(reader, "parse_time", fake_parse_time)
    [task] = read("Ủy ban Kiểm tra Thành ủy xây dựng kế hoạch kiểm tra chuyên đề trước ngày 15/3/2026.")
    assert task.time.due == datetime.date(2026, 3, 16)
    assert task.title == "Xây dựng kế hoạch kiểm tra chuyên đề"
    assert "time" not in task.open_clears
    assert any("15/3/2026" in s for s in seen)
    [task] = read("Ủy ban Kiểm tra Thành ủy xây dựng kế hoạch kiểm tra chuyên đề.")
    assert task.time.kind == "unclear"
    assert "time" in task.open_clears


def test_a_deadline_leaves_the_title_whatever_the_time_parser_says() -> None:
    [task] = read("Ban Tổ chức Thành ủy tổ chức hội nghị sơ kết công tác cán bộ, hoàn thành trong quý II/2026.")
    assert task.title == "Tổ chức hội nghị sơ kết công tác cán bộ"


def test_open_clears_are_named_as_in_the_task_rules() -> None:
    tasks = read(
        "Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số "
        "57-NQ/TW, báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026."
    ) + read("Đề nghị các cơ quan, đơn vị rà soát lại toàn bộ chương trình công tác quý I và năm 2026.")
    for task in tasks:
        assert set(task.open_clears) <= set(CLEAR_NAMES)
        assert ("time" in task.open_clears) == (task.time.kind == "unclear")
        assert ("responsibility" in task.open_clears) == (task.lead is None)
        assert ("product" in task.open_clears) == (task.product_kind is None)
        assert ("authority" in task.open_clears) == (task.authority is None)


def test_tone_placement_and_case_do_not_matter() -> None:
    """ "uỷ", "hoá" (old-style tone placement) read as "ủy", "hóa"; the words are read whatever their case."""
    [task] = read("GIAO Ban Tổ chức Thành ủy XÂY DỰNG kế hoạch cụ thể hoá Nghị quyết, báo cáo Ban Thường vụ Thành ủy.")
    assert task.lead == unit("BTCTU")
    assert task.product_kind == ProductKind.PLAN
    assert task.product == "Kế hoạch cụ thể hoá Nghị quyết"


def test_the_committee_speaking_of_itself_is_the_issuer() -> None:
    """ "Ban Thường vụ Thành ủy thống nhất …, giao Ban Tổ chức Thành ủy …": the task is the Ban's."""
    [task] = read(
        "Ban Thường vụ Thành ủy thống nhất thông qua Đề án sắp xếp tổ chức bộ máy, giao Ban Tổ chức Thành ủy hoàn "
        "thiện Đề án, trình Thường trực Thành ủy ký ban hành."
    )
    assert task.lead == unit("BTCTU")
    assert task.title == "Hoàn thiện Đề án"
    assert task.product_kind == ProductKind.SCHEME
    assert task.authority == unit("TTTU")
    assert read("Ban Thường vụ Thành ủy ghi nhận, đánh giá cao sự nỗ lực của các cơ quan, đơn vị.") == []


def test_chuong_trinh_is_not_trinh() -> None:
    [task] = read(
        "Ủy ban Kiểm tra Thành ủy khẩn trương tham mưu xây dựng Chương trình kiểm tra, giám sát năm 2026 của Ban "
        "Chấp hành Đảng bộ thành phố, trình Ban Thường vụ Thành ủy trước ngày 31/01/2026."
    )
    assert task.product_kind == ProductKind.PLAN
    assert task.product == "Chương trình kiểm tra, giám sát năm 2026 của Ban Chấp hành Đảng bộ thành phố"
    assert task.authority == unit("BTVTU")
    [task] = read(
        "Đảng ủy Ủy ban nhân dân thành phố lãnh đạo, chỉ đạo xây dựng Kế hoạch thực hiện Chương trình chuyển đổi "
        "số, hoàn thành trong tháng 3/2026."
    )
    assert task.lead == unit("DUUBND")
    assert task.product == "Kế hoạch thực hiện Chương trình chuyển đổi số"


def test_report_of_results_to_an_authority() -> None:
    [task] = read(
        "Thường trực Thành ủy đề nghị Đảng ủy phường Phú Xuân khẩn trương khắc phục những hạn chế, khuyết điểm đã "
        "được chỉ ra qua kiểm tra, báo cáo kết quả về Ủy ban Kiểm tra Thành ủy."
    )
    assert task.lead == unit("P-PHUXUAN")
    assert task.authority == unit("UBKTTU")
    assert (task.product_kind, task.product) == (ProductKind.REPORT, "Báo cáo kết quả")
    assert task.title == "Khẩn trương khắc phục những hạn chế, khuyết điểm đã được chỉ ra qua kiểm tra"


def test_theo_ke_hoach_is_not_a_plan_to_make() -> None:
    [task] = read(
        "Trường Chính trị Nguyễn Chí Thanh phối hợp với Ban Tuyên giáo và Dân vận Thành ủy tổ chức các lớp bồi "
        "dưỡng lý luận chính trị cho cán bộ cơ sở theo kế hoạch."
    )
    assert task.lead == unit("TCT")
    assert task.coordinating == [unit("BTGDVTU")]
    assert task.product_kind is None


def test_unit_then_colon() -> None:
    """Tasks listed unit by unit: "- Văn phòng Thành ủy: chủ trì, phối hợp với … tổng hợp …"."""
    [task] = read(
        "Văn phòng Thành ủy: chủ trì, phối hợp với Ban Tổ chức Thành ủy tổng hợp báo cáo kết quả thực hiện nhiệm "
        "vụ năm 2026, trình Thường trực Thành ủy."
    )
    assert task.lead == unit("VPTU")
    assert task.coordinating == [unit("BTCTU")]
    assert task.title == "Tổng hợp báo cáo kết quả thực hiện nhiệm vụ năm 2026"
    assert task.product_kind == ProductKind.REPORT
    assert task.authority == unit("TTTU")


def test_a_time_expression_before_the_work_leaves_the_title(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_parse_time(text: str, ref: datetime.date, **_: object) -> TimeSpec:
        if "hằng quý" in text:
            return TimeSpec(kind="recurring", recurrence="quarterly", text="hằng quý")
        return TimeSpec(kind="unclear")

    monkeypatch.setattr(reader, "parse_time", fake_parse_time)
    [task] = read("Ban Tổ chức Thành ủy hằng quý tổng hợp tình hình đội ngũ cán bộ, báo cáo Thường trực Thành ủy.")
    assert task.title == "Tổng hợp tình hình đội ngũ cán bộ"
    assert task.time.recurrence == "quarterly"
    assert "time" not in task.open_clears


def test_a_sentence_typed_without_diacritics() -> None:
    [task] = read(
        "Ban To chuc Thanh uy chu tri, phoi hop voi Van phong Thanh uy xay dung Ke hoach trien khai Nghi quyet so "
        "57-NQ/TW, bao cao Ban Thuong vu Thanh uy truoc ngay 15/3/2026."
    )
    assert task.lead == unit("BTCTU")
    assert task.coordinating == [unit("VPTU")]
    assert task.authority == unit("BTVTU")
    assert (task.product_kind, task.product) == (ProductKind.PLAN, "Ke hoach trien khai Nghi quyet so 57-NQ/TW")
    assert task.title == "Xay dung Ke hoach trien khai Nghi quyet so 57-NQ/TW"  # the words as they were typed
    # "Dang uy" is not "đang": the ward is read as a unit, the sentence as the task it is.
    [task] = read("Dang uy phuong An Cuu to chuc hoi nghi so ket cong tac can bo.")
    assert task.lead == unit("P-ANCUU")
    assert task.product_kind == ProductKind.CONFERENCE
