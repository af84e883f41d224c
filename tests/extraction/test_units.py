"""The unit matcher (``extraction.units``): which units of the organisation a sentence names.

Most tests read the demo organisation of Huế (loaded once for the module, rolled back afterwards); the tests of
former names, restructuring and the cache build their own units through the org services.
"""

from __future__ import annotations

import datetime
import itertools
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from sauro.demo.loader import commune_specs, load_demo_organisation
from sauro.extraction.types import UnitMention, UnitRef
from sauro.extraction.units import UnitEntry, UnitMatcher
from sauro.org.choices import UnitKind
from sauro.org.models import Unit
from sauro.org.services import unit_create, unit_rename, units_merge
from tests.conftest import Org

DAY = datetime.date(2026, 1, 15)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AGENCIES = {"VPTU", "BTCTU", "UBKTTU", "BTGDVTU", "BNCTU", "TCT"}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[UnitMatcher]:
    """The matcher of the demo organisation (built from the database, which is rolled back afterwards)."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo_organisation()
        yield UnitMatcher.from_db(DAY)
        transaction.set_rollback(True)


def codes(matcher: UnitMatcher, sentence: str) -> list[str]:
    return [m.unit.code if m.unit else "*" for m in matcher.mentions(sentence)]


def texts(matcher: UnitMatcher, sentence: str) -> list[str]:
    return [m.text for m in matcher.mentions(sentence)]


# --- Names, short forms, abbreviations ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The Standing Committee, every way documents write it.
        ("Ban Thường vụ Thành ủy cho ý kiến.", ["BTVTU"]),
        ("Báo cáo Ban TVTU trước ngày 30/6.", ["BTVTU"]),
        ("Trình BTV Thành ủy xem xét.", ["BTVTU"]),
        ("Trình BTVTU xem xét.", ["BTVTU"]),
        ("Trình Ban TV Thành ủy, BTV TU.", ["BTVTU", "BTVTU"]),
        ("Xin ý kiến Ban Thường vụ.", ["BTVTU"]),
        # Thường trực.
        ("Thường trực Thành ủy chỉ đạo.", ["TTTU"]),
        ("TTTU chỉ đạo; TT Thành ủy kết luận.", ["TTTU", "TTTU"]),
        # Ủy ban Kiểm tra.
        ("UBKT Thành ủy kiểm tra.", ["UBKTTU"]),
        ("Ủy ban Kiểm tra Thành ủy, UBKTTU và Ủy ban Kiểm tra.", ["UBKTTU", "UBKTTU", "UBKTTU"]),
        # Văn phòng: with the committee only.
        ("Văn phòng TU tổng hợp.", ["VPTU"]),
        ("Văn phòng Thành ủy, VPTU, VP Thành ủy.", ["VPTU", "VPTU", "VPTU"]),
        # Bare short names of the agencies.
        ("Ban Tổ chức chủ trì, Ban Nội chính phối hợp.", ["BTCTU", "BNCTU"]),
        ("Ban Tuyên giáo và Dân vận hướng dẫn.", ["BTGDVTU"]),
        ("Ban Tuyên giáo và Dân vận Thành ủy, Ban TG và DV Thành ủy.", ["BTGDVTU", "BTGDVTU"]),
        ("Trường Chính trị Nguyễn Chí Thanh mở lớp.", ["TCT"]),
        # Party committees and communes, full and short.
        ("Đảng ủy các cơ quan Đảng thành phố; Đảng ủy UBND thành phố.", ["DUCQD", "DUUBND"]),
        (
            "Đảng ủy phường An Cựu, ĐU phường Phú Xuân, phường Vỹ Dạ, Xã A Lưới 1.",
            [
                "P-ANCUU",
                "P-PHUXUAN",
                "P-VYDA",
                "X-ALUOI1",
            ],
        ),
        ("Đảng bộ xã Phú Vinh.", ["X-PHUVINH"]),
        # The committee itself.
        ("Thành ủy Huế ban hành; Thành ủy yêu cầu.", ["TU", "TU"]),
    ],
)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_names_short_forms_and_abbreviations(demo: UnitMatcher, sentence: str, expected: list[str], form: str) -> None:
    assert codes(demo, unicodedata.normalize(form, sentence)) == expected


def test_tinh_uy_is_the_committee_of_this_deployment(demo: UnitMatcher) -> None:
    # A document of another province (or of Thừa Thiên Huế before 2025) names its own committee "Tỉnh ủy".
    assert codes(demo, "Ban Tổ chức Tỉnh ủy, Ban Thường vụ Tỉnh ủy và Tỉnh ủy.") == ["BTCTU", "BTVTU", "TU"]


def test_the_executive_committee_is_the_committee(demo: UnitMatcher) -> None:
    assert codes(demo, "Ban Chấp hành Đảng bộ thành phố ban hành Chương trình hành động.") == ["TU"]


def test_a_persons_title_is_not_the_standing_body(demo: UnitMatcher) -> None:
    # "Phó Bí thư Thường trực Thành ủy" is a secretary of the committee, not "Thường trực Thành ủy".
    found = demo.mentions("Phó Bí thư Thường trực Thành ủy phát biểu; Thường trực Thành ủy kết luận.")
    assert [(m.text, m.unit.code if m.unit else None) for m in found] == [
        ("Thành ủy", "TU"),
        (
            "Thường trực Thành ủy",
            "TTTU",
        ),
    ]


def test_without_diacritics_and_in_any_case(demo: UnitMatcher) -> None:
    sentence = "giao ban to chuc thanh uy, VAN PHONG THANH UY, dang uy phuong an cuu va uy ban kiem tra thanh uy"
    assert codes(demo, sentence) == ["BTCTU", "VPTU", "P-ANCUU", "UBKTTU"]
    # An abbreviation written without its Đ.
    assert codes(demo, "DU phuong Phu Xuan") == ["P-PHUXUAN"]


def test_an_abbreviation_only_in_capitals(demo: UnitMatcher) -> None:
    # "từ", "tư", "tu" fold to "tu" like TU, "vp" is not VP: words in lower case are never abbreviations.
    assert codes(demo, "Thực hiện từ tháng 3, tư vấn, tu bổ; vptu, btvtu, ubkt") == []
    assert codes(demo, "Báo cáo TU.") == ["TU"]
    # "TƯ" is Trung ương, not TU.
    assert codes(demo, "Ban Tổ chức TƯ hướng dẫn.") == []


def test_bare_office_is_not_our_office(demo: UnitMatcher) -> None:
    # "Văn phòng" alone is any office (of the People's Committee, of a ward...).
    assert codes(demo, "Văn phòng chuẩn bị hội trường; Văn phòng UBND thành phố phối hợp.") == []


# --- Other levels and organisations -------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "Theo hướng dẫn của Ban Tổ chức Trung ương.",
        "Ủy ban Kiểm tra Trung ương, UBKT TW, Ban Tuyên giáo và Dân vận Trung ương.",
        "Văn phòng Trung ương Đảng gửi văn bản.",
        "Ban Nội chính Trung ương, Ban Thường vụ Quận ủy, Ban Tổ chức Huyện ủy.",
        "Ban Tổ chức các cấp triển khai.",
        "UBKT TƯ, BTV TƯ, Ban Tổ chức TƯ.",
    ],
)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_central_and_other_bodies_are_not_ours(demo: UnitMatcher, sentence: str, form: str) -> None:
    assert codes(demo, unicodedata.normalize(form, sentence)) == []


def test_the_body_of_a_ward_is_that_ward(demo: UnitMatcher) -> None:
    # "Ban Thường vụ" followed by a ward's committee is that ward's, not the city's Standing Committee.
    assert codes(demo, "Ban Thường vụ Đảng ủy phường An Cựu họp.") == ["P-ANCUU"]


def test_a_comma_ends_a_name_before_a_foreign_word(demo: UnitMatcher) -> None:
    # Two subjects side by side: the comma keeps "Đảng ủy" from making Ban Tổ chức another body.
    assert codes(demo, "Ban Tổ chức, Đảng ủy các cơ quan Đảng thành phố phối hợp.") == ["BTCTU", "DUCQD"]


def test_words_are_whole(demo: UnitMatcher) -> None:
    assert codes(demo, "Xã A Lưới 12 và BTVTUX.") == []
    # A full stop ends a name: "… Ban Thường vụ. Thành ủy …" is two mentions.
    assert texts(demo, "Trình Ban Thường vụ. Thành ủy giao.") == ["Ban Thường vụ", "Thành ủy"]


# --- Departments --------------------------------------------------------------------------------------
def test_departments_only_with_their_agency(demo: UnitMatcher) -> None:
    assert codes(demo, "Phòng Tổng hợp Văn phòng Thành ủy tổng hợp.") == ["VPTU-TH"]
    assert codes(demo, "Phòng Cán bộ, Ban Tổ chức Thành ủy; Phòng Cán bộ thuộc Ban Tổ chức.") == ["BTCTU-CB"] * 2
    # The department's name ends as the agency's begins: said once.
    assert codes(demo, "Văn phòng Đảng ủy các cơ quan Đảng thành phố.") == ["DUCQD-VP"]
    # Alone, a department's name is any department of any body.
    assert codes(demo, "Phòng Tổng hợp báo cáo; Phòng Cán bộ tham mưu.") == []


# --- Former names -------------------------------------------------------------------------------------
def test_pre_merger_wards_name_their_successor(demo: UnitMatcher) -> None:
    # An Tây and An Đông were merged into An Cựu on 1 July 2025 (merged_from_note of the demo).
    assert codes(demo, "Đảng ủy phường An Tây và phường An Đông.") == ["P-ANCUU", "P-ANCUU"]
    assert codes(demo, "Phường An Tây, Quận Thuận Hóa.") == ["P-ANCUU"]
    assert codes(demo, "Phường Đông Ba thực hiện.") == ["P-PHUXUAN"]


def test_former_bans_name_ban_tuyen_giao_va_dan_van(demo: UnitMatcher) -> None:
    sentence = "Ban Tuyên giáo Tỉnh ủy, Ban Dân vận Thành ủy, Ban Tuyên giáo và Ban Dân vận."
    assert codes(demo, sentence) == ["BTGDVTU"] * 4
    # Their central counterparts are still not ours.
    assert codes(demo, "Ban Tuyên giáo Trung ương, Ban Dân vận Trung ương.") == []


# --- Collective subjects ------------------------------------------------------------------------------
def test_collective_subjects(demo: UnitMatcher) -> None:
    communes = {s.code for s in commune_specs()}
    assert len(communes) == 40
    for sentence in (
        "Đảng ủy các xã, phường triển khai.",
        "Cấp ủy cấp xã triển khai.",
        "Các đảng ủy xã, phường triển khai.",
        "ĐU các phường, xã triển khai.",
    ):
        [mention] = demo.mentions(sentence)
        assert mention.is_collective and {u.code for u in mention.collective} == communes, sentence
    [agencies] = demo.mentions("Các ban, cơ quan tham mưu, giúp việc Thành ủy phối hợp.")
    assert {u.code for u in agencies.collective} == AGENCIES
    [bans] = demo.mentions("Các ban đảng phối hợp.")
    assert {u.code for u in bans.collective} == {"BTCTU", "BTGDVTU", "BNCTU"}
    [everyone] = demo.mentions("Các cơ quan, đơn vị thực hiện.")
    assert {u.code for u in everyone.collective} == AGENCIES | {"DUCQD", "DUUBND", "BHUE"} | communes
    [party_agencies] = demo.mentions("Hội nghị giao ban các cơ quan Đảng thành phố.")
    assert {u.code for u in party_agencies.collective} == AGENCIES
    [committees] = demo.mentions("Cấp ủy các cấp quán triệt.")
    assert {u.code for u in committees.collective} == {"DUCQD", "DUUBND"} | communes
    # Standing bodies and departments are in no collective.
    assert not {u.code for u in everyone.collective} & {"TU", "TTTU", "BTVTU", "VPTU-TH"}


# --- Offsets -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_offsets_point_into_the_sentence_as_given(demo: UnitMatcher, form: str) -> None:
    sentence = unicodedata.normalize(form, "Giao Ủy ban Kiểm tra Thành ủy chủ trì, phối hợp với Đảng ủy phường Vỹ Dạ.")
    found = demo.mentions(sentence)
    assert [m.unit.code for m in found if m.unit] == ["UBKTTU", "P-VYDA"]
    for m in found:
        assert sentence[m.start : m.end] == m.text
    assert [unicodedata.normalize("NFC", m.text) for m in found] == ["Ủy ban Kiểm tra Thành ủy", "Đảng ủy phường Vỹ Dạ"]
    # The last word keeps its accents to the end (NFD puts the marks after the letter).
    assert found[1].end == len(sentence) - 1


def test_mentions_are_in_order_and_do_not_overlap(demo: UnitMatcher) -> None:
    found = demo.mentions("Ban Thường vụ Thành ủy giao Ban Tổ chức Thành ủy, Văn phòng Thành ủy và Thành ủy.")
    assert [m.unit.code for m in found if m.unit] == ["BTVTU", "BTCTU", "VPTU", "TU"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_three_hundred_sentences(demo: UnitMatcher) -> None:
    """Speed sanity: a long text is matched word by word against one trie (no timing asserted: a loaded machine
    must not fail it), and every sentence gives its units."""
    sentence = (
        "Giao Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy, UBKT Thành ủy và Đảng ủy các xã, "
        "phường tham mưu Ban Thường vụ Thành ủy ban hành kế hoạch, hoàn thành trước ngày 30/6/2026."
    )
    results = [demo.mentions(sentence) for _ in range(300)]
    assert all(len(r) == 5 for r in results)


# --- From the database: former names, restructuring, the cache -----------------------------------------
def test_units_not_in_force_are_not_proposed_and_name_their_successor(org: Org) -> None:
    merge_day = datetime.date(2025, 12, 1)
    successor = units_merge(
        acting_user=None,
        predecessors=[org.phuxuan, org.ancuu],
        on_date=merge_day,
        new_code="P-THUANHOA",
        new_name="Đảng ủy phường Thuận Hóa",
        new_kind=UnitKind.WARD,
    )
    matcher = UnitMatcher.from_db(DAY)
    assert codes(matcher, "Đảng ủy phường Phú Xuân, Đảng ủy phường An Cựu.") == ["P-THUANHOA", "P-THUANHOA"]
    assert all(
        m.unit == UnitRef(successor.pk, "P-THUANHOA", "Đảng ủy phường Thuận Hóa")
        for m in matcher.mentions("Đảng ủy phường An Cựu")
    )
    [wards] = matcher.mentions("Đảng ủy các xã, phường")
    assert [u.code for u in wards.collective] == ["P-THUANHOA"]
    # Before the merger the old wards were in force, under their own names.
    before = UnitMatcher.from_db(merge_day - datetime.timedelta(days=1))
    assert codes(before, "Đảng ủy phường Phú Xuân, Đảng ủy phường Thuận Hóa.") == ["P-PHUXUAN"]


def test_a_renamed_unit_keeps_its_former_name_and_the_matcher_follows(org: Org) -> None:
    first = UnitMatcher.from_db(DAY)
    assert UnitMatcher.from_db(DAY) is first  # built once while the organisation does not change
    # No Ban Nội chính yet: only "Thành ủy" is a name of this organisation.
    assert texts(first, "Ban Nội chính Thành ủy") == ["Thành ủy"]
    # A rename writes the old name as a UnitName row: the old name and its abbreviations still name the unit.
    unit_rename(acting_user=None, unit=org.ubkt, new_name="Ủy ban Giám sát Thành ủy", on_date=DAY)
    renamed = UnitMatcher.from_db(DAY)
    assert renamed is not first
    assert codes(renamed, "Ủy ban Giám sát Thành ủy; Ủy ban Kiểm tra Thành ủy; UBKTTU.") == ["UBKTTU"] * 3
    bnc = unit_create(
        acting_user=None,
        code="BNCTU",
        name="Ban Nội chính Thành ủy",
        kind=UnitKind.AGENCY,
        parent=org.city,
        valid_from=org.START,
    )
    assert codes(UnitMatcher.from_db(DAY), "Ban Nội chính Thành ủy") == [bnc.code]


def test_a_built_matcher_costs_only_its_check(org: Org, django_assert_max_num_queries: Any) -> None:
    first = UnitMatcher.from_db(DAY)
    # The organisation's digest: its units and their former names, read again; nothing is built.
    with django_assert_max_num_queries(2):
        assert UnitMatcher.from_db(DAY) is first
    # Another day is another matcher (units have validity dates).
    assert UnitMatcher.from_db(DAY + datetime.timedelta(days=1)) is not first


def test_a_future_unit_is_not_yet_proposed(org: Org) -> None:
    unit_create(
        acting_user=None,
        code="BNCTU",
        name="Ban Nội chính Thành ủy",
        kind=UnitKind.AGENCY,
        parent=org.city,
        valid_from=DAY + datetime.timedelta(days=10),
    )
    assert codes(UnitMatcher.from_db(DAY), "Ban Nội chính Thành ủy") == ["TU"]
    assert Unit.objects.filter(code="BNCTU").exists()


# --- Without the database -----------------------------------------------------------------------------
def entry(pk: int, code: str, name: str, kind: str, parent: str | None = "TU", *former: str) -> UnitEntry:
    return UnitEntry(UnitRef(pk, code, name), (name,), kind, parent, tuple(former))


def test_a_name_two_units_share_names_neither() -> None:
    matcher = UnitMatcher(
        [
            entry(1, "TU", "Thành ủy Huế", "committee", None),
            entry(2, "P-A", "Đảng ủy phường A", "ward", "TU", "Phường Cũ, Quận X"),
            entry(3, "P-B", "Đảng ủy phường B", "ward", "TU", "Phường Cũ, Quận Y"),
        ]
    )
    assert codes(matcher, "Đảng ủy phường Cũ") == []
    # The district tells them apart.
    assert codes(matcher, "Phường Cũ, Quận Y") == ["P-B"]
    # A current name wins over a former one.
    a = entry(1, "P-A", "Đảng ủy phường A", "ward", None)
    other = UnitMatcher([a, entry(2, "P-B", "Đảng ủy phường B", "ward", None, "Phường A")])
    assert codes(other, "Phường A") == ["P-A"]


def test_mentions_are_plain_values() -> None:
    matcher = UnitMatcher([entry(1, "TU", "Thành ủy Huế", "committee", None)])
    assert matcher.mentions("Thành ủy Huế.") == [UnitMention(0, 12, "Thành ủy Huế", UnitRef(1, "TU", "Thành ủy Huế"))]
