"""Reading directives: filters, diacritics-free search, keyset pages, the chain above and the proposed number."""

from __future__ import annotations

import datetime

import pytest

from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.directives import selectors
from sauro.directives.models import Directive
from sauro.directives.selectors import DirectiveFilters, directive_ancestors, directive_list, directive_page
from tests.conftest import Org
from tests.directives.conftest import MakeDirective


def found(org: Org, **filters: object) -> list[str]:
    return [d.summary for d in directive_list(user=org.leader, filters=DirectiveFilters(**filters))]  # type: ignore[arg-type]


@pytest.fixture
def sample(org: Org, make: MakeDirective) -> dict[str, Directive]:
    return {
        "nq": make(
            kind="NQ", summary="Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII", issued_on=datetime.date(2025, 10, 4)
        ),
        "ctr": make(
            kind="CTr", summary="Chương trình hành động thực hiện Nghị quyết", issued_on=datetime.date(2025, 11, 20)
        ),
        "kl": make(kind="KL", summary="Kết luận hội nghị giao ban các cơ quan Đảng", signer="Phạm Đức Tiến"),
        "kh": make(
            kind="KH",
            issuer_code="BTCTU",
            issuing_unit_id=org.btc.pk,
            summary="Kế hoạch rà soát quy hoạch cán bộ",
            issued_on=datetime.date(2026, 2, 3),
        ),
    }


def test_search_ignores_diacritics_and_case(org: Org, sample: dict[str, Directive]) -> None:
    assert found(org, text="ket luan hoi nghi") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]
    assert found(org, text="KẾT LUẬN Hội Nghị") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]
    assert found(org, text="hội nghị kết luận") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]  # any order
    assert found(org, text="dang") == [
        "Kết luận hội nghị giao ban các cơ quan Đảng",
        "Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII",
    ]
    assert found(org, text="pham duc tien") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]  # the signer
    assert found(org, text="chuong trinh") == ["Chương trình hành động thực hiện Nghị quyết"]  # kind and summary
    assert found(org, text="khong co gi") == []
    assert found(org, text="100%_") == []  # LIKE wildcards are literal


def test_search_by_number_symbol(org: Org, sample: dict[str, Directive]) -> None:
    assert found(org, text="Số 01-CTr/TU") == ["Chương trình hành động thực hiện Nghị quyết"]
    assert found(org, text="1-ctr/tu") == ["Chương trình hành động thực hiện Nghị quyết"]
    assert found(org, text="01-KH/BTCTU") == ["Kế hoạch rà soát quy hoạch cán bộ"]
    assert found(org, text="02-KL/TU") == []
    assert found(org, text="01-kl") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]  # part of a symbol, as text


def test_filters(org: Org, sample: dict[str, Directive]) -> None:
    assert found(org, kind="KL") == ["Kết luận hội nghị giao ban các cơ quan Đảng"]
    assert found(org, issuer_code="btctu") == ["Kế hoạch rà soát quy hoạch cán bộ"]
    assert found(org, issuer_code="không hợp lệ") == []
    assert found(org, issuing_unit_id=org.btc.pk) == ["Kế hoạch rà soát quy hoạch cán bộ"]
    assert found(org, year=2025) == [
        "Chương trình hành động thực hiện Nghị quyết",
        "Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII",
    ]
    assert found(org, date_from=datetime.date(2025, 11, 20), date_to=datetime.date(2026, 1, 9)) == [
        "Kết luận hội nghị giao ban các cơ quan Đảng",
        "Chương trình hành động thực hiện Nghị quyết",
    ]
    assert found(org, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2025, 1, 1)) == []
    assert len(found(org)) == 4


def test_parent_filter_and_children(org: Org, make: MakeDirective, sample: dict[str, Directive]) -> None:
    plan = make(kind="KH", summary="Kế hoạch con", parent_id=sample["ctr"].pk)
    assert found(org, parent_id=sample["ctr"].pk) == ["Kế hoạch con"]
    assert selectors.directive_children(user=org.leader, directive=sample["ctr"]) == [plan]


def test_ancestors_from_the_top(org: Org, make: MakeDirective, sample: dict[str, Directive]) -> None:
    program = make(kind="CTr", summary="CTr", parent_id=sample["nq"].pk)
    plan = make(kind="KH", summary="KH", parent_id=program.pk)
    ancestry = directive_ancestors(user=org.leader, directive=plan)
    assert ancestry.directives == [sample["nq"], program]
    assert ancestry.hidden_above is False
    assert directive_ancestors(user=org.leader, directive=sample["nq"]).directives == []


def test_keyset_pages_neither_repeat_nor_skip(org: Org, make: MakeDirective) -> None:
    same_day = [make(summary=f"Kết luận {i}") for i in range(5)]
    others = [make(summary=f"Cũ {i}", issued_on=datetime.date(2025, 12, i + 1)) for i in range(4)]
    seen: list[int] = []
    cursor = None
    while True:
        page = directive_page(user=org.leader, cursor=cursor, limit=2)
        seen.extend(d.pk for d in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = [d.pk for d in sorted(same_day + others, key=lambda d: (d.issued_on, d.pk), reverse=True)]
    assert seen == expected


def test_forged_cursor_is_refused(org: Org, make: MakeDirective) -> None:
    make()
    for cursor in ["abc", "W1siMjAyNiJdXQ:bad:sig"]:
        with pytest.raises(ValidationFailed) as caught:
            directive_page(user=org.leader, cursor=cursor)
        assert caught.value.fields == {
            "cursor": "Con trỏ phân trang không hợp lệ. Hãy tải lại trang đầu của danh sách."
        }


def test_number_proposal(org: Org, make: MakeDirective) -> None:
    make(number=14)
    proposal = selectors.directive_number_proposal(user=org.monitor, kind="kl", issuer_code="tu")
    assert proposal.parts.number_symbol == "Số 15-KL/TU"
    assert proposal.unit == org.city  # the unit whose code is the issuer code
    assert proposal.term.name == "Nhiệm kỳ 2025 – 2030"
    other = selectors.directive_number_proposal(user=org.monitor, kind="KH", issuer_code="VPTU")
    assert (other.parts.number, other.unit) == (1, org.office)
    with pytest.raises(ValidationFailed) as caught:
        selectors.directive_number_proposal(
            user=org.monitor, kind="KL", issuer_code="TU", issued_on=datetime.date(2025, 1, 1)
        )
    assert "issued_on" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        selectors.directive_number_proposal(user=org.monitor, kind="KL", issuer_code="TU", issuing_unit_id=987654)
    assert "issuing_unit_id" in caught.value.fields
    with pytest.raises(PermissionDeniedError):
        selectors.directive_number_proposal(user=org.btc_head, kind="KL", issuer_code="TU")


def test_issuer_code_suggestions(org: Org, make: MakeDirective) -> None:
    make(issuer_code="BCĐ35")
    codes = selectors.issuer_code_suggestions(user=org.monitor)
    assert {"TU", "VPTU", "BTCTU", "BCĐ35"} <= set(codes)
    assert "P-PHUXUAN" not in codes  # not a valid issuer code
